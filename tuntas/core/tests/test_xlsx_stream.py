"""The streaming XLSX reader (tuntas/core/xlsx_stream.py): the same rows as python-calamine
(differential tests over committed, generated and hand-written workbooks), each feature on its
own, the fallbacks, broken files and flat memory."""

from __future__ import annotations

import math
import tempfile
import tracemalloc
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, ClassVar
from unittest import mock

import xlsxwriter
from django.test import SimpleTestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from tuntas.core import xlsx_stream
from tuntas.core.tabular import TableError
from tuntas.core.tabular import iter_calamine as _calamine_rows
from tuntas.core.tabular import iter_workbook as _workbook_rows
from tuntas.core.xlsx_stream import (
    NotStreamable,
    SheetReader,
    is_date_format,
    open_first_sheet,
)
from tuntas.penerima.parsing import open_table

FIXTURES = Path(__file__).resolve().parents[2] / "kalkulator" / "tests" / "files"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
# Error cells: calamine gives "", this reader their text (see the module docstring).
ERRORS = {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"}
DATE_STYLES = (
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="[h]:mm:ss"/></numFmts>'
    '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/>'
    '<xf numFmtId="165"/><xf numFmtId="4"/><xf numFmtId="21"/></cellXfs>'
)


def _key(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def _trim(cells: list[Any], errors_blank: bool) -> tuple[Any, ...]:
    if errors_blank:
        cells = ["" if isinstance(c, str) and c in ERRORS else c for c in cells]
    while cells and cells[-1] == "":
        cells.pop()
    return tuple(_key(c) for c in cells)


def calamine_rows(path: Path) -> dict[int, tuple[Any, ...]]:
    """Row number → the non-empty cells at their absolute column, as calamine reads them."""
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    if sheet.start is None:
        return {}
    offset = sheet.start[1]  # iter_rows() starts at row 1 but at the first used column
    out = {}
    for i, cells in enumerate(sheet.iter_rows()):
        if values := _trim([""] * offset + list(cells), errors_blank=False):
            out[i + 1] = values
    return out


def stream_rows(path: Path, *, errors_blank: bool = True) -> dict[int, tuple[Any, ...]]:
    out: dict[int, tuple[Any, ...]] = {}
    for row in open_first_sheet(str(path)):
        if values := _trim(list(row.cells), errors_blank=errors_blank):
            assert row.number not in out, f"row {row.number} twice"
            out[row.number] = values
    return out


def values(path: Path) -> dict[int, tuple[Any, ...]]:
    """The rows as plain values (no type tags), errors kept as text."""
    return {
        number: tuple(v for _, v in cells)
        for number, cells in stream_rows(path, errors_blank=False).items()
    }


def make_xlsx(
    path: Path,
    sheet_data: str,
    *,
    shared: str | None = None,
    styles: str | None = None,
    date1904: bool = False,
    sheet_part: str = "xl/worksheets/sheet1.xml",
    target: str = "worksheets/sheet1.xml",
    prefix: str = "",
    before_data: str = "",
    after_data: str = "",
) -> Path:
    """A workbook written by hand: the XML forms no writer at hand produces."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    rels = [f'<Relationship Id="rId7" Type="{RELS}/worksheet" Target="{target}"/>']
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="xml" ContentType="application/'
            'xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            f'{pr}<sheets><sheet name="Data" sheetId="1" r:id="rId7"/>'
            f'<sheet name="Lain" sheetId="2" r:id="rId6"/></sheets></workbook>',
        )
        rels.append(f'<Relationship Id="rId6" Type="{RELS}/worksheet" Target="other.xml"/>')
        archive.writestr(
            "xl/other.xml",
            f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
            "lembar kedua</t></is></c></row></sheetData></worksheet>",
        )
        if shared is not None:
            rels.append(
                f'<Relationship Id="rId8" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            )
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{shared}</sst>')
        if styles is not None:
            rels.append(f'<Relationship Id="rId9" Type="{RELS}/styles" Target="styles.xml"/>')
            archive.writestr("xl/styles.xml", f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>')
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PACKAGE_RELS}">{"".join(rels)}</Relationships>',
        )
        archive.writestr(
            sheet_part,
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {xmlns} '
            f'xmlns:r="{RELS}">{before_data}<{p}sheetData>{sheet_data}</{p}sheetData>'
            f"{after_data}</{p}worksheet>",
        )
    return path


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


class TempDirMixin:
    tmp: ClassVar[Path]
    _tmpdir: ClassVar[tempfile.TemporaryDirectory[str]]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()  # type: ignore[misc]
        cls._tmpdir = tempfile.TemporaryDirectory()
        cls.tmp = Path(cls._tmpdir.name)

    @classmethod
    def tearDownClass(cls) -> None:
        cls._tmpdir.cleanup()
        super().tearDownClass()  # type: ignore[misc]


def xlsxwriter_book(path: Path, *, inline_strings: bool, date1904: bool = False) -> Path:
    """Every cell kind users' files hold, as XlsxWriter writes it (shared strings, or inline
    strings in constant-memory mode): a merged title above the header, numeric NIKs, date,
    date-time, time and duration cells, booleans, formulas with cached results (number, text,
    error), sparse cells from column C on, text with spaces, markup characters, emoji and
    control characters, rich text, styled blank trailing rows."""
    book = xlsxwriter.Workbook(
        str(path), {"constant_memory": inline_strings, "date_1904": date1904}
    )
    sheet = book.add_worksheet("Penerima")
    book.add_worksheet("Lain").write(0, 0, "bukan lembar pertama")
    formats = [
        book.add_format({"num_format": code})
        for code in ("dd/mm/yyyy", "yyyy-mm-dd hh:mm", 14, "hh:mm", "[h]:mm:ss", "0.00")
    ]
    bold = book.add_format({"bold": True})
    red = book.add_format({"font_color": "red"})
    sheet.merge_range(0, 2, 1, 6, "DAFTAR PENERIMA SPM 2025", bold)
    sheet.write_row(3, 2, ["nik", "nama", "tanggal_lahir", "ya", "rumus"])
    r = 4
    for i in range(260):
        sheet.write_number(r, 2, 3275084101660000 + i)
        sheet.write_string(r, 3, f"  Nama {i} & <b> \"q\" 'a' é 😀 ")
        born = datetime(1990, 1, 1) + timedelta(days=i * 37, hours=i % 3 * 5)
        sheet.write_datetime(r, 4, born, formats[i % 3])
        if i % 7 == 0:
            sheet.write_boolean(r, 5, i % 2 == 0)
        if i % 11 == 0:
            sheet.write_formula(r, 6, f"=C{r + 1}*2", None, (3275084101660000 + i) * 2)
        if i % 13 == 0:
            sheet.write_formula(r, 7, '="a"&"b"', None, "ab")
        if i % 17 == 0:
            sheet.write_formula(r, 8, "=1/0", None, "#DIV/0!")
        if i % 5 == 0:
            sheet.write_number(r, 9, i / 7, formats[3])
        if i % 6 == 0:
            sheet.write_number(r, 10, i * 1.37, formats[4])
        if i % 9 == 0:
            sheet.write_string(r, 11, "baris1\nbaris2\r\nbaris3\ttab _x0041_ \x01")
        if i % 10 == 0 and not inline_strings:
            sheet.write_rich_string(r, 12, "te", red, "ks ", "kaya")
        if i % 4 == 0:
            sheet.write_blank(r, 13, None, bold)
        if i % 8 == 0:
            sheet.write_number(r, 20, -i * 1.5, formats[5])
        if i % 15 == 0:
            sheet.write_string(r, 30, "   ")
        r += 1 + (i % 50 == 0) * 3  # a few blank rows between
    for k in range(5):
        sheet.write_blank(r + k, 2, None, bold)  # empty trailing rows with a style
    book.close()
    return path


class CalamineParityTests(TempDirMixin, SimpleTestCase):
    """The same rows (numbers, columns, values and their types) as python-calamine."""

    def assertSameAsCalamine(self, path: Path) -> dict[int, tuple[Any, ...]]:
        expected = calamine_rows(path)
        got = stream_rows(path)
        self.assertEqual(got, expected)
        return got

    def test_committed_libreoffice_workbook(self):
        rows = self.assertSameAsCalamine(FIXTURES / "kab-berjudul.xlsx")
        self.assertEqual(len(rows), 32)

    def test_xlsxwriter_workbooks_shared_and_inline_strings_and_1904(self):
        for inline_strings in (False, True):
            for date1904 in (False, True):
                with self.subTest(inline_strings=inline_strings, date1904=date1904):
                    path = xlsxwriter_book(
                        self.tmp / f"x-{inline_strings}-{date1904}.xlsx",
                        inline_strings=inline_strings,
                        date1904=date1904,
                    )
                    rows = self.assertSameAsCalamine(path)
                    self.assertEqual(len(rows), 1 + 1 + 260)  # title, header, data

    def test_helpers_workbook_with_merged_title(self):
        from tuntas.penerima.tests.helpers import HEADER, write_xlsx

        cells: list[list[Any]] = [
            HEADER,
            ["3275011505900001", "A", "L", date(1990, 5, 15), "32.75.01.1001", "", "Y"],
            [3275011505900002, "B", "P", 33008, "3275011001", None, 1, 45717, ""],
            [None] * 9,
            [""] * 9,
        ]
        rows = self.assertSameAsCalamine(write_xlsx(self.tmp / "h.xlsx", cells, title="Judul"))
        self.assertEqual(sorted(rows), [1, 4, 5, 6])

    def test_hand_written_sheets(self):
        shared = (
            "<si><t>biasa</t></si>"
            "<si><r><t>ka</t></r><r><rPr><b/></rPr><t>ya</t></r><rPh sb='0' eb='1'><t>PH</t></rPh>"
            "</si>"
            '<si><t xml:space="preserve"> awal</t></si><si/><si><t>  trim  </t></si>'
            "<si><t>a &amp; b_x000D_</t></si>"
        )
        sheets = {
            "types": (
                '<row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c>'
                '<c r="D2" t="s"><v>2</v></c><c r="E2" t="s"><v>3</v></c>'
                '<c r="F2" t="s"><v>4</v></c><c r="G2" t="s"><v>5</v></c></row>'
                '<row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="b"><v>0</v></c>'
                '<c r="C3" t="str"><f>A1</f><v>x&amp;y&#65;&#x42;_x0041_</v></c>'
                '<c r="D3" t="d"><v>2024-08-17</v></c><c r="E3" t="d"><v>2024-08-17T10:30:00</v>'
                '</c><c r="F3" t="d"><v>10:30:00</v></c><c r="G3" t="e"><v>#N/A</v></c></row>'
                '<row r="5"><c r="B5"><v>1E+20</v></c><c r="C5"><v>-0</v></c>'
                '<c r="D5" t="n"><v>.5</v></c><c r="E5"><v> 7</v></c><c r="F5"><v>1_000</v></c>'
                '<c r="G5"><v>inf</v></c><c r="H5"><v>NaN</v></c></row>'
            ),
            "dates": "".join(
                f'<row r="{i + 1}"><c r="A{i + 1}" s="{s}"><v>{v}</v></c></row>'
                for i, (s, v) in enumerate(
                    (s, v)
                    for s in (1, 2, 3, 4, 5, 9)
                    for v in (0, 0.25, 1, 1.5, 59, 60, 61, 45000, 45000.5, 2958465, 2958466, -1)
                )
            ),
            "inline": (
                '<row r="1">'
                + inline("A1", " x ")
                + inline("B1", "a &amp; b")
                + inline("C1", "   ")
                + '<c r="D1" t="inlineStr"><is><t xml:space="preserve"> y </t></is></c>'
                + '<c r="E1" t="inlineStr"><is><r><t xml:space="preserve">ka </t></r><r><t> ya</t>'
                "</r></is></c>"
                + inline("F1", "a_x005F_x000D_b _x004a_ _xD83D_")
                + inline("G1", "&lt;a&gt; &#10;")
                + '<c r="H1" t="inlineStr"><is><r><t>ka</t></r><r><t>ta</t></r>'
                "<rPh sb='0' eb='1'><t>KA</t></rPh></is></c>" + "</row>"
            ),
            "no references": (
                '<row r="2"><c><v>1</v></c><c r="D2"><v>2</v></c><c><v>3</v></c></row>'
                '<row><c t="inlineStr"><is><t>tanpa r</t></is></c></row>'
                '<row r="7"><c r="B7"><v>4</v></c></row><row><c r="C9"><v>5</v></c></row>'
            ),
            "sparse and repeated": (
                '<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c><c r="B1"><v>3</v></c>'
                '<c r="AA1"><v>4</v></c><c r="BZ1"><v>5</v></c></row>'
                '<row r="3"/><row r="4" spans="1:3"><c r="B4" s="1"/><c r="C4"></c></row>'
                '<row r="40"><c r="A40"><v>6</v></c></row>'
            ),
            "formulas": (
                '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1"><f>1+1</f></c>'
                '<c r="C1"><f t="shared" ref="C1:C2" si="0">A1</f><v>2</v></c></row>'
                '<row r="2"><c r="C2"><f t="shared" si="0"/><v>2</v></c>'
                '<c r="D2" t="str"><f>"a"</f><v> a </v></c><c r="E2" t="b"><f>TRUE</f><v>1</v></c>'
                "</row>"
            ),
            "pretty printed": (
                '\n  <row r="1">\n    <c r="A1" t="s">\n      <v>0</v>\n    </c>\n'
                '    <c r="B1" s="1">\n      <v>45000</v>\n    </c>\n  </row>\n'
                '  <row r="2"><c s="1" r="A2" t="n"><v>1</v></c><c r="B2" cm="1"><v>2</v></c>'
                "</row>\n"
            ),
            "cells under another prefix": (
                f'<row r="1" xmlns:y="{MAIN}"><y:c r="A1"><y:v>1</y:v></y:c>'
                '<y:c r="B1" t="inlineStr"><y:is><y:t>y</y:t></y:is></y:c></row>'
            ),
            "comments, instructions and line breaks": (
                '<row r="1"><c r="A1" t="inlineStr"><is><t>baris\r\nbaru</t></is></c></row>'
                '<!-- komentar --><row r="2"><c r="A2" t="str"><v>a</v></c></row>'
                '<?pi data?><row r="3"><c r="A3"><v>3</v></c></row>'
            ),
        }
        for name, data in sheets.items():
            for date1904 in (False, True):
                with self.subTest(name, date1904=date1904):
                    path = make_xlsx(
                        self.tmp / "hand.xlsx",
                        data,
                        shared=shared,
                        styles=DATE_STYLES,
                        date1904=date1904,
                    )
                    self.assertSameAsCalamine(path)

    def test_blocks_cut_anywhere(self):
        """A block boundary can fall in a tag, a cell, a UTF-8 character or a shared string:
        the rows stay the same."""
        path = xlsxwriter_book(self.tmp / "blocks.xlsx", inline_strings=False)
        expected = calamine_rows(path)
        for size in (1, 7, 64, 997, 4096):
            with self.subTest(block=size), mock.patch.object(xlsx_stream, "_BLOCK", size):
                self.assertEqual(stream_rows(path), expected)

    def test_expat_path_alone(self):
        """Every block through expat (the path for unusual XML): the same rows again."""
        books = [FIXTURES / "kab-berjudul.xlsx"] + [
            xlsxwriter_book(self.tmp / f"slow-{mode}.xlsx", inline_strings=mode)
            for mode in (False, True)
        ]
        for path in books:
            expected = calamine_rows(path)
            with self.subTest(path.name), mock.patch.object(xlsx_stream, "_plain", lambda b: False):
                self.assertEqual(stream_rows(path), expected)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        st.lists(
            st.tuples(
                st.integers(0, 3),  # blank rows before
                st.lists(
                    st.tuples(
                        st.integers(0, 2),  # blank cells before
                        st.one_of(
                            st.text(
                                st.characters(
                                    exclude_categories=["Cs"],
                                    exclude_characters="\x00",
                                ),
                                max_size=12,
                            ),
                            st.floats(allow_nan=False, allow_infinity=False),
                            st.integers(-(10**16), 10**16),
                            st.booleans(),
                            st.tuples(st.integers(0, 5), st.floats(-5, 3e6)),  # formatted
                        ),
                    ),
                    max_size=6,
                ),
            ),
            max_size=12,
        ),
        st.booleans(),
        st.booleans(),
    )
    def test_random_sheets(self, rows, inline_strings, date1904):
        path = self.tmp / "random.xlsx"
        book = xlsxwriter.Workbook(
            str(path), {"constant_memory": inline_strings, "date_1904": date1904}
        )
        sheet = book.add_worksheet()
        formats = [
            book.add_format({"num_format": code})
            for code in ("dd/mm/yyyy", "hh:mm:ss", "[h]:mm", "0.00%", 22, "d mmmm yyyy;@")
        ]
        r = 0
        for gap, cells in rows:
            r += gap
            c = 0
            for skip, value in cells:
                c += skip
                if isinstance(value, tuple):
                    fmt, number = value
                    sheet.write_number(r, c, number, formats[fmt])
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)
                c += 1
            r += 1
        book.close()
        self.assertEqual(stream_rows(path), calamine_rows(path))


class FeatureTests(TempDirMixin, SimpleTestCase):
    def test_first_sheet_comes_from_the_workbook_order_and_its_relationship(self):
        path = make_xlsx(
            self.tmp / "order.xlsx",
            '<row r="1">' + inline("A1", "pertama") + "</row>",
            sheet_part="xl/lembar/data.xml",
            target="/xl/lembar/data.xml",
        )
        self.assertEqual(values(path), {1: ("pertama",)})
        relative = make_xlsx(
            self.tmp / "rel.xlsx",
            '<row r="1">' + inline("A1", "relatif") + "</row>",
            sheet_part="xl/lembar/data.xml",
            target="lembar/../lembar/data.xml",
        )
        self.assertEqual(values(relative), {1: ("relatif",)})

    def test_row_numbers_are_the_spreadsheets_and_cells_sit_at_their_column(self):
        path = make_xlsx(
            self.tmp / "sparse.xlsx",
            '<row r="3">' + inline("C3", "judul") + "</row>"
            '<row r="5"><c r="B5"><v>1</v></c><c r="E5"><v>2</v></c></row>'
            '<row r="6"><c><v>3</v></c><c r="C6"><v>4</v></c><c><v>5</v></c></row><row>'
            "<c><v>6</v></c></row>",
        )
        self.assertEqual(
            values(path),
            {3: ("", "", "judul"), 5: ("", 1.0, "", "", 2.0), 6: (3.0, "", 4.0, 5.0), 7: (6.0,)},
        )

    def test_last_column_and_last_row(self):
        path = make_xlsx(
            self.tmp / "ujung.xlsx",
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
        )
        self.assertEqual(values(path), {1048576: ("",) * 16383 + (1.0,)})

    def test_number_cells_with_date_time_and_duration_formats(self):
        rows = "".join(
            f'<row r="{i}"><c r="A{i}" s="{s}"><v>{v}</v></c></row>'
            for i, (s, v) in enumerate(
                [(1, 45000), (1, 45000.75), (2, 1), (5, 0.5), (3, 1.5), (4, 45000), (0, 45000)],
                start=1,
            )
        )
        path = make_xlsx(self.tmp / "dates.xlsx", rows, styles=DATE_STYLES)
        self.assertEqual(
            values(path),
            {
                1: (date(2023, 3, 15),),
                2: (datetime(2023, 3, 15, 18, 0),),
                3: (date(1900, 1, 1),),
                4: (time(12, 0),),
                5: (timedelta(days=1, hours=12),),
                6: (45000.0,),  # "#,##0.00" is not a date
                7: (45000.0,),
            },
        )
        path = make_xlsx(self.tmp / "d1904.xlsx", rows, styles=DATE_STYLES, date1904=True)
        self.assertEqual(values(path)[1], (date(2027, 3, 16),))
        self.assertEqual(values(path)[3], (date(1904, 1, 2),))

    def test_date_format_detection(self):
        dates = ["dd/mm/yyyy", "d mmmm yyyy;@", "[$-421]dd mmmm yyyy", "h:mm AM/PM", "yy", "mm:ss"]
        dates += ['"Tgl" d', "[Red]dd/mm", "A/P h"]
        numbers = ["General", "0.00", "#,##0", '"hari" 0', "0.00%", "@", "0.00E+00"]
        numbers += ["#,##0 [$Rp-421]", "\\d0", "0_);(0)", "0*-", "0;dd", ";dd/mm/yyyy", "[>=100]0"]
        durations = ["[h]:mm:ss", "[mm]:ss", "[ss]", "[HH]"]
        for code in dates:
            self.assertEqual(is_date_format(code), xlsx_stream._DATETIME, code)
        for code in numbers:
            self.assertEqual(is_date_format(code), xlsx_stream._NUMBER, code)
        for code in durations:
            self.assertEqual(is_date_format(code), xlsx_stream._DURATION, code)

    def test_custom_format_replaces_the_builtin_of_the_same_id(self):
        styles = (
            '<numFmts count="1"><numFmt numFmtId="14" formatCode="0.00"/></numFmts>'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
        )
        path = make_xlsx(
            self.tmp / "f14.xlsx",
            '<row r="1"><c r="A1" s="1"><v>45000</v></c></row>',
            styles=styles,
        )
        self.assertEqual(values(path), {1: (45000.0,)})

    def test_strings_shared_inline_rich_trimmed_and_escaped(self):
        path = make_xlsx(
            self.tmp / "text.xlsx",
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
            + inline("C1", " rapat ")
            + '<c r="D1" t="inlineStr"><is><t xml:space="preserve"> longgar </t></is></c>'
            + inline("E1", "a_x000D_b &amp; &lt;c&gt; &#233;")
            + "</row>",
            shared="<si><r><t>ka</t></r><r><t>ya</t></r><rPh><t>X</t></rPh></si><si><t> s </t></si>",
        )
        self.assertEqual(values(path), {1: ("kaya", "s", "rapat", " longgar ", "a\rb & <c> é")})

    def test_cdata_is_text(self):
        """calamine drops CDATA sections (the cell comes out empty); XML says they are text."""
        path = make_xlsx(
            self.tmp / "cdata.xlsx",
            '<row r="1"><c r="A1" t="str"><v><![CDATA[a<b>&]]></v></c>'
            '<c r="B1" t="inlineStr"><is><t><![CDATA[ x ]]></t></is></c></row>',
        )
        self.assertEqual(values(path), {1: ("a<b>&", "x")})

    def test_many_shared_strings_across_packed_chunks(self):
        """Shared strings are packed 4,096 to a chunk: indexes on both sides of a chunk edge,
        a chunk widened by an emoji, the empty string and the last one."""
        texts = [f"teks {i}" + ("😀" if i == 5000 else "") for i in range(10_000)]
        texts[4096] = ""
        shared = "".join(f"<si><t>{t}</t></si>" for t in texts)
        picks = [0, 4095, 4096, 4097, 5000, 8191, 8192, 9999]
        data = "".join(
            f'<row r="{n}"><c r="A{n}" t="s"><v>{i}</v></c><c r="B{n}"><v>{i}</v></c></row>'
            for n, i in enumerate(picks, start=1)
        )
        path = make_xlsx(self.tmp / "banyak.xlsx", data, shared=shared)
        self.assertEqual(stream_rows(path), calamine_rows(path))
        self.assertEqual(
            values(path),
            {n: (texts[i], float(i)) for n, i in enumerate(picks, 1)},
        )
        sheet = open_first_sheet(str(path))
        self.assertEqual(len(sheet.shared), 10_000)
        self.assertEqual([sheet.shared[i] for i in range(10_000)], texts)
        with self.assertRaises(IndexError):
            sheet.shared[10_000]
        sheet.close()

    def test_booleans_formula_results_and_errors_as_text(self):
        path = make_xlsx(
            self.tmp / "kinds.xlsx",
            '<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c>'
            '<c r="C1" t="str"><f>"x"</f><v>x</v></c><c r="D1"><f>1+1</f><v>2</v></c>'
            '<c r="E1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="F1" t="e"><v>#N/A</v></c></row>',
        )
        self.assertEqual(values(path), {1: (True, False, "x", 2.0, "#DIV/0!", "#N/A")})

    def test_unusual_xml_takes_the_expat_path_with_the_same_rows(self):
        compact = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45000</v></c></row>'
        pretty = (
            '\n <row r="1">\n  <c r="A1" t="s">\n   <v>0</v>\n  </c>\n'
            '  <c r="B1" s="1"><v>45000</v></c>\n </row>\n'
        )
        shared = "<si><t>teks</t></si>"
        expected = {1: ("teks", date(2023, 3, 15))}
        for data, slow in ((compact, False), (pretty, True)):
            for prefix in ("", "x"):
                if prefix:
                    data = data.replace("<", "<x:").replace("<x:/", "</x:")
                with self.subTest(slow=slow, prefix=prefix):
                    path = make_xlsx(
                        self.tmp / "path.xlsx",
                        data,
                        shared=shared,
                        styles=DATE_STYLES,
                        prefix=prefix,
                    )
                    with mock.patch.object(
                        SheetReader, "_slow_rows", autospec=True, side_effect=SheetReader._slow_rows
                    ) as slow_rows:
                        self.assertEqual(values(path), expected)
                    self.assertEqual(slow_rows.called, slow)

    def test_columns_before_and_merges_after_sheet_data(self):
        path = make_xlsx(
            self.tmp / "tail.xlsx",
            '<row r="1"><c r="A1"><v>1</v></c></row>',
            before_data='<cols><col min="1" max="2" width="9"/></cols>',
            after_data='<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>',
        )
        self.assertEqual(values(path), {1: (1.0,)})

    def test_empty_sheets(self):
        for data in ("", '<row r="1"/><row r="2"><c r="A2" s="1"/></row>'):
            path = make_xlsx(self.tmp / "empty.xlsx", data, styles=DATE_STYLES)
            self.assertEqual(values(path), {})
        path = make_xlsx(self.tmp / "nodata.xlsx", "")
        closed = self.tmp / "nodata-closed.xlsx"
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(closed, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(b"<sheetData></sheetData>", b"<sheetData/>")
                dst.writestr(info, data)
        self.assertEqual(values(closed), {})

    def test_broken_workbooks_raise_table_error(self):
        good = make_xlsx(self.tmp / "good.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>')
        not_zip = self.tmp / "bukan.xlsx"
        not_zip.write_bytes(b"PK\x03\x04 bukan zip")
        truncated = self.tmp / "terpotong.xlsx"
        truncated.write_bytes(good.read_bytes()[:-200])
        malformed = make_xlsx(self.tmp / "xml.xlsx", '<row r="1"><c r="A1"><v>1</v></row>')
        unfinished = self.tmp / "belum.xlsx"
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(unfinished, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "xl/worksheets/sheet1.xml":
                    data = data[: data.index(b"</sheetData>")]
                dst.writestr(info, data)
        bad_index = make_xlsx(
            self.tmp / "indeks.xlsx",
            '<row r="1"><c r="A1" t="s"><v>3</v></c></row>',
            shared="<si><t>satu</t></si>",
        )
        for path in (not_zip, truncated, malformed, unfinished, bad_index):
            with self.subTest(path.name), self.assertRaises(TableError) as caught:
                list(_workbook_rows(path))
            self.assertIn("tidak dapat dibaca", str(caught.exception))

    def test_other_formats_go_to_calamine(self):
        for name in ("kab-berjudul.ods", "kab-berjudul.xls"):
            path = FIXTURES / name
            if name.endswith(".ods"):
                with self.assertRaises(NotStreamable):
                    open_first_sheet(str(path))
            rows = [r for r in _workbook_rows(path) if not r.is_blank()]
            self.assertEqual(len(rows), 32)
            self.assertEqual(rows[3].number, 5)
            self.assertEqual(rows[3].cells[:3], ("1.01.K01", "PAUD (usia 5-6)", 8420))
        xlsb_like = self.tmp / "buku.xlsb"
        with zipfile.ZipFile(xlsb_like, "w") as archive:
            archive.writestr(
                "_rels/.rels",
                f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
                f'Type="{RELS}/officeDocument" Target="xl/workbook.bin"/></Relationships>',
            )
            archive.writestr("xl/workbook.bin", b"\x00")
        with self.assertRaises(NotStreamable):
            open_first_sheet(str(xlsb_like))
        with self.assertRaises(TableError):  # calamine's turn: not a workbook either
            list(_workbook_rows(xlsb_like))

    def test_markup_in_a_comment_across_a_block_goes_on_with_calamine(self):
        data = "".join(
            f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>'
            + (f"<!-- dulu: <row r='{i}'></row> -->" if i == 6 else "")
            for i in range(1, 13)
        )
        path = make_xlsx(self.tmp / "komentar.xlsx", data)
        expected = [(i, (float(i),)) for i in range(1, 13)]
        for size in (16, 64, 1 << 20):
            with self.subTest(block=size), mock.patch.object(xlsx_stream, "_BLOCK", size):
                rows = [(r.number, r.cells) for r in _workbook_rows(path)]
                self.assertEqual(rows, expected)

    def test_open_table_numbers_rows_as_the_spreadsheet_does(self):
        """The header found below a title starting at row 3 keeps its number (calamine's
        ``iter_rows`` starts at row 1, which the former code counted twice), on both paths."""
        from tuntas.penerima.tests.helpers import HEADER, nik

        row = [nik(1), "Warga", "L", "1990-05-15", "32.75.01.1001", "", "Y", "", ""]
        data = '<row r="3">' + inline("B3", "DAFTAR") + "</row>"
        for number, cells in ((5, HEADER), (6, row)):
            refs = "".join(inline(f"{chr(66 + i)}{number}", v) for i, v in enumerate(cells) if v)
            data += f'<row r="{number}">{refs}</row>'
        path = make_xlsx(self.tmp / "judul.xlsx", data)
        table = open_table(path)
        self.assertEqual(table.header.number, 5)
        self.assertEqual(table.columns["nik"], 1)
        self.assertEqual([(r.number, r.cells[1]) for r in table.rows], [(6, nik(1))])
        calamine = [r for r in _calamine_rows(path) if not r.is_blank()]
        self.assertEqual([r.number for r in calamine], [3, 5, 6])

    def test_memory_stays_flat_as_the_sheet_grows(self):
        """Peak Python memory while reading 20,000 and 80,000 rows: the same, not four times."""
        peaks = []
        for rows in (20_000, 80_000):
            path = self.tmp / f"besar-{rows}.xlsx"
            small = make_xlsx(self.tmp / "kecil.xlsx", "")
            with (
                zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
                zipfile.ZipFile(small) as parts,
            ):
                for info in parts.infolist():
                    if info.filename != "xl/worksheets/sheet1.xml":
                        archive.writestr(info, parts.read(info))
                with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
                    sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
                    for r in range(1, rows + 1):
                        sheet.write(
                            (
                                f'<row r="{r}">'
                                + inline(f"A{r}", f"32750115059{r:05d}")
                                + inline(f"B{r}", f"Nama Warga Nomor {r}")
                                + f'<c r="C{r}"><v>{30000 + r % 9000}</v></c>'
                                + inline(f"D{r}", "Jl. Contoh No. 1, RT 001/RW 002")
                                + "</row>"
                            ).encode()
                        )
                    sheet.write(b"</sheetData></worksheet>")
            tracemalloc.start()
            try:
                count = sum(1 for _ in open_first_sheet(str(path)))
                peaks.append(tracemalloc.get_traced_memory()[1])
            finally:
                tracemalloc.stop()
            self.assertEqual(count, rows)
        small_peak, large_peak = peaks
        self.assertLess(large_peak, small_peak * 1.5 + (1 << 20), peaks)
        self.assertLess(large_peak, 32 << 20, peaks)
