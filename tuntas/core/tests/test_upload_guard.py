"""The upload guard (issue 11, point 1): a workbook is judged by its zip directory, before any
reader opens it; with ``verify`` its parts are streamed once against the limits."""

from __future__ import annotations

import io
import os
import resource
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from tuntas.core import xlsx_stream
from tuntas.core.tabular import TableError, iter_table, read_table
from tuntas.core.tests.zip_bomb import write_bomb
from tuntas.core.upload_guard import BY_NAME, QUARTERLY, UploadRefused, ZipLimits, check_zip
from tuntas.core.xlsx_stream import open_first_sheet


@pytest.fixture(scope="session")
def bomb(tmp_path_factory) -> Path:
    return write_bomb(tmp_path_factory.mktemp("bom") / "bom.xlsx")


def test_the_bomb_is_what_it_claims(bomb):
    assert bomb.stat().st_size < 3 * 2**20
    with zipfile.ZipFile(bomb) as archive:
        assert sum(p.file_size for p in archive.infolist()) > 2 * 2**30


@pytest.mark.parametrize("limits", [QUARTERLY, BY_NAME], ids=["triwulan", "by-name"])
def test_a_2_gib_bomb_is_refused_at_once_with_memory_flat(bomb, limits):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(UploadRefused) as refused:
        check_zip(bomb, limits, verify=True)
    assert time.perf_counter() - start < 1.0
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50 * 1024
    assert "xl/worksheets/sheet1.xml" in str(refused.value)


def workbook(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_limits_on_parts_total_and_ratio():
    small = ZipLimits(max_parts=3, max_part_bytes=1000, max_total_bytes=1500, ratio_from_bytes=100,
                      max_ratio=5)  # fmt: skip
    with pytest.raises(UploadRefused, match="4 bagian"):
        check_zip(io.BytesIO(workbook({f"p{i}": b"x" for i in range(4)})), small)
    with pytest.raises(UploadRefused, match="bagian a mengembang"):
        check_zip(io.BytesIO(workbook({"a": bytes(range(256)) * 4 + b"z"})), small)
    with pytest.raises(UploadRefused, match="mengembang menjadi"):
        check_zip(io.BytesIO(workbook({"a": bytes(range(256)) * 3, "b": bytes(range(256)) * 3})),
                  small)  # fmt: skip
    with pytest.raises(UploadRefused, match="dipadatkan"):
        check_zip(io.BytesIO(workbook({"a": b" " * 900})), small)
    check_zip(io.BytesIO(workbook({"a": bytes(range(256)), "b": b"ok"})), small)
    check_zip(io.BytesIO(b"kode;sasaran\n1;2\n"), small)  # not a zip: the reader judges


def test_rows_and_columns_are_counted_while_verifying():
    far = b'<worksheet><sheetData><row r="1"><c r="A1"/></row><row r="900000"><c r="XFD900000"/></row></sheetData></worksheet>'
    data = workbook({"xl/worksheets/sheet1.xml": far})
    check_zip(io.BytesIO(data), QUARTERLY)  # the directory alone looks harmless
    with pytest.raises(UploadRefused, match=r"lebih dari 20\.000 baris"):
        check_zip(io.BytesIO(data), QUARTERLY, verify=True)
    wide = b'<worksheet><sheetData><row r="2"><x:c r="ZZ2"/></row></sheetData></worksheet>'
    with pytest.raises(UploadRefused, match="702 kolom"):
        check_zip(io.BytesIO(workbook({"xl/worksheets/sheet1.xml": wide})), QUARTERLY, verify=True)


def test_a_part_that_lies_about_its_size_is_caught_when_verifying(tmp_path):
    path = tmp_path / "bohong.xlsx"
    path.write_bytes(workbook({"xl/worksheets/sheet1.xml": b"<a>" + b" " * 5000 + b"</a>"}))
    data = bytearray(path.read_bytes())
    # the local and central headers both say 100 bytes instead of 5007
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature)
        data[at + offset : at + offset + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(UploadRefused, match="rusak"):
        check_zip(path, QUARTERLY, verify=True)


# --- declared extent, settings, parts read whole ------------------------------------------------


def sheet(xml: bytes) -> bytes:
    return workbook({"xl/worksheets/sheet1.xml": b"<worksheet>" + xml + b"</worksheet>"})


def test_a_declared_extent_beyond_the_limits_is_refused_before_any_cell_is_read():
    """A reader may size its grid from <dimension>; it is checked from the directory pass."""
    data = sheet(b'<dimension ref="A1:XFD1048576"/><sheetData/>')
    with pytest.raises(UploadRefused, match=r"lebih dari 20\.000 baris"):
        check_zip(io.BytesIO(data), QUARTERLY)
    with pytest.raises(UploadRefused, match=r"16384 kolom \(paling banyak 200\)"):
        check_zip(io.BytesIO(data), BY_NAME)
    check_zip(io.BytesIO(sheet(b'<x:dimension ref="A1:L900"/><sheetData/>')), QUARTERLY)
    check_zip(io.BytesIO(sheet(b'<dimension ref="B3"/><sheetData/>')), BY_NAME)


def test_limits_come_from_the_settings_per_kind_of_upload(settings):
    data = workbook({"a": b"1", "b": b"2"})
    check_zip(io.BytesIO(data), QUARTERLY)
    settings.UPLOAD_LIMITS = {"triwulan": {"max_parts": 1}, "lain": {"max_parts": 0}}
    with pytest.raises(UploadRefused, match=r"2 bagian \(paling banyak 1\)"):
        check_zip(io.BytesIO(data), QUARTERLY)
    check_zip(io.BytesIO(data), BY_NAME)  # another kind keeps its defaults


def test_parts_a_reader_holds_whole_have_a_bound_of_their_own():
    noise = os.urandom(2000)  # does not compress: only the size decides
    small = ZipLimits(max_parts=9, max_part_bytes=10_000, max_total_bytes=20_000,
                      max_other_part_bytes=1000)  # fmt: skip
    check_zip(io.BytesIO(workbook({"xl/worksheets/sheet1.xml": noise})), small)
    check_zip(io.BytesIO(workbook({"xl/sharedStrings.xml": noise})), small)
    with pytest.raises(UploadRefused, match=r"bagian xl/styles\.xml mengembang"):
        check_zip(io.BytesIO(workbook({"xl/styles.xml": noise})), small)


# --- tables read through core.tabular (by-name lists, tuntas hitung) ---------------------------


def test_a_streamable_2_gib_bomb_is_refused_by_the_table_reader_at_once(tmp_path):
    """The by-name import and `tuntas hitung` read through iter_table: a bomb that the XLSX
    stream would open (it has a workbook and its relationships) is refused before that."""
    bomb = write_bomb(tmp_path / "bom.xlsx")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(TableError, match="Buku kerja ditolak"):
        read_table(bomb)
    assert time.perf_counter() - start < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024


def test_the_xlsx_stream_does_not_hold_whitespace_between_rows(tmp_path):
    """64 MiB of spaces inside <sheetData>: the stream used to keep all of it (and copy it once
    per block); it now keeps one block."""
    path = write_bomb(tmp_path / "leer.xlsx", copies=64)
    tracemalloc.start()
    try:
        assert list(open_first_sheet(str(path))) == []
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20  # one block and the text kept for a row (8 MiB) with its copies


def test_a_row_that_never_ends_is_refused_in_bounded_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_stream, "_MAX_PENDING", 2**20)  # the cap is 8 times this
    head = b'<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c>'
    path = write_bomb(tmp_path / "baris.xlsx", copies=16, head=head)
    with pytest.raises(TableError, match="satu <row> lebih dari 8 MB"):
        list(open_first_sheet(str(path)))


