"""Writes for quarterly entry. Each change is one transaction that also writes its audit row and
recomputes the stored results it affects."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext

from tuntas.core.errors import DomainError
from tuntas.core.formatting import rupiah
from tuntas.core.services import audit_event_create
from tuntas.katalog.models import Jpd, JpdVersion, MutuItem, ScoringMethod
from tuntas.katalog.selectors import jpd_version_for_year
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.locks import EntryLocked, budget_from_lines, ensure_writable, entry_changed
from tuntas.pendataan.models import (
    AnnualTarget,
    MutuEntry,
    QuarterEntry,
    QuarterResult,
    TargetRevision,
)
from tuntas.pendataan.values import entry_key, entry_values, plain, value_changes
from tuntas.perhitungan.engine import (
    JpdInput,
    Method,
    MutuItemResult,
    aggregate_region,
    capaian_mutu_items,
    capaian_penerima,
    hitung_jpd,
    mutu_items_short_first,
    stored,
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
    over_budget_reason: str = ""
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
    # each mutu item with its own percentage, the furthest short of need first (complete items)
    items_short_first: tuple[MutuItemResult, ...] = ()


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
    urusan: str,
    sasaran: int | None,
    terlayani: int | None,
    mutu: list[tuple[int | None, int | None]],
) -> Computed:
    """What the engine makes of the numbers so far (used live while typing, and on save).

    ``mutu`` holds ``(dibutuhkan, tersedia)`` per item; a value not yet filled is ``None``.
    """
    warnings: list[str] = []
    if sasaran == 0 and terlayani is not None and terlayani > 0:
        message = gettext("Terlayani lebih dari 0 padahal sasaran 0.")
        return Computed(None, None, None, "", "", False, (message,))
    shown_items = tuple(
        mutu_items_short_first([(t or 0, d or 0) for d, t in mutu])
        if all(d is not None and t is not None for d, t in mutu)
        else ()
    )
    mutu_complete = all(d is not None and t is not None for d, t in mutu)
    complete = sasaran is not None and terlayani is not None and mutu_complete
    if complete:
        assert sasaran is not None and terlayani is not None
        result = hitung_jpd(
            JpdInput(
                "", urusan, sasaran, terlayani, 0, 0, tuple((t or 0, d or 0) for d, t in mutu)
            ),
            method,
        )
        band = result.kategori
        return Computed(
            result.capaian_penerima,
            result.capaian_mutu,
            result.nilai,
            band.code if band else "",
            band.name if band else "",
            True,
            result.peringatan,
            shown_items,
        )
    # partial: what can already be computed
    penerima: Fraction | None = None
    if sasaran is not None and terlayani is not None:
        penerima, w = capaian_penerima(terlayani, sasaran)
        warnings += w
    mutu_value: Fraction | None = None
    if mutu_complete:
        mutu_value, w = capaian_mutu_items(
            [(t or 0, d or 0) for d, t in mutu], method.aggregation_mutu
        )
        warnings += w
    return Computed(penerima, mutu_value, None, "", "", False, tuple(warnings), shown_items)


def entry_result_fields(computed: Computed) -> dict[str, object]:
    """The stored result columns of an entry (the engine's values, as stored)."""
    return {
        "capaian_penerima": _d(computed.capaian_penerima),
        "capaian_mutu": _d(computed.capaian_mutu),
        "nilai": _d(computed.nilai),
        "kategori": computed.kategori_code,
        "is_complete": computed.complete,
    }


def quarter_result_fields(
    *, method: Method, jpd_list: list[tuple[str, str]], computed: dict[str, Computed]
) -> dict[str, object]:
    """A pemda's quarter index from its entries' computations: ``jpd_list`` holds every
    ``(JPD code, urusan)`` of the pemda's level, ``computed`` what :func:`entry_compute` made of
    each stored entry. Only complete JPD with a target count (one engine aggregation)."""
    complete = [(u, computed[c]) for c, u in jpd_list if c in computed and computed[c].complete]
    region = aggregate_region(((u, c.nilai) for u, c in complete), method)
    return {
        "nilai": _d(region.daerah.nilai),
        "kategori": region.daerah.kategori.code if region.daerah.kategori else "",
        "urusan": {
            g.kode: {"nilai": str(stored(g.nilai)), "kategori": g.kategori.code}
            for g in sorted(region.urusan, key=lambda g: g.kode)
            if g.nilai is not None and g.kategori is not None
        },
        "jpd_total": len(jpd_list),
        "jpd_complete": len(complete),
        "method_fingerprint": method.fingerprint,
    }


def _d(value: Fraction | None) -> Decimal | None:
    return None if value is None else stored(value)


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
    if (
        data.pagu is not None
        and data.realisasi is not None
        and data.realisasi > data.pagu
        and not data.over_budget_reason.strip()
    ):
        errors["over_budget_reason"] = gettext(
            "Realisasi (%(r)s) melebihi pagu (%(p)s); jelaskan alasannya."
        ) % {"r": rupiah(data.realisasi), "p": rupiah(data.pagu)}
    if errors:
        raise EntryInvalid(errors)


def _is_empty(data: EntryInput) -> bool:
    """Nothing typed at all: no number, no mutu quantity, no text."""
    return (
        data.terlayani is None
        and data.pagu is None
        and data.realisasi is None
        and all(needed is None and available is None for needed, available in data.mutu.values())
        and not any(
            text.strip()
            for text in (
                data.over_target_reason,
                data.over_budget_reason,
                data.permasalahan,
                data.solusi,
            )
        )
    )


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
    """Save a JPD-quarter if nobody saved it since ``expected_version`` was read. Where the
    JPD-year has budget lines, pagu and realisasi are their sums (``locks.budget_from_lines``),
    whatever was typed."""
    if jpd.level != pemda.level:
        raise DomainError(gettext("JPD ini bukan untuk tingkat pemerintahan daerah ini."))
    if quarter not in (1, 2, 3, 4):
        raise DomainError(gettext("Triwulan harus 1–4."))
    budget = budget_from_lines(pemda=pemda, jpd=jpd, year=year, quarter=quarter)
    if budget is not None:
        data = replace(data, pagu=budget[0], realisasi=budget[1])
    target = target_get(pemda=pemda, jpd=jpd, year=year)
    sasaran = target.sasaran if target else None
    items = mutu_items_for(jpd=jpd, year=year)
    _validate(data, sasaran, items)
    ensure_writable(pemda=pemda, jpd=jpd, year=year, quarter=quarter)
    entry, created = QuarterEntry.objects.select_for_update().get_or_create(
        pemda=pemda, jpd=jpd, year=year, quarter=quarter
    )
    if entry.version != expected_version:
        raise EntryConflict(entry)
    if created and _is_empty(data):  # the transaction rolls the new row back
        raise EntryInvalid({"__all__": gettext("Belum ada yang diisi; isian tidak disimpan.")})
    existing = {m.item_id: m for m in MutuEntry.objects.filter(entry=entry)}
    before = entry_values(entry, items, existing)
    entry.terlayani = data.terlayani
    entry.over_target_reason = data.over_target_reason.strip()
    entry.pagu = data.pagu
    entry.realisasi = data.realisasi
    entry.over_budget_reason = data.over_budget_reason.strip()
    entry.permasalahan = data.permasalahan.strip()
    entry.solusi = data.solusi.strip()
    entry.version += 1
    entry.updated_by = actor
    for item in items:
        needed, available = data.mutu.get(item.pk, (None, None))
        row = existing.get(item.pk) or MutuEntry(pemda=pemda, entry=entry, item=item)
        row.dibutuhkan, row.tersedia = needed, available
        row.save()
        existing[item.pk] = row
    changes = value_changes(before, entry_values(entry, items, existing))
    _store_entry_result(entry, pemda.scoring_method.to_method(), sasaran, items)
    quarter_result_recompute(pemda=pemda, year=year, quarter=quarter)
    audit_event_create(
        action="isian.simpan",
        actor=actor,
        pemda=pemda.code,
        object_type="isian",
        object_id=entry_key(pemda.code, year, quarter, jpd.code),
        data={"perubahan": changes, "versi": entry.version},
    )
    entry_changed.send(
        sender=QuarterEntry,
        pemda=pemda,
        jpd=jpd,
        year=year,
        quarter=quarter,
        actor=actor,
        changes=changes,
    )
    return entry


@transaction.atomic
def entry_with_target_save(
    *,
    pemda: Pemda,
    jpd: Jpd,
    year: int,
    quarter: int,
    sasaran: int | None,
    sasaran_reason: str,
    data: EntryInput,
    expected_version: int,
    actor: User | None,
) -> QuarterEntry:
    """The year's target (when ``sasaran`` is given and differs from the stored one: the first
    needs no reason, a change needs ``sasaran_reason``) and the quarter's entry, through
    :func:`target_set` and :func:`entry_save`, all or nothing: if the entry is refused (invalid,
    locked, saved by someone else since ``expected_version``), the target stays as it was.
    Used by the API's PUT, which sends both at once."""
    if sasaran is not None:
        # read without a row lock: target_set locks the rows in the workflow's order (report,
        # JPD, target) and refuses if the target changed since this read
        target = target_get(pemda=pemda, jpd=jpd, year=year)
        if target is None or target.sasaran != sasaran:
            target_set(
                pemda=pemda,
                jpd=jpd,
                year=year,
                sasaran=sasaran,
                reason=sasaran_reason,
                expected_version=target.version if target else 0,
                actor=actor,
            )
    return entry_save(
        pemda=pemda,
        jpd=jpd,
        year=year,
        quarter=quarter,
        data=data,
        expected_version=expected_version,
        actor=actor,
    )


def _same_money(a: Decimal | None, b: Decimal | None) -> bool:
    return (a is None) == (b is None) and (a is None or a == b)


@transaction.atomic
def entry_budget_refresh(
    *, pemda: Pemda, jpd: Jpd, year: int, actor: User | None, quarter: int | None = None
) -> list[int]:
    """After a JPD-year's budget lines or their realisation changed: each stored entry of the
    year whose pagu or realisasi differs from the lines' sums (``locks.budget_from_lines``)
    takes them, with its audit row. ``quarter`` is the quarter whose realisation changed: if the
    workflow locks it, :class:`~tuntas.pendataan.locks.EntryLocked` is raised with the lock's
    message and the caller's transaction (the change) is undone. Another quarter that is locked
    keeps the values it was reported with. Returns the quarters updated."""
    if quarter is not None:
        ensure_writable(pemda=pemda, jpd=jpd, year=year, quarter=quarter)
    updated: list[int] = []
    stored = QuarterEntry.objects.filter(pemda=pemda, jpd=jpd, year=year).order_by("quarter")
    for q in stored.values_list("quarter", flat=True):
        budget = budget_from_lines(pemda=pemda, jpd=jpd, year=year, quarter=q)
        if budget is None:
            continue
        entry = QuarterEntry.objects.get(pemda=pemda, jpd=jpd, year=year, quarter=q)
        if _same_money(entry.pagu, budget[0]) and _same_money(entry.realisasi, budget[1]):
            continue
        try:
            ensure_writable(pemda=pemda, jpd=jpd, year=year, quarter=q)
        except EntryLocked:
            if q == quarter:
                raise
            continue
        entry = QuarterEntry.objects.select_for_update().get(pk=entry.pk)
        changes = [
            {"kolom": name, "lama": plain(getattr(entry, name)), "baru": plain(value)}
            for name, value in (("pagu", budget[0]), ("realisasi", budget[1]))
            if not _same_money(getattr(entry, name), value)
        ]
        entry.pagu, entry.realisasi = budget
        entry.version += 1
        entry.updated_by = actor
        entry.save()
        audit_event_create(
            action="isian.anggaran",
            actor=actor,
            pemda=pemda.code,
            object_type="isian",
            object_id=entry_key(pemda.code, year, q, jpd.code),
            data={"perubahan": changes, "versi": entry.version, "sumber": "baris anggaran"},
        )
        entry_changed.send(
            sender=QuarterEntry,
            pemda=pemda,
            jpd=jpd,
            year=year,
            quarter=q,
            actor=actor,
            changes=changes,
        )
        updated.append(q)
    return updated


def _store_entry_result(
    entry: QuarterEntry, method: Method, sasaran: int | None, items: list[MutuItem]
) -> None:
    values = {m.item_id: (m.dibutuhkan, m.tersedia) for m in MutuEntry.objects.filter(entry=entry)}
    computed = entry_compute(
        method=method,
        urusan=entry.jpd.urusan_id,
        sasaran=sasaran,
        terlayani=entry.terlayani,
        mutu=[values.get(i.pk, (None, None)) for i in items],
    )
    for name, value in entry_result_fields(computed).items():
        setattr(entry, name, value)
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
    ensure_writable(pemda=pemda, jpd=jpd, year=year, quarter=None)
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
        pemda=pemda.code,
        object_type="sasaran",
        object_id=f"{pemda.code}/{year}/{jpd.code}",
        data={
            "perubahan": [{"kolom": "sasaran", "lama": old, "baru": sasaran}],
            "alasan": reason.strip(),
        },
    )
    entry_changed.send(
        sender=AnnualTarget,
        pemda=pemda,
        jpd=jpd,
        year=year,
        quarter=None,
        actor=actor,
        changes=[{"kolom": "sasaran", "lama": old, "baru": sasaran}],
    )
    return target


