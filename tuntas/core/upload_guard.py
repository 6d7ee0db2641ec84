"""Workbooks are checked before they are opened (issue 11, point 1): an XLSX is a zip archive,
and a few megabytes can expand to gigabytes (a "zip bomb") that a reader would hold in memory.

:func:`check_zip` reads only the archive's central directory — the declared uncompressed size
of each part — and refuses too many parts, a part or a total too large, or a compression ratio
no spreadsheet has. With ``verify=True`` it then decompresses every part in small chunks with a
running counter (memory stays flat), so an archive whose headers understate its parts is caught
too: Python's zip reader never yields more than the declared size and checks the CRC at the end.
Each worksheet's declared extent (its ``<dimension ref="A1:K900">``, read from the first bytes of
the part) is checked without ``verify`` too.

The limits are per kind of upload (:data:`QUARTERLY`, :data:`BY_NAME`), each field overridable
in the settings (``UPLOAD_LIMITS = {"penerima": {"max_rows": ...}}``); :data:`TABLE` bounds any
table read by :mod:`tuntas.core.tabular` (bytes of a file, rows while streaming, columns).
:class:`RequestBodyLimitMiddleware` refuses a request body above ``UPLOAD_MAX_REQUEST_BYTES``
before anything reads it. Messages are Indonesian.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import IO, Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
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
    # the extent of each worksheet (declared: always checked; used: counted while verifying): a
    # single cell far away would make a reader build a grid of billions of empty cells
    max_rows: int = 0
    max_columns: int = 0
    # parts other than worksheets and shared strings (workbook, styles, relationships) are read
    # whole by the readers, so they get a small bound of their own
    max_other_part_bytes: int = 64 * MIB
    kind: str = ""  # the key of its overrides in settings.UPLOAD_LIMITS


# The quarterly workbook (about 40 JPD and their mutu rows; uploads are at most 5 MB).
QUARTERLY = ZipLimits(
    kind="triwulan",
    max_parts=200,
    max_part_bytes=64 * MIB,
    max_total_bytes=128 * MIB,
    max_rows=20_000,
    max_columns=100,
)
# A by-name recipient list (up to about 2 million rows; uploads are at most 512 MB). A worksheet
# holds at most 1,048,576 rows (Excel's own limit); a list has about a dozen columns.
BY_NAME = ZipLimits(
    kind="penerima",
    max_parts=200,
    max_part_bytes=1536 * MIB,
    max_total_bytes=2000 * MIB,
    max_rows=1_048_576,
    max_columns=200,
)


@dataclass(frozen=True)
class TableLimits:
    """What :mod:`tuntas.core.tabular` reads from any file: its size on disk, and the rows and
    columns counted while streaming (a CSV has no directory to check beforehand)."""

    kind: str
    max_bytes: int
    max_rows: int
    max_columns: int


# A CSV by-name list of 2 million rows is about 250 MB; the calculator's files are tiny.
TABLE = TableLimits(kind="tabel", max_bytes=1024 * MIB, max_rows=5_000_000, max_columns=200)

# The largest request body (a by-name upload of 512 MB and its form fields).
MAX_REQUEST_BYTES = 513 * MIB


_Limits = TypeVar("_Limits", ZipLimits, TableLimits)


def configured(limits: _Limits) -> _Limits:
    """``limits`` with the overrides of ``settings.UPLOAD_LIMITS[limits.kind]``, if any."""
    overrides: dict[str, Any] = getattr(settings, "UPLOAD_LIMITS", {}).get(limits.kind, {})
    known = {f.name for f in fields(limits)} - {"kind"}
    return replace(limits, **{k: v for k, v in overrides.items() if k in known})


def _mb(value: int) -> str:
    return f"{value / MIB:,.0f}".replace(",", ".")


def check_zip(source: Path | str | IO[bytes], limits: ZipLimits, *, verify: bool = False) -> None:
    """Refuse (:class:`UploadRefused`) an archive beyond ``limits``; nothing is extracted to
    disk or memory. A file that is not a zip archive is left to the reader to judge."""
    limits = configured(limits)
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
            part_limit = (
                limits.max_part_bytes
                if _STREAMED.match(part.filename)
                else min(limits.max_part_bytes, limits.max_other_part_bytes)
            )
            if part.file_size > part_limit:
                raise UploadRefused(
                    gettext(
                        "Buku kerja ditolak: bagian %(part)s mengembang menjadi %(size)s MB "
                        "(paling banyak %(max)s MB). Pecah berkas atau hapus isi yang tidak perlu."
                    )
                    % {
                        "part": part.filename,
                        "size": _mb(part.file_size),
                        "max": _mb(part_limit),
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
        if limits.max_rows or limits.max_columns:
            for part in parts:
                if _WORKSHEET.match(part.filename):
                    _check_dimension(archive, part, limits)
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
_STREAMED = re.compile(r"^xl/(?:worksheets/[^/]+|sharedStrings)\.xml$", re.IGNORECASE)
# <dimension ref="A1:K900"/>: the used range a worksheet declares, near its start
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="(?:[A-Z]{0,3}\d*:)?([A-Z]{0,3})(\d*)"')
_HEAD_BYTES = 64 * 1024


def _check_dimension(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: ZipLimits) -> None:
    """Refuse a worksheet that declares more rows or columns than ``limits``: read from the
    first bytes of the part only (a reader may size its grid from this declaration)."""
    try:
        with archive.open(part) as stream:
            head = stream.read(_HEAD_BYTES)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
        return  # a broken part is judged when verifying or by the reader
    found = _DIMENSION.search(head)
    if found is None:
        return
    letters, digits = found.groups()
    check_rows(
        int(digits) if digits else 0,
        limit=limits.max_rows or int(digits or 0),
        columns=_column_number(letters),
        column_limit=limits.max_columns,
    )


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


class RequestBodyLimitMiddleware:
    """Refuse (413) a request whose body is larger than ``settings.UPLOAD_MAX_REQUEST_BYTES``
    before anything reads it. Django keeps form fields under ``DATA_UPLOAD_MAX_MEMORY_SIZE`` and
    streams files above ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file, but bounds neither
    the size of those files nor the disk they fill; it reads no more than ``Content-Length``
    (a body without one is empty to Django), so that header is what is checked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(getattr(settings, "UPLOAD_MAX_REQUEST_BYTES", MAX_REQUEST_BYTES))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= limit:
            return self.get_response(request)
        message = gettext(
            "Kiriman terlalu besar: %(size)s MB (paling banyak %(max)s MB). Tidak ada yang "
            "disimpan; pecah berkas menjadi beberapa bagian."
        ) % {"size": _mb(length), "max": _mb(limit)}
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=413)
        else:
            response = render(request, "413.html", {"message": message}, status=413)
        return response
