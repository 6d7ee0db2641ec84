"""Turn a calculator file (one row per JPD of one region and period) into engine inputs.

Every problem is collected with its row and column, in Indonesian; if there is any, nothing is
computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tuntas.core.formatting import format_int_id
from tuntas.core.tabular import (
    CountError,
    Row,
    data_rows,
    find_header,
    normalize_header,
    parse_count,
)
from tuntas.katalog.reference import Catalog
from tuntas.perhitungan.batas import COUNT_MAX
from tuntas.perhitungan.engine import JpdInput

CODE_COLUMN = "kode_jpd"
COUNT_COLUMNS = ("sasaran", "terlayani", "mutu_tersedia", "mutu_dibutuhkan")
COLUMNS = (CODE_COLUMN, *COUNT_COLUMNS)
LEVEL_NAMES = {"provinsi": "provinsi", "kabkota": "kabupaten/kota"}


@dataclass(frozen=True, slots=True)
class Problem:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Baris {self.row}")
        if self.column is not None:
            where.append(f"kolom '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class CalculatorInputError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text if len(text) <= 40 else text[:37] + "..."


def _missing_columns(rows: list[Row]) -> list[Problem]:
    """Name the missing columns against the row that looks most like a header."""
    candidates = [r for r in rows[:20] if not r.is_blank()]
    if not candidates:
        return [Problem(None, None, "Berkas tidak berisi baris judul maupun data.")]
    best = max(candidates, key=lambda r: len(set(COLUMNS) & {normalize_header(c) for c in r.cells}))
    present = {normalize_header(c) for c in best.cells}
    return [
        Problem(best.number, None, f"kolom '{name}' tidak ditemukan pada baris judul")
        for name in COLUMNS
        if name not in present
    ]


def read_calculator_rows(rows: list[Row], catalog: Catalog) -> list[JpdInput]:
    found = find_header(rows, COLUMNS)
    if found is None:
        raise CalculatorInputError(_missing_columns(rows))
    header, index = found
    problems: list[Problem] = []
    inputs: list[JpdInput] = []
    first_row_of: dict[str, int] = {}
    level_seen: tuple[str, int, str] | None = None  # level, row, code
    any_row = False
    for row in data_rows(rows, header):
        any_row = True

        def cell(name: str, row: Row = row) -> Any:
            position = index[name]
            return row.cells[position] if position < len(row.cells) else ""

        row_problems: list[Problem] = []
        raw_code = cell(CODE_COLUMN)
        code = str(raw_code).strip().upper() if raw_code is not None else ""
        jpd = None
        if not code:
            row_problems.append(Problem(row.number, CODE_COLUMN, "kode JPD kosong"))
        elif code not in catalog.jpd:
            row_problems.append(
                Problem(row.number, CODE_COLUMN, f"kode JPD '{_shown(raw_code)}' tidak dikenal")
            )
        elif code in first_row_of:
            row_problems.append(
                Problem(
                    row.number,
                    CODE_COLUMN,
                    f"kode JPD {code} sudah ada di baris {first_row_of[code]}",
                )
            )
        else:
            first_row_of[code] = row.number
            jpd = catalog.jpd[code]
            if level_seen is None:
                level_seen = (jpd.level, row.number, code)
            elif jpd.level != level_seen[0]:
                row_problems.append(
                    Problem(
                        row.number,
                        CODE_COLUMN,
                        f"{code} adalah JPD {LEVEL_NAMES[jpd.level]}, sedangkan {level_seen[2]} "
                        f"(baris {level_seen[1]}) JPD {LEVEL_NAMES[level_seen[0]]}; satu berkas "
                        "hanya untuk satu daerah (provinsi atau kabupaten/kota)",
                    )
                )
        counts: dict[str, int] = {}
        for name in COUNT_COLUMNS:
            value = cell(name)
            try:
                counts[name] = parse_count(value)
            except CountError as exc:
                shown = f"'{_shown(value)}' " if str(value).strip() else ""
                row_problems.append(
                    Problem(row.number, name, f"nilai {shown}{exc}".replace("  ", " "))
                )
                continue
            if counts[name] > COUNT_MAX:
                del counts[name]
                row_problems.append(
                    Problem(
                        row.number,
                        name,
                        f"nilai '{_shown(value)}' terlalu besar "
                        f"(paling banyak {format_int_id(COUNT_MAX)})",
                    )
                )
        if (
            "sasaran" in counts
            and "terlayani" in counts
            and counts["sasaran"] == 0
            and counts["terlayani"] > 0
        ):
            row_problems.append(
                Problem(
                    row.number,
                    "terlayani",
                    f"terlayani {counts['terlayani']} padahal sasaran 0; isi sasaran, "
                    "atau 0 bila memang tidak ada sasaran",
                )
            )
        problems.extend(row_problems)
        if not row_problems and jpd is not None:
            inputs.append(
                JpdInput(
                    kode=jpd.code,
                    urusan=jpd.urusan,
                    sasaran=counts["sasaran"],
                    terlayani=counts["terlayani"],
                    mutu_tersedia=counts["mutu_tersedia"],
                    mutu_dibutuhkan=counts["mutu_dibutuhkan"],
                )
            )
    if not any_row:
        problems.append(Problem(header.number, None, "tidak ada baris data di bawah baris judul"))
    if problems:
        raise CalculatorInputError(problems)
    return inputs
