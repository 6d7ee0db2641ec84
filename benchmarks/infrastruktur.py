"""Benchmark: Tuntas' two pieces of home-made infrastructure against the library that could
replace them, at 1,000,000 rows, each side in a fresh process (its own peak memory):

  (a) reading a by-name workbook: ``tuntas.core.xlsx_stream`` (the project's streaming
      reader) vs openpyxl's read-only mode (``load_workbook(read_only=True, data_only=True)``,
      ``iter_rows(values_only=True)``). Both must give the same cells (checked: row count and a
      digest of every cell value);
  (b) writing the rows of a first import with ``COPY … FROM STDIN (FORMAT BINARY)`` into tables
      shaped like ``Person`` and ``RecipientEntry``: ``tuntas.penerima.copy_encoder`` (payloads
      built by the project) vs psycopg 3's own ``copy.write_row()`` with ``set_types``. Each
      side does the same work per row: keyed BLAKE2b NIK hash, AES-256-GCM sealed identity,
      keyed fingerprint, then the COPY. Both must store the same rows (checked: counts and a
      digest of the hashes and fingerprints). This measures the two one after the other; in the
      importer the encoding overlaps the server's COPY on a second thread, which ``write_row``
      cannot (it runs on the connection's thread): ``benchmarks/impor_penerima.py`` measures
      that, and decides (see the docstring of ``tuntas/penerima/copy_encoder.py``).

(a) and (b) each alternate their two sides ``--repeat`` times (default 3) and compare medians.

Run: ``.venv/bin/python benchmarks/infrastruktur.py [--rows N] [--repeat K] [--only a|b]``
Database for (b): ``TUNTAS_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/tuntas_bench_infra`` (dropped and created by the run).
The decision it informs (issue: a house the next engineer can read, 4): keep the custom code only
where it wins clearly.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._pg import recreate_postgres  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tuntas_bench_infra"
HEADER = [
    "nik", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa", "alamat",
    "terlayani_sesuai_standar", "tanggal_pelayanan", "unit_layanan",
]  # fmt: skip
CHUNK = 20_000
KEY = bytes(range(32))


# --- the data --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ValidRow:
    nik: str
    name: str
    address: str
    village_code: str
    sex: str
    birth_date: date
    served: bool
    service_date: date | None
    service_unit: str
    note: str


def rows(count: int) -> list[ValidRow]:
    """``count`` valid, distinct recipients of Kota Bekasi (deterministic)."""
    rng = random.Random(2026)
    villages = [f"32.75.{k:02d}.{1000 + d}" for k in range(1, 13) for d in range(1, 6)]
    out = []
    for i in range(count):
        sex = "P" if i % 2 else "L"
        born = date(1966, 1, 1) + timedelta(days=rng.randrange(0, 16_000))
        day = born.day + (40 if sex == "P" else 0)
        # region digits follow i // 9999 and the last four i % 9999: every NIK is distinct
        region = f"{11 + i // 999_900:02d}75{(i // 9999) % 100:02d}"
        nik = f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{i % 9999 + 1:04d}"
        out.append(
            ValidRow(
                nik=nik,
                name=f"Warga {i}",
                address=f"Jl. Contoh No. {i % 300}",
                village_code=villages[i % len(villages)],
                sex=sex,
                birth_date=born,
                served=i % 3 != 0,
                service_date=date(2025, 1, 1) + timedelta(days=i % 300),
                service_unit=f"Puskesmas {i % 40}",
                note="",
            )
        )
    return out


def write_workbook(path: Path, count: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Daftar")
    for c, name in enumerate(HEADER):
        sheet.write_string(0, c, name)
    for r, row in enumerate(rows(count), start=1):
        values = [row.nik, row.name, row.sex, row.birth_date.isoformat(), row.village_code,
                  row.address, "Y" if row.served else "T",
                  row.service_date.isoformat() if row.service_date else "", row.service_unit]  # fmt: skip
        for c, value in enumerate(values):
            sheet.write_string(r, c, value)
    book.close()


# --- (a) reading a workbook -------------------------------------------------------------------


def _digest_cells(cells_rows: Any) -> tuple[int, str]:
    digest = hashlib.blake2b(digest_size=16)
    count = 0
    for cells in cells_rows:
        count += 1
        digest.update(repr(tuple("" if c is None else c for c in cells)).encode())
    return count, digest.hexdigest()


def side_read_tuntas(path: str) -> dict[str, Any]:
    from tuntas.core.xlsx_stream import open_first_sheet

    def trimmed() -> Any:
        reader = open_first_sheet(path)
        try:
            for row in reader:
                yield row.cells
        finally:
            reader.close()

    return _measured(lambda: _digest_cells(trimmed()))


def side_read_openpyxl(path: str) -> dict[str, Any]:
    from openpyxl import load_workbook

    def trimmed() -> Any:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            for cells in book.worksheets[0].iter_rows(values_only=True):
                values = list(cells)
                while values and values[-1] is None:
                    values.pop()
                if values:
                    yield tuple(values)
        finally:
            book.close()

    return _measured(lambda: _digest_cells(trimmed()))


# --- (b) COPY --------------------------------------------------------------------------------

TABLES = """
DROP TABLE IF EXISTS bench_person, bench_entry;
CREATE UNLOGGED TABLE bench_person (
    pemda_id varchar(13), nik_hash bytea, identity_enc bytea, fingerprint bytea, sex varchar(1),
    birth_date date, village_code varchar(13), created_at timestamptz, updated_at timestamptz);
