"""Build the workbook (XlsxWriter) from a plan: instruction sheet, one sheet per urusan, and the
hidden, signed metadata sheet."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from tuntas.core.safe_write import xlsx_title
from tuntas.pendataan.excel.layout import (
    _META_CHUNK,
    COLUMN_INDEX,
    COLUMNS,
    FIRST_DATA_ROW,
    FORMAT_MARK,
    GUIDE_SHEET,
    HEADER_ROW,
    HEADERS,
    LAYOUT_VERSION,
    META_SHEET,
    NOTE_ROW,
    TITLE_ROW,
    JpdLine,
    MutuLine,
    SheetPlan,
    WorkbookPlan,
    sign,
)

# --------------------------------------------------------------------------- build


CellOverrides = Mapping[tuple[str, str, str], Any]  # (kode JPD, kode mutu or "", column key)


def workbook_build(plan: WorkbookPlan, *, cells: CellOverrides | None = None) -> bytes:
    """The .xlsx bytes for ``plan``. ``cells`` replaces what input cells hold (raw values, text
    kept as text), the way a user's edits would; the metadata always describes ``plan``."""
    import xlsxwriter

    cells = cells or {}
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    workbook.set_properties(
        {
            "title": gettext("Isian SPM TW%(quarter)s %(year)s — %(pemda)s")
            % {"quarter": plan.quarter, "year": plan.year, "pemda": plan.pemda_name},
            "company": plan.pemda_name,
            "comments": gettext("Dibuat oleh Tuntas"),
        }
    )
    base = {"border": 1, "border_color": "#9e9e9e", "valign": "top", "font_size": 10}
    fmt = {
        "title": workbook.add_format({"bold": True, "font_size": 13}),
        "note": workbook.add_format({"italic": True, "font_color": "#555555", "font_size": 9}),
        "header": workbook.add_format(
            {**base, "bold": True, "text_wrap": True, "bg_color": "#1f4e79", "font_color": "white"}
        ),
        "key": workbook.add_format({**base, "bg_color": "#eeeeee"}),
        "key_jpd": workbook.add_format({**base, "bg_color": "#eeeeee", "bold": True}),
        "info": workbook.add_format({**base, "bg_color": "#eeeeee", "text_wrap": True}),
        "info_jpd": workbook.add_format(
            {**base, "bg_color": "#eeeeee", "text_wrap": True, "bold": True}
        ),
        "info_num": workbook.add_format({**base, "bg_color": "#eeeeee", "num_format": "#,##0"}),
        "na": workbook.add_format({**base, "bg_color": "#d0d0d0"}),
        "count": workbook.add_format({**base, "locked": False, "num_format": "#,##0"}),
        "money": workbook.add_format({**base, "locked": False, "num_format": "#,##0.##"}),
        "text": workbook.add_format({**base, "locked": False, "text_wrap": True}),
    }
    _write_guide(workbook, plan, fmt)
    for sheet in plan.sheets:
        _write_sheet(workbook, plan, sheet, cells, fmt)
    _write_metadata(workbook, plan)
    workbook.close()
    return buffer.getvalue()


# Human guidance only: translated. Headers, sheet names and metadata keys are not (they are
# the layout a returned file is checked against, whatever the user's language).
GUIDE_LINES = (
    gettext_lazy(
        "Setiap lembar berisi satu urusan. Isi hanya sel berwarna putih; sel abu-abu dikunci."
    ),
    gettext_lazy(
        "Baris JPD: terlayani (kumulatif sampai akhir triwulan), pagu dan realisasi anggaran "
        "(rupiah), permasalahan, solusi, dan penjelasan bila terlayani melebihi sasaran."
    ),
    gettext_lazy("Baris di bawah JPD (dengan kode mutu): jumlah mutu dibutuhkan dan tersedia."),
    gettext_lazy("Angka ditulis sebagai bilangan bulat 0 atau lebih, misalnya 1234 atau 1.234."),
    gettext_lazy("Sasaran tahunan hanya dapat diubah di aplikasi (disertai alasan)."),
    gettext_lazy(
        "Jangan mengubah nama lembar, judul kolom, kode, atau urutan baris, dan jangan menambah "
        "baris; berkas yang tata letaknya berubah akan ditolak."
    ),
    gettext_lazy(
        "Unggah berkas ini di halaman isian triwulan yang sama. Anda akan melihat pratinjau semua "
        "perubahan dan kesalahan; data baru disimpan setelah Anda mengonfirmasi."
    ),
    gettext_lazy(
        "Bila orang lain menyimpan JPD yang sama setelah berkas ini diunduh, perubahan Anda pada "
        "JPD itu ditolak; unduh ulang berkas."
    ),
)


