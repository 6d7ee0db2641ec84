from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import QuerySet
from django.utils.translation import gettext

from tuntas.core.formatting import format_decimal_id
from tuntas.katalog.models import Jpd, JpdVersion, ScoringMethod, Urusan
from tuntas.katalog.reference import MethodRef, get_catalog, in_force
from tuntas.perhitungan.engine import LEVELS, Band


def jpd_list(*, level: str | None = None) -> QuerySet[Jpd]:
    qs = Jpd.objects.select_related("urusan")
    return qs.filter(level=level) if level else qs


def jpd_version_for_year(*, jpd: Jpd, year: int) -> JpdVersion | None:
    """The version of ``jpd`` in force in ``year``: the only place that decides it for stored
    data (by :func:`katalog.reference.in_force`, the rule of the data files). Uses the JPD's
    prefetched ``versions`` when there are (bulk callers), else one query for its few versions
    with their mutu items."""
    cache = getattr(jpd, "_prefetched_objects_cache", {})
    versions = (
        jpd.versions.all()
        if "versions" in cache
        else JpdVersion.objects.filter(jpd=jpd).prefetch_related("mutu_items")
    )
    return next(
        (v for v in sorted(versions, key=lambda v: v.valid_from)
         if in_force(v.valid_from, v.valid_until, year)),
        None,
    )  # fmt: skip


def urusan_list() -> QuerySet[Urusan]:
    return Urusan.objects.order_by("code")


def scoring_method_get(*, code: str) -> ScoringMethod | None:
    return ScoringMethod.objects.filter(code=code).first()


# --- scoring methods as a readable list of rules -----------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One rule of a scoring method, as the method page shows it."""

    key: str  # bobot, agregasi, agregasi_mutu, kategori, kategori.<urusan>, tampilan
    title: str
    statement: str
    source: str
    unconfirmed: bool
    bands: tuple[tuple[str, str, str], ...] = ()  # code, name, range


def _number(value: Fraction) -> str:
    """An exact bound or weight as written (``90``, ``70,5``)."""
    exact = (Decimal(value.numerator) / value.denominator).normalize()
    return format_decimal_id(exact, places=max(0, -int(exact.as_tuple().exponent)))


def _band_rows(bands: tuple[Band, ...]) -> tuple[tuple[str, str, str], ...]:
    rows = []
    upper: Fraction | None = None
    for band in bands:
        low = _number(band.minimum)
        if upper is None:
            span = gettext("≥ %(low)s") % {"low": low}
        else:
            span = gettext("≥ %(low)s dan < %(high)s") % {"low": low, "high": _number(upper)}
        rows.append((band.code, band.name, span))
        upper = band.minimum
    return tuple(rows)


def method_rules(ref: MethodRef) -> list[Rule]:
    """Every rule of a method with its source and whether it is confirmed (the method data)."""
    m = ref.method
    urusan_names = {u.code: u.name for u in get_catalog().urusan.values()}
    mutu = {
        "rasio_jumlah": gettext(
            "Jumlah yang tersedia ÷ jumlah yang dibutuhkan atas semua item; tiap item dihitung "
            "paling banyak sebesar kebutuhannya."
        ),
        "rata_rata_item": gettext(
            "Rata-rata persentase tiap item (tiap item paling tinggi 100%); setiap item berbobot "
            "sama."
        ),
    }[m.aggregation_mutu]
    roundings = {
        "potong": gettext("dipotong"),
        "setengah_ke_atas": gettext("dibulatkan setengah ke atas"),
    }
    levels = {
        "jpd": gettext("Nilai JPD"),
        "urusan": gettext("Indeks urusan"),
        "daerah": gettext("Indeks daerah"),
    }
    example = Fraction(72857142857, 1000000000)
    shown = "; ".join(
        gettext("%(level)s: %(n)s desimal, %(how)s (72,857142… → %(ex)s)")
        % {
            "level": levels[level],
            "n": p.decimals,
            "how": roundings[p.rounding],
            "ex": format_decimal_id(p.show(example), places=p.decimals),
        }
        for level, p in zip(LEVELS, m.precision, strict=True)
    )
    rules = [
        Rule(
            "bobot",
            gettext("Bobot"),
            gettext("Nilai JPD = %(p)s%% × capaian penerima + %(m)s%% × capaian mutu.")
            % {"p": _number(m.weight_penerima * 100), "m": _number(m.weight_mutu * 100)},
            ref.sources["bobot"],
            ref.unconfirmed["bobot"],
        ),
        Rule(
            "agregasi",
            gettext("Indeks urusan dan daerah"),
            gettext(
                "Indeks urusan = rata-rata nilai JPD yang punya sasaran; indeks daerah = "
                "rata-rata indeks urusan."
            ),
            ref.sources["agregasi"],
            ref.unconfirmed["agregasi"],
        ),
        Rule(
            "agregasi_mutu",
            gettext("Capaian mutu"),
            mutu,
            ref.sources["agregasi_mutu"],
            ref.unconfirmed["agregasi_mutu"],
        ),
        Rule(
            "kategori",
            gettext("Kategori"),
            gettext("Kategori ditentukan dari nilai persis, bukan dari angka yang ditampilkan."),
            ref.sources["kategori"],
            ref.unconfirmed["kategori"],
            _band_rows(m.bands),
        ),
    ]
    for code, table in m.urusan_bands:
        rules.append(
            Rule(
                f"kategori.{code}",
                gettext("Kategori urusan %(code)s %(name)s")
                % {"code": code, "name": urusan_names.get(code, "")},
                gettext("JPD dan indeks urusan ini memakai tabel kategori sendiri."),
                ref.sources[f"kategori.{code}"],
                ref.unconfirmed[f"kategori.{code}"],
                _band_rows(table),
            )
        )
    rules.append(
        Rule(
            "tampilan",
            gettext("Tampilan angka"),
            shown + ".",
            ref.sources["tampilan"],
            ref.unconfirmed["tampilan"],
        )
    )
    return rules
