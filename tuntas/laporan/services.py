"""Writes of the reports app (keyword-only ``<entity>_<verb>``, audited in their transaction).

Each part of the app keeps its services in its own block below."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks.exceptions import TaskResultDoesNotExist

from tuntas.core.errors import DomainError
from tuntas.core.services import audit_event_create
from tuntas.katalog.reference import FIRST_YEAR
from tuntas.laporan.builders import FORMATS, KINDS, builder_get
from tuntas.laporan.document import ReportData, digest, summary
from tuntas.laporan.models import (
    BUILD_ACTIVE,
    BuildKind,
    BuildStatus,
    ReportBuild,
    ReportText,
    Seal,
    TextKey,
)
from tuntas.organisasi.models import Pemda

logger = logging.getLogger(__name__)

# --- seals and texts -------------------------------------------------------------------------

MAX_TEXT = 20_000  # characters per section: pages, not books


class TextInvalid(DomainError):
    """A report text that cannot be saved; ``field`` names the section."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def report_seal(data: ReportData) -> Seal | None:
    """The seal of an approved report's data (made once per distinct content; the same data
    built again gets the same seal). ``None`` while the period is not approved: a draft carries
    no fingerprint."""
    if not data.approval.approved:
        return None
    full = digest(data)
    found = Seal.objects.filter(digest=full).first()
    if found:
        return found
    try:
        with transaction.atomic():
            seal = Seal.objects.create(
                code=full[:16],
                digest=full,
                pemda=data.pemda,
                year=data.year,
                quarter=data.quarter or 0,
                approved_at=data.approval.approved_at,
                approved_by=data.approval.approved_by[:200],
                status=data.approval.status,
                summary=summary(data),
            )
            audit_event_create(
                action="laporan.sidik",
                pemda=data.pemda.code,
                object_type="sidik",
                object_id=seal.code,
                data={"tahun": data.year, "triwulan": data.quarter or 0, "sidik": full},
            )
            return seal
    except IntegrityError:  # made at the same moment by another build of the same data
        return Seal.objects.get(digest=full)


@transaction.atomic
def report_text_save(
    *, pemda: Pemda, year: int, key: str, text: str, actor: User | None
) -> ReportText | None:
    """Save one section of the narrative; an empty text goes back to the default (the row is
    deleted). Audited in the same transaction."""
    if key not in TextKey.values:
        raise TextInvalid(f"Bagian laporan tidak dikenal: {key[:40]}", "bagian")
    cleaned = "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32).strip()
    if len(cleaned) > MAX_TEXT:
        raise TextInvalid(
            f"Teks {TextKey(key).label} terlalu panjang: {len(cleaned)} karakter (paling banyak "
            f"{MAX_TEXT}).",
            key,
        )
    existing = (
        ReportText.objects.select_for_update().filter(pemda=pemda, year=year, key=key).first()
    )
    before = existing.text if existing else ""
    if cleaned == before:
        return existing
    if not cleaned:
        ReportText.objects.filter(pemda=pemda, year=year, key=key).delete()
        row = None
    elif existing:
        existing.text, existing.updated_by = cleaned, actor
        existing.save(update_fields=["text", "updated_by", "updated_at"])
        row = existing
    else:
        row = ReportText.objects.create(
            pemda=pemda, year=year, key=key, text=cleaned, updated_by=actor
        )
    audit_event_create(
        action="laporan.teks",
        actor=actor,
        pemda=pemda.code,
        object_type="teks_laporan",
        object_id=f"{year}:{key}",
        data={"perubahan": [{"kolom": key, "lama": before, "baru": cleaned}]},
    )
    return row


