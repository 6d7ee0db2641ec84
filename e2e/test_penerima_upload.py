"""An operator uploads a small recipient list with one bad row, sees the job wait in the queue,
watches the job page (htmx polls it every second) turn into the summary once the worker has run,
and downloads the error report.

The import goes through the real queue (the database task backend). The worker's turn is run in
the test's own thread once the page shows the queued job: a separate `tuntas db_worker` process
cannot see the test database (in-memory SQLite, or a database that only exists inside this run),
and a worker thread with its own connection to the in-memory SQLite database fails with "database
table is locked" (shared-cache SQLite locks whole tables and does not wait); the immediate backend
would skip the queued state the page must handle."""

from __future__ import annotations

import io
import re

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from python_calamine import CalamineWorkbook

from tuntas.penerima.models import ImportJob, RecipientEntry
from tuntas.penerima.tests.helpers import YEAR, csv_text, row
from tuntas.testing import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def worker_turn() -> None:
    """What one turn of `tuntas db_worker` does with the queued import."""
    queued = DBTaskResult.objects.ready().get()
    queued.claim("e2e")
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=1, worker_id="e2e", excluded_queue_names=[],
    ).run_task(queued)  # fmt: skip


def test_operator_uploads_a_list_and_downloads_the_error_report(
    live_server, page, shot, registry, tmp_path
):
    upload = tmp_path / "penerima-bekasi.csv"
    upload.write_text(
        csv_text([row(1), row(2, sex="P"), row(3, nik="32750115059"), row(4)]), encoding="utf-8"
    )
    page.goto(f"{live_server.url}/")
    page.get_by_label("Nama pengguna").fill("operator.dinkes")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r"/pemda/32\.75/"))
    page.get_by_test_id("daftar-penerima").click()
    page.wait_for_url(re.compile(r"/penerima/$"))
    page.get_by_test_id("unggah").click()
    page.get_by_label("Jenis pelayanan dasar").select_option("1.02.K06")
    page.get_by_label("Tahun", exact=True).select_option(str(YEAR))
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_label(re.compile("Terima sebagian")).check()
    shot("penerima-01-unggah")
    page.get_by_role("button", name="Unggah dan impor").click()
    page.wait_for_url(re.compile(r"/penerima/impor/\d+/$"))
    page.wait_for_selector("[data-testid=status-impor][data-status=antri]")
    assert "Menunggu antrean" in page.get_by_test_id("status-impor").inner_text()
    shot("penerima-02-antrean")
    worker_turn()
    # the page polls (htmx, every second) and shows the summary without a reload
    page.wait_for_selector("[data-testid=status-impor][data-status=selesai]", timeout=30000)
    summary = page.get_by_test_id("ringkasan-impor")
    assert summary.locator("[data-k=baris]").inner_text() == "4"
    assert summary.locator("[data-k=diterima]").inner_text() == "3"
    assert summary.locator("[data-k=ditolak]").inner_text() == "1"
    assert summary.locator("[data-k=baru]").inner_text() == "3"
    assert page.get_by_test_id("kemajuan").get_attribute("aria-valuenow") == "100"
    shot("penerima-03-ringkasan")
    with page.expect_download() as download_info:
        page.get_by_test_id("unduh-laporan").click()
    report = download_info.value
    assert report.suggested_filename.startswith("laporan-kesalahan-32.75-1.02.K06")
    with open(report.path(), "rb") as handle:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))
    rows = sheet.get_sheet_by_index(0).to_python()
    assert rows[0][0] == "baris"
    assert len(rows) == 2 and "NIK harus tepat 16 angka" in " ".join(map(str, rows[1]))
    job = ImportJob.objects.get()
    assert job.stored_path == "" and not list((tmp_path / "var" / "unggahan").glob("*.csv"))
    assert RecipientEntry.objects.filter(pemda=registry, year=YEAR).count() == 3
