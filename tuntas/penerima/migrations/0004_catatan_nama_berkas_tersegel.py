"""Seal what was stored in clear: the note (catatan) of each recipient entry and the file name
of each import job, with the data key (tuntas.penerima.crypto). Needs the key only when there
is something to seal; then a missing key stops the migration with the reason."""

from django.db import migrations, models


def seal(apps, schema_editor):
    Entry = apps.get_model("penerima", "RecipientEntry")
    Job = apps.get_model("penerima", "ImportJob")
    notes = Entry.objects.exclude(note="").exclude(note__startswith="enc1:")
    names = Job.objects.exclude(file_name="").exclude(file_name__startswith="enc1:")
    if not notes.exists() and not names.exists():
        return
    from tuntas.penerima.crypto import data_keys
    from tuntas.penerima.selectors import FILE_NAME_PURPOSE

    keys = data_keys()  # DataKeyError (with what to do) when none is configured
    entry_table = Entry._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        for pemda, jpd, year, nik_hash, note in notes.values_list(
            "pemda_id", "jpd_id", "year", "nik_hash", "note"
        ).iterator():
            cursor.execute(
                f"UPDATE {entry_table} SET note = %s WHERE pemda_id = %s AND jpd_id = %s "
                "AND year = %s AND nik_hash = %s",
                [keys.seal_note(nik_hash=bytes(nik_hash), note=note), pemda, jpd, year, nik_hash],
            )
    for job in names.iterator():
        job.file_name = keys.seal_text(job.file_name, purpose=FILE_NAME_PURPOSE)
        job.save(update_fields=["file_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("penerima", "0003_compact_registry"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="file_name",
            field=models.CharField(max_length=500, verbose_name="nama berkas"),
        ),
        migrations.RunPython(seal, migrations.RunPython.noop),
    ]
