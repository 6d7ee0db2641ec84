"""The catalog's eligibility rules as the import applies them, against an oracle written apart
from the validation (completed years and months counted from the calendar, and for
``dalam_tahun`` every day of the year tried): for every rule of the shipped catalog, as it travels
through the database JSON, and for the combinations the catalog does not use yet, on birth dates
around every boundary. The import's fast path (``_eligible_births``, most rows skip the age
arithmetic) must agree too."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tuntas.core.tabular import Row
from tuntas.katalog.export import eligibility_json
from tuntas.katalog.reference import get_catalog
from tuntas.penerima.validation import Eligibility, RowValidator

COLUMNS = {
    name: i
    for i, name in enumerate(
        ("nik", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa",
         "terlayani_sesuai_standar", "kelas")
    )
}  # fmt: skip
RULE_COLUMNS = ("tanggal_lahir", "jenis_kelamin", "kelas")


def completed(born: date, when: date, unit: str) -> int:
    """Whole days, months or years of age on ``when``: a month (a year) is complete on the day
    of the month (and month) of birth, or later."""
    if unit == "hari":
        return (when - born).days
    before_birthday = (when.month, when.day) < (born.month, born.day)
    if unit == "tahun":
        return when.year - born.year - before_birthday
    return (when.year - born.year) * 12 + when.month - born.month - (when.day < born.day)


def month_start(year: int, back: int) -> date:
    """The first day of the month ``back`` months before January of ``year``."""
    index = year * 12 - back
    return date(index // 12, index % 12 + 1, 1)


def oracle(rule: Eligibility, year: int, born: date, grade: str) -> bool:
    """Whether the person qualifies, from the rule's words."""
    if rule.has_grade and grade:
        assert rule.grade_min is not None and rule.grade_max is not None
        return grade.isdigit() and rule.grade_min <= int(grade) <= rule.grade_max

    def fits(age: int) -> bool:
        return (rule.age_min is None or age >= rule.age_min) and (
            rule.age_max is None or age <= rule.age_max
        )

    end = date(year, 12, 31)
    if born > end:
        return False
    if rule.age_at == "akhir_tahun":
        return fits(completed(born, end, rule.unit))
    day = max(date(year, 1, 1), born)
    # the youngest age is on the first day, the oldest on the last: outside both, no day fits
    if (rule.age_min is not None and completed(born, end, rule.unit) < rule.age_min) or (
        rule.age_max is not None and completed(born, day, rule.unit) > rule.age_max
    ):
        return False
    while day <= end:  # in range on some day of the year
        if fits(completed(born, day, rule.unit)):
            return True
        day += timedelta(days=1)
    return False


def births(year: int) -> list[date]:
    """Every day from November of the year before, and the first, 15th and last day of every
    month 80 years back (plus the 29th of February)."""
    days = [date(year - 1, 11, 1) + timedelta(days=i) for i in range(61 + 365 + (year % 4 == 0))]
    for back in range(80 * 12):
        first = month_start(year, back)
        last = month_start(year, back - 1) - timedelta(days=1)
        days += [first, first.replace(day=15), last]
        if first.month == 2 and last.day == 29:
            days.append(last)
    return sorted(set(days))


def validator(code: str, rule: Eligibility, year: int) -> RowValidator:
    return RowValidator(
        jpd_code=code,
        year=year,
        eligibility=rule,
        villages={"3275011001": "32.75.01.1001"},
        village_prefix="3275",
        pemda_name="Kota Bekasi",
        province_codes={"32"},
        today=date(year + 1, 12, 31),
    )


def refused(checker: RowValidator, born: date, grade: str, sex: str = "L") -> list[str]:
    day = born.day + (40 if sex == "P" else 0)
    nik = f"327501{day:02d}{born.month:02d}{born.year % 100:02d}0001"
    cells = (nik, "Uji", sex, born.isoformat(), "32.75.01.1001", "Y", grade)
    checked = checker.check(Row(2, cells), COLUMNS)
    checker._first_row.clear()  # the same NIK again is not what this test is about
    return [f"{p.column}: {p.message}" for p in checked.errors if p.column in RULE_COLUMNS]


def catalog_rules() -> dict[str, Eligibility]:
    """Every distinct rule of the shipped catalog, read back from its database JSON."""
    found: dict[str, Eligibility] = {}
    for ref in get_catalog().jpd.values():
        for version in ref.versions:
            rule = Eligibility.from_json(eligibility_json(version.eligibility))
            if rule is not None and rule.sex is None and rule not in found.values():
                found[f"{ref.code}-{version.valid_from}"] = rule
    return found


