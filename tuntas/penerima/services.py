"""Writes of by-name recipients."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from tuntas.core.errors import DomainError
from tuntas.core.services import audit_event_create
from tuntas.katalog.models import Jpd, JpdVersion
from tuntas.katalog.selectors import jpd_version_for_year
from tuntas.organisasi.models import Pemda
from tuntas.penerima.crypto import data_keys
from tuntas.penerima.importer import CHUNK_SIZE, ErrorReport, ImportSummary, Sink, run_import
from tuntas.penerima.parsing import open_table
from tuntas.penerima.validation import Eligibility, RowValidator
from tuntas.wilayah.models import Level, Region


class ImportArgumentError(DomainError):
    """The import cannot start: wrong JPD for the pemda, no catalog version for the year, ..."""


def jpd_version_required(*, jpd: Jpd, year: int) -> JpdVersion:
    """The catalog's version of ``jpd`` for ``year``; an import needs one."""
    version = jpd_version_for_year(jpd=jpd, year=year)
    if version is None:
        raise ImportArgumentError(
            f"JPD {jpd.code} tidak berlaku pada tahun {year} menurut katalog."
        )
    return version


def _validator(*, pemda: Pemda, jpd: Jpd, year: int, today: date) -> RowValidator:
    if jpd.level != pemda.level:
        raise ImportArgumentError(
            f"JPD {jpd.code} adalah JPD {jpd.get_level_display()}, bukan JPD {pemda.name}."
        )
    version = jpd_version_required(jpd=jpd, year=year)
    prefix = pemda.code + "."
    villages = {
        code.replace(".", ""): code
        for code in Region.objects.filter(level=Level.DESA, code__startswith=prefix).values_list(
            "code", flat=True
        )
    }
    provinces = set(Region.objects.filter(level=Level.PROVINSI).values_list("code", flat=True))
    return RowValidator(
        jpd_code=jpd.code,
        year=year,
        eligibility=Eligibility.from_json(version.eligibility),
        villages=villages,
        village_prefix=pemda.code.replace(".", ""),
        pemda_name=pemda.name,
        province_codes=provinces,
        today=today,
    )


