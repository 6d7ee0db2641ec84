"""Benchmark: building the reports that leave the region, on PostgreSQL with the demo's data.

Seeds a fresh database the way a newcomer does (``tuntas init`` then ``tuntas demo``: Jawa
Barat with its 27 kab/kota and Banten with theirs, quarters TW1 2024 to the current one, Kota
Bekasi's last full year approved, accepted and sealed), then measures:

  * the annual Laporan Penerapan SPM of one kab/kota (Kota Bekasi) as PDF: data, fingerprint,
    charts and WeasyPrint (``laporan.files.report_file``), median of --repeat runs — against its
    peer, rendering the same content as plain HTML (the print template, no PDF);
  * the province pack of Jawa Barat (its consolidated report and the profile of each of its 27
    kab/kota, one PDF), built as a background job by 1 and then by 2 ``tuntas db_worker``
    processes (the database queue), from the request to the finished file — against its peer,
    the same content rendered as plain HTML in one process;

and prints each time, the PDF/HTML ratio, the speed-up of two workers over one and the goals
(issue 14): one region under 5 s, the province under 60 s, two workers at least 1.7× one.

Run: ``.venv/bin/python benchmarks/laporan.py [--reuse] [--keep] [--repeat N]``
Database: ``TUNTAS_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/tuntas_bench_laporan``
(dropped and created unless ``--reuse``; ``--keep`` keeps it afterwards).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._pg import recreate_postgres  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tuntas_bench_laporan"
REGION = "32.75"  # Kota Bekasi
PROVINCE = "32"  # Jawa Barat: 27 kab/kota
GOALS = {"region_s": 5.0, "province_s": 60.0, "speedup": 1.7}


def seed() -> float:
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("init", verbosity=0, stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())
    return time.perf_counter() - start


def region(year: int, repeat: int) -> dict[str, float]:
    from tuntas.laporan.document import report_data
    from tuntas.laporan.files import report_file
    from tuntas.laporan.files_pdf import report_html
    from tuntas.laporan.report_charts import charts_for
    from tuntas.laporan.services import report_seal
    from tuntas.organisasi.models import Pemda

    pemda = Pemda.objects.get(code=REGION)
    report_file(pemda, year, None, "pdf")  # warm-up: fonts, templates, matplotlib
    pdf, html = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        content, _name, _mime = report_file(pemda, year, None, "pdf")
        pdf.append(time.perf_counter() - start)
        start = time.perf_counter()
        data = report_data(pemda, year)
        text = report_html(data, report_seal(data), charts_for(data))
        html.append(time.perf_counter() - start)
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(content)).pages)
    return {
        "pdf": statistics.median(pdf),
        "html": statistics.median(html),
        "bytes": len(content),
        "html_bytes": len(text),
        "pages": pages,
    }


def province_html(year: int) -> float:
    """The pack's content as plain HTML in one process: the consolidated report's template and
    each kab/kota's profile template."""
    from django.template.loader import render_to_string

    from tuntas.laporan.konsolidasi import province_report
    from tuntas.laporan.konsolidasi_files import province_context
    from tuntas.laporan.paket import profile_html
    from tuntas.organisasi.models import Pemda

    province = Pemda.objects.get(code=PROVINCE)
    start = time.perf_counter()
    context = province_context(province_report(province, year, 0), cetak=True)
    render_to_string(
        "laporan/cetak.html", {**context, "dokumen": "laporan/konsolidasi_provinsi.html"}
    )
    for kabkota in Pemda.objects.filter(province_code=PROVINCE, level="kabkota").order_by("code"):
        profile_html(kabkota, year, None, province)
    return time.perf_counter() - start


