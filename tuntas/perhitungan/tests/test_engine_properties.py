"""Property tests for the engine: bounds, monotonicity, truncation, band edges."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from tuntas.perhitungan.engine import (
    JpdInput,
    capaian_mutu,
    capaian_penerima,
    hitung,
    truncate2,
)
from tuntas.perhitungan.tests.test_engine import BANDS, METHOD

counts = st.integers(min_value=0, max_value=10**9)
positive = st.integers(min_value=1, max_value=10**9)


@given(counts, positive)
def test_capaian_penerima_is_between_0_and_100(terlayani, sasaran):
    value, warnings = capaian_penerima(terlayani, sasaran)
    assert value is not None
    assert 0 <= value <= 100
    assert bool(warnings) == (terlayani > sasaran)


@given(counts, positive)
def test_capaian_penerima_grows_with_served(terlayani, sasaran):
    assert capaian_penerima(terlayani + 1, sasaran)[0] >= capaian_penerima(terlayani, sasaran)[0]


@given(counts, positive)
def test_capaian_penerima_shrinks_with_target(terlayani, sasaran):
    assert capaian_penerima(terlayani, sasaran + 1)[0] <= capaian_penerima(terlayani, sasaran)[0]


@given(counts, counts)
def test_capaian_mutu_bounds_and_monotonic(tersedia, dibutuhkan):
    value, _ = capaian_mutu(tersedia, dibutuhkan)
    assert 0 <= value <= 100
    assert capaian_mutu(tersedia + 1, dibutuhkan)[0] >= value


@given(counts, positive, counts, counts)
def test_nilai_lies_between_its_parts(terlayani, sasaran, tersedia, dibutuhkan):
    result = hitung(
        [JpdInput("1.02.K01", "1.02", sasaran, terlayani, tersedia, dibutuhkan)], METHOD
    )
    jpd = result.jpd[0]
    assert (
        jpd.capaian_penerima is not None and jpd.capaian_mutu is not None and jpd.nilai is not None
    )
    low, high = sorted([jpd.capaian_penerima, jpd.capaian_mutu])
    assert low <= jpd.nilai <= high
    assert jpd.kategori == METHOD.category(jpd.nilai)


@given(st.fractions(min_value=0, max_value=1000))
def test_truncate2_never_rounds_up(value):
    shown = truncate2(value)
    assert shown.as_tuple().exponent == -2
    assert Fraction(shown) <= value < Fraction(shown) + Fraction(1, 100)


@given(st.sampled_from([b for b in BANDS if b.minimum > 0]), st.integers(1, 10**12))
def test_band_edges(band, denominator):
    index = BANDS.index(band)
    assert METHOD.category(band.minimum) == band
    just_below = band.minimum - Fraction(1, denominator)
    assume(just_below >= 0)
    assert METHOD.category(just_below) == BANDS[index + 1]


@given(
    st.lists(
        st.tuples(st.sampled_from(["1.01", "1.02", "1.03"]), counts, positive),
        min_size=1,
        max_size=12,
    )
)
def test_region_value_is_the_mean_of_urusan_values(rows):
    items = [
        JpdInput(f"{u}.K{i:02d}", u, sasaran, min(t, sasaran), 0, 0)
        for i, (u, t, sasaran) in enumerate(rows, start=1)
    ]
    result = hitung(items, METHOD)
    values = [u.nilai for u in result.urusan if u.nilai is not None]
    assert result.daerah.nilai == sum(values, Fraction(0)) / len(values)
    for u in result.urusan:
        mine = [r.nilai for r in result.jpd if r.urusan == u.kode and r.nilai is not None]
        assert u.nilai == sum(mine, Fraction(0)) / len(mine)


def test_truncate_examples():
    assert truncate2(Fraction(72857, 1000)) == Decimal("72.85")
    assert truncate2(Fraction(100)) == Decimal("100.00")
    assert truncate2(Fraction(1, 3) * 100) == Decimal("33.33")
    assert truncate2(Fraction(2, 3) * 100) == Decimal("66.66")
