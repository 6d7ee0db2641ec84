"""Pages of the four stages, their documents and the action plan (thin: reads through
``stages`` and ``action_plan``, writes through their services).

Who may do what: every reader of the pemda (its members, the province, pusat) sees the stages,
downloads their documents and the action plan; a member who enters data uploads a document for
a JPD of an OPD they write for, the SPM team and the admin for any JPD and for the whole pemda;
a document is deleted by its uploader or the admin; the action plan is written by the SPM team
and the admin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tuntas.akun.scope import pemda_get_for_user, request_scope, require_write
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.selectors import pengampu_ids
from tuntas.perencanaan.action_plan import (
    ActionPlanError,
    action_item_create,
    action_item_delete,
    action_item_get,
    action_item_move,
    action_item_update,
    action_items,
    jpd_choices,
    opd_choices,
    status_counts,
)
from tuntas.perencanaan.exports_rencana_aksi import (
    DOCX_MIME,
    PDF_MIME,
    action_plan_docx,
    action_plan_pdf,
    document_context,
    file_name,
)
from tuntas.perencanaan.forms_stages import PEMDA_WIDE, ActionItemForm, StageDocumentForm
from tuntas.perencanaan.selectors import plan_years
from tuntas.perencanaan.stages import (
    CONTENT_TYPES,
    STAGES,
    DocumentRefused,
    document_download_name,
    document_file,
    document_kind_label,
    document_type,
    jpds_for,
    pemda_stages,
    stage_document_delete,
    stage_document_get,
    stage_document_store,
)
from tuntas.perencanaan.views import plan_year_or_404


def _pemda(request: HttpRequest, kode: str, tahun: int) -> Pemda:
    pemda = pemda_get_for_user(request, kode)
    plan_year_or_404(tahun)
    return pemda


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


# --- the four stages ----------------------------------------------------------------------------


@login_required
@require_safe
def stages_page(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    """Every JPD × the four stages: done, partly or not, with the reason and the documents."""
    pemda = _pemda(request, kode, tahun)
    scope = request_scope(request)
    found = pemda_stages(pemda, tahun)
    return render(
        request,
        "perencanaan/tahap.html",
        {
            "pemda": pemda,
            "tahun": tahun,
            "years": plan_years(),
            "found": found,
            "stage_numbers": STAGES,
            "can_upload": not scope.is_read_only_in(pemda),
            "can_admin": scope.can_admin(pemda),
            "kind_label": {d.pk: document_kind_label(d.kind) for d in found.documents},
        },
    )


def _writable_jpds(request: HttpRequest, pemda: Pemda) -> tuple[list[Jpd], bool]:
    """The JPD the user may file documents for, and whether for the whole pemda too (the SPM
    team and the admin); 403 for a read-only role."""
    scope = request_scope(request)
    if scope.is_read_only_in(pemda):
        raise PermissionDenied(_("Peran Anda hanya dapat membaca data ini."))
    jpds = jpds_for(pemda)
    allowed = scope.writable_opd_ids(pemda)
    if allowed is None:
        return jpds, True
    owners = pengampu_ids(pemda=pemda)
    return [j for j in jpds if owners.get(j.code) in allowed], False


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def document_upload(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    pemda = _pemda(request, kode, tahun)
    jpds, pemda_wide = _writable_jpds(request, pemda)
    status = 200
    if request.method == "POST":
        form = StageDocumentForm(request.POST, request.FILES, jpds=jpds, pemda_wide=pemda_wide)
        if form.is_valid():
            code = form.cleaned_data["jpd"]
            jpd = next((j for j in jpds if j.code == code), None)
            if code != PEMDA_WIDE and jpd is None:
                raise Http404("JPD tidak dikenal")
            if jpd is None:
                require_write(request, pemda, None)
            upload = form.cleaned_data["berkas"]
            try:
                stage_document_store(
                    pemda=pemda,
                    year=tahun,
                    stage=form.cleaned_data["tahap"],
                    kind=form.cleaned_data["jenis"],
                    title=form.cleaned_data["judul"],
                    jpd=jpd,
                    file_name=upload.name or "",
                    chunks=upload.chunks(),
                    size_hint=upload.size,
                    actor=_user(request),
                )
            except DocumentRefused as exc:
                form.add_error("berkas", str(exc))
            else:
                messages.success(request, _("Dokumen tersimpan."))
                return redirect("perencanaan-tahap", kode=pemda.code, tahun=tahun)
        status = 400
    else:
        form = StageDocumentForm(
            jpds=jpds,
            pemda_wide=pemda_wide,
            initial={"tahap": request.GET.get("tahap", "1"), "jpd": request.GET.get("jpd", "")},
        )
    return render(
        request,
        "perencanaan/tahap_unggah.html",
        {"pemda": pemda, "tahun": tahun, "form": form},
        status=status,
    )


@login_required
@require_safe
def document_download(request: HttpRequest, kode: str, tahun: int, dokumen: int) -> FileResponse:
    """A stage document, for every reader of the pemda; never served from a public folder."""
    pemda = _pemda(request, kode, tahun)
    document = stage_document_get(pemda, tahun, dokumen)
    path = document_file(document) if document is not None else None
    if document is None or path is None:
        raise Http404("Dokumen tidak ditemukan")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=document_download_name(document),
        content_type=CONTENT_TYPES.get(document_type(document), "application/octet-stream"),
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def document_delete(request: HttpRequest, kode: str, tahun: int, dokumen: int) -> HttpResponse:
    pemda = _pemda(request, kode, tahun)
    document = stage_document_get(pemda, tahun, dokumen)
    if document is None:
        raise Http404("Dokumen tidak ditemukan")
    scope = request_scope(request)
    own = document.uploaded_by_id == request.user.pk and not scope.is_read_only_in(pemda)
    if not (own or scope.can_admin(pemda)):
        raise PermissionDenied(_("Hanya pengunggah atau admin pemda yang dapat menghapus dokumen."))
    stage_document_delete(pemda=pemda, document=document, actor=_user(request))
    messages.success(request, _("Dokumen dihapus."))
    return redirect("perencanaan-tahap", kode=pemda.code, tahun=tahun)


# --- the action plan ----------------------------------------------------------------------------


@login_required
@require_safe
def action_plan_page(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    pemda = _pemda(request, kode, tahun)
    items = action_items(pemda, tahun)
    return render(
        request,
        "perencanaan/rencana_aksi.html",
        {
            **document_context(pemda, tahun, items),
            "items": items,
            "years": plan_years(),
            "counts": status_counts(items),
            "can_write": request_scope(request).can_write_jpd(pemda, None),
            "cetak": False,
        },
    )


def _plan_writer(request: HttpRequest, kode: str, tahun: int) -> Pemda:
    pemda = _pemda(request, kode, tahun)
    require_write(request, pemda, None)  # the SPM team and the admin
    return pemda


def _action_form(
    request: HttpRequest, pemda: Pemda, tahun: int, initial: dict[str, object]
) -> ActionItemForm:
    return ActionItemForm(
        request.POST if request.method == "POST" else None,
        year=tahun,
        opds=opd_choices(pemda),
        jpds=jpd_choices(pemda),
        initial=initial,
    )


def _back(pemda: Pemda, tahun: int) -> HttpResponse:
    return redirect("perencanaan-rencana-aksi", kode=pemda.code, tahun=tahun)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_item_new(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    pemda = _plan_writer(request, kode, tahun)
    form = _action_form(request, pemda, tahun, initial={"status": "belum"})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                action_item_create(
                    pemda=pemda, year=tahun, data=form.action_data(), actor=_user(request)
                )
            except ActionPlanError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Kegiatan ditambahkan."))
                return _back(pemda, tahun)
        status = 400
    return render(
        request,
        "perencanaan/rencana_aksi_form.html",
        {"pemda": pemda, "tahun": tahun, "form": form, "item": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_item_edit(request: HttpRequest, kode: str, tahun: int, aksi: int) -> HttpResponse:
    pemda = _plan_writer(request, kode, tahun)
    item = action_item_get(pemda, tahun, aksi)
    if item is None:
        raise Http404("Kegiatan tidak ditemukan")
    form = _action_form(request, pemda, tahun, initial=ActionItemForm.initial_from(item))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                action_item_update(
                    pemda=pemda,
                    year=tahun,
                    item_id=item.pk,
                    data=form.action_data(),
                    actor=_user(request),
                )
            except ActionPlanError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Kegiatan diperbarui."))
                return _back(pemda, tahun)
        status = 400
    return render(
        request,
        "perencanaan/rencana_aksi_form.html",
        {"pemda": pemda, "tahun": tahun, "form": form, "item": item},
        status=status,
    )


@login_required
@require_POST
def action_item_remove(request: HttpRequest, kode: str, tahun: int, aksi: int) -> HttpResponse:
    pemda = _plan_writer(request, kode, tahun)
    try:
        action_item_delete(pemda=pemda, year=tahun, item_id=aksi, actor=_user(request))
    except ActionPlanError as exc:
        raise Http404(str(exc)) from exc
    messages.success(request, _("Kegiatan dihapus."))
    return _back(pemda, tahun)


@login_required
@require_POST
def action_item_reorder(request: HttpRequest, kode: str, tahun: int, aksi: int) -> HttpResponse:
    pemda = _plan_writer(request, kode, tahun)
    if action_item_get(pemda, tahun, aksi) is None:
        raise Http404("Kegiatan tidak ditemukan")
    try:
        action_item_move(
            pemda=pemda,
            year=tahun,
            item_id=aksi,
            direction=request.POST.get("arah", ""),
            actor=_user(request),
        )
    except ActionPlanError as exc:
        messages.error(request, str(exc))
    return _back(pemda, tahun)


@login_required
@require_safe
def action_plan_download(request: HttpRequest, kode: str, tahun: int, fmt: str) -> HttpResponse:
    """The plan as DOCX (editable) or PDF (printed from the screen's template)."""
    pemda = _pemda(request, kode, tahun)
    items = action_items(pemda, tahun)
    if fmt == "docx":
        body, mime = action_plan_docx(pemda, tahun, items), DOCX_MIME
    elif fmt == "pdf":
        body, mime = action_plan_pdf(pemda, tahun, items), PDF_MIME
    else:
        raise Http404("Format tidak dikenal")
    response = HttpResponse(body, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{file_name(pemda, tahun, fmt)}"'
    return _no_store(response)
