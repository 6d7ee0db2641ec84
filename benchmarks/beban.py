"""Benchmark: many signed-in users at once against gunicorn (issue 11, point 5).

A demo installation served as in production (benchmarks/_server.py: gunicorn with
deploy/gunicorn.conf.py, DEBUG off) on loopback. N users (threads, each with its own session
signed in through the real login page) repeat a working cycle — the region dashboard, the
quarterly entry list, the dashboard API (``/api/pemda/{kode}/dasbor``, called with an API token
made for the run by ``tuntas token-baru`` and revoked at the end, as a machine calls it) — until
the request budget or the time budget is spent, whichever comes first. Run twice in one go:
gunicorn with 1 worker (the peer) and with K workers (default 2 × cores + 1, as
deploy/gunicorn.conf.py).

Prints per run: requests, errors by cause (a status other than 200, a redirect away from the
page asked for — e.g. back to the sign-in page when a session is lost, which would otherwise
count as a fast 200 — or a failed connection), throughput (requests/s), latency p50 / p95 / max
per kind of request, the machine's load average before the run (the users run on the same
machine as the server: a busy machine slows both), and the ratio of the K-worker run to the
1-worker run. Nothing is asserted: the figures go in the issue's closing note.

Run: ``.venv/bin/python benchmarks/beban.py [--pengguna 20] [--permintaan 2000] [--detik 60]``
(bounded: at most 200 users, 20 000 requests, 600 s per run).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._server import PASSWORD, prepare, serve, tuntas  # noqa: E402

USERS = ("operator", "verifikator", "admin_pemda")  # Kota Bekasi: dashboard, entry list, API
TOKEN_LABEL = "benchmark beban"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class User:
    def __init__(self, base: str, username: str, token: str) -> None:
        self.base = base
        self.token = token
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = self.opener.open(base + "/akun/masuk/", timeout=60).read().decode()
        token = CSRF.search(page)
        if token is None:
            raise SystemExit("formulir masuk tanpa token CSRF")
        body = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                       "csrfmiddlewaretoken": token.group(1)}).encode()  # fmt: skip
        request = urllib.request.Request(base + "/akun/masuk/", data=body,
                                         headers={"Referer": base + "/akun/masuk/"})  # fmt: skip
        answer = self.opener.open(request, timeout=60)
        if "/akun/masuk/" in answer.geturl():
            raise SystemExit(f"gagal masuk sebagai {username}")

    def get(self, path: str) -> tuple[str | None, float]:
        """(None or the cause of the failure, seconds)."""
        request = urllib.request.Request(self.base + path)
        if path.startswith("/api/"):
            request.add_header("Authorization", f"Bearer {self.token}")
        start = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                response.read()
                arrived = urllib.parse.urlsplit(response.geturl()).path
                failure = None if arrived == path else f"dialihkan ke {arrived}"
        except urllib.error.HTTPError as error:
            failure = f"HTTP {error.code}"
        except OSError as error:
            failure = f"koneksi: {type(error).__name__}"
        return failure, time.perf_counter() - start


def run(
    base: str,
    *,
    users: int,
    budget: int,
    seconds: float,
    year: int,
    quarter: int,
    tokens: dict[str, str],
) -> dict:
    cycle = [
        ("dasbor", "/pemda/32.75/"),
        ("daftar isian", f"/pemda/32.75/isian/{year}/{quarter}/"),
        ("API dasbor", "/api/pemda/32.75/dasbor"),
    ]
    sessions = []
    for i in range(users):
        username = USERS[i % len(USERS)]
        sessions.append(User(base, username, tokens[username]))
    lock = threading.Lock()
    taken = 0
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    causes: dict[str, int] = defaultdict(int)
    deadline = time.perf_counter() + seconds

    def worker(index: int) -> None:
        nonlocal taken
        user = sessions[index]
        step = index  # users start at different points of the cycle
        while time.perf_counter() < deadline:
            with lock:
                if taken >= budget:
                    return
                taken += 1
            kind, path = cycle[step % len(cycle)]
            step += 1
            failure, elapsed = user.get(path)
            with lock:
                times[kind].append(elapsed)
                if failure is not None:
                    errors[kind] += 1
                    causes[failure] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(users)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    every = [x for values in times.values() for x in values]
    return {
        "wall": wall,
        "times": dict(times),
        "errors": dict(errors),
        "causes": dict(causes),
        "all": every,
    }


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(label: str, result: dict) -> float:
    count = len(result["all"])
    errors = sum(result["errors"].values())
    rate = count / result["wall"]
    print(f"\n{label}: {count} permintaan dalam {result['wall']:.1f} s = {rate:.1f} permintaan/s, "
          f"galat {errors}")  # fmt: skip
    print(f"  {'jenis':<14}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'maks ms':>9}{'galat':>7}")
    for kind, values in [*result["times"].items(), ("semua", result["all"])]:
        errs = errors if kind == "semua" else result["errors"].get(kind, 0)
        print(f"  {kind:<14}{len(values):>6}{pct(values, 0.5) * 1000:>9.0f}"
              f"{pct(values, 0.95) * 1000:>9.0f}{max(values) * 1000:>9.0f}{errs:>7}")  # fmt: skip
    for cause, count in sorted(result["causes"].items(), key=lambda item: -item[1]):
        print(f"  galat: {cause} × {count}")
    return rate


def tokens_make() -> str:
    """Python for ``tuntas shell``: one API token per benchmark user, printed as user=token."""
    users = ", ".join(repr(u) for u in USERS)
    return (
        "from django.contrib.auth.models import User; "
        "from tuntas.api.services import api_token_create; "
        f"[print(u.username + '=' + api_token_create(user=u, label={TOKEN_LABEL!r})[1]) "
        f"for u in User.objects.filter(username__in=[{users}])]"
    )


def tokens_revoke() -> str:
    return (
        "from tuntas.api.models import ApiToken; "
        "from tuntas.api.services import api_token_revoke; "
        f"[api_token_revoke(token=t) for t in ApiToken.objects.filter(label={TOKEN_LABEL!r}, "
        "is_revoked=False)]"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "var" / "bench-halaman")
    parser.add_argument("--baru", action="store_true", help="siapkan instalasi demo dari awal")
    parser.add_argument("--pengguna", type=int, default=20)
    parser.add_argument("--permintaan", type=int, default=2000)
    parser.add_argument("--detik", type=float, default=60)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    args = parser.parse_args()
    users = max(1, min(args.pengguna, 200))
    budget = max(1, min(args.permintaan, 20_000))
    seconds = max(1.0, min(args.detik, 600.0))

    prepare(args.folder, fresh=args.baru)
    period = tuntas(args.folder, "shell", "-c",
                    "from tuntas.pendataan.seed import demo_periods; y, q = demo_periods()[-1]; print(y, q)")  # fmt: skip
    year, quarter = (int(x) for x in period.split()[-2:])
    print(f"{users} pengguna serentak, masing-masing bersesi; batas {budget} permintaan atau "
          f"{seconds:.0f} s per putaran; mesin {os.cpu_count()} inti")  # fmt: skip
    made = tuntas(args.folder, "shell", "-c", tokens_make())
    tokens = dict(line.split("=", 1) for line in made.splitlines() if "=" in line)
    if sorted(tokens) != sorted(USERS):
        raise SystemExit(f"token API tidak dibuat untuk semua pengguna: {sorted(tokens)}")
    rates = {}
    try:
        for workers in (1, args.workers):
            load = os.getloadavg()[0]
            with serve(args.folder, workers=workers) as base:
                result = run(base, users=users, budget=budget, seconds=seconds, year=year,
                             quarter=quarter, tokens=tokens)  # fmt: skip
            rates[workers] = report(f"gunicorn {workers} worker (beban mesin {load:.1f})", result)
    finally:
        tuntas(args.folder, "shell", "-c", tokens_revoke())
    print(
        f"\nRasio throughput {args.workers} worker / 1 worker (pembanding): "
        f"{rates[args.workers] / rates[1]:.2f}×"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
