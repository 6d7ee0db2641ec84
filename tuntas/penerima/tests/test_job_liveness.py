"""How a by-name job's liveness is told (issue 11, point 2): the running import's lock (free
once its process is gone), django-tasks' record of the task, the heartbeat's age; and the
retention of uploads and error reports (`tuntas bersihkan-unggahan`). The end-to-end case with a
real worker killed by SIGKILL is test_worker_death.py."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tuntas.penerima import services
from tuntas.penerima.models import ImportJob, ImportStatus
from tuntas.penerima.services import (
    IMPORT_TASK_PATH,
    _Heartbeat,
    import_job_is_stale,
    import_jobs_fail_stale,
    import_lock_path,
    uploads_clean,
)
from tuntas.penerima.tasks import recipients_import_task
from tuntas.penerima.tests.helpers import row
from tuntas.penerima.tests.test_web import DATABASE, IMMEDIATE, WebTestCase

HOUR_AGO = timedelta(hours=1)


@override_settings(TASKS=DATABASE)
class LivenessTests(WebTestCase):
    def queued_job(self) -> ImportJob:
        self.login("operator_kes")
        self.upload([row(40), row(41)])
        return self.last_job()

    def task(self) -> DBTaskResult:
        return DBTaskResult.objects.get()

    def running(self, job: ImportJob, *, started: timedelta = HOUR_AGO) -> ImportJob:
        task = self.task()
        task.claim("pekerja-uji")
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.BERJALAN, started_at=timezone.now() - started
        )
        job.refresh_from_db()
        return job

    def test_the_task_path_is_the_tasks(self):
        self.assertEqual(recipients_import_task.module_path, IMPORT_TASK_PATH)

    def test_a_held_lock_keeps_a_long_job_alive_and_a_freed_lock_stops_it_at_once(self):
        job = self.running(self.queued_job())
        beat = _Heartbeat(job.pk).__enter__()
        try:
            # started an hour ago, no progress file: only the held lock says it is alive
            self.assertFalse(import_job_is_stale(job))
            self.assertEqual(import_jobs_fail_stale(), [])
        finally:
            # what the kernel does when the worker dies: the lock goes, the file stays
            beat.stop.set()
            beat.thread.join()
            os.close(beat.fd)
        self.assertTrue(import_lock_path(job.pk).exists())
        # the lock file is fresh, yet nobody holds it: stale without waiting STALE_AFTER
        self.assertTrue(import_job_is_stale(job, now=job.started_at + HOUR_AGO))
        self.assertEqual(import_jobs_fail_stale(), [job.pk])
        job.refresh_from_db()
        self.assertEqual(job.status, ImportStatus.GAGAL)
        self.assertFalse(import_lock_path(job.pk).exists())
        self.assertTrue(Path(job.stored_path).exists())  # kept for the retry
        task = self.task()
        self.assertEqual(task.status, "FAILED")
        self.assertIn("berhenti di tengah impor", task.traceback)

    def test_the_heartbeat_touches_the_lock_file_and_ends_without_a_trace(self):
        job = self.running(self.queued_job())
        with (
            mock.patch.object(services, "HEARTBEAT", timedelta(seconds=0.02)),
            _Heartbeat(job.pk) as beat,
        ):
            old = time.time() - 3600
            os.utime(beat.path, (old, old))
            deadline = time.monotonic() + 5
            while beat.path.stat().st_mtime < time.time() - 60:
                self.assertLess(time.monotonic(), deadline, "no heartbeat")
                time.sleep(0.01)
        self.assertFalse(import_lock_path(job.pk).exists())
        self.assertEqual([p.name for p in import_lock_path(job.pk).parent.glob("impor-*")], [])

    def test_a_heartbeat_older_than_stale_after_is_stale(self):
        job = self.running(self.queued_job(), started=timedelta(minutes=1))
        self.assertFalse(import_job_is_stale(job))
        later = timezone.now() + services.STALE_AFTER
        self.assertTrue(import_job_is_stale(job, now=later))

    def test_a_task_that_ended_without_finishing_its_job_is_stale_at_once(self):
        job = self.running(self.queued_job(), started=timedelta(seconds=1))
        self.assertFalse(import_job_is_stale(job))
        # e.g. the worker lost the database while settling the job: django-tasks recorded it
        self.task().set_failed(RuntimeError("koneksi basis data terputus"))
        self.assertTrue(import_job_is_stale(job))
        self.assertEqual(import_jobs_fail_stale(), [job.pk])
        self.assertEqual(self.task().exception_class_path, "builtins.RuntimeError")

    def test_a_queued_job_whose_worker_died_before_starting_it(self):
        job = self.queued_job()
        self.assertFalse(import_job_is_stale(job))  # waiting for a worker is not stale
        task = self.task()
        task.claim("pekerja-uji")
        self.assertFalse(import_job_is_stale(job))
        DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - HOUR_AGO)
        self.assertTrue(import_job_is_stale(job))
        import_jobs_fail_stale()
        job.refresh_from_db()
        self.assertEqual(job.status, ImportStatus.GAGAL)
        page = self.client.get(reverse("penerima-impor", args=["32.75", job.pk]))
        self.assertContains(page, 'data-testid="ulangi"')
        self.assertContains(page, "masih tersimpan")


class RetentionTests(WebTestCase):
    @override_settings(TASKS=IMMEDIATE)
    def test_uploads_and_error_reports_go_after_the_retention_period(self):
        self.login("operator_kes")
        self.upload([row(50), row(51, nik="123")])  # refused: an error report is written
        done = self.last_job()
        self.assertTrue(Path(done.report_path).is_file())
        with override_settings(TASKS=DATABASE):
            self.upload([row(52)])
        waiting = self.last_job()
        ImportJob.objects.filter(pk=waiting.pk).update(
            status=ImportStatus.GAGAL, error="uji", finished_at=timezone.now()
        )
        failed_upload = Path(waiting.stored_path)
        self.assertTrue(failed_upload.is_file())

        # within the period nothing goes
        self.assertEqual(
            uploads_clean(), {"impor_terhenti": 0, "berkas_dihapus": 0, "laporan_dihapus": 0}
        )
        self.assertTrue(failed_upload.is_file())

        with override_settings(TASKS=DATABASE):
            self.upload([row(53)])
        queued = self.last_job()
        later = timezone.now() + services.UPLOAD_RETENTION + timedelta(hours=1)
        counts = uploads_clean(now=later)
        self.assertEqual(counts["berkas_dihapus"], 1)  # not the queued job's
        self.assertEqual(counts["laporan_dihapus"], 1)
        self.assertFalse(failed_upload.exists())
        self.assertFalse(Path(done.report_path).exists())
        self.assertTrue(Path(queued.stored_path).is_file())
        waiting.refresh_from_db()
        done.refresh_from_db()
        self.assertEqual((waiting.stored_path, done.report_path), ("", ""))
        # the pages follow: no retry without the file, no report link
        page = self.client.get(reverse("penerima-impor", args=["32.75", waiting.pk]))
        self.assertNotContains(page, 'data-testid="ulangi"')
        self.assertNotContains(page, "masih tersimpan")  # no retry promised without the file
        page = self.client.get(reverse("penerima-impor", args=["32.75", done.pk]))
        self.assertNotContains(page, 'data-testid="unduh-laporan"')


@override_settings(TASKS=DATABASE)
class SettledMeanwhileTests(WebTestCase):
    def test_a_job_settled_after_it_was_read_is_not_stale(self):
        self.login("operator_kes")
        self.upload([row(60)])
        job = self.last_job()
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.BERJALAN, started_at=timezone.now() - HOUR_AGO
        )
        job.refresh_from_db()
        self.assertTrue(import_job_is_stale(job))
        # the worker finished between the page's read of the row and the check of the signs
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.SELESAI)
        self.assertFalse(import_job_is_stale(job))
