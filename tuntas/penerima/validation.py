"""Every rule a recipient row must meet, each problem with its row, column and an Indonesian
message. Errors refuse the row; warnings (the birth date or sex disagreeing with what the NIK
encodes) keep it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any

from tuntas.core.tabular import Row
from tuntas.penerima.models import Sex
from tuntas.penerima.parsing import CellError, cell_text, parse_date

SERVICE_UNIT_MAX = 200
DATE_CACHE_SIZE = 50_000
_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)
_SEX = {
    "l": Sex.LAKI_LAKI, "laki-laki": Sex.LAKI_LAKI, "laki laki": Sex.LAKI_LAKI,
    "lakilaki": Sex.LAKI_LAKI, "laki": Sex.LAKI_LAKI, "pria": Sex.LAKI_LAKI,
    "p": Sex.PEREMPUAN, "perempuan": Sex.PEREMPUAN, "wanita": Sex.PEREMPUAN,
}  # fmt: skip
_YES = {"y", "ya", "1", "true"}
_NO = {"t", "tidak", "0", "false"}
MONTH_NAMES = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
)  # fmt: skip
UNIT_NAMES = {"tahun": "tahun", "bulan": "bulan", "hari": "hari"}
NUMERIC_NIK = (
    "NIK tersimpan sebagai angka di Excel, yang hanya menyimpan 15 digit bermakna sehingga digit "
    "terakhir hilang: format kolom NIK sebagai Teks lalu isi ulang NIK-nya"
)


@dataclass(frozen=True, slots=True)
class Problem:
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class Eligibility:
    """The catalog's ``kelayakan`` of the JPD version in force for the year."""

    age_min: int | None
    age_max: int | None
    unit: str  # tahun | bulan | hari
    sex: str | None  # "L", "P" or None
    # the age at 31 December (akhir_tahun) or on some day of the year (dalam_tahun)
    age_at: str = "akhir_tahun"
    # with a grade rule, a row whose ``kelas`` is given qualifies by grade, whatever the age
    grade_min: int | None = None
    grade_max: int | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Eligibility | None:
        if not data:
            return None
        unit = data.get("satuan_usia") or "tahun"
        return cls(
            data.get("usia_min"),
            data.get("usia_maks"),
            unit,
            data.get("jenis_kelamin"),
            data.get("acuan_usia") or ("akhir_tahun" if unit == "tahun" else "dalam_tahun"),
            data.get("kelas_min"),
            data.get("kelas_maks"),
        )

    @property
    def has_grade(self) -> bool:
        return self.grade_min is not None and self.grade_max is not None


@dataclass(slots=True)
class CheckedRow:
    number: int
    nik: str = ""
    name: str = ""
    sex: str = ""
    birth_date: date | None = None
    village_code: str = ""
    address: str = ""
    served: bool = False
    service_date: date | None = None
    service_unit: str = ""
    note: str = ""
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def age_at(born: date, when: date, unit: str) -> int:
    """Completed years, months or days of age on ``when``."""
    if unit == "hari":
        return (when - born).days
    months = (when.year - born.year) * 12 + when.month - born.month - (when.day < born.day)
    return months if unit == "bulan" else months // 12


def indonesian_date(value: date) -> str:
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


CELL_ORDER = (
    "nik", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa", "alamat",
    "terlayani_sesuai_standar", "tanggal_pelayanan", "unit_layanan", "catatan", "kelas",
)  # fmt: skip
_BLANK = ("",)
# Cells exactly as most files hold them (no spaces, usual case) → the value; others are read
# by the general rules below (case, spaces, synonyms), which give the same value.
_SEX_EXACT = {
    key: sex
    for raw, sex in _SEX.items()
    for key in {raw, raw.upper(), raw.capitalize(), raw.title()}
}
_SERVED_EXACT = {
    key: value
    for words, value in ((_YES, True), (_NO, False))
    for raw in words
    for key in {raw, raw.upper(), raw.capitalize()}
}


