"""Safe file writing for every export: text that a spreadsheet would run as a formula is kept
text. In CSV a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading apostrophe (CSV injection, OWASP); in XLSX text is always written as a string cell
(``write_string``), never as a formula, so it needs no such prefix."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"  # what Indonesian Excel opens directly
BOM = "\ufeff"


def csv_safe(value: str) -> str:
    """The text of a CSV cell that no spreadsheet runs as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


class _Echo:
    def write(self, value: str) -> str:
        return value


@dataclass(frozen=True)
class TitleBlock:
    """What a downloaded file says about itself above its table: what it is, whose, which
    period, when it was made (in the pemda's zone) and, for demo pemda, that the figures are
    synthetic. A reader of the file (the importers) finds the header below it."""

    title: str
    pemda: str
    period: str
    made: str  # e.g. "5 Desember 2026 06.11 WIB" (tuntas.core.formatting.waktu)
    demo: bool = False

    def lines(self) -> list[str]:
        lines = [
            self.title,
            gettext("Pemda: %(pemda)s") % {"pemda": self.pemda},
            gettext("Periode: %(period)s") % {"period": self.period},
            gettext("Dibuat: %(made)s") % {"made": self.made},
        ]
        if self.demo:
            lines.append(self.demo_mark())
        return lines

    @staticmethod
    def demo_mark() -> str:
        return gettext("DATA CONTOH — angka sintetis untuk peragaan, bukan data resmi")


def csv_lines(
    header: Sequence[str], rows: Iterable[Sequence[str]], title: TitleBlock | None = None
) -> Iterator[str]:
    """A CSV document as Indonesian Excel opens it (UTF-8 with BOM, ``;`` between fields), line
    by line (for streaming), every cell through :func:`csv_safe`; the title block (if any) in
    the first lines, one cell each, then an empty line, then the header."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    prefix = BOM
    if title is not None:
        for line in title.lines():
            yield prefix + writer.writerow([csv_safe(line)])
            prefix = ""
        yield writer.writerow([])
    yield prefix + writer.writerow([csv_safe(str(h)) for h in header])
    for row in rows:
        yield writer.writerow([csv_safe(str(c)) for c in row])


def xlsx_title(sheet: Any, title: TitleBlock | None, bold: Any = None) -> int:
    """Write the title block at the top of an XlsxWriter sheet (string cells); the row where
    the table's header goes (0 without a title)."""
    if title is None:
        return 0
    lines = title.lines()
    for number, line in enumerate(lines):
        xlsx_text(sheet, number, 0, line, bold if number == 0 else None)
    return len(lines) + 1


def xlsx_text(sheet: Any, row: int, col: int, value: str, fmt: Any = None) -> None:
    """Write text into an XlsxWriter sheet as a string cell: never read as a formula."""
    if fmt is None:
        sheet.write_string(row, col, value)
    else:
        sheet.write_string(row, col, value, fmt)
