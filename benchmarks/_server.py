"""Shared by the page and load benchmarks: a demo installation served by gunicorn as in
production (deploy/gunicorn.conf.py, DEBUG off, whitenoise), in a folder of its own.

``prepare(folder)`` runs ``tuntas init`` (migrate, regions, catalog, collectstatic) and ``tuntas
demo`` once per folder (kept between runs: ``--baru`` starts afresh) and gives the demo logins a
known password; on every later run it applies new migrations and collects the static files again
when one of them changed.
``serve(folder, workers)`` starts gunicorn on a free loopback port and stops it on exit."""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "Benchmark-Tuntas-2026"
LOGINS = ("operator", "verifikator", "admin_pemda", "pimpinan", "provinsi", "pusat")


def environment(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUNTAS_")}
    env["TUNTAS_VAR_DIR"] = str(folder)
    env["TUNTAS_SECRET_KEY"] = "benchmark-not-secret-" + "x" * 40
    if os.environ.get("TUNTAS_DATABASE_URL"):
        env["TUNTAS_DATABASE_URL"] = os.environ["TUNTAS_DATABASE_URL"]
    return env


def tuntas(folder: Path, *args: str) -> str:
    done = subprocess.run([str(BIN / "tuntas"), *args], env=environment(folder), cwd=ROOT,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"tuntas {' '.join(args)} gagal:\n{done.stderr[-2000:]}")
    return done.stdout


def static_fingerprint() -> str:
    """Name, size and time of every static source file of Tuntas: collectstatic is needed again
    only when this changes."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "tuntas").glob("*/static/**/*")):
        if path.is_file():
            stat = path.stat()
            digest.update(
                f"{path.relative_to(ROOT)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()


def prepare(folder: Path, *, fresh: bool = False) -> None:
    marker = folder / "benchmark-siap"
    if fresh and folder.exists():
        subprocess.run(["rm", "-rf", str(folder)], check=True)
    if marker.exists():
        # the installation is kept between runs, the code may have moved on: new migrations are
        # applied, and a changed stylesheet or script must be what the browser gets (whitenoise
        # serves the collected copies)
        tuntas(folder, "migrate", "--no-input", "-v", "0")
        if (folder / "statis-sidik").read_text() != static_fingerprint():
            tuntas(folder, "collectstatic", "--no-input", "-v", "0")  # compresses all: slow
            (folder / "statis-sidik").write_text(static_fingerprint())
        return
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    tuntas(folder, "init")
    tuntas(folder, "demo")
    users = ", ".join(repr(u) for u in LOGINS)
    tuntas(folder, "shell", "-c",
           "from django.contrib.auth.models import User; "
           "from django.contrib.auth.hashers import make_password; "
           f"User.objects.filter(username__in=[{users}]).update(password=make_password({PASSWORD!r}))")  # fmt: skip
    (folder / "statis-sidik").write_text(static_fingerprint())  # tuntas init collected them
    marker.write_text("ok\n")
    print(f"(instalasi demo disiapkan di {folder} dalam {time.perf_counter() - start:.0f} s)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(folder: Path, *, workers: int, threads: int = 1) -> Iterator[str]:
    port = free_port()
    env = environment(folder)
    env.update(TUNTAS_BIND=f"127.0.0.1:{port}", TUNTAS_WEB_WORKERS=str(workers),
               TUNTAS_WEB_THREADS=str(threads), TUNTAS_ACCESS_LOG="")  # fmt: skip
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/akun/masuk/", timeout=5).read()
                break
            except OSError as exc:
                if server.poll() is not None:
                    output = server.stderr.read().decode() if server.stderr else ""
                    raise SystemExit("gunicorn berhenti:\n" + output[-2000:]) from exc
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
