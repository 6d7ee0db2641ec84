"""The big path of the recipient import: stream rows, validate, encrypt on a producer thread, and
write chunk by chunk on the caller's thread. PostgreSQL, first import of a list: ``COPY`` straight
into the tables; otherwise into a temporary staging table (PostgreSQL: ``COPY``; SQLite:
``executemany``), then upsert from it with ``INSERT … ON CONFLICT … DO UPDATE … WHERE`` the values
differ. Never an ORM object per row. The caller (``services.recipients_import``) holds the one
transaction around all of it."""

from __future__ import annotations

import contextlib
import gc
import queue
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tuntas.core.safe_write import xlsx_text
from tuntas.core.tabular import TableError, normalize_header
from tuntas.penerima.copy_encoder import (
    ENTRY_COPY_COLUMNS,
    PERSON_COPY_COLUMNS,
    STAGE_COLUMNS,
    CopyEncoder,
)
from tuntas.penerima.crypto import DataKeys, mask_nik
from tuntas.penerima.models import Person, RecipientEntry
from tuntas.penerima.parsing import Table, report_text
from tuntas.penerima.validation import CheckedRow, RowValidator

CHUNK_SIZE = 20_000
PROBLEM_SAMPLE = 20
STAGE = "penerima_stage"
SEEN = "penerima_seen"


