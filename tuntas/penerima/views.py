"""Web pages of the by-name recipient registry: overview, upload with a background job, the list
(masked NIK, filters, "lihat NIK" with a reason), export with a reason, template download and the
pemda's access log.

Access: only members of the pemda reach these pages (provinsi and pusat get 404: only aggregates
leave the pemda); pimpinan sees the overview counts only (403 on every by-name page); the by-name
pages of a JPD are for the operator and verifikator of its pengampu OPD, the SPM team and
admin_pemda (``selectors.can_see_names``). Every view, search and export of by-name data writes
an :class:`~tuntas.penerima.models.AccessLog` row in the same request.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tuntas.akun.scope import Scope, pemda_get_for_user, request_scope, require_admin
from tuntas.core.errors import DomainError
from tuntas.core.middleware import no_session_refresh
from tuntas.katalog.models import Jpd
from tuntas.katalog.reference import FIRST_YEAR
from tuntas.organisasi.models import Pemda
from tuntas.penerima.crypto import nik_token
from tuntas.penerima.files import (
    export_csv,
    export_rows,
    export_title,
    export_xlsx_file,
    template_xlsx,
)
from tuntas.penerima.forms import ExportForm, ListFilterForm, NikSearchForm, RevealForm, UploadForm
from tuntas.penerima.models import AccessAction, ImportJob
from tuntas.penerima.selectors import (
    RecipientRow,
    access_log_for_pemda,
    can_see_names,
    import_job_file_name,
    import_job_for_pemda,
    jpd_for_pemda,
    jpd_with_names_visible,
    recipient_entries,
    recipient_nik,
    recipient_rows,
    recipients_overview,
    villages_of,
)
from tuntas.penerima.services import (
    access_log_create,
    import_job_is_stale,
    import_job_retry,
    import_job_submit,
    import_progress_read,
    jpd_version_required,
)
from tuntas.penerima.tasks import recipients_import_task

PAGE_SIZE = 50
LOG_PAGE_SIZE = 100
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- access ------------------------------------------------------------------------------------


def _member_pemda(request: HttpRequest, kode: str) -> tuple[Pemda, Scope]:
    """The pemda for one of its own members; 404 for outsiders and for provinsi and pusat."""
    pemda = pemda_get_for_user(request, kode)
    scope = request_scope(request)
    if pemda.code not in scope.own_pemda_codes:
        raise Http404("Tidak ditemukan")
    return pemda, scope


def _deny_by_name() -> PermissionDenied:
    return PermissionDenied(
        _("Peran Anda hanya dapat melihat jumlah penerima, bukan daftar by name JPD ini.")
    )


def _by_name(request: HttpRequest, kode: str, jpd_code: str) -> tuple[Pemda, Scope, Jpd]:
    """Pemda and JPD for a user who may see this JPD's list by name (403 otherwise)."""
    pemda, scope = _member_pemda(request, kode)
    jpd = jpd_for_pemda(pemda=pemda, code=jpd_code)
    if jpd is None:
        raise Http404("JPD tidak dikenal")
    if not can_see_names(scope=scope, pemda=pemda, jpd=jpd):
        raise _deny_by_name()
    return pemda, scope, jpd


def year_choices() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


def _year(value: Any) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError) as exc:
        raise Http404("Tahun tidak dikenal") from exc
    if year not in year_choices():
        raise Http404("Tahun tidak dikenal")
    return year


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _no_store(response: HttpResponse | StreamingHttpResponse | FileResponse) -> None:
    response["Cache-Control"] = "no-store"


# --- overview ----------------------------------------------------------------------------------


@login_required
@require_safe
def overview(request: HttpRequest, kode: str) -> HttpResponse:
    pemda, scope = _member_pemda(request, kode)
    year = _year(request.GET.get("tahun", timezone.localdate().year))
    rows = recipients_overview(pemda=pemda, year=year)
    return render(
        request,
        "penerima/ringkasan.html",
        {
            "pemda": pemda,
            "tahun": year,
            "years": year_choices(),
            "rows": [(r, scope.can_write_jpd(pemda, r.opd_id)) for r in rows],
            "can_admin": scope.can_admin(pemda),
            "read_only": scope.is_read_only_in(pemda),
        },
    )


