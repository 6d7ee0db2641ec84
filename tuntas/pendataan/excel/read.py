"""Read an edited workbook back (python-calamine): refuse what is not a Tuntas workbook of this
pemda and quarter, or whose layout changed; return its rows by sheet."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext, gettext_lazy

from tuntas.core.tabular import ZIP_MAGIC, is_blank
from tuntas.core.upload_guard import QUARTERLY, UploadRefused, check_zip
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.excel.layout import (
    COLUMN_INDEX,
    FIRST_DATA_ROW,
    FORMAT_MARK,
    HEADER_ROW,
    HEADERS,
    JPD_INPUTS,
    LAYOUT_VERSION,
    MAX_UPLOAD_BYTES,
    META_SHEET,
    MUTU_INPUTS,
    WorkbookRefused,
    column_letter,
    sign,
)

# --------------------------------------------------------------------------- read


@dataclass(frozen=True)
class SheetRow:
    sheet: str
    number: int  # 1-based, as Excel shows it
    jpd: str
    item: str
    cells: Mapping[str, Any]  # column key → raw value of the input cells of this row


@dataclass(frozen=True)
class ParsedWorkbook:
    metadata: Mapping[str, Any]
    rows: tuple[SheetRow, ...]


def _cell(grid: Sequence[Sequence[Any]], row: int, col: int) -> Any:
    if row < len(grid) and col < len(grid[row]):
        return grid[row][col]
    return ""


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


# Appended, as a sentence of its own, to the messages about a file that cannot be used.
REDOWNLOAD = gettext_lazy("Unduh ulang buku kerja dari Tuntas lalu isi kembali.")


def redownload(message: str) -> str:
    """``message`` followed by :data:`REDOWNLOAD`, both in the active language."""
    return f"{message} {REDOWNLOAD}"


def workbook_read(data: bytes, *, pemda: Pemda, year: int, quarter: int) -> ParsedWorkbook:
    """Read an uploaded workbook; refuse (:class:`WorkbookRefused`) what is not ours, another
    region's or quarter's, corrupt, or changed in layout. No database access."""
    from python_calamine import CalamineWorkbook

    if not data:
        raise WorkbookRefused(gettext("Berkas kosong."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkbookRefused(gettext("Berkas terlalu besar (lebih dari 5 MB)."))
    if not data.startswith(ZIP_MAGIC):
        raise WorkbookRefused(
            gettext(
                "Berkas bukan buku kerja Excel (.xlsx). Unggah berkas yang diunduh dari Tuntas, "
                "tanpa disimpan ulang sebagai CSV atau .xls."
            )
        )
    try:  # sizes, ratio, rows and columns checked before the reader sees the file
        check_zip(io.BytesIO(data), QUARTERLY, verify=True)
    except UploadRefused as exc:
        raise WorkbookRefused(str(exc)) from exc
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        grids = {}
        for name in names:
            grids[name] = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise WorkbookRefused(
            redownload(gettext("Berkas Excel rusak atau tidak dapat dibaca.")), [str(exc)]
        ) from exc
    if META_SHEET not in grids:
        raise WorkbookRefused(
            redownload(
                gettext(
                    "Berkas ini bukan buku kerja isian Tuntas (lembar metadata tidak ditemukan)."
                )
            )
        )
    metadata = _read_metadata(grids[META_SHEET])
    if metadata.get("format") != FORMAT_MARK or metadata.get("layout") != LAYOUT_VERSION:
        raise WorkbookRefused(
            redownload(
                gettext("Versi tata letak buku kerja (%(layout)s) tidak didukung.")
                % {"layout": metadata.get("layout")}
            )
        )
    if metadata.get("headers") != list(HEADERS):
        raise WorkbookRefused(redownload(gettext("Buku kerja dibuat dengan tata letak lama.")))
    if metadata.get("pemda") != pemda.code:
        raise WorkbookRefused(
            gettext(
                "Berkas ini milik pemerintah daerah %(other)s, bukan %(pemda)s (%(code)s). "
                "Unggah buku kerja %(pemda)s."
            )
            % {"other": metadata.get("pemda"), "pemda": pemda.name, "code": pemda.code}
        )
    if (metadata.get("tahun"), metadata.get("triwulan")) != (year, quarter):
        raise WorkbookRefused(
            gettext(
                "Berkas ini untuk TW%(file_quarter)s %(file_year)s, bukan TW%(quarter)s "
                "%(year)s. Unggah di halaman isian triwulan yang sesuai."
            )
            % {
                "file_quarter": metadata.get("triwulan"),
                "file_year": metadata.get("tahun"),
                "quarter": quarter,
                "year": year,
            }
        )
    problems: list[str] = []
    rows: list[SheetRow] = []
    for sheet in metadata["sheets"]:
        name = sheet["name"]
        grid = grids.get(name)
        if grid is None:
            problems.append(
                gettext("Lembar %(sheet)s tidak ditemukan (namanya diubah atau dihapus).")
                % {"sheet": name}
            )
            continue
        for index, header in enumerate(HEADERS):
            found = _text(_cell(grid, HEADER_ROW, index))
            if found != header:
                problems.append(
                    gettext(
                        "Lembar %(sheet)s, baris %(row)s, kolom %(column)s: judul kolom "
                        "seharusnya “%(expected)s”, ditemukan “%(found)s”."
                    )
                    % {
                        "sheet": name,
                        "row": HEADER_ROW + 1,
                        "column": column_letter(index),
                        "expected": header,
                        "found": found,
                    }
                )
        for offset, (jpd, item) in enumerate(sheet["rows"]):
            number = FIRST_DATA_ROW + offset
            found_key = (
                _text(_cell(grid, number, COLUMN_INDEX["kode_jpd"])),
                _text(_cell(grid, number, COLUMN_INDEX["kode_mutu"])),
            )
            if found_key != (jpd, item):
                problems.append(
                    gettext(
                        "Lembar %(sheet)s, baris %(row)s: kode seharusnya “%(expected)s”, "
                        "ditemukan “%(found)s”."
                    )
                    % {
                        "sheet": name,
                        "row": number + 1,
                        "expected": " ".join(filter(None, (jpd, item))),
                        "found": " ".join(filter(None, found_key)) or gettext("(kosong)"),
                    }
                )
                continue
            keys = JPD_INPUTS if not item else MUTU_INPUTS
            rows.append(
                SheetRow(
                    name,
                    number + 1,
                    jpd,
                    item,
                    {k: _cell(grid, number, COLUMN_INDEX[k]) for k in keys},
                )
            )
        for number in range(FIRST_DATA_ROW + len(sheet["rows"]), len(grid)):
            if not all(is_blank(c) for c in grid[number]):
                problems.append(
                    gettext("Lembar %(sheet)s, baris %(row)s: baris tambahan di luar tabel.")
                    % {"sheet": name, "row": number + 1}
                )
                break
    if problems:
        raise WorkbookRefused(
            redownload(
                gettext(
                    "Tata letak buku kerja berubah sehingga isinya tidak dapat dibaca dengan aman."
                )
            ),
            problems[:20],
        )
    return ParsedWorkbook(metadata, tuple(rows))


def _read_metadata(grid: Sequence[Sequence[Any]]) -> dict[str, Any]:
    signature = ""
    chunks: list[str] = []
    for row in grid:
        key = _text(row[0]) if row else ""
        value = row[1] if len(row) > 1 else ""
        if key == "tanda_tangan":
            signature = _text(value)
        elif key == "data" and isinstance(value, str):
            chunks.append(value)
    payload = "".join(chunks)
    if not payload or not signature or not constant_time_compare(signature, sign(payload)):
        raise WorkbookRefused(
            redownload(
                gettext(
                    "Metadata buku kerja rusak atau telah diubah, sehingga tata letaknya tidak "
                    "dapat dipastikan."
                )
            )
        )
    metadata: dict[str, Any] = json.loads(payload)
    return metadata
