"""Every rule a recipient row must meet, each problem with its row, column and an Indonesian
message. Errors refuse the row; warnings (the birth date or sex disagreeing with what the NIK
encodes) keep it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tuntas.core.tabular import Row
from tuntas.penerima.models import Sex
from tuntas.penerima.parsing import CellError, cell_text, parse_date

SERVICE_UNIT_MAX = 200
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

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Eligibility | None:
        if not data:
            return None
        return cls(
            data.get("usia_min"),
            data.get("usia_maks"),
            data.get("satuan_usia") or "tahun",
            data.get("jenis_kelamin"),
        )


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

    def check(self, row: Row, columns: dict[str, int]) -> CheckedRow:
        cells = row.cells

        def get(name: str) -> Any:
            i = columns.get(name)
            return cells[i] if i is not None and i < len(cells) else ""

        out = CheckedRow(row.number)
        err = out.errors.append

        nik_ok = self._nik(get("nik"), out)

        out.name = " ".join(cell_text(get("nama")).split())
        if not out.name:
            err(Problem("nama", "wajib diisi"))

        raw_sex = cell_text(get("jenis_kelamin"))
        if not raw_sex:
            err(Problem("jenis_kelamin", "wajib diisi"))
        elif (sex := _SEX.get(" ".join(raw_sex.lower().split()))) is None:
            err(
                Problem(
                    "jenis_kelamin", f"“{raw_sex}” tidak dikenal (isi L/P atau Laki-laki/Perempuan)"
                )
            )
        else:
            out.sex = sex

        out.birth_date = self._date(get("tanggal_lahir"), "tanggal_lahir", out, required=True)
        if out.birth_date is not None and out.birth_date > self.today:
            err(Problem("tanggal_lahir", f"{indonesian_date(out.birth_date)} belum terjadi"))
            out.birth_date = None

        self._village(get("kode_desa"), out)
        out.address = " ".join(cell_text(get("alamat")).split())

        raw_served = get("terlayani_sesuai_standar")
        served_text = (
            ("1" if raw_served else "0") if isinstance(raw_served, bool) else cell_text(raw_served)
        )
        if not served_text:
            err(Problem("terlayani_sesuai_standar", "wajib diisi"))
        elif served_text.lower() in _YES:
            out.served = True
        elif served_text.lower() not in _NO:
            err(
                Problem(
                    "terlayani_sesuai_standar",
                    f"“{served_text}” tidak dikenal (isi Y/T, Ya/Tidak atau 1/0)",
                )
            )

        out.service_date = self._date(
            get("tanggal_pelayanan"), "tanggal_pelayanan", out, required=False
        )
        if out.service_date is not None and out.service_date.year != self.year:
            err(
                Problem(
                    "tanggal_pelayanan",
                    f"{indonesian_date(out.service_date)} di luar tahun {self.year}",
                )
            )

        out.service_unit = " ".join(cell_text(get("unit_layanan")).split())
        if len(out.service_unit) > SERVICE_UNIT_MAX:
            err(Problem("unit_layanan", f"paling panjang {SERVICE_UNIT_MAX} karakter"))
        out.note = cell_text(get("catatan"))

        if nik_ok:
            self._nik_agrees(out)
        self._eligible(out)
        if nik_ok:
            key = int(out.nik)
            first = self._first_row.setdefault(key, row.number)
            if first != row.number:
                err(Problem("nik", f"NIK sudah ada di baris {first} untuk JPD yang sama"))
        return out

    # --- single rules -----------------------------------------------------------------------

    def _nik(self, value: Any, out: CheckedRow) -> bool:
        err = out.errors.append
        if isinstance(value, int | float) and not isinstance(value, bool):
            err(Problem("nik", NUMERIC_NIK))
            return False
        text = "".join(str(value or "").split()).lstrip("'’`")
        if not text:
            err(Problem("nik", "wajib diisi"))
            return False
        if _SCIENTIFIC.match(text):
            err(Problem("nik", NUMERIC_NIK))
            return False
        if not (text.isascii() and text.isdigit()) or len(text) != 16:
            err(Problem("nik", f"NIK harus tepat 16 angka (terisi {len(text)} karakter)"))
            return False
        out.nik = text
        ok = True
        if text[:2] not in self.province_codes:
            err(Problem("nik", f"kode provinsi NIK “{text[:2]}” tidak ada"))
            ok = False
        day, month = int(text[6:8]), int(text[8:10])
        if not (1 <= day <= 31 or 41 <= day <= 71):
            err(
                Problem(
                    "nik",
                    f"tanggal lahir di NIK “{text[6:8]}” harus 01–31 (laki-laki) atau 41–71 (perempuan)",
                )
            )
            ok = False
        if not 1 <= month <= 12:
            err(Problem("nik", f"bulan lahir di NIK “{text[8:10]}” harus 01–12"))
            ok = False
        if text[12:] == "0000":
            err(Problem("nik", "empat digit terakhir NIK tidak boleh 0000"))
            ok = False
        return ok

    def _nik_agrees(self, out: CheckedRow) -> None:
        nik = out.nik
        day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
        nik_sex = Sex.PEREMPUAN if day > 40 else Sex.LAKI_LAKI
        if out.sex and out.sex != nik_sex:
            label = "perempuan" if nik_sex == Sex.PEREMPUAN else "laki-laki"
            out.warnings.append(
                Problem("jenis_kelamin", f"berbeda dengan NIK (NIK menunjukkan {label})")
            )
        born = out.birth_date
        if born is not None and (born.day, born.month, born.year % 100) != (day % 40, month, yy):
            out.warnings.append(
                Problem(
                    "tanggal_lahir",
                    f"berbeda dengan NIK (NIK menunjukkan {day % 40:02d}-{month:02d}-{yy:02d})",
                )
            )

    def _date(self, value: Any, column: str, out: CheckedRow, *, required: bool) -> date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                out.errors.append(Problem(column, "wajib diisi"))
            return None
        try:
            return parse_date(value)
        except CellError as exc:
            out.errors.append(Problem(column, f"“{cell_text(value)}”: {exc}"))
            return None

    def _village(self, value: Any, out: CheckedRow) -> None:
        text = cell_text(value)
        if not text:
            out.errors.append(Problem("kode_desa", "wajib diisi"))
            return
        compact = text.replace(".", "").replace(" ", "")
        dotted = self.villages.get(compact)
        if dotted is not None:
            out.village_code = dotted
        elif not (compact.isdigit() and len(compact) == 10):
            out.errors.append(
                Problem(
                    "kode_desa",
                    f"“{text}” bukan kode desa/kelurahan (10 angka, mis. 32.75.01.1001)",
                )
            )
        elif not compact.startswith(self.village_prefix):
            out.errors.append(
                Problem("kode_desa", f"desa/kelurahan {text} bukan wilayah {self.pemda_name}")
            )
        else:
            out.errors.append(Problem("kode_desa", f"kode desa/kelurahan {text} tidak dikenal"))

    def _eligible(self, out: CheckedRow) -> None:
        rule = self.eligibility
        if rule is None:
            return
        if rule.sex and out.sex and out.sex != rule.sex:
            who = "perempuan" if rule.sex == Sex.PEREMPUAN else "laki-laki"
            out.errors.append(Problem("jenis_kelamin", f"JPD {self.jpd_code} hanya untuk {who}"))
        born = out.birth_date
        if born is None or (rule.age_min is None and rule.age_max is None):
            return
        year_end = date(self.year, 12, 31)
        if rule.unit == "tahun":
            # Age at 31 December of the year, as the SPM targets are counted.
            low = high = age_at(born, year_end, "tahun") if born <= year_end else -1
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
            out.errors.append(
                Problem(
                    "tanggal_lahir",
                    f"tidak memenuhi syarat JPD {self.jpd_code} (usia {span}; usia {age})",
                )
            )
