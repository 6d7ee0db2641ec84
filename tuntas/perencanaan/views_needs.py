"""Pages of stage 2: the pemda's service units (list, add, edit, deactivate, import) and the
needs of a JPD and year (the table, carrying last year's quantities, local items, the import of
available quantities). Thin: reads through ``selectors`` / ``units``, writes through
``needs_services`` / ``units``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tuntas.akun.scope import pemda_get_for_user, request_scope, require_write
from tuntas.core.errors import DomainError
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.selectors import pengampu_ids, pengampu_opd_id
from tuntas.pendataan.lookups import jpd_or_404
from tuntas.perencanaan.forms_needs import (
    LocalDeleteForm,
    LocalItemForm,
    NeedsTableForm,
    UnitActiveForm,
    UnitForm,
    UploadForm,
)
from tuntas.perencanaan.needs_services import (
    NeedsConflict,
    NeedsInvalid,
    available_template_xlsx,
    local_need_delete,
    local_need_save,
    needs_available_carry,
    needs_available_import,
    needs_save,
)
from tuntas.perencanaan.selectors import JpdNeeds, jpd_needs
from tuntas.perencanaan.units import (
    KIND_SUGGESTIONS,
    XLSX_MIME,
    ImportRefused,
    UnitInvalid,
    kecamatan_of,
    service_unit_active_set,
    service_unit_save,
    service_units_import,
    unit_get,
    units_overview,
    units_template_xlsx,
)
from tuntas.perencanaan.views import plan_year_or_404

# --------------------------------------------------------------------------- service units


def _units_page(
    request: HttpRequest,
    pemda: Pemda,
    *,
    form: UnitForm | None = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    can_write = request_scope(request).can_write_jpd(pemda, None)
    kind = request.GET.get("jenis", "")[:40]
    kecamatan = request.GET.get("kecamatan", "")[:13]
    try:
        page = int(request.GET.get("halaman", "1")[:6])
    except ValueError:
        page = 1
    overview = units_overview(pemda, kind=kind, kecamatan=kecamatan, page=page)
    regions = kecamatan_of(pemda)
    editing = None
    if form is None and can_write:
        try:
            edit_id = int(request.GET.get("ubah", ""))
        except ValueError:
            edit_id = 0
        editing = unit_get(pemda, edit_id) if 0 < edit_id < 2**62 else None
        initial: dict[str, Any] = {}
        if editing is not None:
            initial = {
                "id": editing.pk,
                "jenis": editing.kind,
                "kode": editing.code,
                "nama": editing.name,
                "kode_kecamatan": editing.kecamatan,
            }
        form = UnitForm(initial=initial, kecamatan=regions)
    elif form is not None and form.is_bound:
        posted = str(form.data.get("id", ""))
        editing = unit_get(pemda, int(posted)) if posted.isdigit() and len(posted) < 18 else None
    return render(
        request,
        "perencanaan/unit.html",
        {
            "pemda": pemda,
            "overview": overview,
            "kecamatan": regions,
            "kind": kind,
            "kecamatan_filter": kecamatan,
            "can_write": can_write,
            "form": form,
            "editing": editing,
            "kinds": sorted(set(KIND_SUGGESTIONS) | set(overview.counts)),
            "error": error,
            "tahun_ini": date.today().year,
            "page_numbers": range(1, overview.pages + 1),
        },
        status=status,
    )


@login_required
@require_safe
def unit_list(request: HttpRequest, kode: str) -> HttpResponse:
    """The pemda's service units by kind and kecamatan, with the count of each kind."""
    pemda = pemda_get_for_user(request, kode)
    return _units_page(request, pemda)


@login_required
@require_POST
def unit_save(request: HttpRequest, kode: str) -> HttpResponse:
    pemda = pemda_get_for_user(request, kode)
    require_write(request, pemda, None)
    form = UnitForm(request.POST, kecamatan=kecamatan_of(pemda))
    if form.is_valid():
        try:
            unit = service_unit_save(
                pemda=pemda,
                unit_id=form.cleaned_data["id"],
                data=form.to_input(),
                actor=request.user,  # type: ignore[arg-type]
            )
        except UnitInvalid as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message)
        except DomainError as exc:
            raise Http404(str(exc)) from exc
        else:
            messages.success(request, _("Unit layanan %(name)s tersimpan.") % {"name": unit.name})
            return redirect("perencanaan-unit", kode=pemda.code)
    return _units_page(request, pemda, form=form, status=400)


