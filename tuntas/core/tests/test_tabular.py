from __future__ import annotations

import codecs
import io

import pytest
import xlsxwriter

from tuntas.core.tabular import (
    CountError,
    TableError,
    data_rows,
    find_header,
    normalize_header,
    parse_count,
    read_table_bytes,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1234", 1234),
        ("0", 0),
        ("1.234", 1234),
        ("1,234", 1234),
        ("1.234.567", 1234567),
        ("1,234,567", 1234567),
        (" 12 345 ", 12345),
        ("1\u00a0234", 1234),
        ("1.234,00", 1234),
        ("1,234.00", 1234),
        ("1234,0", 1234),
        ("+5", 5),
        (1234.0, 1234),
        (7, 7),
    ],
)
def test_parse_count_accepts_what_users_type(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    "value, message",
    [
        ("12,5", "bilangan bulat"),
        ("1.23", "bilangan bulat"),
        ("1.2345", "bilangan bulat"),
        ("12.34.567", "bilangan bulat"),
        ("1.234.56", "bilangan bulat"),
        ("1,234.5", "bilangan bulat"),
        ("-4", "negatif"),
        ("-1.000", "negatif"),
        (-4, "negatif"),
        (-0.5, "negatif"),
        (12.5, "bilangan bulat"),
        ("", "kosong"),
        ("   ", "kosong"),
        ("abc", "bukan angka"),
        ("10%", "bukan angka"),
        (True, "bukan angka"),
        (float("nan"), "bukan angka"),
    ],
)
def test_parse_count_refuses_the_rest(value, message):
    with pytest.raises(CountError, match=message):
        parse_count(value)


def test_normalize_header():
    assert normalize_header("\ufeffKode JPD ") == "kode_jpd"
    assert normalize_header("MUTU-TERSEDIA") == "mutu_tersedia"
    assert normalize_header(None) == ""


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF8 + b"kode;nama\r\n1;Ketenteraman\r\n",
        b"kode;nama\n1;Ketenteraman\n",
        "kode,nama\r\n1,Ketenteraman\r\n".encode("cp1252"),
        "kode\tnama\r\n1\tKetenteraman\r\n".encode("utf-16"),
    ],
    ids=["utf8-bom-semicolon", "utf8-semicolon", "cp1252-comma", "utf16-tab"],
)
def test_csv_dialects(encoded):
    rows = read_table_bytes(encoded)
    assert [r.cells for r in rows] == [("kode", "nama"), ("1", "Ketenteraman")]
    assert [r.number for r in rows] == [1, 2]


def test_cp1252_text_is_decoded():
    rows = read_table_bytes("nama;kota\r\nPérez;Bekasi\r\n".encode("cp1252"))
    assert rows[1].cells[0] == "Pérez"


def test_workbook_keeps_excel_row_numbers_and_types():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.merge_range("A1:C1", "Capaian SPM Kota Contoh")
    sheet.write_row(3, 0, ["Kode JPD", "Sasaran"])
    sheet.write_row(4, 0, ["1.02.K01", 1000])
    book.close()
    rows = read_table_bytes(buffer.getvalue())
    found = find_header(rows, ["kode_jpd", "sasaran"])
    assert found is not None
    header, index = found
    assert header.number == 4
    body = list(data_rows(rows, header))
    assert [(r.number, r.cells[index["sasaran"]]) for r in body] == [(5, 1000.0)]


def test_blank_rows_are_skipped():
    rows = read_table_bytes(b"a;b\n1;2\n;\n  ; \n")
    header = rows[0]
    assert [r.number for r in data_rows(rows, header)] == [2]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "kosong"),
        (b"   \n", "kosong"),
        (b"PK\x03\x04garbage-not-a-zip", "tidak dapat dibaca"),
    ],
)
def test_unreadable_files(data, message):
    with pytest.raises(TableError, match=message):
        read_table_bytes(data)
