"""Workbooks are checked before they are opened (issue 11, point 1): an XLSX is a zip archive,
and a few megabytes can expand to gigabytes (a "zip bomb") that a reader would hold in memory.

:func:`check_zip` reads only the archive's central directory — the declared uncompressed size
of each part — and refuses too many parts, a part or a total too large, or a compression ratio
no spreadsheet has. With ``verify=True`` it then decompresses every part in small chunks with a
running counter (memory stays flat), so an archive whose headers understate its parts is caught
too: Python's zip reader never yields more than the declared size and checks the CRC at the end.
The limits are per kind of upload (:data:`QUARTERLY`, :data:`BY_NAME`); messages are Indonesian.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils.translation import gettext

from tuntas.core.errors import DomainError

MIB = 1024 * 1024
CHUNK = 256 * 1024


class UploadRefused(DomainError):
    pass


@dataclass(frozen=True)
class ZipLimits:
    max_parts: int
    max_part_bytes: int
    max_total_bytes: int
    # deflate reaches about 1000:1 on repeated bytes; spreadsheet XML stays far below 100:1
    max_ratio: int = 100
    ratio_from_bytes: int = 4 * MIB  # small parts may compress better (styles, empty sheets)
    # the extent of each worksheet (checked while verifying): a single cell far away would make
    # a reader build a grid of billions of empty cells
    max_rows: int = 0
    max_columns: int = 0


# The quarterly workbook (about 40 JPD and their mutu rows; uploads are at most 5 MB).
QUARTERLY = ZipLimits(
    max_parts=200,
    max_part_bytes=64 * MIB,
    max_total_bytes=128 * MIB,
    max_rows=20_000,
    max_columns=100,
)
# A by-name recipient list (up to about 2 million rows; uploads are at most 512 MB).
BY_NAME = ZipLimits(max_parts=200, max_part_bytes=1536 * MIB, max_total_bytes=2000 * MIB)


def _mb(value: int) -> str:
    return f"{value / MIB:,.0f}".replace(",", ".")


def check_zip(source: Path | str | IO[bytes], limits: ZipLimits, *, verify: bool = False) -> None:
    """Refuse (:class:`UploadRefused`) an archive beyond ``limits``; nothing is extracted to
    disk or memory. A file that is not a zip archive is left to the reader to judge."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        parts = archive.infolist()
        if len(parts) > limits.max_parts:
            raise UploadRefused(
                gettext("Buku kerja ditolak: berisi %(n)d bagian (paling banyak %(max)d).")
                % {"n": len(parts), "max": limits.max_parts}
            )
        total = 0
        for part in parts:
            total += part.file_size
            if part.file_size > limits.max_part_bytes:
                raise UploadRefused(
                    gettext(
                        "Buku kerja ditolak: bagian %(part)s mengembang menjadi %(size)s MB "
                        "(paling banyak %(max)s MB). Pecah berkas atau hapus isi yang tidak perlu."
                    )
                    % {
                        "part": part.filename,
                        "size": _mb(part.file_size),
                        "max": _mb(limits.max_part_bytes),
                    }
                )
            if part.file_size > limits.ratio_from_bytes and part.file_size > limits.max_ratio * max(
                part.compress_size, 1
            ):
                raise UploadRefused(
                    gettext(
                        "Buku kerja ditolak: bagian %(part)s dipadatkan %(ratio)d kali "
                        "(%(size)s MB dari %(packed)s MB); buku kerja sungguhan tidak sepadat "
                        "itu. Simpan ulang berkas di Excel atau LibreOffice."
                    )
                    % {
                        "part": part.filename,
                        "ratio": part.file_size // max(part.compress_size, 1),
                        "size": _mb(part.file_size),
                        "packed": _mb(max(part.compress_size, 1)),
                    }
                )
        if total > limits.max_total_bytes:
            raise UploadRefused(
                gettext(
                    "Buku kerja ditolak: isinya mengembang menjadi %(size)s MB (paling banyak "
                    "%(max)s MB)."
                )
                % {"size": _mb(total), "max": _mb(limits.max_total_bytes)}
            )
        if not verify:
            return
        seen = 0
        for part in parts:
            extent = _Extent() if _WORKSHEET.match(part.filename) else None
            try:
                with archive.open(part) as stream:
                    while block := stream.read(CHUNK):
                        seen += len(block)
                        if seen > limits.max_total_bytes:  # unreachable unless zipfile changes
                            raise UploadRefused(
                                gettext("Buku kerja ditolak: isinya terlalu besar.")
                            )
                        if extent is not None:
                            extent.feed(block)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
                raise UploadRefused(
                    gettext("Buku kerja rusak (bagian %(part)s tidak sesuai daftar isinya).")
                    % {"part": part.filename}
                ) from exc
            if extent is not None and (limits.max_rows or limits.max_columns):
                check_rows(
                    extent.rows,
                    limit=limits.max_rows or extent.rows,
                    columns=extent.columns,
                    column_limit=limits.max_columns,
                )


_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_CELL_REF = re.compile(rb'<(?:\w+:)?(?:c|row)\b[^>]*?\br="([A-Z]{0,3})(\d+)"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


class _Extent:
    """The largest row and column referenced in a worksheet's XML, fed in chunks."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self._tail = b""

    def feed(self, block: bytes) -> None:
        data = self._tail + block
        cut = data.rfind(b"<")  # a tag cut at the chunk's end is read with the next chunk
        if cut < 0:
            cut = len(data)
        for letters, digits in _CELL_REF.findall(data, 0, cut if cut > 0 else len(data)):
            self.rows = max(self.rows, int(digits))
            if letters:
                self.columns = max(self.columns, _column_number(letters))
        self._tail = data[cut:][-4096:] if cut > 0 else b""


def check_rows(count: int, *, limit: int, columns: int = 0, column_limit: int = 0) -> None:
    """Refuse a sheet with more rows (or columns) than its kind of upload can have."""
    if count > limit:
        raise UploadRefused(
            gettext("Lembar kerja ditolak: lebih dari %(max)s baris.")
            % {"max": f"{limit:,}".replace(",", ".")}
        )
    if column_limit and columns > column_limit:
        raise UploadRefused(
            gettext("Lembar kerja ditolak: %(n)d kolom (paling banyak %(max)d).")
            % {"n": columns, "max": column_limit}
        )
