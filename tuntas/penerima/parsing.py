"""Read recipient lists as users make them, streaming: CSV (comma, semicolon or tab; UTF-8 with or
without BOM, UTF-16 or Windows-1252) row by row, or the first sheet of a workbook. Rows keep the
row number the spreadsheet shows; title rows above the header and blank rows are skipped.

Also the cell readers shared by the validation: dates in every form users type them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import chain
from pathlib import Path
from typing import Any

from tuntas.core.tabular import (
    Row,
    TableError,
    find_header,
    iter_table,
    normalize_header,
)
from tuntas.core.upload_guard import BY_NAME, UploadRefused, check_zip

COLUMNS = (
    "nik",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "kode_desa",
    "alamat",
    "terlayani_sesuai_standar",
    "tanggal_pelayanan",
    "unit_layanan",
    "catatan",
)
# optional, for a JPD whose eligibility has a grade rule (usia pendidikan dasar): checked by the
# catalog's rule, not stored
GRADE_COLUMN = "kelas"
REQUIRED_COLUMNS = (
    "nik",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "kode_desa",
    "terlayani_sesuai_standar",
)
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True, slots=True)
class Table:
    """A file opened for streaming: its header and an iterator over the data rows."""

    header: Row
    columns: dict[str, int]  # normalized column name → cell index
    rows: Iterator[Row]  # data rows after the header, blank ones skipped
    is_workbook: bool


def _not_blank(rows: Iterator[Row]) -> Iterator[Row]:
    return (row for row in rows if not row.is_blank())


def _not_blank_text(rows: Iterator[Row]) -> Iterator[Row]:
    """:func:`_not_blank` for CSV rows, whose cells are all ``str``: a row is blank when its
    cells joined hold nothing but whitespace (one join instead of a test per cell)."""
    for row in rows:
        cells = row.cells
        if cells and (cells[0].strip() or "".join(cells).strip()):
            yield row


def open_table(path: Path | str) -> Table:
    """Open a CSV or workbook (chosen by content, not by name) and find its header row.

    :class:`TableError` when the file cannot be read or has no header with the required columns.
    """
    try:
        check_zip(path, BY_NAME)  # before any reader opens the workbook
    except UploadRefused as exc:
        raise TableError(str(exc)) from exc
    is_workbook, rows = iter_table(path)
    top: list[Row] = []
    for row in rows:
        top.append(row)
        if len(top) >= HEADER_SEARCH_ROWS:
            break
    found = find_header(top, REQUIRED_COLUMNS, search_rows=HEADER_SEARCH_ROWS)
    if found is None:
        seen: set[str] = set()
        for row in top:
            seen |= {normalize_header(c) for c in row.cells}
        missing = [c for c in REQUIRED_COLUMNS if c not in seen]
        raise TableError(
            "Baris judul kolom tidak ditemukan dalam "
            f"{HEADER_SEARCH_ROWS} baris pertama; kolom wajib: {', '.join(REQUIRED_COLUMNS)}"
            + (f" (tidak ada: {', '.join(missing)})." if missing else ".")
        )
    header, index = found
    columns = {name: index[name] for name in (*COLUMNS, GRADE_COLUMN) if name in index}
    after = (row for row in top if row.number > header.number)
    keep = _not_blank if is_workbook else _not_blank_text
    return Table(header, columns, keep(chain(after, rows)), is_workbook)


# --- cell readers ---------------------------------------------------------------------------

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "pebruari": 2, "peb": 2, "maret": 3,
    "mar": 3, "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agust": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "november": 11, "nov": 11, "nopember": 11, "nop": 11,
    "desember": 12, "des": 12,
}  # fmt: skip
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_NAMED = re.compile(r"^(\d{1,2})[\s\-/.]+([a-z]+)\.?[\s\-/.]+(\d{4})$")
_DMY_SEPARATORS = "-/."
_SERIAL = re.compile(r"^\d{1,7}(?:\.0+)?$")
EXCEL_EPOCH = date(1899, 12, 30)  # serial 60 is Excel's phantom 29 February 1900
MAX_SERIAL = 2958465  # 31 December 9999


class CellError(ValueError):
    """A cell cannot be read; the message (Indonesian) says why."""


def excel_serial_to_date(serial: float) -> date:
    if not 1 <= serial <= MAX_SERIAL:
        raise CellError("nomor tanggal Excel di luar jangkauan")
    return EXCEL_EPOCH + timedelta(days=int(serial))


def parse_date(value: Any) -> date:
    """ISO, ``DD-MM-YYYY``, ``DD/MM/YYYY``, Excel date cells and serials, and Indonesian month
    names full or abbreviated (``17 Agustus 1945``, ``17 Agu 1945``)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError("bukan tanggal")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            value = int(value)  # a date-time serial: keep the day
        return excel_serial_to_date(value)
    text = str(value).strip().lower()
    if len(text) == 10 and text.isascii():
        # Fast paths for the two forms nearly every file uses: 2024-08-17 and 17-08-2024
        # (also 17/08/2024, 17.08.2024); the same results and messages as the patterns below.
        if text[4] == "-" and text[7] == "-":
            y, m, d = text[:4], text[5:7], text[8:]
        elif text[2] in _DMY_SEPARATORS and text[5] in _DMY_SEPARATORS:
            y, m, d = text[6:], text[3:5], text[:2]
        else:
            y = m = d = ""
        if y.isdigit() and m.isdigit() and d.isdigit():
            try:
                return date(int(y), int(m), int(d))
            except ValueError as exc:
                raise CellError("tanggal tidak ada di kalender") from exc
    try:
        if match := _ISO.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DMY.match(text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if match := _NAMED.match(text):
            month = MONTHS.get(match[2])
            if month is None:
                raise CellError(f"nama bulan “{match[2]}” tidak dikenal")
            return date(int(match[3]), month, int(match[1]))
    except ValueError as exc:
        if isinstance(exc, CellError):
            raise
        raise CellError("tanggal tidak ada di kalender") from exc
    if _SERIAL.match(text):
        return excel_serial_to_date(float(text))
    raise CellError(
        "format tanggal tidak dikenal (gunakan mis. 2024-08-17, 17-08-2024, 17/08/2024 "
        "atau 17 Agustus 2024)"
    )


def cell_text(value: Any) -> str:
    """A cell as trimmed text (workbook numbers without a trailing ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def report_text(value: Any) -> Any:
    """A cell as it goes back into the error report (kept as it was read, dates as text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