def _write_guide(workbook: Any, plan: WorkbookPlan, fmt: dict[str, Any]) -> None:
    """The title block (what, pemda, period, made at in the pemda's zone, DATA CONTOH for a demo
    pemda: the one writer's, ``core.safe_write``), who downloaded it, then the instructions. The
    reader never reads this sheet, so its layout is free."""
    ws = workbook.add_worksheet(GUIDE_SHEET)
    ws.set_column(0, 0, 110)
    row = xlsx_title(ws, plan.heading, fmt["title"]) - 1  # the blank row after the block
    ws.write_string(
        row, 0, gettext("Diunduh oleh %(user)s.") % {"user": plan.created_by or "—"}, fmt["note"]
    )
    row += 2
    ws.write_string(row, 0, gettext("Cara mengisi"), fmt["title"])
    for number, text in enumerate(GUIDE_LINES, start=1):
        ws.write_string(row + number, 0, f"{number}. {text}")
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})


def _write_input(ws: Any, row: int, col: int, value: Any, style: Any) -> None:
    if value is None or (isinstance(value, str) and value == ""):
        ws.write_blank(row, col, None, style)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, style)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(row, col, float(value), style)
    else:
        ws.write_string(row, col, str(value), style)


def _write_sheet(
    workbook: Any,
    plan: WorkbookPlan,
    sheet: SheetPlan,
    cells: CellOverrides,
    fmt: dict[str, Any],
) -> None:
    ws = workbook.add_worksheet(sheet.name)
    for index, column in enumerate(COLUMNS):
        ws.set_column(index, index, column.width)
    ws.write_string(
        TITLE_ROW,
        0,
        gettext("Isian SPM TW%(quarter)s %(year)s — %(pemda)s — %(urusan)s")
        % {
            "quarter": plan.quarter,
            "year": plan.year,
            "pemda": plan.pemda_name,
            "urusan": f"{sheet.urusan_code} {sheet.urusan_name}",
        },
        fmt["title"],
    )
    note = gettext("Isi hanya sel putih. Jangan mengubah judul kolom, kode, atau urutan baris.")
    if plan.heading.demo:  # the reader skips this row: the mark is safe on every sheet
        note = f"{plan.heading.demo_mark()} {note}"
    ws.write_string(NOTE_ROW, 0, note, fmt["note"])
    ws.set_row(HEADER_ROW, 30)
    for index, header in enumerate(HEADERS):
        ws.write_string(HEADER_ROW, index, header, fmt["header"])
    row = FIRST_DATA_ROW
    for line in sheet.jpd:
        _write_jpd_row(ws, row, line, cells, fmt)
        row += 1
        for item in line.items:
            _write_mutu_row(ws, row, line, item, cells, fmt)
            row += 1
    last = max(row - 1, FIRST_DATA_ROW)
    count_rule = {
        "validate": "integer",
        "criteria": ">=",
        "value": 0,
        # Translators: Excel's data validation: the title holds at most 32 characters.
        "error_title": gettext("Angka tidak sah"),
        "error_message": gettext("Isi bilangan bulat 0 atau lebih, tanpa desimal."),
    }
    money_rule = {
        "validate": "decimal",
        "criteria": ">=",
        "value": 0,
        "error_title": gettext("Angka tidak sah"),
        "error_message": gettext("Isi nilai rupiah 0 atau lebih."),
    }
    for column in COLUMNS:
        index = COLUMN_INDEX[column.key]
        if column.kind == "count":
            ws.data_validation(FIRST_DATA_ROW, index, last, index, count_rule)
        elif column.kind == "money":
            ws.data_validation(FIRST_DATA_ROW, index, last, index, money_rule)
    ws.freeze_panes(FIRST_DATA_ROW, 3)
    ws.protect(
        "",
        {
            "select_locked_cells": True,
            "select_unlocked_cells": True,
            "format_columns": True,
            "format_rows": True,
        },
    )


