"""Writes for quarterly entry. Each change is one transaction that also writes its audit row and
recomputes the stored results it affects."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext

from tuntas.core.errors import DomainError
from tuntas.core.services import audit_event_create
from tuntas.katalog.models import Jpd, JpdVersion, MutuItem
from tuntas.katalog.selectors import jpd_version_for_year
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.models import (
    AnnualTarget,
    MutuEntry,
    QuarterEntry,
    QuarterResult,
    TargetRevision,
)
from tuntas.perhitungan.engine import (
    Method,
    aggregate,
    capaian_mutu_items,
    capaian_penerima,
    nilai_jpd,
    truncate2,
)


class EntryInvalid(DomainError):
    """Field-level problems; ``errors`` maps a field name to an Indonesian message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class EntryConflict(DomainError):
    """Someone saved this JPD-quarter after the user opened it; ``current`` is what is stored."""

    def __init__(self, current: QuarterEntry) -> None:
        super().__init__(
            gettext(
                "Data ini sudah diubah oleh pengguna lain setelah Anda membukanya. "
                "Periksa kedua nilai lalu simpan kembali."
            )
        )
        self.current = current


@dataclass(frozen=True)
class EntryInput:
    terlayani: int | None
    mutu: dict[int, tuple[int | None, int | None]] = field(
        default_factory=dict
    )  # item id → (dibutuhkan, tersedia)
    over_target_reason: str = ""
    pagu: Decimal | None = None
    realisasi: Decimal | None = None
    permasalahan: str = ""
    solusi: str = ""


@dataclass(frozen=True)
class Computed:
    capaian_penerima: Fraction | None
    capaian_mutu: Fraction | None
    nilai: Fraction | None
    kategori_code: str
    kategori_name: str
    complete: bool
    warnings: tuple[str, ...]


def mutu_items_for(*, jpd: Jpd, year: int) -> list[MutuItem]:
    version: JpdVersion | None = jpd_version_for_year(jpd=jpd, year=year)
    return list(version.mutu_items.all()) if version else []


def suggested_need(item: MutuItem, sasaran: int | None) -> int | None:
    """The catalog's per-recipient rule applied to the target (rounded up), where there is one."""
    if sasaran is None or item.need_basis != "penerima" or item.need_quantity is None:
        return None
    return math.ceil(item.need_quantity * sasaran)


def entry_compute(
    *,
    method: Method,
    sasaran: int | None,
    terlayani: int | None,
    mutu: list[tuple[int | None, int | None]],
) -> Computed:
    """What the engine makes of the numbers so far (used live while typing, and on save)."""
    warnings: list[str] = []
    penerima: Fraction | None = None
    if sasaran is not None and terlayani is not None:
        if sasaran == 0 and terlayani > 0:
            return Computed(
                None,
                None,
                None,
                "",
                "",
                False,
                (gettext("Terlayani lebih dari 0 padahal sasaran 0."),),
            )
        penerima, w = capaian_penerima(terlayani, sasaran)
        warnings += w
    mutu_complete = all(d is not None and t is not None for d, t in mutu)
    mutu_value: Fraction | None = None
    if mutu_complete:
        mutu_value, w = capaian_mutu_items(
            [(t or 0, d or 0) for d, t in mutu], method.aggregation_mutu
        )
        warnings += w
    complete = sasaran is not None and terlayani is not None and mutu_complete
    if sasaran == 0 and terlayani == 0:
        return Computed(None, None, None, "", "", complete, tuple(warnings))
    if penerima is None or mutu_value is None:
        return Computed(penerima, mutu_value, None, "", "", False, tuple(warnings))
    nilai = nilai_jpd(penerima, mutu_value, method)
    band = method.category(nilai)
    return Computed(penerima, mutu_value, nilai, band.code, band.name, complete, tuple(warnings))


def _d(value: Fraction | None) -> Decimal | None:
    return None if value is None else truncate2(value)


