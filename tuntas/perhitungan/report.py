"""Present a calculation result: the JSON document and the readable Indonesian table."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from tuntas.core.formatting import format_decimal_id, format_int_id
from tuntas.katalog.reference import Catalog
from tuntas.perhitungan.engine import Band, Result, truncate2


def _number(value: Fraction | None) -> float | None:
    """Truncated to 2 decimals; a float prints as its shortest form (72.85, 100.0)."""
    return None if value is None else float(truncate2(value))


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
                "capaian_penerima": _number(r.capaian_penerima),
                "capaian_mutu": _number(r.capaian_mutu),
                "nilai": _number(r.nilai),
                "kategori": _category(r.kategori),
                "peringatan": list(r.peringatan),
            }
            for r in result.jpd
        ],
        "urusan": [
            {
                "kode": u.kode,
                "nama": catalog.urusan[u.kode].name,
                "nilai": _number(u.nilai),
                "kategori": _category(u.kategori),
            }
            for u in result.urusan
        ],
        "daerah": {
            "nilai": _number(result.daerah.nilai),
            "kategori": _category(result.daerah.kategori),
        },
    }


def _pct(value: Fraction | None) -> str:
    return "—" if value is None else format_decimal_id(truncate2(value))


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


def result_to_text(result: Result, catalog: Catalog) -> str:
    out: list[str] = [f"Metode: {result.method.code} — {result.method.name}", ""]
    out.append("Capaian per jenis pelayanan dasar (JPD)")
    rows = [
        [
            r.kode,
            _cut(catalog.jpd[r.kode].name, 48),
            format_int_id(r.sasaran),
            format_int_id(r.terlayani),
            _pct(r.capaian_penerima),
            _pct(r.capaian_mutu),
            _pct(r.nilai),
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
                _pct(u.nilai),
                u.kategori.name if u.kategori else "—",
            ]
            for u in result.urusan
        ],
        right={2},
    )
    daerah = result.daerah
    out += [
        "",
        f"Indeks SPM daerah: {_pct(daerah.nilai)} — {daerah.kategori.name if daerah.kategori else 'tidak dapat dihitung'}",
    ]
    notes = [f"{r.kode}: {w}" for r in result.jpd for w in r.peringatan] + list(result.peringatan)
    if notes:
        out += ["", "Peringatan:"] + [f"- {n}" for n in notes]
    out += ["", "Nilai ditampilkan terpotong 2 desimal; kategori dari nilai tepat."]
    return "\n".join(out)


def decimal_or_none(value: Fraction | None) -> Decimal | None:
    return None if value is None else truncate2(value)