def recipients_import(
    *,
    pemda: Pemda,
    jpd: Jpd,
    year: int,
    path: Path | str,
    accept_partial: bool = False,
    replace: bool = False,
    actor: User | None = None,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: Callable[[int, ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import a recipient list (CSV or XLSX) of a pemda for a JPD and year, in one transaction.

    Without ``accept_partial`` a file with any error writes nothing (``written`` is False and
    the error report names every problem); with it, the valid rows are written. Rows are matched
    on (pemda, JPD, year, NIK): a second import of the same file changes nothing. ``replace``
    removes the entries of that pemda, JPD and year that are not in the file. Nothing stored is
    lost when the import fails. Raises :class:`DomainError` (arguments, data key) or
    :class:`~tuntas.core.tabular.TableError` (the file cannot be read).
    """
    validator = _validator(pemda=pemda, jpd=jpd, year=year, today=timezone.localdate())
    keys = data_keys()
    table = open_table(path)
    report = ErrorReport(header=table.header.cells, name=f"penerima-{pemda.code}-{jpd.code}-{year}")
    sink = Sink(pemda_code=pemda.code, jpd_code=jpd.code, year=year, replace=replace)
    try:
        with transaction.atomic():
            summary = run_import(
                table=table,
                validator=validator,
                keys=keys,
                sink=sink,
                report=report,
                accept_partial=accept_partial,
                chunk_size=chunk_size,
                on_chunk=on_chunk,
            )
            if summary.written:
                audit_event_create(
                    action="penerima.impor",
                    actor=actor,
                    object_type="pemda",
                    object_id=pemda.code,
                    data={
                        "jpd": jpd.code,
                        "tahun": year,
                        "ganti": replace,
                        "terima_sebagian": accept_partial,
                        **{k: v for k, v in summary.as_json().items() if k != "laporan_kesalahan"},
                        "dihapus": summary.dihapus,
                    },
                )
            else:
                transaction.set_rollback(True)
    except BaseException:
        report.discard()
        raise
    summary.laporan_kesalahan = report.close()
    return summary


# ---------------------------------------------------------------------------------------------
# The web side (tuntas/penerima/views.py, tasks.py): the access log of by-name data and the
# upload jobs run in the background. Imports kept with this block.
# ---------------------------------------------------------------------------------------------
import contextlib  # noqa: E402
import fcntl  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import threading  # noqa: E402
import zipfile  # noqa: E402
from typing import Any  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import UploadedFile  # noqa: E402
from django_tasks import TaskResultStatus  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from tuntas.core.tabular import TableError  # noqa: E402
from tuntas.core.upload_guard import BY_NAME, check_zip  # noqa: E402
from tuntas.penerima.crypto import mask_nik  # noqa: E402
from tuntas.penerima.models import AccessAction, AccessLog, ImportJob, ImportStatus  # noqa: E402
from tuntas.penerima.selectors import FILE_NAME_PURPOSE  # noqa: E402

logger = logging.getLogger(__name__)

UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx", ".xls")
MAX_UPLOAD_BYTES = 512 * 1024 * 1024
_NIK_LIKE = re.compile(r"(?<!\w)\d{16}(?!\w)")


class AccessLogLeak(ValueError):
    """A programming error: the access log detail would hold a NIK."""


def access_log_create(
    *,
    pemda: Pemda,
    user: User,
    action: AccessAction | str,
    jpd: Jpd | None = None,
    year: int | None = None,
    detail: dict[str, Any] | None = None,
    reason: str = "",
) -> AccessLog:
    """Log one view, search, export, upload or report download of by-name data. ``detail``
    holds counts and filters, never a NIK or a name (a 16-digit number is refused); a NIK typed
    into the reason is masked."""
    detail = detail or {}
    if _NIK_LIKE.search(json.dumps(detail)):
        raise AccessLogLeak("Rincian log akses tidak boleh memuat NIK.")
    reason = _NIK_LIKE.sub(lambda m: mask_nik(m.group(0)), reason.strip())
    return AccessLog.objects.create(
        pemda=pemda,
        user=user,
        username=user.get_username(),
        action=action,
        jpd=jpd,
        year=year,
        detail=detail,
        reason=reason,
    )


def upload_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "unggahan"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def import_progress_path(job_id: int) -> Path:
    return upload_dir() / f"impor-{job_id}.progress"


def import_progress_read(job: ImportJob) -> int:
    """Rows processed so far: the progress file while the job runs, the row once it is done.

    The import is one transaction on the worker's connection, so progress cannot be committed
    to the ImportJob row while it runs (and SQLite would lock a second connection out); the
    worker writes it to a small file next to the upload instead, which the poller reads."""
    if job.status != ImportStatus.BERJALAN:
        return job.rows_done
    try:
        return int(json.loads(import_progress_path(job.pk).read_text())["baris"])
    except (OSError, ValueError, KeyError, TypeError):
        return job.rows_done


def _progress_write(job_id: int, rows: int) -> None:
    path = import_progress_path(job_id)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"baris": rows}))
    os.replace(tmp, path)


def _rows_estimate(path: Path) -> int | None:
    """Data rows expected, for the progress bar: lines of a CSV, the sheet dimension of an XLSX
    (an estimate: title and blank rows count too)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
            if head.startswith(b"PK"):
                with (
                    zipfile.ZipFile(path) as book,
                    book.open("xl/worksheets/sheet1.xml") as sheet,
                ):
                    start = sheet.read(4096).decode("utf-8", "replace")
                found = re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', start)
                return max(int(found.group(1)) - 1, 0) if found else None
            handle.seek(0)
            lines = 0
            while block := handle.read(1 << 20):
                lines += block.count(b"\n")
            return max(lines - 1, 0)
    except (OSError, KeyError, zipfile.BadZipFile):
        return None


def import_job_submit(
    *,
    pemda: Pemda,
    jpd: Jpd,
    year: int,
    upload: UploadedFile,
    accept_partial: bool,
    replace: bool,
    actor: User,
    enqueue: Callable[[int], object],
) -> ImportJob:
    """Store an uploaded recipient list (mode 0600 under ``VAR_DIR/unggahan``), create its
    :class:`ImportJob`, log the upload, and enqueue the background import with ``enqueue``
    (``tasks.recipients_import_task.enqueue``: the task calls this module, never the reverse)."""
    if jpd.level != pemda.level:
        raise ImportArgumentError(
            f"JPD {jpd.code} adalah JPD {jpd.get_level_display()}, bukan JPD {pemda.name}."
        )
    jpd_version_required(jpd=jpd, year=year)
    name = Path(upload.name or "").name[:255]
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise DomainError("Berkas harus CSV atau XLSX (.csv, .xlsx).")
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        raise DomainError(f"Berkas terlalu besar (lebih dari {MAX_UPLOAD_BYTES // 2**20} MB).")
    path = upload_dir() / f"{secrets.token_hex(16)}{suffix}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        # a workbook that would expand beyond what a list can hold is refused now, in the
        # request, before a worker spends minutes on it (the importer checks again)
        check_zip(path, BY_NAME)
        with transaction.atomic():
            job = ImportJob.objects.create(
                pemda=pemda,
                jpd=jpd,
                year=year,
                uploaded_by=actor,
                file_name=data_keys().seal_text(name, purpose=FILE_NAME_PURPOSE),
                stored_path=str(path),
                accept_partial=accept_partial,
                replace=replace,
                rows_estimate=_rows_estimate(path),
            )
            options = {"impor": job.pk, "terima_sebagian": accept_partial, "ganti": replace}
            access_log_create(
                pemda=pemda,
                user=actor,
                action=AccessAction.UNGGAH,
                jpd=jpd,
                year=year,
                detail=options,
            )
            audit_event_create(
                action="penerima.unggah",
                actor=actor,
                object_type="pemda",
                object_id=pemda.code,
                data={"jpd": jpd.code, "tahun": year, **options},
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    try:
        enqueue(job.pk)
    except Exception:
        logger.exception("Impor penerima #%s tidak dapat dimasukkan ke antrean", job.pk)
        path.unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.ANTRI).update(
            status=ImportStatus.GAGAL,
            stored_path="",
            error="Antrean pekerjaan latar belakang tidak tersedia; coba lagi nanti.",
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int) -> None:
    """Run one queued import (the background task): claim the job, import through
    :func:`recipients_import` while holding the job's lock and heartbeat (:class:`_Heartbeat`),
    store the summary, delete the uploaded file and the progress file. A second run of the same
    job does nothing."""
    # a worker starting a job also settles jobs whose worker died and applies the retention
    uploads_clean()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.ANTRI).update(
        status=ImportStatus.BERJALAN, started_at=timezone.now()
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("pemda", "jpd", "uploaded_by").get(pk=job_id)
    result: dict[str, Any] = {"status": ImportStatus.GAGAL}
    try:
        with _Heartbeat(job_id):
            try:
                summary = recipients_import(
                    pemda=job.pemda,
                    jpd=job.jpd,
                    year=job.year,
                    path=job.stored_path,
                    accept_partial=job.accept_partial,
                    replace=job.replace,
                    actor=job.uploaded_by,
                    on_chunk=lambda _n, s: _progress_write(job_id, s.baris),
                )
            except TableError as exc:
                result["error"] = f"Berkas tidak dapat dibaca: {exc}"
            except DomainError as exc:
                result["error"] = str(exc)
            except Exception:
                logger.exception("Impor penerima #%s gagal", job_id)
                result["error"] = "Terjadi kesalahan sistem; tidak ada data yang disimpan."
            else:
                data = summary.as_json()
                report = data.pop("laporan_kesalahan") or ""
                result = {
                    "status": ImportStatus.SELESAI,
                    "rows_done": summary.baris,
                    "summary": {**data, "dihapus": summary.dihapus, "disimpan": summary.written},
                    "report_path": report,
                }
            # the row is settled while the lock is still held: no one sees a running job
            # without its lock (which would leave only the heartbeat's age to go by)
            ImportJob.objects.filter(pk=job_id).update(
                stored_path="", finished_at=timezone.now(), **result
            )
    finally:
        Path(job.stored_path).unlink(missing_ok=True)
        import_progress_path(job_id).unlink(missing_ok=True)


# --- jobs whose worker died, retries, retention ---------------------------------------------
# A worker killed mid-import (a restart, the OOM killer, a power cut) leaves its job "berjalan"
# while its transaction is rolled back by the database: nothing of the file is stored. Three
# signs tell such a job (``import_job_is_stale``), checked by the next import a worker starts,
# by `tuntas bersihkan-unggahan` (deploy/tuntas-worker.service runs it before the worker
# starts), when someone asks to retry, and by the job's page (which then shows it stopped):
# 1. its lock: the running import holds an exclusive lock on ``impor-<id>.kunci``; the kernel
#    drops it when the process dies, even by SIGKILL, so a lock file that nobody holds means the
#    worker is gone (at once, on every machine that shares VAR_DIR);
# 2. django-tasks' own record (``DBTaskResult``): a task that ended (FAILED or SUCCESSFUL) while
#    its job is still queued or running did not finish the job (e.g. it lost the database);
# 3. the heartbeat: the lock file is touched every HEARTBEAT (and the progress file every chunk);
#    no sign of life for STALE_AFTER (TUNTAS_IMPOR_BASI_MENIT) means the worker is gone.
# A job so found is marked failed, its progress and lock files are deleted and its task record
# is marked FAILED too. Its uploaded file is kept so that "Ulangi impor" needs no new upload;
# every upload is deleted after UPLOAD_RETENTION (TUNTAS_UNGGAHAN_SIMPAN_HARI) at the latest.

STALE_AFTER = timedelta(minutes=int(os.environ.get("TUNTAS_IMPOR_BASI_MENIT", "10")))
HEARTBEAT = min(timedelta(seconds=30), STALE_AFTER / 4)
UPLOAD_RETENTION = timedelta(days=int(os.environ.get("TUNTAS_UNGGAHAN_SIMPAN_HARI", "7")))
IMPORT_TASK_PATH = "tuntas.penerima.tasks.recipients_import_task"  # tasks imports this module
# the page adds how to retry while the upload is kept (not after the retention)
STALE_MESSAGE = (
    "Pekerja latar belakang berhenti di tengah impor (mis. server dimulai ulang); tidak ada data "
    "yang disimpan."
)


class ImportWorkerGone(DomainError):
    """Recorded on the task of a job whose worker died (django-tasks' admin shows it)."""


def import_lock_path(job_id: int) -> Path:
    return upload_dir() / f"impor-{job_id}.kunci"


class _Heartbeat:
    """The running import's sign of life: an exclusive ``flock`` on the job's lock file, held
    for the whole import (the kernel releases it when the process ends in any way), and the
    file's time touched every HEARTBEAT by a thread (the import may spend minutes in one
    database statement). The lock is taken on a file of a temporary name that is then renamed:
    the lock file that others see is always held, unless its process is gone."""

    def __init__(self, job_id: int) -> None:
        self.path = import_lock_path(job_id)
        self.stop = threading.Event()
        self.fd = -1
        self.thread = threading.Thread(target=self._beat, name="penerima-detak", daemon=True)

    def __enter__(self) -> _Heartbeat:
        tmp = self.path.with_name(f"{self.path.name}.{secrets.token_hex(4)}.tmp")
        self.fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise
            except OSError:
                pass  # no locks on this file system: the checkers cannot lock it either
            os.write(self.fd, json.dumps({"pid": os.getpid()}).encode())
            os.replace(tmp, self.path)
        except BaseException:
            os.close(self.fd)
            tmp.unlink(missing_ok=True)
            raise
        self.thread.start()
        return self

    def _beat(self) -> None:
        while not self.stop.wait(HEARTBEAT.total_seconds()):
            with contextlib.suppress(OSError):
                os.utime(self.fd)

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        self.path.unlink(missing_ok=True)  # before the lock goes: never a free lock file
        os.close(self.fd)


def _lock_abandoned(job_id: int) -> bool:
    """True when the job's lock file exists and no process holds its lock."""
    try:
        fd = os.open(import_lock_path(job_id), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # held: the worker is alive
    except OSError:
        return False  # no locks on this file system: the heartbeat decides
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def _import_task(job_id: int) -> DBTaskResult | None:
    """django-tasks' record of the latest run of the job (None with another task backend, or
    once the record was pruned)."""
    return (
        DBTaskResult.objects.filter(task_path=IMPORT_TASK_PATH, args_kwargs__args__0=job_id)
        .order_by("-enqueued_at")
        .first()
    )


def import_job_last_alive(job: ImportJob) -> datetime | None:
    """The job's last sign of life: its lock file's or progress file's time, else its start."""
    seen = job.started_at
    for path in (import_lock_path(job.pk), import_progress_path(job.pk)):
        try:
            touched = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        except OSError:
            continue
        if seen is None or touched > seen:
            seen = touched
    return seen


def import_job_is_stale(job: ImportJob, *, now: datetime | None = None) -> bool:
    """Whether a queued or running job has lost its worker (the three signs above)."""
    if job.status not in (ImportStatus.ANTRI, ImportStatus.BERJALAN):
        return False
    if not _lost_worker(job, now=now or timezone.now()):
        return False
    # the worker may have settled the job between the read of ``job`` and the signs
    return ImportJob.objects.filter(pk=job.pk, status=job.status).exists()


def _lost_worker(job: ImportJob, *, now: datetime) -> bool:
    task = _import_task(job.pk)
    if task is not None and task.status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL):
        return True  # the task ended without finishing the job
    if job.status == ImportStatus.ANTRI:
        # claimed by a worker that died before it could start the job
        return (
            task is not None
            and task.status == TaskResultStatus.RUNNING
            and task.started_at is not None
            and task.started_at < now - STALE_AFTER
        )
    if _lock_abandoned(job.pk):
        return True
    alive = import_job_last_alive(job)
    return alive is None or alive < now - STALE_AFTER


def import_jobs_fail_stale(*, now: datetime | None = None) -> list[int]:
    """Mark every queued or running job that lost its worker as failed (idempotent), with its
    django-tasks record; their progress and lock files go, their uploads stay for a retry.
    The ids marked."""
    now = now or timezone.now()
    marked = []
    jobs = ImportJob.objects.filter(status__in=[ImportStatus.ANTRI, ImportStatus.BERJALAN])
    for job in jobs.select_related("pemda"):
        if not import_job_is_stale(job, now=now):
            continue
        with transaction.atomic():
            updated = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ImportStatus.GAGAL, error=STALE_MESSAGE, finished_at=now
            )
            if updated:
                audit_event_create(
                    action="penerima.impor_terhenti",
                    object_type="pemda",
                    object_id=job.pemda_id,
                    data={"impor": job.pk, "jpd": job.jpd_id, "tahun": job.year},
                )
                task = _import_task(job.pk)
                if task is not None and task.status in (
                    TaskResultStatus.READY,
                    TaskResultStatus.RUNNING,
                ):
                    task.set_failed(ImportWorkerGone(STALE_MESSAGE))
        if updated:
            import_progress_path(job.pk).unlink(missing_ok=True)
            import_lock_path(job.pk).unlink(missing_ok=True)
            marked.append(job.pk)
    return marked


def import_job_retry(
    *, job: ImportJob, actor: User | None, enqueue: Callable[[int], Any]
) -> ImportJob:
    """Queue a failed job again with its uploaded file (a job whose worker died: see above).
    Refused with a message when it has not failed or its file is gone."""
    import_jobs_fail_stale()
    job.refresh_from_db()
    if job.status != ImportStatus.GAGAL:
        raise DomainError("Hanya impor yang gagal yang dapat diulangi.")
    if not job.stored_path or not Path(job.stored_path).is_file():
        raise DomainError(
            "Berkas unggahan impor ini sudah dihapus (impor sudah berakhir atau melewati masa "
            "simpan); unggah berkasnya lagi."
        )
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.GAGAL).update(
            status=ImportStatus.ANTRI, error="", started_at=None, finished_at=None, rows_done=0
        )
        if not updated:
            raise DomainError("Impor ini sudah diulangi.")
        audit_event_create(
            action="penerima.impor_ulang",
            actor=actor,
            object_type="pemda",
            object_id=job.pemda_id,
            data={"impor": job.pk, "jpd": job.jpd_id, "tahun": job.year},
        )
        # in the same transaction: the queued job is never seen beside only its ended task
        enqueue(job.pk)
    job.refresh_from_db()
    return job


def _modified_before(path: Path, limit: float) -> bool:
    try:
        return path.is_file() and path.stat().st_mtime < limit
    except OSError:  # deleted meanwhile (a job ending)
        return False


def uploads_clean(*, now: datetime | None = None) -> dict[str, int]:
    """Retention: delete uploaded files and error reports (which hold the rows of the file:
    names, addresses) older than UPLOAD_RETENTION, with the files no job refers to, unless their
    job is queued or running; a job's page then no longer offers them. Jobs that lost their
    worker are failed first. Counts for the log."""
    now = now or timezone.now()
    stale = import_jobs_fail_stale(now=now)
    active = {
        str(Path(p).resolve())
        for p in ImportJob.objects.filter(
            status__in=[ImportStatus.ANTRI, ImportStatus.BERJALAN]
        ).values_list("stored_path", flat=True)
        if p
    }
    limit = (now - UPLOAD_RETENTION).timestamp()
    removed = reports = 0
    for path in upload_dir().iterdir():
        if str(path.resolve()) in active or not _modified_before(path, limit):
            continue
        path.unlink(missing_ok=True)
        removed += 1
        if not path.name.startswith("impor-"):  # an upload, not a progress or lock file
            ImportJob.objects.filter(stored_path=str(path)).update(stored_path="")
    report_dir = Path(settings.VAR_DIR) / "laporan"
    if report_dir.is_dir():
        for path in report_dir.iterdir():
            if not _modified_before(path, limit):
                continue
            path.unlink(missing_ok=True)
            reports += 1
            ImportJob.objects.filter(report_path=str(path)).update(report_path="")
    return {"impor_terhenti": len(stale), "berkas_dihapus": removed, "laporan_dihapus": reports}
