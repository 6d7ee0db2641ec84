"""The settings file: SQLite under var/ by default (WAL, busy timeout), other databases by URL."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tuntas.settings');"
    "django.setup(); from django.db import connection; c = connection.cursor();"
    "print(connection.vendor, connection.settings_dict['NAME']);"
    "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]);"
    "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])"
)


def probe(env_extra: dict[str, str]) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "TUNTAS_DATABASE_URL"}
    env.update(env_extra)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.split("\n")


def test_default_is_sqlite_under_var_with_wal_and_busy_timeout(tmp_path):
    lines = probe({"TUNTAS_VAR_DIR": str(tmp_path)})
    assert lines[0] == f"sqlite {tmp_path / 'tuntas.sqlite3'}"
    assert lines[1] == "wal"
    assert int(lines[2]) == 20000  # ms
    assert (tmp_path / "secret_key").exists()


def test_sqlite_url(tmp_path):
    path = tmp_path / "lain.sqlite3"
    lines = probe({"TUNTAS_VAR_DIR": str(tmp_path), "TUNTAS_DATABASE_URL": f"sqlite:///{path}"})
    assert lines[0] == f"sqlite {path}"
    assert lines[1] == "wal"


@pytest.mark.parametrize(
    "url, engine, name, host",
    [
        ("postgres://tuntas@db.local:5433/spm", "django.db.backends.postgresql", "spm", "db.local"),
        (
            "sqlite:////srv/tuntas/data.sqlite3",
            "django.db.backends.sqlite3",
            "/srv/tuntas/data.sqlite3",
            "",
        ),
    ],
)
def test_database_url_parsing(monkeypatch, url, engine, name, host):
    from tuntas import settings

    monkeypatch.setenv("TUNTAS_DATABASE_URL", url)
    config = settings._database()
    assert (config["ENGINE"], config["NAME"], config.get("HOST", "")) == (engine, name, host)
    if engine.endswith("sqlite3"):
        assert config["OPTIONS"]["timeout"] == 20
        assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