# --- upload and job ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: HttpRequest, kode: str) -> HttpResponse:
    pemda, scope = _member_pemda(request, kode)
    if scope.is_read_only_in(pemda):
        raise _deny_by_name()
    allowed = jpd_with_names_visible(scope=scope, pemda=pemda)
    if not allowed:
        raise PermissionDenied(_("Tidak ada JPD yang daftar penerimanya dapat Anda kelola."))
    choices = [(j.code, f"{j.code} {j.name}") for j in allowed]
    status = 200
    if request.method == "POST":
        code = request.POST.get("jpd", "")
        asked = jpd_for_pemda(pemda=pemda, code=code) if code else None
        if asked is not None and not can_see_names(scope=scope, pemda=pemda, jpd=asked):
            raise _deny_by_name()
        form = UploadForm(request.POST, request.FILES, jpd_choices=choices, years=year_choices())
        if form.is_valid():
            jpd = jpd_for_pemda(pemda=pemda, code=form.cleaned_data["jpd"])
            assert jpd is not None
            try:
                job = import_job_submit(
                    pemda=pemda,
                    jpd=jpd,
                    year=form.cleaned_data["tahun"],
                    upload=form.cleaned_data["berkas"],
                    accept_partial=form.cleaned_data["terima_sebagian"],
                    replace=form.cleaned_data["ganti"],
                    actor=_user(request),
                    enqueue=recipients_import_task.enqueue,
                )
            except DomainError as exc:
                form.add_error("berkas", str(exc))
            else:
                return redirect("penerima-impor", kode=pemda.code, impor=job.pk)
        status = 400
    else:
        initial: dict[str, Any] = {"tahun": timezone.localdate().year}
        if request.GET.get("jpd") in {c for c, _label in choices}:
            initial["jpd"] = request.GET["jpd"]
        if request.GET.get("tahun"):
            initial["tahun"] = _year(request.GET["tahun"])
        form = UploadForm(initial=initial, jpd_choices=choices, years=year_choices())
    return render(request, "penerima/unggah.html", {"pemda": pemda, "form": form}, status=status)


def _job_for(request: HttpRequest, kode: str, job_id: int) -> tuple[Pemda, ImportJob]:
    pemda, scope = _member_pemda(request, kode)
    job = import_job_for_pemda(pemda=pemda, job_id=job_id)
    if job is None:
        raise Http404("Impor tidak ditemukan")
    if not can_see_names(scope=scope, pemda=pemda, jpd=job.jpd):
        raise _deny_by_name()
    return pemda, job


@no_session_refresh
@login_required
@require_safe
def job_detail(request: HttpRequest, kode: str, impor: int) -> HttpResponse:
    """The job page; htmx polls it every second (the partial) until the import is finished."""
    pemda, job = _job_for(request, kode, impor)
    rows_done = import_progress_read(job)
    percent = None
    if job.is_finished:
        percent = 100
    elif job.rows_estimate:
        percent = min(99, round(100 * rows_done / job.rows_estimate))
    context = {
        "pemda": pemda,
        "job": job,
        "rows_done": rows_done,
        "percent": percent,
        # a worker that died: shown as stopped at once (the row follows when a worker runs)
        "terhenti": import_job_is_stale(job),
        "file_name": import_job_file_name(job),
        "dapat_diulang": bool(job.stored_path)
        and not _member_pemda(request, kode)[1].is_read_only_in(pemda),
    }
    template = "penerima/_impor_status.html" if request.htmx else "penerima/impor.html"  # type: ignore[attr-defined]
    response = render(request, template, context)
    _no_store(response)
    return response


@login_required
@require_POST
def job_retry(request: HttpRequest, kode: str, impor: int) -> HttpResponse:
    """Queue a failed job again with its uploaded file (a job whose worker died)."""
    pemda, job = _job_for(request, kode, impor)
    if _member_pemda(request, kode)[1].is_read_only_in(pemda):
        raise _deny_by_name()
    try:
        import_job_retry(job=job, actor=_user(request), enqueue=recipients_import_task.enqueue)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Impor dimasukkan lagi ke antrean."))
    return redirect("penerima-impor", kode=pemda.code, impor=job.pk)