NikBirth = tuple[tuple[Problem, ...], str, int, int, int]


def _nik_birth(part: str) -> NikBirth:
    """What digits 7–12 of a NIK (``DDMMYY``, women's day + 40) encode: the problems with them,
    the sex, and the day, month and two-digit year of birth."""
    day, month, yy = int(part[0:2]), int(part[2:4]), int(part[4:6])
    problems = []
    if not (1 <= day <= 31 or 41 <= day <= 71):
        problems.append(
            Problem(
                "nik",
                f"tanggal lahir di NIK “{part[0:2]}” harus 01–31 (laki-laki) atau 41–71 (perempuan)",
            )
        )
    if not 1 <= month <= 12:
        problems.append(Problem("nik", f"bulan lahir di NIK “{part[2:4]}” harus 01–12"))
    sex = Sex.PEREMPUAN if day > 40 else Sex.LAKI_LAKI
    return tuple(problems), sex, day % 40, month, yy


def _eligible_births(rule: Eligibility | None, year: int) -> tuple[date, date] | None:
    """For ages in years: the birth dates that certainly meet the rule's age range (the age at
    31 December is ``year - birth year``), so most rows skip the age arithmetic."""
    if (
        rule is None
        or rule.unit != "tahun"
        or rule.age_at != "akhir_tahun"
        or (rule.age_min is None and rule.age_max is None)
    ):
        return None
    try:
        first = date(year - rule.age_max, 1, 1) if rule.age_max is not None else date.min
        last = date(year - rule.age_min, 12, 31) if rule.age_min is not None else date(year, 12, 31)
    except (ValueError, OverflowError):
        return None
    return first, min(last, date(year, 12, 31))


