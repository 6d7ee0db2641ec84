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
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext

from tuntas.core.rows import Row, TableError, is_blank

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CSV_DELIMITERS = (";", ",", "\t")

__all__ = ["Row", "TableError", "is_blank"]  # defined in core.rows, read by every reader here


def normalize_header(value: Any) -> str:
    """``" Kode JPD "`` → ``kode_jpd``; BOM, case, spaces and dashes do not matter."""
    text = str(value or "").replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-/]+", "_", text)


SAMPLE_BYTES = 64 * 1024  # read to sniff the delimiter and to refuse binary data


def detect_encoding(binary: IO[bytes]) -> str:
    """The encoding of a CSV file as Excel writes them: UTF-8 (with or without BOM), UTF-16
    (with BOM), or Windows-1252 when the bytes are not UTF-8 ("CSV (Comma delimited)" on
    Windows). Reads the stream through, then puts it back at the start."""
    head = binary.read(4)
    try:
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        binary.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while block := binary.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
        return "utf-8"
    finally:
        binary.seek(0)


def _sniff_delimiter(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in CSV_DELIMITERS}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def iter_csv(binary: IO[bytes]) -> Iterator[Row]:
    """A CSV file's rows, streamed (cells are ``str``); closes ``binary`` at the end."""
    encoding = detect_encoding(binary)
    handle = io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")
    try:
        sample = handle.read(SAMPLE_BYTES)
        if "\x00" in sample:
            raise TableError("Berkas bukan CSV teks yang dapat dibaca.")
        handle.seek(0)
        reader = csv.reader(handle, delimiter=_sniff_delimiter(sample))
        try:
            for number, cells in enumerate(reader, start=1):
                yield Row(number, tuple(cells))
        except csv.Error as exc:
            raise TableError(f"Berkas CSV rusak: {exc}") from exc
    finally:
        handle.close()


def iter_calamine(source: str | Path | IO[bytes]) -> Iterator[Row]:
    """The first sheet of a workbook (XLSX, XLS, ODS, XLSB) through python-calamine; row numbers
    are the spreadsheet's (the empty rows above the first used cell count)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = (
            CalamineWorkbook.from_path(str(source))
            if isinstance(source, str | Path)
            else CalamineWorkbook.from_filelike(source)
        )
        if not workbook.sheet_names:
            raise TableError("Buku kerja tidak memiliki lembar kerja.")
        sheet = workbook.get_sheet_by_index(0)
        # iter_rows() starts at row 1 (the empty rows above the first used cell included) but
        # at the first used column; an empty sheet has no start and nothing to iterate.
        rows = sheet.iter_rows() if sheet.start is not None else iter(())
    except TableError:
        raise
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise TableError(f"Buku kerja tidak dapat dibaca (rusak atau bukan Excel): {exc}") from exc
    for i, cells in enumerate(rows):
        yield Row(i + 1, tuple(cells))


def iter_workbook(path: Path) -> Iterator[Row]:
    """The first sheet's rows: XLSX streamed by :mod:`tuntas.core.xlsx_stream` (flat memory
    whatever the size); XLS, ODS, XLSB and what that reader does not handle through calamine."""
    from tuntas.core.xlsx_stream import NotStreamable, StreamBroken, open_first_sheet

    with path.open("rb") as handle:
        is_zip = handle.read(len(ZIP_MAGIC)) == ZIP_MAGIC
    if not is_zip:  # XLS (OLE)
        yield from iter_calamine(str(path))
        return
    try:
        sheet = open_first_sheet(str(path))
    except NotStreamable:
        _verified(path)
        yield from iter_calamine(str(path))
        return
    try:
        yield from sheet
    except StreamBroken as broken:  # markup hidden in a comment or CDATA: let calamine go on
        _verified(path)
        yield from (row for row in iter_calamine(str(path)) if row.number > broken.last_row)


def _verified(path: Path | IO[bytes], *, verify: bool = True) -> None:
    """Before a reader opens a workbook (calamine trusts its headers and holds the sheet in
    memory): its zip directory and declared sheet extent, and with ``verify`` every part
    decompressed once in small chunks, against the limits (tuntas.core.upload_guard)."""
    from tuntas.core.upload_guard import BY_NAME, UploadRefused, check_zip

    try:
        check_zip(path, BY_NAME, verify=verify)
    except UploadRefused as exc:
        raise TableError(str(exc)) from exc


def _bounded(rows: Iterator[Row], *, is_workbook: bool) -> Iterator[Row]:
    """``rows`` counted while streaming: a table with more rows or columns than the limits
    (tuntas.core.upload_guard: TABLE, and a worksheet's own limits) stops with TableError."""
    from tuntas.core.upload_guard import BY_NAME, TABLE, UploadRefused, check_rows, configured

    table = configured(TABLE)
    max_rows, max_columns = table.max_rows, table.max_columns
    if is_workbook:
        sheet = configured(BY_NAME)
        max_rows = min(max_rows, sheet.max_rows or max_rows)
        max_columns = min(max_columns, sheet.max_columns or max_columns)
    for row in rows:
        if row.number > max_rows or len(row.cells) > max_columns:
            try:
                check_rows(
                    row.number, limit=max_rows, columns=len(row.cells), column_limit=max_columns
                )
            except UploadRefused as exc:
                raise TableError(str(exc)) from exc
        yield row


def _size_checked(path: Path) -> None:
    from tuntas.core.upload_guard import MIB, TABLE, configured

    limit = configured(TABLE).max_bytes
    size = path.stat().st_size
    if size > limit:
        raise TableError(
            gettext("Berkas ditolak: %(size)s MB (paling banyak %(max)s MB).")
            % {"size": f"{size / MIB:,.0f}".replace(",", "."), "max": limit // MIB}
        )


def iter_table(path: Path | str) -> tuple[bool, Iterator[Row]]:
    """A CSV or workbook file, chosen by content, not by name: (is it a workbook, its rows
    streamed). :class:`TableError` when it cannot be opened or is empty."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES)
    except OSError as exc:
        raise TableError(f"Berkas {path} tidak dapat dibuka: {exc.strerror or exc}") from exc
    if not head.strip():
        raise TableError("Berkas kosong.")
    _size_checked(path)
    if head.startswith(ZIP_MAGIC):
        _verified(path, verify=False)  # before any reader opens it
    if head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return True, _bounded(iter_workbook(path), is_workbook=True)
    return False, _bounded(iter_csv(path.open("rb")), is_workbook=False)


def read_table(path: Path | str) -> list[Row]:
    """Every row of the first sheet of a workbook or of a CSV file (small files)."""
    return list(iter_table(path)[1])


def read_table_bytes(data: bytes) -> list[Row]:
    """:func:`read_table` for a file held in memory (the same readers)."""
    if not data.strip():
        raise TableError("Berkas kosong.")
    if data.startswith(ZIP_MAGIC):
        _verified(io.BytesIO(data))
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return list(_bounded(iter_calamine(io.BytesIO(data)), is_workbook=True))
    return list(_bounded(iter_csv(io.BytesIO(data)), is_workbook=False))


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
    if len(text) > 64:  # no count has so many digits (and int() refuses beyond 4300)
        raise CountError(gettext("terlalu panjang"))
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
