"""The region's report: its page (the report on screen, with its status, fingerprint and
downloads), the files (PDF, DOCX, XLSX), the editing of its texts, and the public fingerprint
check. Thin: the data come from ``document.report_data``, the files from ``files_*``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tuntas.akun.scope import pemda_get_for_user, request_scope
from tuntas.alur.models import ReportStatus
from tuntas.alur.policy import is_spm_team
from tuntas.laporan import selectors, services
from tuntas.laporan.document import report_data
from tuntas.laporan.files import FORMATS, report_file
from tuntas.laporan.models import TextKey
from tuntas.laporan.report_charts import trend_points
from tuntas.laporan.texts import default_texts
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.lookups import period_or_404
from tuntas.pendataan.selectors import year_choices


def _period(tahun: int, tw: int) -> tuple[int, int | None]:
    """``tw`` 0 is the annual report; a period the site does not know is no page (404)."""
    period_or_404(tahun, tw, annual=True)
    return tahun, (tw or None)


@login_required
@require_safe
def report_page(request: HttpRequest, kode: str, tahun: int, tw: int) -> HttpResponse:
    """The report on screen, its approval and fingerprint, and its downloads."""
    pemda = pemda_get_for_user(request, kode)
    year, quarter = _period(tahun, tw)
    data = report_data(pemda, year, quarter)
    seal = services.report_seal(data)
    scope = request_scope(request)
    return render(
        request,
        "laporan/laporan.html",
        {
            "pemda": pemda,
            "d": data,
            "sidik": seal,
            "tahun": year,
            "tw": tw,
            "years": year_choices(),
            "formats": FORMATS,
            "status_nama": ReportStatus(data.approval.status).label,
            "can_edit": is_spm_team(scope, pemda) and not scope.is_read_only_in(pemda),
            "urusan_grafik": [
                {"kode": u.kode, "nama": u.nama, "nilai": float(u.shown.nilai)}
                for u in data.urusan
                if u.shown.nilai is not None
            ],
            "trend_years": trend_points(data),
        },
    )


@login_required
@require_safe
def report_download(request: HttpRequest, kode: str, tahun: int, tw: int, fmt: str) -> HttpResponse:
    """The report as a file, built now (the background build is on the report's page)."""
    pemda = pemda_get_for_user(request, kode)
    year, quarter = _period(tahun, tw)
    if fmt not in FORMATS:
        raise Http404("Format tidak dikenal")
    content, name, mime = report_file(pemda, year, quarter, fmt)
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _editable(request: HttpRequest, pemda: Pemda) -> None:
    scope = request_scope(request)
    if not is_spm_team(scope, pemda) or scope.is_read_only_in(pemda):
        raise PermissionDenied(
            _("Hanya tim SPM (admin pemda atau verifikator) yang menyunting teks.")
        )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def texts_edit(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    """BAB I, the foreword, the closing and the head's name, for one year (empty: default)."""
    pemda = pemda_get_for_user(request, kode)
    year, _quarter = _period(tahun, 0)
    _editable(request, pemda)
    own = selectors.report_texts(pemda, year)
    defaults = default_texts(pemda, year)
    errors: dict[str, str] = {}
    if request.method == "POST":
        for key in TextKey.values:
            if key not in request.POST:
                continue
            text = request.POST.get(key, "")
            if text.strip() == defaults.get(key, "").strip():
                text = ""  # unchanged default: keep following the default
            try:
                services.report_text_save(
                    pemda=pemda,
                    year=year,
                    key=key,
                    text=text,
                    actor=request.user,  # type: ignore[arg-type]
                )
            except services.TextInvalid as exc:
                errors[exc.field] = str(exc)
        if not errors:
            messages.success(request, _("Teks laporan tersimpan."))
            return redirect("laporan-teks", kode=pemda.code, tahun=year)
        own = {**own, **{k: request.POST.get(k, "") for k in errors}}
    sections = [
        {
            "key": key,
            "label": label,
            "text": own.get(key) or defaults.get(key, ""),
            "own": key in own,
            "error": errors.get(key, ""),
        }
        for key, label in TextKey.choices
    ]
    return render(
        request,
        "laporan/teks.html",
        {"pemda": pemda, "tahun": year, "sections": sections},
        status=422 if errors else 200,
    )


def _status_name(status: str) -> str:
    return str(ReportStatus(status).label) if status in ReportStatus.values else status


@require_safe
def verify(request: HttpRequest, kode: str) -> HttpResponse:
    """Public (no login): which pemda, period and approval a fingerprint belongs to, or that it
    matches nothing."""
    found = selectors.seal_lookup(kode)
    return render(
        request,
        "laporan/verifikasi.html",
        {
            "kode": kode[:64],
            "sidik": found,
            "terkini": selectors.seal_is_current(found),
            # the status's name ("Disetujui"), not its stored value
            "status_nama": _status_name(found.status) if found else "",
        },
        status=200 if found else 404,
    )
