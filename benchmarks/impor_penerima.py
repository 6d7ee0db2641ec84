"""Benchmark: importing a by-name recipient list of 1,000,000 rows on PostgreSQL.

Creates its own database, runs ``tuntas init`` there, registers Kota Bekasi (32.75) and generates N
valid rows for JPD 1.02.K06 (usia produktif 15–59, year 2025) as a CSV file and as an XLSX file
(XlsxWriter, constant memory). Then prints, in one run and on the same machine, each step in a
fresh process (so the peak memory of each is its own):

  (a) Tuntas CSV  — ``recipients_import`` end to end: parse, validate, encrypt, hash, dedupe, write,
                    commit (the same call as ``tuntas impor-penerima``);
  (b) limit       — a raw ``COPY … FROM STDIN (FORMAT csv)`` of the same CSV file, parsed by the
                    server with no validation, into a fresh table holding the same data in plain
                    text (pemda, JPD, year, NIK, name, sex, birth date, desa, address, served,
                    service date, unit) with the same two unique indexes as the stored data
                    (pemda + NIK like ``Person``, pemda + JPD + year + NIK like ``RecipientEntry``);
  (c) naive peer  — ``pandas.read_csv`` + a Django ``ModelForm`` per row (``is_valid()``: field
                    cleaning, the same rules, and the per-row uniqueness query a ``unique`` field
                    brings) + ``bulk_create`` in batches of 2,000, into a temporary model mirroring
                    the columns; no encryption. Above 200,000 rows it runs on a sample of
                    ``--peer-sample`` rows and is extrapolated linearly (the output says so);
  (d) Tuntas XLSX — ``recipients_import`` of the same rows as a workbook (the tables are emptied
                    first so it is a first import again, like (a)).

with wall time, rows/s, the ratios and the peak RSS of each process. (a) and (b) run
alternately ``--repeat`` times (default 3) and their medians are compared: the speed of this
kind of shared machine drifts by up to a fifth between minutes.

Run: ``.venv/bin/python benchmarks/impor_penerima.py [--rows N] [--repeat K] [--peer-sample N]
[--keep]``
Database: ``TUNTAS_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/tuntas_bench_penerima`` (dropped and created by the run).
Goals (issue: by-name recipients, 7 Speed), for 1,000,000 rows: CSV import ≤ 1.5× the raw COPY,
≥ 10× faster than the naive peer, peak memory < 1 GB, XLSX within 3× of CSV.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._pg import recreate_postgres  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tuntas_bench_penerima"
PEMDA = "32.75"  # Kota Bekasi
JPD = "1.02.K06"  # usia produktif 15–59
YEAR = 2025
PEER_BATCH = 2_000
PEER_FULL_UP_TO = 200_000
GOAL_COPY_RATIO = 1.5
GOAL_PEER_RATIO = 10.0
GOAL_MEMORY_MB = 1024
GOAL_XLSX_RATIO = 3.0
HEADER = [
    "nik", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa", "alamat",
    "terlayani_sesuai_standar", "tanggal_pelayanan", "unit_layanan",
]  # fmt: skip

# --- the data --------------------------------------------------------------------------------

FIRST_NAMES_M = (
    "Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Rudi", "Slamet",
    "Teguh", "Wahyu", "Yusuf", "Ahmad", "Bambang", "Dani", "Rizky", "Andi", "Hadi", "Arif",
)  # fmt: skip
FIRST_NAMES_F = (
    "Ani", "Dewi", "Fitri", "Indah", "Lestari", "Nur", "Putri", "Rina", "Sari", "Siti",
    "Wati", "Yuni", "Ayu", "Dian", "Eka", "Maya", "Ratna", "Sri", "Tuti", "Wulan",
)  # fmt: skip
LAST_NAMES = (
    "Saputra", "Hidayat", "Kurniawan", "Setiawan", "Pratama", "Nugroho", "Wijaya", "Santoso",
    "Siregar", "Nasution", "Lubis", "Simanjuntak", "Hutapea", "Rahmawati", "Susanti",
    "Permata", "Maulana", "Firmansyah", "Ramadhan", "Gunawan", "Sihombing", "Harahap",
)  # fmt: skip
STREETS = (
    "Melati", "Mawar", "Kenanga", "Anggrek", "Cempaka", "Flamboyan", "Merpati", "Cendrawasih",
    "Rajawali", "Kutilang", "Pramuka", "Pahlawan", "Ahmad Yani", "Juanda", "Siliwangi",
    "Raya Narogong", "Pekayon", "Kalimalang", "Chairil Anwar", "Cut Meutia",
)  # fmt: skip


def _mix(i: int) -> int:
    """A cheap deterministic hash of the row index (Knuth's multiplicative)."""
    return ((i + 0x9E3779B9) * 2654435761) & 0xFFFFFFFF


def generate_rows(
    n: int, villages: Sequence[str], *, year: int = YEAR
) -> Iterator[tuple[str, str, str, date, str, str, bool, date | None, str]]:
    """N valid rows for a JPD for ages 15–59 at 31 December ``year``, in ``villages`` (dotted desa
    codes of one pemda): (nik, name, sex, birth date, desa, address, served, service date, unit).

    NIKs are unique and encode the person's kecamatan, sex and birth date; the ``n``-th row's
    (birth date, serial) pair is a bijection of ``n``, so no two rows share a NIK for any
    ``n`` < about 164 million.
    """
    first_born = date(year - 59, 1, 1)
    days = (date(year - 15, 12, 31) - first_born).days + 1  # every eligible birth date
    step = 7_919  # a prime not dividing ``days``: i → i·step mod days is a permutation
    assert days % step != 0
    by_kecamatan = sorted(villages)
    year_start = date(year, 1, 1)
    year_days = (date(year, 12, 31) - year_start).days + 1
    for i in range(n):
        h = _mix(i)
        born = first_born + timedelta(days=(i * step) % days)
        serial = i // days + 1  # 1 … 9999
        sex = "P" if h & 1 else "L"
        village = by_kecamatan[(h >> 1) % len(by_kecamatan)]
        region = village[:8].replace(".", "")  # the kecamatan, as the NIK carries it
        day = born.day + (40 if sex == "P" else 0)
        nik = f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
        first = (FIRST_NAMES_F if sex == "P" else FIRST_NAMES_M)[(h >> 8) % 20]
        name = f"{first} {LAST_NAMES[(h >> 13) % len(LAST_NAMES)]}"
        address = (
            f"Jl. {STREETS[(h >> 18) % len(STREETS)]} No. {(h >> 3) % 150 + 1}, "
            f"RT {(h >> 23) % 15 + 1:03d}/RW {(h >> 27) % 12 + 1:03d}"
        )
        served = (h >> 5) % 10 < 7
        service = year_start + timedelta(days=(h >> 9) % year_days) if served else None
        unit = f"Puskesmas {village[-4:]}" if served else ""
        yield nik, name, sex, born, village, address, served, service, unit


def write_csv(path: Path, rows: Iterator[tuple[Any, ...]]) -> int:
    """A CSV as exported by a spreadsheet: comma separated, quoted where needed, birth dates
    mostly DD-MM-YYYY and some ISO, served as Y/T."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for nik, name, sex, born, village, address, served, service, unit in rows:
            birth = born.isoformat() if count % 3 == 0 else born.strftime("%d-%m-%Y")
            writer.writerow(
                (nik, name, sex, birth, village, address, "Y" if served else "T",
                 service.isoformat() if service else "", unit)
            )  # fmt: skip
            count += 1
    return count


def write_xlsx(path: Path, rows: Iterator[tuple[Any, ...]]) -> int:
    """The same rows as a workbook the way users make it: NIK as text, dates as date cells."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Penerima")
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for col, title in enumerate(HEADER):
        sheet.write_string(0, col, title)
    count = 0
    for r, (nik, name, sex, born, village, address, served, service, unit) in enumerate(rows, 1):
        sheet.write_string(r, 0, nik)
        sheet.write_string(r, 1, name)
        sheet.write_string(r, 2, sex)
        sheet.write_datetime(r, 3, born, dates)
        sheet.write_string(r, 4, village)
        sheet.write_string(r, 5, address)
        sheet.write_string(r, 6, "Y" if served else "T")
        if service is not None:
            sheet.write_datetime(r, 7, service, dates)
        if unit:
            sheet.write_string(r, 8, unit)
        count += 1
    workbook.close()
    return count