def province_with_workers(year: int, workers: int, timeout: float) -> tuple[float, int, int]:
    """Request the pack as a background build, run ``workers`` db_worker processes until it is
    done; (seconds from the request to the finished file, size, kab/kota)."""
    from tuntas.laporan.models import BuildStatus, ReportBuild
    from tuntas.laporan.services import report_build_request
    from tuntas.laporan.tasks import report_build_task
    from tuntas.organisasi.models import Pemda

    province = Pemda.objects.get(code=PROVINCE)
    n_kabkota = Pemda.objects.filter(province_code=PROVINCE, level="kabkota").count()
    from django_tasks_db.models import DBTaskResult

    ReportBuild.objects.filter(kind="paket").delete()
    DBTaskResult.objects.filter(status="READY").delete()  # helper tasks left by the last run
    env = {**os.environ}
    procs = [
        subprocess.Popen(
            [
                str(ROOT / ".venv/bin/tuntas"),
                "db_worker",
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--worker-id",
                f"bench-{workers}-{i}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(workers)
    ]
    try:
        time.sleep(3.0)  # the workers start (Django, imports) before the clock does
        start = time.perf_counter()
        build = report_build_request(
            kind="paket", pemda=province, year=year, quarter=0, fmt="pdf", actor=None,
            enqueue=report_build_task.enqueue,
        )  # fmt: skip
        while True:
            build.refresh_from_db(fields=["status", "size", "error"])
            if build.status in (BuildStatus.SELESAI, BuildStatus.GAGAL):
                break
            if time.perf_counter() - start > timeout:
                raise SystemExit(f"paket belum selesai setelah {timeout:.0f} detik")
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        if build.status != BuildStatus.SELESAI:
            raise SystemExit(f"paket gagal: {build.error}")
        return elapsed, build.size, n_kabkota
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed builds of the region PDF")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure an existing database")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()

    url = os.environ.get("TUNTAS_DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Benchmark ini untuk PostgreSQL (TUNTAS_DATABASE_URL=postgres://…).")
    if not args.reuse:
        recreate_postgres(url)
    os.environ["TUNTAS_DATABASE_URL"] = url
    os.environ["TUNTAS_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuntas.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from tuntas.pendataan.selectors import current_period

    try:
        seeded = 0.0
        if not args.reuse:
            seeded = seed()
        else:
            call_command("migrate", verbosity=0, stdout=io.StringIO())
        year = current_period()[0] - 1  # the last full year: Kota Bekasi's is approved
        cpus = os.cpu_count() or 1
        print(f"Tuntas benchmark laporan — PostgreSQL, {cpus} CPU, tahun {year}")
        if seeded:
            print(f"  basis data contoh (tuntas init + tuntas demo): {seeded:.1f} s")

        r = region(year, args.repeat)
        print("\nLaporan tahunan satu kab/kota (Kota Bekasi), median dari", args.repeat)
        print(f"  PDF  {r['pdf']:6.2f} s  ({r['pages']} halaman, {r['bytes'] / 1024:.0f} KB)")
        print(
            f"  HTML {r['html']:6.2f} s  (konten sama, tanpa PDF; {r['html_bytes'] / 1024:.0f} KB)"
        )
        print(f"  rasio PDF/HTML {r['pdf'] / r['html']:.1f}×   batas: PDF < {GOALS['region_s']:.0f} s"
              f" → {'LULUS' if r['pdf'] < GOALS['region_s'] else 'GAGAL'}")  # fmt: skip

        html = province_html(year)
        one, size, n = province_with_workers(year, 1, args.timeout)
        two, _size, _n = province_with_workers(year, 2, args.timeout)
        speedup = one / two
        print(f"\nPaket provinsi Jawa Barat (konsolidasi + profil {n} kab/kota, satu PDF "
              f"{size / 1024:.0f} KB), dari permintaan sampai berkas selesai")  # fmt: skip
        print(f"  1 pekerja  {one:6.2f} s   batas < {GOALS['province_s']:.0f} s → "
              f"{'LULUS' if one < GOALS['province_s'] else 'GAGAL'}")  # fmt: skip
        print(f"  2 pekerja  {two:6.2f} s   percepatan {speedup:.2f}×   batas ≥ "
              f"{GOALS['speedup']}× → {'LULUS' if speedup >= GOALS['speedup'] else 'GAGAL'}")  # fmt: skip
        print(f"  HTML saja  {html:6.2f} s   (konten sama, satu proses)  rasio 1 pekerja/HTML "
              f"{one / html:.1f}×")  # fmt: skip
    finally:
        if not args.keep and not args.reuse:
            from django.db import connections

            connections.close_all()
            recreate_postgres(url, drop_only=True)


if __name__ == "__main__":
    main()
