"""The error bodies every API endpoint answers with, declared once so that the OpenAPI schema
documents exactly what is sent (``tuntas/api/api.py`` turns django-ninja's errors into these)."""

from __future__ import annotations

from ninja import Schema


class Galat(Schema):
    """401, 404 and other refusals: one Indonesian sentence."""

    detail: str


class GalatRinci(Schema):
    lokasi: list[str | int]
    pesan: str


class GalatValidasi(Schema):
    """422: a parameter that cannot be read (wrong type, out of range, missing)."""

    detail: str
    galat: list[GalatRinci]


class GalatKonflik(Schema):
    """409: the write was refused as things stand now (saved by someone else since it was
    read, or locked); nothing was stored. ``versi``: the version stored now."""

    detail: str
    versi: int
