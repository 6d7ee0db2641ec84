"""An entry's values by field key — ``terlayani``, ``pagu``, ``mutu:<kode>:tersedia``, ``sasaran``
... — as the audit compares them, the workflow snapshots them and returns point at them, with
the label each key is shown with."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext

from tuntas.katalog.models import MutuItem
from tuntas.pendataan.models import MutuEntry, QuarterEntry


def entry_key(pemda_code: str, year: int, quarter: int, jpd_code: str) -> str:
    """How the audit names one JPD-quarter: ``32.75/2026/TW1/1.01``."""
    return f"{pemda_code}/{year}/TW{quarter}/{jpd_code}"


def plain(value: object) -> object:
    """A stored value as the audit keeps it (JSON): Rupiah as a string of its exact amount."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return value


def entry_values(
    entry: QuarterEntry, items: list[MutuItem], mutu: dict[int, MutuEntry]
) -> dict[str, object]:
    """Every value of an entry by its field key (``terlayani``, ``pagu``, ``mutu:<kode>:tersedia``
    ...): what the audit compares, the workflow snapshots and returns point at."""
    values: dict[str, object] = {name: plain(getattr(entry, name)) for name in ENTRY_FIELDS}
    for item in items:
        row = mutu.get(item.pk)
        values[f"mutu:{item.code}:dibutuhkan"] = row.dibutuhkan if row else None
        values[f"mutu:{item.code}:tersedia"] = row.tersedia if row else None
    return values


# the entry's own values, in the order the form shows them
ENTRY_FIELDS = (
    "terlayani",
    "over_target_reason",
    "pagu",
    "realisasi",
    "over_budget_reason",
    "permasalahan",
    "solusi",
)


def value_changes(before: dict[str, object], after: dict[str, object]) -> list[dict[str, object]]:
    """``[{"kolom", "lama", "baru"}]`` for each value that differs (blank text counts as none)."""
    return [
        {"kolom": key, "lama": before.get(key), "baru": new}
        for key, new in after.items()
        if values_differ(before.get(key), new)
    ]


def values_differ(old: object, new: object) -> bool:
    """Whether a value changed: blank text and no value are the same, 0 is a value."""
    return (old or None) != (new or None) or (old == 0) != (new == 0)


def field_labels(items: list[MutuItem]) -> dict[str, str]:
    """Every value a return may point at, with its Indonesian label, in the form's order."""
    labels = {
        "sasaran": gettext("Sasaran (tahunan)"),
        "terlayani": gettext("Terlayani"),
        "over_target_reason": gettext("Penjelasan melebihi sasaran"),
    }
    for item in items:
        labels[f"mutu:{item.code}:dibutuhkan"] = gettext("Mutu %(kode)s %(nama)s: dibutuhkan") % {
            "kode": item.code,
            "nama": item.name,
        }
        labels[f"mutu:{item.code}:tersedia"] = gettext("Mutu %(kode)s %(nama)s: tersedia") % {
            "kode": item.code,
            "nama": item.name,
        }
    labels.update(
        {
            "pagu": gettext("Pagu (Rp)"),
            "realisasi": gettext("Realisasi (Rp)"),
            "over_budget_reason": gettext("Penjelasan realisasi melebihi pagu"),
            "permasalahan": gettext("Permasalahan"),
            "solusi": gettext("Solusi"),
        }
    )
    return labels
