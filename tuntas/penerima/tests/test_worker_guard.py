"""The by-name worker refuses a zip bomb at once too (issue 11, point 1): a file already queued
(uploaded before the limits were lowered, or retried) must not hold a worker for minutes. The
bomb is a workbook the XLSX stream would open and stream: 2 GiB of whitespace that, before the
guard and the stream's fix, kept a worker busy for more than five minutes."""

from __future__ import annotations

import resource
import time

from tuntas.core.tests.zip_bomb import write_bomb
from tuntas.penerima.models import ImportJob, ImportStatus, RecipientEntry
from tuntas.penerima.services import import_job_run, upload_dir
from tuntas.penerima.tests.helpers import YEAR, PenerimaTestCase


class WorkerGuardTests(PenerimaTestCase):
    def test_a_queued_zip_bomb_fails_its_job_at_once_with_memory_flat(self):
        path = write_bomb(upload_dir() / "bom.xlsx")
        job = ImportJob.objects.create(
            pemda=self.pemda_a, jpd=self.k06, year=YEAR, uploaded_by=self.users["operator_kes"],
            file_name="bom.xlsx", stored_path=str(path),
        )  # fmt: skip
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        import_job_run(job_id=job.pk)
        self.assertLess(time.perf_counter() - start, 1.0)
        self.assertLess(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, 100 * 1024)
        job.refresh_from_db()
        self.assertEqual(job.status, ImportStatus.GAGAL)
        self.assertIn("Buku kerja ditolak: bagian xl/worksheets/sheet1.xml", job.error)
        self.assertFalse(path.exists())  # the upload is not kept
        self.assertFalse(RecipientEntry.objects.exists())
