"""The web side of the by-name registry: access to every page, the upload → background job →
summary flow, masking of NIK, "lihat NIK" and export with a reason, the template download."""

from __future__ import annotations

import io
import re
import resource
import stat
import tempfile
import time
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from python_calamine import CalamineWorkbook

from tuntas.core.models import AuditEvent
from tuntas.core.tests.zip_bomb import write_bomb
from tuntas.penerima.models import AccessAction, AccessLog, ImportJob, ImportStatus, RecipientEntry
from tuntas.penerima.parsing import COLUMNS
from tuntas.penerima.services import (
    _progress_write,
    import_job_submit,
    import_progress_path,
    import_progress_read,
    recipients_import,
)
from tuntas.penerima.tasks import recipients_import_task
from tuntas.penerima.tests.helpers import DESA_B, YEAR, PenerimaTestCase, csv_text, row
from tuntas.testing import AccessMatrixMixin

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
K06 = "1.02.K06"  # Dinas Kesehatan in the personas' pemda
BY_NAME = {"operator_kes": 200, "verifikator_kes": 200, "verifikator_tim": 200, "admin_a": 200}
BY_NAME_DENIED = {"operator_dik": 403, "pimpinan_a": 403}
STORED = [row(1), row(2, sex="P", terlayani_sesuai_standar="T"), row(3)]


