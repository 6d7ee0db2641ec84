"""Background builds of report files: ask for one (a pemda's report and e-SPM export, a
province's consolidated report, the national summary), follow its progress (htmx polls the
status page; ``?format=json`` for scripts), download the file.

Access: a build is visible to whoever may read its pemda (``akun.scope``), the national summary
to pusat and the system administrator; anyone else gets 404. Whoever may read a pemda may ask
for its reports (a report is a reading of the data)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from tuntas.akun.scope import pemda_get_for_user, request_scope
from tuntas.core.errors import DomainError
from tuntas.core.middleware import no_session_refresh
from tuntas.laporan import selectors
from tuntas.laporan.builders import builders_available
from tuntas.laporan.forms_builds import BuildForm
from tuntas.laporan.models import BuildKind, BuildStatus, ReportBuild
from tuntas.laporan.services import build_is_stale, report_build_request
from tuntas.laporan.tasks import report_build_task
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.selectors import current_period


def _kinds_for(pemda: Pemda | None) -> list[str]:
    if pemda is None:
        return [BuildKind.NASIONAL]
    kinds = [BuildKind.PEMDA, BuildKind.ESPM]
    if pemda.level == "provinsi":
        kinds[1:1] = [BuildKind.PROVINSI, BuildKind.PAKET]
    return [str(k) for k in kinds]


def _request_page(request: HttpRequest, pemda: Pemda | None) -> HttpResponse:
    kinds = _kinds_for(pemda)
    status = 200
    if request.method == "POST":
        form = BuildForm(request.POST, kinds=kinds)
        if form.is_valid():
            data = form.cleaned_data
            try:
                build = report_build_request(
                    kind=data["jenis"],
                    pemda=pemda,
                    year=data["tahun"],
                    quarter=data["tw"],
                    fmt=data["format"],
                    actor=cast(User, request.user),
                    enqueue=report_build_task.enqueue,
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("laporan-bangun-status", build=build.pk)
        status = 400
    else:
        year, quarter = current_period(timezone.localdate())
        form = BuildForm(
            initial={"jenis": kinds[0], "format": "pdf", "tahun": year, "tw": quarter},
            kinds=kinds,
        )
    available = [b for b in builders_available() if b.kind in kinds]
    context = {
        "pemda": pemda,
        "form": form,
        "tersedia": [(BuildKind(b.kind).label, b.fmt.upper()) for b in available],
        "riwayat": selectors.report_builds_recent(pemda=pemda),
        "action": (
            reverse("laporan-bangun", kwargs={"kode": pemda.code})
            if pemda
            else reverse("laporan-bangun-nasional")
        ),
    }
    return render(request, "laporan/bangun.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def build_request(request: HttpRequest, kode: str) -> HttpResponse:
    """Ask for a pemda's report (a province: its consolidated report too)."""
    return _request_page(request, pemda_get_for_user(request, kode))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def build_request_national(request: HttpRequest) -> HttpResponse:
    """Ask for the national summary (pusat and the administrator)."""
    if not selectors.can_read_national(request_scope(request)):
        raise Http404("Tidak ditemukan")
    return _request_page(request, None)


def _build_for(request: HttpRequest, build_id: int) -> ReportBuild:
    build = selectors.report_build_for_user(scope=request_scope(request), build_id=build_id)
    if build is None:
        raise Http404("Tidak ditemukan")
    if build.pemda is not None:
        timezone.activate(build.pemda.zona.info)  # times in the pemda's zone
    return build


def build_json(build: ReportBuild, *, stale: bool) -> dict[str, Any]:
    done = build.status == BuildStatus.SELESAI
    return {
        "id": build.pk,
        "jenis": build.kind,
        "pemda": build.pemda_id,
        "tahun": build.year,
        "triwulan": build.quarter,
        "format": build.fmt,
        "status": BuildStatus.GAGAL.value if stale else build.status,
        "terhenti": stale,
        "kemajuan": 100 if done else build.progress,
        "langkah": build.step,
        "kesalahan": build.error,
        "nama_berkas": build.file_name if done else "",
        "ukuran": build.size if done else None,
        "sha256": build.sha256 if done else "",
        "unduh": reverse("laporan-bangun-unduh", kwargs={"build": build.pk}) if done else "",
        "dibuat": build.created_at.isoformat(),
        "selesai": build.finished_at.isoformat() if build.finished_at else None,
    }


@no_session_refresh
@login_required
@require_safe
def build_status(request: HttpRequest, build: int) -> HttpResponse:
    """The build's page; htmx polls it every second until the build is finished. With
    ``?format=json``: the same as JSON."""
    found = _build_for(request, build)
    stale = build_is_stale(found)
    if request.GET.get("format") == "json":
        return JsonResponse(build_json(found, stale=stale))
    context = {
        "build": found,
        "terhenti": stale,
        "kemajuan": 100 if found.status == BuildStatus.SELESAI else found.progress,
        "ulang": {
            "jenis": found.kind,
            "format": found.fmt,
            "tahun": found.year,
            "tw": found.quarter,
        },
        "action": (
            reverse("laporan-bangun", kwargs={"kode": found.pemda_id})
            if found.pemda_id
            else reverse("laporan-bangun-nasional")
        ),
    }
    template = "laporan/_bangun_status.html" if request.htmx else "laporan/bangun_status.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_safe
def build_download(request: HttpRequest, build: int) -> HttpResponse:
    """The built file (404 until the build is finished)."""
    found = _build_for(request, build)
    if found.status != BuildStatus.SELESAI:
        raise Http404("Berkas belum tersedia")
    response = HttpResponse(selectors.report_build_content(found), content_type=found.mime)
    response["Content-Disposition"] = f'attachment; filename="{found.file_name}"'
    response["X-Checksum-SHA256"] = found.sha256
    return response
