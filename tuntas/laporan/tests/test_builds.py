"""Background builds of report files (issue 14, point 7): requested, de-duplicated, run by the
database queue's worker or by an RQ worker through a real Redis, progress and step on the status
page and in JSON, the file downloadable with its bytes, failures recorded (never "berjalan" for
ever), scope (outsiders 404).

The builders here are the tests' own (registered in this module only): a small real XLSX, one
that refuses with a message and one that crashes."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar
from unittest import mock

import xlsxwriter
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from python_calamine import CalamineWorkbook

from tuntas.core.errors import DomainError
from tuntas.core.models import AuditEvent
from tuntas.laporan import builders, services
from tuntas.laporan.models import BuildStatus, ReportBuild
from tuntas.laporan.tasks import report_build_task
from tuntas.organisasi.models import Pemda
from tuntas.testing import PersonaTestCase

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, emptied by the test
RQ = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# what the test builder saw of its own row while it ran: (progress, step, status)
SEEN: list[tuple[int, str, str]] = []
CALLS: list[tuple[str | None, int, int]] = []


def use_builder(case: Any, kind: str, fmt: str, func: Any) -> None:
    """Use ``func`` as the builder of (kind, fmt) for one test, then put the shipped one back
    (later tests in the same process, the browser tests among them, need it)."""
    previous = builders.builder_get(kind, fmt)
    builders.register(kind, fmt)(func)
    if previous is None:
        case.addCleanup(builders.unregister, kind, fmt)
    else:
        case.addCleanup(lambda: builders.register(kind, fmt)(previous))


def small_xlsx(pemda: Pemda | None, year: int, quarter: int, progress: builders.Progress) -> Any:
    """A real one-sheet workbook with the period in it."""
    CALLS.append((pemda.code if pemda else None, year, quarter))
    progress(40, "Menulis lembar capaian")
    row = ReportBuild.objects.filter(status=BuildStatus.BERJALAN).get()
    SEEN.append((row.progress, row.step, row.status))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Capaian")
    sheet.write_row(0, 0, ["Pemda", "Tahun", "Triwulan", "Nilai"])
    sheet.write_row(1, 0, [pemda.code if pemda else "nasional", year, quarter, 87.5])
    book.close()
    progress(90, "Menyimpan berkas")
    code = pemda.code if pemda else "nasional"
    return buffer.getvalue(), f"capaian {code} {year}-{quarter}.xlsx", XLSX_MIME


def refusing(pemda: Pemda | None, year: int, quarter: int, progress: builders.Progress) -> Any:
    progress(10, "Memeriksa data")
    raise DomainError("Laporan triwulan ini belum disetujui.")


def crashing(pemda: Pemda | None, year: int, quarter: int, progress: builders.Progress) -> Any:
    progress(10, "Memeriksa data")
    raise RuntimeError("bug")


class BuildTestCase(PersonaTestCase):
    REGISTERED: ClassVar[list[tuple[str, str, builders.Builder]]] = [
        ("pemda", "xlsx", small_xlsx),
        ("nasional", "xlsx", small_xlsx),
        ("espm", "xlsx", refusing),
        ("espm", "docx", crashing),
    ]

    def setUp(self) -> None:
        super().setUp()
        SEEN.clear()
        CALLS.clear()
        for kind, fmt, func in self.REGISTERED:
            use_builder(self, kind, fmt, func)

    def ask(self, persona: str = "admin_a", kode: str = "32.75", **form: Any) -> Any:
        self.login(persona)
        data = {"jenis": "pemda", "format": "xlsx", "tahun": 2025, "tw": 2, **form}
        url = reverse("laporan-bangun", args=[kode]) if kode else reverse("laporan-bangun-nasional")
        return self.client.post(url, data)

    def last(self) -> ReportBuild:
        return ReportBuild.objects.order_by("-pk").first()  # type: ignore[return-value]

    def run_db_worker_once(self) -> DBTaskResult:
        """What one turn of `tuntas db_worker` does (its loop closes database connections
        between turns, which a test's transaction cannot survive on PostgreSQL)."""
        queued = DBTaskResult.objects.ready().get()
        self.assertEqual(queued.task_path, "tuntas.laporan.tasks.report_build_task")
        queued.claim("uji")
        Worker(
            queue_names=["default"], interval=0, batch=True, backend_name="default",
            startup_delay=False, max_tasks=1, worker_id="uji", excluded_queue_names=[],
        ).run_task(queued)  # fmt: skip
        queued.refresh_from_db()
        return queued

    def status_json(self, build: ReportBuild) -> dict[str, Any]:
        response = self.client.get(
            reverse("laporan-bangun-status", args=[build.pk]) + "?format=json"
        )
        self.assertEqual(response.status_code, 200)
        return response.json()


@override_settings(TASKS=DATABASE)
class DatabaseQueueTests(BuildTestCase):
    def test_request_waits_then_the_worker_builds_and_the_file_downloads(self):
        response = self.ask()
        build = self.last()
        self.assertRedirects(
            response,
            reverse("laporan-bangun-status", args=[build.pk]),
            fetch_redirect_response=False,
        )
        self.assertEqual(build.status, BuildStatus.ANTRE)
        self.assertEqual((build.pemda_id, build.year, build.quarter), ("32.75", 2025, 2))
        self.assertTrue(build.task_id)
        page = self.client.get(reverse("laporan-bangun-status", args=[build.pk]))
        self.assertContains(page, 'hx-trigger="every 1s"')
        self.assertContains(page, 'data-status="antre"')
        self.assertEqual(self.status_json(build)["kemajuan"], 0)
        self.assertEqual(
            self.client.get(reverse("laporan-bangun-unduh", args=[build.pk])).status_code, 404
        )

        task = self.run_db_worker_once()
        self.assertEqual(task.status, "SUCCESSFUL")
        # the progress callback saved progress and step while the builder ran
        self.assertEqual(SEEN, [(40, "Menulis lembar capaian", "berjalan")])
        build.refresh_from_db()
        self.assertEqual(build.status, BuildStatus.SELESAI, build.error)
        self.assertEqual((build.progress, build.file_name), (100, "capaian-32.75-2025-2.xlsx"))

        state = self.status_json(build)
        self.assertEqual(state["status"], "selesai")
        self.assertEqual(state["kemajuan"], 100)
        self.assertEqual(state["unduh"], reverse("laporan-bangun-unduh", args=[build.pk]))
        page = self.client.get(
            reverse("laporan-bangun-status", args=[build.pk]), HTTP_HX_REQUEST="true"
        )
        self.assertNotContains(page, 'hx-trigger="every 1s"')  # polling stops
        self.assertContains(page, 'data-testid="unduh"')

        download = self.client.get(state["unduh"])
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download["Content-Type"], XLSX_MIME)
        self.assertIn('filename="capaian-32.75-2025-2.xlsx"', download["Content-Disposition"])
        body = download.content
        self.assertEqual(hashlib.sha256(body).hexdigest(), build.sha256)
        self.assertEqual(state["sha256"], build.sha256)
        self.assertEqual(state["ukuran"], len(body))
        rows = CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_name("Capaian")
        self.assertEqual(rows.to_python()[1], ["32.75", 2025.0, 2.0, 87.5])

    def test_progress_and_step_show_while_running(self):
        self.ask()
        build = self.last()
        ReportBuild.objects.filter(pk=build.pk).update(
            status=BuildStatus.BERJALAN,
            progress=35,
            step="Menggambar grafik",
            updated_at=timezone.now(),
        )
        page = self.client.get(reverse("laporan-bangun-status", args=[build.pk]))
        self.assertContains(page, 'aria-valuenow="35"')
        self.assertContains(page, "width:35%")
        self.assertContains(page, "Menggambar grafik")
        self.assertContains(page, 'hx-trigger="every 1s"')
        state = self.status_json(build)
        self.assertEqual(
            (state["status"], state["kemajuan"], state["langkah"]),
            ("berjalan", 35, "Menggambar grafik"),
        )
        self.assertEqual(state["unduh"], "")

    def test_the_same_build_asked_twice_is_one_build(self):
        self.ask("admin_a")
        self.ask("pimpinan_a")
        self.assertEqual(ReportBuild.objects.count(), 1)
        self.assertEqual(DBTaskResult.objects.count(), 1)
        events = AuditEvent.objects.filter(action="laporan.bangun")
        self.assertEqual(events.count(), 1)
        event = events.get()
        self.assertEqual((event.pemda, event.actor.username), ("32.75", "admin_a"))
        self.assertEqual(
            event.data, {"jenis": "pemda", "tahun": 2025, "triwulan": 2, "format": "xlsx"}
        )
        # another period or format is another build
        self.ask(tw=3)
        self.ask(tw=0)
        self.assertEqual(ReportBuild.objects.count(), 3)
        # once it finished, asking again builds afresh (the data may have changed)
        ReportBuild.objects.filter(quarter=2).update(status=BuildStatus.SELESAI)
        self.ask()
        self.assertEqual(ReportBuild.objects.filter(quarter=2).count(), 2)

    def test_a_task_run_twice_builds_once(self):
        self.ask()
        build = self.last()
        report_build_task.call(build.pk)
        report_build_task.call(build.pk)
        self.assertEqual(len(CALLS), 1)
        build.refresh_from_db()
        self.assertEqual(build.status, BuildStatus.SELESAI)

    def test_a_refusal_and_a_crash_fail_with_a_message_and_can_be_asked_again(self):
        self.ask(jenis="espm", format="xlsx")
        refused = self.last()
        self.run_db_worker_once()
        refused.refresh_from_db()
        self.assertEqual(refused.status, BuildStatus.GAGAL)
        self.assertEqual(refused.error, "Laporan triwulan ini belum disetujui.")
        self.assertIsNotNone(refused.finished_at)
        self.assertEqual(refused.content, None)

        self.ask(jenis="espm", format="docx")
        crashed = self.last()
        with self.assertLogs("tuntas.laporan.services", "ERROR"):
            task = self.run_db_worker_once()
        self.assertEqual(task.status, "SUCCESSFUL")  # the task itself settled the build
        crashed.refresh_from_db()
        self.assertEqual(crashed.status, BuildStatus.GAGAL)
        self.assertEqual(crashed.error, services.SYSTEM_MESSAGE)
        self.assertNotIn("bug", crashed.error)

        page = self.client.get(reverse("laporan-bangun-status", args=[crashed.pk]))
        self.assertContains(page, 'data-testid="gagal"')
        self.assertContains(page, 'data-testid="ulangi"')
        self.assertNotContains(page, 'hx-trigger="every 1s"')
        # "Bangun ulang" posts the same request: a new build
        self.ask(jenis="espm", format="docx")
        self.assertNotEqual(self.last().pk, crashed.pk)
        self.assertEqual(self.last().status, BuildStatus.ANTRE)

    def test_a_builder_that_dies_with_the_worker_leaves_no_running_build(self):
        def stopped(*args: Any) -> Any:
            raise KeyboardInterrupt  # the worker told to stop in the middle

        use_builder(self, "pemda", "docx", stopped)
        self.ask(format="docx")
        build = self.last()
        with self.assertRaises(KeyboardInterrupt):
            services.report_build_run(build_id=build.pk)
        build.refresh_from_db()
        self.assertEqual(build.status, BuildStatus.GAGAL)

    def test_a_file_over_the_limit_is_refused(self):
        self.ask()
        build = self.last()
        with mock.patch.object(services, "BUILD_MAX_BYTES", 100):
            services.report_build_run(build_id=build.pk)
        build.refresh_from_db()
        self.assertEqual(build.status, BuildStatus.GAGAL)
        self.assertIn("terlalu besar", build.error)
        self.assertIsNone(build.content)

    def test_a_build_whose_worker_died_is_failed_and_can_be_asked_again(self):
        self.ask()
        build = self.last()
        hour_ago = timezone.now() - timedelta(hours=1)
        # a worker claimed it and was not heard of for an hour (no heartbeat, no progress)
        ReportBuild.objects.filter(pk=build.pk).update(
            status=BuildStatus.BERJALAN,
            progress=30,
            step="Menggambar",
            updated_at=hour_ago,
            started_at=hour_ago,
        )
        page = self.client.get(reverse("laporan-bangun-status", args=[build.pk]))
        self.assertContains(page, "Terhenti")
        self.assertNotContains(page, 'hx-trigger="every 1s"')
        self.assertEqual(self.status_json(build)["status"], "gagal")
        # a fresh one is not stale
        ReportBuild.objects.filter(pk=build.pk).update(updated_at=timezone.now())
        self.assertEqual(services.report_builds_fail_stale(), [])
        ReportBuild.objects.filter(pk=build.pk).update(updated_at=hour_ago)
        # asking again settles the dead build first, then builds anew
        self.ask()
        build.refresh_from_db()
        self.assertEqual(build.status, BuildStatus.GAGAL)
        self.assertEqual(build.error, services.STALE_MESSAGE)
        self.assertNotEqual(self.last().pk, build.pk)
        self.assertEqual(self.last().status, BuildStatus.ANTRE)
        self.assertTrue(AuditEvent.objects.filter(action="laporan.bangun_terhenti").exists())
        # a late worker finds it failed and builds nothing
        services.report_build_run(build_id=build.pk)
        self.assertEqual(CALLS, [])

    def test_a_queued_build_whose_task_ended_or_never_existed_is_failed(self):
        self.ask()
        ended = self.last()
        self.ask(tw=3)
        unqueued = self.last()
        DBTaskResult.objects.filter(pk=ended.task_id).update(status=TaskResultStatus.FAILED)
        ReportBuild.objects.filter(pk=unqueued.pk).update(
            task_id="", created_at=timezone.now() - timedelta(minutes=5)
        )
        self.assertEqual(sorted(services.report_builds_fail_stale()), [ended.pk, unqueued.pk])
        self.ask(tw=4)
        waiting = self.last()
        self.assertEqual(services.report_builds_fail_stale(), [])
        for build in (ended, unqueued):
            build.refresh_from_db()
            self.assertEqual(
                (build.status, build.error), (BuildStatus.GAGAL, services.STALE_MESSAGE)
            )
        waiting.refresh_from_db()
        self.assertEqual(waiting.status, BuildStatus.ANTRE)  # its task is still waiting

    def test_a_queue_that_refuses_fails_the_build(self):
        self.login("admin_a")

        def refuse(build_id: int) -> None:
            raise ConnectionError("redis down")

        with self.assertLogs("tuntas.laporan.services", "ERROR"):
            build = services.report_build_request(
                kind="pemda", pemda=self.pemda_a, year=2025, quarter=1, fmt="xlsx",
                actor=self.users["admin_a"], enqueue=refuse,
            )  # fmt: skip
        self.assertEqual(build.status, BuildStatus.GAGAL)
        self.assertEqual(build.error, services.QUEUE_MESSAGE)

    def test_bad_requests_name_the_field(self):
        response = self.ask(format="pptx")
        self.assertContains(response, "Format “pptx” tidak dikenal", status_code=400)
        response = self.ask(tahun=1999)
        self.assertContains(response, "Tahun harus antara 2019", status_code=400)
        response = self.ask(tahun="dua ribu")
        self.assertContains(response, "Tahun harus berupa angka", status_code=400)
        response = self.ask(tw=7)
        self.assertContains(response, "Periode harus tahunan atau triwulan", status_code=400)
        # a kab/kota has no consolidated report; the e-SPM file is XLSX only
        response = self.ask(jenis="provinsi")
        self.assertContains(response, "Jenis laporan “provinsi” tidak tersedia", status_code=400)
        response = self.ask(jenis="espm", format="pdf")
        self.assertContains(response, "dalam format PDF belum tersedia", status_code=400)
        self.assertEqual(ReportBuild.objects.count(), 0)

    def test_scope_outsiders_get_404(self):
        self.ask()
        build = self.last()
        build.status = BuildStatus.SELESAI
        build.save()
        for name in ("laporan-bangun-status", "laporan-bangun-unduh"):
            url = reverse(name, args=[build.pk])
            for persona, want in (
                ("outsider", 404),
                ("nobody", 404),
                ("provinsi_jabar", 200),
                ("pimpinan_a", 200),
            ):
                self.login(persona)
                self.assertEqual(self.client.get(url).status_code, want, (name, persona))
        self.assertEqual(self.ask("outsider").status_code, 404)
        self.assertEqual(
            self.client.get(reverse("laporan-bangun-status", args=[10**9])).status_code, 404
        )

    def test_the_national_summary_is_for_pusat_only(self):
        response = self.ask("pusat", kode="", jenis="nasional")
        build = self.last()
        self.assertEqual(response.status_code, 302)
        self.assertIsNone(build.pemda)
        self.assertEqual(self.ask("pusat", kode="", jenis="pemda").status_code, 400)
        url = reverse("laporan-bangun-status", args=[build.pk])
        for persona in ("provinsi_jabar", "admin_a", "outsider"):
            self.login(persona)
            self.assertEqual(self.client.get(url).status_code, 404, persona)
            self.assertEqual(self.ask(persona, kode="", jenis="nasional").status_code, 404)
        self.login("pusat")
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_a_province_asks_for_its_consolidated_report(self):
        use_builder(self, "provinsi", "xlsx", small_xlsx)
        page = self.client.get(reverse("laporan-bangun", args=["32"]))
        self.login("provinsi_jabar")
        page = self.client.get(reverse("laporan-bangun", args=["32"]))
        self.assertContains(page, 'value="provinsi"')
        self.assertEqual(self.ask("provinsi_jabar", kode="32", jenis="provinsi").status_code, 302)
        build = self.last()
        self.assertEqual((build.kind, build.pemda_id), ("provinsi", "32"))
        self.assertEqual(self.ask("admin_a", kode="32", jenis="provinsi").status_code, 404)


