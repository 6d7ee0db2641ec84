from __future__ import annotations

from typing import Any

from django import template

from tuntas.core import formatting

register = template.Library()

register.filter("angka", formatting.angka)
register.filter("persen", formatting.persen)
register.filter("rupiah", formatting.rupiah)
register.filter("tanggal", formatting.tanggal)

CATEGORY_NAMES = {
    "paripurna": "Tuntas Paripurna",
    "utama": "Tuntas Utama",
    "madya": "Tuntas Madya",
    "pratama": "Tuntas Pratama",
    "muda": "Tuntas Muda",
    "belum": "Belum Tuntas",
}


@register.filter
def kategori(code: str | None) -> str:
    return CATEGORY_NAMES.get(code or "", "—")


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
