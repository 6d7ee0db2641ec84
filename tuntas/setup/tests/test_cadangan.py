"""Backup and restore as an operator runs them (README, "Running it for real"): the installed
``tuntas`` in fresh processes, on the database kind of this test run (SQLite, or PostgreSQL when
TUNTAS_DATABASE_URL points at one: two new databases on that server)."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import psycopg
import pytest

from tuntas.penerima.tests.test_import import YEAR, csv_text, row, tuntas_command

URL = os.environ.get("TUNTAS_DATABASE_URL", "")
ON_POSTGRES = URL.startswith(("postgres://", "postgresql://"))


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two empty databases: the installation's and the one restored into."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'asli.sqlite3'}", f"sqlite:///{tmp_path / 'pulih.sqlite3'}"
        return
    cfg = dj_database_url.parse(URL)
    names = [f"tuntas_cadangan_{uuid.uuid4().hex[:8]}_{n}" for n in ("asli", "pulih")]
    admin = psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                            password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)  # fmt: skip
    try:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        base = URL.rsplit("/", 1)[0]
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def runner(database_url: str, var: Path):
    env = {**os.environ, "TUNTAS_DATABASE_URL": database_url, "TUNTAS_VAR_DIR": str(var),
           "TUNTAS_SECRET_KEY": "uji-cadangan"}  # fmt: skip
    env.pop("TUNTAS_DATA_KEY", None)
    env.pop("TUNTAS_DATA_KEY_FILE", None)

    def tuntas(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*tuntas_command(), *args], capture_output=True, text=True,
                              env=env, check=False, timeout=300)  # fmt: skip

    return tuntas


def test_backup_and_restore_bring_back_the_data_and_its_key(tmp_path, databases):
    source_url, restored_url = databases
    source = runner(source_url, tmp_path / "var-asli")
    assert source("init", "--tanpa-wilayah", "--tanpa-statis").returncode == 0
    setup = "from tuntas.testing import ensure_test_regions; ensure_test_regions()"
    assert source("shell", "-c", setup).returncode == 0
    assert source("pemda-baru", "32.75").returncode == 0
    people = tmp_path / "penerima.csv"
    people.write_text(csv_text([row(1), row(2), row(3)]))
    imported = source("impor-penerima", "--pemda", "32.75", "--jpd", "1.02.K06", "--tahun",
                      str(YEAR), str(people), "--json")  # fmt: skip
    assert imported.returncode == 0, imported.stderr

    backup = tmp_path / "cadangan"
    made = source("cadangkan", "--ke", str(backup), "--json")
    assert made.returncode == 0, made.stderr
    manifest = json.loads(made.stdout)
    assert set(manifest["berkas"]) == {
        "data_key",
        "basis-data.dump" if ON_POSTGRES else "basis-data.sqlite3",
    }
    assert backup.stat().st_mode & 0o777 == 0o700
    assert (backup / "data_key").stat().st_mode & 0o777 == 0o600
    again = source("cadangkan", "--ke", str(backup))
    assert again.returncode == 1 and "tidak kosong" in again.stderr

    # a new machine: empty database, empty var folder, no key
    restored = runner(restored_url, tmp_path / "var-pulih")
    done = restored("pulihkan", "--dari", str(backup))
    assert done.returncode == 0, done.stderr
    assert "Kunci data cocok: 3 dari 3" in done.stdout
    key = tmp_path / "var-pulih" / "data_key"
    assert key.read_text() == (tmp_path / "var-asli" / "data_key").read_text()
    assert key.stat().st_mode & 0o777 == 0o600
    recap = restored("rekap-penerima", "--pemda", "32.75", "--jpd", "1.02.K06", "--tahun",
                     str(YEAR), "--json")  # fmt: skip
    assert recap.returncode == 0, recap.stderr
    assert json.loads(recap.stdout)["sasaran"] == 3
    # restoring over data that exists is refused
    twice = restored("pulihkan", "--dari", str(backup))
    assert twice.returncode == 1 and "tidak kosong" in twice.stderr


def test_restore_refuses_a_damaged_backup_or_another_key(tmp_path, databases):
    source_url, restored_url = databases
    source = runner(source_url, tmp_path / "var-asli")
    assert source("init", "--tanpa-wilayah", "--tanpa-statis").returncode == 0
    backup = tmp_path / "cadangan"
    assert source("cadangkan", "--ke", str(backup)).returncode == 0

    restored = runner(restored_url, tmp_path / "var-pulih")
    (tmp_path / "var-pulih").mkdir()
    other_key = tmp_path / "var-pulih" / "data_key"
    other_key.write_text("A" * 43 + "=\n")
    refused = restored("pulihkan", "--dari", str(backup))
    assert refused.returncode == 1
    assert "--ganti-kunci" in refused.stderr
    assert other_key.read_text() == "A" * 43 + "=\n"  # nothing changed

    dump = next(p for p in backup.iterdir() if p.name.startswith("basis-data"))
    with dump.open("ab") as handle:
        handle.write(b"rusak")
    damaged = restored("pulihkan", "--dari", str(backup), "--ganti-kunci")
    assert damaged.returncode == 1
    assert f"{dump.name} rusak" in damaged.stderr
    assert other_key.read_text() == "A" * 43 + "=\n"
