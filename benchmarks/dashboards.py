"""Benchmark: dashboard server time at national volume.

Seeds a fresh database with every pemda of Indonesia — 38 provinces and 514 kab/kota, 552 in all —
each with every JPD of its level × 4 quarters × 5 years (2021–2025) of synthetic entries with their
mutu items (``tuntas.pendataan.seed``: bulk ``COPY``, results computed as the services do), then
measures, in-process with ``django.test.Client`` (p50/p95 over N requests after a warm-up):

  * a trivial page of the same app (the login page) — the baseline;
  * the region dashboard (Kota Surabaya), the province dashboard (Jawa Timur, the province with
    the most kab/kota) and the national dashboard (every pemda);

and prints each one's time, its ratio to the trivial page (the figure that travels between
machines), its number of queries, and the number of queries with fewer rows shown (it must not
change).

Run: ``.venv/bin/python benchmarks/dashboards.py [--pemda N] [--years N] [--requests N]``
Database: ``TUNTAS_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/tuntas_bench``;
a PostgreSQL database is dropped and created by the benchmark (``--keep`` keeps it afterwards,
``--reuse`` measures an existing one without seeding).
Goal (issue: speed): region and province p95 < 150 ms, national p95 < 400 ms on a 2-core machine;
query counts independent of the number of rows shown.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._pg import recreate_postgres  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tuntas_bench"
BIG_PROVINCE = "35"  # Jawa Timur: 38 kab/kota, the most of any province
SMALL_PROVINCE = "34"  # DI Yogyakarta: 5 kab/kota
REGION = "35.78"  # Kota Surabaya
GOALS_MS = {"region": 150.0, "province": 150.0, "national": 400.0}


def choose_codes(limit: int) -> list[str]:
    """All provinces and kab/kota: the measured pemda and the big province's kab/kota first (so
    a smaller run still has a full province to show), then the rest in code order."""
    from tuntas.wilayah.models import Level, Region

    codes = list(
        Region.objects.filter(level__in=[Level.PROVINSI, Level.KABKOTA])
        .order_by("code")
        .values_list("code", flat=True)
    )
    must = [BIG_PROVINCE, REGION, SMALL_PROVINCE]
    must += [c for c in codes if c[:2] == SMALL_PROVINCE and c not in must]
    big = [c for c in codes if c[:2] == BIG_PROVINCE and c not in must]
    rest = [c for c in codes if c[:2] != BIG_PROVINCE and c not in must]
    chosen = (must + big + rest)[: max(limit, len(must))]
    return chosen


def seed(args: argparse.Namespace) -> dict[str, float | int]:
    from django.core.management import call_command
    from django.db import connection

    from tuntas.organisasi.models import Pemda
    from tuntas.organisasi.services import pemda_register
    from tuntas.pendataan.seed import demo_data_seed, periods_between

    timings: dict[str, float | int] = {}
    start = time.perf_counter()
    call_command("init", verbosity=0, stdout=io.StringIO())
    timings["init"] = time.perf_counter() - start

    start = time.perf_counter()
    codes = choose_codes(args.pemda)
    for code in codes:
        pemda_register(code=code, is_demo=True)
    timings["register"] = time.perf_counter() - start

    first_year = args.last_year - args.years + 1
    periods = periods_between((first_year, 1), (args.last_year, 4))
    pemda = list(Pemda.objects.filter(code__in=codes).select_related("scoring_method"))
    start = time.perf_counter()

    def progress(message: str) -> None:
        print(f"  … {message} ({time.perf_counter() - start:.0f} s)", file=sys.stderr)

    report = demo_data_seed(pemda_list=pemda, periods=periods, progress=progress)
    timings["seed"] = time.perf_counter() - start
    timings.update(
        pemda=report.pemda, entries=report.entries, mutu=report.mutu, results=report.results,
        targets=report.targets, periods=len(periods), first_year=first_year,
    )  # fmt: skip
    if connection.vendor == "postgresql":
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        timings["analyze"] = time.perf_counter() - start
    return timings


def users() -> dict[str, object]:
    from django.contrib.auth.models import User

    from tuntas.akun.models import Membership, Role

    plan = {
        "bench_pimpinan": (REGION, Role.PIMPINAN),
        "bench_provinsi": (BIG_PROVINCE, Role.PROVINSI),
        "bench_provinsi_kecil": (SMALL_PROVINCE, Role.PROVINSI),
        "bench_pusat": (None, Role.PUSAT),
    }
    made: dict[str, object] = {}
    for username, (pemda, role) in plan.items():
        user, _ = User.objects.get_or_create(username=username)
        Membership.objects.get_or_create(user=user, pemda_id=pemda, role=role)
        made[username] = user
    return made


def measure(client, url: str, requests: int, warmup: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: status {response.status_code}")
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
    return statistics.median(times), p95, len(queries)


def query_count(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: status {response.status_code}")
    return len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pemda", type=int, default=552, help="pemda to seed (552 = all)")
    parser.add_argument("--years", type=int, default=5, help="years of data, ending --last-year")
    parser.add_argument("--last-year", type=int, default=2025)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure an existing database")
    args = parser.parse_args()

    url = os.environ.get("TUNTAS_DATABASE_URL") or DEFAULT_URL
    postgres = url.startswith(("postgres://", "postgresql://"))
    if postgres and not args.reuse:
        recreate_postgres(url)
    os.environ["TUNTAS_DATABASE_URL"] = url
    os.environ["TUNTAS_DEBUG"] = "0"  # production-like: no query log, no debug pages
    os.environ["TUNTAS_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuntas.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from tuntas.organisasi.models import Pemda
    from tuntas.pendataan.models import QuarterEntry

    try:
        timings = seed(args) if not args.reuse else {}
        logins = users()
        year = args.last_year
        period = f"?tahun={year}&tw=4"
        region = Pemda.objects.get(code=REGION)
        province = Pemda.objects.get(code=BIG_PROVINCE)
        n_kabkota = Pemda.objects.filter(province_code=BIG_PROVINCE, level="kabkota").count()
        n_pemda = Pemda.objects.count()
        n_prov = Pemda.objects.filter(level="provinsi").count()

        anonymous = Client()
        clients = {}
        for name in ("bench_pimpinan", "bench_provinsi", "bench_provinsi_kecil", "bench_pusat"):
            clients[name] = Client()
            clients[name].force_login(logins[name])

        pages = [
            ("trivial", "trivial: login page", anonymous, "/akun/masuk/", "—"),
            ("region", f"region dashboard {region.name}", clients["bench_pimpinan"],
             f"/pemda/{REGION}/{period}", "29 JPD"),
            ("province", f"province dashboard {province.name}", clients["bench_provinsi"],
             f"/provinsi/{BIG_PROVINCE}/{period}", f"{n_kabkota} kab/kota"),
            ("national", "national dashboard", clients["bench_pusat"], f"/nasional/{period}",
             f"{n_pemda} pemda"),
        ]  # fmt: skip
        results = {}
        for key, _, client, page_url, _ in pages:
            results[key] = measure(client, page_url, args.requests, args.warmup)

        counts = {
            "national (provinces only)": (
                query_count(clients["bench_pusat"], f"/nasional/{period}&tingkat=provinsi"),
                f"{n_prov} rows",
                results["national"][2],
                f"{n_pemda} rows",
            ),
            "province (small vs big)": (
                query_count(
                    clients["bench_provinsi_kecil"], f"/provinsi/{SMALL_PROVINCE}/{period}"
                ),
                f"{Pemda.objects.filter(province_code=SMALL_PROVINCE, level='kabkota').count()} "
                "kab/kota",
                results["province"][2],
                f"{n_kabkota} kab/kota",
            ),
            "region (province vs kab/kota)": (
                query_count(clients["bench_pusat"], f"/pemda/{BIG_PROVINCE}/{period}"),
                "14 JPD",
                query_count(clients["bench_pusat"], f"/pemda/{REGION}/{period}"),
                "29 JPD",
            ),
        }

        engine = connection.vendor
        version = ""
        if engine == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                version = cursor.fetchone()[0]
        entries = QuarterEntry.objects.count() if args.reuse else timings.get("entries", 0)
        print(
            f"Dashboards at national volume — {f'{engine} {version}'.strip()}, {os.cpu_count()} cores"
        )
        if timings:
            print(
                f"Seeding {timings['pemda']} pemda × every JPD of their level × 4 TW × "
                f"{args.years} years ({timings['first_year']}–{args.last_year}):"
            )
            print(f"  tuntas init (regions + catalog)   {timings['init']:7.1f} s")
            print(
                f"  pemda_register × {timings['pemda']:<4}            {timings['register']:7.1f} s"
            )
            print(
                f"  synthetic data (bulk)             {timings['seed']:7.1f} s   "
                f"{timings['targets']:,} targets, {timings['entries']:,} entries, "
                f"{timings['mutu']:,} mutu rows, {timings['results']:,} quarter results"
            )
            if "analyze" in timings:
                print(f"  VACUUM ANALYZE                    {timings['analyze']:7.1f} s")
        else:
            print(f"Reused database: {n_pemda} pemda, {entries:,} entries")
        print(
            f"Server time per request (django.test.Client in-process, {args.requests} requests "
            f"after {args.warmup} warm-up, TW4 {year}, DEBUG off):"
        )
        header = (
            f"  {'page':<44}{'shows':>14}{'p50 ms':>9}{'p95 ms':>9}{'p50 ×':>8}{'p95 ×':>8}"
            f"{'queries':>9}  goal"
        )
        print(header)
        base50, base95, _ = results["trivial"]
        all_met = True
        for key, label, _, _, shows in pages:
            p50, p95, queries = results[key]
            goal = GOALS_MS.get(key)
            verdict = ""
            if goal is not None:
                met = p95 < goal
                all_met &= met
                verdict = f"p95 < {goal:.0f} ms: {'met' if met else 'NOT met'}"
            print(
                f"  {label:<44}{shows:>14}{p50:9.1f}{p95:9.1f}{p50 / base50:8.1f}"
                f"{p95 / base95:8.1f}{queries:9d}  {verdict}"
            )
        print("Queries per request against rows shown:")
        independent = True
        for label, (few, few_rows, many, many_rows) in counts.items():
            same = few == many
            independent &= same
            print(
                f"  {label:<32} {few} queries ({few_rows}) vs {many} ({many_rows}): "
                f"{'independent' if same else 'DEPENDS ON ROWS'}"
            )
        print(
            f"Goals: {'met' if all_met else 'NOT met'}; query counts "
            f"{'independent of rows' if independent else 'NOT independent of rows'}."
        )
    finally:
        connection.close()
        if postgres and not args.keep and not args.reuse:
            recreate_postgres(url, drop_only=True)


if __name__ == "__main__":
    main()
