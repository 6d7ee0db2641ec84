from __future__ import annotations

from django.db.models import QuerySet

from tuntas.wilayah.models import Level, Region
from tuntas.wilayah.zona import Zone, zone_of


def region_get(*, code: str) -> Region | None:
    """A region by its code, dotted (``32.75``) or compact (``3275``)."""
    return Region.objects.filter(code=normalize_region_code(code)).first()


def region_children(*, parent: Region) -> QuerySet[Region]:
    return Region.objects.filter(parent=parent).order_by("code")


def regions_at_level(*, level: Level) -> QuerySet[Region]:
    return Region.objects.filter(level=level).order_by("code")


def zona_waktu(kode_provinsi: str | None) -> Zone:
    """The time zone of a province (WIB, WITA or WIT, from ``data/zona_waktu.json``): its code
    or any code below it (``73``, ``73.71``, ``73.71.01``); WIB for none or an unknown one.
    ``.abbreviation`` is what Indonesians write after a time, ``.info`` the ``ZoneInfo``."""
    return zone_of(kode_provinsi)


def normalize_region_code(code: str) -> str:
    """``3275011001`` → ``32.75.01.1001``; dotted codes are returned stripped."""
    code = code.strip()
    if "." in code or not code.isdigit():
        return code
    parts = [code[:2], code[2:4], code[4:6], code[6:10]]
    return ".".join(p for p in parts if p)


def region_names(*, codes: list[str]) -> dict[str, str]:
    """code → name of the given regions (one query; none for no codes)."""
    if not codes:
        return {}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def regions_by_code(*, codes: list[str]) -> dict[str, Region]:
    """The given regions by code (one query)."""
    return {r.code: r for r in Region.objects.filter(code__in=codes)}