def quarter_result_recompute(*, pemda: Pemda, year: int, quarter: int) -> QuarterResult:
    """Recompute the pemda's urusan and region index for a quarter from the stored entries."""
    method = pemda.scoring_method.to_method()
    jpd_list = list(Jpd.objects.filter(level=pemda.level).values_list("code", "urusan_id"))
    targets = dict(
        AnnualTarget.objects.filter(pemda=pemda, year=year).values_list("jpd_id", "sasaran")
    )
    entries = QuarterEntry.objects.filter(pemda=pemda, year=year, quarter=quarter)
    urusan_of = dict(jpd_list)
    computed = {
        e.jpd_id: entry_compute(
            method=method,
            urusan=urusan_of.get(e.jpd_id, ""),
            sasaran=targets.get(e.jpd_id),
            terlayani=e.terlayani,
            mutu=[(m.dibutuhkan, m.tersedia) for m in e.mutu.all()],
        )
        for e in entries.prefetch_related("mutu")
        if e.is_complete
    }
    result, _ = QuarterResult.objects.update_or_create(
        pemda=pemda,
        year=year,
        quarter=quarter,
        defaults=quarter_result_fields(method=method, jpd_list=jpd_list, computed=computed),
    )
    return result


@transaction.atomic
def results_recompute(*, pemda: Pemda, year: int | None = None) -> int:
    """Recompute every stored result of a pemda (or one year of it) with its scoring method in
    force: each entry's values, then each quarter's index. Returns the quarters recomputed."""
    method = pemda.scoring_method.to_method()
    periods: set[tuple[int, int]] = set()
    for model in (QuarterEntry, QuarterResult):
        rows = model.objects.filter(pemda=pemda)
        periods |= set((rows.filter(year=year) if year else rows).values_list("year", "quarter"))
    done = 0
    for y, q in sorted(periods):
        targets = dict(
            AnnualTarget.objects.filter(pemda=pemda, year=y).values_list("jpd_id", "sasaran")
        )
        items_of: dict[str, list[MutuItem]] = {}
        for entry in QuarterEntry.objects.filter(pemda=pemda, year=y, quarter=q).select_related(
            "jpd"
        ):
            if entry.jpd_id not in items_of:
                items_of[entry.jpd_id] = mutu_items_for(jpd=entry.jpd, year=y)
            _store_entry_result(entry, method, targets.get(entry.jpd_id), items_of[entry.jpd_id])
        quarter_result_recompute(pemda=pemda, year=y, quarter=q)
        done += 1
    return done