# --- background builds ------------------------------------------------------------------------
# A build is requested (report_build_request: validated, de-duplicated, audited, then queued with
# the ``enqueue`` the caller passes: ``tasks.report_build_task.enqueue``), then run by a worker
# (report_build_run, through the task): claimed (antre → berjalan), the builder called with a
# progress callback that saves progress and step, the file stored in the row with its SHA-256,
# or the error (berjalan → selesai | gagal; never left berjalan by a builder's exception).
#
# A worker that died (a restart, the OOM killer, a power cut, a lost machine) leaves its build
# "berjalan" or "antre". report_builds_fail_stale marks such builds failed — on every request
# and at the start of every run — so the same build can be asked again (the dedup only looks at
# live builds). Signs that a build lost its worker (build_is_stale), valid on any machine:
# 1. the heartbeat: a running build's ``updated_at`` is touched by every progress step and by
#    a thread every BUILD_HEARTBEAT; none for BUILD_STALE_AFTER (TUNTAS_LAPORAN_BASI_MENIT);
# 2. the task's own record (django-tasks: the DBTaskResult row, or the RQ job in Redis): it
#    ended (FAILED or SUCCESSFUL) while its build is still queued or running, it is gone, or it
#    was claimed more than BUILD_STALE_AFTER ago by a worker that never started the build;
# 3. a queued build with no task at all for a minute (the queue refused it and the process
#    died before it could mark the build).

BUILD_STALE_AFTER = timedelta(minutes=int(os.environ.get("TUNTAS_LAPORAN_BASI_MENIT", "10")))
BUILD_HEARTBEAT = min(timedelta(seconds=30), BUILD_STALE_AFTER / 4)
BUILD_MAX_BYTES = int(os.environ.get("TUNTAS_LAPORAN_MAKS_MB", "50")) * 1024 * 1024
_UNQUEUED_GRACE = timedelta(minutes=1)

STALE_MESSAGE = (
    "Pekerja latar belakang berhenti di tengah pembangunan laporan (mis. server dimulai ulang). "
    "Minta bangun ulang."
)
QUEUE_MESSAGE = "Antrean pekerjaan latar belakang tidak tersedia; coba lagi nanti."
SYSTEM_MESSAGE = "Terjadi kesalahan sistem saat membangun laporan; coba lagi atau hubungi admin."
_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def build_dedup_key(*, kind: str, pemda: Pemda | None, year: int, quarter: int, fmt: str) -> str:
    return f"{kind}:{pemda.code if pemda else '-'}:{year}:{quarter}:{fmt}"


def _validate_build(*, kind: str, pemda: Pemda | None, year: int, quarter: int, fmt: str) -> None:
    if kind not in KINDS:
        raise DomainError(f"Jenis laporan tidak dikenal: {kind!r}.")
    if fmt not in FORMATS:
        raise DomainError(f"Format tidak dikenal: {fmt!r} (pilihan: PDF, DOCX, XLSX).")
    if kind == BuildKind.NASIONAL and pemda is not None:
        raise DomainError("Ringkasan nasional tidak dibuat untuk satu pemda.")
    if kind != BuildKind.NASIONAL and pemda is None:
        raise DomainError("Pemda harus dipilih untuk laporan ini.")
    if kind in (BuildKind.PROVINSI, BuildKind.PAKET) and pemda and pemda.level != "provinsi":
        raise DomainError("Laporan konsolidasi hanya untuk pemda provinsi.")
    last = timezone.localdate().year
    if not FIRST_YEAR <= year <= last:
        raise DomainError(f"Tahun harus antara {FIRST_YEAR} dan {last}.")
    if not 0 <= quarter <= 4:
        raise DomainError("Triwulan harus 1–4, atau 0 untuk laporan tahunan.")
    if builder_get(kind, fmt) is None:
        label = BuildKind(kind).label
        raise DomainError(f"{label} dalam format {fmt.upper()} belum tersedia.")


