"""The Excel round trip for quarterly entry: download the workbook, upload it for a preview,
confirm to write it. The work is in :mod:`tuntas.pendataan.excel`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from tuntas.akun.scope import Scope, pemda_get_for_user, request_scope
from tuntas.core.errors import DomainError
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.excel import (
    MAX_UPLOAD_BYTES,
    XLSX_MIME,
    UploadAlreadyApplied,
    UploadHasErrors,
    WorkbookRefused,
    excel_upload_apply,
    excel_upload_create,
    workbook_build,
    workbook_plan,
    workbook_preview,
    workbook_read,
)
from tuntas.pendataan.lookups import period_or_404
from tuntas.pendataan.selectors import excel_upload_get


class UploadForm(forms.Form):
    berkas = forms.FileField(label=gettext_lazy("Berkas Excel (.xlsx) yang diunduh dari Tuntas"))


def _writer(request: HttpRequest, kode: str, tahun: int, tw: int) -> tuple[Pemda, Scope]:
    """The pemda (404 outside the user's scope) for a user who may enter data in it (403 for
    read-only roles)."""
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    scope = request_scope(request)
    if scope.is_read_only_in(pemda):
        raise PermissionDenied("Peran Anda hanya dapat membaca data ini.")
    return pemda, scope


@login_required
@require_safe
def workbook_download(request: HttpRequest, kode: str, tahun: int, tw: int) -> HttpResponse:
    pemda, scope = _writer(request, kode, tahun, tw)
    user: User = request.user  # type: ignore[assignment]
    plan = workbook_plan(pemda=pemda, year=tahun, quarter=tw, scope=scope, user=user)
    if not plan.sheets:
        raise PermissionDenied("Tidak ada JPD yang dapat Anda isi di pemda ini.")
    response = HttpResponse(workbook_build(plan), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{plan.file_name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def workbook_upload(request: HttpRequest, kode: str, tahun: int, tw: int) -> HttpResponse:
    pemda, scope = _writer(request, kode, tahun, tw)
    user: User = request.user  # type: ignore[assignment]
    details: list[str] = []
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["berkas"]
            try:
                if upload.size > MAX_UPLOAD_BYTES:
                    raise WorkbookRefused(_("Berkas terlalu besar (lebih dari 5 MB)."))
                parsed = workbook_read(upload.read(), pemda=pemda, year=tahun, quarter=tw)
                preview = workbook_preview(
                    pemda=pemda, year=tahun, quarter=tw, workbook=parsed, scope=scope, actor=user
                )
            except WorkbookRefused as exc:
                form.add_error("berkas", str(exc))
                details = exc.details
            else:
                stored = excel_upload_create(
                    pemda=pemda,
                    year=tahun,
                    quarter=tw,
                    file_name=upload.name or "",
                    preview=preview,
                    actor=user,
                )
                return redirect(
                    "isian-unggah-konfirmasi",
                    kode=pemda.code,
                    tahun=tahun,
                    tw=tw,
                    unggahan=stored.pk,
                )
        status = 400
    else:
        form = UploadForm()
    return render(
        request,
        "pendataan/excel_unggah.html",
        {"pemda": pemda, "tahun": tahun, "tw": tw, "form": form, "details": details},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def workbook_confirm(
    request: HttpRequest, kode: str, tahun: int, tw: int, unggahan: int
) -> HttpResponse:
    pemda, scope = _writer(request, kode, tahun, tw)
    user: User = request.user  # type: ignore[assignment]
    upload = excel_upload_get(pemda, unggahan, tahun, tw, user)
    if upload is None:
        raise Http404("Unggahan tidak ditemukan")
    error = ""
    status = 200
    if request.method == "POST":
        try:
            excel_upload_apply(pemda=pemda, upload_id=upload.pk, scope=scope, actor=user)
        except UploadAlreadyApplied as exc:
            messages.info(request, str(exc))
            return redirect("isian-daftar", kode=pemda.code, tahun=tahun, tw=tw)
        except UploadHasErrors as exc:
            error, status = str(exc), 400
        except DomainError as exc:
            error, status = str(exc), 409
        else:
            messages.success(
                request,
                _("%(n)s JPD dari berkas Excel tersimpan.") % {"n": len(upload.changes)},
            )
            return redirect("isian-daftar", kode=pemda.code, tahun=tahun, tw=tw)
    by_sheet: dict[str, list[dict[str, object]]] = {}
    for problem in upload.errors:
        by_sheet.setdefault(problem["sheet"], []).append(problem)
    return render(
        request,
        "pendataan/excel_pratinjau.html",
        {
            "pemda": pemda,
            "tahun": tahun,
            "tw": tw,
            "upload": upload,
            "errors_by_sheet": sorted(by_sheet.items()),
            "fields": [(c, f) for c in upload.changes for f in c["fields"]],
            "error": error,
        },
        status=status,
    )