CREATE UNLOGGED TABLE bench_entry (
    pemda_id varchar(13), jpd_id varchar(8), year smallint, nik_hash bytea,
    village_code varchar(13), served boolean, service_date date, service_unit varchar(200),
    note text);
"""


def _keys() -> tuple[Any, bytes]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(KEY), KEY


def side_copy_tuntas(url: str, count: int) -> dict[str, Any]:
    import psycopg

    from tuntas.penerima.copy_encoder import (
        ENTRY_COPY_COLUMNS,
        PERSON_COPY_COLUMNS,
        CopyEncoder,
    )

    data = rows(count)
    aead, key = _keys()

    def run() -> tuple[int, str]:
        encoder = CopyEncoder(
            hash_key=key, aead=aead, pemda="32.75", jpd="1.02.K06", year=2025,
            now_micros=CopyEncoder.now_micros(datetime.now(UTC)),
            people=True, entries=True, stage=False,
        )  # fmt: skip
        with psycopg.connect(url) as conn, conn.cursor() as cur:
            cur.execute(TABLES)
            for at in range(0, count, CHUNK):
                _, _, people, entries = encoder.encode(data[at : at + CHUNK])
                assert people is not None and entries is not None
                for table, cols, payload in (
                    ("bench_person", PERSON_COPY_COLUMNS, people),
                    ("bench_entry", ENTRY_COPY_COLUMNS, entries),
                ):
                    with cur.copy(
                        f"COPY {table} ({', '.join(cols)}) FROM STDIN (FORMAT BINARY)"
                    ) as copy:
                        copy.write(payload)
            conn.commit()
            return _stored_digest(cur)

    return _measured(run)


def side_copy_psycopg(url: str, count: int) -> dict[str, Any]:
    import psycopg

    from tuntas.penerima.copy_encoder import ENTRY_COPY_COLUMNS, PERSON_COPY_COLUMNS
    from tuntas.penerima.crypto import (
        FINGERPRINT_BYTES,
        NIK_HASH_BYTES,
        NIK_PERSON,
        NONCE_BYTES,
        SEPARATOR,
        VALUES_PERSON,
    )

    data = rows(count)
    aead, key = _keys()

    def run() -> tuple[int, str]:
        nik_state = hashlib.blake2b(key=key, digest_size=NIK_HASH_BYTES, person=NIK_PERSON)
        values_state = hashlib.blake2b(key=key, digest_size=FINGERPRINT_BYTES, person=VALUES_PERSON)
        now = datetime.now(UTC)
        person_types = ["varchar", "bytea", "bytea", "bytea", "varchar", "date", "varchar",
                        "timestamptz", "timestamptz"]  # fmt: skip
        entry_types = ["varchar", "varchar", "int2", "bytea", "varchar", "bool", "date",
                       "varchar", "text"]  # fmt: skip
        with psycopg.connect(url) as conn, conn.cursor() as cur:
            cur.execute(TABLES)
            for at in range(0, count, CHUNK):
                people, entries = [], []
                nonces = os.urandom(NONCE_BYTES * CHUNK)
                for i, r in enumerate(data[at : at + CHUNK]):
                    h = nik_state.copy()
                    h.update(r.nik.encode())
                    nik_hash = h.digest()
                    plain = f"{r.nik}{SEPARATOR}{r.name}{SEPARATOR}{r.address}".encode()
                    h = values_state.copy()
                    h.update(plain)
                    h.update(
                        f"{SEPARATOR}{r.sex}{SEPARATOR}{r.birth_date.isoformat()}"
                        f"{SEPARATOR}{r.village_code}".encode()
                    )
                    nonce = nonces[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
                    sealed = nonce + aead.encrypt(nonce, plain, nik_hash)
                    people.append((nik_hash, "32.75", sealed, h.digest(), r.sex, r.birth_date,
                                   r.village_code, now, now))  # fmt: skip
                    entries.append((nik_hash, "32.75", "1.02.K06", 2025, r.village_code, r.served,
                                    r.service_date, r.service_unit, r.note))  # fmt: skip
                people.sort(key=lambda p: p[0])
                entries.sort(key=lambda e: e[0])
                with cur.copy(
                    f"COPY bench_person ({', '.join(PERSON_COPY_COLUMNS)}) "
                    "FROM STDIN (FORMAT BINARY)"
                ) as copy:
                    copy.set_types(person_types)
                    for p in people:
                        copy.write_row(p[1:2] + p[:1] + p[2:])
                with cur.copy(
                    f"COPY bench_entry ({', '.join(ENTRY_COPY_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
                ) as copy:
                    copy.set_types(entry_types)
                    for e in entries:
                        copy.write_row(e[1:4] + e[:1] + e[4:])
            conn.commit()
            return _stored_digest(cur)

    return _measured(run)


def _stored_digest(cur: Any) -> tuple[int, str]:
    """Rows stored and a digest of what must be identical on both sides (not the ciphertexts:
    their nonces are random)."""
    cur.execute(
        "SELECT count(*), md5(string_agg(encode(p.nik_hash, 'hex') || encode(p.fingerprint, "
        "'hex') || p.sex || p.birth_date || p.village_code || e.served || "
        "coalesce(e.service_date::text, '') || e.service_unit || length(p.identity_enc), ',' "
        "ORDER BY p.nik_hash)) FROM bench_person p JOIN bench_entry e USING (nik_hash)"
    )
    count, digest = cur.fetchone()
    return int(count), str(digest)


# --- running the sides ------------------------------------------------------------------------


def _measured(work: Any) -> dict[str, Any]:
    start = time.perf_counter()
    count, digest = work()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": _peak_mb(), "rows": count, "digest": digest}


def _peak_mb() -> float:
    """This process's peak resident memory (``VmHWM``: reset at exec, unlike ``ru_maxrss``, which
    a child inherits from the parent that generated the data)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


