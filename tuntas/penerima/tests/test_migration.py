"""Migration 0003 carries the registry over from the first layout (hex HMAC hashes, three
ciphertexts per person, a surrogate id) to the compact one, and loses nothing.

Run in a child process on a scratch database of the same kind as the suite's (migrating back and
forth would disturb the shared test database): migrate everything, go back to 0002, write rows
the way 0002's code wrote them, migrate forward, and read them with today's code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection
from django.test import SimpleTestCase

from tuntas.penerima.tests.helpers import TEST_KEY

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = r"""
import hashlib, hmac, json, os
from datetime import date
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

call_command("migrate", verbosity=0)
from tuntas.testing import ensure_test_regions
from tuntas.katalog.reference import get_catalog
from tuntas.katalog.services import catalog_sync
from tuntas.organisasi.services import pemda_register
catalog_sync(catalog=get_catalog())
ensure_test_regions()
pemda_register(code="32.75")
call_command("migrate", "penerima", "0002", verbosity=0)

from tuntas.penerima import crypto
keys = crypto.data_keys()

def seal(text):
    if not text:
        return b""
    nonce = os.urandom(crypto.NONCE_BYTES)
    return nonce + keys.aead.encrypt(nonce, text.encode(), None)

people = [("3275015605900001", "Siti", "Jl. Melati 7", True), ("3275015605900002", "Ani", "", False)]
with connection.cursor() as cursor:
    for nik, name, address, served in people:
        old_hash = hmac.new(keys.hash_key, nik.encode(), hashlib.sha256).hexdigest()
        cursor.execute(
            "INSERT INTO penerima_person (pemda_id, nik_hash, nik_enc, name_enc, address_enc, "
            "fingerprint, sex, birth_date, village_code, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            ["32.75", old_hash, seal(nik), seal(name), seal(address), "f" * 64, "P",
             date(1990, 5, 16), "32.75.01.1001", "2025-01-02 03:04:05+00:00",
             "2025-01-02 03:04:05+00:00"],
        )
        cursor.execute(
            "INSERT INTO penerima_recipiententry (pemda_id, jpd_id, year, nik_hash, "
            "village_code, served, service_date, service_unit, note) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            ["32.75", "1.02.K06", 2025, old_hash, "32.75.01.1001", served,
             date(2025, 3, 1) if served else None, "Puskesmas A", ""],
        )

call_command("migrate", "penerima", verbosity=0)
from tuntas.penerima.models import Person, RecipientEntry
out = {"people": [], "entries": []}
for p in Person.objects.order_by("birth_date", "nik_hash"):
    who = keys.open(nik_hash=bytes(p.nik_hash), blob=p.identity_enc)
    out["people"].append({
        "hash_ok": bytes(p.nik_hash) == keys.nik_hash(who.nik),
        "nik": who.nik, "name": who.name, "address": who.address,
        "fingerprint_ok": bytes(p.fingerprint) == keys.fingerprint(
            who.nik, who.name, who.address, p.sex, p.birth_date.isoformat(), p.village_code),
        "created": p.created_at.isoformat(),
    })
for e in RecipientEntry.objects.all():
    out["entries"].append({
        "person": Person.objects.filter(pemda_id=e.pemda_id, nik_hash=e.nik_hash).exists(),
        "served": e.served, "unit": e.service_unit,
    })
print(json.dumps(out))
"""


class CompactRegistryMigrationTests(SimpleTestCase):
    def _scratch_database(self) -> str:
        if connection.vendor == "postgresql":
            import psycopg
            from psycopg import sql

            db = settings.DATABASES["default"]
            name = f"tuntas_migrasi_{uuid.uuid4().hex[:8]}"
            netloc = f"{db['USER']}@{db['HOST']}:{db['PORT']}" if db.get("HOST") else db["USER"]
            admin = urlunsplit(("postgres", netloc, "/postgres", "", ""))

            def run(statement: str) -> None:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(sql.SQL(statement).format(sql.Identifier(name)))

            run("CREATE DATABASE {}")
            self.addCleanup(run, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
            url = urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))
            return url
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        return f"sqlite:///{folder.name}/migrasi.sqlite3"

    def test_people_and_entries_are_carried_over(self) -> None:
        url = self._scratch_database()
        with tempfile.TemporaryDirectory() as var:
            env = {
                **os.environ,
                "TUNTAS_DATABASE_URL": url,
                "TUNTAS_DATA_KEY": TEST_KEY,
                "TUNTAS_VAR_DIR": var,
                "DJANGO_SETTINGS_MODULE": "tuntas.settings",
            }
            done = subprocess.run(
                [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True,
                text=True, timeout=300, check=False,
            )  # fmt: skip
        self.assertEqual(done.returncode, 0, done.stderr[-3000:])
        out = json.loads(done.stdout.strip().splitlines()[-1])
        people = {p["nik"]: p for p in out["people"]}
        self.assertEqual(set(people), {"3275015605900001", "3275015605900002"})
        self.assertEqual(
            (people["3275015605900001"]["name"], people["3275015605900001"]["address"]),
            ("Siti", "Jl. Melati 7"),
        )
        self.assertEqual(people["3275015605900002"]["address"], "")
        for person in people.values():
            self.assertTrue(person["hash_ok"] and person["fingerprint_ok"], person)
            self.assertTrue(person["created"].startswith("2025-01-02"))  # kept, not reset
        self.assertEqual(len(out["entries"]), 2)
        self.assertTrue(all(e["person"] for e in out["entries"]))
        self.assertEqual(sorted(e["served"] for e in out["entries"]), [False, True])
        self.assertEqual({e["unit"] for e in out["entries"]}, {"Puskesmas A"})
