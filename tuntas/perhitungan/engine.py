"""The SPM achievement engine: pure functions, exact arithmetic, no database, no Django.

Definitions (shared/domain/SPM-REFERENCE.md §6):

* capaian penerima = min(terlayani / sasaran, 1) × 100 — over-achievement is capped and warned;
* capaian mutu = min(mutu_tersedia / mutu_dibutuhkan, 1) × 100 — 100 when nothing is needed;
* nilai JPD = w_penerima × capaian penerima + w_mutu × capaian mutu;
* a JPD whose sasaran is 0 has no target this period: no values, left out of the means;
* urusan value = aggregate of its JPD values; region value = aggregate of the urusan values;
* the category follows from the exact value (a method may give an urusan its own band table);
* values are shown at the method's precision per level (JPD, urusan, region): a number of
  decimals and truncation or rounding half up (:class:`Precision`);
* stored values keep 6 decimals, truncated (:func:`stored`): every precision a method may ask
  for (at most 4 decimals) is shown from them exactly as from the exact value.

All arithmetic is on ``Fraction``; only :func:`stored`, :meth:`Precision.show` and
:func:`truncate2` turn a value into a ``Decimal``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

HUNDRED = Fraction(100)
AGGREGATIONS = ("mean",)
MUTU_AGGREGATIONS = ("rasio_jumlah", "rata_rata_item")
ROUNDINGS = ("potong", "setengah_ke_atas")  # truncate | round half up
LEVELS = ("jpd", "urusan", "daerah")
MAX_DECIMALS = 4
STORED_PLACES = 6


class EngineInputError(ValueError):
    """Numbers the engine refuses (negative counts, served people without a target)."""


@dataclass(frozen=True, slots=True)
class Band:
    """One category band: values ≥ ``minimum`` (and below the next band's minimum)."""

    code: str
    name: str
    minimum: Fraction


@dataclass(frozen=True, slots=True)
class Precision:
    """How a value is shown: ``decimals`` (0–4) and ``rounding``, ``potong`` (truncate:
    72,857… → 72,85) or ``setengah_ke_atas`` (round half up: 74,2857… → 74,3 at 1 decimal)."""

    decimals: int = 2
    rounding: str = "potong"

    def __post_init__(self) -> None:
        if isinstance(self.decimals, bool) or not 0 <= self.decimals <= MAX_DECIMALS:
            raise ValueError(f"jumlah desimal harus 0–{MAX_DECIMALS}")
        if self.rounding not in ROUNDINGS:
            raise ValueError(f"pembulatan tidak dikenal: {self.rounding}")

    def show(self, value: Fraction | Decimal) -> Decimal:
        """The value as shown, with exactly ``decimals`` places (``Decimal('84.40')``)."""
        exact = Fraction(value)
        scaled = exact * 10**self.decimals
        if self.rounding == "potong":
            units = math.floor(scaled) if scaled >= 0 else math.ceil(scaled)
        else:  # half up, away from zero
            units = math.floor(abs(scaled) + Fraction(1, 2)) * (1 if scaled >= 0 else -1)
        return Decimal(units).scaleb(-self.decimals)


def _check_bands(bands: Sequence[Band], where: str) -> None:
    if not bands:
        raise ValueError(f"{where}: metode harus memiliki kategori")
    minima = [b.minimum for b in bands]
    if minima != sorted(minima, reverse=True) or len(set(minima)) != len(minima):
        raise ValueError(
            f"{where}: kategori harus urut dari batas bawah tertinggi, tanpa batas ganda"
        )
    if minima[-1] != 0:
        raise ValueError(f"{where}: kategori terendah harus mulai dari 0")


@dataclass(frozen=True, slots=True)
class Method:
    """A scoring method: weights, aggregations, category bands and display precision (data).

    ``urusan_bands`` gives an urusan its own band table (its JPD and the urusan value), e.g. the
    five bands of Rapor Pendidikan for education; everything else uses ``bands``.
    ``precision`` is the display precision of JPD, urusan and region values, in that order.
    """

    code: str
    name: str
    weight_penerima: Fraction
    weight_mutu: Fraction
    bands: tuple[Band, ...]
    aggregation_urusan: str = "mean"
    aggregation_daerah: str = "mean"
    aggregation_mutu: str = "rasio_jumlah"
    precision: tuple[Precision, Precision, Precision] = (Precision(), Precision(), Precision())
    urusan_bands: tuple[tuple[str, tuple[Band, ...]], ...] = ()

    def __post_init__(self) -> None:
        if self.weight_penerima < 0 or self.weight_mutu < 0:
            raise ValueError("bobot tidak boleh negatif")
        if self.weight_penerima + self.weight_mutu != 1:
            raise ValueError("jumlah bobot penerima dan mutu harus 1")
        _check_bands(self.bands, "kategori")
        names: dict[str, str] = {}
        for where, table in (("kategori", self.bands), *self.urusan_bands):
            _check_bands(table, where)
            for band in table:
                if names.setdefault(band.code, band.name) != band.name:
                    raise ValueError(f"kode kategori '{band.code}' dipakai dengan dua nama")
        for aggregation in (self.aggregation_urusan, self.aggregation_daerah):
            if aggregation not in AGGREGATIONS:
                raise ValueError(f"agregasi tidak dikenal: {aggregation}")
        if self.aggregation_mutu not in MUTU_AGGREGATIONS:
            raise ValueError(f"agregasi mutu tidak dikenal: {self.aggregation_mutu}")
        if len(self.precision) != len(LEVELS):
            raise ValueError("presisi harus untuk JPD, urusan dan daerah")

    def bands_for(self, urusan: str | None = None) -> tuple[Band, ...]:
        """The band table of an urusan's values (its own, or the method's)."""
        return dict(self.urusan_bands).get(urusan, self.bands) if urusan else self.bands

    def category(self, value: Fraction, urusan: str | None = None) -> Band:
        """The band of an exact value (never of a shown one); ``urusan`` for a JPD or urusan
        value, ``None`` for the region."""
        for band in self.bands_for(urusan):
            if value >= band.minimum:
                return band
        raise EngineInputError(f"nilai negatif tidak punya kategori: {value}")

    def band_name(self, code: str) -> str:
        """The name of a band code in any of the method's tables ("" when unknown)."""
        for table in (self.bands, *(t for _, t in self.urusan_bands)):
            for band in table:
                if band.code == code:
                    return band.name
        return ""

    def show(self, value: Fraction | Decimal | None, level: str) -> Decimal | None:
        """A value (exact, or as stored) at the method's precision for ``level``."""
        if value is None:
            return None
        return self.precision[LEVELS.index(level)].show(value)

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything that decides a stored result changes."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class JpdInput:
    kode: str
    urusan: str
    sasaran: int
    terlayani: int
    mutu_tersedia: int
    mutu_dibutuhkan: int
    # per item (tersedia, dibutuhkan): when given, capaian mutu is the method's aggregation of
    # the items and the two totals above are not used
    mutu_items: tuple[tuple[int, int], ...] | None = None


@dataclass(frozen=True, slots=True)
class JpdResult:
    kode: str
    urusan: str
    sasaran: int
    terlayani: int
    capaian_penerima: Fraction | None
    capaian_mutu: Fraction | None
    nilai: Fraction | None
    kategori: Band | None
    peringatan: tuple[str, ...] = ()

    @property
    def has_target(self) -> bool:
        return self.nilai is not None


@dataclass(frozen=True, slots=True)
class GroupResult:
    kode: str
    nilai: Fraction | None
    kategori: Band | None


@dataclass(frozen=True, slots=True)
class Result:
    method: Method
    jpd: tuple[JpdResult, ...]
    urusan: tuple[GroupResult, ...]
    daerah: GroupResult
    peringatan: tuple[str, ...] = field(default=())


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EngineInputError(f"{name} harus bilangan bulat")
    if value < 0:
        raise EngineInputError(f"{name} tidak boleh negatif")


def capaian_penerima(terlayani: int, sasaran: int) -> tuple[Fraction | None, list[str]]:
    """Recipient achievement in percent, capped at 100; ``None`` when there is no target."""
    _check_count("terlayani", terlayani)
    _check_count("sasaran", sasaran)
    if sasaran == 0:
        if terlayani > 0:
            raise EngineInputError("sasaran 0 tetapi terlayani lebih dari 0")
        return None, ["Tidak ada sasaran pada periode ini; JPD tidak ikut dirata-rata."]
    warnings: list[str] = []
    if terlayani > sasaran:
        warnings.append(
            f"Terlayani ({terlayani}) melebihi sasaran ({sasaran}); capaian penerima dibatasi 100%."
        )
    return min(Fraction(terlayani, sasaran), Fraction(1)) * HUNDRED, warnings


def capaian_mutu(tersedia: int, dibutuhkan: int) -> tuple[Fraction, list[str]]:
    """Quality achievement in percent, capped at 100; 100 when nothing is needed."""
    _check_count("mutu_tersedia", tersedia)
    _check_count("mutu_dibutuhkan", dibutuhkan)
    if dibutuhkan == 0:
        return HUNDRED, []
    warnings: list[str] = []
    if tersedia > dibutuhkan:
        warnings.append(
            f"Mutu tersedia ({tersedia}) melebihi yang dibutuhkan ({dibutuhkan}); "
            "capaian mutu dibatasi 100%."
        )
    return min(Fraction(tersedia, dibutuhkan), Fraction(1)) * HUNDRED, warnings


def capaian_mutu_items(
    items: Sequence[tuple[int, int]], how: str = "rasio_jumlah"
) -> tuple[Fraction, list[str]]:
    """Quality achievement over several items ``(tersedia, dibutuhkan)``.

    Each item counts at most what it needs, so a surplus of one item (tablets) cannot hide the
    shortage of another (staff). ``rasio_jumlah``: Σ min(tersedia, dibutuhkan) / Σ dibutuhkan
    (reference §6.2, unconfirmed); ``rata_rata_item``: the mean of the item percentages. Items
    needing nothing are left out; with nothing needed at all the result is 100.
    """
    needed = [(t, d) for t, d in items if _counted(t, d)]
    warnings = [
        f"Item mutu ke-{i}: tersedia ({t}) melebihi yang dibutuhkan ({d}); dihitung {d}."
        for i, (t, d) in enumerate(items, start=1)
        if d > 0 and t > d
    ]
    if not needed:
        return HUNDRED, warnings
    if how == "rasio_jumlah":
        total = sum(d for _, d in needed)
        return Fraction(sum(min(t, d) for t, d in needed), total) * HUNDRED, warnings
    if how == "rata_rata_item":
        return sum((Fraction(min(t, d), d) for t, d in needed), Fraction(0)) / len(
            needed
        ) * HUNDRED, warnings
    raise ValueError(f"agregasi mutu tidak dikenal: {how}")


def _counted(tersedia: int, dibutuhkan: int) -> bool:
    _check_count("mutu_tersedia", tersedia)
    _check_count("mutu_dibutuhkan", dibutuhkan)
    return dibutuhkan > 0


def capaian_rata_rata_tahap(stages: Sequence[tuple[int, int]]) -> Fraction | None:
    """Mean of the stage percentages ``(terlayani, sasaran)`` that have a target, each capped.

    Used where the standard measures a JPD in stages, e.g. provincial crisis health: the
    pre-crisis stage and the emergency stage (Permenkes 4/2019, worked example 1).
    """
    values = [v for v in (capaian_penerima(t, s)[0] for t, s in stages) if v is not None]
    return sum(values, Fraction(0)) / len(values) if values else None


@dataclass(frozen=True, slots=True)
class MutuItemResult:
    """One mutu item: its own percentage (capped at 100; ``None`` when nothing is needed) and
    what is still short of the need."""

    index: int  # position in the input, from 0
    tersedia: int
    dibutuhkan: int
    capaian: Fraction | None
    kekurangan: int


def mutu_items_short_first(items: Sequence[tuple[int, int]]) -> list[MutuItemResult]:
    """Each item ``(tersedia, dibutuhkan)`` with its own percentage, the items furthest short of
    their need first (lowest percentage, then largest shortfall), items needing nothing last."""
    results = []
    for i, (t, d) in enumerate(items):
        _counted(t, d)
        share = min(Fraction(t, d), Fraction(1)) * HUNDRED if d > 0 else None
        results.append(MutuItemResult(i, t, d, share, max(d - t, 0)))
    return sorted(
        results,
        key=lambda r: (r.capaian is None, r.capaian or 0, -r.kekurangan, r.index),
    )


def nilai_jpd(penerima: Fraction, mutu: Fraction, method: Method) -> Fraction:
    return method.weight_penerima * penerima + method.weight_mutu * mutu


def aggregate(values: Iterable[Fraction], how: str) -> Fraction | None:
    items = list(values)
    if not items:
        return None
    if how == "mean":
        return sum(items, Fraction(0)) / len(items)
    raise ValueError(f"agregasi tidak dikenal: {how}")


@dataclass(frozen=True, slots=True)
class RegionResult:
    urusan: tuple[GroupResult, ...]
    daerah: GroupResult


def aggregate_region(values: Iterable[tuple[str, Fraction | None]], method: Method) -> RegionResult:
    """The one aggregation JPD → urusan → region: ``values`` are ``(urusan, nilai JPD)`` pairs
    (``None`` for a JPD without a value, left out of the means). Urusan come in order of first
    appearance, each with its value (``None`` when none of its JPD has one) and category."""
    per_urusan: dict[str, list[Fraction]] = {}
    for urusan, nilai in values:
        bucket = per_urusan.setdefault(urusan, [])
        if nilai is not None:
            bucket.append(nilai)
    groups = []
    for code, found in per_urusan.items():
        value = aggregate(found, method.aggregation_urusan)
        groups.append(
            GroupResult(code, value, method.category(value, code) if value is not None else None)
        )
    total = aggregate((g.nilai for g in groups if g.nilai is not None), method.aggregation_daerah)
    return RegionResult(
        tuple(groups),
        GroupResult("daerah", total, method.category(total) if total is not None else None),
    )


def truncate2(value: Fraction) -> Decimal:
    """Truncate (not round) to two decimals: 72.857… → 72.85 (Permenkes 4/2019 example)."""
    return Precision(2, "potong").show(value)


def stored(value: Fraction) -> Decimal:
    """The value as stored: truncated to 6 decimals. Any precision of at most 4 decimals,
    truncated or rounded half up, shows the same from it as from the exact value (every
    boundary of those roundings is a multiple of 10⁻⁶, which truncation never crosses)."""
    scaled = value * 10**STORED_PLACES
    units = math.floor(scaled) if scaled >= 0 else math.ceil(scaled)
    return Decimal(units).scaleb(-STORED_PLACES)


def hitung_jpd(item: JpdInput, method: Method) -> JpdResult:
    penerima, warnings = capaian_penerima(item.terlayani, item.sasaran)
    if item.mutu_items is not None:
        mutu, mutu_warnings = capaian_mutu_items(item.mutu_items, method.aggregation_mutu)
    else:
        mutu, mutu_warnings = capaian_mutu(item.mutu_tersedia, item.mutu_dibutuhkan)
    if penerima is None:
        return JpdResult(
            item.kode, item.urusan, item.sasaran, item.terlayani,
            None, None, None, None, tuple(warnings),
        )  # fmt: skip
    nilai = nilai_jpd(penerima, mutu, method)
    return JpdResult(
        item.kode, item.urusan, item.sasaran, item.terlayani,
        penerima, mutu, nilai, method.category(nilai, item.urusan),
        tuple(warnings + mutu_warnings),
    )  # fmt: skip


def hitung(items: Sequence[JpdInput], method: Method) -> Result:
    """Compute every JPD, then the urusan (in order of first appearance) and the region."""
    codes = [i.kode for i in items]
    if len(set(codes)) != len(codes):
        raise EngineInputError("kode JPD ganda")
    jpd = tuple(hitung_jpd(i, method) for i in items)
    region = aggregate_region(((r.urusan, r.nilai) for r in jpd), method)
    notes: list[str] = []
    if region.daerah.nilai is None:
        notes.append("Tidak ada JPD dengan sasaran; nilai daerah tidak dapat dihitung.")
    return Result(method, jpd, region.urusan, region.daerah, tuple(notes))
