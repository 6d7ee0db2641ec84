"""Reads for the dashboards: a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import QuerySet

from tuntas.akun.scope import Scope, pemda_readable
from tuntas.katalog.models import Jpd, Urusan
from tuntas.katalog.reference import DEFAULT_METHOD
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.selectors import pengampu_opds
from tuntas.pendataan.models import MutuEntry, QuarterEntry, QuarterResult
from tuntas.pendataan.selectors import (
    EMPTY,
    Shown,
    jpd_shown,
    methods_by_code,
    result_shown,
    urusan_shown,
)
from tuntas.perhitungan.engine import Method, mutu_items_short_first


@dataclass(frozen=True)
class OpdCompleteness:
    name: str
    assigned: int
    complete: int

    @property
    def percent(self) -> float:
        return 100.0 * self.complete / self.assigned if self.assigned else 0.0


@dataclass(frozen=True)
class UrusanRow:
    code: str
    name: str
    shown: Shown

    @property
    def nilai(self) -> Decimal | None:
        return self.shown.nilai

    @property
    def kategori(self) -> str:
        return self.shown.kategori


@dataclass(frozen=True)
class JpdRow:
    jpd: Jpd
    entry: QuarterEntry | None
    opd: str
    shown: Shown


@dataclass(frozen=True)
class TrendRow:
    year: int
    quarter: int
    shown: Shown
    jpd_complete: int
    jpd_total: int


@dataclass(frozen=True)
class MutuShort:
    """A mutu item short of its need in the quarter, with its own percentage."""

    jpd_code: str
    item_name: str
    dibutuhkan: int
    tersedia: int
    capaian: Decimal | None
    kekurangan: int


@dataclass(frozen=True)
class PemdaDashboard:
    pemda: Pemda
    year: int
    quarter: int
    method: Method
    result: QuarterResult | None
    index: Shown
    urusan: list[UrusanRow]
    jpd: list[JpdRow]
    completeness: list[OpdCompleteness]
    trend: list[TrendRow]
    mutu_items: list[MutuShort]

    @property
    def mutu_short(self) -> list[MutuShort]:
        return [m for m in self.mutu_items if m.kekurangan > 0]


def mutu_items_ranked(pemda: Pemda, year: int, quarter: int, method: Method) -> list[MutuShort]:
    """Every filled mutu item of the quarter's entries with its own percentage, the furthest
    short of need first (one query; percentages through the engine, at the JPD precision)."""
    rows = list(
        MutuEntry.objects.filter(
            pemda=pemda,
            entry__year=year,
            entry__quarter=quarter,
            dibutuhkan__isnull=False,
            tersedia__isnull=False,
        )
        .order_by("entry__jpd_id", "item__order")
        .values_list("entry__jpd_id", "item__name", "tersedia", "dibutuhkan")
    )
    ranked = mutu_items_short_first([(t or 0, d or 0) for _, _, t, d in rows])
    return [
        MutuShort(
            rows[r.index][0],
            rows[r.index][1],
            r.dibutuhkan,
            r.tersedia,
            method.show(r.capaian, "jpd"),
            r.kekurangan,
        )
        for r in ranked
    ]


def pemda_dashboard(pemda: Pemda, year: int, quarter: int) -> PemdaDashboard:
    method = pemda.scoring_method.to_method()
    result = QuarterResult.objects.filter(pemda=pemda, year=year, quarter=quarter).first()
    urusan = [
        UrusanRow(u.code, u.name, urusan_shown(result, u.code, method))
        for u in Urusan.objects.order_by("code")
    ]
    jpd_list = list(Jpd.objects.filter(level=pemda.level).order_by("code"))
    entries = {
        e.jpd_id: e for e in QuarterEntry.objects.filter(pemda=pemda, year=year, quarter=quarter)
    }
    opds = pengampu_opds(pemda=pemda)
    opd_of = {code: opd.name for code, opd in opds.items()}
    assigned = Counter(opd_of.values())
    complete = Counter(
        opd_of[code] for code, e in entries.items() if e.is_complete and code in opd_of
    )
    trend = list(
        QuarterResult.objects.filter(pemda=pemda, jpd_complete__gt=0)
        .order_by("year", "quarter")
        .only("year", "quarter", "nilai", "kategori", "jpd_total", "jpd_complete")
    )
    return PemdaDashboard(
        pemda=pemda,
        year=year,
        quarter=quarter,
        method=method,
        result=result,
        index=result_shown(result, method),
        urusan=urusan,
        jpd=[
            JpdRow(
                j,
                entries.get(j.code),
                opd_of.get(j.code, "—"),
                jpd_shown(
                    entries.get(j.code), getattr(entries.get(j.code), "kategori", ""), method
                ),
            )
            for j in jpd_list
        ],
        completeness=[
            OpdCompleteness(name, n, complete.get(name, 0)) for name, n in sorted(assigned.items())
        ],
        trend=[
            TrendRow(r.year, r.quarter, result_shown(r, method), r.jpd_complete, r.jpd_total)
            for r in trend
        ],
        mutu_items=mutu_items_ranked(pemda, year, quarter, method),
    )


@dataclass(frozen=True)
class RankedRow:
    pemda: Pemda
    result: QuarterResult | None
    shown: Shown = EMPTY  # the value ranked on (region index, or the chosen urusan's value)
    rank: int = 0  # among pemda of the same level (provinces and kab/kota are ranked apart)

    @property
    def nilai(self) -> Decimal | None:
        return self.shown.nilai

    @property
    def incomplete(self) -> bool:
        """Not every JPD with a target has its entry for the period: the rank may change."""
        return self.result is None or self.result.jpd_complete < self.result.jpd_total


def with_ranks(rows: list[RankedRow]) -> list[RankedRow]:
    """Number the rows (already best first) within each level: a province is never ranked
    against kab/kota. Rows without a value get no rank (0)."""
    counters: dict[str, int] = {}
    out = []
    for row in rows:
        if row.shown.nilai is None:
            out.append(replace(row, rank=0))
            continue
        counters[row.pemda.level] = counters.get(row.pemda.level, 0) + 1
        out.append(replace(row, rank=counters[row.pemda.level]))
    return out


def ranked(
    pemda_qs: object, year: int, quarter: int, methods: dict[str, Method] | None = None
) -> list[RankedRow]:
    """Pemda with their result for the period, best index first (no result last); ranked on
    the stored values, each shown at its own pemda's method's precision."""
    pemda_list = list(pemda_qs)  # type: ignore[call-overload]
    results = {
        r.pemda_id: r
        for r in QuarterResult.objects.filter(
            pemda__in=[p.code for p in pemda_list], year=year, quarter=quarter
        )
    }
    methods = methods if methods is not None else methods_by_code()
    rows = [
        RankedRow(
            p,
            results.get(p.code),
            result_shown(results.get(p.code), methods[str(p.scoring_method_id)]),
        )
        for p in pemda_list
    ]

    def exact(row: RankedRow) -> Decimal:
        return row.result.nilai if row.result and row.result.nilai is not None else Decimal(-1)

    return with_ranks(sorted(rows, key=lambda r: (-exact(r), r.pemda.code)))


def category_choices() -> list[tuple[str, str]]:
    """Category codes and names for filters, in the default method's order, then any other
    method's codes (names from the method data)."""
    methods = methods_by_code()
    default = methods.get(DEFAULT_METHOD) or next(iter(methods.values()))
    seen = {b.code: b.name for b in default.bands}
    for method in methods.values():
        for _, table in ((None, method.bands), *method.urusan_bands):
            for band in table:
                seen.setdefault(band.code, band.name)
    return list(seen.items())


