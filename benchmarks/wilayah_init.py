"""Benchmark: loading all 91,592 regions into a fresh SQLite database.

Prints, in one run and on the same machine:
  * Tuntas   — ``region_load_all()`` (parse, validate, bulk upsert, audit row);
  * peer     — Django's ``loaddata`` of the same rows as a JSON fixture, the usual way Django
               projects ship reference data;
  * limit    — raw ``sqlite3.executemany`` of the same tuples into the same table and indexes,
               in one transaction, with nothing else done (the physical limit here).

Run: ``.venv/bin/python benchmarks/wilayah_init.py [--repeat N]``
Goal (issue: foundation): Tuntas loads all levels in under 30 s on SQLite.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fresh_env(tmp: Path, name: str) -> dict[str, str]:
    env = dict(os.environ)
    env["TUNTAS_DATABASE_URL"] = f"sqlite:///{tmp / name}.sqlite3"
    env["TUNTAS_VAR_DIR"] = str(tmp / "var")
    return env


def run_child(code: str, env: dict[str, str]) -> float:
    """Run ``code`` in a fresh process on a migrated database; it prints its own seconds."""
    prelude = (
        "import django, os, time; os.environ.setdefault('DJANGO_SETTINGS_MODULE','tuntas.settings');"
        "django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
    )
    out = subprocess.run(
        [sys.executable, "-c", prelude + code], env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def tuntas(tmp: Path, i: int) -> float:
    return run_child(
        "from tuntas.wilayah.services import region_load_all;"
        "t=time.perf_counter(); region_load_all(); print(time.perf_counter()-t)",
        fresh_env(tmp, f"tuntas{i}"),
    )


def peer_loaddata(tmp: Path, i: int, fixture: Path) -> float:
    return run_child(
        f"t=time.perf_counter(); call_command('loaddata', {str(fixture)!r}, verbosity=0);"
        "print(time.perf_counter()-t)",
        fresh_env(tmp, f"peer{i}"),
    )


def make_fixture(tmp: Path) -> tuple[Path, list[tuple[str, str, str, str, str | None]]]:
    from tuntas.wilayah.loader import read_regions

    rows = [(r.code, r.name, r.level, r.kind, r.parent_code) for r in read_regions()]
    fixture = tmp / "wilayah.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "wilayah.region",
                    "pk": code,
                    "fields": {"name": name, "level": level, "kind": kind, "parent": parent},
                }
                for code, name, level, kind, parent in rows
            ]
        )
    )
    return fixture, rows


def limit(tmp: Path, i: int, rows: list[tuple[str, str, str, str, str | None]]) -> float:
    env = fresh_env(tmp, f"limit{i}")
    run_child("print(0.0)", env)  # migrate: same table, same indexes
    path = env["TUNTAS_DATABASE_URL"].removeprefix("sqlite:///")
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    start = time.perf_counter()
    with con:
        con.executemany(
            "INSERT INTO wilayah_region (code, name, level, kind, parent_id) VALUES (?,?,?,?,?)",
            rows,
        )
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        fixture, rows = make_fixture(tmp)
        results: dict[str, list[float]] = {
            "tuntas": [],
            "peer (loaddata)": [],
            "limit (executemany)": [],
        }
        for i in range(args.repeat):
            results["tuntas"].append(tuntas(tmp, i))
            results["peer (loaddata)"].append(peer_loaddata(tmp, i, fixture))
            results["limit (executemany)"].append(limit(tmp, i, rows))
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"Loading {len(rows):,} regions into a fresh SQLite database (median of {args.repeat})")
    for key, value in med.items():
        print(f"  {key:<22} {value:8.2f} s   {len(rows) / value:>10,.0f} rows/s")
    print(f"  tuntas / limit = {med['tuntas'] / med['limit (executemany)']:.1f}x")
    print(
        f"  peer / tuntas  = {med['peer (loaddata)'] / med['tuntas']:.1f}x (how much faster Tuntas is)"
    )
    print(f"  goal < 30 s: {'met' if med['tuntas'] < 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
