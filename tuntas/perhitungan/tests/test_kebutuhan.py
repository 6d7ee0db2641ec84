"""The need rules of the engine: whole units rounded up, exact money."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from tuntas.perhitungan.kebutuhan import (
    NeedRule,
    NeedRuleError,
    activity_cost,
    ceil_whole,
    money_total,
    need_cost,
    need_gap,
    need_required,
)


def test_per_recipient_rounds_up_to_whole_units():
    assert need_required(NeedRule("penerima", Fraction(90)), sasaran=1234) == 111060
    assert need_required(NeedRule("penerima", Fraction("0.15")), sasaran=101) == 16  # 15.15
    assert need_required(NeedRule("penerima", Fraction("0.15")), sasaran=100) == 15  # exact
    assert need_required(NeedRule("penerima", Fraction("0.1")), sasaran=1) == 1
    assert need_required(NeedRule("penerima", Fraction("0.1")), sasaran=0) == 0
    assert need_required(NeedRule("penerima", Fraction(90)), sasaran=None) is None


def test_per_service_unit_fixed_and_as_needed():
    kie = NeedRule("unit_layanan", Fraction(2), "puskesmas")
    assert need_required(kie, sasaran=5000, units=7) == 14
    assert need_required(kie, sasaran=5000, units=None) is None  # units not counted yet
    assert need_required(NeedRule("tetap", Fraction("2.5")), sasaran=None) == 3
    assert need_required(NeedRule("sesuai_kebutuhan"), sasaran=10) is None


def test_bad_rules_are_refused():
    for args in (("per_kapita", Fraction(1)), ("penerima", None), ("penerima", Fraction(-1)),
                 ("unit_layanan", Fraction(1)), ("sesuai_kebutuhan", Fraction(1))):  # fmt: skip
        with pytest.raises(NeedRuleError):
            NeedRule(*args)
    with pytest.raises(NeedRuleError):
        need_required(NeedRule("penerima", Fraction(1)), sasaran=-5)


def test_gap_and_cost_are_exact():
    assert need_gap(100, 30) == 70
    assert need_gap(100, 130) == 0
    assert need_gap(100, None) == 100
    assert need_gap(None, 5) is None
    assert need_cost(70, Decimal("12500")) == Decimal("875000")
    assert need_cost(70, None) is None
    assert need_cost(3, Decimal("0.5")) == Decimal("2")  # 1.5 → half up
    # 10^15 tablets at Rp 999.999.999: exact, no float
    assert need_cost(10**15, Decimal("999999999")) == Decimal("999999999000000000000000")
    assert ceil_whole(Fraction(-3, 2)) == -1


def test_activity_costing_multiplies_volumes_then_price():
    # home visits: 2 officers × 3 days × 4 times × Rp 150.000
    assert activity_cost([2, 3, 4], Decimal("150000")) == Decimal("3600000")
    assert activity_cost([Fraction("0.5")], Decimal("3")) == Decimal("2")
    with pytest.raises(NeedRuleError):
        activity_cost([-1], Decimal("1"))
    assert money_total([Decimal("1"), None, Decimal("2")]) == Decimal("3")