@dataclass(slots=True)
class ImportSummary:
    baris: int = 0  # data rows read
    diterima: int = 0  # valid rows taken (0 when the whole file is refused)
    ditolak: int = 0  # rows with an error
    peringatan: int = 0  # rows without an error that carry a warning (written or not)
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
    appears: the row number, the original cells, then ``kesalahan`` and ``peringatan``. The NIK
    is masked (``327501******0001``): the operator has the original file and the row number."""

    def __init__(self, *, header: tuple[Any, ...], name: str) -> None:
        self.header = header
        self._nik_column = next(
            (i for i, h in enumerate(header) if normalize_header(h) == "nik"), None
        )
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
            xlsx_text(self._sheet, 0, col, title, bold)

    def add(self, cells: tuple[Any, ...], checked: CheckedRow) -> None:
        if self._workbook is None:
            self._open()
        sheet, row = self._sheet, self._next
        sheet.write_number(row, 0, checked.number)
        width = max(len(self.header), len(cells))
        for col in range(width):
            value = report_text(cells[col]) if col < len(cells) else ""
            if col == self._nik_column and value not in ("", None):
                value = mask_nik(str(value).strip())
            if isinstance(value, bool):
                sheet.write_boolean(row, col + 1, value)
            elif isinstance(value, int | float):
                sheet.write_number(row, col + 1, value)
            elif value not in ("", None):
                xlsx_text(sheet, row, col + 1, str(value))  # never a formula
        errors = "; ".join(f"{p.column}: {p.message}" for p in checked.errors)
        warnings = "; ".join(f"{p.column}: {p.message}" for p in checked.warnings)
        if errors:
            xlsx_text(sheet, row, width + 1, errors)
        if warnings:
            xlsx_text(sheet, row, width + 2, warnings)
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


@dataclass(slots=True)
class Chunk:
    """One chunk of valid rows, encoded by the producer thread for the sink: PostgreSQL gets
    ``COPY`` text-format payloads (``people`` and ``entries`` straight into the tables when the
    sink writes them directly, ``stage`` for the staging table otherwise); SQLite gets tuples."""

    count: int
    stage: bytes | None = None
    people: bytes | None = None
    entries: bytes | None = None
    rows: list[tuple[Any, ...]] | None = None


@dataclass(slots=True)
class Progress:
    """The producer's counters at the end of a chunk (copied into the summary when the chunk is
    written, so ``on_chunk`` sees the counts of the rows read up to that chunk)."""

    baris: int = 0
    diterima: int = 0
    ditolak: int = 0
    peringatan: int = 0


class Sink:
    """Writes chunks of valid rows of one pemda × JPD × year; counts inserts and changes.

    PostgreSQL, first import (no entry of this pemda, JPD and year yet; no person of the pemda
    yet): the rows are ``COPY``'d straight into the tables, nothing to compare. Otherwise each
    chunk goes through a temporary staging table and is upserted with
    ``INSERT … ON CONFLICT … DO UPDATE … WHERE`` the values differ (people and entries decided
    separately). Imports of the same pemda are serialised with a transaction-level advisory
    lock, so the "first import" test holds until commit.
    """

    def __init__(self, *, pemda_code: str, jpd_code: str, year: int, replace: bool) -> None:
        self.key = (pemda_code, jpd_code, year)
        self.replace = replace
        self.vendor = connection.vendor
        self.person = Person._meta.db_table
        self.entry = RecipientEntry._meta.db_table
        self.distinct = "IS DISTINCT FROM" if self.vendor == "postgresql" else "IS NOT"
        self.started = False
        self.direct_people = False
        self.direct_entries = False
        self.now = timezone.now()

    def begin(self) -> None:
        """Decide, inside the transaction and before any row is encoded, how rows are written."""
        if self.vendor != "postgresql":
            return
        pemda, jpd, year = self.key
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"penerima:{pemda}"])
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {self.person} WHERE pemda_id = %s), "
                f"EXISTS (SELECT 1 FROM {self.entry} WHERE pemda_id = %s AND jpd_id = %s "
                "AND year = %s)",
                [pemda, pemda, jpd, year],
            )
            people_exist, entries_exist = cursor.fetchone()
        self.direct_people = not people_exist
        self.direct_entries = not entries_exist

    @property
    def staged(self) -> bool:
        return not (self.direct_people and self.direct_entries)

    def _setup(self, cursor: Any) -> None:
        binary = "bytea" if self.vendor == "postgresql" else "blob"
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} (nik_hash {binary} NOT NULL, "
            f"identity_enc {binary}, fingerprint {binary}, sex varchar(1), "
            "birth_date date, village_code varchar(13), served boolean, service_date date, "
            "service_unit varchar(200), note text)"
        )
        if self.replace and not self.direct_entries:
            cursor.execute(f"DROP TABLE IF EXISTS {SEEN}")
            cursor.execute(f"CREATE TEMPORARY TABLE {SEEN} (nik_hash {binary} PRIMARY KEY)")
        self.started = True

    def _copy(self, cursor: Any, table: str, columns: tuple[str, ...], data: bytes) -> None:
        with cursor.cursor.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT binary)"
        ) as copy:
            copy.write(data)

    def _stage(self, cursor: Any, chunk: Chunk) -> None:
        cursor.execute(f"DELETE FROM {STAGE}")
        if self.vendor == "postgresql":
            assert chunk.stage is not None
            self._copy(cursor, STAGE, STAGE_COLUMNS, chunk.stage)
        else:
            assert chunk.rows is not None
            marks = ", ".join(["%s"] * len(STAGE_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {STAGE} ({', '.join(STAGE_COLUMNS)}) VALUES ({marks})",
                [
                    (*r[:4], r[4].isoformat(), r[5], int(r[6]), r[7] and r[7].isoformat(), *r[8:])
                    for r in chunk.rows
                ],
            )
        if self.replace and not self.direct_entries:
            cursor.execute(f"INSERT INTO {SEEN} (nik_hash) SELECT nik_hash FROM {STAGE}")

    def _entry_differs(self, left: str, right: str) -> str:
        cols = ("village_code", "served", "service_date", "service_unit", "note")
        return " OR ".join(f"{left}.{c} {self.distinct} {right}.{c}" for c in cols)

    def sqlite_count_sql(self) -> tuple[str, str]:
        """SQLite (no ``RETURNING … xmax``): the counts of a staged chunk's new entries and of
        its changed ones, before the upserts. Both walk the staging table and look each row up
        by the full key; ``CROSS JOIN`` keeps SQLite's planner from looping over the stored list
        instead (once per staged row: quadratic, 21 minutes for 200,000 rows)."""
        new = (
            f"SELECT count(*) FROM {STAGE} s WHERE NOT EXISTS (SELECT 1 FROM {self.entry} e "
            "WHERE e.pemda_id = %s AND e.jpd_id = %s AND e.year = %s "
            "AND e.nik_hash = s.nik_hash)"
        )
        changed = (
            f"SELECT count(*) FROM {STAGE} s CROSS JOIN {self.entry} e ON e.pemda_id = %s "
            "AND e.jpd_id = %s AND e.year = %s AND e.nik_hash = s.nik_hash "
            f"LEFT JOIN {self.person} p ON p.pemda_id = %s AND p.nik_hash = s.nik_hash "
            f"WHERE p.fingerprint IS NOT s.fingerprint OR {self._entry_differs('e', 's')}"
        )
        return new, changed

    def write(self, chunk: Chunk) -> tuple[int, int]:
        """Write one chunk; (inserted, changed) entries."""
        pemda, jpd, year = self.key
        pg = self.vendor == "postgresql"
        with connection.cursor() as cursor:
            if pg and self.direct_people:
                assert chunk.people is not None
                self._copy(cursor, self.person, PERSON_COPY_COLUMNS, chunk.people)
            if pg and self.direct_entries:
                assert chunk.entries is not None
                self._copy(cursor, self.entry, ENTRY_COPY_COLUMNS, chunk.entries)
            if not self.staged:
                return chunk.count, 0
            if not self.started:
                self._setup(cursor)
            self._stage(cursor, chunk)
            now = connection.ops.adapt_datetimefield_value(self.now)
            changed_sqlite = new_sqlite = 0
            if not pg:
                new_sql, changed_sql = self.sqlite_count_sql()
                cursor.execute(new_sql, [pemda, jpd, year])
                new_sqlite = cursor.fetchone()[0]
                cursor.execute(changed_sql, [pemda, jpd, year, pemda])
                changed_sqlite = cursor.fetchone()[0]
            updated_people: set[bytes] = set()
            if not (pg and self.direct_people):
                person_cols = (
                    "identity_enc", "fingerprint", "sex", "birth_date", "village_code",
                )  # fmt: skip
                cursor.execute(
                    f"INSERT INTO {self.person} (pemda_id, nik_hash, {', '.join(person_cols)}, "
                    f"created_at, updated_at) SELECT %s, nik_hash, {', '.join(person_cols)}, %s, "
                    f"%s FROM {STAGE} WHERE true ON CONFLICT (pemda_id, nik_hash) DO UPDATE SET "
                    + ", ".join(f"{c} = excluded.{c}" for c in person_cols)
                    + f", updated_at = excluded.updated_at WHERE {self.person}.fingerprint "
                    "<> excluded.fingerprint"
                    + (" RETURNING nik_hash, (xmax = 0)" if pg and not self.direct_entries else ""),
                    [pemda, now, now],
                )
                if pg and not self.direct_entries:
                    updated_people = {bytes(h) for h, inserted in cursor.fetchall() if not inserted}
            if pg and self.direct_entries:
                # Every entry was new: a changed person does not count (as in the upsert).
                return chunk.count, 0
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
            inserted: set[bytes] = set()
            updated: set[bytes] = set()
            for nik_hash, was_inserted in cursor.fetchall():
                (inserted if was_inserted else updated).add(bytes(nik_hash))
            return len(inserted), len(updated | (updated_people - inserted))

    def finish(self) -> int:
        """Drop the staging tables; with ``replace``, delete the entries not in the file."""
        pemda, jpd, year = self.key
        deleted = 0
        with connection.cursor() as cursor:
            if self.replace and not self.direct_entries:
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
    nik_hash = keys.nik_hash(row.nik)
    return (
        nik_hash,
        keys.seal(nik_hash=nik_hash, nik=row.nik, name=row.name, address=row.address),
        keys.fingerprint(
            row.nik, row.name, row.address, row.sex, row.birth_date.isoformat(), row.village_code
        ),
        row.sex,
        row.birth_date,
        row.village_code,
        row.served,
        row.service_date,
        row.service_unit,
        keys.seal_note(nik_hash=nik_hash, note=row.note),
    )


class _Stopped(Exception):
    """The consumer gave up (an error while writing): the producer ends quietly."""


_END = object()


class _Producer:
    """Reads, validates and encodes rows on a thread of its own, chunk by chunk, while the main
    thread writes the previous chunk (the database works on the other core; psycopg waits for
    the server without the GIL). A small bounded queue keeps memory flat whatever the file size.
    Everything it shares with the main thread goes through the queue."""

    def __init__(
        self,
        *,
        table: Table,
        validator: RowValidator,
        keys: DataKeys,
        sink: Sink,
        report: ErrorReport,
        accept_partial: bool,
        chunk_size: int,
        encoder: CopyEncoder | None,
    ) -> None:
        self.encoder = encoder
        self.table = table
        self.validator = validator
        self.keys = keys
        self.sink = sink
        self.report = report
        self.accept_partial = accept_partial
        self.chunk_size = max(1, chunk_size)
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_CHUNKS)
        self.stop = threading.Event()
        self.progress = Progress()
        self.problems: list[str] = []
        self.thread = threading.Thread(target=self._run, name="penerima-impor", daemon=True)

    def _put(self, item: Any) -> None:
        while True:
            if self.stop.is_set():
                raise _Stopped
            try:
                self.queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _run(self) -> None:
        try:
            self._produce()
            self._put(_END)
        except _Stopped:
            pass
        except BaseException as exc:  # handed to the main thread, which raises it
            with contextlib.suppress(_Stopped):
                self._put(exc)

    def _snapshot(self) -> Progress:
        p = self.progress
        return Progress(p.baris, p.diterima, p.ditolak, p.peringatan)

    def _produce(self) -> None:
        progress, problems, report = self.progress, self.problems, self.report
        check, columns = self.validator.check, self.table.columns
        accept_partial, chunk_size = self.accept_partial, self.chunk_size
        encode = self._encoder()
        valid: list[CheckedRow] = []
        stop = self.stop
        refusing = False  # an error without accept_partial: nothing more will be written
        for raw in self.table.rows:
            progress.baris += 1
            if not progress.baris % 4096 and stop.is_set():
                raise _Stopped  # the main thread gave up (error, interrupt)
            if refusing and not progress.baris % chunk_size:
                self._put((None, self._snapshot()))  # progress only: the bar moves on
            checked = check(raw, columns)
            errors = checked.errors
            if errors or checked.warnings:
                report.add(raw.cells, checked)
                if len(problems) < PROBLEM_SAMPLE:
                    for p in [*errors, *checked.warnings][: PROBLEM_SAMPLE - len(problems)]:
                        kind = "kesalahan" if p in errors else "peringatan"
                        problems.append(
                            f"Baris {raw.number}, kolom {p.column} ({kind}): {p.message}"
                        )
            if errors:
                progress.ditolak += 1
                if not accept_partial:
                    valid.clear()  # nothing will be written; keep validating for the report
                    refusing = True
                continue
            progress.diterima += 1
            if checked.warnings:
                progress.peringatan += 1
            if refusing:
                continue
            valid.append(checked)
            if len(valid) >= chunk_size:
                self._put((encode(valid), self._snapshot()))
                valid = []
        refused = progress.ditolak > 0 and (not accept_partial or progress.diterima == 0)
        if valid and not refused:
            self._put((encode(valid), self._snapshot()))

    def _encoder(self) -> Callable[[list[CheckedRow]], Chunk]:
        """Encrypt, hash and encode a chunk of valid rows for the sink: tuples for SQLite,
        PostgreSQL binary ``COPY`` payloads otherwise (:mod:`tuntas.penerima.copy_encoder`)."""
        keys, encoder = self.keys, self.encoder
        if encoder is None:
            return lambda rows: Chunk(len(rows), rows=[_stage_row(keys, r) for r in rows])
        return lambda rows: Chunk(*encoder.encode(rows))

    def __iter__(self) -> Iterator[tuple[Chunk | None, Progress]]:
        """The encoded chunks, in order; re-raises the producer's error in the caller."""
        while True:
            item = self.queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop the thread (when the caller gives up early) and wait for it."""
        self.stop.set()
        while self.thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self.queue.get(timeout=0.05)
        self.thread.join()


QUEUE_CHUNKS = 2


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
    the transaction back. ``on_chunk(n, summary)`` is called after each chunk is written, and every ``chunk_size``
    rows once the file is known to be refused (so a progress bar keeps moving).

    Rows are read, validated and encrypted on a producer thread while this thread writes the
    previous chunk; the database connection is only ever used from this thread."""
    summary = ImportSummary()
    sink.begin()
    encoder = None
    if sink.vendor == "postgresql":
        encoder = CopyEncoder(
            hash_key=keys.hash_key, aead=keys.aead, pemda=sink.key[0],
            jpd=sink.key[1], year=sink.key[2], now_micros=CopyEncoder.now_micros(sink.now),
            people=sink.direct_people, entries=sink.direct_entries, stage=sink.staged,
        )  # fmt: skip
    with _collector_paused():
        return _run(
            summary=summary, table=table, validator=validator, keys=keys, sink=sink,
            report=report, accept_partial=accept_partial, chunk_size=chunk_size,
            on_chunk=on_chunk, encoder=encoder,
        )  # fmt: skip


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the import: rows make no reference cycles (each
    is freed by reference counting when its chunk is written), but the millions of short-lived
    tuples would start a collection every few hundred rows, each walking the heap — about a
    sixth of the import's time on a million rows. Back on afterwards, whatever happens."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run(
    *,
    summary: ImportSummary,
    table: Table,
    validator: RowValidator,
    keys: DataKeys,
    sink: Sink,
    report: ErrorReport,
    accept_partial: bool,
    chunk_size: int,
    on_chunk: Callable[[int, ImportSummary], None] | None,
    encoder: CopyEncoder | None,
) -> ImportSummary:
    producer = _Producer(
        table=table, validator=validator, keys=keys, sink=sink, report=report,
        accept_partial=accept_partial, chunk_size=chunk_size, encoder=encoder,
    )  # fmt: skip
    producer.thread.start()
    chunks = 0
    try:
        for chunk, progress in producer:
            if chunk is not None:
                new, changed = sink.write(chunk)
                summary.baru += new
                summary.diperbarui += changed
            summary.baris, summary.diterima = progress.baris, progress.diterima
            summary.ditolak, summary.peringatan = progress.ditolak, progress.peringatan
            chunks += 1
            if on_chunk is not None:
                on_chunk(chunks, summary)
    finally:
        producer.close()
    final = producer.progress
    summary.baris, summary.diterima = final.baris, final.diterima
    summary.ditolak, summary.peringatan = final.ditolak, final.peringatan
    summary.problems = producer.problems
    if summary.baris == 0:
        raise TableError("Berkas tidak berisi baris data di bawah baris judul kolom.")
    refused = summary.ditolak > 0 and (not accept_partial or summary.diterima == 0)
    if refused:
        # nothing written: nothing accepted; the warnings found stay counted, so a refused run
        # and an accepted run (terima sebagian) of the same file report the same warnings
        summary.diterima = summary.baru = summary.diperbarui = 0
        return summary
    summary.dihapus = sink.finish()
    summary.written = True
    return summary
