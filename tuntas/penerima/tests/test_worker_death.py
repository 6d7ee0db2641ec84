"""A by-name job survives its worker (issue 11, point 2): a real `tuntas db_worker` is killed
with SIGKILL in the middle of an import; nothing of the file is stored, the job is marked failed
at once by `tuntas bersihkan-unggahan` (run before a worker starts): the lock the import held
is free once its process is gone; django-tasks' record of the run is marked failed too, and
"Ulangi" runs the job again with the same file, which is then deleted."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from datetime import date, timedelta

from tuntas.penerima.tests.helpers import YEAR, csv_text, row
from tuntas.penerima.tests.test_import import tuntas_command

ROWS = 120_000  # six chunks: the worker is killed after the first


def test_a_killed_worker_leaves_a_failed_job_that_can_be_retried(tmp_path):
    database = tmp_path / "db.sqlite3"
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUNTAS_")}
    env.update(TUNTAS_DATABASE_URL=f"sqlite:///{database}", TUNTAS_VAR_DIR=str(var),
               TUNTAS_SECRET_KEY="uji-pekerja")  # fmt: skip

    def tuntas(*args: str) -> str:
        done = subprocess.run([*tuntas_command(), *args], env=env, capture_output=True,
                              text=True, check=False, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    tuntas("init", "--tanpa-wilayah", "--tanpa-statis")
    tuntas("shell", "-c", "from tuntas.testing import ensure_test_regions; ensure_test_regions()")
    tuntas("pemda-baru", "32.75")
    people = tmp_path / "besar.csv"
    # unique valid NIKs: 9,000 sequence numbers per birth date
    rows = [
        row(i % 9000 + 1, born=date(1985, 1, 1) + timedelta(days=i // 9000)) for i in range(ROWS)
    ]
    people.write_text(csv_text(rows), encoding="utf-8")
    submit = (
        "from django.contrib.auth.models import User\n"
        "from django.core.files import File\n"
        "from tuntas.katalog.models import Jpd\n"
        "from tuntas.organisasi.models import Pemda\n"
        "from tuntas.penerima.services import import_job_submit\n"
        "from tuntas.penerima.tasks import recipients_import_task\n"
        f"with open({str(people)!r}, 'rb') as f:\n"
        "    job = import_job_submit(pemda=Pemda.objects.get(code='32.75'),"
        " jpd=Jpd.objects.get(code='1.02.K06'),"
        f" year={YEAR}, upload=File(f, name='besar.csv'), accept_partial=False, replace=False,"
        " actor=User.objects.create(username='pengunggah'),"
        " enqueue=recipients_import_task.enqueue)\n"
        "print(job.pk)\n"
    )
    job_id = int(tuntas("shell", "-c", submit).split()[-1])
    uploads = var / "unggahan"
    stored = next(p for p in uploads.iterdir() if p.suffix == ".csv")
    progress = uploads / f"impor-{job_id}.progress"

    def status() -> tuple[str, str]:
        with sqlite3.connect(database, timeout=30) as db:
            found = db.execute(
                "SELECT status, error FROM penerima_importjob WHERE id = ?", (job_id,)
            ).fetchone()
        return found[0], found[1]

    def entries() -> int:
        with sqlite3.connect(database, timeout=30) as db:
            return int(db.execute("SELECT count(*) FROM penerima_recipiententry").fetchone()[0])

    worker = subprocess.Popen([*tuntas_command(), "db_worker"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not progress.exists():
            assert time.monotonic() < deadline, "the worker never started the import"
            assert worker.poll() is None, "the worker stopped by itself"
            time.sleep(0.05)
        os.kill(worker.pid, signal.SIGKILL)  # mid-import: the first chunk is done
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert status()[0] == "berjalan"
    assert entries() == 0  # the import's transaction died with its worker
    assert stored.exists()
    lock = uploads / f"impor-{job_id}.kunci"
    assert lock.exists()  # left behind, but no process holds its lock any more

    # what deploy/tuntas-worker.service runs before a worker starts again: the dead job is found
    # at once (no waiting TUNTAS_IMPOR_BASI_MENIT: the lock is free), not left "berjalan"
    assert json.loads(tuntas("bersihkan-unggahan", "--json"))["impor_terhenti"] == 1
    state, error = status()
    assert state == "gagal" and "berhenti di tengah impor" in error
    assert not progress.exists() and not lock.exists()
    assert stored.exists()  # kept for the retry
    with sqlite3.connect(database) as db:  # django-tasks' record of the run says so too
        task = db.execute(
            "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult"
        ).fetchall()
    assert task == [("FAILED", "tuntas.penerima.services.ImportWorkerGone")]

    tuntas("shell", "-c",
           "from tuntas.penerima.models import ImportJob\n"
           "from tuntas.penerima.services import import_job_retry\n"
           "from tuntas.penerima.tasks import recipients_import_task\n"
           f"import_job_retry(job=ImportJob.objects.get(pk={job_id}), actor=None,"
           " enqueue=recipients_import_task.enqueue)")  # fmt: skip
    assert status()[0] == "antri"
    worker = subprocess.Popen([*tuntas_command(), "db_worker"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while status()[0] != "selesai":
            assert status()[0] != "gagal", status()[1]
            assert time.monotonic() < deadline, "the retried import did not finish"
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert entries() == ROWS
    assert not stored.exists() and not progress.exists()
    assert [p.name for p in uploads.iterdir()] == []
    with sqlite3.connect(database) as db:
        statuses = db.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at"
        ).fetchall()
    assert statuses == [("FAILED",), ("SUCCESSFUL",)]
