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


@register.filter
def nama_pengguna(user: Any) -> str:
    """``{{ entry.updated_by|nama_pengguna }}``: the full name, else the username, else "—"
    (no user: the system, or an account since removed)."""
    if user is None or not hasattr(user, "get_username"):
        return "—"
    return str(user.get_full_name() or user.get_username())
