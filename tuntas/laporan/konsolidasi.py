"""The data of the consolidated reports (reads only): a province's report over all its kab/kota
and the national summary for pusat.

Nothing here computes a figure of its own: indices and ranks come from
``dasbor.selectors.ranked`` (stored results, shown at each pemda's method's precision), report
status and the reporting and on-time rates from ``alur.tenggat`` (``province_reporting``,
``national_reporting``), category names from the method. So the report says what the
dashboards say.

The period: ``quarter`` 1–4, or 0 / ``None`` for the year. The year has no result of its own:
entries are cumulative toward the year's target, so the annual report shows the **TW4** values
and the TW4 reports (``Period.data_quarter``), and says so (``Period.note``).

Per-urusan averages over a province's kab/kota are not given: the scoring method defines the
aggregation JPD → urusan → region of one pemda, not one over several pemda."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tuntas.akun.scope import Scope, pemda_readable
from tuntas.alur.tenggat import (
    ReportingRate,
    ReportTimeliness,
    Tenggat,
    national_reporting,
    province_reporting,
)
from tuntas.dasbor.selectors import (
    RankedRow,
    UrusanRow,
    category_choices,
    province_kabkota,
    ranked,
)
from tuntas.katalog.models import Urusan
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.selectors import methods_by_code, urusan_shown
from tuntas.perhitungan.engine import Band, Method

ANNUAL = 0


@dataclass(frozen=True)
class Period:
    """The period asked for and the quarter whose data it shows."""

    year: int
    quarter: int  # 0: the year

    @property
    def annual(self) -> bool:
        return self.quarter == ANNUAL

    @property
    def data_quarter(self) -> int:
        return 4 if self.annual else self.quarter

    @property
    def label(self) -> str:
        if self.annual:
            return _("Tahun %(tahun)s") % {"tahun": self.year}
        return f"TW{self.quarter} {self.year}"

    @property
    def note(self) -> str:
        """What an annual report rests on ("" for a quarter)."""
        if not self.annual:
            return ""
        return _(
            "Laporan tahunan: nilai dan status laporan TW4 %(tahun)s (capaian triwulan "
            "kumulatif menuju sasaran tahunan)."
        ) % {"tahun": self.year}

    @property
    def slug(self) -> str:
        return f"{self.year}-tahunan" if self.annual else f"{self.year}-tw{self.quarter}"


def period_of(year: int, quarter: int | None) -> Period:
    """``quarter`` 0 or ``None``: the year; else 1–4 (anything else is refused by name)."""
    quarter = quarter or ANNUAL
    if quarter not in (0, 1, 2, 3, 4):
        raise ValueError(
            _("Triwulan harus 0 (tahunan), 1, 2, 3 atau 4, bukan %(q)s.") % {"q": quarter}
        )
    return Period(year, quarter)


@dataclass(frozen=True)
class CategoryCount:
    code: str
    name: str
    count: int


def category_counts(codes: list[str], bands: tuple[Band, ...]) -> list[CategoryCount]:
    """How many of ``codes`` fall in each band (best first), then those without a value."""
    found = Counter(codes)
    rows = [CategoryCount(b.code, b.name, found.get(b.code, 0)) for b in bands]
    rows.append(CategoryCount("", _("Belum ada nilai"), found.get("", 0)))
    return rows


# --- the province's consolidated report ---------------------------------------------------


@dataclass(frozen=True)
class KabkotaLine:
    """One kab/kota in the province's report: its rank and index (as on the province's
    dashboard) and its quarter report against the deadline."""

    row: RankedRow
    report: ReportTimeliness

    @property
    def pemda(self) -> Pemda:
        return self.row.pemda

    @property
    def rank(self) -> int:
        return self.row.rank

    @property
    def nilai(self) -> Decimal | None:
        return self.row.shown.nilai

    @property
    def kategori(self) -> str:
        return self.row.shown.kategori

    @property
    def kategori_nama(self) -> str:
        return self.row.shown.kategori_nama

    @property
    def incomplete(self) -> bool:
        return self.row.incomplete


@dataclass(frozen=True)
class ProvinceReport:
    province: Pemda
    period: Period
    method: Method  # the province's method: its bands draw the chart's lines
    lines: list[KabkotaLine]  # best index first, as ranked on the dashboard
    deadline: Tenggat
    rate: ReportingRate  # over the registered kab/kota
    own: RankedRow  # the province's own SPM
    own_report: ReportTimeliness | None
    own_urusan: list[UrusanRow]
    categories: list[CategoryCount]  # kab/kota per category of their index

    @property
    def late(self) -> list[KabkotaLine]:
        return [line for line in self.lines if line.report.late]

    @property
    def missing(self) -> list[KabkotaLine]:
        return [line for line in self.lines if line.report.missing]


def _kabkota_of(province: Pemda, scope: Scope | None) -> QuerySet[Pemda]:
    if scope is not None:
        return province_kabkota(scope, province)
    # a build run for a reader already checked (the job's caller): every kab/kota of the
    # province, which is what both a provinsi reader of it and pusat see
    return Pemda.objects.filter(province_code=province.province_code, level="kabkota").order_by(
        "code"
    )


def province_report(
    province: Pemda, year: int, quarter: int | None, *, scope: Scope | None = None
) -> ProvinceReport:
    """The consolidated report of ``province`` for the period: each kab/kota (that ``scope``
    may read; all of them without a scope) with its report status and index, the counts, and
    the province's own SPM per urusan. A fixed number of queries."""
    if province.level != "provinsi":
        raise ValueError(_("%(nama)s bukan provinsi.") % {"nama": province.name})
    period = period_of(year, quarter)
    dq = period.data_quarter
    methods = methods_by_code()
    rows = ranked(_kabkota_of(province, scope), year, dq, methods)
    reporting = province_reporting([r.pemda for r in rows], year, dq, province=province)
    own = ranked([province], year, dq, methods)[0]
    method = methods[str(province.scoring_method_id)]
    own_urusan = [
        UrusanRow(u.code, u.name, urusan_shown(own.result, u.code, method))
        for u in Urusan.objects.order_by("code")
    ]
    return ProvinceReport(
        province=province,
        period=period,
        method=method,
        lines=[KabkotaLine(r, reporting.rows[r.pemda.code]) for r in rows],
        deadline=reporting.deadline,
        rate=reporting.rate,
        own=own,
        own_report=reporting.own,
        own_urusan=own_urusan,
        categories=category_counts([r.shown.kategori for r in rows], method.bands),
    )


