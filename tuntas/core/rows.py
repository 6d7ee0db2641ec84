"""A row of a table as every reader gives it, and the error of a file that is no table: shared
by the readers of ``core.tabular`` and ``core.xlsx_stream`` (neither imports the other's module
for them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class TableError(ValueError):
    """The file cannot be read as a table at all (message in Indonesian)."""


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # spreadsheet row number, 1-based
    cells: tuple[Any, ...]

    def is_blank(self) -> bool:
        return all(is_blank(c) for c in self.cells)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