def _validate(data: EntryInput, sasaran: int | None, items: list[MutuItem]) -> None:
    errors: dict[str, str] = {}
    if data.terlayani is not None and data.terlayani < 0:
        errors["terlayani"] = gettext("Terlayani tidak boleh negatif.")
    if data.terlayani is not None and sasaran is not None:
        if sasaran == 0 and data.terlayani > 0:
            errors["terlayani"] = gettext(
                "Sasaran tahun ini 0; terlayani harus 0 atau ubah sasaran dahulu."
            )
        elif data.terlayani > sasaran and not data.over_target_reason.strip():
            errors["over_target_reason"] = gettext(
                "Terlayani (%(t)s) melebihi sasaran (%(s)s); jelaskan alasannya."
            ) % {"t": data.terlayani, "s": sasaran}
    known = {i.pk for i in items}
    for item_id, (needed, available) in data.mutu.items():
        if item_id not in known:
            errors[f"mutu_{item_id}"] = gettext("Item mutu tidak termasuk JPD ini.")
        for label, value in (("dibutuhkan", needed), ("tersedia", available)):
            if value is not None and value < 0:
                errors[f"mutu_{item_id}_{label}"] = gettext(
                    "Jumlah %(label)s tidak boleh negatif."
                ) % {"label": label}
    for label, money in (("pagu", data.pagu), ("realisasi", data.realisasi)):
        if money is not None and money < 0:
            errors[label] = gettext("Nilai rupiah tidak boleh negatif.")
    if errors:
        raise EntryInvalid(errors)


def target_get(*, pemda: Pemda, jpd: Jpd, year: int) -> AnnualTarget | None:
    return AnnualTarget.objects.filter(pemda=pemda, jpd=jpd, year=year).first()


@transaction.atomic
def entry_save(
    *,
    pemda: Pemda,
    jpd: Jpd,
    year: int,
    quarter: int,
    data: EntryInput,
    expected_version: int,
    actor: User | None,
) -> QuarterEntry:
    """Save a JPD-quarter if nobody saved it since ``expected_version`` was read."""
    if jpd.level != pemda.level:
        raise DomainError(gettext("JPD ini bukan untuk tingkat pemerintahan daerah ini."))
    if quarter not in (1, 2, 3, 4):
        raise DomainError(gettext("Triwulan harus 1–4."))
    target = target_get(pemda=pemda, jpd=jpd, year=year)
    sasaran = target.sasaran if target else None
    items = mutu_items_for(jpd=jpd, year=year)
    _validate(data, sasaran, items)
    entry, _ = QuarterEntry.objects.select_for_update().get_or_create(
        pemda=pemda, jpd=jpd, year=year, quarter=quarter
    )
    if entry.version != expected_version:
        raise EntryConflict(entry)
    before = {"terlayani": entry.terlayani, "versi": entry.version}
    entry.terlayani = data.terlayani
    entry.over_target_reason = data.over_target_reason.strip()
    entry.pagu = data.pagu
    entry.realisasi = data.realisasi
    entry.permasalahan = data.permasalahan.strip()
    entry.solusi = data.solusi.strip()
    entry.version += 1
    entry.updated_by = actor
    existing = {m.item_id: m for m in MutuEntry.objects.filter(entry=entry)}
    for item in items:
        needed, available = data.mutu.get(item.pk, (None, None))
        row = existing.get(item.pk) or MutuEntry(pemda=pemda, entry=entry, item=item)
        row.dibutuhkan, row.tersedia = needed, available
        row.save()
    _store_entry_result(entry, pemda.scoring_method.to_method(), sasaran, items)
    quarter_result_recompute(pemda=pemda, year=year, quarter=quarter)
    audit_event_create(
        action="isian.simpan",
        actor=actor,
        object_type="isian",
        object_id=f"{pemda.code}/{year}/TW{quarter}/{jpd.code}",
        data={"sebelum": before, "terlayani": data.terlayani, "versi": entry.version},
    )
    return entry


def _store_entry_result(
    entry: QuarterEntry, method: Method, sasaran: int | None, items: list[MutuItem]
) -> None:
    values = {m.item_id: (m.dibutuhkan, m.tersedia) for m in MutuEntry.objects.filter(entry=entry)}
    computed = entry_compute(
        method=method,
        sasaran=sasaran,
        terlayani=entry.terlayani,
        mutu=[values.get(i.pk, (None, None)) for i in items],
    )
    entry.capaian_penerima = _d(computed.capaian_penerima)
    entry.capaian_mutu = _d(computed.capaian_mutu)
    entry.nilai = _d(computed.nilai)
    entry.kategori = computed.kategori_code
    entry.is_complete = computed.complete
    entry.save()


