"""Present a calculation result: the JSON document and the readable Indonesian table."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from tuntas.core.formatting import format_decimal_id, format_int_id
from tuntas.katalog.reference import Catalog
from tuntas.perhitungan.engine import Band, Result


def _number(result: Result, value: Fraction | None, level: str) -> float | None:
    """At the method's precision for ``level`` (the default: truncated to 2 decimals); a float
    prints as its shortest form (72.85, 100.0)."""
    shown = result.method.show(value, level)
    return None if shown is None else float(shown)


def _category(band: Band | None) -> str | None:
    return None if band is None else band.name


def result_to_dict(result: Result, catalog: Catalog) -> dict[str, Any]:
    return {
        "metode": result.method.code,
        "jpd": [
            {
                "kode": r.kode,
                "nama": catalog.jpd[r.kode].name,
                "urusan": r.urusan,
                "sasaran": r.sasaran,
                "terlayani": r.terlayani,
                "capaian_penerima": _number(result, r.capaian_penerima, "jpd"),
                "capaian_mutu": _number(result, r.capaian_mutu, "jpd"),
                "nilai": _number(result, r.nilai, "jpd"),
                "kategori": _category(r.kategori),
                "peringatan": list(r.peringatan),
            }
            for r in result.jpd
        ],
        "urusan": [
            {
                "kode": u.kode,
                "nama": catalog.urusan[u.kode].name,
                "nilai": _number(result, u.nilai, "urusan"),
                "kategori": _category(u.kategori),
            }
            for u in result.urusan
        ],
        "daerah": {
            "nilai": _number(result, result.daerah.nilai, "daerah"),
            "kategori": _category(result.daerah.kategori),
        },
    }


def _pct(result: Result, value: Fraction | None, level: str) -> str:
    shown = result.method.show(value, level)
    return "—" if shown is None else format_decimal_id(shown, places=_places(shown))


def _places(value: Decimal) -> int:
    return max(0, -int(value.as_tuple().exponent))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _precision_note(result: Result) -> str:
    """ "Nilai ditampilkan terpotong 2 desimal" (one precision) or per level."""
    how = {"potong": "terpotong", "setengah_ke_atas": "dibulatkan"}
    parts = [f"{how[p.rounding]} {p.decimals} desimal" for p in result.method.precision]
    if len(set(parts)) == 1:
        return f"Nilai ditampilkan {parts[0]}"
    names = ("JPD", "urusan", "daerah")
    return "Nilai ditampilkan " + ", ".join(f"{n} {p}" for n, p in zip(names, parts, strict=True))


def result_to_text(result: Result, catalog: Catalog) -> str:
    out: list[str] = [f"Metode: {result.method.code} — {result.method.name}", ""]
    out.append("Capaian per jenis pelayanan dasar (JPD)")
    rows = [
        [
            r.kode,
            _cut(catalog.jpd[r.kode].name, 48),
            format_int_id(r.sasaran),
            format_int_id(r.terlayani),
            _pct(result, r.capaian_penerima, "jpd"),
            _pct(result, r.capaian_mutu, "jpd"),
            _pct(result, r.nilai, "jpd"),
            r.kategori.name if r.kategori else "Tidak ada sasaran",
        ]
        for r in result.jpd
    ]
    out += _table(
        [
            "Kode",
            "Jenis pelayanan dasar",
            "Sasaran",
            "Terlayani",
            "Penerima %",
            "Mutu %",
            "Nilai",
            "Kategori",
        ],
        rows,
        right={2, 3, 4, 5, 6},
    )
    out += ["", "Indeks per urusan"]
    out += _table(
        ["Kode", "Urusan", "Nilai", "Kategori"],
        [
            [
                u.kode,
                catalog.urusan[u.kode].name,
                _pct(result, u.nilai, "urusan"),
                u.kategori.name if u.kategori else "—",
            ]
            for u in result.urusan
        ],
        right={2},
    )
    daerah = result.daerah
    out += [
        "",
        f"Indeks SPM daerah: {_pct(result, daerah.nilai, 'daerah')} — {daerah.kategori.name if daerah.kategori else 'tidak dapat dihitung'}",
    ]
    notes = [f"{r.kode}: {w}" for r in result.jpd for w in r.peringatan] + list(result.peringatan)
    if notes:
        out += ["", "Peringatan:"] + [f"- {n}" for n in notes]
    out += ["", f"{_precision_note(result)}; kategori dari nilai tepat."]
    return "\n".join(out)