class RowValidator:
    """Checks rows one by one for a pemda, JPD and year; remembers NIKs to find repeats.

    ``villages`` maps every desa/kelurahan code of the pemda, without dots, to its dotted code;
    ``province_codes`` holds the two-digit codes of all provinces.
    """

    def __init__(
        self,
        *,
        jpd_code: str,
        year: int,
        eligibility: Eligibility | None,
        villages: dict[str, str],
        village_prefix: str,
        pemda_name: str,
        province_codes: set[str],
        today: date,
    ) -> None:
        self.jpd_code = jpd_code
        self.year = year
        self.eligibility = eligibility
        self.villages = villages
        self.village_prefix = village_prefix
        self.pemda_name = pemda_name
        self.province_codes = province_codes
        self.today = today
        self._first_row: dict[int, int] = {}  # NIK as int → first row number (compact)
        self._plan: tuple[dict[str, int], int, Callable[[Any], tuple[Any, ...]]] | None = None
        # Desa codes as typed most often (dotted or not, nothing else) → the dotted code.
        self._village_exact = {**villages, **{code: code for code in villages.values()}}
        self._born_range = _eligible_births(eligibility, year)
        self._dates: dict[str, date | str] = {}  # date text → date, or the problem's message
        self._nik_births: dict[str, NikBirth] = {}  # NIK digits 7–12 → what they encode

    def _plan_for(self, columns: dict[str, int]) -> tuple[int, Callable[[Any], tuple[Any, ...]]]:
        """How to pick the ten cells of a row in one C call: an ``itemgetter`` over the row's
        cells plus one trailing ``""`` (index -1) that stands for every absent column."""
        if self._plan is None or self._plan[0] is not columns:
            wanted = [columns.get(name) for name in CELL_ORDER]
            need = max((i for i in wanted if i is not None), default=-1) + 1
            getter = itemgetter(*(-1 if i is None else i for i in wanted))
            self._plan = (columns, need, getter)
        return self._plan[1], self._plan[2]

    def check(self, row: Row, columns: dict[str, int]) -> CheckedRow:
        """The row's values and problems. Written for speed (this runs once per row of files of
        millions of rows): plain text cells take dictionary lookups; anything else goes through
        the general readers, with the same results and messages."""
        plan = self._plan
        need, getter = (
            (plan[1], plan[2])
            if plan is not None and plan[0] is columns
            else self._plan_for(columns)
        )
        cells = row.cells
        n = len(cells)
        (nik_v, name_v, sex_v, birth_v, village_v, address_v, served_v, service_v, unit_v,
         note_v, grade_v) = getter(cells + _BLANK if n >= need else cells + ("",) * (need - n + 1))  # fmt: skip
        errors: list[Problem] = []
        warnings: list[Problem] = []
        err = errors.append

        if type(nik_v) is str and len(nik_v) == 16 and nik_v.isdigit() and nik_v.isascii():
            nik = nik_v
            birth_part = self._nik_births.get(nik[6:12])
            # Most NIKs: their birth part seen before and fine, a known province, not 0000.
            nik_ok = (
                birth_part is not None
                and not birth_part[0]
                and nik[:2] in self.province_codes
                and nik[12:] != "0000"
            ) or self._nik_parts(nik, err)
        else:
            nik, nik_ok = self._nik(nik_v, err)

        name = " ".join((name_v if type(name_v) is str else cell_text(name_v)).split())
        if not name:
            err(Problem("nama", "wajib diisi"))

        known = _SEX_EXACT.get(sex_v) if type(sex_v) is str else None
        sex: str = known or ""
        if known is None:
            raw_sex = cell_text(sex_v)
            if not raw_sex:
                err(Problem("jenis_kelamin", "wajib diisi"))
            elif (known := _SEX.get(" ".join(raw_sex.lower().split()))) is None:
                err(
                    Problem(
                        "jenis_kelamin",
                        f"“{raw_sex}” tidak dikenal (isi L/P atau Laki-laki/Perempuan)",
                    )
                )
            else:
                sex = known

        born = self._dates.get(birth_v) if type(birth_v) is str else None
        if type(born) is not date:
            born = self._date(birth_v, "tanggal_lahir", err, required=True)
        if born is not None and born > self.today:
            err(Problem("tanggal_lahir", f"{indonesian_date(born)} belum terjadi"))
            born = None

        village = self._village_exact.get(village_v) if type(village_v) is str else None
        if village is None:
            village = self._village(village_v, err)
        address = " ".join((address_v if type(address_v) is str else cell_text(address_v)).split())

        served = _SERVED_EXACT.get(served_v) if type(served_v) is str else None
        if served is None:
            served_text = (
                ("1" if served_v else "0") if isinstance(served_v, bool) else cell_text(served_v)
            )
            served = False
            if not served_text:
                err(Problem("terlayani_sesuai_standar", "wajib diisi"))
            elif served_text.lower() in _YES:
                served = True
            elif served_text.lower() not in _NO:
                err(
                    Problem(
                        "terlayani_sesuai_standar",
                        f"“{served_text}” tidak dikenal (isi Y/T, Ya/Tidak atau 1/0)",
                    )
                )

        service = self._dates.get(service_v) if type(service_v) is str else None
        if type(service) is not date:
            service = (
                None
                if service_v == "" or service_v is None
                else self._date(service_v, "tanggal_pelayanan", err, required=False)
            )
        if service is not None and service.year != self.year:
            err(
                Problem(
                    "tanggal_pelayanan",
                    f"{indonesian_date(service)} di luar tahun {self.year}",
                )
            )

        unit = " ".join((unit_v if type(unit_v) is str else cell_text(unit_v)).split())
        if len(unit) > SERVICE_UNIT_MAX:
            err(Problem("unit_layanan", f"paling panjang {SERVICE_UNIT_MAX} karakter"))
        note = note_v.strip() if type(note_v) is str else cell_text(note_v)

        if nik_ok:
            _, nik_sex, day, month, yy = self._nik_births[nik[6:12]]
            if (sex and sex != nik_sex) or (
                born is not None
                and (born.day != day or born.month != month or born.year % 100 != yy)
            ):
                self._nik_agrees(nik, sex, born, warnings)
        rule = self.eligibility
        by_grade = False
        if rule is not None and rule.has_grade and grade_v != "":
            by_grade = self._grade(grade_v, rule, err)
        if rule is not None and not (
            born is not None
            and self._born_range is not None
            and self._born_range[0] <= born <= self._born_range[1]
            and not (rule.sex and sex and sex != rule.sex)
        ):
            self._eligible(sex, None if by_grade else born, err)
        if nik_ok:
            number = row.number
            first = self._first_row.setdefault(int(nik), number)
            if first != number:
                err(Problem("nik", f"NIK sudah ada di baris {first} untuk JPD yang sama"))
        return CheckedRow(
            row.number, nik, name, sex, born, village, address, served, service, unit, note,
            errors, warnings,
        )  # fmt: skip

    # --- single rules -----------------------------------------------------------------------

    def _nik(self, value: Any, err: Callable[[Problem], None]) -> tuple[str, bool]:
        """The NIK as typed, cleaned; (NIK or "", whether it is usable)."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            err(Problem("nik", NUMERIC_NIK))
            return "", False
        text = "".join(str(value or "").split()).lstrip("'’`")
        if not text:
            err(Problem("nik", "wajib diisi"))
            return "", False
        if _SCIENTIFIC.match(text):
            err(Problem("nik", NUMERIC_NIK))
            return "", False
        if not (text.isascii() and text.isdigit()) or len(text) != 16:
            err(Problem("nik", f"NIK harus tepat 16 angka (terisi {len(text)} karakter)"))
            return "", False
        return text, self._nik_parts(text, err)

    def _nik_parts(self, text: str, err: Callable[[Problem], None]) -> bool:
        ok = True
        if text[:2] not in self.province_codes:
            err(Problem("nik", f"kode provinsi NIK “{text[:2]}” tidak ada"))
            ok = False
        birth = self._nik_births.get(text[6:12])
        if birth is None:
            if len(self._nik_births) >= DATE_CACHE_SIZE:
                self._nik_births.clear()
            birth = self._nik_births[text[6:12]] = _nik_birth(text[6:12])
        if birth[0]:
            for problem in birth[0]:
                err(problem)
            ok = False
        if text[12:] == "0000":
            err(Problem("nik", "empat digit terakhir NIK tidak boleh 0000"))
            ok = False
        return ok

    def _nik_agrees(self, nik: str, sex: str, born: date | None, warnings: list[Problem]) -> None:
        _, nik_sex, day, month, yy = self._nik_births[nik[6:12]]  # filled by _nik_parts
        if sex and sex != nik_sex:
            label = "perempuan" if nik_sex == Sex.PEREMPUAN else "laki-laki"
            warnings.append(
                Problem("jenis_kelamin", f"berbeda dengan NIK (NIK menunjukkan {label})")
            )
        if born is not None and (born.day != day or born.month != month or born.year % 100 != yy):
            warnings.append(
                Problem(
                    "tanggal_lahir",
                    f"berbeda dengan NIK (NIK menunjukkan {day:02d}-{month:02d}-{yy:02d})",
                )
            )

    def _date(
        self, value: Any, column: str, err: Callable[[Problem], None], *, required: bool
    ) -> date | None:
        if type(value) is str:
            # Most files repeat the same few thousand date texts: read each text once.
            known = self._dates.get(value)
            if known is None:
                if not value.strip():
                    if required:
                        err(Problem(column, "wajib diisi"))
                    return None
                try:
                    known = parse_date(value)
                except CellError as exc:
                    known = f"“{cell_text(value)}”: {exc}"
                if len(self._dates) >= DATE_CACHE_SIZE:
                    self._dates.clear()
                self._dates[value] = known
            if type(known) is str:
                err(Problem(column, known))
                return None
            return known  # type: ignore[return-value]
        if value is None:
            if required:
                err(Problem(column, "wajib diisi"))
            return None
        try:
            return parse_date(value)
        except CellError as exc:
            err(Problem(column, f"“{cell_text(value)}”: {exc}"))
            return None

    def _village(self, value: Any, err: Callable[[Problem], None]) -> str:
        """The dotted desa code, or "" with the error."""
        text = cell_text(value)
        if not text:
            err(Problem("kode_desa", "wajib diisi"))
            return ""
        compact = text.replace(".", "").replace(" ", "")
        dotted = self.villages.get(compact)
        if dotted is not None:
            return dotted
        if not (compact.isdigit() and len(compact) == 10):
            err(
                Problem(
                    "kode_desa",
                    f"“{text}” bukan kode desa/kelurahan (10 angka, mis. 32.75.01.1001)",
                )
            )
        elif not compact.startswith(self.village_prefix):
            err(Problem("kode_desa", f"desa/kelurahan {text} bukan wilayah {self.pemda_name}"))
        else:
            err(Problem("kode_desa", f"kode desa/kelurahan {text} tidak dikenal"))
        return ""

    def _grade(self, value: Any, rule: Eligibility, err: Callable[[Problem], None]) -> bool:
        """A given ``kelas``: True when it is within the rule's grades (the age then does not
        matter); otherwise the row is refused."""
        text = value.strip() if isinstance(value, str) else cell_text(value)
        if text == "":
            return False
        grade = int(float(text)) if re.fullmatch(r"\d{1,2}(\.0+)?", text) else None
        if grade is None:
            err(Problem("kelas", f"“{text}” bukan nomor kelas (isi 1–12, atau kosongkan)"))
            return False
        assert rule.grade_min is not None and rule.grade_max is not None
        if not rule.grade_min <= grade <= rule.grade_max:
            err(
                Problem(
                    "kelas",
                    f"kelas {grade} tidak termasuk JPD {self.jpd_code} (kelas "
                    f"{rule.grade_min}–{rule.grade_max}; anak di luar sekolah: kosongkan kelas)",
                )
            )
            return False
        return True

    def _eligible(self, sex: str, born: date | None, err: Callable[[Problem], None]) -> None:
        rule = self.eligibility
        if rule is None:
            return
        if rule.sex and sex and sex != rule.sex:
            who = "perempuan" if rule.sex == Sex.PEREMPUAN else "laki-laki"
            err(Problem("jenis_kelamin", f"JPD {self.jpd_code} hanya untuk {who}"))
        if born is None or (rule.age_min is None and rule.age_max is None):
            return
        year_end = date(self.year, 12, 31)
        if rule.age_at == "akhir_tahun":
            # Age at 31 December of the year, as the SPM targets are counted.
            low = high = age_at(born, year_end, rule.unit) if born <= year_end else -1
        else:
            # Ages in months or days (newborns, under-fives) change within the year: eligible
            # when the age was within the range on some day of the year.
            high = age_at(born, year_end, rule.unit) if born <= year_end else -1
            start = date(self.year, 1, 1)
            low = age_at(born, start, rule.unit) if born <= start else 0
        too_young = rule.age_min is not None and high < rule.age_min
        too_old = rule.age_max is not None and low > rule.age_max
        if too_young or too_old:
            unit = UNIT_NAMES.get(rule.unit, rule.unit)
            if rule.age_min is not None and rule.age_max is not None:
                span = f"{rule.age_min}–{rule.age_max} {unit}"
            elif rule.age_min is not None:
                span = f"{rule.age_min} {unit} ke atas"
            else:
                span = f"sampai {rule.age_max} {unit}"
            age = f"{max(high, 0)} {unit} pada 31 Desember {self.year}"
            if rule.has_grade:
                span += f", atau kelas {rule.grade_min}–{rule.grade_max}"
            err(
                Problem(
                    "tanggal_lahir",
                    f"tidak memenuhi syarat JPD {self.jpd_code} (usia {span}; usia {age})",
                )
            )
