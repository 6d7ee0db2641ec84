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


def write_bomb(path: Path, *, copies: int = EXPANDED // BLOCK) -> Path:
    head = b'<?xml version="1.0"?><worksheet><sheetData>'
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
    types = b'<?xml version="1.0"?><Types/>'
    with path.open("wb") as out:
        raw_types = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed_types = raw_types.compress(types) + raw_types.flush()
        local, central_types = _member(
            b"[Content_Types].xml", [packed_types], zlib.crc32(types), len(types), 0
        )
        out.write(local + packed_types)
        offset = out.tell()
        local, central_sheet = _member(
            b"xl/worksheets/sheet1.xml", [first, *([repeated] * copies), last], crc, size, offset
        )
        out.write(local + first)
        for _ in range(copies):
            out.write(repeated)
        out.write(last)
        directory = out.tell()
        out.write(central_types + central_sheet)
        length = out.tell() - directory
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, length, directory, 0))
    return path
