"""Read spreadsheets the way users make them: CSV from Excel (comma, semicolon or tab; UTF-8 with
or without BOM, UTF-16, or Windows-1252) and workbooks (XLSX, XLSM, XLS, ODS; first sheet).

Rows come back with their spreadsheet row number (1-based, as Excel shows it) so every message can
name the row. Cells are ``str`` for CSV; workbook cells keep their type (``float``, ``int``,
``bool``, ``datetime``/``date``/``time``, ``str``; an empty cell is ``""``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CSV_DELIMITERS = (";", ",", "\t")


class TableError(ValueError):
    """The file cannot be read as a table at all (message in Indonesian)."""


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # spreadsheet row number, 1-based
    cells: tuple[Any, ...]

    def is_blank(self) -> bool:
        return all(is_blank(c) for c in self.cells)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalize_header(value: Any) -> str:
    """``" Kode JPD "`` → ``kode_jpd``; BOM, case, spaces and dashes do not matter."""
    text = str(value or "").replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-/]+", "_", text)


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel's "CSV (Comma delimited)" on Windows writes the ANSI code page.
        return data.decode("cp1252", errors="replace")


def _sniff_delimiter(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in CSV_DELIMITERS}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def read_csv_bytes(data: bytes) -> list[Row]:
    text = _decode(data)
    if "\x00" in text:
        raise TableError("Berkas bukan CSV teks yang dapat dibaca.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    try:
        return [Row(n, tuple(cells)) for n, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise TableError(f"Berkas CSV rusak: {exc}") from exc


def read_workbook_bytes(data: bytes) -> list[Row]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise TableError("Buku kerja tidak memiliki lembar kerja.")
        sheet = workbook.get_sheet_by_index(0)
        # Keep the empty area above the first used cell so row numbers are Excel's.
        values = sheet.to_python(skip_empty_area=False)
    except TableError:
        raise
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise TableError(f"Buku kerja tidak dapat dibaca (rusak atau bukan Excel): {exc}") from exc
    return [Row(i + 1, tuple(cells)) for i, cells in enumerate(values)]


def read_table(path: Path | str) -> list[Row]:
    """Read the first sheet of a workbook or a CSV file, choosing by content, not by name."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(f"Berkas {path} tidak dapat dibuka: {exc.strerror or exc}") from exc
    return read_table_bytes(data)


def read_table_bytes(data: bytes) -> list[Row]:
    if not data.strip():
        raise TableError("Berkas kosong.")
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return read_workbook_bytes(data)
    return read_csv_bytes(data)


def find_header(
    rows: Iterable[Row], required: Iterable[str], *, search_rows: int = 20
) -> tuple[Row, dict[str, int]] | None:
    """The first row (within ``search_rows``) holding every required column name, and a map of
    normalized column name → index. Title rows above the header are skipped."""
    wanted = set(required)
    for i, row in enumerate(rows):
        if i >= search_rows:
            break
        names = [normalize_header(c) for c in row.cells]
        if wanted <= set(names):
            index: dict[str, int] = {}
            for position, name in enumerate(names):
                index.setdefault(name, position)
            return row, index
    return None


def data_rows(rows: list[Row], header: Row) -> Iterator[Row]:
    """Rows after the header, skipping blank ones (Excel's empty trailing rows)."""
    for row in rows:
        if row.number > header.number and not row.is_blank():
            yield row


_PLAIN = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(?:(?P<sep>[.,])\d{3})(?:(?P=sep)\d{3})*$")
_GROUPED_WITH_ZERO_DECIMALS = re.compile(
    r"^(?P<int>\d{1,3}(?:(?P<sep>[.,])\d{3})*|\d+)(?P<dec>[.,])0+$"
)


class CountError(ValueError):
    """A cell is not a whole, non-negative count; the message says why, in Indonesian."""


def parse_count(value: Any) -> int:
    """Read a whole, non-negative number as users type it.

    ``1234``, ``1.234``, ``1,234``, ``1.234.567`` (grouping must be exact), ``1.234,00`` and
    workbook numbers such as ``1234.0`` give ints; ``12,5``, ``1.23``, ``-4`` and text raise
    :class:`CountError`.
    """
    if isinstance(value, bool):
        raise CountError(gettext("bukan angka"))
    if isinstance(value, int):
        if value < 0:
            raise CountError(gettext("tidak boleh negatif"))
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CountError(gettext("bukan angka"))
        if value < 0:
            raise CountError(gettext("tidak boleh negatif"))
        if not value.is_integer():
            raise CountError(gettext("harus bilangan bulat"))
        return int(value)
    if not isinstance(value, str):
        raise CountError(gettext("bukan angka"))
    text = value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").strip()
    if not text:
        raise CountError(gettext("kosong"))
    if (
        text.startswith("-")
        and len(text) > 1
        and (text[1:].replace(".", "").replace(",", "").isdigit())
    ):
        raise CountError(gettext("tidak boleh negatif"))
    if text.startswith("+"):
        text = text[1:]
    if _PLAIN.match(text):
        return int(text)
    if _GROUPED.match(text):
        return int(text.replace(".", "").replace(",", ""))
    zero_decimals = _GROUPED_WITH_ZERO_DECIMALS.match(text)
    if zero_decimals and zero_decimals.group("sep") != zero_decimals.group("dec"):
        return int(zero_decimals.group("int").replace(".", "").replace(",", ""))
    if re.match(r"^[\d.,]+$", text):
        raise CountError(gettext("harus bilangan bulat (pemisah ribuan harus tepat per 3 angka)"))
    raise CountError(gettext("bukan angka"))
