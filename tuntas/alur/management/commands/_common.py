from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError


def date_arg(value: str, name: str) -> dt.date:
    """An ISO date from the command line, or an Indonesian error naming the option."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"{name} harus tanggal berformat TTTT-BB-HH (mis. 2025-07-20), bukan {value!r}."
        ) from exc
