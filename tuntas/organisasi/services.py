from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

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
            f"Kode wilayah {code} bukan provinsi atau kabupaten/kota yang dikenal "
            "(jalankan `tuntas init` bila data wilayah belum dimuat)."
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
        raise DomainError("Katalog SPM belum dimuat; jalankan `tuntas init` terlebih dahulu.")
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
        raise DomainError("Perangkat daerah bukan milik pemerintah daerah ini.")
    if jpd.level != pemda.level:
        raise DomainError("JPD tidak sesuai tingkat pemerintah daerah ini.")
    assignment, _ = JpdAssignment.objects.update_or_create(
        pemda=pemda, jpd=jpd, defaults={"opd": opd}
    )
    audit_event_create(
        action="pengampu.ubah", actor=actor, object_type="pemda", object_id=pemda.code,
        data={"jpd": jpd.code, "opd": opd.name},
    )  # fmt: skip
    return assignment
