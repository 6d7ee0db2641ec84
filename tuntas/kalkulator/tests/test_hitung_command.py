"""``tuntas hitung``: files as users make them, the JSON contract, and bad input (exit 2)."""

from __future__ import annotations

import codecs
import io
import json
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import xlsxwriter
from django.conf import settings
from django.core.management import call_command

from tuntas.core.tabular import read_table
from tuntas.kalkulator.input import read_calculator_rows
from tuntas.katalog.reference import get_catalog
from tuntas.perhitungan.engine import hitung, truncate2

FILES = Path(__file__).parent / "files"
SAMPLE_CSV = Path(settings.BASE_DIR) / "contoh" / "capaian-kab-contoh.csv"
HEADER = "kode_jpd;sasaran;terlayani;mutu_tersedia;mutu_dibutuhkan"


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        call_command("hitung", *args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, path: Path, *args: str) -> dict:
    code, out, err = run(capsys, str(path), "--json", *args)
    assert code == 0, err
    return json.loads(out)


def write(tmp_path: Path, text: str, name: str = "berkas.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def by_code(doc: dict) -> dict[str, dict]:
    return {j["kode"]: j for j in doc["jpd"]}


# --- the sample file and the JSON contract ------------------------------------------------


def test_json_contract_on_the_sample_file(capsys):
    doc = run_json(capsys, SAMPLE_CSV)
    assert set(doc) == {"metode", "jpd", "urusan", "daerah"}
    assert doc["metode"] == "ipspm-2021"
    assert len(doc["jpd"]) == 29
    for jpd in doc["jpd"]:
        assert set(jpd) == {
            "kode", "nama", "urusan", "sasaran", "terlayani", "capaian_penerima",
            "capaian_mutu", "nilai", "kategori", "peringatan",
        }  # fmt: skip
    assert [u["kode"] for u in doc["urusan"]] == ["1.01", "1.02", "1.03", "1.04", "1.05", "1.06"]
    assert set(doc["urusan"][0]) == {"kode", "nama", "nilai", "kategori"}
    assert set(doc["daerah"]) == {"nilai", "kategori"}

    jpd = by_code(doc)
    lansia = jpd["1.02.K07"]  # 3,570 of 4,900 (Permenkes example 8); mutu 300 of 320
    assert "usia lanjut" in lansia["nama"].lower()
    assert lansia["urusan"] == "1.02"
    assert (lansia["sasaran"], lansia["terlayani"]) == (4900, 3570)
    assert lansia["capaian_penerima"] == 72.85
    assert lansia["capaian_mutu"] == 93.75
    assert lansia["nilai"] == 77.03  # 0.8 × 72.857… + 0.2 × 93.75 = 77.0357…
    assert lansia["kategori"] == "Tuntas Pratama"
    assert lansia["peringatan"] == []

    no_target = jpd["1.04.K01"]
    assert no_target["capaian_penerima"] is None and no_target["nilai"] is None
    assert no_target["kategori"] is None
    assert "Tidak ada sasaran" in no_target["peringatan"][0]

    assert jpd["1.06.K04"]["capaian_penerima"] == 100.0  # 61 of 60: capped and warned
    assert "melebihi sasaran" in jpd["1.06.K04"]["peringatan"][0]
    assert jpd["1.02.K09"]["capaian_mutu"] == 100.0  # 700 of 690 needed
    assert "capaian mutu dibatasi" in jpd["1.02.K09"]["peringatan"][0]

    perumahan = next(u for u in doc["urusan"] if u["kode"] == "1.04")
    assert perumahan["nilai"] == 100.0  # only 1.04.K02 has a target
    assert isinstance(doc["daerah"]["nilai"], float)
    assert doc["daerah"]["kategori"] in {"Tuntas Utama", "Tuntas Madya", "Tuntas Pratama"}


def test_printed_values_are_truncations_of_the_exact_means(capsys):
    doc = run_json(capsys, SAMPLE_CSV)
    catalog = get_catalog()
    result = hitung(
        read_calculator_rows(read_table(SAMPLE_CSV), catalog), catalog.default_method.method
    )
    assert result.daerah.nilai is not None
    assert doc["daerah"]["nilai"] == float(truncate2(result.daerah.nilai))
    urusan_values = [u.nilai for u in result.urusan if u.nilai is not None]
    assert result.daerah.nilai == sum(urusan_values, Fraction(0)) / len(urusan_values)
    assert [u["nilai"] for u in doc["urusan"]] == [float(truncate2(v)) for v in urusan_values]


@pytest.mark.parametrize("name", ["kab-berjudul.xlsx", "kab-berjudul.ods", "kab-berjudul.xls"])
def test_workbooks_made_by_libreoffice_give_the_same_result_as_the_csv(capsys, name):
    assert run_json(capsys, FILES / name) == run_json(capsys, SAMPLE_CSV)


def test_text_output_is_indonesian(capsys):
    code, out, err = run(capsys, str(SAMPLE_CSV))
    assert code == 0, err
    assert "Capaian per jenis pelayanan dasar" in out
    assert "72,85" in out  # decimal comma
    assert "506.000" in out  # thousands dot
    assert "Indeks SPM daerah:" in out
    assert "Tidak ada sasaran" in out
    assert "Peringatan:" in out


def test_other_method_code(capsys, tmp_path):
    code, out, err = run(capsys, str(SAMPLE_CSV), "--metode", "tidak-ada")
    assert code == 2 and out == ""
    assert "Metode 'tidak-ada' tidak dikenal" in err
    assert "ipspm-2021" in err


# --- layouts users make ---------------------------------------------------------------------


def test_comma_csv_any_column_order_case_and_extra_columns(capsys, tmp_path):
    path = write(
        tmp_path,
        "Keterangan,MUTU_DIBUTUHKAN,Terlayani,Kode_JPD,Sasaran,Mutu_Tersedia\n"
        'catatan,"1,000",450,1.02.k01,"1,000",900\n',
    )
    jpd = by_code(run_json(capsys, path))["1.02.K01"]
    assert (jpd["sasaran"], jpd["terlayani"]) == (1000, 450)
    assert jpd["capaian_penerima"] == 45.0 and jpd["capaian_mutu"] == 90.0


def test_csv_in_windows_code_page_with_crlf(capsys, tmp_path):
    text = "kode_jpd;sasaran;terlayani;mutu_tersedia;mutu_dibutuhkan;catatan\r\n"
    text += "1.02.K07;4.900;3.570;300;320;Kecamatan Ciledug – rekap\r\n"
    path = write(tmp_path, text, encoding="cp1252")
    assert by_code(run_json(capsys, path))["1.02.K07"]["capaian_penerima"] == 72.85


def test_utf8_bom_and_trailing_blank_rows(capsys, tmp_path):
    text = codecs.BOM_UTF8.decode() + HEADER + "\r\n1.02.K07;4900;3570;0;0\r\n;;;;\r\n;;;;\r\n"
    doc = run_json(capsys, write(tmp_path, text))
    assert len(doc["jpd"]) == 1


def test_xlsx_with_numeric_text_and_float_cells(capsys, tmp_path):
    path = tmp_path / "capaian.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Capaian")
    sheet.write_row(0, 0, ["Kode JPD", "Sasaran", "Terlayani", "Mutu Tersedia", "Mutu Dibutuhkan"])
    sheet.write_row(1, 0, ["1.02.K07", 4900, 3570.0, "300", "320"])
    sheet.write_string(2, 0, "1.02.K08")
    sheet.write_string(2, 1, "506.000")
    sheet.write_number(2, 2, 345000, book.add_format({"num_format": "#,##0"}))
    sheet.write_row(2, 3, [0, 0])
    book.add_worksheet("Lain").write(0, 0, "diabaikan")
    book.close()
    jpd = by_code(run_json(capsys, path))
    assert jpd["1.02.K07"]["nilai"] == 77.03
    assert jpd["1.02.K08"]["capaian_penerima"] == 68.18