@transaction.atomic
def pemda_method_set(*, code: str, method_code: str, actor: User | None) -> tuple[Pemda, int]:
    """Compute a pemda's results with another scoring method: set it, recompute every stored
    result, audit — one transaction. Returns the pemda and the quarters recomputed."""
    pemda = Pemda.objects.select_for_update().filter(code=code).first()
    if pemda is None:
        raise DomainError(gettext("Pemda %(code)s belum terdaftar.") % {"code": code})
    method = ScoringMethod.objects.filter(code=method_code).first()
    if method is None:
        known = ", ".join(ScoringMethod.objects.order_by("code").values_list("code", flat=True))
        raise DomainError(
            gettext("Metode penilaian %(code)s tidak dikenal (tersedia: %(known)s).")
            % {"code": method_code, "known": known}
        )
    before = pemda.scoring_method_id
    pemda.scoring_method = method
    pemda.save(update_fields=["scoring_method"])
    quarters = results_recompute(pemda=pemda)
    audit_event_create(
        action="pemda.metode",
        actor=actor,
        object_type="pemda",
        object_id=pemda.code,
        data={"sebelum": before, "sesudah": method.code, "triwulan": quarters},
    )
    return pemda, quarters


def results_recompute_stale() -> dict[str, int]:
    """Recompute the results of every pemda whose stored quarters were computed with another
    scoring method than the one in force (its data changed, or the pemda changed method):
    ``tuntas init`` calls it after loading the catalog. Returns quarters recomputed per pemda."""
    done: dict[str, int] = {}
    for pemda in Pemda.objects.select_related("scoring_method").order_by("code"):
        fingerprint = pemda.scoring_method.to_method().fingerprint
        stale = QuarterResult.objects.filter(pemda=pemda).exclude(method_fingerprint=fingerprint)
        if stale.exists():
            done[pemda.code] = results_recompute(pemda=pemda)
    return done