def _write_jpd_row(
    ws: Any, row: int, line: JpdLine, cells: CellOverrides, fmt: dict[str, Any]
) -> None:
    ws.write_string(row, COLUMN_INDEX["kode_jpd"], line.code, fmt["key_jpd"])
    ws.write_blank(row, COLUMN_INDEX["kode_mutu"], None, fmt["key"])
    ws.write_string(row, COLUMN_INDEX["uraian"], line.name, fmt["info_jpd"])
    ws.write_string(row, COLUMN_INDEX["pengampu"], line.pengampu, fmt["info"])
    if line.sasaran is None:
        ws.write_blank(row, COLUMN_INDEX["sasaran"], None, fmt["info_num"])
    else:
        ws.write_number(row, COLUMN_INDEX["sasaran"], line.sasaran, fmt["info_num"])
    for column in COLUMNS:
        index = COLUMN_INDEX[column.key]
        if column.input_on == "jpd":
            value = cells.get((line.code, "", column.key), line.values.get(column.key))
            _write_input(ws, row, index, value, fmt[column.kind])
        elif column.input_on == "mutu":
            ws.write_blank(row, index, None, fmt["na"])


def _write_mutu_row(
    ws: Any, row: int, line: JpdLine, item: MutuLine, cells: CellOverrides, fmt: dict[str, Any]
) -> None:
    ws.write_string(row, COLUMN_INDEX["kode_jpd"], line.code, fmt["key"])
    ws.write_string(row, COLUMN_INDEX["kode_mutu"], item.code, fmt["key"])
    ws.write_string(row, COLUMN_INDEX["uraian"], item.name, fmt["info"])
    if item.unit:
        ws.write_string(row, COLUMN_INDEX["pengampu"], item.unit, fmt["info"])
    else:
        ws.write_blank(row, COLUMN_INDEX["pengampu"], None, fmt["info"])
    ws.write_blank(row, COLUMN_INDEX["sasaran"], None, fmt["na"])
    for column in COLUMNS:
        index = COLUMN_INDEX[column.key]
        if column.input_on == "mutu":
            value = cells.get(
                (line.code, item.code, column.key), line.values.get(column.key, item.code)
            )
            _write_input(ws, row, index, value, fmt[column.kind])
        elif column.input_on == "jpd":
            ws.write_blank(row, index, None, fmt["na"])


def _write_metadata(workbook: Any, plan: WorkbookPlan) -> None:
    ws = workbook.add_worksheet(META_SHEET)
    payload = json.dumps(plan.metadata(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    rows: list[tuple[str, str]] = [
        ("format", FORMAT_MARK),
        ("versi_tata_letak", LAYOUT_VERSION),
        ("pemda", plan.pemda_code),
        ("tahun", str(plan.year)),
        ("triwulan", str(plan.quarter)),
        ("tanda_tangan", sign(payload)),
    ]
    rows += [("data", payload[i : i + _META_CHUNK]) for i in range(0, len(payload), _META_CHUNK)]
    ws.write_string(0, 0, gettext("Metadata Tuntas — jangan diubah"))  # a note, not a key
    for number, (key, value) in enumerate(rows, start=1):
        ws.write_string(number, 0, key)
        ws.write_string(number, 1, value)
    ws.protect("", {"select_locked_cells": False, "select_unlocked_cells": False})
    ws.hide()
