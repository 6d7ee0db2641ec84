"""The SPM action plan (rencana aksi) of a pemda and year: reads and writes of its rows
(``ActionItem``: activity, responsible OPD, JPD optional, start and end, indicator, status,
note), kept in the order the plan lists them. Writes are keyword-only, one transaction each,
with their audit event; only the SPM team and the pemda's admin write the plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tuntas.core.errors import DomainError
from tuntas.core.services import audit_event_create
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda, PerangkatDaerah
from tuntas.perencanaan.models import ActionItem, ActionStatus

MAX_ITEMS = 300  # rows of one year's plan
MAX_TEXT = 2000  # characters of the activity, indicator or note


class ActionPlanError(DomainError):
    pass


# ------------------------------------------------------------------------------------------------
# reads


def action_items(pemda: Pemda, year: int) -> list[ActionItem]:
    """The year's plan in its order."""
    return list(
        ActionItem.objects.filter(pemda=pemda, year=year)
        .select_related("jpd", "opd")
        .order_by("order", "id")
    )


def action_item_get(pemda: Pemda, year: int, item_id: int) -> ActionItem | None:
    return (
        ActionItem.objects.filter(pemda=pemda, year=year, pk=item_id)
        .select_related("jpd", "opd")
        .first()
    )


def opd_choices(pemda: Pemda) -> list[PerangkatDaerah]:
    return list(PerangkatDaerah.objects.filter(pemda=pemda).order_by("name"))


def jpd_choices(pemda: Pemda) -> list[Jpd]:
    return list(Jpd.objects.filter(level=pemda.level).order_by("code"))


def status_counts(items: list[ActionItem]) -> dict[str, int]:
    counts = dict.fromkeys(ActionStatus.values, 0)
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    return counts


# ------------------------------------------------------------------------------------------------
# writes


@dataclass(frozen=True)
class ActionData:
    activity: str
    opd_id: int | None = None
    jpd_code: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    indicator: str = ""
    status: str = ActionStatus.BELUM
    note: str = ""


def _clean_text(value: str) -> str:
    """Text without control characters (a document writer refuses them), tabs and newlines
    kept, trimmed."""
    return "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32).strip()


def _validated(pemda: Pemda, data: ActionData) -> dict[str, object]:
    activity = _clean_text(data.activity)
    if not activity:
        raise ActionPlanError(_("Kegiatan wajib diisi."))
    for label, text in (
        (_("Kegiatan"), activity),
        (_("Indikator"), data.indicator),
        (_("Catatan"), data.note),
    ):
        if len(text) > MAX_TEXT:
            raise ActionPlanError(
                _("%(kolom)s paling panjang %(n)s karakter.") % {"kolom": label, "n": MAX_TEXT}
            )
    if data.status not in ActionStatus.values:
        raise ActionPlanError(_("Status tidak dikenal."))
    if data.start and data.end and data.end < data.start:
        raise ActionPlanError(_("Tanggal selesai tidak boleh sebelum tanggal mulai."))
    opd = None
    if data.opd_id is not None:
        opd = PerangkatDaerah.objects.filter(pemda=pemda, pk=data.opd_id).first()
        if opd is None:
            raise ActionPlanError(_("Perangkat daerah tidak dikenal di pemda ini."))
    jpd = None
    if data.jpd_code:
        jpd = Jpd.objects.filter(code=data.jpd_code, level=pemda.level).first()
        if jpd is None:
            raise ActionPlanError(_("JPD tidak dikenal untuk pemda ini."))
    return {
        "activity": activity,
        "opd": opd,
        "jpd": jpd,
        "start": data.start,
        "end": data.end,
        "indicator": _clean_text(data.indicator),
        "status": data.status,
        "note": _clean_text(data.note),
    }


