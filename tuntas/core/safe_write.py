"""Safe file writing for every export: text that a spreadsheet would run as a formula is kept
text. In CSV a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading apostrophe (CSV injection, OWASP); in XLSX text is always written as a string cell
(``write_string``), never as a formula, so it needs no such prefix."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"  # what Indonesian Excel opens directly
BOM = "\ufeff"


def csv_safe(value: str) -> str:
    """The text of a CSV cell that no spreadsheet runs as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """A CSV document as Indonesian Excel opens it (UTF-8 with BOM, ``;`` between fields), line
    by line (for streaming), every cell through :func:`csv_safe`."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield BOM + writer.writerow([csv_safe(str(h)) for h in header])
    for row in rows:
        yield writer.writerow([csv_safe(str(c)) for c in row])


def xlsx_text(sheet: Any, row: int, col: int, value: str, fmt: Any = None) -> None:
    """Write text into an XlsxWriter sheet as a string cell: never read as a formula."""
    if fmt is None:
        sheet.write_string(row, col, value)
    else:
        sheet.write_string(row, col, value, fmt)
