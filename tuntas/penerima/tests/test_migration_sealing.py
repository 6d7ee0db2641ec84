"""Migration 0004 seals the notes and file names stored in clear before it (issue 11, point 8)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tuntas.penerima import crypto
from tuntas.penerima.selectors import FILE_NAME_PURPOSE
from tuntas.penerima.tests.helpers import TEST_KEY

BEFORE = [("penerima", "0003_compact_registry")]
AFTER = [("penerima", "0004_catatan_nama_berkas_tersegel")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_what_was_stored_in_clear(monkeypatch):
    monkeypatch.setenv(crypto.ENV_KEY, TEST_KEY)
    from tuntas.katalog.models import Jpd
    from tuntas.katalog.reference import get_catalog
    from tuntas.katalog.services import catalog_sync
    from tuntas.organisasi.services import pemda_register
    from tuntas.testing import ensure_test_regions

    if not Jpd.objects.exists():  # an earlier transactional test's flush emptied it
        catalog_sync(catalog=get_catalog())
    ensure_test_regions()
    pemda_register(code="32.75")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    keys = crypto.data_keys()
    nik_hash = keys.nik_hash("3275011505900001")
    old.get_model("penerima", "RecipientEntry").objects.create(
        pemda_id="32.75", jpd_id="1.02.K06", year=2025, nik_hash=nik_hash,
        village_code="32.75.01.1001", note="hamil risiko tinggi",
    )  # fmt: skip
    old.get_model("penerima", "ImportJob").objects.create(
        pemda_id="32.75", jpd_id="1.02.K06", year=2025, file_name="daftar-bu-ani.csv"
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    from tuntas.penerima.models import ImportJob, RecipientEntry

    note = RecipientEntry.objects.get().note
    assert note.startswith("enc1:") and "risiko" not in note
    assert keys.open_note(nik_hash=nik_hash, sealed=note) == "hamil risiko tinggi"
    name = ImportJob.objects.get().file_name
    assert name.startswith("enc1:") and "ani" not in name
    assert keys.open_text(name, purpose=FILE_NAME_PURPOSE) == "daftar-bu-ani.csv"
    # running it again (a second migrate) seals nothing twice
    from importlib import import_module

    migration = import_module("tuntas.penerima.migrations.0004_catatan_nama_berkas_tersegel")
    from django.apps import apps

    migration.seal(apps, connection.schema_editor())
    assert RecipientEntry.objects.get().note == note