def _audit_data(item: ActionItem) -> dict[str, object]:
    return {
        "tahun": item.year,
        "kegiatan": item.activity[:200],
        "opd": item.opd_id,
        "jpd": item.jpd_id,
        "mulai": item.start.isoformat() if item.start else None,
        "selesai": item.end.isoformat() if item.end else None,
        "status": item.status,
        "urutan": item.order,
    }


@transaction.atomic
def action_item_create(
    *, pemda: Pemda, year: int, data: ActionData, actor: User | None
) -> ActionItem:
    """Add an activity at the end of the year's plan."""
    fields = _validated(pemda, data)
    existing = ActionItem.objects.select_for_update().filter(pemda=pemda, year=year)
    if existing.count() >= MAX_ITEMS:
        raise ActionPlanError(
            _("Rencana aksi satu tahun paling banyak %(n)s kegiatan.") % {"n": MAX_ITEMS}
        )
    last = existing.aggregate(m=Max("order"))["m"]
    item = ActionItem.objects.create(
        pemda=pemda, year=year, order=0 if last is None else last + 1, **fields
    )
    audit_event_create(
        action="perencanaan.rencana_aksi.tambah",
        actor=actor,
        pemda=pemda.code,
        object_type="rencana_aksi",
        object_id=str(item.pk),
        data=_audit_data(item),
    )
    return item


@transaction.atomic
def action_item_update(
    *, pemda: Pemda, year: int, item_id: int, data: ActionData, actor: User | None
) -> ActionItem:
    item = ActionItem.objects.select_for_update().filter(pemda=pemda, year=year, pk=item_id).first()
    if item is None:
        raise ActionPlanError(_("Kegiatan tidak ditemukan."))
    before = _audit_data(item)
    for name, value in _validated(pemda, data).items():
        setattr(item, name, value)
    item.save()
    after = _audit_data(item)
    audit_event_create(
        action="perencanaan.rencana_aksi.ubah",
        actor=actor,
        pemda=pemda.code,
        object_type="rencana_aksi",
        object_id=str(item.pk),
        data={
            "tahun": year,
            "perubahan": [
                {"kolom": k, "lama": before[k], "baru": after[k]}
                for k in after
                if before[k] != after[k]
            ],
        },
    )
    return item


@transaction.atomic
def action_item_delete(*, pemda: Pemda, year: int, item_id: int, actor: User | None) -> None:
    item = ActionItem.objects.select_for_update().filter(pemda=pemda, year=year, pk=item_id).first()
    if item is None:
        raise ActionPlanError(_("Kegiatan tidak ditemukan."))
    audit_event_create(
        action="perencanaan.rencana_aksi.hapus",
        actor=actor,
        pemda=pemda.code,
        object_type="rencana_aksi",
        object_id=str(item.pk),
        data=_audit_data(item),
    )
    item.delete()


@transaction.atomic
def action_item_move(
    *, pemda: Pemda, year: int, item_id: int, direction: str, actor: User | None
) -> None:
    """Move an activity one place up (``naik``) or down (``turun``); the plan's order is
    renumbered 0, 1, 2, … on the way. At either end nothing moves."""
    if direction not in ("naik", "turun"):
        raise ActionPlanError(_("Arah tidak dikenal."))
    items = list(
        ActionItem.objects.select_for_update()
        .filter(pemda=pemda, year=year)
        .order_by("order", "id")
    )
    index = next((i for i, item in enumerate(items) if item.pk == item_id), None)
    if index is None:
        raise ActionPlanError(_("Kegiatan tidak ditemukan."))
    other = index - 1 if direction == "naik" else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    changed = []
    for number, item in enumerate(items):
        if item.order != number:
            item.order = number
            changed.append(item)
    ActionItem.objects.bulk_update(changed, ["order"])
    audit_event_create(
        action="perencanaan.rencana_aksi.urutkan",
        actor=actor,
        pemda=pemda.code,
        object_type="rencana_aksi",
        object_id=str(item_id),
        data={"tahun": year, "arah": direction, "urutan": [i.pk for i in items]},
    )