OTHER_RULES = {
    "tahun dalam_tahun": Eligibility(5, 6, "tahun", None, "dalam_tahun"),
    "bulan dalam_tahun": Eligibility(12, 23, "bulan", None, "dalam_tahun"),
    "bulan hanya maks": Eligibility(None, 11, "bulan", None, "akhir_tahun"),
    "hari akhir_tahun": Eligibility(0, 28, "hari", None, "akhir_tahun"),
    "kelas tanpa batas atas usia": Eligibility(6, None, "tahun", None, "akhir_tahun", 7, 9),
}
RULES = {**catalog_rules(), **OTHER_RULES}


def test_the_oracle_counts_ages_as_the_calendar_does():
    assert completed(date(2024, 2, 29), date(2025, 2, 28), "tahun") == 0
    assert completed(date(2024, 2, 29), date(2025, 3, 1), "tahun") == 1
    assert completed(date(2024, 12, 31), date(2025, 12, 31), "bulan") == 12
    assert completed(date(2025, 1, 1), date(2025, 12, 31), "bulan") == 11
    assert completed(date(2025, 1, 31), date(2025, 2, 28), "bulan") == 0
    assert completed(date(2025, 12, 3), date(2025, 12, 31), "hari") == 28
    assert [month_start(2025, b) for b in (-1, 0, 1, 13)] == [
        date(2025, 2, 1), date(2025, 1, 1), date(2024, 12, 1), date(2023, 12, 1),
    ]  # fmt: skip
    assert len(births(2024)) > 3000 and date(2020, 2, 29) in births(2024)


def test_the_catalog_rules_are_all_here():
    catalog = get_catalog()
    for code in ("1.02.K03", "1.02.K04", "1.02.K05", "1.02.K06", "1.06.K02", "1.06.K03"):
        version = catalog.jpd[code].version_for(2025)
        assert version is not None
        assert Eligibility.from_json(eligibility_json(version.eligibility)) in RULES.values()
    balita = RULES["1.02.K04-2019"]
    assert (balita.age_min, balita.age_max, balita.unit, balita.age_at) == (
        12, 59, "bulan", "akhir_tahun",
    )  # fmt: skip


@pytest.mark.parametrize("year", [2024, 2025])
@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_against_the_oracle_fast_path_and_general_path(name, year):
    rule = RULES[name]
    fast = validator(name, rule, year)
    general = validator(name, rule, year)
    general._born_range = None  # every row through the age arithmetic
    grades = ("", "1", "3", "9", "10", "0", "tiga") if rule.has_grade else ("",)
    wrong = []
    for born in births(year):
        for grade in grades:
            expected = oracle(rule, year, born, grade)
            by_fast, by_general = refused(fast, born, grade), refused(general, born, grade)
            if by_fast != by_general or (not by_fast) != expected:
                wrong.append((born, grade, expected, by_fast, by_general))
    assert wrong == [], wrong[:5]


def test_grade_rule_decides_over_age_and_names_the_column():
    rule = RULES["1.02.K05-2019"]
    checker = validator("1.02.K05", rule, 2025)
    seventeen = date(2008, 3, 1)
    assert refused(checker, seventeen, "3") == []  # grade 3 at 17: eligible by grade
    assert refused(checker, seventeen, "") == [
        "tanggal_lahir: tidak memenuhi syarat JPD 1.02.K05 (usia 7–15 tahun, atau kelas 1–9; "
        "usia 17 tahun pada 31 Desember 2025)"
    ]
    assert refused(checker, date(2015, 3, 1), "10") == [
        "kelas: kelas 10 tidak termasuk JPD 1.02.K05 (kelas 1–9; anak di luar sekolah: "
        "kosongkan kelas)"
    ]
    assert refused(checker, date(2015, 3, 1), "3.0") == []  # a workbook number typed as text


def test_balita_at_31_december():
    checker = validator("1.02.K04", RULES["1.02.K04-2019"], 2025)
    assert refused(checker, date(2025, 1, 1), "") == [
        "tanggal_lahir: tidak memenuhi syarat JPD 1.02.K04 (usia 12–59 bulan; usia 11 bulan pada "
        "31 Desember 2025)"
    ]  # 11 months on 31 December: not yet counted
    assert refused(checker, date(2024, 12, 31), "") == []  # 12 months on 31 December
    assert refused(checker, date(2021, 1, 1), "") == []  # 59 months
    assert refused(checker, date(2020, 12, 31), "") != []  # 60 months