@login_required
@require_POST
def unit_active(request: HttpRequest, kode: str) -> HttpResponse:
    """Deactivate a unit (it stops counting in per-unit needs) or activate it again."""
    pemda = pemda_get_for_user(request, kode)
    require_write(request, pemda, None)
    form = UnitActiveForm(request.POST)
    if not form.is_valid():
        return _units_page(request, pemda, status=400, error=_("Permintaan tidak lengkap."))
    try:
        unit = service_unit_active_set(
            pemda=pemda,
            unit_id=form.unit_id(),
            active=form.active(),
            actor=request.user,  # type: ignore[arg-type]
        )
    except DomainError as exc:
        raise Http404(str(exc)) from exc
    if unit.active:
        messages.success(request, _("Unit %(name)s aktif kembali.") % {"name": unit.name})
    else:
        messages.success(request, _("Unit %(name)s dinonaktifkan.") % {"name": unit.name})
    return redirect("perencanaan-unit", kode=pemda.code)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def unit_import(request: HttpRequest, kode: str) -> HttpResponse:
    """Import the units from Excel or CSV (``jenis, kode, nama, kode_kecamatan``)."""
    pemda = pemda_get_for_user(request, kode)
    require_write(request, pemda, None)
    details: list[str] = []
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["berkas"]
            try:
                data = _read_upload(upload)
                summary = service_units_import(
                    pemda=pemda,
                    data=data,
                    file_name=upload.name or "",
                    actor=request.user,  # type: ignore[arg-type]
                )
            except ImportRefused as exc:
                form.add_error("berkas", str(exc))
                details = exc.details
            else:
                messages.success(
                    request,
                    _("%(n)d unit diimpor: %(c)d baru, %(u)d diubah, %(s)d tetap.")
                    % {
                        "n": summary.total,
                        "c": summary.created,
                        "u": summary.updated,
                        "s": summary.unchanged,
                    },
                )
                return redirect("perencanaan-unit", kode=pemda.code)
        status = 400
    else:
        form = UploadForm()
    return render(
        request,
        "perencanaan/unit_impor.html",
        {"pemda": pemda, "form": form, "details": details},
        status=status,
    )


def _read_upload(upload: Any) -> bytes:
    from tuntas.perencanaan.units import MAX_UPLOAD_BYTES

    if upload.size > MAX_UPLOAD_BYTES:
        raise ImportRefused(_("Berkas terlalu besar (lebih dari 5 MB)."))
    data: bytes = upload.read(MAX_UPLOAD_BYTES + 1)
    return data


