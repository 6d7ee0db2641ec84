"""A zip bomb for the upload tests: a valid .xlsx of about 2 MB whose worksheet expands to
2 GiB (whitespace between two tags: legal XML, and deflate's best case, about 1000:1).

Built in well under a second without ever holding the 2 GiB: the worksheet is 2048 copies of
one 1 MiB block, and after a full flush deflate encodes each copy to the very same bytes, so
the compressed block is made once and written 2048 times; the CRC is computed over the blocks."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

BLOCK = 1 << 20
EXPANDED = 2048 * BLOCK  # 2 GiB


def _member(
    name: bytes, data: list[bytes], crc: int, size: int, offset: int
) -> tuple[bytes, bytes]:
    compressed = sum(len(d) for d in data)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, compressed, size,
                        len(name), 0) + name  # fmt: skip
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc,
                          compressed, size, len(name), 0, 0, 0, 0, 0, offset) + name  # fmt: skip
    return local, central


# What a reader needs to take the file for a workbook and stream its first sheet.
_PACKAGE = {
    b"_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    b"xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
    b"xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"'
    b"/></Relationships>",
}


def write_bomb(
    path: Path,
    *,
    copies: int = EXPANDED // BLOCK,
    head: bytes = b'<?xml version="1.0"?><worksheet><sheetData>',
) -> Path:
    """``head``, then ``copies`` MiB of spaces, then the sheet's end, as
    ``xl/worksheets/sheet1.xml`` of a workbook that readers can open and stream."""
    tail = b"</sheetData></worksheet>"
    block = b" " * BLOCK
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(copies):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + copies * BLOCK + len(tail)
    small = {b"[Content_Types].xml": b'<?xml version="1.0"?><Types/>', **_PACKAGE}
    centrals = []
    with path.open("wb") as out:
        for name, content in small.items():
            raw = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed = raw.compress(content) + raw.flush()
            local, central = _member(name, [packed], zlib.crc32(content), len(content), out.tell())
            out.write(local + packed)
            centrals.append(central)
        offset = out.tell()
        local, central_sheet = _member(
            b"xl/worksheets/sheet1.xml", [first, *([repeated] * copies), last], crc, size, offset
        )
        out.write(local + first)
        for _ in range(copies):
            out.write(repeated)
        out.write(last)
        directory = out.tell()
        out.write(b"".join(centrals) + central_sheet)
        length = out.tell() - directory
        count = len(centrals) + 1
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, length, directory, 0))
    return path