@transaction.atomic
def target_set(
    *,
    pemda: Pemda,
    jpd: Jpd,
    year: int,
    sasaran: int,
    reason: str,
    expected_version: int,
    actor: User | None,
) -> AnnualTarget:
    """Set the year's target; changing an existing one needs a reason and is kept as a revision."""
    if sasaran < 0:
        raise EntryInvalid({"sasaran": gettext("Sasaran tidak boleh negatif.")})
    if jpd.level != pemda.level:
        raise DomainError(gettext("JPD ini bukan untuk tingkat pemerintahan daerah ini."))
    target = (
        AnnualTarget.objects.select_for_update().filter(pemda=pemda, jpd=jpd, year=year).first()
    )
    if target is None:
        if expected_version != 0:
            raise EntryInvalid(
                {"sasaran": gettext("Sasaran sudah dihapus atau berubah; muat ulang halaman.")}
            )
        target = AnnualTarget.objects.create(
            pemda=pemda, jpd=jpd, year=year, sasaran=sasaran, updated_by=actor
        )
        old = None
    else:
        if target.version != expected_version:
            raise EntryInvalid(
                {
                    "sasaran": gettext(
                        "Sasaran sudah diubah pengguna lain menjadi %(s)s; muat ulang."
                    )
                    % {"s": target.sasaran}
                }
            )
        if target.sasaran == sasaran:
            return target
        if not reason.strip():
            raise EntryInvalid({"alasan": gettext("Perubahan sasaran wajib disertai alasan.")})
        old = target.sasaran
        TargetRevision.objects.create(
            pemda=pemda,
            target=target,
            old_value=old,
            new_value=sasaran,
            reason=reason.strip(),
            actor=actor,
        )
        target.sasaran = sasaran
        target.version += 1
        target.updated_by = actor
        target.save()
    method = pemda.scoring_method.to_method()
    items = mutu_items_for(jpd=jpd, year=year)
    for entry in QuarterEntry.objects.filter(pemda=pemda, jpd=jpd, year=year):
        _store_entry_result(entry, method, sasaran, items)
    for quarter in (1, 2, 3, 4):
        quarter_result_recompute(pemda=pemda, year=year, quarter=quarter)
    audit_event_create(
        action="sasaran.ubah" if old is not None else "sasaran.tetapkan",
        actor=actor,
        object_type="sasaran",
        object_id=f"{pemda.code}/{year}/{jpd.code}",
        data={"lama": old, "baru": sasaran, "alasan": reason.strip()},
    )
    return target


def quarter_result_recompute(*, pemda: Pemda, year: int, quarter: int) -> QuarterResult:
    """Recompute the pemda's urusan and region index for a quarter from the stored entries.

    Only complete JPD with a target count; means are taken on exact values.
    """
    method = pemda.scoring_method.to_method()
    jpd_codes = list(Jpd.objects.filter(level=pemda.level).values_list("code", "urusan_id"))
    targets = dict(
        AnnualTarget.objects.filter(pemda=pemda, year=year).values_list("jpd_id", "sasaran")
    )
    entries = {
        e.jpd_id: e
        for e in QuarterEntry.objects.filter(
            pemda=pemda, year=year, quarter=quarter
        ).prefetch_related("mutu")
    }
    per_urusan: dict[str, list[Fraction]] = {}
    complete = 0
    for code, urusan in jpd_codes:
        entry = entries.get(code)
        if entry is None or not entry.is_complete:
            continue
        complete += 1
        computed = entry_compute(
            method=method,
            sasaran=targets.get(code),
            terlayani=entry.terlayani,
            mutu=[(m.dibutuhkan, m.tersedia) for m in entry.mutu.all()],
        )
        if computed.nilai is not None:
            per_urusan.setdefault(urusan, []).append(computed.nilai)
    urusan_values = {u: aggregate(v, method.aggregation_urusan) for u, v in per_urusan.items()}
    total = aggregate(
        (v for v in urusan_values.values() if v is not None), method.aggregation_daerah
    )
    result, _ = QuarterResult.objects.update_or_create(
        pemda=pemda,
        year=year,
        quarter=quarter,
        defaults={
            "nilai": _d(total),
            "kategori": method.category(total).code if total is not None else "",
            "urusan": {
                u: {"nilai": str(truncate2(v)), "kategori": method.category(v).code}
                for u, v in sorted(urusan_values.items())
                if v is not None
            },
            "jpd_total": len(jpd_codes),
            "jpd_complete": complete,
        },
    )
    return result
