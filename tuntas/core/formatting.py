"""Numbers, percentages, money and dates the way Indonesian officials write them
(1.234.567; 72,85 %; Rp 1.250.000; 31 Desember 2025), through Babel; English when English is the
active language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
from django.utils import translation

LOCALES = {"id": "id_ID", "en": "en_US"}


def _locale() -> str:
    return LOCALES.get((translation.get_language() or "id")[:2], "id_ID")


def format_int_id(value: int) -> str:
    """``1234567`` → ``1.234.567`` (Indonesian, whatever the user's language: for files and the
    calculator's output)."""
    return str(format_decimal(value, format="#,##0", locale="id_ID"))


def format_decimal_id(value: Decimal, places: int = 2) -> str:
    """``Decimal('1234.5')`` → ``1.234,50`` (Indonesian): exactly ``places`` decimals. The value
    is expected at that precision already (shown by its method); it is not rounded further."""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return str(format_decimal(value, format=pattern, locale="id_ID"))


def percent_cell(value: Decimal) -> str:
    """A percentage for a CSV cell as Indonesian Excel reads it: decimal comma, no grouping,
    exactly the places of the value (``Decimal('84.41')`` → ``84,41``)."""
    places = max(0, -int(value.as_tuple().exponent))
    pattern = "0" + ("." + "0" * places if places else "")
    return str(format_decimal(value, format=pattern, locale="id_ID"))


def angka(value: int | Decimal | float | None) -> str:
    if value is None or value == "":
        return "—"
    return str(format_decimal(value, locale=_locale(), decimal_quantization=False))


def persen(value: Decimal | float | None) -> str:
    """A ``Decimal`` with exactly its own places (a value already shown at its method's precision,
    ``perhitungan.engine.Method.show``: ``Decimal('97.935')`` → ``97,935 %``, ``Decimal('74.3')``
    → ``74,3 %``); other numbers with two decimals."""
    if value is None or value == "":
        return "—"
    number = value if isinstance(value, Decimal) else Decimal(str(value)).quantize(Decimal("0.01"))
    places = max(0, -int(number.as_tuple().exponent))
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return str(format_decimal(number, format=pattern, locale=_locale())) + " %"


def rupiah(value: Decimal | int | None) -> str:
    if value is None or value == "":
        return "—"
    return "Rp " + str(format_decimal(Decimal(value), format="#,##0", locale=_locale()))


def tanggal(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(format_date(value, format="d MMMM y", locale=_locale()))
