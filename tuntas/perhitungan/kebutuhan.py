"""Needs and their cost (SPM stage 2), from the catalog's rules: pure functions of the standard
library, like the rest of the engine. Quantities are whole units, always rounded **up** (a
share of a tablet is a tablet to buy); money is exact ``Decimal`` in whole Rupiah.

A rule (``NeedRule``) is what the catalog says for one mutu item:

* ``penerima``: ``jumlah`` per recipient of the target — 90 iron tablets per pregnant woman
  (``90``), one test each (``1``), a share of them (``0.15``: glucoprotein urine for 15 %), one
  per ten (``0.1``: Td, target ÷ 10), three forms per newborn (``3``);
* ``unit_layanan``: ``jumlah`` per service unit of the kind ``unit`` the pemda counts (KIE media
  ≥ 2 per puskesmas);
* ``tetap``: a fixed amount for the pemda, whatever the target;
* ``sesuai_kebutuhan``: no quantity rule ("as needed"): the region states the need itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

BASES = ("penerima", "unit_layanan", "tetap", "sesuai_kebutuhan")
ONE_RUPIAH = Decimal(1)


class NeedRuleError(ValueError):
    """A rule that cannot be applied as written (an unknown basis, a negative amount)."""


@dataclass(frozen=True)
class NeedRule:
    basis: str
    quantity: Fraction | None = None  # per recipient, per unit, or the fixed amount
    unit: str | None = None  # the service-unit kind, for ``unit_layanan``

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise NeedRuleError(f"dasar kebutuhan tidak dikenal: {self.basis!r}")
        if self.basis == "sesuai_kebutuhan":
            if self.quantity is not None:
                raise NeedRuleError("'sesuai_kebutuhan' tidak memakai jumlah")
        elif self.quantity is None or self.quantity < 0:
            raise NeedRuleError(f"dasar {self.basis} memerlukan jumlah tidak negatif")
        if self.basis == "unit_layanan" and not self.unit:
            raise NeedRuleError("dasar unit_layanan memerlukan jenis unit layanan")


def ceil_whole(value: Fraction) -> int:
    """The smallest whole number not below ``value`` (exact: no float)."""
    return -((-value.numerator) // value.denominator)


def need_required(rule: NeedRule, *, sasaran: int | None, units: int | None = None) -> int | None:
    """The quantity required, in whole units rounded up; ``None`` when it cannot be computed
    yet (no target for a per-recipient rule, no count of service units for a per-unit one) or
    the rule gives no quantity (``sesuai_kebutuhan``: the region states it)."""
    if rule.basis == "sesuai_kebutuhan":
        return None
    assert rule.quantity is not None
    if rule.basis == "penerima":
        if sasaran is None:
            return None
        if sasaran < 0:
            raise NeedRuleError("sasaran tidak boleh negatif")
        return ceil_whole(rule.quantity * sasaran)
    if rule.basis == "unit_layanan":
        if units is None:
            return None
        if units < 0:
            raise NeedRuleError("jumlah unit layanan tidak boleh negatif")
        return ceil_whole(rule.quantity * units)
    return ceil_whole(rule.quantity)  # tetap


def need_gap(required: int | None, available: int | None) -> int | None:
    """What is still missing: ``max(required − available, 0)`` (nothing available counts as 0);
    ``None`` while the requirement is unknown."""
    if required is None:
        return None
    return max(required - (available or 0), 0)


def rupiah_whole(value: Decimal | Fraction) -> Decimal:
    """Whole Rupiah, half up (a costed line is budgeted in whole Rupiah)."""
    exact = (
        value
        if isinstance(value, Decimal)
        else Decimal(value.numerator) / Decimal(value.denominator)
    )
    return exact.quantize(ONE_RUPIAH, rounding=ROUND_HALF_UP)


def need_cost(quantity: int | None, unit_price: Decimal | None) -> Decimal | None:
    """The cost of a quantity at a unit price, exact, in whole Rupiah; ``None`` without a price
    or a quantity."""
    if quantity is None or unit_price is None:
        return None
    if unit_price < 0:
        raise NeedRuleError("harga satuan tidak boleh negatif")
    return rupiah_whole(unit_price * quantity)


def activity_cost(volumes: Iterable[Fraction | int], unit_price: Decimal) -> Decimal:
    """Activity costing as the technical standards' tables do it: the product of the volumes
    (people × days × times …) × the unit price, in whole Rupiah."""
    volume = Fraction(1)
    for v in volumes:
        if v < 0:
            raise NeedRuleError("volume tidak boleh negatif")
        volume *= Fraction(v)
    if unit_price < 0:
        raise NeedRuleError("harga satuan tidak boleh negatif")
    return rupiah_whole(Fraction(unit_price) * volume)


def money_total(amounts: Iterable[Decimal | None]) -> Decimal:
    """The sum of the amounts that are known (exact)."""
    return sum((a for a in amounts if a is not None), Decimal(0))


# --- planned budget against costed need (stage 3) -------------------------------------------
#
# The budget lines of a JPD are compared with the cost of its gap (``need_cost`` summed, with
# the costed activities). The shortfall is what the budget leaves uncovered, in Rupiah. The
# recipients left unserved follow from it under one stated assumption: a budget below the
# costed need buys the same share of every costed item (nothing says which item a line pays
# for). The recipients the gap stands for ("short") are counted from the per-recipient items:
# an item with ``jumlah`` per recipient and a gap of ``g`` leaves ``g ÷ jumlah`` recipients
# (rounded up) without it; a recipient is served only when every item is there, so the largest
# count, at most the target. Where no costed item is per recipient (only per-unit or fixed
# items, or activities) the whole target shares the provision. The unserved are that count
# times the unfunded share of the cost, ``short × shortfall ÷ need_cost``, rounded **up** (a
# recipient half funded is not served).


def budget_shortfall(need_cost: Decimal, budget: Decimal) -> Decimal:
    """What the budget leaves uncovered of the costed need: ``max(need − budget, 0)``, exact."""
    if need_cost < 0 or budget < 0:
        raise NeedRuleError("biaya dan anggaran tidak boleh negatif")
    return max(need_cost - budget, Decimal(0))


def recipients_short(
    rows: Iterable[tuple[NeedRule | None, int | None]], sasaran: int | None
) -> int | None:
    """How many recipients the costed gap leaves without the full standard: over the items
    given as ``(rule, gap)``, the largest ``gap ÷ jumlah`` (rounded up) of a per-recipient rule
    with a positive ``jumlah``, at most ``sasaran``; ``None`` when no item is per recipient (the
    whole target then shares the provision) or without a target."""
    if sasaran is None:
        return None
    counts = [
        min(ceil_whole(Fraction(gap) / rule.quantity), sasaran)
        for rule, gap in rows
        if rule is not None
        and rule.basis == "penerima"
        and rule.quantity is not None
        and rule.quantity > 0
        and gap is not None
    ]
    return max(counts) if counts else None


def unserved_recipients(
    *, sasaran: int | None, short: int | None, need_cost: Decimal, budget: Decimal
) -> int | None:
    """Recipients a budget below the costed need leaves unserved: ``short`` (the whole
    ``sasaran`` when ``None``) × shortfall ÷ need cost, rounded up; 0 when the budget covers the
    need; ``None`` without a target."""
    if sasaran is None:
        return None
    if sasaran < 0:
        raise NeedRuleError("sasaran tidak boleh negatif")
    gap = budget_shortfall(need_cost, budget)
    if gap == 0 or need_cost == 0:
        return 0
    base = sasaran if short is None else min(short, sasaran)
    return ceil_whole(Fraction(base) * Fraction(gap) / Fraction(need_cost))