def report_build_request(
    *,
    kind: str,
    pemda: Pemda | None,
    year: int,
    quarter: int,
    fmt: str,
    actor: User | None,
    enqueue: Callable[[int], Any],
) -> ReportBuild:
    """Ask for a report file to be built in the background. The same build (kind, pemda, year,
    quarter, format) already queued or running is returned instead of a second one; a new build
    is saved with its audit event in one transaction, then queued with ``enqueue(build_id)``
    (after the commit, so a worker on another machine finds the row). A queue that refuses
    marks the build failed with a message. Raises :class:`DomainError` for a kind or format
    without a builder, or a period out of range."""
    _validate_build(kind=kind, pemda=pemda, year=year, quarter=quarter, fmt=fmt)
    report_builds_fail_stale()
    key = build_dedup_key(kind=kind, pemda=pemda, year=year, quarter=quarter, fmt=fmt)
    try:
        with transaction.atomic():
            existing = ReportBuild.objects.filter(dedup_key=key, status__in=BUILD_ACTIVE).first()
            if existing is not None:
                return existing
            build = ReportBuild.objects.create(
                pemda=pemda,
                kind=kind,
                year=year,
                quarter=quarter,
                fmt=fmt,
                requested_by=actor if actor is not None and actor.is_authenticated else None,
                dedup_key=key,
                step="Menunggu pekerja latar belakang",
            )
            audit_event_create(
                action="laporan.bangun",
                actor=actor,
                pemda=pemda.code if pemda else "",
                object_type="laporan_bangun",
                object_id=str(build.pk),
                data={"jenis": kind, "tahun": year, "triwulan": quarter, "format": fmt},
            )
    except IntegrityError:
        # the same build was asked at the same moment by someone else: theirs is ours
        existing = ReportBuild.objects.filter(dedup_key=key, status__in=BUILD_ACTIVE).first()
        if existing is None:
            raise
        return existing
    try:
        result = enqueue(build.pk)
    except Exception:
        logger.exception("Pembangunan laporan #%s tidak dapat dimasukkan ke antrean", build.pk)
        ReportBuild.objects.filter(pk=build.pk, status=BuildStatus.ANTRE).update(
            status=BuildStatus.GAGAL, error=QUEUE_MESSAGE, finished_at=timezone.now()
        )
    else:
        task_id = str(getattr(result, "id", "") or "")[:64]
        if task_id:
            ReportBuild.objects.filter(pk=build.pk).update(task_id=task_id)
    build.refresh_from_db()
    return build


class _Heartbeat:
    """Touch the running build's ``updated_at`` every BUILD_HEARTBEAT from a thread (a builder
    may spend minutes in one step: a big PDF's layout); the thread's own database connection is
    closed when it stops."""

    def __init__(self, build_id: int) -> None:
        self.build_id = build_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="laporan-detak", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def _beat(self) -> None:
        try:
            while not self.stop.wait(BUILD_HEARTBEAT.total_seconds()):
                try:
                    ReportBuild.objects.filter(
                        pk=self.build_id, status=BuildStatus.BERJALAN
                    ).update(updated_at=timezone.now())
                except Exception:  # a lost connection: the next beat tries again
                    logger.warning("Detak pembangunan laporan #%s gagal", self.build_id)
                    close_old_connections()
        finally:
            connection.close()

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def _progress_saver(build_id: int) -> Callable[[int, str], None]:
    last: list[tuple[int, str]] = []

    def progress(percent: int, step: str) -> None:
        value = (max(0, min(99, int(percent))), str(step)[:200])
        if last and last[0] == value:
            return
        last[:] = [value]
        ReportBuild.objects.filter(pk=build_id, status=BuildStatus.BERJALAN).update(
            progress=value[0], step=value[1], updated_at=timezone.now()
        )

    return progress


def _clean_file_name(name: str, build: ReportBuild) -> str:
    base = _FILE_NAME.sub("-", os.path.basename(name or "")).strip("-.")[:150]
    return base or f"laporan-{build.pk}.{build.fmt}"


