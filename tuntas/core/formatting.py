"""Indonesian number formats: 1.234.567 and 72,85."""

from __future__ import annotations

from decimal import Decimal


def format_int_id(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def format_decimal_id(value: Decimal, places: int = 2) -> str:
    """``Decimal('1234.5')`` → ``1.234,50`` (the value is shown, not rounded further)."""
    text = f"{value:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
