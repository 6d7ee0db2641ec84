"""Backup and restore of an installation: the database and the data key that opens its personal
data (``tuntas cadangkan`` / ``tuntas pulihkan``; README, "Running it for real").

A backup is a folder (mode 0700) with the database (``basis-data.dump`` from ``pg_dump`` in its
custom format, or ``basis-data.sqlite3`` from SQLite's online backup), the data key (``data_key``,
unless left out) and ``MANIFEST.json`` with each file's size and SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tuntas.core.errors import DomainError
from tuntas.penerima.crypto import ENV_KEY, key_file_path
from tuntas.penerima.selectors import data_key_check

MANIFEST = "MANIFEST.json"
KEY_NAME = "data_key"
FORMAT = 1


class BackupError(DomainError):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_args(program: str) -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    found = shutil.which(program)
    if found is None:
        raise BackupError(f"Program {program} tidak ditemukan: pasang klien PostgreSQL.")
    args = [found, "--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what} gagal: {detail[-1] if detail else done.returncode}")


def _database_file(vendor: str) -> str:
    return "basis-data.dump" if vendor == "postgresql" else "basis-data.sqlite3"


def _key_text() -> str | None:
    env = os.environ.get(ENV_KEY, "").strip()
    if env:
        return env
    path = key_file_path()
    return path.read_text().strip() if path.exists() else None


def backup_create(*, folder: Path, with_key: bool = True) -> dict[str, Any]:
    """Write the backup into ``folder`` (new or empty); returns the manifest."""
    vendor = connection.vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"Basis data {vendor} tidak didukung untuk pencadangan.")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"Folder {folder} sudah ada dan tidak kosong: pilih folder baru.")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    target = folder / _database_file(vendor)
    if vendor == "postgresql":
        args, env = _pg_args("pg_dump")
        _run([*args, "--format", "custom", "--no-owner", "--no-privileges", "--file", str(target)],
             env, "pg_dump")  # fmt: skip
    else:
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
    target.chmod(0o600)
    note = ""
    key = _key_text() if with_key else None
    if key is not None:
        fd = os.open(folder / KEY_NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key + "\n")
    elif with_key:
        note = (
            "Belum ada kunci data pribadi (tuntas init belum dijalankan): tidak ada yang disalin."
        )
    else:
        note = (
            "Kunci data pribadi TIDAK disalin (--tanpa-kunci): tanpa kunci itu data penerima "
            "by name dalam cadangan ini tidak dapat dibuka. Simpan kunci di tempat aman."
        )
    files = sorted(p for p in folder.iterdir() if p.name != MANIFEST)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "dibuat": datetime.now(UTC).isoformat(timespec="seconds"),
        "mesin": vendor,
        "berkas": {p.name: {"ukuran": p.stat().st_size, "sha256": _sha256(p)} for p in files},
        "catatan_kunci": note,
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    path.chmod(0o600)
    return manifest


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{folder / MANIFEST} tidak ada: ini bukan folder cadangan Tuntas."
        ) from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder / MANIFEST} tidak dapat dibaca: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{folder / MANIFEST}: format cadangan tidak dikenal.")
    for name, info in manifest.get("berkas", {}).items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"Berkas cadangan {name} hilang.")
        if _sha256(path) != info.get("sha256"):
            raise BackupError(f"Berkas cadangan {name} rusak atau berubah (SHA-256 tidak cocok).")
    return manifest


def _database_is_empty(vendor: str) -> bool:
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            )
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        row = cursor.fetchone()
    return bool(row) and row[0] == 0


def backup_restore(*, folder: Path, replace_key: bool = False) -> list[str]:
    """Restore ``folder`` into the configured (empty) database; lines to print. Refuses, with
    nothing changed, a damaged backup, another database kind, a non-empty database and a data key
    that differs from the one configured."""
    manifest = _read_manifest(folder)
    vendor = connection.vendor
    if manifest.get("mesin") != vendor:
        raise BackupError(
            f"Cadangan ini dari {manifest.get('mesin')}, basis data yang dikonfigurasi {vendor}."
        )
    name = _database_file(vendor)
    if name not in manifest["berkas"]:
        raise BackupError(f"Cadangan tidak berisi {name}.")
    if not _database_is_empty(vendor):
        raise BackupError(
            "Basis data tujuan tidak kosong: pulihkan ke basis data baru (PostgreSQL: createdb; "
            "SQLite: berkas baru), lalu arahkan TUNTAS_DATABASE_URL ke sana."
        )
    lines = [f"Berkas cadangan utuh ({len(manifest['berkas'])} berkas diperiksa)."]
    backup_key = (folder / KEY_NAME).read_text().strip() if KEY_NAME in manifest["berkas"] else None
    current = _key_text()
    write_key = False
    if backup_key is not None and current is not None and current != backup_key:
        if os.environ.get(ENV_KEY, "").strip():
            raise BackupError(
                f"{ENV_KEY} berisi kunci lain daripada kunci dalam cadangan: sesuaikan dulu."
            )
        if not replace_key:
            raise BackupError(
                f"Sudah ada kunci data lain di {key_file_path()}: pakai --ganti-kunci untuk "
                "menimpanya dengan kunci dari cadangan (simpan kunci lama lebih dulu)."
            )
        write_key = True
    elif backup_key is not None and current is None:
        write_key = True

    target = folder / name
    if vendor == "postgresql":
        args, env = _pg_args("pg_restore")
        _run([*args, "--no-owner", "--no-privileges", "--exit-on-error", str(target)], env,
             "pg_restore")  # fmt: skip
    else:
        connection.close()
        source = sqlite3.connect(str(target))
        dest = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
    lines.append(f"Basis data dipulihkan ({vendor}, dibuat {manifest.get('dibuat')}).")
    if write_key and backup_key is not None:
        path = key_file_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".baru")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(backup_key + "\n")
        os.replace(temporary, path)
        lines.append(f"Kunci data pribadi dipasang di {path} (mode 0600).")
    call_command("migrate", interactive=False, verbosity=0)
    lines.append("Migrasi diterapkan.")
    if _key_text() is None:
        lines.append("Tidak ada kunci data pribadi: data penerima by name belum dapat dibuka.")
        return lines
    opened, tried = data_key_check()
    if tried and opened < tried:
        raise BackupError(
            f"Basis data dipulihkan, tetapi kunci data tidak cocok: {opened} dari {tried} data "
            "penduduk terbuka. Pasang kunci yang benar (cadangan kunci) sebelum dipakai."
        )
    lines.append(
        f"Kunci data cocok: {opened} dari {tried} contoh data penduduk terbuka."
        if tried
        else "Belum ada data penduduk untuk diperiksa dengan kunci data."
    )
    return lines