# ------------------------------------------------------------------------------------------------
# demo

_DEMO_PLAN: tuple[tuple[str, str, str | None, tuple[int, int], tuple[int, int], str, str], ...] = (
    # activity, OPD (by name; "" none), JPD, (start month, day), (end month, day), indicator,
    # status by the middle of the year
    (
        "Penetapan SK Tim Penerapan SPM dan pembagian tugas perangkat daerah pengampu",
        "",
        None,
        (1, 6),
        (1, 31),
        "SK Tim Penerapan SPM ditetapkan",
        ActionStatus.SELESAI,
    ),
    (
        "Pemutakhiran sasaran ibu hamil, ibu bersalin dan bayi baru lahir dari proyeksi BPS dan "
        "data puskesmas",
        "Dinas Kesehatan",
        "1.02.K01",
        (1, 15),
        (2, 28),
        "Sasaran tahunan tiga JPD kesehatan ibu dan anak ditetapkan",
        ActionStatus.SELESAI,
    ),
    (
        "Pendataan by name anak usia sekolah yang belum bersekolah",
        "Dinas Pendidikan",
        None,
        (2, 1),
        (4, 30),
        "Daftar by name per kelurahan terunggah",
        ActionStatus.BERJALAN,
    ),
    (
        "Penghitungan kebutuhan barang, jasa dan SDM setiap JPD serta biayanya dengan Standar "
        "Satuan Harga",
        "",
        None,
        (3, 1),
        (4, 30),
        "Kebutuhan dan biaya seluruh JPD terhitung",
        ActionStatus.BERJALAN,
    ),
    (
        "Pengintegrasian kebutuhan SPM ke dalam Renja perangkat daerah dan RKPD tahun berikutnya",
        "",
        None,
        (4, 1),
        (6, 30),
        "Sub-kegiatan SPM tercantum dalam RKPD",
        ActionStatus.BELUM,
    ),
    (
        "Pengadaan tablet tambah darah dan reagen pemeriksaan ibu hamil",
        "Dinas Kesehatan",
        "1.02.K01",
        (5, 1),
        (8, 31),
        "Kekurangan tablet tambah darah terpenuhi 100 %",
        ActionStatus.BELUM,
    ),
    (
        "Pelatihan kader posyandu untuk pemantauan pertumbuhan balita",
        "Dinas Kesehatan",
        "1.02.K04",
        (6, 1),
        (9, 30),
        "Setiap posyandu memiliki dua kader terlatih",
        ActionStatus.BELUM,
    ),
    (
        "Pemantauan dan evaluasi triwulanan penerapan SPM oleh Tim Penerapan SPM",
        "",
        None,
        (3, 1),
        (12, 31),
        "Empat laporan triwulan tersampaikan tepat waktu",
        ActionStatus.BERJALAN,
    ),
)


def demo_action_plan_seed(*, pemda: Pemda, year: int) -> list[ActionItem]:
    """Give a demo pemda a plausible action plan for ``year`` (eight activities), replacing
    what its plan held: the same rows every run. A JPD or OPD the pemda lacks is left blank."""
    jpd_codes = {j.code for j in jpd_choices(pemda)}
    opds = {o.name: o for o in opd_choices(pemda)}
    with transaction.atomic():
        ActionItem.objects.filter(pemda=pemda, year=year).delete()
        for activity, opd_name, jpd_code, start, end, indicator, status in _DEMO_PLAN:
            opd = opds.get(opd_name)
            action_item_create(
                pemda=pemda,
                year=year,
                data=ActionData(
                    activity=activity,
                    opd_id=opd.pk if opd else None,
                    jpd_code=jpd_code if jpd_code in jpd_codes else None,
                    start=dt.date(year, *start),
                    end=dt.date(year, *end),
                    indicator=indicator,
                    status=status,
                    note="",
                ),
                actor=None,
            )
    return action_items(pemda, year)
