from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext, gettext_lazy, ngettext

from tuntas.core.errors import DomainError
from tuntas.core.services import audit_event_create
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import JpdAssignment, Pemda, PerangkatDaerah
from tuntas.wilayah.models import Level, Region
from tuntas.wilayah.selectors import normalize_region_code

COORDINATOR = {
    "kabkota": "Bagian Tata Pemerintahan Setda",
    "provinsi": "Biro Tata Pemerintahan Setda",
}
_KEEP_UPPER = {"DKI", "DI", "II"}


def display_name(region: Region) -> str:
    """``KOTA BEKASI`` → ``Kota Bekasi``; ``JAWA BARAT`` → ``Provinsi Jawa Barat``."""
    words = [w if w in _KEEP_UPPER else w.capitalize() for w in region.name.split()]
    name = " ".join(words)
    return f"Provinsi {name}" if region.level == Level.PROVINSI else name


@transaction.atomic
def pemda_register(*, code: str, actor: User | None = None, is_demo: bool = False) -> Pemda:
    """Register a province or kab/kota as a pemda with its default OPD and pengampu assignments.

    Idempotent: what exists is kept (an admin's changes are not undone); what is missing is added.
    """
    code = normalize_region_code(code)
    region = Region.objects.filter(code=code, level__in=[Level.PROVINSI, Level.KABKOTA]).first()
    if region is None:
        raise DomainError(
            gettext(
                "Kode wilayah %(code)s bukan provinsi atau kabupaten/kota yang dikenal "
                "(jalankan `tuntas init` bila data wilayah belum dimuat)."
            )
            % {"code": code}
        )
    level = "provinsi" if region.level == Level.PROVINSI else "kabkota"
    pemda, created = Pemda.objects.get_or_create(
        code=region.code,
        defaults={
            "region": region,
            "name": display_name(region),
            "level": level,
            "province_code": region.code[:2],
            "is_demo": is_demo,
        },
    )
    jpd_list = list(Jpd.objects.filter(level=level).order_by("code"))
    if not jpd_list:
        raise DomainError(
            gettext("Katalog SPM belum dimuat; jalankan `tuntas init` terlebih dahulu.")
        )
    coordinator, _ = PerangkatDaerah.objects.get_or_create(
        pemda=pemda, name=COORDINATOR[level], defaults={"is_coordinator": True}
    )
    opd_by_name = {o.name: o for o in PerangkatDaerah.objects.filter(pemda=pemda)}
    for name in sorted({j.pengampu for j in jpd_list}):
        if name not in opd_by_name:
            opd_by_name[name] = PerangkatDaerah.objects.create(pemda=pemda, name=name)
    assigned = set(JpdAssignment.objects.filter(pemda=pemda).values_list("jpd_id", flat=True))
    new = [
        JpdAssignment(pemda=pemda, jpd=j, opd=opd_by_name[j.pengampu])
        for j in jpd_list
        if j.code not in assigned
    ]
    JpdAssignment.objects.bulk_create(new)
    if created or new:
        audit_event_create(
            action="pemda.daftar",
            actor=actor,
            object_type="pemda",
            object_id=pemda.code,
            data={"baru": created, "penugasan_baru": len(new), "koordinator": coordinator.name},
        )
    return pemda


@transaction.atomic
def assignment_set(*, pemda: Pemda, jpd: Jpd, opd: PerangkatDaerah, actor: User) -> JpdAssignment:
    if opd.pemda_id != pemda.code:
        raise DomainError(gettext("Perangkat daerah bukan milik pemerintah daerah ini."))
    if jpd.level != pemda.level:
        raise DomainError(gettext("JPD tidak sesuai tingkat pemerintah daerah ini."))
    assignment, _ = JpdAssignment.objects.update_or_create(
        pemda=pemda, jpd=jpd, defaults={"opd": opd}
    )
    audit_event_create(
        action="pengampu.ubah", actor=actor, object_type="pemda", object_id=pemda.code,
        data={"jpd": jpd.code, "opd": opd.name},
    )  # fmt: skip
    return assignment


# --- Perangkat daerah (OPD) administration by the pemda's admin ---------------------------------

OPD_NAME_LABEL = gettext_lazy("Nama perangkat daerah")  # str() it where used: lazy
OPD_NAME_MAX = 160


class FieldInvalid(DomainError):
    """A value typed by the user is refused; ``field`` is the form field it belongs to and the
    message (``str(exc)``) starts with the field's label, both in the active language."""

    def __init__(self, *, field: str, label: str, message: str) -> None:
        super().__init__(f"{label}: {message}")
        self.field = field
        self.message = message


def _opd_name_clean(*, pemda: Pemda, name: str, exclude_id: int | None = None) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise FieldInvalid(field="name", label=str(OPD_NAME_LABEL), message=gettext("wajib diisi."))
    if len(cleaned) > OPD_NAME_MAX:
        raise FieldInvalid(
            field="name",
            label=str(OPD_NAME_LABEL),
            message=gettext("paling panjang %(max)s karakter.") % {"max": OPD_NAME_MAX},
        )
    same = PerangkatDaerah.objects.filter(pemda=pemda, name__iexact=cleaned)
    if exclude_id is not None:
        same = same.exclude(pk=exclude_id)
    if same.exists():
        raise FieldInvalid(
            field="name",
            label=str(OPD_NAME_LABEL),
            message=gettext("“%(name)s” sudah ada di %(pemda)s.")
            % {"name": cleaned, "pemda": pemda.name},
        )
    return cleaned


