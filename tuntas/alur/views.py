"""Pages of the approval workflow (thin: reads through ``selectors``, steps through
``services``). A step refused for the caller's role is 403; refused from where things stand, or
missing its reason, it comes back to the page with the Indonesian message (nothing changed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tuntas.akun.scope import pemda_get_for_user, request_scope
from tuntas.alur.exports import audit_xlsx
from tuntas.alur.selectors import (
    diff,
    flag_get,
    jpd_flags,
    jpd_state_get,
    jpd_steps_allowed,
    named,
    report_board,
    report_state_get,
    value_history,
)
from tuntas.alur.services import (
    StepForbidden,
    StepInvalid,
    StepRefused,
    flag_comment_add,
    jpd_step,
    report_step,
)
from tuntas.organisasi.selectors import pengampu_opd_id
from tuntas.pendataan.lookups import jpd_or_404, period_or_404
from tuntas.pendataan.selectors import entry_snapshots, jpd_get_for_pemda, year_choices
from tuntas.pendataan.services import mutu_items_for
from tuntas.pendataan.values import field_labels


@login_required
@require_safe
def report_page(request: HttpRequest, kode: str, tahun: int, tw: int) -> HttpResponse:
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    board = report_board(request_scope(request), pemda, tahun, tw)
    return render(
        request,
        "alur/laporan.html",
        {
            "pemda": pemda,
            "tahun": tahun,
            "tw": tw,
            "board": board,
            "years": year_choices(),
        },
    )


def _refused(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, StepForbidden):
        raise PermissionDenied(str(exc))
    messages.error(request, str(exc))


@login_required
@require_POST
def report_action(request: HttpRequest, kode: str, tahun: int, tw: int) -> HttpResponse:
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    step = request.POST.get("aksi", "")
    points = []
    for value in request.POST.getlist("tanda"):  # "<kode JPD>" or "<kode JPD>|<isian>"
        code, _sep, field = value.partition("|")
        jpd = jpd_get_for_pemda(pemda, code.strip())
        if jpd is None:
            messages.error(request, _("JPD %(kode)s tidak dikenal.") % {"kode": code[:20]})
            return redirect("alur-laporan", kode=pemda.code, tahun=tahun, tw=tw)
        points.append((jpd, field.strip()))
    try:
        report = report_step(
            scope=request_scope(request),
            pemda=pemda,
            year=tahun,
            quarter=tw,
            step=step,
            actor=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("alasan", ""),
            points=points,
        )
    except (StepForbidden, StepRefused, StepInvalid) as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("Laporan TW%(tw)s %(tahun)s kini %(status)s.")
            % {"tw": tw, "tahun": tahun, "status": report.get_status_display().lower()},
        )
    return redirect("alur-laporan", kode=pemda.code, tahun=tahun, tw=tw)


@login_required
@require_safe
def jpd_page(request: HttpRequest, kode: str, tahun: int, tw: int, jpd: str) -> HttpResponse:
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    jpd_obj = jpd_or_404(pemda, jpd)
    scope = request_scope(request)
    state = jpd_state_get(pemda, jpd_obj, tahun, tw)
    report = report_state_get(pemda, tahun, tw)
    opd_id = pengampu_opd_id(pemda=pemda, jpd=jpd_obj)
    labels = field_labels(mutu_items_for(jpd=jpd_obj, year=tahun))
    now = entry_snapshots(pemda, tahun, tw, [jpd_obj.code]).get(jpd_obj.code, {})
    changes = diff(state.verified_values, now, labels) if state.verified_values else []
    return render(
        request,
        "alur/jpd.html",
        {
            "pemda": pemda,
            "tahun": tahun,
            "tw": tw,
            "jpd": jpd_obj,
            "state": state,
            "report": report,
            "steps": named(jpd_steps_allowed(scope, pemda, report.status, state.status, opd_id)),
            "labels": labels,
            "changes": changes,
            "flags": jpd_flags(pemda, jpd_obj, tahun, tw, open_only=False),
            "history": value_history(pemda, jpd_obj, tahun, tw),
            "may_comment": scope.can_write_jpd(pemda, opd_id) and not scope.is_read_only_in(pemda),
        },
    )


@login_required
@require_POST
def jpd_action(request: HttpRequest, kode: str, tahun: int, tw: int, jpd: str) -> HttpResponse:
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    jpd_obj = jpd_or_404(pemda, jpd)
    try:
        state = jpd_step(
            scope=request_scope(request),
            pemda=pemda,
            jpd=jpd_obj,
            year=tahun,
            quarter=tw,
            step=request.POST.get("aksi", ""),
            actor=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("alasan", ""),
            fields=request.POST.getlist("isian"),
        )
    except (StepForbidden, StepRefused, StepInvalid) as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("JPD %(jpd)s kini %(status)s.")
            % {"jpd": jpd_obj.code, "status": state.get_status_display().lower()},
        )
    back = request.POST.get("kembali")
    if back == "laporan":
        return redirect("alur-laporan", kode=pemda.code, tahun=tahun, tw=tw)
    return redirect("alur-jpd", kode=pemda.code, tahun=tahun, tw=tw, jpd=jpd_obj.code)


@login_required
@require_POST
def flag_comment(request: HttpRequest, kode: str, tahun: int, tw: int, tanda: int) -> HttpResponse:
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    flag = flag_get(pemda, tanda)
    if flag is None or flag.year != tahun or flag.quarter != tw:
        raise Http404("Tanda isian tidak ditemukan")
    try:
        flag_comment_add(
            scope=request_scope(request),
            pemda=pemda,
            flag=flag,
            text=request.POST.get("komentar", ""),
            actor=request.user,  # type: ignore[arg-type]
            resolve=request.POST.get("selesai") == "1",
        )
    except (StepForbidden, StepRefused, StepInvalid) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Tersimpan."))
    return redirect("alur-jpd", kode=pemda.code, tahun=tahun, tw=tw, jpd=flag.jpd_id)


@login_required
@require_safe
def audit_download(request: HttpRequest, kode: str, tahun: int, tw: int) -> FileResponse:
    """Every audited change of the quarter as XLSX (readers of the pemda)."""
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    return FileResponse(
        audit_xlsx(pemda, tahun, tw),
        as_attachment=True,
        filename=f"riwayat-{pemda.code}-{tahun}-TW{tw}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