@login_required
@require_safe
def unit_template(request: HttpRequest, kode: str) -> HttpResponse:
    """The import template, holding the pemda's units so far and its kecamatan codes."""
    pemda = pemda_get_for_user(request, kode)
    response = HttpResponse(units_template_xlsx(pemda), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="unit-layanan-{pemda.code}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- needs


def _needs_page(
    request: HttpRequest,
    pemda: Pemda,
    jpd: Jpd,
    year: int,
    *,
    needs: JpdNeeds,
    can_write: bool,
    table: NeedsTableForm | None = None,
    local: LocalItemForm | None = None,
    conflict: dict[str, int] | None = None,
    status: int = 200,
) -> HttpResponse:
    if table is None:
        table = NeedsTableForm(rows=needs.rows)
    editing = None
    if local is None:
        initial: dict[str, Any] = {}
        try:
            local_id = int(request.GET.get("lokal", ""))
        except ValueError:
            local_id = 0
        editing = next(
            (r.stored for r in needs.rows if r.local and r.stored and r.stored.pk == local_id),
            None,
        )
        if editing is not None:
            initial = {
                "id": editing.pk,
                "nama": editing.local_name,
                "satuan": editing.local_unit,
                "dasar": editing.local_basis,
                "jumlah": (
                    ""
                    if editing.local_quantity is None
                    else format(editing.local_quantity.normalize(), "f")
                ),
                "unit_layanan": editing.local_service_unit,
            }
        local = LocalItemForm(initial=initial)
    elif local.is_bound and str(local.data.get("id", "")).isdigit():
        editing = next(
            (
                r.stored
                for r in needs.rows
                if r.local and r.stored and str(r.stored.pk) == local.data["id"]
            ),
            None,
        )
    return render(
        request,
        "perencanaan/kebutuhan.html",
        {
            "pemda": pemda,
            "jpd": jpd,
            "tahun": year,
            "needs": needs,
            "table": table,
            "local": local,
            "editing": editing,
            "can_write": can_write,
            "conflict": conflict or {},
            "by_source": [
                (label, needs.cost_by_source[value])
                for value, label in _funding_choices()
                if value in needs.cost_by_source
            ],
            "kinds": KIND_SUGGESTIONS,
            "funding_labels": dict(_funding_choices()),
        },
        status=status,
    )


def _funding_choices() -> list[tuple[str, str]]:
    from tuntas.perencanaan.models import FundingSource

    return [(str(v), str(label)) for v, label in FundingSource.choices]


def _needs_context(
    request: HttpRequest, kode: str, tahun: int, jpd: str
) -> tuple[Pemda, Jpd, int | None, bool]:
    pemda = pemda_get_for_user(request, kode)
    plan_year_or_404(tahun)
    jpd_obj = jpd_or_404(pemda, jpd)
    opd_id = pengampu_opd_id(pemda=pemda, jpd=jpd_obj)
    return pemda, jpd_obj, opd_id, request_scope(request).can_write_jpd(pemda, opd_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def needs_page(request: HttpRequest, kode: str, tahun: int, jpd: str) -> HttpResponse:
    """The needs of one JPD and year: required (from the catalog's rule, rounded up),
    available, gap, unit price and cost per item, the target and its source, totals per
    funding source; writers edit the table in one form."""
    pemda, jpd_obj, opd_id, can_write = _needs_context(request, kode, tahun, jpd)
    needs = jpd_needs(pemda, jpd_obj, tahun)
    if request.method != "POST":
        return _needs_page(request, pemda, jpd_obj, tahun, needs=needs, can_write=can_write)
    require_write(request, pemda, opd_id)
    form = NeedsTableForm(request.POST, rows=needs.rows)
    if form.is_valid():
        try:
            changed = needs_save(
                pemda=pemda,
                jpd=jpd_obj,
                year=tahun,
                rows=form.to_input(),
                actor=request.user,  # type: ignore[arg-type]
            )
        except NeedsInvalid as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message)
        except NeedsConflict as exc:
            # the user's values are kept; the versions now stored let the next save replace
            data = request.POST.copy()
            for key, version in exc.current.items():
                data[f"versi_{key}"] = str(version)
            fresh = jpd_needs(pemda, jpd_obj, tahun)
            form = NeedsTableForm(data, rows=fresh.rows)
            form.is_valid()
            return _needs_page(
                request,
                pemda,
                jpd_obj,
                tahun,
                needs=fresh,
                can_write=can_write,
                table=form,
                conflict=exc.current,
                status=409,
            )
        else:
            if changed:
                messages.success(request, _("%(n)d baris kebutuhan tersimpan.") % {"n": changed})
            else:
                messages.info(request, _("Tidak ada perubahan."))
            return redirect("perencanaan-kebutuhan", kode=pemda.code, tahun=tahun, jpd=jpd_obj.code)
    return _needs_page(
        request, pemda, jpd_obj, tahun, needs=needs, can_write=can_write, table=form, status=400
    )


@login_required
@require_POST
def needs_carry(request: HttpRequest, kode: str, tahun: int, jpd: str) -> HttpResponse:
    """Copy last year's available quantities where this year's are empty."""
    pemda, jpd_obj, opd_id, _can_write = _needs_context(request, kode, tahun, jpd)
    require_write(request, pemda, opd_id)
    filled = needs_available_carry(
        pemda=pemda,
        jpd=jpd_obj,
        year=tahun,
        actor=request.user,  # type: ignore[arg-type]
    )
    if filled:
        messages.success(
            request,
            _("%(n)d jumlah tersedia disalin dari tahun %(y)d.") % {"n": filled, "y": tahun - 1},
        )
    else:
        messages.info(
            request,
            _("Tidak ada yang disalin: tahun %(y)d tidak punya jumlah tersedia untuk baris yang "
              "masih kosong.") % {"y": tahun - 1},
        )  # fmt: skip
    return redirect("perencanaan-kebutuhan", kode=pemda.code, tahun=tahun, jpd=jpd_obj.code)


@login_required
@require_POST
def local_save(request: HttpRequest, kode: str, tahun: int, jpd: str) -> HttpResponse:
    """Add or change a local item (name, unit, rule)."""
    pemda, jpd_obj, opd_id, can_write = _needs_context(request, kode, tahun, jpd)
    require_write(request, pemda, opd_id)
    form = LocalItemForm(request.POST)
    if form.is_valid():
        try:
            item = local_need_save(
                pemda=pemda,
                jpd=jpd_obj,
                year=tahun,
                item_id=form.cleaned_data["id"],
                data=form.to_input(),
                actor=request.user,  # type: ignore[arg-type]
            )
        except NeedsInvalid as exc:
            for name, message in exc.errors.items():
                form.add_error(name if name in form.fields else None, message)
        except DomainError as exc:
            raise Http404(str(exc)) from exc
        else:
            messages.success(
                request, _("Item lokal %(name)s tersimpan.") % {"name": item.local_name}
            )
            return redirect("perencanaan-kebutuhan", kode=pemda.code, tahun=tahun, jpd=jpd_obj.code)
    needs = jpd_needs(pemda, jpd_obj, tahun)
    return _needs_page(
        request, pemda, jpd_obj, tahun, needs=needs, can_write=can_write, local=form, status=400
    )


@login_required
@require_POST
def local_delete(request: HttpRequest, kode: str, tahun: int, jpd: str) -> HttpResponse:
    pemda, jpd_obj, opd_id, can_write = _needs_context(request, kode, tahun, jpd)
    require_write(request, pemda, opd_id)
    form = LocalDeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih item lokal yang akan dihapus."))
        needs = jpd_needs(pemda, jpd_obj, tahun)
        return _needs_page(
            request, pemda, jpd_obj, tahun, needs=needs, can_write=can_write, status=400
        )
    try:
        local_need_delete(
            pemda=pemda,
            jpd=jpd_obj,
            year=tahun,
            item_id=form.cleaned_data["id"],
            actor=request.user,  # type: ignore[arg-type]
        )
    except DomainError as exc:
        raise Http404(str(exc)) from exc
    messages.success(request, _("Item lokal dihapus."))
    return redirect("perencanaan-kebutuhan", kode=pemda.code, tahun=tahun, jpd=jpd_obj.code)


def _writable_jpd(request: HttpRequest, pemda: Pemda) -> set[str] | None:
    """JPD codes whose needs the user may write (``None``: all); 403 for a read-only role."""
    scope = request_scope(request)
    if scope.is_read_only_in(pemda):
        raise PermissionDenied(_("Peran Anda hanya dapat membaca data ini."))
    allowed = scope.writable_opd_ids(pemda)
    if allowed is None:
        return None
    return {code for code, opd in pengampu_ids(pemda=pemda).items() if opd in allowed}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def available_import(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    """Import the available quantities of a year (``kode_jpd, kode_item, tersedia``)."""
    pemda = pemda_get_for_user(request, kode)
    plan_year_or_404(tahun)
    writable = _writable_jpd(request, pemda)
    details: list[str] = []
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["berkas"]
            user: User = request.user  # type: ignore[assignment]
            try:
                summary = needs_available_import(
                    pemda=pemda,
                    year=tahun,
                    data=_read_upload(upload),
                    file_name=upload.name or "",
                    may_write=lambda code: writable is None or code in writable,
                    actor=user,
                )
            except ImportRefused as exc:
                form.add_error("berkas", str(exc))
                details = exc.details
            else:
                messages.success(
                    request,
                    _("%(n)d jumlah tersedia diimpor: %(c)d baru, %(u)d diubah, %(s)d tetap.")
                    % {
                        "n": summary.total,
                        "c": summary.created,
                        "u": summary.updated,
                        "s": summary.unchanged,
                    },
                )
                return redirect("perencanaan", kode=pemda.code, tahun=tahun)
        status = 400
    else:
        form = UploadForm()
    return render(
        request,
        "perencanaan/kebutuhan_impor.html",
        {"pemda": pemda, "tahun": tahun, "form": form, "details": details},
        status=status,
    )


@login_required
@require_safe
def available_template(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    """The template of the import: every item of the JPD the user may write, with what is
    available now."""
    pemda = pemda_get_for_user(request, kode)
    plan_year_or_404(tahun)
    writable = _writable_jpd(request, pemda)
    response = HttpResponse(available_template_xlsx(pemda, tahun, writable), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="tersedia-{pemda.code}-{tahun}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