def _opd_save(opd: PerangkatDaerah) -> None:
    """Save, turning a lost race on the unique name into the same message as the check."""
    try:
        with transaction.atomic():
            opd.save()
    except IntegrityError as exc:
        raise FieldInvalid(
            field="name",
            label=str(OPD_NAME_LABEL),
            message=gettext("“%(name)s” sudah ada.") % {"name": opd.name},
        ) from exc


@transaction.atomic
def opd_create(
    *, pemda: Pemda, name: str, is_coordinator: bool = False, actor: User
) -> PerangkatDaerah:
    opd = PerangkatDaerah(
        pemda=pemda,
        name=_opd_name_clean(pemda=pemda, name=name),
        is_coordinator=is_coordinator,
    )
    _opd_save(opd)
    audit_event_create(
        action="opd.tambah",
        actor=actor,
        object_type="opd",
        object_id=str(opd.pk),
        data={"pemda": pemda.code, "nama": opd.name, "koordinator": is_coordinator},
    )
    return opd


@transaction.atomic
def opd_rename(*, opd: PerangkatDaerah, name: str, actor: User) -> PerangkatDaerah:
    opd = PerangkatDaerah.objects.select_for_update().select_related("pemda").get(pk=opd.pk)
    cleaned = _opd_name_clean(pemda=opd.pemda, name=name, exclude_id=opd.pk)
    if cleaned == opd.name:
        return opd
    old = opd.name
    opd.name = cleaned
    _opd_save(opd)
    audit_event_create(
        action="opd.ubah_nama",
        actor=actor,
        object_type="opd",
        object_id=str(opd.pk),
        data={"pemda": opd.pemda_id, "lama": old, "baru": cleaned},
    )
    return opd


@transaction.atomic
def opd_coordinator_set(
    *, opd: PerangkatDaerah, is_coordinator: bool, actor: User
) -> PerangkatDaerah:
    """Mark (or unmark) the OPD as the pemda's SPM coordinator (Bagian Tata Pemerintahan)."""
    opd = PerangkatDaerah.objects.select_for_update().get(pk=opd.pk)
    if opd.is_coordinator == is_coordinator:
        return opd
    opd.is_coordinator = is_coordinator
    opd.save(update_fields=["is_coordinator"])
    audit_event_create(
        action="opd.koordinator",
        actor=actor,
        object_type="opd",
        object_id=str(opd.pk),
        data={"pemda": opd.pemda_id, "nama": opd.name, "koordinator": is_coordinator},
    )
    return opd


@transaction.atomic
def opd_delete(*, opd: PerangkatDaerah, actor: User) -> None:
    """Delete an OPD nobody depends on: no JPD assigned to it and no user membership in it."""
    opd = PerangkatDaerah.objects.select_for_update().get(pk=opd.pk)
    assignments = opd.assignments.count()
    members = opd.memberships.count()
    if assignments or members:
        # Translators: "3 JPD", put into "… masih menjadi pengampu %(jpd)s" below.
        jpd_text = ngettext("%(count)s JPD", "%(count)s JPD", assignments)
        members_text = ngettext(
            # Translators: "3 keanggotaan pengguna" (user memberships), put into "… masih
            # memiliki %(memberships)s" below.
            "%(count)s keanggotaan pengguna",
            "%(count)s keanggotaan pengguna",
            members,
        )
        values = {
            "opd": opd.name,
            "jpd": jpd_text % {"count": assignments},
            "memberships": members_text % {"count": members},
        }
        if assignments and members:
            message = gettext(
                "%(opd)s tidak dapat dihapus: masih menjadi pengampu %(jpd)s dan masih memiliki "
                "%(memberships)s. Pindahkan JPD-nya ke perangkat daerah lain di halaman Pengampu "
                "JPD lalu cabut atau pindahkan keanggotaan penggunanya di halaman Pengguna "
                "terlebih dahulu."
            )
        elif assignments:
            message = gettext(
                "%(opd)s tidak dapat dihapus: masih menjadi pengampu %(jpd)s. Pindahkan JPD-nya "
                "ke perangkat daerah lain di halaman Pengampu JPD terlebih dahulu."
            )
        else:
            message = gettext(
                "%(opd)s tidak dapat dihapus: masih memiliki %(memberships)s. Cabut atau "
                "pindahkan keanggotaan penggunanya di halaman Pengguna terlebih dahulu."
            )
        raise DomainError(message % values)
    name, pemda_code, pk = opd.name, opd.pemda_id, opd.pk
    try:
        with transaction.atomic():
            opd.delete()
    except (ProtectedError, RestrictedError, IntegrityError) as exc:
        raise DomainError(
            gettext("%(opd)s tidak dapat dihapus: masih dirujuk oleh data lain.") % {"opd": name}
        ) from exc
    audit_event_create(
        action="opd.hapus",
        actor=actor,
        object_type="opd",
        object_id=str(pk),
        data={"pemda": pemda_code, "nama": name},
    )
