from __future__ import annotations

from typing import Any

from django import template

from tuntas.core import formatting

register = template.Library()

register.filter("angka", formatting.angka)
register.filter("persen", formatting.persen)
register.filter("rupiah", formatting.rupiah)
register.filter("tanggal", formatting.tanggal)


@register.filter
def waktu(value: Any, option: str = "") -> str:
    """``{{ entry.updated_at|waktu }}`` → 5 Desember 2026 06.11 WIB (the pemda's zone, active for
    the request); ``|waktu:"detik"`` adds the seconds."""
    return formatting.waktu(value, seconds=option == "detik")


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
