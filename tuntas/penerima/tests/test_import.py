"""The import's semantics: all-or-nothing, --terima-sebagian, idempotence, --ganti, atomicity
under a crash, encryption at rest, the JSON contract and exit codes, scoping."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection
from python_calamine import CalamineWorkbook

from tuntas.core.models import AuditEvent
from tuntas.penerima import crypto
from tuntas.penerima.crypto import mask_nik
from tuntas.penerima.models import Person, RecipientEntry
from tuntas.penerima.services import recipients_import
from tuntas.penerima.tests.helpers import (
    DESA_B,
    HEADER,
    TEST_KEY,
    YEAR,
    PenerimaTestCase,
    csv_text,
    identity_of,
    nik,
    row,
)

JSON_KEYS = {
    "baris",
    "diterima",
    "ditolak",
    "peringatan",
    "baru",
    "diperbarui",
    "laporan_kesalahan",
}


def reports() -> set[Path]:
    return set((Path(settings.VAR_DIR) / "laporan").glob("*.xlsx"))


def entries(pemda: str = "32.75", jpd: str = "1.02.K06", year: int = YEAR):
    return RecipientEntry.objects.filter(pemda_id=pemda, jpd_id=jpd, year=year)


class ImportSemanticsTests(PenerimaTestCase):
    def test_valid_file_is_written_with_the_json_contract(self):
        path = self.write_csv([row(1), row(2, sex="P", terlayani_sesuai_standar="T")])
        code, doc, err = self.run_import(path)
        self.assertEqual(code, 0, err)
        self.assertEqual(set(doc), JSON_KEYS)
        self.assertEqual(
            doc,
            {"baris": 2, "diterima": 2, "ditolak": 0, "peringatan": 0, "baru": 2,
             "diperbarui": 0, "laporan_kesalahan": None},
        )  # fmt: skip
        self.assertEqual(entries().count(), 2)
        self.assertEqual(entries().filter(served=True).count(), 1)
        self.assertEqual(Person.objects.filter(pemda_id="32.75").count(), 2)
        event = AuditEvent.objects.get(action="penerima.impor")
        self.assertEqual(event.data["baru"], 2)
        self.assertNotIn(nik(1), json.dumps(event.data))

    def test_any_error_writes_nothing_and_exits_1(self):
        self.run_import(self.write_csv([row(1)]))
        before = list(entries().values_list("nik_hash", "served"))
        bad = self.write_csv([row(1, terlayani_sesuai_standar="T"), row(2), row(3, nik="123")])
        code, doc, _ = self.run_import(bad)
        self.assertEqual(code, 1)
        self.assertEqual((doc["baris"], doc["diterima"], doc["ditolak"]), (3, 0, 1))
        self.assertEqual((doc["baru"], doc["diperbarui"]), (0, 0))
        self.assertEqual(list(entries().values_list("nik_hash", "served")), before)
        self.assertEqual(Person.objects.count(), 1)
        report = Path(doc["laporan_kesalahan"])
        self.assertTrue(report.is_relative_to(Path(settings.VAR_DIR) / "laporan"))
        rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
        self.assertEqual(rows[0][0], "baris")
        self.assertIn("kesalahan", rows[0])
        self.assertEqual(len(rows), 2)  # header + the one bad row
        self.assertEqual(rows[1][0], 4)  # spreadsheet row 4 (header is row 1)
        self.assertIn("Warga Uji 3", rows[1])  # the original cells come back ...
        self.assertIn("***", rows[1])  # ... but the NIK only masked (the operator has the file)
        self.assertIn("NIK harus tepat 16 angka", rows[1][rows[0].index("kesalahan")])

    def test_refused_and_accepted_runs_count_the_same_warnings(self):
        people = [row(1, tanggal_lahir="1990-05-16"), row(2, kode_desa=DESA_B), row(3)]
        path = self.write_csv(people)
        refused_code, refused, _ = self.run_import(path)
        accepted_code, accepted, _ = self.run_import(path, "--terima-sebagian")
        self.assertEqual((refused_code, accepted_code), (1, 0))
        self.assertEqual((refused["ditolak"], accepted["ditolak"]), (1, 1))
        self.assertEqual((refused["diterima"], accepted["diterima"]), (0, 2))
        self.assertEqual((refused["peringatan"], accepted["peringatan"]), (1, 1))

    def test_the_error_report_holds_the_nik_masked(self):
        people = [row(1, tanggal_lahir="1990-05-16"), row(2, kode_desa=DESA_B)]
        code, doc, _ = self.run_import(self.write_csv(people))
        self.assertEqual(code, 1)
        report = Path(doc["laporan_kesalahan"])
        self.assertEqual(report.stat().st_mode & 0o777, 0o600)
        rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
        column = rows[0].index("nik")
        self.assertEqual([r[column] for r in rows[1:]], [mask_nik(nik(1)), mask_nik(nik(2))])
        everything = repr(rows)
        self.assertNotIn(nik(1), everything)
        self.assertNotIn(nik(2), everything)

    def test_terima_sebagian_writes_the_valid_rows(self):
        bad = self.write_csv([row(1), row(2, kode_desa=DESA_B), row(3, tanggal_lahir="1990-05-16")])
        code, doc, _ = self.run_import(bad, "--terima-sebagian")
        self.assertEqual(code, 0)
        self.assertEqual(
            (doc["baris"], doc["diterima"], doc["ditolak"], doc["peringatan"], doc["baru"]),
            (3, 2, 1, 1, 2),
        )
        self.assertEqual(entries().count(), 2)
        self.assertIsNotNone(doc["laporan_kesalahan"])

    def test_terima_sebagian_with_no_valid_row_is_refused(self):
        code, doc, _ = self.run_import(self.write_csv([row(1, nik="x")]), "--terima-sebagian")
        self.assertEqual(code, 1)
        self.assertEqual(doc["diterima"], 0)

    def test_second_import_of_the_same_file_changes_nothing(self):
        path = self.write_csv([row(i) for i in range(1, 6)])
        self.assertEqual(self.run_import(path)[1]["baru"], 5)
        stored = {bytes(p.nik_hash): bytes(p.identity_enc) for p in Person.objects.all()}
        code, doc, _ = self.run_import(path)
        self.assertEqual(code, 0)
        self.assertEqual((doc["baru"], doc["diperbarui"], doc["diterima"]), (0, 0, 5))
        # the people were not rewritten either (same ciphertexts)
        self.assertEqual(
            {bytes(p.nik_hash): bytes(p.identity_enc) for p in Person.objects.all()}, stored
        )

    def test_changed_values_are_counted_as_updated(self):
        self.run_import(self.write_csv([row(1), row(2), row(3)]))
        changed = self.write_csv(
            [row(1), row(2, terlayani_sesuai_standar="T"), row(3, nama="Nama Baru"), row(4)]
        )
        code, doc, _ = self.run_import(changed)
        self.assertEqual(code, 0)
        self.assertEqual((doc["baru"], doc["diperbarui"]), (1, 2))
        person = Person.objects.get(nik_hash=crypto.nik_hash(nik(3)))
        self.assertEqual(identity_of(person).name, "Nama Baru")

    def test_ganti_replaces_the_whole_list(self):
        self.run_import(self.write_csv([row(1), row(2), row(3)]))
        # another JPD and another year of the same pemda are not touched
        self.run_import(self.write_csv([row(1, tanggal_pelayanan="")]), year=2024)
        code, doc, _ = self.run_import(self.write_csv([row(3), row(4)]), "--ganti")
        self.assertEqual(code, 0)
        self.assertEqual((doc["baru"], doc["diperbarui"]), (1, 0))
        hashes = set(entries().values_list("nik_hash", flat=True))
        self.assertEqual(hashes, {crypto.nik_hash(nik(3)), crypto.nik_hash(nik(4))})
        self.assertEqual(entries(year=2024).count(), 1)
        self.assertEqual(
            AuditEvent.objects.filter(action="penerima.impor").first().data["dihapus"], 2
        )

    def test_refused_ganti_keeps_the_stored_list(self):
        self.run_import(self.write_csv([row(1), row(2)]))
        code, _, _ = self.run_import(self.write_csv([row(3, nik="1")]), "--ganti")
        self.assertEqual(code, 1)
        self.assertEqual(entries().count(), 2)

    def test_crash_mid_file_stores_nothing_partial(self):
        self.run_import(self.write_csv([row(1, terlayani_sesuai_standar="T")]))
        path = self.write_csv(
            [row(i) for i in range(1, 26)] + [row(99, tanggal_lahir="1990-05-16")]
        )
        reports_before = reports()
        seen: list[int] = []

        def crash(n, summary):
            seen.append(n)
            if n == 3:
                raise RuntimeError("listrik padam")

        with self.assertRaises(RuntimeError):
            recipients_import(
                pemda=self.pemda_a, jpd=self.k06, year=YEAR, path=path, chunk_size=10,
                on_chunk=crash,
            )  # fmt: skip
        self.assertEqual(seen, [1, 2, 3])  # two chunks had been written before the crash
        self.assertEqual(entries().count(), 1)
        self.assertFalse(entries().get().served)
        self.assertEqual(Person.objects.count(), 1)
        self.assertFalse(AuditEvent.objects.filter(action="penerima.impor").count() > 1)
        self.assertEqual(reports(), reports_before)  # no half-written error report left

    def test_progress_keeps_moving_after_the_first_error_of_a_refused_file(self):
        rows = [row(1, nik="123")] + [row(i) for i in range(2, 31)]
        seen: list[int] = []
        summary = recipients_import(
            pemda=self.pemda_a, jpd=self.k06, year=YEAR, path=self.write_csv(rows),
            chunk_size=10, on_chunk=lambda _n, s: seen.append(s.baris),
        )  # fmt: skip
        self.assertFalse(summary.written)
        self.assertEqual(seen, [10, 20, 30])  # every chunk_size rows, though nothing is written
        self.assertEqual(entries().count(), 0)

    def test_chunks_give_the_same_result_as_one_pass(self):
        path = self.write_csv([row(i) for i in range(1, 26)])
        summary = recipients_import(
            pemda=self.pemda_a, jpd=self.k06, year=YEAR, path=path, chunk_size=7
        )
        self.assertEqual((summary.baru, summary.diterima), (25, 25))
        again = recipients_import(
            pemda=self.pemda_a, jpd=self.k06, year=YEAR, path=path, chunk_size=4
        )
        self.assertEqual((again.baru, again.diperbarui), (0, 0))

    def test_encrypted_at_rest(self):
        self.run_import(self.write_csv([row(1, nama="Siti Nurhaliza", alamat="Jl. Melati 7")]))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {Person._meta.db_table}")
            raw = cursor.fetchall()
            cursor.execute(f"SELECT * FROM {RecipientEntry._meta.db_table}")
            raw += cursor.fetchall()
        blob = b"".join(
            bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode()
            for r in raw
            for v in r
        )
        for secret in (nik(1), "Siti Nurhaliza", "Nurhaliza", "Melati"):
            self.assertNotIn(secret.encode(), blob)
        person = Person.objects.get()
        self.assertEqual(bytes(person.nik_hash), crypto.nik_hash(nik(1)))
        self.assertEqual(len(person.nik_hash), 32)
        self.assertEqual(
            identity_of(person), crypto.Identity(nik(1), "Siti Nurhaliza", "Jl. Melati 7")
        )
        self.assertEqual(bytes(entries().get().nik_hash), bytes(person.nik_hash))

    def test_scoping_another_pemda_is_never_touched(self):
        tangsel = [row(1, nik=nik(1, region="367401"), kode_desa=DESA_B)]
        code, _, err = self.run_import(self.write_csv(tangsel), pemda="36.74")
        self.assertEqual(code, 0, err)
        # Bekasi imports the same NIK and replaces its list: Tangerang Selatan keeps its row
        same_nik = [row(1, nik=nik(1, region="367401"))]
        self.assertEqual(self.run_import(self.write_csv(same_nik), "--ganti")[0], 0)
        self.assertEqual(self.run_import(self.write_csv([row(2)]), "--ganti")[0], 0)
        self.assertEqual(entries(pemda="36.74").count(), 1)
        self.assertEqual(Person.objects.filter(pemda_id="36.74").count(), 1)
        self.assertEqual(entries().count(), 1)

    def test_desa_of_another_pemda_is_an_error(self):
        code, doc, _ = self.run_import(self.write_csv([row(1, kode_desa=DESA_B)]))
        self.assertEqual(code, 1)
        rows = (
            CalamineWorkbook.from_path(doc["laporan_kesalahan"]).get_sheet_by_index(0).to_python()
        )
        self.assertIn("bukan wilayah Kota Bekasi", rows[1][-2])

    def test_arguments_and_unreadable_files_exit_2(self):
        good = self.write_csv([row(1)])
        cases = {
            "unknown pemda": (good, {"pemda": "32.01"}, "belum terdaftar"),
            "provincial JPD": (good, {"jpd": "1.02.P01"}, "bukan JPD Kota Bekasi"),
            "unknown JPD": (good, {"jpd": "9.99.K01"}, "tidak dikenal"),
            "no version": (good, {"year": 2010}, "tidak berlaku pada tahun 2010"),
            "missing file": (self.tmp / "tidak-ada.csv", {}, "tidak dapat dibuka"),
        }
        for name, (path, kw, message) in cases.items():
            with self.subTest(name):
                code, doc, err = self.run_import(path, **kw)
                self.assertEqual(code, 2)
                self.assertEqual(doc, {})
                self.assertIn(message, err)
        empty = self.tmp / "kosong.csv"
        empty.write_text("")
        no_header = self.tmp / "tanpa-judul.csv"
        no_header.write_text("a;b;c\n1;2;3\n")
        header_only = self.write_csv([], name="judul-saja.csv")
        garbage = self.tmp / "rusak.xlsx"
        garbage.write_bytes(b"PK\x03\x04 bukan zip")
        for path, message in [
            (empty, "kosong"),
            (no_header, "tidak ada: nik"),
            (header_only, "tidak berisi baris data"),
            (garbage, "tidak dapat dibaca"),
        ]:
            with self.subTest(path.name):
                code, _, err = self.run_import(path)
                self.assertEqual(code, 2)
                self.assertIn(message, err)
        self.assertEqual(entries().count(), 0)

    def test_missing_data_key_exits_2(self):
        os.environ.pop("TUNTAS_DATA_KEY")
        try:
            code, _, err = self.run_import(self.write_csv([row(1)]))
        finally:
            os.environ["TUNTAS_DATA_KEY"] = TEST_KEY
        self.assertEqual(code, 2)
        self.assertIn("tuntas init", err)

    def test_text_summary(self):
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command(
            "impor-penerima", "--pemda", "32.75", "--jpd", "1.02.K06", "--tahun", str(YEAR),
            str(self.write_csv([row(1), row(2, tanggal_lahir="1990-05-16")])), stdout=out,
        )  # fmt: skip
        text = out.getvalue()
        self.assertIn("2 baris dibaca, 2 diterima (1 dengan peringatan), 0 ditolak", text)
        self.assertIn("Baris 3, kolom tanggal_lahir (peringatan)", text)
        self.assertNotIn(nik(1), text)


def tuntas_command() -> list[str]:
    found = shutil.which("tuntas", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "tuntas.cli"]


def test_console_script_end_to_end(tmp_path):
    """The installed ``tuntas`` on a fresh SQLite database: exit 2, 0, 1 and the JSON."""
    env = {
        **os.environ,
        "TUNTAS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "TUNTAS_VAR_DIR": str(tmp_path / "var"),
        "TUNTAS_SECRET_KEY": "uji",
    }
    env.pop("TUNTAS_DATA_KEY", None)
    env.pop("TUNTAS_DATA_KEY_FILE", None)

    def tuntas(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*tuntas_command(), *args], capture_output=True, text=True,
                              env=env, check=False)  # fmt: skip

    init = tuntas("init", "--tanpa-wilayah", "--tanpa-statis")
    assert init.returncode == 0, init.stderr
    assert "Kunci data pribadi dibuat" in init.stdout
    key = tmp_path / "var" / "data_key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert (
        "Kunci data pribadi dibuat"
        not in tuntas("init", "--tanpa-wilayah", "--tanpa-statis").stdout
    )
    setup = "from tuntas.testing import ensure_test_regions; ensure_test_regions()"
    assert tuntas("shell", "-c", setup).returncode == 0
    good = tmp_path / "baik.csv"
    good.write_text(csv_text([row(1), row(2)]))
    args = ["impor-penerima", "--pemda", "32.75", "--jpd", "1.02.K06", "--tahun", str(YEAR)]

    unregistered = tuntas(*args, str(good), "--json")
    assert unregistered.returncode == 2
    assert unregistered.stdout == ""
    assert "tuntas pemda-baru 32.75" in unregistered.stderr

    assert tuntas("pemda-baru", "32.75").returncode == 0
    ok = tuntas(*args, str(good), "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {
        "baris": 2, "diterima": 2, "ditolak": 0, "peringatan": 0, "baru": 2, "diperbarui": 0,
        "laporan_kesalahan": None,
    }  # fmt: skip
    bad = tmp_path / "buruk.csv"
    bad.write_text(csv_text([row(3, nik="32750115059000")]))
    refused = tuntas(*args, str(bad), "--json")
    assert refused.returncode == 1
    doc = json.loads(refused.stdout)
    assert (doc["diterima"], doc["ditolak"]) == (0, 1)
    assert Path(doc["laporan_kesalahan"]).parent == tmp_path / "var" / "laporan"
    recap = tuntas("rekap-penerima", "--pemda", "32.75", "--jpd", "1.02.K06", "--tahun",
                   str(YEAR), "--json")  # fmt: skip
    assert recap.returncode == 0, recap.stderr
    assert json.loads(recap.stdout)["sasaran"] == 2


class SealedNoteTests(PenerimaTestCase):
    """The note (catatan) and the upload's file name are sealed like the name (issue 11,
    point 8); a repeated import of the same notes changes nothing."""

    def test_notes_are_stored_sealed_and_a_repeat_import_changes_nothing(self):
        header = [*HEADER, "catatan"]
        people = [row(1, catatan="penderita TB paru, rujukan RSUD"), row(2, catatan="")]
        path = self.tmp / "catatan.csv"
        path.write_text(csv_text(people, header=header), encoding="utf-8")
        code, first, _ = self.run_import(path)
        self.assertEqual((code, first["baru"]), (0, 2))
        stored = dict(entries().values_list("nik_hash", "note"))
        keys = crypto.data_keys()
        sealed = stored[keys.nik_hash(nik(1))]
        self.assertTrue(sealed.startswith("enc1:"))
        self.assertNotIn("TB", sealed)
        self.assertEqual(keys.open_note(nik_hash=keys.nik_hash(nik(1)), sealed=sealed),
                         "penderita TB paru, rujukan RSUD")  # fmt: skip
        self.assertEqual(stored[keys.nik_hash(nik(2))], "")
        code, again, _ = self.run_import(path)
        self.assertEqual((code, again["baru"], again["diperbarui"]), (0, 0, 0))
        people[0]["catatan"] = "sudah sembuh"
        path.write_text(csv_text(people, header=header), encoding="utf-8")
        code, changed, _ = self.run_import(path)
        self.assertEqual((code, changed["diperbarui"]), (0, 1))