class SettingsTests(PersonaTestCase):
    def test_tuntas_tasks_backend_rq_switches_to_rq_over_redis(self):
        code = (
            "import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.TASKS['default']['BACKEND'], s.RQ_QUEUES['default']['URL'], "
            "'django_rq' in s.INSTALLED_APPS, 'django_tasks_rq' in s.INSTALLED_APPS]))"
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tuntas.settings"}
        root = Path(__file__).resolve().parents[3]
        out = subprocess.run(
            [sys.executable, "-c", code], env={**env, "TUNTAS_TASKS_BACKEND": "rq"},
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        self.assertEqual(
            out.strip(),
            '["django_tasks_rq.RQBackend", "redis://127.0.0.1:6379/0", true, true]',
        )
        bad = subprocess.run(
            [sys.executable, "-c", code], env={**env, "TUNTAS_TASKS_BACKEND": "celery"},
            cwd=root, capture_output=True, text=True,
        )  # fmt: skip
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("TUNTAS_TASKS_BACKEND harus", bad.stderr)


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.exceptions.RedisError:
        return False


@override_settings(TASKS=RQ, RQ_QUEUES=RQ_QUEUES)
class RedisQueueTests(BuildTestCase):
    """The same build through RQ over a real Redis (CI runs one; elsewhere skipped without)."""

    def setUp(self) -> None:
        super().setUp()
        if not redis_reachable():
            if os.environ.get("CI") == "true":
                self.fail(f"Redis {REDIS_URL} wajib tersedia di CI")
            self.skipTest(f"Redis {REDIS_URL} tidak dapat dihubungi")
        import django_rq

        self.redis = django_rq.get_connection("default")
        self.redis.flushdb()
        self.addCleanup(self.redis.flushdb)

    def test_a_build_goes_through_redis_and_an_rq_worker(self):
        import django_rq

        response = self.ask()
        build = self.last()
        self.assertEqual(response.status_code, 302)
        self.assertEqual(build.status, BuildStatus.ANTRE)
        queue = django_rq.get_queue("default")
        self.assertEqual(queue.job_ids, [build.task_id])  # the job waits in Redis
        self.assertEqual(
            default_task_backend.get_result(build.task_id).status, TaskResultStatus.READY
        )
        # an RQ worker in burst mode, in this process (SimpleWorker: no fork, so it sees the
        # test's transaction), with django-tasks' job class as `tuntas rqworker --job-class`
        worker = django_rq.get_worker(
            "default", job_class="django_tasks_rq.Job", worker_class="rq.worker.SimpleWorker"
        )
        # without the worker's command channel (`rq suspend`, kill): its thread can take up to
        # a minute to stop, and nothing here sends it a command
        with mock.patch.object(worker, "subscribe"), mock.patch.object(worker, "unsubscribe"):
            self.assertTrue(worker.work(burst=True))
        build.refresh_from_db()
        self.assertEqual(build.status, BuildStatus.SELESAI, build.error)
        self.assertEqual(SEEN, [(40, "Menulis lembar capaian", "berjalan")])
        result = default_task_backend.get_result(build.task_id)
        self.assertEqual(result.status, TaskResultStatus.SUCCESSFUL)
        self.assertEqual(queue.job_ids, [])
        body = self.client.get(reverse("laporan-bangun-unduh", args=[build.pk])).content
        self.assertEqual(hashlib.sha256(body).hexdigest(), build.sha256)
        # a finished task with its build settled is no sign of a dead worker
        self.assertEqual(services.report_builds_fail_stale(), [])

    def test_a_queued_build_whose_job_vanished_from_redis_is_failed(self):
        self.ask()
        build = self.last()
        self.redis.flushdb()  # e.g. Redis restarted without persistence
        self.assertEqual(services.report_builds_fail_stale(), [build.pk])