def report_build_run(*, build_id: int) -> None:
    """Run one queued build (the background task). A build that is not queued (already run,
    running elsewhere, failed) is left as it is, so a task run twice builds once. The build
    ends ``selesai`` with its file, or ``gagal`` with an Indonesian message — also when the
    builder raises, and when the worker is being stopped (the exception then goes on)."""
    report_builds_fail_stale()
    now = timezone.now()
    claimed = ReportBuild.objects.filter(pk=build_id, status=BuildStatus.ANTRE).update(
        status=BuildStatus.BERJALAN, started_at=now, progress=0, step="Memulai", updated_at=now
    )
    if not claimed:
        return
    build = ReportBuild.objects.select_related("pemda").get(pk=build_id)
    outcome: dict[str, Any] = {"status": BuildStatus.GAGAL, "error": SYSTEM_MESSAGE}
    try:
        builder = builder_get(build.kind, build.fmt)
        if builder is None:
            outcome["error"] = "Pembangun laporan ini tidak tersedia di pekerja latar belakang."
        else:
            with _Heartbeat(build_id):
                try:
                    data, name, mime = builder(
                        build.pemda, build.year, build.quarter, _progress_saver(build_id)
                    )
                except DomainError as exc:
                    outcome["error"] = str(exc)
                except Exception:
                    logger.exception("Pembangunan laporan #%s gagal", build_id)
                else:
                    outcome = _built(build, data, name, mime)
    finally:
        # settled whatever happened (an exception that stops the worker included)
        ReportBuild.objects.filter(pk=build_id, status=BuildStatus.BERJALAN).update(
            finished_at=timezone.now(), updated_at=timezone.now(), **outcome
        )


def _built(build: ReportBuild, data: object, name: str, mime: str) -> dict[str, Any]:
    if not isinstance(data, bytes | bytearray | memoryview):
        logger.error("Pembangun %s/%s tidak menghasilkan bytes", build.kind, build.fmt)
        return {"status": BuildStatus.GAGAL, "error": SYSTEM_MESSAGE}
    content = bytes(data)
    if len(content) > BUILD_MAX_BYTES:
        return {
            "status": BuildStatus.GAGAL,
            "error": (
                f"Berkas laporan terlalu besar ({len(content) // 2**20} MB; batas "
                f"{BUILD_MAX_BYTES // 2**20} MB)."
            ),
        }
    return {
        "status": BuildStatus.SELESAI,
        "error": "",
        "progress": 100,
        "step": "Selesai",
        "content": content,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "file_name": _clean_file_name(name, build),
        "mime": (mime or "application/octet-stream")[:100],
    }


def _task_lost(build: ReportBuild, *, now: datetime) -> bool:
    """Sign 2 and 3 (see above): the task ended, is gone or was claimed by a dead worker."""
    if not build.task_id:
        return build.status == BuildStatus.ANTRE and build.created_at < now - _UNQUEUED_GRACE
    try:
        result = default_task_backend.get_result(build.task_id)
    except TaskResultDoesNotExist:
        return True
    except Exception:  # no results in this backend, or the queue is unreachable: no sign
        return False
    if result.status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL):
        return True
    return (
        build.status == BuildStatus.ANTRE
        and result.status == TaskResultStatus.RUNNING
        and result.started_at is not None
        and result.started_at < now - BUILD_STALE_AFTER
    )


def build_is_stale(build: ReportBuild, *, now: datetime | None = None) -> bool:
    """Whether a queued or running build has lost its worker (the signs above)."""
    if build.status not in BUILD_ACTIVE:
        return False
    now = now or timezone.now()
    lost = (
        build.status == BuildStatus.BERJALAN and build.updated_at < now - BUILD_STALE_AFTER
    ) or _task_lost(build, now=now)
    # the worker may have settled the build between the read of ``build`` and the signs
    return lost and ReportBuild.objects.filter(pk=build.pk, status=build.status).exists()


def report_builds_fail_stale(*, now: datetime | None = None) -> list[int]:
    """Mark every queued or running build that lost its worker as failed, with an audit event
    (idempotent). The ids marked."""
    now = now or timezone.now()
    marked = []
    active = ReportBuild.objects.filter(status__in=BUILD_ACTIVE).defer("content")
    for build in active.select_related("pemda"):
        if not build_is_stale(build, now=now):
            continue
        with transaction.atomic():
            updated = ReportBuild.objects.filter(pk=build.pk, status=build.status).update(
                status=BuildStatus.GAGAL, error=STALE_MESSAGE, finished_at=now
            )
            if updated:
                audit_event_create(
                    action="laporan.bangun_terhenti",
                    pemda=build.pemda_id or "",
                    object_type="laporan_bangun",
                    object_id=str(build.pk),
                    data={"status": build.status, "jenis": build.kind, "format": build.fmt},
                )
                marked.append(build.pk)
    return marked


# --- end background builds ---