# --- bad input: exit 2, an Indonesian message naming row and column, no result --------------


@pytest.mark.parametrize(
    "body, expected",
    [
        ("1.02.K99;10;5;0;0", "Baris 2, kolom 'kode_jpd': kode JPD '1.02.K99' tidak dikenal"),
        (
            "1.02.K01;10;5;0;0\n1.02.K01;10;5;0;0",
            "Baris 3, kolom 'kode_jpd': kode JPD 1.02.K01 sudah ada di baris 2",
        ),
        (
            "1.02.K01;10;5;0;0\n1.02.P01;10;5;0;0",
            "Baris 3, kolom 'kode_jpd': 1.02.P01 adalah JPD provinsi",
        ),
        ("1.02.K01;-10;5;0;0", "Baris 2, kolom 'sasaran': nilai '-10' tidak boleh negatif"),
        ("1.02.K01;10;2,5;0;0", "Baris 2, kolom 'terlayani': nilai '2,5' harus bilangan bulat"),
        (
            "1.02.K01;10;5;1.50;0",
            "Baris 2, kolom 'mutu_tersedia': nilai '1.50' harus bilangan bulat",
        ),
        ("1.02.K01;10;5;0;", "Baris 2, kolom 'mutu_dibutuhkan': nilai kosong"),
        (
            "1.02.K01;10;5;0;sepuluh",
            "Baris 2, kolom 'mutu_dibutuhkan': nilai 'sepuluh' bukan angka",
        ),
        (";10;5;0;0", "Baris 2, kolom 'kode_jpd': kode JPD kosong"),
        ("1.02.K01;0;5;0;0", "Baris 2, kolom 'terlayani': terlayani 5 padahal sasaran 0"),
        # the bound of tuntas.perhitungan.batas, as in the entry form and the Excel upload
        (
            "1.02.K01;12345678901234567890123;5;0;0",
            "Baris 2, kolom 'sasaran': nilai '12345678901234567890123' terlalu besar "
            "(paling banyak 999.999.999.999.999)",
        ),
        ("1.02.K01;10;" + "9" * 5000 + ";0;0", "Baris 2, kolom 'terlayani': nilai"),
    ],
)
def test_bad_rows(capsys, tmp_path, body, expected):
    code, out, err = run(capsys, str(write(tmp_path, HEADER + "\n" + body + "\n")))
    assert code == 2
    assert out == ""
    assert expected in err


