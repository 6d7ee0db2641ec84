"""The big path of the recipient import: stream rows, validate, encrypt, and write chunk by chunk
into a temporary staging table (PostgreSQL: ``COPY``; SQLite: ``executemany``), then upsert from
it with ``INSERT … ON CONFLICT … DO UPDATE … WHERE`` the values differ. Never an ORM object per
row. The caller (``services.recipients_import``) holds the one transaction around all of it."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tuntas.core.tabular import TableError
from tuntas.penerima.crypto import DataKeys
from tuntas.penerima.models import Person, RecipientEntry
from tuntas.penerima.parsing import Table, report_text
from tuntas.penerima.validation import CheckedRow, RowValidator

CHUNK_SIZE = 20_000
PROBLEM_SAMPLE = 20
STAGE = "penerima_stage"
SEEN = "penerima_seen"
STAGE_COLUMNS = (
    "nik_hash", "nik_enc", "name_enc", "address_enc", "fingerprint", "sex", "birth_date",
    "village_code", "served", "service_date", "service_unit", "note",
)  # fmt: skip


@dataclass(slots=True)
class ImportSummary:
    baris: int = 0  # data rows read
    diterima: int = 0  # valid rows taken (0 when the whole file is refused)
    ditolak: int = 0  # rows with an error
    peringatan: int = 0  # taken rows that carry a warning
    baru: int = 0  # entries inserted
    diperbarui: int = 0  # stored entries whose values changed
    dihapus: int = 0  # entries removed by --ganti (not in the file any more)
    laporan_kesalahan: str | None = None
    written: bool = False
    problems: list[str] = field(default_factory=list)  # the first few, for the text summary

    def as_json(self) -> dict[str, Any]:
        return {
            "baris": self.baris,
            "diterima": self.diterima,
            "ditolak": self.ditolak,
            "peringatan": self.peringatan,
            "baru": self.baru,
            "diperbarui": self.diperbarui,
            "laporan_kesalahan": self.laporan_kesalahan,
        }


class ErrorReport:
    """The XLSX error report, written row by row (constant memory) when the first problem
    appears: the row number, the original cells, then ``kesalahan`` and ``peringatan``."""

    def __init__(self, *, header: tuple[Any, ...], name: str) -> None:
        self.header = header
        self.name = name
        self.path: Path | None = None
        self._workbook: Any = None
        self._sheet: Any = None
        self._next = 1

    def _open(self) -> None:
        folder = Path(settings.VAR_DIR) / "laporan"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        self.path = folder / f"{self.name}-{stamp}-{secrets.token_hex(4)}.xlsx"
        self.path.touch(mode=0o600)
        self._workbook = xlsxwriter.Workbook(str(self.path), {"constant_memory": True})
        self._sheet = self._workbook.add_worksheet("Laporan")
        bold = self._workbook.add_format({"bold": True})
        titles = ["baris", *(str(report_text(c)) for c in self.header), "kesalahan", "peringatan"]
        for col, title in enumerate(titles):
            self._sheet.write_string(0, col, title, bold)

    def add(self, cells: tuple[Any, ...], checked: CheckedRow) -> None:
        if self._workbook is None:
            self._open()
        sheet, row = self._sheet, self._next
        sheet.write_number(row, 0, checked.number)
        width = max(len(self.header), len(cells))
        for col in range(width):
            value = report_text(cells[col]) if col < len(cells) else ""
            if isinstance(value, bool):
                sheet.write_boolean(row, col + 1, value)
            elif isinstance(value, int | float):
                sheet.write_number(row, col + 1, value)
            elif value not in ("", None):
                sheet.write_string(row, col + 1, str(value))  # never a formula
        errors = "; ".join(f"{p.column}: {p.message}" for p in checked.errors)
        warnings = "; ".join(f"{p.column}: {p.message}" for p in checked.warnings)
        if errors:
            sheet.write_string(row, width + 1, errors)
        if warnings:
            sheet.write_string(row, width + 2, warnings)
        self._next += 1

    def close(self) -> str | None:
        if self._workbook is None:
            return None
        self._workbook.close()
        return str(self.path)

    def discard(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            assert self.path is not None
            self.path.unlink(missing_ok=True)


class Sink:
    """Writes chunks of valid rows of one pemda × JPD × year; counts inserts and changes."""

    def __init__(self, *, pemda_code: str, jpd_code: str, year: int, replace: bool) -> None:
        self.key = (pemda_code, jpd_code, year)
        self.replace = replace
        self.vendor = connection.vendor
        self.person = Person._meta.db_table
        self.entry = RecipientEntry._meta.db_table
        self.distinct = "IS DISTINCT FROM" if self.vendor == "postgresql" else "IS NOT"
        self.started = False

    def _setup(self, cursor: Any) -> None:
        binary = "bytea" if self.vendor == "postgresql" else "blob"
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} (nik_hash varchar(64) NOT NULL, nik_enc {binary}, "
            f"name_enc {binary}, address_enc {binary}, fingerprint varchar(64), sex varchar(1), "
            "birth_date date, village_code varchar(13), served boolean, service_date date, "
            "service_unit varchar(200), note text)"
        )
        if self.replace:
            cursor.execute(f"DROP TABLE IF EXISTS {SEEN}")
            cursor.execute(f"CREATE TEMPORARY TABLE {SEEN} (nik_hash varchar(64) PRIMARY KEY)")
        self.started = True

    def _stage(self, cursor: Any, rows: list[tuple[Any, ...]]) -> None:
        cursor.execute(f"DELETE FROM {STAGE}")
        if self.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY {STAGE} ({', '.join(STAGE_COLUMNS)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(STAGE_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {STAGE} ({', '.join(STAGE_COLUMNS)}) VALUES ({marks})",
                [
                    (*r[:6], r[6].isoformat(), r[7], int(r[8]), r[9] and r[9].isoformat(), *r[10:])
                    for r in rows
                ],
            )
        if self.replace:
            cursor.execute(f"INSERT INTO {SEEN} (nik_hash) SELECT nik_hash FROM {STAGE}")

    def _entry_differs(self, left: str, right: str) -> str:
        cols = ("village_code", "served", "service_date", "service_unit", "note")
        return " OR ".join(f"{left}.{c} {self.distinct} {right}.{c}" for c in cols)

    def write(self, rows: list[tuple[Any, ...]]) -> tuple[int, int]:
        """Upsert one chunk; (inserted, changed) entries."""
        pemda, jpd, year = self.key
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        pg = self.vendor == "postgresql"
        with connection.cursor() as cursor:
            if not self.started:
                self._setup(cursor)
            self._stage(cursor, rows)
            changed_sqlite = new_sqlite = 0
            if not pg:
                cursor.execute(
                    f"SELECT count(*) FROM {STAGE} s WHERE NOT EXISTS (SELECT 1 FROM {self.entry} e "
                    "WHERE e.pemda_id = %s AND e.jpd_id = %s AND e.year = %s "
                    "AND e.nik_hash = s.nik_hash)",
                    [pemda, jpd, year],
                )
                new_sqlite = cursor.fetchone()[0]
                cursor.execute(
                    f"SELECT count(*) FROM {STAGE} s JOIN {self.entry} e ON e.pemda_id = %s "
                    "AND e.jpd_id = %s AND e.year = %s AND e.nik_hash = s.nik_hash "
                    f"LEFT JOIN {self.person} p ON p.pemda_id = %s AND p.nik_hash = s.nik_hash "
                    f"WHERE p.fingerprint IS NOT s.fingerprint OR {self._entry_differs('e', 's')}",
                    [pemda, jpd, year, pemda],
                )
                changed_sqlite = cursor.fetchone()[0]
            person_cols = (
                "nik_enc", "name_enc", "address_enc", "fingerprint", "sex", "birth_date",
                "village_code",
            )  # fmt: skip
            cursor.execute(
                f"INSERT INTO {self.person} (pemda_id, nik_hash, {', '.join(person_cols)}, "
                f"created_at, updated_at) SELECT %s, nik_hash, {', '.join(person_cols)}, %s, %s "
                f"FROM {STAGE} WHERE true ON CONFLICT (pemda_id, nik_hash) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in person_cols)
                + f", updated_at = excluded.updated_at WHERE {self.person}.fingerprint "
                "<> excluded.fingerprint" + (" RETURNING nik_hash, (xmax = 0)" if pg else ""),
                [pemda, now, now],
            )
            updated_people = (
                {h for h, inserted in cursor.fetchall() if not inserted} if pg else set()
            )
            entry_cols = ("village_code", "served", "service_date", "service_unit", "note")
            cursor.execute(
                f"INSERT INTO {self.entry} (pemda_id, jpd_id, year, nik_hash, "
                f"{', '.join(entry_cols)}) SELECT %s, %s, %s, nik_hash, {', '.join(entry_cols)} "
                f"FROM {STAGE} WHERE true "
                "ON CONFLICT (pemda_id, jpd_id, year, nik_hash) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in entry_cols)
                + f" WHERE {self._entry_differs(self.entry, 'excluded')}"
                + (" RETURNING nik_hash, (xmax = 0)" if pg else ""),
                [pemda, jpd, year],
            )
            if not pg:
                return new_sqlite, changed_sqlite
            inserted: set[str] = set()
            updated: set[str] = set()
            for nik_hash, was_inserted in cursor.fetchall():
                (inserted if was_inserted else updated).add(nik_hash)
            return len(inserted), len(updated | (updated_people - inserted))

    def finish(self) -> int:
        """Drop the staging tables; with ``replace``, delete the entries not in the file."""
        pemda, jpd, year = self.key
        deleted = 0
        with connection.cursor() as cursor:
            if self.replace:
                if not self.started:
                    self._setup(cursor)
                cursor.execute(
                    f"DELETE FROM {self.entry} WHERE pemda_id = %s AND jpd_id = %s AND year = %s "
                    f"AND NOT EXISTS (SELECT 1 FROM {SEEN} s WHERE s.nik_hash = {self.entry}.nik_hash)",
                    [pemda, jpd, year],
                )
                deleted = cursor.rowcount
                cursor.execute(f"DROP TABLE IF EXISTS {SEEN}")
            if self.started:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        return deleted


def _stage_row(keys: DataKeys, row: CheckedRow) -> tuple[Any, ...]:
    assert row.birth_date is not None
    birth = row.birth_date.isoformat()
    return (
        keys.nik_hash(row.nik),
        keys.encrypt(row.nik),
        keys.encrypt(row.name),
        keys.encrypt(row.address) if row.address else b"",
        keys.fingerprint(row.nik, row.name, row.address, row.sex, birth, row.village_code),
        row.sex,
        row.birth_date,
        row.village_code,
        row.served,
        row.service_date,
        row.service_unit,
        row.note,
    )


def run_import(
    *,
    table: Table,
    validator: RowValidator,
    keys: DataKeys,
    sink: Sink,
    report: ErrorReport,
    accept_partial: bool,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: Callable[[int, ImportSummary], None] | None = None,
) -> ImportSummary:
    """Validate every row and write the valid ones chunk by chunk. Without ``accept_partial``,
    writing stops at the first error and the summary says ``written=False``: the caller rolls
    the transaction back. ``on_chunk(n, summary)`` is called after each chunk is written."""
    summary = ImportSummary()
    chunk: list[tuple[Any, ...]] = []
    chunks = 0

    def flush() -> None:
        nonlocal chunks
        if chunk:
            new, changed = sink.write(chunk)
            summary.baru += new
            summary.diperbarui += changed
            chunk.clear()
            chunks += 1
            if on_chunk is not None:
                on_chunk(chunks, summary)

    rows: Iterator[Any] = table.rows
    for raw in rows:
        summary.baris += 1
        checked = validator.check(raw, table.columns)
        if checked.errors or checked.warnings:
            report.add(raw.cells, checked)
            if len(summary.problems) < PROBLEM_SAMPLE:
                for p in [*checked.errors, *checked.warnings][
                    : PROBLEM_SAMPLE - len(summary.problems)
                ]:
                    kind = "kesalahan" if p in checked.errors else "peringatan"
                    summary.problems.append(
                        f"Baris {raw.number}, kolom {p.column} ({kind}): {p.message}"
                    )
        if checked.errors:
            summary.ditolak += 1
            if not accept_partial:
                chunk.clear()  # nothing will be written; keep validating for the report
            continue
        summary.diterima += 1
        summary.peringatan += bool(checked.warnings)
        if summary.ditolak and not accept_partial:
            continue
        chunk.append(_stage_row(keys, checked))
        if len(chunk) >= chunk_size:
            flush()
    if summary.baris == 0:
        raise TableError("Berkas tidak berisi baris data di bawah baris judul kolom.")
    refused = summary.ditolak > 0 and (not accept_partial or summary.diterima == 0)
    if refused:
        summary.diterima = summary.peringatan = summary.baru = summary.diperbarui = 0
        return summary
    flush()
    summary.dihapus = sink.finish()
    summary.written = True
    return summary
