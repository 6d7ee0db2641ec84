"""URL path converters. ``num``: a whole number that any database column of Tuntas can be
compared with — at most 18 digits (below 2⁶³, the largest SQLite and PostgreSQL integer), so a
longer number in an address is no route (404) instead of an overflow in the database driver
(SQLite's raises ``OverflowError``: a 500). Used for every numeric URL parameter (ids, years,
quarters) instead of Django's unbounded ``int``."""

from __future__ import annotations


class BoundedIntConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(int(value))