def province_kabkota(scope: Scope, province: Pemda) -> QuerySet[Pemda]:
    """The kab/kota of ``province`` that ``scope`` may read, by code."""
    return (
        Pemda.objects.filter(province_code=province.province_code, level="kabkota")
        .filter(scope.pemda_filter())
        .order_by("code")
    )


def national_ranking(
    scope: Scope, year: int, quarter: int, *, level: str = "", urusan: str = "", category: str = ""
) -> list[RankedRow]:
    """Every pemda ``scope`` may read, ranked, filtered as on the national dashboard: ``level``
    (provinsi/kabkota, anything else ignored), ``urusan`` (only pemda with a value for it) and
    ``category`` (of that urusan when one is given, else of the region index)."""
    qs = pemda_readable(scope).order_by("code")
    if level in ("provinsi", "kabkota"):
        qs = qs.filter(level=level)
    methods = methods_by_code()
    rows = ranked(qs, year, quarter, methods)
    if urusan:
        # ranked and coloured by the chosen urusan's value, not by the region index
        rows = [
            replace(
                r, shown=urusan_shown(r.result, urusan, methods[str(r.pemda.scoring_method_id)])
            )
            for r in rows
            if r.result and urusan in r.result.urusan
        ]

        def exact(row: RankedRow) -> Decimal:
            assert row.result is not None
            return Decimal(row.result.urusan[urusan]["nilai"])

        rows.sort(key=lambda r: (-exact(r), r.pemda.code))
    if category:
        rows = [
            r
            for r in rows
            if r.result
            and (r.result.urusan.get(urusan, {}).get("kategori") if urusan else r.result.kategori)
            == category
        ]
    return with_ranks(rows)
