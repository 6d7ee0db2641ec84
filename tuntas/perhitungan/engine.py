"""The SPM achievement engine: pure functions, exact arithmetic, no database, no Django.

Definitions (shared/domain/SPM-REFERENCE.md §6):

* capaian penerima = min(terlayani / sasaran, 1) × 100 — over-achievement is capped and warned;
* capaian mutu = min(mutu_tersedia / mutu_dibutuhkan, 1) × 100 — 100 when nothing is needed;
* nilai JPD = w_penerima × capaian penerima + w_mutu × capaian mutu;
* a JPD whose sasaran is 0 has no target this period: no values, left out of the means;
* urusan value = aggregate of its JPD values; region value = aggregate of the urusan values;
* the category follows from the exact value; values are shown truncated to 2 decimals.

All arithmetic is on ``Fraction``; only :func:`truncate2` turns a value into a ``Decimal``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

HUNDRED = Fraction(100)
AGGREGATIONS = ("mean",)
MUTU_AGGREGATIONS = ("rasio_jumlah", "rata_rata_item")


class EngineInputError(ValueError):
    """Numbers the engine refuses (negative counts, served people without a target)."""


@dataclass(frozen=True, slots=True)
class Band:
    """One category band: values ≥ ``minimum`` (and below the next band's minimum)."""

    code: str
    name: str
    minimum: Fraction


@dataclass(frozen=True, slots=True)
class Method:
    """A scoring method: weights, aggregations and category bands (loaded from data)."""

    code: str
    name: str
    weight_penerima: Fraction
    weight_mutu: Fraction
    bands: tuple[Band, ...]
    aggregation_urusan: str = "mean"
    aggregation_daerah: str = "mean"
    aggregation_mutu: str = "rasio_jumlah"

    def __post_init__(self) -> None:
        if self.weight_penerima < 0 or self.weight_mutu < 0:
            raise ValueError("bobot tidak boleh negatif")
        if self.weight_penerima + self.weight_mutu != 1:
            raise ValueError("jumlah bobot penerima dan mutu harus 1")
        if not self.bands:
            raise ValueError("metode harus memiliki kategori")
        minima = [b.minimum for b in self.bands]
        if minima != sorted(minima, reverse=True) or len(set(minima)) != len(minima):
            raise ValueError("kategori harus urut dari batas bawah tertinggi, tanpa batas ganda")
        if minima[-1] != 0:
            raise ValueError("kategori terendah harus mulai dari 0")
        for aggregation in (self.aggregation_urusan, self.aggregation_daerah):
            if aggregation not in AGGREGATIONS:
                raise ValueError(f"agregasi tidak dikenal: {aggregation}")
        if self.aggregation_mutu not in MUTU_AGGREGATIONS:
            raise ValueError(f"agregasi mutu tidak dikenal: {self.aggregation_mutu}")

    def category(self, value: Fraction) -> Band:
        """The band of an exact value (never of a truncated one)."""
        for band in self.bands:
            if value >= band.minimum:
                return band
        raise EngineInputError(f"nilai negatif tidak punya kategori: {value}")


@dataclass(frozen=True, slots=True)
class JpdInput:
    kode: str
    urusan: str
    sasaran: int
    terlayani: int
    mutu_tersedia: int
    mutu_dibutuhkan: int


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


def nilai_jpd(penerima: Fraction, mutu: Fraction, method: Method) -> Fraction:
    return method.weight_penerima * penerima + method.weight_mutu * mutu


def aggregate(values: Iterable[Fraction], how: str) -> Fraction | None:
    items = list(values)
    if not items:
        return None
    if how == "mean":
        return sum(items, Fraction(0)) / len(items)
    raise ValueError(f"agregasi tidak dikenal: {how}")


def truncate2(value: Fraction) -> Decimal:
    """Truncate (not round) to two decimals: 72.857… → 72.85 (Permenkes 4/2019 example)."""
    hundredths = math.floor(value * 100) if value >= 0 else math.ceil(value * 100)
    return Decimal(hundredths).scaleb(-2)


def hitung_jpd(item: JpdInput, method: Method) -> JpdResult:
    penerima, warnings = capaian_penerima(item.terlayani, item.sasaran)
    if penerima is None:
        _check_count("mutu_tersedia", item.mutu_tersedia)
        _check_count("mutu_dibutuhkan", item.mutu_dibutuhkan)
        return JpdResult(
            item.kode, item.urusan, item.sasaran, item.terlayani,
            None, None, None, None, tuple(warnings),
        )  # fmt: skip
    mutu, mutu_warnings = capaian_mutu(item.mutu_tersedia, item.mutu_dibutuhkan)
    nilai = nilai_jpd(penerima, mutu, method)
    return JpdResult(
        item.kode, item.urusan, item.sasaran, item.terlayani,
        penerima, mutu, nilai, method.category(nilai), tuple(warnings + mutu_warnings),
    )  # fmt: skip


def hitung(items: Sequence[JpdInput], method: Method) -> Result:
    """Compute every JPD, then the urusan (in order of first appearance) and the region."""
    codes = [i.kode for i in items]
    if len(set(codes)) != len(codes):
        raise EngineInputError("kode JPD ganda")
    jpd = tuple(hitung_jpd(i, method) for i in items)
    urusan_codes = list(dict.fromkeys(r.urusan for r in jpd))
    urusan = []
    for code in urusan_codes:
        value = aggregate(
            (r.nilai for r in jpd if r.urusan == code and r.nilai is not None),
            method.aggregation_urusan,
        )
        urusan.append(
            GroupResult(code, value, method.category(value) if value is not None else None)
        )
    total = aggregate((u.nilai for u in urusan if u.nilai is not None), method.aggregation_daerah)
    daerah = GroupResult("daerah", total, method.category(total) if total is not None else None)
    notes: list[str] = []
    if total is None:
        notes.append("Tidak ada JPD dengan sasaran; nilai daerah tidak dapat dihitung.")
    return Result(method, jpd, tuple(urusan), daerah, tuple(notes))
