"""The engine against the worked examples of Permenkes 4/2019 and Kab. Sumbawa's 2023 index
(shared/domain/SPM-REFERENCE.md §9.1, §9.2), plus its own rules."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from tuntas.perhitungan.engine import (
    Band,
    EngineInputError,
    JpdInput,
    Method,
    capaian_mutu,
    capaian_penerima,
    capaian_rata_rata_tahap,
    hitung,
    truncate2,
)

BANDS = (
    Band("paripurna", "Tuntas Paripurna", Fraction(100)),
    Band("utama", "Tuntas Utama", Fraction(90)),
    Band("madya", "Tuntas Madya", Fraction(80)),
    Band("pratama", "Tuntas Pratama", Fraction(70)),
    Band("muda", "Tuntas Muda", Fraction(60)),
    Band("belum", "Belum Tuntas", Fraction(0)),
)
METHOD = Method("uji", "uji", Fraction(4, 5), Fraction(1, 5), BANDS)


def pct(terlayani: int, sasaran: int) -> Decimal:
    value, _ = capaian_penerima(terlayani, sasaran)
    assert value is not None
    return truncate2(value)


# --- Permenkes 4/2019 worked examples -------------------------------------------------------


def test_example_1_crisis_health_mean_of_two_stages():
    # Pre-crisis: 150 educated of 165. Emergency, as the source computes it: (5,105 + 5,440)
    # served of (5,108 + 5,450) affected. Yearly capaian = mean of the two stages.
    pre = pct(150, 165)
    emergency = pct(5105 + 5440, 5108 + 5450)
    assert pre == Decimal("90.90")
    assert emergency == Decimal("99.87")
    yearly = capaian_rata_rata_tahap([(150, 165), (5105 + 5440, 5108 + 5450)])
    assert yearly is not None
    assert truncate2(yearly) == Decimal("95.39")
    assert round(float(yearly), 1) == 95.4  # the source's 95.4 %


def test_example_1_stage_over_achievement_is_capped():
    # Kab M as printed in the source's table: 5,440 affected, 5,450 served → capped at 100.
    value, warnings = capaian_penerima(5450, 5440)
    assert value == 100
    assert warnings and "melebihi sasaran" in warnings[0]


def test_example_2_klb_measles():
    infected = 15 + 25
    at_risk = 137 + 273
    served = 40 + 375
    assert pct(served, infected + at_risk) == Decimal("92.22")


def test_example_3_ibu_hamil_uses_the_estimate_not_field_data():
    per_standard = 150 + 300 + 100  # puskesmas B, C, D
    assert pct(per_standard, 1000) == Decimal("55.00")


def test_example_4_ibu_bersalin_counts_facility_births_only():
    per_standard = 700 + 900 + 1000  # PKM A (incl. 200 in a private facility), B, C
    value = capaian_penerima(per_standard, 800 + 1300 + 1400)[0]
    assert value is not None
    assert truncate2(value) == Decimal("74.28")
    assert round(float(value), 1) == 74.3  # the source rounds


def test_example_5_balita():
    assert pct(150 + 70, 200 + 100) == Decimal("73.33")


def test_example_6_usia_pendidikan_dasar():
    served = 15827 + 130
    assert pct(served, 17000) == Decimal("93.86")
    assert 17000 - served == 1043  # unserved per the source


def test_example_7_usia_produktif():
    assert pct(4250, 6000) == Decimal("70.83")


def test_example_8_usia_lanjut_is_truncated_not_rounded():
    assert pct(3570, 4900) == Decimal("72.85")  # 72.857… → 72.85 as in the regulation


def test_example_9_hipertensi_estimated_target():
    sasaran = Fraction(22, 100) * 2_300_000
    assert sasaran == 506_000
    assert pct(345_000, int(sasaran)) == Decimal("68.18")


def test_example_10_diabetes_estimated_target():
    sasaran = Fraction(69, 1000) * 10_000
    assert sasaran == 690
    value = capaian_penerima(380 + 100, int(sasaran))[0]
    assert value is not None
    assert truncate2(value) == Decimal("69.56")
    assert round(float(value), 1) == 69.6


def test_example_11_odgj_berat():
    sasaran = 4 * 100_000 // 1000
    assert pct(350, sasaran) == Decimal("87.50")


def test_example_12_terduga_tb():
    # The reference lists 200,000 screened, 20,000 presumptive (the target), 15,000 examined,
    # and prints 60 %. Those inputs give 75 %: 60 % would need 12,000 examined or a target of
    # 25,000. We test what the listed inputs give; the discrepancy is reported for checking
    # against the regulation text.
    assert pct(15_000, 20_000) == Decimal("75.00")
    assert pct(15_000, 25_000) == Decimal("60.00")
    assert METHOD.category(Fraction(60)).name == "Tuntas Muda"


def test_example_13_hiv_denominator_is_the_mapped_number():
    groups = {  # mapped, tested
        "ibu hamil": (4954, 4954),
        "TB": (324, 324),
        "IMS": (2618, 2618),
        "WPS": (164, 164),
        "LSL": (201, 201),
        "waria": (29, 29),
        "penasun": (1, 1),
        "WBP": (0, 0),
    }
    for name, (mapped, tested) in groups.items():
        value = capaian_penerima(tested, mapped)[0]
        if mapped == 0:
            assert value is None, name
        else:
            assert value == 100, name
    total_mapped = sum(m for m, _ in groups.values())
    assert total_mapped == 8291
    assert pct(sum(t for _, t in groups.values()), total_mapped) == Decimal("100.00")


# --- Kab. Sumbawa 2023: 97.935 → Tuntas Utama -----------------------------------------------


def sumbawa_inputs() -> list[JpdInput]:
    # One JPD per urusan, nothing needed for mutu (capaian mutu 100), so nilai = 0.8 p + 20.
    # Urusan values 100, 100, 100, 96, 95.61, 96 (between 93 and 100 as reported): mean 97.935.
    rows = [
        ("1.01.K01", "1.01", 100, 100),
        ("1.02.K01", "1.02", 100, 100),
        ("1.03.K01", "1.03", 100, 100),
        ("1.04.K01", "1.04", 100, 95),
        ("1.05.K01", "1.05", 80_000, 75_610),
        ("1.06.K01", "1.06", 100, 95),
    ]
    return [JpdInput(k, u, s, t, 0, 0) for k, u, s, t in rows]


def test_sumbawa_2023_index_and_category():
    result = hitung(sumbawa_inputs(), METHOD)
    assert [truncate2(u.nilai) for u in result.urusan if u.nilai is not None] == [
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("96.00"),
        Decimal("95.61"),
        Decimal("96.00"),
    ]
    assert result.daerah.nilai == Fraction(97935, 1000)
    assert truncate2(result.daerah.nilai) == Decimal("97.93")
    assert result.daerah.kategori is not None
    assert result.daerah.kategori.name == "Tuntas Utama"
    assert {u.kategori.name for u in result.urusan if u.kategori} == {
        "Tuntas Paripurna",
        "Tuntas Utama",
    }


# --- rules --------------------------------------------------------------------------------


def test_weighting_80_20():
    result = hitung([JpdInput("1.02.K07", "1.02", 4900, 3570, 30, 40)], METHOD)
    jpd = result.jpd[0]
    assert jpd.capaian_mutu == 75
    assert jpd.nilai == Fraction(4, 5) * Fraction(3570, 4900) * 100 + Fraction(1, 5) * 75
    assert truncate2(jpd.nilai) == Decimal("73.28")


def test_mutu_nothing_needed_is_100():
    assert capaian_mutu(0, 0) == (100, [])
    assert capaian_mutu(7, 0) == (100, [])


def test_mutu_over_available_is_capped_and_warned():
    value, warnings = capaian_mutu(12, 10)
    assert value == 100
    assert "dibatasi 100%" in warnings[0]


def test_no_target_is_reported_and_left_out_of_means():
    items = [
        JpdInput("1.02.K01", "1.02", 100, 50, 0, 0),  # nilai 60
        JpdInput("1.02.K02", "1.02", 0, 0, 0, 0),  # no target
        JpdInput("1.06.K01", "1.06", 0, 0, 5, 10),  # no target, whole urusan without value
    ]
    result = hitung(items, METHOD)
    no_target = result.jpd[1]
    assert no_target.nilai is None and no_target.kategori is None
    assert no_target.capaian_penerima is None and no_target.capaian_mutu is None
    assert "Tidak ada sasaran" in no_target.peringatan[0]
    assert result.urusan[0].nilai == 60
    assert result.urusan[1].nilai is None
    assert result.daerah.nilai == 60


def test_nothing_with_target_gives_no_region_value():
    result = hitung([JpdInput("1.02.K01", "1.02", 0, 0, 0, 0)], METHOD)
    assert result.daerah.nilai is None and result.daerah.kategori is None
    assert result.peringatan


def test_served_without_target_is_bad_input():
    with pytest.raises(EngineInputError):
        capaian_penerima(3, 0)


@pytest.mark.parametrize("args", [(-1, 10), (1, -10)])
def test_negative_counts_are_refused(args):
    with pytest.raises(EngineInputError):
        capaian_penerima(*args)


def test_duplicate_codes_are_refused():
    item = JpdInput("1.02.K01", "1.02", 1, 1, 0, 0)
    with pytest.raises(EngineInputError):
        hitung([item, item], METHOD)


def test_category_comes_from_the_exact_value():
    just_below = Fraction(99999, 1000)  # shown as 99.99 (truncated)
    assert truncate2(just_below) == Decimal("99.99")
    assert METHOD.category(just_below).name == "Tuntas Utama"
    assert METHOD.category(Fraction(100)).name == "Tuntas Paripurna"
    assert METHOD.category(Fraction(8999999, 100000)).name == "Tuntas Madya"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"weight_penerima": Fraction(1, 2)}, "jumlah bobot"),
        ({"bands": BANDS[:-1]}, "mulai dari 0"),
        ({"bands": tuple(reversed(BANDS))}, "urut"),
        ({"aggregation_urusan": "median"}, "agregasi"),
    ],
)
def test_method_is_validated(kwargs, message):
    base = {
        "code": "x",
        "name": "x",
        "weight_penerima": Fraction(4, 5),
        "weight_mutu": Fraction(1, 5),
        "bands": BANDS,
    }
    with pytest.raises(ValueError, match=message):
        Method(**{**base, **kwargs})


def test_another_band_table_changes_the_category():
    stricter = Method(
        "ketat",
        "ketat",
        Fraction(4, 5),
        Fraction(1, 5),
        (Band("t", "Tuntas", Fraction(95)), Band("b", "Belum Tuntas", Fraction(0))),
    )
    result = hitung(sumbawa_inputs(), stricter)
    assert result.daerah.kategori is not None
    assert result.daerah.kategori.name == "Tuntas"
    assert stricter.category(Fraction(94)).name == "Belum Tuntas"
