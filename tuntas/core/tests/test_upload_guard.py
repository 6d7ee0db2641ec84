"""The upload guard (issue 11, point 1): a workbook is judged by its zip directory, before any
reader opens it; with ``verify`` its parts are streamed once against the limits."""

from __future__ import annotations

import io
import resource
import time
import zipfile
from pathlib import Path

import pytest

from tuntas.core.tests.zip_bomb import write_bomb
from tuntas.core.upload_guard import BY_NAME, QUARTERLY, UploadRefused, ZipLimits, check_zip


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
