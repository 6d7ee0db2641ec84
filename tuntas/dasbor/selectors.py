"""Reads for the dashboards: a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from tuntas.akun.scope import Scope, pemda_readable
from tuntas.katalog.models import Jpd, Urusan
from tuntas.organisasi.models import JpdAssignment, Pemda
from tuntas.pendataan.models import QuarterEntry, QuarterResult


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
    nilai: Decimal | None
    kategori: str


@dataclass(frozen=True)
class PemdaDashboard:
    pemda: Pemda
    year: int
    quarter: int
    result: QuarterResult | None
    urusan: list[UrusanRow]
    jpd: list[tuple[Jpd, QuarterEntry | None, str]]
    completeness: list[OpdCompleteness]
    trend: list[QuarterResult]


def pemda_dashboard(pemda: Pemda, year: int, quarter: int) -> PemdaDashboard:
    result = QuarterResult.objects.filter(pemda=pemda, year=year, quarter=quarter).first()
    urusan_values = result.urusan if result else {}
    urusan = [
        UrusanRow(
            u.code,
            u.name,
            Decimal(urusan_values[u.code]["nilai"]) if u.code in urusan_values else None,
            urusan_values.get(u.code, {}).get("kategori", ""),
        )
        for u in Urusan.objects.order_by("code")
    ]
    jpd_list = list(Jpd.objects.filter(level=pemda.level).order_by("code"))
    entries = {
        e.jpd_id: e for e in QuarterEntry.objects.filter(pemda=pemda, year=year, quarter=quarter)
    }
    assignments = list(JpdAssignment.objects.filter(pemda=pemda).select_related("opd"))
    opd_of = {a.jpd_id: a.opd.name for a in assignments}
    assigned = Counter(a.opd.name for a in assignments)
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
        result=result,
        urusan=urusan,
        jpd=[(j, entries.get(j.code), opd_of.get(j.code, "—")) for j in jpd_list],
        completeness=[
            OpdCompleteness(name, n, complete.get(name, 0)) for name, n in sorted(assigned.items())
        ],
        trend=trend,
    )


@dataclass(frozen=True)
class RankedRow:
    pemda: Pemda
    result: QuarterResult | None

    @property
    def nilai(self) -> Decimal | None:
        return self.result.nilai if self.result else None


def ranked(pemda_qs: object, year: int, quarter: int) -> list[RankedRow]:
    """Pemda with their result for the period, best index first (no result last)."""
    pemda_list = list(pemda_qs)  # type: ignore[call-overload]
    results = {
        r.pemda_id: r
        for r in QuarterResult.objects.filter(
            pemda__in=[p.code for p in pemda_list], year=year, quarter=quarter
        )
    }
    rows = [RankedRow(p, results.get(p.code)) for p in pemda_list]
    return sorted(rows, key=lambda r: (r.nilai is None, -(r.nilai or 0), r.pemda.code))


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
    rows = ranked(qs, year, quarter)
    if urusan:
        rows = [r for r in rows if r.result and urusan in r.result.urusan]
    if category:
        rows = [
            r
            for r in rows
            if r.result
            and (r.result.urusan.get(urusan, {}).get("kategori") if urusan else r.result.kategori)
            == category
        ]
    return rows