SIDES = {
    "read-tuntas": side_read_tuntas,
    "read-openpyxl": side_read_openpyxl,
    "copy-tuntas": side_copy_tuntas,
    "copy-psycopg": side_copy_psycopg,
}


def run_side(name: str, *args: str) -> dict[str, Any]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tuntas.settings"}
    done = subprocess.run(
        [sys.executable, __file__, "--side", name, *args],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(title: str, ours: str, peer: str, args: list[str], repeat: int) -> None:
    print(f"\n{title}")
    results: dict[str, list[dict[str, Any]]] = {ours: [], peer: []}
    for i in range(repeat):
        for name in (ours, peer) if i % 2 == 0 else (peer, ours):
            result = run_side(name, *args)
            results[name].append(result)
            print(
                f"  {name:14} {result['seconds']:8.2f} s  peak {result['peak_mb']:7.0f} MB  "
                f"{result['rows']:,} rows  {result['digest'][:12]}"
            )
    same = {r["rows"] for rs in results.values() for r in rs}
    digests = {r["digest"] for rs in results.values() for r in rs}
    print(f"  same result on both sides: {'yes' if len(same) == 1 and len(digests) == 1 else 'NO'}")
    t_ours = statistics.median(r["seconds"] for r in results[ours])
    t_peer = statistics.median(r["seconds"] for r in results[peer])
    m_ours = max(r["peak_mb"] for r in results[ours])
    m_peer = max(r["peak_mb"] for r in results[peer])
    print(f"  median time: {ours} {t_ours:.2f} s, {peer} {t_peer:.2f} s → {peer} / {ours} = "
          f"{t_peer / t_ours:.2f}×")  # fmt: skip
    print(f"  peak memory: {ours} {m_ours:.0f} MB, {peer} {m_peer:.0f} MB → {peer} / {ours} = "
          f"{m_peer / m_ours:.2f}×")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("a", "b"))
    parser.add_argument("--side", choices=sorted(SIDES))
    parser.add_argument("rest", nargs="*")
    args = parser.parse_args()
    if args.side:
        import django

        django.setup()
        result = (
            SIDES[args.side](*args.rest)
            if args.side.startswith("read")
            else SIDES[args.side](args.rest[0], int(args.rest[1]))
        )
        print(json.dumps(result))
        return
    started = time.perf_counter()
    print(f"Tuntas infrastructure vs libraries, {args.rows:,} rows, {args.repeat} runs each side")
    if args.only in (None, "a"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "daftar.xlsx"
            t0 = time.perf_counter()
            write_workbook(path, args.rows)
            print(f"\nworkbook: {path.stat().st_size / 1e6:.1f} MB, written in "
                  f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
            compare("(a) reading the workbook", "read-tuntas", "read-openpyxl", [str(path)],
                    args.repeat)  # fmt: skip
    if args.only in (None, "b"):
        url = os.environ.get("TUNTAS_DATABASE_URL", DEFAULT_URL)
        recreate_postgres(url)
        try:
            compare("(b) binary COPY of a first import", "copy-tuntas", "copy-psycopg",
                    [url, str(args.rows)], args.repeat)  # fmt: skip
        finally:
            recreate_postgres(url, drop_only=True)
    print(f"\nwall time of the run: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
