"""The one formula-safe writer every export uses."""

from __future__ import annotations

import io

import xlsxwriter
from python_calamine import CalamineWorkbook

from tuntas.core.safe_write import BOM, csv_lines, csv_safe, xlsx_text


def test_every_formula_prefix_is_neutralised():
    for text in ("=1+1", "+62 812", "-5", "@SUM(A1)", "\t=cmd", "\r=cmd"):
        assert csv_safe(text) == "'" + text
    for text in ("Budi", "3275", "", " =x", "1-2"):
        assert csv_safe(text) == text


def test_csv_lines_carry_the_bom_the_delimiter_and_the_guard():
    lines = list(csv_lines(["nama", "catatan"], [["Siti", "=HYPERLINK(x)"], ["a;b", "\tx"]]))
    assert lines[0] == BOM + "nama;catatan\r\n"
    assert lines[1] == "Siti;'=HYPERLINK(x)\r\n"
    assert lines[2] == '"a;b";\'\tx\r\n'


def test_xlsx_text_is_a_string_cell():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("x")
    xlsx_text(sheet, 0, 0, "=1+1")
    book.close()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_index(0)
    assert rows.to_python() == [["=1+1"]]  # text, not the formula's result 2
