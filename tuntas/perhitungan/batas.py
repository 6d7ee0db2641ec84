"""The bounds of every number a user enters, in one place: the entry form, the Excel upload, the
calculator ``tuntas hitung`` and the API all refuse a value above these with a message (never a
database error). Standard library only, like the engine."""

from __future__ import annotations

from decimal import Decimal

# Recipients, served, mutu quantities: far above any population or stock, and inside the
# database's 64-bit integers (PositiveBigIntegerField) with room for sums.
COUNT_MAX = 10**15 - 1
# pagu / realisasi: DecimalField(max_digits=18, decimal_places=2) holds 16 integer digits.
RUPIAH_MAX = Decimal(10**16) - Decimal("0.01")
RUPIAH_WHOLE_MAX = 10**16 - 1
