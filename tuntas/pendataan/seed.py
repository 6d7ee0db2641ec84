"""Synthetic quarterly SPM figures (*data contoh*) for ``tuntas demo`` and the dashboard benchmark.

Plausible, not real: a region's size comes from its number of desa/kelurahan and kecamatan in the
Kemendagri data, each JPD's target is a demographic share of that (ibu hamil ≈ 1.85 % of the
population, lansia ≈ 10.5 %, …), terlayani is cumulative and rises quarter to quarter, mutu needs
follow the catalog's rules (``MutuItem.need_basis``/``need_quantity``, see
:func:`tuntas.pendataan.services.suggested_need`) with 60–100 % available, budgets are in Rupiah.
Some JPD are left incomplete (more in the latest quarter), a few are over target with a reason.

Everything is deterministic: one seeded random generator per region and year, so a re-run or a
partial run (a new quarter) produces the same figures.

Speed: rows are written in bulk (PostgreSQL ``COPY``, elsewhere ``executemany``), never one ORM
save per row. The stored results are exactly what the services store: each entry's values come
from :func:`tuntas.pendataan.services.entry_compute` (what ``_store_entry_result`` stores) and
each quarter's index from the same engine functions ``quarter_result_recompute`` uses, on the same
numbers (``tests/test_seed.py`` recomputes everything through the services and compares).

Idempotent: a pemda-quarter that already has any entry is left alone; existing targets are kept
(and used). Only pemda marked ``is_demo`` are ever filled.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any, cast

from django.db import connection, models, transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from tuntas.core.services import audit_event_create
from tuntas.katalog.models import Jpd, JpdVersion, MutuItem, MutuKind, ScoringMethod
from tuntas.katalog.selectors import jpd_version_for_year
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.models import AnnualTarget, MutuEntry, QuarterEntry, QuarterResult
from tuntas.pendataan.selectors import current_period
from tuntas.pendataan.services import (
    Computed,
    entry_compute,
    entry_result_fields,
    quarter_result_fields,
    suggested_need,
    target_set,
)
from tuntas.perhitungan.engine import Method
from tuntas.wilayah.models import Kind, Level, Region

DEMO_PROVINCES = ("32", "36")  # Jawa Barat, Banten: the provinces of the source documents' regions
DEMO_FIRST_YEAR = 2024

# Share of the population that is a JPD's target group: orders of magnitude from BPS age
# structure and Riskesdas prevalence, for plausible pictures only.
TARGET_SHARE: dict[str, float] = {
    "1.01.K01": 0.034,  # anak usia 5–6 tahun
    "1.01.K02": 0.150,  # usia 7–15 tahun
    "1.01.K03": 0.006,  # usia 7–18 tahun belum tamat
    "1.02.K01": 0.0185,  # ibu hamil
    "1.02.K02": 0.0177,  # ibu bersalin
    "1.02.K03": 0.0168,  # bayi baru lahir
    "1.02.K04": 0.083,  # balita
    "1.02.K05": 0.160,  # usia pendidikan dasar
    "1.02.K06": 0.660,  # usia 15–59 tahun
    "1.02.K07": 0.105,  # usia 60 tahun ke atas
    "1.02.K08": 0.200,  # estimasi penderita hipertensi ≥ 15 tahun
    "1.02.K09": 0.015,  # estimasi penderita diabetes melitus
    "1.02.K10": 0.0018,  # ODGJ berat
    "1.02.K11": 0.009,  # orang terduga TBC
    "1.02.K12": 0.025,  # orang berisiko terinfeksi HIV
    "1.03.K01": 0.080,  # penduduk belum terlayani air minum
    "1.03.K02": 0.100,  # penduduk belum terlayani air limbah
    "1.04.K01": 0.00004,  # rumah tangga korban bencana
    "1.04.K02": 0.00002,  # rumah tangga terkena relokasi
    "1.05.K01": 0.002,  # gangguan trantibum
    "1.05.K02": 0.300,  # penduduk di kawasan rawan bencana
    "1.05.K03": 0.050,  # sasaran pencegahan dan kesiapsiagaan
    "1.05.K04": 0.0004,  # korban bencana
    "1.05.K05": 0.0003,  # korban kebakaran
    "1.06.K01": 0.0006,  # penyandang disabilitas telantar
    "1.06.K02": 0.0005,  # anak telantar
    "1.06.K03": 0.0007,  # lanjut usia telantar
    "1.06.K04": 0.0002,  # gelandangan dan pengemis
    "1.06.K05": 0.0008,  # korban bencana (sosial)
    "1.01.P01": 0.052,  # usia 16–18 tahun
    "1.01.P02": 0.0012,  # peserta didik berkebutuhan khusus
    "1.02.P01": 0.004,  # penduduk terdampak krisis kesehatan
    "1.02.P02": 0.0003,  # penduduk pada kondisi KLB
    "1.03.P01": 0.015,  # air minum curah lintas kab/kota
    "1.03.P02": 0.010,  # air limbah regional
    "1.04.P01": 0.00001,
    "1.04.P02": 0.000005,
    "1.05.P01": 0.0005,
    "1.06.P01": 0.00002,
    "1.06.P02": 0.00002,
    "1.06.P03": 0.00003,
    "1.06.P04": 0.00001,
    "1.06.P05": 0.0002,
}
DEFAULT_SHARE = 0.001
# Event-driven JPD: some years there is nobody to serve (sasaran 0: "tidak ada sasaran").
MAY_BE_ZERO = {"1.02.P02", "1.04.K01", "1.04.K02", "1.04.P01", "1.04.P02", "1.05.K04"}
# Rupiah per recipient per year, by urusan (budget = target × cost, within bounds).
UNIT_COST = {
    "1.01": 400_000,
    "1.02": 35_000,
    "1.03": 350_000,
    "1.04": 20_000_000,
    "1.05": 60_000,
    "1.06": 3_000_000,
}
PROBLEMS = (
    (
        "Data sasaran belum sinkron dengan data kependudukan.",
        "Pemutakhiran data sasaran bersama Disdukcapil setiap triwulan.",
    ),
    (
        "Tenaga pelaksana di unit layanan belum mencukupi.",
        "Penugasan tenaga tambahan dan pelatihan kader.",
    ),
    (
        "Pengadaan barang penunjang mutu terlambat.",
        "Percepatan pengadaan melalui katalog elektronik.",
    ),
    (
        "Cakupan layanan di wilayah pinggiran masih rendah.",
        "Layanan jemput bola dan kerja sama lintas sektor.",
    ),
    (
        "Anggaran belum mencukupi kebutuhan pelayanan.",
        "Pengusulan tambahan anggaran pada APBD Perubahan.",
    ),
)
OVER_TARGET_REASONS = (
    "Penerima dari luar wilayah (penduduk musiman) ikut dilayani.",
    "Sasaran ditetapkan dari proyeksi BPS yang lebih rendah dari data riil lapangan.",
)
BATCH_ROWS = 5000


@dataclass(frozen=True)
class SeedReport:
    pemda: int = 0
    targets: int = 0
    entries: int = 0
    mutu: int = 0
    results: int = 0
    periods_skipped: int = 0
    seconds: float = 0.0
    not_demo: tuple[str, ...] = field(default=())


# --- which regions and periods -------------------------------------------------------------


def demo_region_codes() -> list[str]:
    """The demo's regions: Jawa Barat and Banten and every kab/kota of them (Kota Bekasi 32.75
    and Kota Tangerang Selatan 36.74 among them), as far as the loaded regions have them."""
    kabkota = Region.objects.filter(level=Level.KABKOTA, parent_id__in=DEMO_PROVINCES)
    provinces = Region.objects.filter(level=Level.PROVINSI, code__in=DEMO_PROVINCES)
    return sorted(provinces.values_list("code", flat=True)) + sorted(
        kabkota.values_list("code", flat=True)
    )


def demo_periods(today: date | None = None) -> list[tuple[int, int]]:
    """Every quarter from TW1 2024 up to the quarter being reported now (``current_period``)."""
    last = current_period(today)
    return periods_between((DEMO_FIRST_YEAR, 1), last)


def periods_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    return [
        (year, quarter)
        for year in range(first[0], last[0] + 1)
        for quarter in (1, 2, 3, 4)
        if first <= (year, quarter) <= last
    ]


# --- region size ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionSize:
    kecamatan: int
    desa: int
    population: int


def _per_desa(code: str, kind: str) -> int:
    java = code[:2] in {"31", "32", "33", "34", "35", "36"}
    if kind == Kind.KOTA:
        return 30_000 if java else 15_000
    return 9_000 if java else 2_500


def region_sizes(codes: Iterable[str]) -> dict[str, RegionSize]:
    """Kecamatan and desa counts and an estimated population for each province or kab/kota code.

    A province's population is the sum over all its kab/kota (seeded or not). Two grouped queries,
    whatever the number of regions.
    """
    wanted = set(codes)
    provinces = {c[:2] for c in wanted}

    def counts(level: str, length: int) -> dict[str, int]:
        within = Q()
        for province in provinces:
            within |= Q(code__startswith=f"{province}.")
        rows = (
            Region.objects.filter(within, level=level)
            .annotate(prefix=Substr("code", 1, length))
            .values("prefix")
            .annotate(n=Count("code"))
            .values_list("prefix", "n")
        )
        return dict(rows)

    kec5, desa5 = counts(Level.KECAMATAN, 5), counts(Level.DESA, 5)
    kabkota = Region.objects.filter(level=Level.KABKOTA, parent_id__in=provinces).values_list(
        "code", "kind"
    )
    sizes: dict[str, RegionSize] = {}
    for code, kind in kabkota:
        rng = random.Random(f"tuntas-contoh:penduduk:{code}")
        desa = desa5.get(code, 0)
        population = max(desa, 3) * _per_desa(code, kind) * rng.uniform(0.85, 1.2)
        sizes[code] = RegionSize(kec5.get(code, 0), desa, max(int(population), 60_000))
    for province in provinces:
        members = [s for c, s in sizes.items() if c[:2] == province]
        sizes[province] = RegionSize(
            sum(s.kecamatan for s in members) or 1,
            sum(s.desa for s in members),
            max(sum(s.population for s in members), 500_000),
        )
    return {c: sizes[c] for c in wanted if c in sizes}


# --- the catalog, loaded once ----------------------------------------------------------------


class _Catalog:
    def __init__(self, years: Iterable[int]) -> None:
        self.jpd: dict[str, list[Jpd]] = {"provinsi": [], "kabkota": []}
        for jpd in Jpd.objects.order_by("code"):
            self.jpd[jpd.level].append(jpd)
        prefetched = Jpd.objects.prefetch_related(
            models.Prefetch(
                "versions",
                queryset=JpdVersion.objects.prefetch_related(
                    models.Prefetch("mutu_items", queryset=MutuItem.objects.order_by("order"))
                ),
            )
        )
        self.items: dict[tuple[str, int], list[MutuItem]] = {}
        for jpd in prefetched:
            for year in set(years):
                version = jpd_version_for_year(jpd=jpd, year=year)
                self.items[(jpd.code, year)] = list(version.mutu_items.all()) if version else []
        self.methods = {m.code: m.to_method() for m in ScoringMethod.objects.all()}


# --- generation ----------------------------------------------------------------------------


@dataclass
class _Plan:
    """One pemda-JPD-year: the target and what each quarter reports."""

    jpd: Jpd
    sasaran: int
    new_target: bool
    terlayani: dict[int, int | None]
    needs: list[tuple[MutuItem, int]]
    available: dict[int, list[int | None]]
    over_target_reason: str
    pagu: Decimal
    realisasi: dict[int, Decimal]
    problem: tuple[str, str] | None


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _rupiah(value: float) -> Decimal:
    """Whole thousands of Rupiah, as budgets are written."""
    return Decimal(int(value) // 1000 * 1000)


def _need(
    item: MutuItem, sasaran: int, size: RegionSize, rng: random.Random, *, provinsi: bool
) -> int:
    if sasaran == 0:
        return 0
    suggested = suggested_need(item, sasaran)
    if suggested is not None:
        return suggested
    units = max(1, round(size.kecamatan * (0.4 if provinsi else 1.3)))  # puskesmas-like units
    if item.need_basis == "unit_layanan" and item.need_quantity is not None:
        return math.ceil(item.need_quantity * units)
    if item.kind == MutuKind.SDM:
        return max(1, round(units * rng.uniform(1.0, 4.0)))
    return max(1, math.ceil(sasaran * rng.uniform(0.05, 1.0)))


def _plan_year(
    *,
    pemda: Pemda,
    year: int,
    size: RegionSize,
    catalog: _Catalog,
    targets: dict[str, int],
    last_period: tuple[int, int],
) -> list[_Plan]:
    profile = random.Random(f"tuntas-contoh:{pemda.code}")
    skill = profile.uniform(0.5, 0.97)  # how well this pemda serves its targets
    supply = profile.uniform(0.6, 0.92)  # how well it is equipped (mutu)
    rng = random.Random(f"tuntas-contoh:{pemda.code}:{year}")
    improvement = 0.025 * (year - DEMO_FIRST_YEAR)
    plans: list[_Plan] = []
    provinsi = pemda.level == "provinsi"
    jpd_list = catalog.jpd[pemda.level]
    # every pemda-year has one JPD over target (with a reason) and, in the latest quarter, one
    # to 30 % of its JPD not yet complete; a few more of both at random
    over_pick = rng.randrange(len(jpd_list)) if jpd_list else -1
    late_count = rng.randint(1, max(1, round(0.3 * len(jpd_list))))
    late = set(rng.sample(range(len(jpd_list)), min(late_count, len(jpd_list))))
    for index, jpd in enumerate(jpd_list):
        share = TARGET_SHARE.get(jpd.code, DEFAULT_SHARE)
        generated = round(size.population * share * rng.uniform(0.9, 1.1))
        if jpd.code in MAY_BE_ZERO and rng.random() < 0.3:
            generated = 0
        sasaran = targets.get(jpd.code, generated)
        over = sasaran > 0 and (index == over_pick or rng.random() < 0.03)
        final = (
            rng.uniform(1.01, 1.08)
            if over
            else _clamp(skill + improvement + rng.gauss(0, 0.1), 0.35, 1.0)
        )
        shares = [rng.uniform(0.18, 0.3)]
        shares.append(shares[-1] + rng.uniform(0.2, 0.3))
        shares.append(shares[-1] + rng.uniform(0.2, 0.28))
        shares.append(1.0)
        terlayani: dict[int, int | None] = {
            q: math.floor(sasaran * final * shares[q - 1]) for q in (1, 2, 3, 4)
        }
        items = catalog.items[(jpd.code, year)]
        needs = [(item, _need(item, sasaran, size, rng, provinsi=provinsi)) for item in items]
        base = _clamp(supply + improvement + rng.gauss(0, 0.08), 0.6, 1.0)
        per_item = [_clamp(base + rng.uniform(-0.08, 0.08), 0.6, 1.0) for _ in needs]
        available: dict[int, list[int | None]] = {
            q: [
                math.ceil(need * min(1.0, ratio + 0.03 * (q - 1)))
                for (_, need), ratio in zip(needs, per_item, strict=True)
            ]
            for q in (1, 2, 3, 4)
        }
        for q in (1, 2, 3, 4):  # not (yet) complete: a missing count
            latest = (year, q) == last_period
            if (latest and index in late) or (not latest and rng.random() < 0.02):
                if needs and rng.random() < 0.5:
                    available[q][rng.randrange(len(needs))] = None
                else:
                    terlayani[q] = None
        cost = UNIT_COST.get(jpd.urusan_id, 100_000)
        pagu = _clamp(sasaran * cost * rng.uniform(0.6, 1.4), 50e6, 400e9)
        spent = [rng.uniform(0.1, 0.2), rng.uniform(0.3, 0.45), rng.uniform(0.55, 0.7)]
        spent.append(rng.uniform(0.85, 0.98))
        plans.append(
            _Plan(
                jpd=jpd,
                sasaran=sasaran,
                new_target=jpd.code not in targets,
                terlayani=terlayani,
                needs=needs,
                available=available,
                over_target_reason=rng.choice(OVER_TARGET_REASONS) if over else "",
                pagu=_rupiah(pagu),
                realisasi={q: _rupiah(pagu * spent[q - 1]) for q in (1, 2, 3, 4)},
                problem=rng.choice(PROBLEMS) if final < 0.8 else None,
            )
        )
    return plans


def quarter_result_build(
    *,
    pemda: Pemda,
    year: int,
    quarter: int,
    method: Method,
    jpd_list: Sequence[Jpd],
    computed: dict[str, Computed],
) -> QuarterResult:
    """The pemda's quarter index from its entries' computations (``computed``: JPD code →
    ``entry_compute`` of the stored entry), through the same function
    ``services.quarter_result_recompute`` stores."""
    fields = quarter_result_fields(
        method=method, jpd_list=[(j.code, j.urusan_id) for j in jpd_list], computed=computed
    )
    return QuarterResult(pemda=pemda, year=year, quarter=quarter, **fields)


# --- bulk writing --------------------------------------------------------------------------


def _insert(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> int:
    """Insert plain tuples: ``COPY`` on PostgreSQL, ``executemany`` in batches elsewhere."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(cast(models.Field, model._meta.get_field(f)).column) for f in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        iterator = iter(rows)
        while batch := list(islice(iterator, BATCH_ROWS)):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


