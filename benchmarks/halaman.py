"""Benchmark: how heavy and how slow the main pages are on a slow mobile link (issue 11, point 5).

A demo installation served as in production (gunicorn with deploy/gunicorn.conf.py, DEBUG off,
whitenoise: compressed and hashed static files) is visited in Debian's Chromium through
Playwright. For each main page, signed in as the role that uses it:

  * cold: empty cache, link emulated by the DevTools protocol as slow 3G — 2 s round trip,
    50 KB/s down and up (``Network.emulateNetworkConditions``);
  * warm: the same page again with the cache filled (a repeat visit);
  * peer: the same cold visit without emulation (loopback), so the cost of the link shows as a ratio.

Each page is fetched once unmeasured first, so a worker's first request (imports, caches) does not
land on the peer. Every measured visit must arrive at the page asked for with status 200 — a
redirect to the sign-in or password page would measure the wrong page — or the run stops.

It prints bytes transferred (``encodedDataLength`` of every response: headers and compressed
bodies, as on the wire) and the time to the ``load`` event, cold and warm, each with its ratio to
the limit: first view ≤ 100 KB, repeat view ≤ 25 KB; the region dashboard cold < 5 s; and the
peer's bytes and time. ``--periksa`` exits 1 when a limit is exceeded.

Run: ``.venv/bin/python benchmarks/halaman.py [--folder var/bench-halaman] [--baru] [--periksa]``
(SQLite by default; ``TUNTAS_DATABASE_URL`` for another database). The first run prepares the demo
installation (``tuntas init`` + ``tuntas demo``, about a minute) and keeps it for the next runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._server import PASSWORD, prepare, serve, tuntas  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
RTT_MS = 2000
BYTES_PER_S = 50 * 1024
LIMIT_COLD = 100 * 1024
LIMIT_WARM = 25 * 1024
LIMIT_DASHBOARD_S = 5.0


@dataclass
class Visit:
    bytes: int
    seconds: float  # to the load event
    complete: float  # to the last response (what the page fetches after load, e.g. the chart)
    requests: int


def pages(year: int, quarter: int) -> list[tuple[str, str | None, str]]:
    """(label, login, path): each page with the role that uses it."""
    return [
        ("masuk", None, "/akun/masuk/"),
        ("dasbor pemda", "pimpinan", "/pemda/32.75/"),
        ("dasbor provinsi", "provinsi", "/provinsi/32/"),
        ("dasbor nasional", "pusat", "/nasional/"),
        ("daftar isian", "operator", f"/pemda/32.75/isian/{year}/{quarter}/"),
        ("isian JPD", "operator", f"/pemda/32.75/isian/{year}/{quarter}/1.02.K07/"),
        ("penerima by name", "operator", "/pemda/32.75/penerima/"),
    ]


def visit(page: Any, cdp: Any, url: str, *, throttled: bool, cache: bool) -> Visit:
    finished: list[float] = []
    stamps: list[float] = []

    def on_finished(event: dict[str, Any]) -> None:
        finished.append(float(event.get("encodedDataLength", 0)))
        stamps.append(time.perf_counter())

    cdp.on("Network.loadingFinished", on_finished)
    if not cache:
        cdp.send("Network.clearBrowserCache")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": not cache})
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False,
        "latency": RTT_MS if throttled else 0,
        "downloadThroughput": BYTES_PER_S if throttled else -1,
        "uploadThroughput": BYTES_PER_S if throttled else -1,
    })  # fmt: skip
    start = time.perf_counter()
    response = page.goto(url, wait_until="load", timeout=120_000)
    seconds = time.perf_counter() - start
    if response is None or response.status != 200 or page.url != url:
        status = response.status if response is not None else "-"
        raise SystemExit(f"{url}: status {status}, tiba di {page.url} — bukan halaman yang diukur")
    page.wait_for_load_state("networkidle", timeout=120_000)  # what loads after the load event
    cdp.remove_listener("Network.loadingFinished", on_finished)
    complete = max(stamps, default=start) - start
    return Visit(int(sum(finished)), seconds, max(complete, seconds), len(finished))


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    if "/akun/masuk/" in page.url:
        raise SystemExit(f"gagal masuk sebagai {username}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "var" / "bench-halaman")
    parser.add_argument("--baru", action="store_true", help="siapkan instalasi demo dari awal")
    parser.add_argument("--periksa", action="store_true", help="exit 1 bila ada batas terlampaui")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    prepare(args.folder, fresh=args.baru)
    period = tuntas(args.folder, "shell", "-c",
                    "from tuntas.pendataan.seed import demo_periods; y, q = demo_periods()[-1]; print(y, q)")  # fmt: skip
    year, quarter = (int(x) for x in period.split()[-2:])
    rows = []
    with serve(args.folder, workers=args.workers) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        contexts: dict[str | None, Any] = {}
        for label, login, path in pages(year, quarter):
            if login not in contexts:
                context = browser.new_context(
                    locale="id-ID", viewport={"width": 1366, "height": 900}
                )
                page = context.new_page()
                if login:
                    sign_in(page, base, login)
                contexts[login] = (context, page, context.new_cdp_session(page))
            _, page, cdp = contexts[login]
            cdp.send("Network.enable")
            for _ in range(args.workers):  # unmeasured: each worker's first hit of the page
                page.goto(base + path, wait_until="load")
            peer = visit(page, cdp, base + path, throttled=False, cache=False)
            cold = visit(page, cdp, base + path, throttled=True, cache=False)
            warm = visit(page, cdp, base + path, throttled=True, cache=True)
            rows.append((label, path, cold, warm, peer))
        browser.close()

    print(f"\nHalaman utama, Chromium, tautan teremulasi: RTT {RTT_MS} ms, {BYTES_PER_S // 1024} KB/s "
          f"(pembanding: loopback tanpa emulasi); gunicorn {args.workers} worker, DEBUG mati\n")  # fmt: skip
    header = (f"{'halaman':<18}{'dingin KB':>10}{'/batas':>8}{'hangat KB':>11}{'/batas':>8}"
              f"{'dingin s':>10}{'semua s':>9}{'hangat s':>10}{'pemb. KB':>10}{'pemb. s':>9}"
              f"{'rasio s':>9}{'permintaan':>12}")  # fmt: skip
    print(header)
    print("-" * len(header))
    over = []
    for label, _path, cold, warm, peer in rows:
        ratio_cold = cold.bytes / LIMIT_COLD
        ratio_warm = warm.bytes / LIMIT_WARM
        print(f"{label:<18}{cold.bytes / 1024:>10.1f}{ratio_cold:>8.2f}{warm.bytes / 1024:>11.1f}"
              f"{ratio_warm:>8.2f}{cold.seconds:>10.2f}{cold.complete:>9.2f}{warm.seconds:>10.2f}"
              f"{peer.bytes / 1024:>10.1f}{peer.seconds:>9.3f}"
              f"{cold.seconds / max(peer.seconds, 1e-3):>9.0f}{cold.requests:>12}")  # fmt: skip
        if ratio_cold > 1:
            over.append(f"{label}: dingin {cold.bytes / 1024:.1f} KB > 100 KB")
        if ratio_warm > 1:
            over.append(f"{label}: hangat {warm.bytes / 1024:.1f} KB > 25 KB")
        if label == "dasbor pemda" and cold.seconds > LIMIT_DASHBOARD_S:
            over.append(f"{label}: dingin {cold.seconds:.2f} s > {LIMIT_DASHBOARD_S:.0f} s")
    print(
        "\ndingin s: sampai peristiwa load (halaman lengkap dengan angkanya); semua s: sampai respons"
        " terakhir (mis. pustaka grafik yang dimuat sesudah load); KB dan permintaan termasuk keduanya."
        "\npemb.: kunjungan dingin yang sama tanpa emulasi (loopback); rasio s = dingin s / pemb. s."
    )
    print("Batas: tampilan pertama ≤ 100 KB, kunjungan ulang ≤ 25 KB, dasbor pemda dingin < 5 s.")
    print("Terlampaui: " + ("; ".join(over) if over else "tidak ada"))
    return 1 if (over and args.periksa) else 0


if __name__ == "__main__":
    raise SystemExit(main())