def test_every_problem_is_listed_not_just_the_first(capsys, tmp_path):
    body = "1.02.K99;10;5;0;0\n1.02.K01;x;5;0;0\n1.02.K02;10;-1;0;0\n"
    code, out, err = run(capsys, str(write(tmp_path, HEADER + "\n" + body)))
    assert code == 2 and out == ""
    assert "(3 masalah)" in err
    for row in (2, 3, 4):
        assert f"Baris {row}," in err


def test_missing_column(capsys, tmp_path):
    path = write(tmp_path, "kode_jpd;sasaran;terlayani;mutu_tersedia\n1.02.K01;10;5;0\n")
    code, out, err = run(capsys, str(path))
    assert code == 2 and out == ""
    assert "Baris 1: kolom 'mutu_dibutuhkan' tidak ditemukan pada baris judul" in err


def test_header_without_rows(capsys, tmp_path):
    code, out, err = run(capsys, str(write(tmp_path, HEADER + "\n;;;;\n")))
    assert code == 2 and out == ""
    assert "tidak ada baris data" in err


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "Berkas kosong"),
        (b"PK\x03\x04rusak", "tidak dapat dibaca"),
        (b"%PDF-1.7\n\x00\x01\x02", "bukan CSV"),
    ],
)
def test_unreadable_files(capsys, tmp_path, content, expected):
    path = tmp_path / "berkas.xlsx"
    path.write_bytes(content)
    code, out, err = run(capsys, str(path))
    assert code == 2 and out == ""
    assert expected in err


def test_missing_file(capsys, tmp_path):
    code, out, err = run(capsys, str(tmp_path / "tidak-ada.csv"))
    assert code == 2 and out == ""
    assert "tidak dapat dibuka" in err


def test_xlsx_row_numbers_match_excel(capsys, tmp_path):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write(0, 0, "Capaian SPM")
    sheet.write_row(2, 0, HEADER.split(";"))
    sheet.write_row(3, 0, ["1.02.K01", 10, 5, 0, 0])
    sheet.write_row(4, 0, ["1.02.K02", 10, 5.5, 0, 0])
    book.close()
    path = tmp_path / "judul.xlsx"
    path.write_bytes(buffer.getvalue())
    code, _, err = run(capsys, str(path))
    assert code == 2
    assert "Baris 5, kolom 'terlayani': nilai '5.5' harus bilangan bulat" in err


# --- the installed console command, end to end --------------------------------------------


def tuntas_command() -> list[str]:
    found = shutil.which("tuntas", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "tuntas.cli"]


def test_console_command_end_to_end(tmp_path):
    ok = subprocess.run(
        [*tuntas_command(), "hitung", "--json", str(SAMPLE_CSV)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["metode"] == "ipspm-2021"

    bad = write(tmp_path, HEADER + "\n1.02.K99;1;1;0;0\n")
    failed = subprocess.run(
        [*tuntas_command(), "hitung", "--json", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 2
    assert failed.stdout == ""
    assert "kode JPD '1.02.K99' tidak dikenal" in failed.stderr
