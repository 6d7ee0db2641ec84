"""The registry in its compact form (for the speed of million-row imports):

- ``Person`` keyed by (pemda, nik_hash): no surrogate id, one index less;
- NIK hash (32 bytes) and fingerprint (16 bytes) stored as binary, computed with keyed BLAKE2b;
- NIK, name and address sealed in one AES-GCM ciphertext bound to the NIK hash;
- no database foreign keys on the two bulk tables (the import checks pemda and JPD per file).

Existing rows are carried over: each person's values are decrypted with the data key and sealed
again in the new form, and each entry gets its person's new hash. The v2 encoding is written out
here (not imported), so this migration keeps doing what it did when ``crypto`` changes later.
"""

import os
from hashlib import blake2b

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2_000


def _carry_over(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM penerima_person")
        people = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM penerima_recipiententry")
        entries = cursor.fetchone()[0]
    if not people and not entries:
        return
    from tuntas.penerima.crypto import NONCE_BYTES, data_keys

    keys = data_keys()  # DataKeyError (Indonesian message) when no key is configured
    aead, hash_key = keys.aead, keys.hash_key

    def old_open(blob):
        data = bytes(blob or b"")
        if not data:
            return ""
        return aead.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], None).decode("utf-8")

    new_hashes = {}  # (pemda, old hex hash) → new hash
    read = connection.cursor()
    write = connection.cursor()
    read.execute(
        "SELECT pemda_id, nik_hash, nik_enc, name_enc, address_enc, sex, birth_date, "
        "village_code, created_at, updated_at FROM penerima_person ORDER BY pemda_id, id"
    )
    while batch := read.fetchmany(BATCH):
        rows = []
        for pemda, old_hash, nik_enc, name_enc, address_enc, sex, born, village, made, changed in (
            batch
        ):
            nik, name, address = old_open(nik_enc), old_open(name_enc), old_open(address_enc)
            born_text = born if isinstance(born, str) else born.isoformat()
            nik_hash = blake2b(
                nik.encode("ascii"), key=hash_key, digest_size=32, person=b"tuntas/nik/v2"
            ).digest()
            plain = "\x1f".join((nik, name, address)).encode("utf-8")
            fingerprint = blake2b(
                "\x1f".join((nik, name, address, sex, born_text, village)).encode("utf-8"),
                key=hash_key,
                digest_size=16,
                person=b"tuntas/nilai/v2",
            ).digest()
            nonce = os.urandom(NONCE_BYTES)
            sealed = nonce + aead.encrypt(nonce, plain, nik_hash)
            new_hashes[(pemda, old_hash)] = nik_hash
            rows.append((pemda, nik_hash, sealed, fingerprint, sex, born, village, made, changed))
        write.executemany(
            "INSERT INTO penerima_personv2 (pemda_id, nik_hash, identity_enc, fingerprint, sex, "
            "birth_date, village_code, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
    read.execute(
        "SELECT pemda_id, jpd_id, year, nik_hash, village_code, served, service_date, "
        "service_unit, note FROM penerima_recipiententry"
    )
    while batch := read.fetchmany(BATCH):
        rows = []
        for pemda, jpd, year, old_hash, *rest in batch:
            nik_hash = new_hashes.get((pemda, old_hash))
            if nik_hash is not None:  # an entry always has its person; none is lost here
                rows.append((pemda, jpd, year, nik_hash, *rest))
        write.executemany(
            "INSERT INTO penerima_recipiententryv2 (pemda_id, jpd_id, year, nik_hash, "
            "village_code, served, service_date, service_unit, note) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
    read.close()
    write.close()


class Migration(migrations.Migration):
    dependencies = [
        ("katalog", "0002_scoringmethod_aggregation_mutu"),
        ("organisasi", "0001_initial"),
        ("penerima", "0002_import_job_access_log"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonV2",
            fields=[
                ("pk", models.CompositePrimaryKey("pemda", "nik_hash", blank=True, editable=False, primary_key=True, serialize=False)),
                ("nik_hash", models.BinaryField(max_length=32, verbose_name="hash NIK")),
                ("identity_enc", models.BinaryField(verbose_name="NIK, nama, alamat (terenkripsi)")),
                ("fingerprint", models.BinaryField(max_length=16, verbose_name="sidik nilai")),
                ("sex", models.CharField(choices=[("L", "Laki-laki"), ("P", "Perempuan")], max_length=1, verbose_name="jenis kelamin")),
                ("birth_date", models.DateField(verbose_name="tanggal lahir")),
                ("village_code", models.CharField(max_length=13, verbose_name="kode desa/kelurahan")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("pemda", models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="organisasi.pemda")),
            ],
            options={"verbose_name": "penduduk", "verbose_name_plural": "penduduk"},
        ),
        migrations.CreateModel(
            name="RecipientEntryV2",
            fields=[
                ("pk", models.CompositePrimaryKey("pemda", "jpd", "year", "nik_hash", blank=True, editable=False, primary_key=True, serialize=False)),
                ("year", models.PositiveSmallIntegerField(verbose_name="tahun")),
                ("nik_hash", models.BinaryField(max_length=32, verbose_name="hash NIK")),
                ("village_code", models.CharField(max_length=13, verbose_name="kode desa/kelurahan")),
                ("served", models.BooleanField(default=False, verbose_name="terlayani sesuai standar")),
                ("service_date", models.DateField(blank=True, null=True, verbose_name="tanggal pelayanan")),
                ("service_unit", models.CharField(blank=True, max_length=200, verbose_name="unit layanan")),
                ("note", models.TextField(blank=True, verbose_name="catatan")),
                ("jpd", models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="katalog.jpd")),
                ("pemda", models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="organisasi.pemda")),
            ],
            options={"verbose_name": "penerima JPD", "verbose_name_plural": "penerima JPD"},
        ),
        migrations.RunPython(_carry_over, migrations.RunPython.noop),
        migrations.DeleteModel(name="RecipientEntry"),
        migrations.DeleteModel(name="Person"),
        migrations.RenameModel(old_name="PersonV2", new_name="Person"),
        migrations.RenameModel(old_name="RecipientEntryV2", new_name="RecipientEntry"),
    ]
