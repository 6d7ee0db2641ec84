"""The scoring method as data: display precision and rounding, band tables per urusan, mutu
aggregation, and each shipped method variant on the same inputs. The worked examples of
Permenkes 4/2019 are checked at their printed precision (shared/domain/SPM-REFERENCE.md §6.4,
§9.1, §9.2)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuntas.katalog.reference import get_catalog
from tuntas.perhitungan.engine import (
    JpdInput,
    Method,
    Precision,
    aggregate_region,
    capaian_mutu_items,
    capaian_penerima,
    capaian_rata_rata_tahap,
    hitung,
    mutu_items_short_first,
    stored,
)
from tuntas.perhitungan.tests.test_engine import BANDS

HALF_UP_1 = Precision(1, "setengah_ke_atas")
CUT_2 = Precision(2, "potong")


def method(code: str) -> Method:
    return get_catalog().methods[code].method


def ratio(served: int, target: int) -> Fraction:
    value, _ = capaian_penerima(served, target)
    assert value is not None
    return value


# --- precision and rounding ----------------------------------------------------------------


def test_truncation_and_half_up_keep_exactly_their_places():
    value = Fraction(2600, 3500) * 100  # 74.2857…
    assert CUT_2.show(value) == Decimal("74.28")
    assert str(CUT_2.show(value)) == "74.28"
    assert HALF_UP_1.show(value) == Decimal("74.3")
    assert str(Precision(3, "potong").show(Fraction(84410, 1000))) == "84.410"
    assert str(Precision(0, "setengah_ke_atas").show(Fraction(1, 2))) == "1"
    assert str(Precision(1, "setengah_ke_atas").show(Fraction(125, 100))) == "1.3"  # half up
    assert str(Precision(1, "potong").show(Fraction(129, 100))) == "1.2"


@pytest.mark.parametrize("decimals", [-1, 5])
def test_precision_out_of_range_is_refused(decimals):
    with pytest.raises(ValueError):
        Precision(decimals, "potong")
    with pytest.raises(ValueError):
        Precision(2, "dibulatkan_ke_bawah")


fractions = st.fractions(min_value=0, max_value=100, max_denominator=10**7)


@given(fractions, st.integers(0, 4), st.sampled_from(["potong", "setengah_ke_atas"]))
def test_a_stored_value_shows_what_the_exact_value_shows(value, decimals, rounding):
    """Results are stored at 6 decimals: every precision a method may ask for shows the same."""
    precision = Precision(decimals, rounding)
    assert precision.show(stored(value)) == precision.show(value)


def test_stored_values_on_the_boundaries_of_rounding():
    for exact in (Fraction(74285, 1000), Fraction(742849999, 10**7), Fraction(7428500001, 10**8)):
        assert HALF_UP_1.show(stored(exact)) == HALF_UP_1.show(exact)
        assert Precision(2, "setengah_ke_atas").show(stored(exact)) == Precision(
            2, "setengah_ke_atas"
        ).show(exact)


# --- Permenkes 4/2019 worked examples at their printed precision ----------------------------


def test_ibu_bersalin_is_printed_74_3():
    value = ratio(2600, 3500)
    assert method("permenkes-4-2019-1-desimal").show(value, "jpd") == Decimal("74.3")
    assert method("ipspm-2021").show(value, "jpd") == Decimal("74.28")


def test_usia_lanjut_is_printed_72_85():
    value = ratio(3570, 4900)
    assert method("ipspm-2021").show(value, "jpd") == Decimal("72.85")
    assert method("permenkes-4-2019-1-desimal").show(value, "jpd") == Decimal("72.9")


def test_diabetes_is_printed_69_6():
    value = ratio(380 + 100, 690)
    assert method("permenkes-4-2019-1-desimal").show(value, "jpd") == Decimal("69.6")


def test_province_crisis_averages_to_95_4():
    # pre-crisis 150 of 165 educated; emergency (5,105 + 5,440) of (5,108 + 5,450) as the
    # regulation sums them (the reference notes the M figures are swapped in the source)
    m = method("permenkes-4-2019-1-desimal")
    assert m.show(ratio(150, 165), "jpd") == Decimal("90.9")
    assert m.show(ratio(5105 + 5440, 5108 + 5450), "jpd") == Decimal("99.9")
    mean = capaian_rata_rata_tahap([(150, 165), (5105 + 5440, 5108 + 5450)])
    assert mean is not None
    assert m.show(mean, "jpd") == Decimal("95.4")


def test_other_worked_examples_at_two_decimals():
    m = method("ipspm-2021")
    assert m.show(ratio(550, 1000), "jpd") == Decimal("55.00")  # ibu hamil
    assert m.show(ratio(220, 300), "jpd") == Decimal("73.33")  # balita
    assert m.show(ratio(15957, 17000), "jpd") == Decimal("93.86")  # usia pendidikan dasar
    assert m.show(ratio(4250, 6000), "jpd") == Decimal("70.83")  # usia produktif
    assert m.show(ratio(345000, 506000), "jpd") == Decimal("68.18")  # hipertensi
    assert m.show(ratio(350, 400), "jpd") == Decimal("87.50")  # ODGJ berat


def test_kab_sumbawa_2023_is_97_935_tuntas_utama():
    # six urusan values whose mean is e-SPM's 97,935 (the JPD values themselves not published)
    values = [("1.01", Fraction(93)), ("1.02", Fraction(100)), ("1.03", Fraction(100)),
              ("1.04", Fraction(9761, 100)), ("1.05", Fraction(97)), ("1.06", Fraction(100))]  # fmt: skip
    for code in ("ipspm-2021", "espm-3-desimal"):
        region = aggregate_region(values, method(code)).daerah
        assert region.nilai == Fraction(97935, 1000)
        assert region.kategori is not None and region.kategori.name == "Tuntas Utama"
    assert method("espm-3-desimal").show(Fraction(97935, 1000), "daerah") == Decimal("97.935")
    assert method("ipspm-2021").show(Fraction(97935, 1000), "daerah") == Decimal("97.93")
    # JPD and urusan stay at two decimals in the e-SPM variant
    assert method("espm-3-desimal").show(Fraction(97935, 1000), "urusan") == Decimal("97.93")


# --- every variant on the same inputs -------------------------------------------------------

INPUTS = [
    # education: nilai 0.8 × 92 + 0.2 × 92 = 92
    JpdInput("1.01.K01", "1.01", 100, 92, 0, 0, ((92, 100),)),
    # education: 70.5 exactly (between Rapor Pendidikan's 70 and 71)
    JpdInput("1.01.K02", "1.01", 200, 141, 0, 0, ((141, 200),)),
    # health: enough tablets (5,000 of 1,000 needed) but no midwife (0 of 2)
    JpdInput("1.02.K01", "1.02", 1000, 900, 0, 0, ((5000, 1000), (0, 2))),
]


def test_each_variant_on_the_same_inputs():
    results = {code: hitung(INPUTS, ref.method) for code, ref in get_catalog().methods.items()}
    assert set(results) == {
        "ipspm-2021",
        "espm-3-desimal",
        "permenkes-4-2019-1-desimal",
        "mutu-rata-rata-item",
        "rapor-pendidikan-2024",
    }
    default = results["ipspm-2021"]
    k01 = {r.kode: r for r in default.jpd}

    # mutu: a surplus of tablets cannot hide a missing midwife in either aggregation
    assert k01["1.02.K01"].capaian_mutu == Fraction(1000, 1002) * 100  # 99.80 (capped items)
    mean_items = {r.kode: r for r in results["mutu-rata-rata-item"].jpd}
    assert mean_items["1.02.K01"].capaian_mutu == 50  # (100 + 0) / 2
    assert mean_items["1.02.K01"].nilai == Fraction(4, 5) * 90 + Fraction(1, 5) * 50  # 82

    # bands: Rapor Pendidikan's five bands for education only
    rapor = {r.kode: r for r in results["rapor-pendidikan-2024"].jpd}
    assert [k01[c].kategori.code for c in ("1.01.K01", "1.01.K02")] == ["utama", "pratama"]
    assert [rapor[c].kategori.code for c in ("1.01.K01", "1.01.K02")] == ["paripurna", "muda"]
    assert rapor["1.02.K01"].kategori == k01["1.02.K01"].kategori  # health: six bands
    assert results["rapor-pendidikan-2024"].daerah.kategori == default.daerah.kategori

    # precision: the same exact values, shown differently
    exact = default.daerah.nilai
    assert exact is not None
    assert all(r.daerah.nilai == exact for c, r in results.items() if c != "mutu-rata-rata-item")
    assert method("ipspm-2021").show(exact, "daerah") == CUT_2.show(exact)
    assert method("espm-3-desimal").show(exact, "daerah") == Precision(3, "potong").show(exact)
    assert method("permenkes-4-2019-1-desimal").show(exact, "daerah") == HALF_UP_1.show(exact)


def test_kab_sumbawa_education_2024_is_tuntas_pratama_with_rapor_bands():
    m = method("rapor-pendidikan-2024")
    assert m.category(Fraction(714, 10), "1.01").name == "Tuntas Pratama"
    assert m.category(Fraction(90), "1.01").name == "Tuntas Madya"
    assert m.category(Fraction(90), "1.02").name == "Tuntas Utama"
    assert m.category(Fraction(91), "1.01").name == "Tuntas Paripurna"
    assert m.category(Fraction(5999, 100), "1.01").name == "Belum Tuntas"


def test_category_names_come_from_the_method():
    m = method("rapor-pendidikan-2024")
    assert m.band_name("utama") == "Tuntas Utama"  # only in the six-band table
    assert m.band_name("paripurna") == "Tuntas Paripurna"
    assert m.band_name("nope") == ""


def test_a_band_code_with_two_names_is_refused():
    from tuntas.perhitungan.engine import Band

    other = (Band("utama", "Sangat Baik", Fraction(50)), Band("belum", "Belum Tuntas", Fraction(0)))
    with pytest.raises(ValueError, match="dua nama"):
        Method("x", "x", Fraction(4, 5), Fraction(1, 5), BANDS, urusan_bands=(("1.01", other),))


def test_the_fingerprint_follows_the_rules():
    base = method("ipspm-2021")
    assert base.fingerprint == method("ipspm-2021").fingerprint
    assert len({m.method.fingerprint for m in get_catalog().methods.values()}) == 5


# --- each mutu item's own percentage ---------------------------------------------------------


def test_items_short_of_need_come_first():
    items = [(5000, 1000), (0, 2), (9, 10), (3, 0), (1, 2)]
    ranked = mutu_items_short_first(items)
    assert [r.index for r in ranked] == [1, 4, 2, 0, 3]
    assert [r.capaian for r in ranked] == [0, 50, 90, 100, None]
    assert [r.kekurangan for r in ranked] == [2, 1, 1, 0, 0]
    total, _ = capaian_mutu_items(items)
    assert total == Fraction(0 + 1000 + 9 + 1, 1014) * 100