@login_required
@require_safe
def job_report(request: HttpRequest, kode: str, impor: int) -> FileResponse:
    """Download the error report of a job (it holds the original rows: logged)."""
    pemda, job = _job_for(request, kode, impor)
    folder = (Path(settings.VAR_DIR) / "laporan").resolve()
    path = Path(job.report_path).resolve() if job.report_path else None
    if path is None or path.parent != folder or not path.is_file():
        raise Http404("Laporan kesalahan tidak ada")
    access_log_create(
        pemda=pemda,
        user=_user(request),
        action=AccessAction.UNDUH_LAPORAN,
        jpd=job.jpd,
        year=job.year,
        detail={"impor": job.pk, "ditolak": job.summary.get("ditolak", 0)},
    )
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"laporan-kesalahan-{pemda.code}-{job.jpd_id}-{job.year}-{job.pk}.xlsx",
        content_type=XLSX_MIME,
    )
    _no_store(response)
    return response


# --- template ----------------------------------------------------------------------------------


@login_required
@require_safe
def template_download(request: HttpRequest, kode: str, jpd: str) -> HttpResponse:
    pemda, _scope, jpd_obj = _by_name(request, kode, jpd)
    try:
        version = jpd_version_required(jpd=jpd_obj, year=timezone.localdate().year)
    except DomainError:
        version = None
    response = HttpResponse(template_xlsx(pemda, jpd_obj, version), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="templat-penerima-{jpd_obj.code}.xlsx"'
    return response


# --- list, lihat NIK, export ---------------------------------------------------------------------


def _list_form(request: HttpRequest, pemda: Pemda, data: Any) -> ListFilterForm:
    kecamatan, desa = villages_of(pemda=pemda)
    return ListFilterForm(data, kecamatan=kecamatan, desa=desa)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def recipient_list(request: HttpRequest, kode: str, tahun: int, jpd: str) -> HttpResponse:
    """The list (50 a page). A NIK search is posted and answered with a redirect to the list
    filtered by the NIK's keyed hash, so the NIK never appears in a URL."""
    pemda, _scope, jpd_obj = _by_name(request, kode, jpd)
    year = _year(tahun)
    form = _list_form(request, pemda, request.GET)
    search = NikSearchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and search.is_valid():
        query = request.GET.copy()
        query.pop("halaman", None)
        query["cari"] = nik_token(search.cleaned_data["nik"])
        return redirect(f"{request.path}?{query.urlencode()}")
    page = None
    rows: list[RecipientRow] = []
    valid = form.is_valid() and not search.errors
    if valid:
        filters = form.list_filter()
        paginator = Paginator(
            recipient_entries(pemda=pemda, jpd=jpd_obj, year=year, filters=filters), PAGE_SIZE
        )
        page = paginator.get_page(request.GET.get("halaman"))
        rows = recipient_rows(pemda=pemda, entries=page.object_list)
        access_log_create(
            pemda=pemda,
            user=_user(request),
            action=AccessAction.CARI if filters.nik_hash else AccessAction.LIHAT_DAFTAR,
            jpd=jpd_obj,
            year=year,
            detail={
                "halaman": page.number,
                "baris": len(rows),
                "jumlah": paginator.count,
                **filters.as_detail(),
            },
        )
    query = request.GET.copy()
    query.pop("halaman", None)
    without_search = query.copy()
    without_search.pop("cari", None)
    response = render(
        request,
        "penerima/daftar.html",
        {
            "pemda": pemda,
            "jpd": jpd_obj,
            "tahun": year,
            "form": form,
            "search": search,
            "searching": bool(form.is_valid() and form.cleaned_data.get("cari")),
            "page": page,
            "rows": rows,
            # the desa/kelurahan of each row by name (the filter's choices hold them all)
            "desa_names": {code: label for code, label in form.fields["desa"].choices if code},  # type: ignore[attr-defined]
            "query": query.urlencode(),
            "query_without_search": without_search.urlencode(),
        },
        status=200 if valid else 400,
    )
    _no_store(response)
    return response


@login_required
@require_POST
def reveal_nik(request: HttpRequest, kode: str, tahun: int, jpd: str) -> HttpResponse:
    """One full NIK, for a reason that is logged (htmx replaces the row's NIK cell)."""
    pemda, _scope, jpd_obj = _by_name(request, kode, jpd)
    year = _year(tahun)
    form = RevealForm(request.POST)
    nik = None
    status = 400
    if form.is_valid():
        digest = form.cleaned_data["hash_nik"]
        nik = recipient_nik(pemda=pemda, jpd=jpd_obj, year=year, nik_hash=bytes.fromhex(digest))
        if nik is None:
            raise Http404("Tidak ada di daftar")
        access_log_create(
            pemda=pemda,
            user=_user(request),
            action=AccessAction.LIHAT_NIK,
            jpd=jpd_obj,
            year=year,
            detail={"hash_nik": digest},
            reason=form.cleaned_data["alasan"],
        )
        status = 200
    response = render(
        request,
        "penerima/_nik.html",
        {"pemda": pemda, "jpd": jpd_obj, "tahun": year, "form": form, "nik": nik},
        status=status,
    )
    _no_store(response)
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def export(
    request: HttpRequest, kode: str, tahun: int, jpd: str
) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """Export the list (current filters) as CSV or XLSX: a reason is required and logged; NIK
    masked unless "sertakan NIK lengkap" is ticked (logged as such)."""
    pemda, _scope, jpd_obj = _by_name(request, kode, jpd)
    year = _year(tahun)
    filter_form = _list_form(request, pemda, request.GET)
    if not filter_form.is_valid():
        raise Http404("Penyaring tidak sah")
    filters = filter_form.list_filter()
    status = 200
    if request.method == "POST":
        form = ExportForm(request.POST)
        if form.is_valid():
            full_nik = form.cleaned_data["sertakan_nik"]
            fmt = form.cleaned_data["format"]
            count = recipient_entries(pemda=pemda, jpd=jpd_obj, year=year, filters=filters).count()
            access_log_create(
                pemda=pemda,
                user=_user(request),
                action=AccessAction.EKSPOR,
                jpd=jpd_obj,
                year=year,
                detail={
                    "format": fmt,
                    "jumlah": count,
                    "nik_lengkap": full_nik,
                    **filters.as_detail(),
                },
                reason=form.cleaned_data["alasan"],
            )
            name = f"penerima-{pemda.code}-{jpd_obj.code}-{year}-{date.today():%Y%m%d}.{fmt}"
            rows = export_rows(pemda, jpd_obj, year, filters, full_nik=full_nik)
            response: HttpResponse | StreamingHttpResponse | FileResponse
            if fmt == "csv":
                response = StreamingHttpResponse(
                    export_csv(rows, export_title(pemda, jpd_obj, year)),
                    content_type="text/csv; charset=utf-8",
                )
                response["Content-Disposition"] = f'attachment; filename="{name}"'
            else:
                response = FileResponse(
                    export_xlsx_file(rows, export_title(pemda, jpd_obj, year)),
                    as_attachment=True,
                    filename=name,
                    content_type=XLSX_MIME,
                )
            _no_store(response)
            return response
        status = 400
    else:
        form = ExportForm()
    count = recipient_entries(pemda=pemda, jpd=jpd_obj, year=year, filters=filters).count()
    return render(
        request,
        "penerima/ekspor.html",
        {
            "pemda": pemda,
            "jpd": jpd_obj,
            "tahun": year,
            "form": form,
            "count": count,
            "filters": filters.as_detail(),
            "query": request.GET.urlencode(),
        },
        status=status,
    )


# --- access log --------------------------------------------------------------------------------


@login_required
@require_safe
def access_log(request: HttpRequest, kode: str) -> HttpResponse:
    pemda, _scope = _member_pemda(request, kode)
    require_admin(request, pemda)
    page = Paginator(access_log_for_pemda(pemda=pemda), LOG_PAGE_SIZE).get_page(
        request.GET.get("halaman")
    )
    return render(request, "penerima/log.html", {"pemda": pemda, "page": page})
