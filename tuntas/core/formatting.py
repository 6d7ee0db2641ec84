"""Numbers, percentages, money, dates and times the way Indonesian officials write them
(1.234.567; 72,85 %; Rp 1.250.000; 31 Desember 2025; 5 Desember 2026 06.11 WIB), through Babel;
English when English is the active language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
from django.utils import timezone, translation

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
    if isinstance(value, dt.datetime):  # the day in the active (the pemda's) zone, not in UTC
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return str(format_date(value, format="d MMMM y", locale=_locale()))


# IANA zone name → the abbreviation Indonesians use (WIB, WITA, WIT); registered at start-up by
# tuntas.wilayah from its data file (core imports no app).
_ZONE_ABBREVIATIONS: dict[str, str] = {}


def zone_abbreviations_register(names: dict[str, str]) -> None:
    _ZONE_ABBREVIATIONS.update(names)


def waktu(
    value: dt.datetime | None, zone: dt.tzinfo | None = None, *, seconds: bool = False
) -> str:
    """A moment in the pemda's time zone with its abbreviation: ``5 Desember 2026 06.11 WIB``.
    ``zone``: the zone to show it in (files); by default the active one (pages: set per request
    from the pemda in view). Stored times are UTC; a naive value is taken as UTC."""
    if value is None:
        return "—"
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    tz = zone or timezone.get_current_timezone()
    local = value.astimezone(tz)
    name = getattr(tz, "key", None) or str(tz)
    abbreviation = _ZONE_ABBREVIATIONS.get(name) or local.strftime("UTC%z")
    clock = f"{local:%H.%M.%S}" if seconds else f"{local:%H.%M}"
    day = format_date(local.date(), format="d MMMM y", locale=_locale())
    return f"{day} {clock} {abbreviation}"