ENTRY_FIELDS = (
    "pemda", "jpd", "year", "quarter", "terlayani", "over_target_reason", "pagu", "realisasi",
    "over_budget_reason", "permasalahan", "solusi", "version", "updated_at", "capaian_penerima", "capaian_mutu",
    "nilai", "kategori", "is_complete",
)  # fmt: skip


@transaction.atomic
def demo_data_seed(
    *,
    pemda_list: Sequence[Pemda],
    periods: Sequence[tuple[int, int]],
    chunk: int = 40,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Fill the given demo pemda with synthetic targets and quarterly entries for ``periods``.

    Pemda not marked ``is_demo`` are refused (their codes are returned in ``not_demo``); a
    pemda-quarter with any entry already is skipped. One audit row for the whole run.
    """
    start = time.perf_counter()
    not_demo = tuple(p.code for p in pemda_list if not p.is_demo)
    demo = [p for p in pemda_list if p.is_demo]
    if not periods or not demo:
        return SeedReport(not_demo=not_demo, seconds=time.perf_counter() - start)
    years = sorted({y for y, _ in periods})
    last_period = max(periods)
    catalog = _Catalog(years)
    sizes = region_sizes(p.code for p in demo)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    totals = {"targets": 0, "entries": 0, "mutu": 0, "results": 0, "skipped": 0}
    for offset in range(0, len(demo), chunk):
        part = demo[offset : offset + chunk]
        done = _seed_chunk(part, periods, years, last_period, catalog, sizes, now)
        for key, value in done.items():
            totals[key] += value
        if progress:
            progress(f"{min(offset + chunk, len(demo))}/{len(demo)} pemda")
    report = SeedReport(
        pemda=len(demo),
        targets=totals["targets"],
        entries=totals["entries"],
        mutu=totals["mutu"],
        results=totals["results"],
        periods_skipped=totals["skipped"],
        seconds=time.perf_counter() - start,
        not_demo=not_demo,
    )
    audit_event_create(
        action="data_contoh.isi",
        object_type="pemda",
        object_id=",".join(p.code for p in demo)[:64],
        data={
            "pemda": report.pemda,
            "periode": [f"TW{q} {y}" for y, q in periods],
            "sasaran": report.targets,
            "isian": report.entries,
            "mutu": report.mutu,
            "hasil": report.results,
            "dilewati": report.periods_skipped,
        },
    )
    return report


def _seed_chunk(
    part: Sequence[Pemda],
    periods: Sequence[tuple[int, int]],
    years: Sequence[int],
    last_period: tuple[int, int],
    catalog: _Catalog,
    sizes: dict[str, RegionSize],
    now: Any,
) -> dict[str, int]:
    codes = [p.code for p in part]
    existing_periods = set(
        QuarterEntry.objects.filter(pemda__in=codes, year__in=years)
        .values_list("pemda_id", "year", "quarter")
        .distinct()
    )
    existing_targets: dict[tuple[str, int], dict[str, int]] = {}
    for pemda_id, jpd_id, year, sasaran in AnnualTarget.objects.filter(
        pemda__in=codes, year__in=years
    ).values_list("pemda_id", "jpd_id", "year", "sasaran"):
        existing_targets.setdefault((pemda_id, year), {})[jpd_id] = sasaran
    entry_jpd = set(
        QuarterEntry.objects.filter(pemda__in=codes, year__in=years)
        .values_list("pemda_id", "jpd_id", "year")
        .distinct()
    )
    target_rows: list[tuple[Any, ...]] = []
    late_targets: list[tuple[Pemda, Jpd, int, int]] = []  # entries exist: use the service
    entry_rows: list[tuple[Any, ...]] = []
    mutu_plan: dict[tuple[str, str, int, int], list[tuple[int, int | None, int | None]]] = {}
    results: list[QuarterResult] = []
    skipped = 0
    for pemda in part:
        method = catalog.methods[str(pemda.scoring_method_id)]
        for year in years:
            todo = [
                q for y, q in periods if y == year and (pemda.code, year, q) not in existing_periods
            ]
            skipped += sum(1 for y, _ in periods if y == year) - len(todo)
            if not todo:
                continue
            plans = _plan_year(
                pemda=pemda,
                year=year,
                size=sizes[pemda.code],
                catalog=catalog,
                targets=existing_targets.get((pemda.code, year), {}),
                last_period=last_period,
            )
            by_quarter: dict[int, dict[str, Computed]] = {q: {} for q in todo}
            for plan in plans:
                if plan.new_target:
                    if (pemda.code, plan.jpd.code, year) in entry_jpd:
                        late_targets.append((pemda, plan.jpd, year, plan.sasaran))
                    else:
                        target_rows.append((pemda.code, plan.jpd.code, year, plan.sasaran, 1, now))
                for q in todo:
                    mutu: list[tuple[int | None, int | None]] = [
                        (need, available)
                        for (_, need), available in zip(plan.needs, plan.available[q], strict=True)
                    ]
                    computed = entry_compute(
                        method=method,
                        urusan=plan.jpd.urusan_id,
                        sasaran=plan.sasaran,
                        terlayani=plan.terlayani[q],
                        mutu=mutu,
                    )
                    by_quarter[q][plan.jpd.code] = computed
                    result = entry_result_fields(computed)
                    problem, solution = plan.problem or ("", "")
                    terlayani = plan.terlayani[q]
                    over = terlayani is not None and terlayani > plan.sasaran
                    entry_rows.append(
                        (
                            pemda.code, plan.jpd.code, year, q, terlayani,
                            plan.over_target_reason if over else "", plan.pagu,
                            plan.realisasi[q], "", problem, solution, 1, now,
                            result["capaian_penerima"], result["capaian_mutu"], result["nilai"],
                            result["kategori"], result["is_complete"],
                        )
                    )  # fmt: skip
                    mutu_plan[(pemda.code, plan.jpd.code, year, q)] = [
                        (item.pk, need, available)
                        for (item, need), available in zip(
                            plan.needs, plan.available[q], strict=True
                        )
                    ]
            results.extend(
                quarter_result_build(
                    pemda=pemda,
                    year=year,
                    quarter=q,
                    method=method,
                    jpd_list=catalog.jpd[pemda.level],
                    computed=by_quarter[q],
                )
                for q in todo
            )
    targets = _insert(
        AnnualTarget, ("pemda", "jpd", "year", "sasaran", "version", "updated_at"), target_rows
    )
    entries = _insert(QuarterEntry, ENTRY_FIELDS, entry_rows)
    ids = {
        (pemda_id, jpd_id, year, quarter): pk
        for pk, pemda_id, jpd_id, year, quarter in QuarterEntry.objects.filter(
            pemda__in=codes, year__in=years
        ).values_list("pk", "pemda_id", "jpd_id", "year", "quarter")
    }
    mutu_count = _insert(
        MutuEntry,
        ("pemda", "entry", "item", "dibutuhkan", "tersedia"),
        (
            (key[0], ids[key], item_id, need, available)
            for key, values in mutu_plan.items()
            for item_id, need, available in values
        ),
    )
    # a result row may exist without entries (a target set first): replace those
    new = {(r.pemda_id, r.year, r.quarter) for r in results}
    stale = [
        pk
        for pk, *key in QuarterResult.objects.filter(pemda__in=codes, year__in=years).values_list(
            "pk", "pemda_id", "year", "quarter"
        )
        if tuple(key) in new
    ]
    QuarterResult.objects.filter(pk__in=stale).delete()
    QuarterResult.objects.bulk_create(results, batch_size=BATCH_ROWS // 5)
    for pemda, jpd, year, sasaran in late_targets:  # rare: recomputes through the service
        target_set(
            pemda=pemda, jpd=jpd, year=year, sasaran=sasaran, reason="", expected_version=0,
            actor=None,
        )  # fmt: skip
    return {
        "targets": targets + len(late_targets),
        "entries": entries,
        "mutu": mutu_count,
        "results": len(results),
        "skipped": skipped,
    }