# --- the national summary ------------------------------------------------------------------


@dataclass(frozen=True)
class ProvinceSummary:
    code: str
    name: str
    registered: bool  # the province itself uses Tuntas
    kabkota: int  # registered kab/kota
    rate: ReportingRate  # its kab/kota plus the province when registered (alur.tenggat)
    own: RankedRow | None  # the province's own index (None when not registered)


@dataclass(frozen=True)
class UrusanSummary:
    code: str
    name: str
    counts: list[CategoryCount]  # pemda per category of their value for this urusan

    @property
    def with_value(self) -> int:
        return sum(c.count for c in self.counts if c.code)


@dataclass(frozen=True)
class NationalSummary:
    period: Period
    deadline: Tenggat
    total: ReportingRate
    provinces: list[ProvinceSummary]
    urusan: list[UrusanSummary]
    categories: list[tuple[str, str]]  # the columns of the urusan table: code, name
    pemda_count: int
    demo: bool  # some pemda in it hold demo data


def national_summary(
    year: int, quarter: int | None, *, scope: Scope | None = None
) -> NationalSummary:
    """Per province: registered kab/kota, reporting and on-time rates (as on the national
    dashboard), the province's own index; per urusan across the country: pemda per category of
    their value for it. Over every pemda ``scope`` may read (all without a scope)."""
    period = period_of(year, quarter)
    dq = period.data_quarter
    pemdas = list(
        (pemda_readable(scope) if scope is not None else Pemda.objects.all()).order_by("code")
    )
    reporting = national_reporting(pemdas, year, dq)
    methods = methods_by_code()
    rows = ranked(pemdas, year, dq, methods)
    by_code = {r.pemda.code: r for r in rows}
    kabkota = Counter(p.province_code for p in pemdas if p.level == "kabkota")
    provinces = [
        ProvinceSummary(
            code=p.code,
            name=p.name,
            registered=p.registered,
            kabkota=kabkota.get(p.code, 0),
            rate=p.rate,
            own=by_code.get(p.code) if p.registered else None,
        )
        for p in reporting.provinces
    ]
    categories = category_choices()
    urusan = []
    for u in Urusan.objects.order_by("code"):
        codes = [
            urusan_shown(r.result, u.code, methods[str(r.pemda.scoring_method_id)]).kategori
            for r in rows
        ]
        found = Counter(codes)
        counts = [CategoryCount(code, name, found.get(code, 0)) for code, name in categories]
        counts.append(CategoryCount("", _("Belum ada nilai"), found.get("", 0)))
        urusan.append(UrusanSummary(u.code, u.name, counts))
    return NationalSummary(
        period=period,
        deadline=reporting.deadline,
        total=reporting.total,
        provinces=provinces,
        urusan=urusan,
        categories=categories,
        pemda_count=len(pemdas),
        demo=any(p.is_demo for p in pemdas),
    )