def test_rows_and_columns_are_counted_while_streaming(tmp_path, settings):
    # no <dimension>: only counting the rows as they come finds the row beyond Excel's last
    far = (b'<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
           b'<row r="1048577"><c r="A1048577"><v>2</v></c></row>')  # fmt: skip
    path = write_bomb(tmp_path / "jauh.xlsx", copies=0, head=far)
    _, rows = iter_table(path)
    assert next(rows).cells == (1.0,)
    with pytest.raises(TableError, match=r"lebih dari 1\.048\.576 baris"):
        next(rows)
    csv_path = tmp_path / "daftar.csv"
    csv_path.write_text("a;b\n" + "1;2\n" * 5 + "1;2;3;4;5\n")
    assert len(read_table(csv_path)) == 7
    settings.UPLOAD_LIMITS = {"tabel": {"max_rows": 4, "max_columns": 4}}
    with pytest.raises(TableError, match=r"lebih dari 4 baris"):
        read_table(csv_path)
    csv_path.write_text("a;b\n1;2;3;4;5\n")
    with pytest.raises(TableError, match=r"5 kolom \(paling banyak 4\)"):
        read_table(csv_path)


def test_a_file_larger_than_the_table_limit_is_not_read(tmp_path, settings):
    path = tmp_path / "besar.csv"
    path.write_bytes(b"a;b\n" + b"1;2\n" * (2**20 // 4))
    settings.UPLOAD_LIMITS = {"tabel": {"max_bytes": 2**19}}
    with pytest.raises(TableError, match=r"Berkas ditolak: 1 MB \(paling banyak 0 MB\)"):
        iter_table(path)