# --- the steps, each in a fresh process --------------------------------------------------------


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuntas.settings")
    import django

    django.setup()


def checkpoint() -> None:
    """Start each measured step with the previous one's dirty pages flushed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def step_tuntas(path: Path, rows: int) -> dict[str, Any]:
    django_setup()
    from django.db import connection

    from tuntas.katalog.models import Jpd
    from tuntas.organisasi.models import Pemda
    from tuntas.penerima.models import Person, RecipientEntry
    from tuntas.penerima.services import recipients_import

    with connection.cursor() as cursor:  # a first import each time
        cursor.execute(f"TRUNCATE {RecipientEntry._meta.db_table}, {Person._meta.db_table}")
    checkpoint()
    pemda, jpd = Pemda.objects.get(code=PEMDA), Jpd.objects.get(code=JPD)
    start = time.perf_counter()
    summary = recipients_import(pemda=pemda, jpd=jpd, year=YEAR, path=path)
    seconds = time.perf_counter() - start
    stored = RecipientEntry.objects.filter(pemda=pemda, jpd=jpd, year=YEAR).count()
    if (summary.baris, summary.diterima, summary.ditolak, summary.baru, stored) != (
        rows, rows, 0, rows, rows,
    ):  # fmt: skip
        raise SystemExit(f"unexpected import result: {summary.as_json()}, {stored} stored")
    return {"seconds": seconds, "rows": rows, "peak_mb": peak_mb()}


def step_copy(path: Path, rows: int, url: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("CHECKPOINT")
        conn.execute("DROP TABLE IF EXISTS bench_copy_limit")
        conn.execute(
            "CREATE TABLE bench_copy_limit (pemda varchar(20) NOT NULL DEFAULT '32.75', "
            "jpd varchar(20) NOT NULL DEFAULT '1.02.K06', year smallint NOT NULL DEFAULT 2025, "
            "nik varchar(16) NOT NULL, nama text NOT NULL, jenis_kelamin varchar(1) NOT NULL, "
            "tanggal_lahir date NOT NULL, kode_desa varchar(13) NOT NULL, alamat text NOT NULL, "
            "terlayani varchar(5) NOT NULL, tanggal_pelayanan date, unit_layanan varchar(200) "
            "NOT NULL, PRIMARY KEY (pemda, jpd, year, nik), UNIQUE (pemda, nik))"
        )
        conn.commit()
        conn.execute("SET datestyle = 'ISO, DMY'")  # DD-MM-YYYY as well as ISO
        start = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy(
                "COPY bench_copy_limit (nik, nama, jenis_kelamin, tanggal_lahir, kode_desa, "
                "alamat, terlayani, tanggal_pelayanan, unit_layanan) FROM STDIN "
                "(FORMAT csv, HEADER true, FORCE_NOT_NULL (alamat, unit_layanan))"
            ) as copy,
            path.open("rb") as handle,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        conn.commit()
        seconds = time.perf_counter() - start
        stored = conn.execute("SELECT count(*) FROM bench_copy_limit").fetchone()
        conn.execute("DROP TABLE bench_copy_limit")
        conn.commit()
    if stored is None or stored[0] != rows:
        raise SystemExit(f"COPY stored {stored} rows, expected {rows}")
    return {"seconds": seconds, "rows": rows, "peak_mb": peak_mb()}


def step_peer(path: Path, rows: int, sample: int) -> dict[str, Any]:
    """The usual Django way: pandas reads the file, a ModelForm validates each row, bulk_create
    writes batches. Same rules as Tuntas (NIK shape and parts, desa of the pemda, eligibility,
    service date within the year), no encryption or hashing."""
    django_setup()
    import pandas as pd  # type: ignore[import-untyped]
    from django import forms
    from django.core.validators import RegexValidator
    from django.db import connection, models, transaction

    from tuntas.wilayah.models import Level, Region

    class Recipient(models.Model):
        nik = models.CharField(max_length=16, unique=True, validators=[RegexValidator(r"^\d{16}$")])
        nama = models.CharField(max_length=200)
        jenis_kelamin = models.CharField(max_length=1, choices=[("L", "L"), ("P", "P")])
        tanggal_lahir = models.DateField()
        kode_desa = models.CharField(max_length=13)
        alamat = models.CharField(max_length=300, blank=True)
        terlayani_sesuai_standar = models.BooleanField()
        tanggal_pelayanan = models.DateField(null=True, blank=True)
        unit_layanan = models.CharField(max_length=200, blank=True)

        class Meta:
            app_label = "penerima"
            db_table = "bench_peer_recipient"

        def __str__(self) -> str:
            return self.nik

    villages = set(
        Region.objects.filter(level=Level.DESA, code__startswith=PEMDA + ".").values_list(
            "code", flat=True
        )
    )
    provinces = set(Region.objects.filter(level=Level.PROVINSI).values_list("code", flat=True))
    date_formats = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]

    class RecipientForm(forms.ModelForm):
        tanggal_lahir = forms.DateField(input_formats=date_formats)
        tanggal_pelayanan = forms.DateField(input_formats=date_formats, required=False)
        terlayani_sesuai_standar = forms.TypedChoiceField(
            choices=[("Y", "Y"), ("T", "T")], coerce=lambda v: v == "Y"
        )

        class Meta:
            model = Recipient
            fields = HEADER

        def clean_nik(self) -> str:
            nik = self.cleaned_data["nik"]
            day, month = int(nik[6:8]), int(nik[8:10])
            if nik[:2] not in provinces or not (1 <= day <= 31 or 41 <= day <= 71):
                raise forms.ValidationError("NIK tidak sah")
            if not 1 <= month <= 12 or nik[12:] == "0000":
                raise forms.ValidationError("NIK tidak sah")
            return nik

        def clean_kode_desa(self) -> str:
            code = self.cleaned_data["kode_desa"]
            if code not in villages:
                raise forms.ValidationError("desa bukan wilayah pemda")
            return code

        def clean(self) -> dict[str, Any]:
            data = super().clean() or {}
            born, served = data.get("tanggal_lahir"), data.get("tanggal_pelayanan")
            if born is not None and not 15 <= YEAR - born.year <= 59:
                self.add_error("tanggal_lahir", "tidak memenuhi syarat usia")
            if served is not None and served.year != YEAR:
                self.add_error("tanggal_pelayanan", "di luar tahun")
            return data

    with connection.schema_editor() as editor:
        editor.execute("DROP TABLE IF EXISTS bench_peer_recipient")
        editor.create_model(Recipient)
    checkpoint()
    measured = min(rows, sample) if rows > PEER_FULL_UP_TO else rows
    start = time.perf_counter()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, nrows=measured)
    batch: list[Recipient] = []
    errors = 0
    with transaction.atomic():
        for record in frame.to_dict("records"):
            form = RecipientForm(data=record)
            if not form.is_valid():
                errors += 1
                continue
            batch.append(form.save(commit=False))
            if len(batch) >= PEER_BATCH:
                Recipient._default_manager.bulk_create(batch)
                batch.clear()
        Recipient._default_manager.bulk_create(batch)
    seconds = time.perf_counter() - start
    stored = Recipient._default_manager.count()
    with connection.schema_editor() as editor:
        editor.delete_model(Recipient)
    if errors or stored != measured:
        raise SystemExit(f"peer: {errors} rows refused, {stored} stored of {measured}")
    return {"seconds": seconds, "rows": measured, "peak_mb": peak_mb()}


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median time (the lower middle one of an even number), with the highest peak
    memory of all the runs."""
    ordered = sorted(runs, key=lambda r: float(r["seconds"]))
    return {**ordered[(len(ordered) - 1) // 2], "peak_mb": max(r["peak_mb"] for r in runs)}


def run_step(name: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--step", name, *args],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"step {name} failed:\n{out.stdout}\n{out.stderr}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# --- the run -----------------------------------------------------------------------------------


def prepare(env: dict[str, str]) -> list[str]:
    """``tuntas init`` (migrate, regions, catalog, data key) and Kota Bekasi registered; the desa
    codes of the pemda."""
    tuntas = Path(sys.executable).parent / "tuntas"
    command = [str(tuntas)] if tuntas.exists() else [sys.executable, "-m", "tuntas.cli"]
    subprocess.run([*command, "init"], env=env, check=True, capture_output=True, text=True)
    code = (
        "import json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tuntas.settings');"
        "import django; django.setup();"
        "from tuntas.organisasi.services import pemda_register;"
        "from tuntas.wilayah.models import Level, Region;"
        f"pemda_register(code={PEMDA!r});"
        "print(json.dumps(list(Region.objects.filter(level=Level.DESA, "
        f"code__startswith={PEMDA + '.'!r}).order_by('code').values_list('code', flat=True))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--peer-sample", type=int, default=100_000,
                        help=f"rows the naive peer runs on above {PEER_FULL_UP_TO:,} rows")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of (a) and (b), alternately; medians are reported")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("TUNTAS_DATABASE_URL") or DEFAULT_URL

    if args.step:  # a child process: measure one step, print its JSON
        path = Path(args.file)
        if args.step == "copy":
            result = step_copy(path, args.rows, url)
        elif args.step == "peer":
            result = step_peer(path, args.rows, args.peer_sample)
        else:
            result = step_tuntas(path, args.rows)
        print(json.dumps(result))
        return

    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("This benchmark needs PostgreSQL (TUNTAS_DATABASE_URL=postgres://…).")
    recreate_postgres(url)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-penerima-") as name:
            tmp = Path(name)
            env = dict(os.environ)
            env.update(
                TUNTAS_DATABASE_URL=url, TUNTAS_VAR_DIR=str(tmp / "var"), TUNTAS_DEBUG="0",
                DJANGO_SETTINGS_MODULE="tuntas.settings",
            )  # fmt: skip
            env.pop("TUNTAS_DATA_KEY", None)
            env.pop("TUNTAS_DATA_KEY_FILE", None)
            start = time.perf_counter()
            villages = prepare(env)
            setup_seconds = time.perf_counter() - start

            start = time.perf_counter()
            csv_path, xlsx_path = tmp / "penerima.csv", tmp / "penerima.xlsx"
            write_csv(csv_path, generate_rows(args.rows, villages))
            csv_seconds = time.perf_counter() - start
            start = time.perf_counter()
            write_xlsx(xlsx_path, generate_rows(args.rows, villages))
            xlsx_seconds = time.perf_counter() - start

            common = ["--rows", str(args.rows)]
            # (a) and (b) alternately, --repeat times: this machine's speed drifts by a fifth
            # from one minute to the next, so each is the median of its runs and each pair
            # ran under the same conditions.
            csv_runs: list[dict[str, Any]] = []
            copy_runs: list[dict[str, Any]] = []
            for _ in range(max(1, args.repeat)):
                csv_runs.append(run_step("tuntas", [*common, "--file", str(csv_path)], env))
                copy_runs.append(run_step("copy", [*common, "--file", str(csv_path)], env))
            tuntas_csv, limit = median_run(csv_runs), median_run(copy_runs)
            peer = run_step(
                "peer",
                [*common, "--peer-sample", str(args.peer_sample), "--file", str(csv_path)],
                env,
            )
            tuntas_xlsx = run_step("tuntas", [*common, "--file", str(xlsx_path)], env)
            report(
                args=args, url=url, villages=villages, setup_seconds=setup_seconds,
                files=((csv_path, csv_seconds), (xlsx_path, xlsx_seconds)),
                tuntas_csv=tuntas_csv, limit=limit, peer=peer, tuntas_xlsx=tuntas_xlsx,
                pairs=list(zip(csv_runs, copy_runs, strict=True)),
            )  # fmt: skip
    finally:
        if not args.keep:
            recreate_postgres(url, drop_only=True)


def report(
    *,
    args: argparse.Namespace,
    url: str,
    villages: list[str],
    setup_seconds: float,
    files: tuple[tuple[Path, float], ...],
    tuntas_csv: dict[str, Any],
    limit: dict[str, Any],
    peer: dict[str, Any],
    tuntas_xlsx: dict[str, Any],
    pairs: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    version = row[0] if row else "?"
    n = args.rows
    print(
        f"By-name recipient import, {n:,} rows — PostgreSQL {version}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}"
    )
    print(
        f"Setup: tuntas init + pemda_register {PEMDA} {setup_seconds:.1f} s; "
        f"{len(villages)} desa/kelurahan; JPD {JPD}, year {YEAR}"
    )
    for path, seconds in files:
        print(
            f"  generated {path.suffix[1:].upper():<4} {path.stat().st_size / 1e6:8.1f} MB "
            f"in {seconds:5.1f} s"
        )
    peer_seconds = peer["seconds"]
    peer_note = "all rows"
    if peer["rows"] != n:
        peer_seconds = peer["seconds"] * n / peer["rows"]
        peer_note = (
            f"measured on the first {peer['rows']:,} rows ({peer['seconds']:.1f} s), "
            f"extrapolated linearly to {n:,}"
        )
    rows_ = [
        ("(a) Tuntas CSV import (recipients_import)", tuntas_csv["seconds"], tuntas_csv, ""),
        ("(b) limit: raw COPY of the CSV", limit["seconds"], limit, ""),
        ("(c) naive peer: pandas + ModelForm + bulk_create", peer_seconds, peer, peer_note),
        ("(d) Tuntas XLSX import (recipients_import)", tuntas_xlsx["seconds"], tuntas_xlsx, ""),
    ]
    print(f"  {'step':<50}{'seconds':>9}{'rows/s':>11}{'peak RSS':>11}")
    for label, seconds, result, note in rows_:
        print(f"  {label:<50}{seconds:9.1f}{n / seconds:11,.0f}{result['peak_mb']:8.0f} MB")
        if note:
            print(f"      peer {note}; peak RSS is that of the measured run")
    if len(pairs) > 1:
        print(f"  (a) and (b) ran alternately {len(pairs)} times; (a) and (b) above are medians:")
        for i, (a, b) in enumerate(pairs, start=1):
            print(
                f"      run {i}: (a) {a['seconds']:5.1f} s, (b) {b['seconds']:5.1f} s, "
                f"(a)/(b) {a['seconds'] / b['seconds']:.2f}x"
            )
    copy_ratio = tuntas_csv["seconds"] / limit["seconds"]
    peer_ratio = peer_seconds / tuntas_csv["seconds"]
    xlsx_ratio = tuntas_xlsx["seconds"] / tuntas_csv["seconds"]
    peak = max(tuntas_csv["peak_mb"], tuntas_xlsx["peak_mb"])
    print(f"  tuntas CSV / raw COPY  = {copy_ratio:5.2f}x (median / median)")
    print(f"  peer / tuntas CSV      = {peer_ratio:5.1f}x (how much faster Tuntas is)")
    print(f"  tuntas XLSX / CSV      = {xlsx_ratio:5.2f}x")
    goals = [
        (f"CSV import ≤ {GOAL_COPY_RATIO}× raw COPY", copy_ratio <= GOAL_COPY_RATIO,
         f"{copy_ratio:.2f}×"),
        (f"≥ {GOAL_PEER_RATIO:.0f}× faster than the naive peer", peer_ratio >= GOAL_PEER_RATIO,
         f"{peer_ratio:.1f}×"),
        ("peak memory < 1 GB (CSV and XLSX imports)", peak < GOAL_MEMORY_MB, f"{peak:.0f} MB"),
        (f"XLSX within {GOAL_XLSX_RATIO:.0f}× of CSV", xlsx_ratio <= GOAL_XLSX_RATIO,
         f"{xlsx_ratio:.2f}×"),
    ]  # fmt: skip
    print("Goals:")
    for label, met, value in goals:
        print(f"  {label:<46} {value:>9}  {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