def upload_file(rows: list[dict[str, Any]], name: str = "daftar.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_text(rows).encode(), content_type="text/csv")


class WebTestCase(AccessMatrixMixin, PenerimaTestCase):
    """Three people stored on the K06 list of Kota Bekasi for YEAR."""

    list_url: ClassVar[str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        path = cls.tmp / "awal.csv"
        path.write_text(csv_text(STORED), encoding="utf-8")
        summary = recipients_import(pemda=cls.pemda_a, jpd=cls.k06, year=YEAR, path=path)
        assert summary.written, summary.problems
        cls.list_url = reverse("penerima-daftar", args=["32.75", YEAR, K06])

    def upload(self, rows: list[dict[str, Any]], **options: Any) -> Any:
        data: dict[str, Any] = {"jpd": K06, "tahun": YEAR, "berkas": upload_file(rows)}
        data.update({k: "on" for k, v in options.items() if v})
        return self.client.post(reverse("penerima-unggah", args=["32.75"]), data)

    def last_job(self) -> ImportJob:
        return ImportJob.objects.latest("pk")


@override_settings(TASKS=IMMEDIATE)
class AccessTests(WebTestCase):
    def job_with_report(self) -> ImportJob:
        self.login("operator_kes")
        self.upload([row(10), row(11, nik="123")])
        return self.last_job()

    def test_overview_is_for_members_only(self):
        members = dict.fromkeys(("operator_dik", "pimpinan_a"), 200) | BY_NAME
        self.check_access("get", reverse("penerima", args=["32.75"]), members)

    def test_upload_page(self):
        url = reverse("penerima-unggah", args=["32.75"])
        self.check_access("get", url, {**BY_NAME, "operator_dik": 200, "pimpinan_a": 403})
        # posting for a JPD of another OPD is refused before anything is read; the roles that
        # may upload get the form back (400: no file)
        self.check_access(
            "post",
            url,
            {**dict.fromkeys(BY_NAME, 400), **BY_NAME_DENIED},
            data={"jpd": K06, "tahun": YEAR},
        )
        self.assertFalse(ImportJob.objects.exists())

    def test_by_name_pages(self):
        year_jpd = ["32.75", YEAR, K06]
        for name in ("penerima-daftar", "penerima-ekspor"):
            self.check_access("get", reverse(name, args=year_jpd), {**BY_NAME, **BY_NAME_DENIED})
        self.check_access(
            "get",
            reverse("penerima-templat", args=["32.75", K06]),
            {**BY_NAME, **BY_NAME_DENIED},
        )
        entry = RecipientEntry.objects.filter(pemda=self.pemda_a).first()
        assert entry is not None
        self.check_access(
            "post",
            reverse("penerima-nik", args=year_jpd),
            {**BY_NAME, **BY_NAME_DENIED},
            data={"hash_nik": bytes(entry.nik_hash).hex(), "alasan": "verifikasi lapangan"},
        )
        self.check_access(
            "post",
            reverse("penerima-ekspor", args=year_jpd),
            {**BY_NAME, **BY_NAME_DENIED},
            data={"alasan": "rapat evaluasi", "format": "csv"},
        )

    def test_job_pages(self):
        job = self.job_with_report()
        self.assertTrue(job.report_path)
        expected = {**BY_NAME, **BY_NAME_DENIED}
        self.check_access("get", reverse("penerima-impor", args=["32.75", job.pk]), expected)
        self.check_access(
            "get", reverse("penerima-impor-laporan", args=["32.75", job.pk]), expected
        )
        # another pemda's address for the job: 404 even for the uploader
        self.login("operator_kes")
        response = self.client.get(reverse("penerima-impor", args=["36.74", job.pk]))
        self.assertEqual(response.status_code, 404)

    def test_access_log_page_is_for_admin_pemda(self):
        members = dict.fromkeys(
            ("operator_kes", "operator_dik", "verifikator_kes", "verifikator_tim", "pimpinan_a"),
            403,
        )
        self.check_access(
            "get", reverse("penerima-log", args=["32.75"]), {**members, "admin_a": 200}
        )

    def test_unknown_jpd_and_year_are_404(self):
        self.login("admin_a")
        for url in [
            reverse("penerima-daftar", args=["32.75", YEAR, "9.99.X01"]),
            reverse("penerima-daftar", args=["32.75", 1999, K06]),
            reverse("penerima-daftar", args=["32.75", YEAR, "1.02.P06"]),  # a provincial JPD
        ]:
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_dashboard_links_to_the_registry_for_by_name_roles_only(self):
        url = reverse("dasbor-pemda", args=["32.75"])
        self.login("operator_kes")
        self.assertContains(self.client.get(url), 'data-testid="daftar-penerima"')
        self.login("pimpinan_a")
        self.assertNotContains(self.client.get(url), 'data-testid="daftar-penerima"')


@override_settings(TASKS=IMMEDIATE)
class UploadFlowTests(WebTestCase):
    def setUp(self) -> None:
        self.login("operator_kes")

    def test_the_file_name_is_stored_sealed_and_shown_on_the_job_page(self):
        self.client.post(
            reverse("penerima-unggah", args=["32.75"]),
            {
                "jpd": K06,
                "tahun": YEAR,
                "berkas": upload_file([row(50)], name="ibu-siti-aminah.csv"),
            },
        )
        job = self.last_job()
        self.assertTrue(job.file_name.startswith("enc1:"))
        self.assertNotIn("siti", job.file_name)
        page = self.client.get(reverse("penerima-impor", args=["32.75", job.pk]))
        self.assertContains(page, "ibu-siti-aminah.csv")

    def test_a_zip_bomb_is_refused_in_the_request_before_any_worker_sees_it(self):
        with tempfile.TemporaryDirectory() as folder:
            data = write_bomb(Path(folder) / "bom.xlsx").read_bytes()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        response = self.client.post(
            reverse("penerima-unggah", args=["32.75"]),
            {"jpd": K06, "tahun": YEAR, "berkas": SimpleUploadedFile("bom.xlsx", data)},
        )
        self.assertLess(time.perf_counter() - start, 1.0)
        self.assertLess(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, 100 * 1024)
        self.assertContains(response, "Buku kerja ditolak", status_code=400)
        self.assertFalse(ImportJob.objects.exists())
        self.assertEqual(self.uploads(), [])

    def uploads(self) -> list[Path]:
        return list((Path(settings.VAR_DIR) / "unggahan").glob("*"))

    def test_valid_file_is_imported_and_summarised(self):
        response = self.upload([row(1), row(4), row(5, sex="P")])
        job = self.last_job()
        self.assertRedirects(response, reverse("penerima-impor", args=["32.75", job.pk]))
        self.assertEqual(job.status, ImportStatus.SELESAI)
        self.assertEqual(job.rows_done, 3)
        self.assertEqual(job.rows_estimate, 3)
        self.assertEqual(
            job.summary,
            {"baris": 3, "diterima": 3, "ditolak": 0, "peringatan": 0, "baru": 2,
             "diperbarui": 0, "dihapus": 0, "disimpan": True},
        )  # fmt: skip
        self.assertEqual(job.report_path, "")
        self.assertEqual(job.stored_path, "")
        self.assertEqual(self.uploads(), [])  # the uploaded file is gone
        self.assertEqual(RecipientEntry.objects.filter(pemda=self.pemda_a).count(), 5)
        page = self.client.get(reverse("penerima-impor", args=["32.75", job.pk]))
        self.assertContains(page, 'data-k="baru">2<')
        self.assertContains(page, "Daftar tersimpan.")
        self.assertNotContains(page, "hx-trigger")  # finished: no more polling
        self.assertNotContains(page, "unduh-laporan")
        log = AccessLog.objects.get(action=AccessAction.UNGGAH)
        self.assertEqual(log.detail, {"impor": job.pk, "terima_sebagian": False, "ganti": False})

    def test_refused_file_has_a_downloadable_error_report(self):
        self.upload([row(6), row(7, nik="12345"), row(8)])
        job = self.last_job()
        self.assertEqual(job.status, ImportStatus.SELESAI)
        self.assertFalse(job.summary["disimpan"])
        self.assertEqual((job.summary["ditolak"], job.summary["diterima"]), (1, 0))
        self.assertEqual(RecipientEntry.objects.filter(pemda=self.pemda_a).count(), 3)
        page = self.client.get(reverse("penerima-impor", args=["32.75", job.pk]))
        self.assertContains(page, "DITOLAK")
        self.assertContains(page, 'data-testid="unduh-laporan"')
        response = self.client.get(reverse("penerima-impor-laporan", args=["32.75", job.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("laporan-kesalahan", response["Content-Disposition"])
        sheet = (
            CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
            .get_sheet_by_index(0)
            .to_python()
        )
        self.assertEqual(sheet[0][0], "baris")
        self.assertEqual(int(sheet[1][0]), 3)  # the second data row, under the header
        self.assertIn("NIK harus tepat 16 angka", " ".join(str(c) for c in sheet[1]))
        self.assertTrue(AccessLog.objects.filter(action=AccessAction.UNDUH_LAPORAN).exists())
        self.assertEqual(self.uploads(), [])

    def test_accept_partial_keeps_the_valid_rows(self):
        self.upload([row(6), row(7, nik="12345")], terima_sebagian=True)
        job = self.last_job()
        self.assertTrue(job.summary["disimpan"])
        self.assertEqual((job.summary["diterima"], job.summary["ditolak"]), (1, 1))
        self.assertEqual(RecipientEntry.objects.filter(pemda=self.pemda_a).count(), 4)

    def test_replace_the_whole_list(self):
        self.upload([row(1)], ganti=True)
        job = self.last_job()
        self.assertTrue(job.replace)
        self.assertEqual(job.summary["dihapus"], 2)
        self.assertEqual(RecipientEntry.objects.filter(pemda=self.pemda_a).count(), 1)
        page = self.client.get(reverse("penerima-impor", args=["32.75", job.pk]))
        self.assertContains(page, 'data-k="dihapus">2<')

    def test_same_file_twice_changes_nothing(self):
        self.upload(STORED)
        self.assertEqual(self.last_job().summary["baru"], 0)
        self.assertEqual(self.last_job().summary["diperbarui"], 0)

    def test_unreadable_file_fails_with_a_message(self):
        self.client.post(
            reverse("penerima-unggah", args=["32.75"]),
            {"jpd": K06, "tahun": YEAR, "berkas": SimpleUploadedFile("x.csv", b"a;b\n1;2\n")},
        )
        job = self.last_job()
        self.assertEqual(job.status, ImportStatus.GAGAL)
        self.assertIn("Berkas tidak dapat dibaca", job.error)
        page = self.client.get(reverse("penerima-impor", args=["32.75", job.pk]))
        self.assertContains(page, 'data-testid="gagal"')
        self.assertEqual(self.uploads(), [])

    def test_wrong_file_type_is_refused_on_the_form(self):
        response = self.client.post(
            reverse("penerima-unggah", args=["32.75"]),
            {"jpd": K06, "tahun": YEAR, "berkas": SimpleUploadedFile("daftar.pdf", b"%PDF-1.4")},
        )
        self.assertContains(response, "CSV atau XLSX", status_code=400)
        self.assertFalse(ImportJob.objects.exists())

    def test_progress_comes_from_the_worker_file_while_running(self):
        job = ImportJob.objects.create(
            pemda=self.pemda_a, jpd=self.k06, year=YEAR, file_name="x.csv",
            status=ImportStatus.BERJALAN, rows_estimate=80_000,
        )  # fmt: skip
        self.assertEqual(import_progress_read(job), 0)
        _progress_write(job.pk, 20_000)
        self.addCleanup(import_progress_path(job.pk).unlink)
        self.assertEqual(import_progress_read(job), 20_000)
        response = self.client.get(
            reverse("penerima-impor", args=["32.75", job.pk]), headers={"HX-Request": "true"}
        )
        self.assertContains(response, 'hx-trigger="every 1s"')
        self.assertContains(response, 'aria-valuenow="25"')
        self.assertNotContains(response, "<html")  # the partial only

    def test_a_poll_writes_nothing_not_even_the_session(self):
        # On SQLite an import holds the write lock: a poll that wrote (its session's idle expiry)
        # would wait for it and fail, and the progress bar would stop.
        job = ImportJob.objects.create(
            pemda=self.pemda_a, jpd=self.k06, year=YEAR, file_name="x.csv",
            status=ImportStatus.BERJALAN, rows_estimate=80_000,
        )  # fmt: skip
        url = reverse("penerima-impor", args=["32.75", job.pk])
        self.client.get(url)  # the session exists and is current

        def writes(**headers: str) -> list[str]:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(url, headers=headers).status_code, 200)
            return [
                q["sql"] for q in queries.captured_queries
                if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
            ]  # fmt: skip

        self.assertEqual(writes(**{"HX-Request": "true"}), [])
        # the user's own request (the full page) still refreshes the idle expiry
        self.assertTrue(any("django_session" in sql for sql in writes()))


class DatabaseQueueTests(WebTestCase):
    @override_settings(TASKS=DATABASE)
    def test_job_waits_for_the_worker_then_runs(self):
        self.login("operator_kes")
        self.upload([row(20), row(21)])
        job = self.last_job()
        self.assertEqual(job.status, ImportStatus.ANTRI)
        mode = stat.S_IMODE(Path(job.stored_path).stat().st_mode)
        self.assertEqual(mode, 0o600)
        page = self.client.get(reverse("penerima-impor", args=["32.75", job.pk]))
        self.assertContains(page, 'hx-trigger="every 1s"')
        self.assertContains(page, "db_worker")
        # what one turn of `tuntas db_worker` does (its loop closes database connections between
        # turns, which a test's transaction cannot survive on PostgreSQL)
        queued = DBTaskResult.objects.ready().get()
        self.assertEqual(queued.task_path, "tuntas.penerima.tasks.recipients_import_task")
        queued.claim("test")
        Worker(
            queue_names=["default"], interval=0, batch=True, backend_name="default",
            startup_delay=False, max_tasks=1, worker_id="test", excluded_queue_names=[],
        ).run_task(queued)  # fmt: skip
        queued.refresh_from_db()
        self.assertEqual(queued.status, "SUCCESSFUL")
        job.refresh_from_db()
        self.assertEqual(job.status, ImportStatus.SELESAI, job.error)
        self.assertEqual(job.summary["baru"], 2)
        self.assertFalse(Path(str(job.stored_path or "/nonexistent")).exists())

    @override_settings(TASKS=DATABASE)
    def test_a_job_whose_worker_died_shows_stopped_and_can_be_retried(self):
        self.login("operator_kes")
        self.upload([row(40), row(41)])
        job = self.last_job()
        url = reverse("penerima-impor", args=["32.75", job.pk])
        # a worker claimed it an hour ago and was never heard of again
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.BERJALAN, started_at=timezone.now() - timedelta(hours=1)
        )
        page = self.client.get(url)
        self.assertContains(page, "Terhenti")
        self.assertNotContains(page, 'hx-trigger="every 1s"')  # no endless "berjalan"
        self.assertContains(page, 'data-testid="ulangi"')
        response = self.client.post(reverse("penerima-impor-ulangi", args=["32.75", job.pk]))
        self.assertRedirects(response, url, fetch_redirect_response=False)
        job.refresh_from_db()
        self.assertEqual(job.status, ImportStatus.ANTRI)
        self.assertEqual(job.error, "")
        self.assertTrue(Path(job.stored_path).exists())
        self.assertTrue(AuditEvent.objects.filter(action="penerima.impor_terhenti").exists())
        self.assertTrue(AuditEvent.objects.filter(action="penerima.impor_ulang").exists())
        # django-tasks' record of the dead run is settled too; the retry has its own
        first, retry = DBTaskResult.objects.order_by("enqueued_at")
        self.assertEqual(first.status, "FAILED")
        self.assertEqual(first.exception_class_path, "tuntas.penerima.services.ImportWorkerGone")
        self.assertEqual(retry.status, "READY")
        # a second retry of a queued job is refused with a message
        response = self.client.post(
            reverse("penerima-impor-ulangi", args=["32.75", job.pk]), follow=True
        )
        self.assertContains(response, "Hanya impor yang gagal yang dapat diulangi.")

    @override_settings(TASKS=IMMEDIATE)
    def test_a_job_runs_once(self):
        job = import_job_submit(
            pemda=self.pemda_a, jpd=self.k06, year=YEAR, upload=upload_file([row(30)]),
            accept_partial=False, replace=False, actor=self.users["operator_kes"],
            enqueue=recipients_import_task.enqueue,
        )  # fmt: skip
        from tuntas.penerima.services import import_job_run

        import_job_run(job_id=job.pk)  # already finished: nothing happens
        job.refresh_from_db()
        self.assertEqual(job.summary["baru"], 1)


class MaskingTests(WebTestCase):
    NIKS: ClassVar[list[str]] = [r["nik"] for r in STORED]

    def assert_no_full_nik(self, html: str) -> None:
        for value in self.NIKS:
            self.assertNotIn(value, html)

    def test_list_shows_masked_nik_and_names_to_allowed_roles(self):
        self.login("verifikator_kes")
        response = self.client.get(self.list_url)
        html = response.content.decode()
        self.assert_no_full_nik(html)
        for value in self.NIKS:
            self.assertIn(f"{value[:6]}******{value[-4:]}", html)
        self.assertIn("Warga Uji 2", html)
        self.assertIn("pencarian nama tidak tersedia", html)
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_lihat_nik_needs_a_reason(self):
        self.login("operator_kes")
        target = RecipientEntry.objects.get(pemda=self.pemda_a, nik_hash=self.hash_of(2))
        url = reverse("penerima-nik", args=["32.75", YEAR, K06])
        response = self.client.post(url, {"hash_nik": bytes(target.nik_hash).hex(), "alasan": ""})
        self.assertEqual(response.status_code, 400)
        self.assert_no_full_nik(response.content.decode())
        self.assertFalse(AccessLog.objects.filter(action=AccessAction.LIHAT_NIK).exists())
        response = self.client.post(
            url,
            {"hash_nik": bytes(target.nik_hash).hex(), "alasan": "cek data ganda"},
            headers={"HX-Request": "true"},
        )
        self.assertContains(response, self.NIKS[1])
        log = AccessLog.objects.get(action=AccessAction.LIHAT_NIK)
        self.assertEqual(log.reason, "cek data ganda")
        self.assertEqual(log.detail, {"hash_nik": bytes(target.nik_hash).hex()})

    def test_lihat_nik_of_someone_not_on_the_list_is_404(self):
        self.login("operator_kes")
        url = reverse("penerima-nik", args=["32.75", YEAR, K06])
        response = self.client.post(url, {"hash_nik": "0" * 64, "alasan": "cek data ganda"})
        self.assertEqual(response.status_code, 404)

    def hash_of(self, n: int) -> bytes:
        from tuntas.penerima.crypto import nik_hash

        return nik_hash(STORED[n - 1]["nik"])

    def test_search_by_full_nik_keeps_it_out_of_the_url(self):
        self.login("operator_kes")
        response = self.client.post(self.list_url + "?terlayani=ya", {"nik": f"'{self.NIKS[2]}"})
        self.assertEqual(response.status_code, 302)
        self.assertNotIn(self.NIKS[2], response["Location"])
        self.assertIn(f"cari={self.hash_of(3).hex()}", response["Location"])
        self.assertIn("terlayani=ya", response["Location"])
        self.assertFalse(AccessLog.objects.exists())  # nothing shown yet
        response = self.client.get(response["Location"])
        self.assertContains(response, 'data-testid="jumlah">1<')
        self.assertContains(response, "Warga Uji 3")
        self.assertNotContains(response, "Warga Uji 1<")
        self.assertContains(response, 'data-testid="sedang-cari"')
        self.assert_no_full_nik(response.content.decode())
        log = AccessLog.objects.get(action=AccessAction.CARI)
        self.assertEqual(log.detail["cari_nik"], True)
        self.assertEqual(log.detail["jumlah"], 1)

    def test_partial_nik_is_refused(self):
        self.login("operator_kes")
        response = self.client.post(self.list_url, {"nik": self.NIKS[0][:10]})
        self.assertContains(response, "NIK lengkap 16 digit", status_code=400)
        self.assertNotContains(response, "Warga Uji", status_code=400)
        self.assertFalse(AccessLog.objects.exists())

    def test_filters_by_served_and_desa(self):
        self.login("operator_kes")
        response = self.client.get(self.list_url, {"terlayani": "tidak"})
        self.assertContains(response, 'data-testid="jumlah">1<')
        self.assertContains(response, "Warga Uji 2")
        response = self.client.get(
            self.list_url, {"kecamatan": "32.75.01", "desa": "32.75.01.1001"}
        )
        self.assertContains(response, 'data-testid="jumlah">3<')
        self.assertEqual(self.client.get(self.list_url, {"desa": DESA_B}).status_code, 400)

    def test_pages_of_fifty(self):
        path = self.tmp / "banyak.csv"
        path.write_text(csv_text([row(n) for n in range(100, 160)]), encoding="utf-8")
        recipients_import(pemda=self.pemda_a, jpd=self.k06, year=YEAR, path=path)
        self.login("admin_a")
        first = self.client.get(self.list_url)
        self.assertContains(first, 'data-testid="jumlah">63<')
        self.assertEqual(first.content.decode().count('name="hash_nik"'), 50)
        second = self.client.get(self.list_url, {"halaman": 2})
        self.assertEqual(second.content.decode().count('name="hash_nik"'), 13)
        self.assertEqual(
            list(AccessLog.objects.order_by("pk").values_list("detail__halaman", flat=True)),
            [1, 2],
        )


class ExportTests(WebTestCase):
    def setUp(self) -> None:
        self.login("verifikator_tim")
        self.url = reverse("penerima-ekspor", args=["32.75", YEAR, K06])

    def test_export_without_a_reason_is_refused_and_not_logged(self):
        response = self.client.post(self.url, {"alasan": "", "format": "csv"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "alasan-salah", status_code=400)
        self.assertFalse(AccessLog.objects.filter(action=AccessAction.EKSPOR).exists())

    def test_csv_export_masks_nik(self):
        response = self.client.post(
            self.url + "?terlayani=ya", {"alasan": "rapat evaluasi", "format": "csv"}
        )
        self.assertEqual(response.status_code, 200)
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        all_lines = text.strip().splitlines()
        # the title block (list, pemda, year, made at), an empty line, then the table
        self.assertEqual(all_lines[1:3], ["Pemda: Kota Bekasi", f"Periode: Tahun {YEAR}"])
        self.assertTrue(all_lines[3].startswith("Dibuat: ") and all_lines[3].endswith(" WIB"))
        lines = all_lines[all_lines.index("") + 1 :]
        self.assertEqual(lines[0].split(";"), list(COLUMNS))
        self.assertEqual(len(lines), 3)  # header + the two served people
        self.assertNotIn(STORED[0]["nik"], text)
        self.assertIn(f"{STORED[0]['nik'][:6]}******", text)
        self.assertIn("Warga Uji 1", text)
        log = AccessLog.objects.get(action=AccessAction.EKSPOR)
        self.assertEqual(
            log.detail, {"format": "csv", "jumlah": 2, "nik_lengkap": False, "terlayani": True}
        )
        self.assertEqual(log.reason, "rapat evaluasi")

    def test_xlsx_export_with_full_nik_is_logged_as_such(self):
        response = self.client.post(
            self.url, {"alasan": "kirim ke puskesmas", "format": "xlsx", "sertakan_nik": "on"}
        )
        data = b"".join(response.streaming_content)
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        self.assertTrue(str(sheet[0][0]).startswith("Tuntas — Daftar penerima 1.02.K06"))
        sheet = sheet[[r[0] for r in sheet].index("") + 1 :]
        self.assertEqual(sheet[0], list(COLUMNS))
        self.assertEqual(sorted(r[0] for r in sheet[1:]), sorted(r["nik"] for r in STORED))
        log = AccessLog.objects.get(action=AccessAction.EKSPOR)
        self.assertTrue(log.detail["nik_lengkap"])
        self.assertEqual(list((Path(settings.VAR_DIR) / "unggahan").glob("*.xlsx")), [])

    def test_text_that_looks_like_a_formula_stays_text_in_both_formats(self):
        path = self.tmp / "rumus.csv"
        path.write_text(csv_text([row(20, unit_layanan="=cmd|' /C calc'!A0")]), encoding="utf-8")
        assert recipients_import(pemda=self.pemda_a, jpd=self.k06, year=YEAR, path=path).written
        response = self.client.post(self.url, {"alasan": "uji rumus", "format": "csv"})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        self.assertIn(";'=cmd|' /C calc'!A0;", text)  # the core writer's guard
        response = self.client.post(self.url, {"alasan": "uji rumus", "format": "xlsx"})
        book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        cells_read = {c for r in book.get_sheet_by_index(0).to_python() for c in r}
        self.assertIn("=cmd|' /C calc'!A0", cells_read)  # a string cell, not a formula

    def test_export_form_asks_for_a_reason(self):
        response = self.client.get(self.url)
        self.assertContains(response, 'name="alasan"')
        self.assertContains(response, "sertakan_nik")
        self.assertFalse(AccessLog.objects.exists())


class TemplateTests(WebTestCase):
    def test_basic_education_template_has_the_optional_grade_column(self):
        self.login("operator_kes")
        response = self.client.get(reverse("penerima-templat", args=["32.75", "1.02.K05"]))
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        self.assertEqual(book.get_sheet_by_index(0).to_python()[0], [*COLUMNS, "kelas"])
        guide = {r[0]: r[1] for r in book.get_sheet_by_index(1).to_python() if r[0]}
        self.assertEqual(
            guide["Syarat penerima"],
            "kelas 1–9 berapa pun usianya, atau usia 7–15 tahun pada 31 Desember",
        )
        self.assertIn("nomor kelas (1–9) untuk anak yang bersekolah", guide["kelas"])
        self.assertIn("kosongkan untuk anak di luar sekolah", guide["kelas"])

    def test_template_states_the_eligibility_rule(self):
        self.login("operator_kes")
        for code, rule in (
            ("1.02.K04", "usia 12–59 bulan pada 31 Desember"),
            ("1.02.K01", "perempuan"),
            ("1.02.K03", "usia 0–28 hari pada suatu hari dalam tahun"),
            ("1.02.K11", "tanpa syarat usia atau jenis kelamin"),
        ):
            with self.subTest(code):
                response = self.client.get(reverse("penerima-templat", args=["32.75", code]))
                book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
                guide = {r[0]: r[1] for r in book.get_sheet_by_index(1).to_python() if r[0]}
                self.assertEqual(guide["Syarat penerima"], rule)
                self.assertNotIn("kelas", book.get_sheet_by_index(0).to_python()[0])

    def test_template_columns_and_text_nik(self):
        self.login("operator_kes")
        response = self.client.get(reverse("penerima-templat", args=["32.75", K06]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("templat-penerima-1.02.K06.xlsx", response["Content-Disposition"])
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        self.assertEqual(book.sheet_names, ["Daftar", "Petunjuk"])
        self.assertEqual(book.get_sheet_by_index(0).to_python()[0], list(COLUMNS))
        help_text = " ".join(str(c) for r in book.get_sheet_by_index(1).to_python() for c in r)
        self.assertIn("1.02.K06", help_text)
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            sheet = archive.read("xl/worksheets/sheet1.xml").decode()
            styles = archive.read("xl/styles.xml").decode()
        nik_col = re.search(r'<col min="1" max="\d+"[^>]*style="(\d+)"', sheet)
        assert nik_col is not None
        xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S)
        assert xfs is not None
        xf = re.findall(r"<xf [^>]*>", xfs.group(1))[int(nik_col.group(1))]
        self.assertIn('numFmtId="49"', xf)  # 49 = the built-in Text format "@"


@override_settings(TASKS=IMMEDIATE)
class OverviewTests(WebTestCase):
    def test_counts_and_last_import_per_jpd(self):
        self.login("operator_kes")
        self.upload([row(40)])
        response = self.client.get(reverse("penerima", args=["32.75"]), {"tahun": YEAR})
        html = response.content.decode()
        k06 = re.search(r'<tr data-jpd="1\.02\.K06">(.*?)</tr>', html, re.S)
        assert k06 is not None
        cells = re.findall(r'<td class="num">([^<]*)</td>', k06.group(1))
        self.assertEqual(cells, ["4", "3"])  # sasaran (on the list), terlayani
        self.assertIn("Selesai", k06.group(1))
        self.assertIn(self.list_url, k06.group(1))
        self.assertEqual(response.content.decode().count('<tr data-jpd="1.02.'), 12)
        self.assertFalse(AccessLog.objects.exclude(action=AccessAction.UNGGAH).exists())

    def test_pimpinan_sees_counts_but_no_by_name_links(self):
        self.login("pimpinan_a")
        response = self.client.get(reverse("penerima", args=["32.75"]), {"tahun": YEAR})
        self.assertContains(response, '<td class="num">3</td>')
        self.assertNotContains(response, self.list_url)
        self.assertNotContains(response, 'data-testid="unggah"')

    def test_operator_links_only_their_opd_jpd(self):
        self.login("operator_dik")
        response = self.client.get(reverse("penerima", args=["32.75"]), {"tahun": YEAR})
        self.assertNotContains(response, self.list_url)
        self.assertContains(response, reverse("penerima-daftar", args=["32.75", YEAR, "1.01.K01"]))
