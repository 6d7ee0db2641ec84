"""Pages of the price list (SSH), the prices linked to a JPD's needs, activity costing and the
cost totals (thin: reads through ``prices``/``costing``/``selectors``, writes through their
services). Who writes: the SPM team and admin pemda for the price list; the JPD's OPD too for
its prices and activities. Every member, the province and pusat read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tuntas.akun.scope import pemda_get_for_user, request_scope, require_write
from tuntas.core.errors import DomainError
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.selectors import pengampu_opd_id
from tuntas.pendataan.selectors import jpd_get_for_pemda
from tuntas.perencanaan.costing import (
    XLSX_MIME,
    ActivityInput,
    ActivityMissing,
    activity_cost_delete,
    activity_cost_save,
    activity_get,
    cost_totals,
    cost_totals_xlsx,
)
from tuntas.perencanaan.forms_cost import (
    ActivityDeleteForm,
    ActivityForm,
    NeedPriceForm,
    PriceDeleteForm,
    PriceItemForm,
    PriceUploadForm,
)
from tuntas.perencanaan.prices import (
    MAX_UPLOAD_BYTES,
    NeedPriceChoice,
    PriceFileRefused,
    PriceItemMissing,
    PriceLinked,
    need_price_rows,
    need_prices_set,
    price_file_read,
    price_item_delete,
    price_item_get,
    price_item_save,
    price_items_search,
    price_list_get,
    price_list_import,
    price_list_xlsx,
)
from tuntas.perencanaan.selectors import jpd_needs
from tuntas.perencanaan.views import plan_year_or_404
from tuntas.perhitungan.kebutuhan import money_total

PAGE_SIZE = 50
QUERY_MAX = 100


def _pemda(request: HttpRequest, kode: str, tahun: int) -> Pemda:
    pemda = pemda_get_for_user(request, kode)
    plan_year_or_404(tahun)
    return pemda


def _jpd(pemda: Pemda, code: str) -> tuple[Jpd, int | None]:
    """The JPD of the pemda's level (404 otherwise) and the id of its pengampu OPD."""
    jpd = jpd_get_for_pemda(pemda, code)
    if jpd is None:
        raise Http404("JPD tidak dikenal")
    return jpd, pengampu_opd_id(pemda=pemda, jpd=jpd)


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) <= 18 else None


# --- the price list ----------------------------------------------------------------------------


def _price_page(
    request: HttpRequest, pemda: Pemda, tahun: int, form: PriceItemForm, status: int = 200
) -> HttpResponse:
    query = request.GET.get("q", "")[:QUERY_MAX].strip()
    page = Paginator(price_items_search(pemda, tahun, query), PAGE_SIZE).get_page(
        request.GET.get("halaman")
    )
    return render(
        request,
        "perencanaan/harga.html",
        {
            "pemda": pemda,
            "tahun": tahun,
            "price_list": price_list_get(pemda, tahun),
            "page": page,
            "q": query,
            "form": form,
            "can_write": request_scope(request).can_write_jpd(pemda, None),
            "editing": bool(form["item"].value()),
        },
        status=status,
    )


@login_required
@require_safe
def price_list(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    """The year's SSH, searchable by code or description, paginated; the form to add a price
    (or change one: ``?ubah=<id>``) for those who may write it."""
    pemda = _pemda(request, kode, tahun)
    form = PriceItemForm()
    edit_id = _int(request.GET.get("ubah"))
    if edit_id is not None and request_scope(request).can_write_jpd(pemda, None):
        item = price_item_get(pemda, tahun, edit_id)
        if item is None:
            raise Http404("Harga tidak ditemukan")
        form = PriceItemForm(
            initial={"item": item.pk, "kode": item.code, "uraian": item.description,
                     "satuan": item.unit, "harga": str(item.price)}
        )  # fmt: skip
    return _price_page(request, pemda, tahun, form)


@login_required
@require_POST
def price_save(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    pemda = _pemda(request, kode, tahun)
    require_write(request, pemda, None)
    form = PriceItemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = price_item_save(
                pemda=pemda,
                year=tahun,
                item_id=data["item"],
                code=data["kode"],
                description=data["uraian"],
                unit=data["satuan"],
                price=data["harga"],
                actor=_actor(request),
            )
        except PriceItemMissing as exc:
            raise Http404(str(exc)) from exc
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Harga %(code)s tersimpan.") % {"code": item.code})
            return redirect(
                reverse("perencanaan-harga", args=[pemda.code, tahun]) + f"?q={item.code}"
            )
    return _price_page(request, pemda, tahun, form, status=400)


@login_required
@require_POST
def price_delete(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    pemda = _pemda(request, kode, tahun)
    require_write(request, pemda, None)
    form = PriceDeleteForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Harga yang akan dihapus tidak dikenal."))
    try:
        unlinked = price_item_delete(
            pemda=pemda,
            year=tahun,
            item_id=form.cleaned_data["item"],
            unlink=form.cleaned_data["lepas"],
            actor=_actor(request),
        )
    except PriceItemMissing as exc:
        raise Http404(str(exc)) from exc
    except PriceLinked as exc:
        messages.error(request, " ".join([str(exc), *exc.details]))
    else:
        messages.success(
            request,
            _("Harga dihapus; %(n)d tautan dilepas.") % {"n": unlinked}
            if unlinked
            else _("Harga dihapus."),
        )
    return redirect("perencanaan-harga", pemda.code, tahun)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def price_upload(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    """Import the year's SSH from Excel or CSV: all or nothing, every bad row by row and
    column; the list is replaced, links kept (see ``prices``)."""
    pemda = _pemda(request, kode, tahun)
    require_write(request, pemda, None)
    details: list[str] = []
    status = 200
    form = PriceUploadForm()
    if request.method == "POST":
        form = PriceUploadForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["berkas"]
            try:
                if (upload.size or 0) > MAX_UPLOAD_BYTES:
                    raise PriceFileRefused(
                        _("Berkas terlalu besar (lebih dari %(max)d MB).")
                        % {"max": MAX_UPLOAD_BYTES // 2**20}
                    )
                rows = price_file_read(upload.read(), upload.name or "")
                result = price_list_import(
                    pemda=pemda,
                    year=tahun,
                    rows=rows,
                    file_name=upload.name or "",
                    unlink_removed=form.cleaned_data["lepas"],
                    actor=_actor(request),
                )
            except (PriceFileRefused, PriceLinked) as exc:
                form.add_error("berkas", str(exc))
                details = exc.details
                status = 409 if isinstance(exc, PriceLinked) else 400
            else:
                messages.success(
                    request,
                    _(
                        "SSH %(year)d tersimpan: %(added)d ditambah, %(changed)d diubah, "
                        "%(same)d tetap, %(removed)d dihapus."
                    )
                    % {"year": tahun, "added": result.added, "changed": result.changed,
                       "same": result.unchanged, "removed": result.removed},
                )  # fmt: skip
                return redirect("perencanaan-harga", pemda.code, tahun)
    return render(
        request,
        "perencanaan/harga_unggah.html",
        {
            "pemda": pemda,
            "tahun": tahun,
            "form": form,
            "details": details,
            "max_mb": MAX_UPLOAD_BYTES // 2**20,
        },
        status=status,
    )


@login_required
@require_safe
def price_template(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    """The import template: the columns and the year's current prices (edit and upload it)."""
    pemda = _pemda(request, kode, tahun)
    response = HttpResponse(price_list_xlsx(pemda, tahun), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="ssh-{pemda.code}-{tahun}.xlsx"'
    return response


# --- prices linked to a JPD's needs ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def need_prices(request: HttpRequest, kode: str, tahun: int, jpd: str) -> HttpResponse:
    """Each need of the JPD with its SSH code and funding source; writers choose them."""
    pemda = _pemda(request, kode, tahun)
    the_jpd, opd_id = _jpd(pemda, jpd)
    rows = need_price_rows(pemda, the_jpd, tahun)
    details: list[str] = []
    status = 200
    if request.method == "POST":
        require_write(request, pemda, opd_id)
        form = NeedPriceForm(request.POST, rows=rows)
        status = 400
        if form.is_valid():
            choices = {k: NeedPriceChoice(c, s) for k, (c, s) in form.choices().items()}
            try:
                changed = need_prices_set(
                    pemda=pemda, jpd=the_jpd, year=tahun, choices=choices, actor=_actor(request)
                )
            except PriceFileRefused as exc:
                form.add_error(None, str(exc))
                details = exc.details
            else:
                messages.success(request, _("%(n)d harga kebutuhan diubah.") % {"n": changed})
                return redirect("perencanaan-harga-item", pemda.code, tahun, the_jpd.code)
    else:
        form = NeedPriceForm(rows=rows)
    return render(
        request,
        "perencanaan/harga_item.html",
        {
            "pemda": pemda,
            "tahun": tahun,
            "jpd": the_jpd,
            "form": form,
            "details": details,
            "has_list": price_list_get(pemda, tahun) is not None,
            "can_write": request_scope(request).can_write_jpd(pemda, opd_id),
        },
        status=status,
    )


# --- activity costing --------------------------------------------------------------------------


def _activity_page(
    request: HttpRequest,
    pemda: Pemda,
    tahun: int,
    jpd: Jpd,
    opd_id: int | None,
    form: ActivityForm,
    status: int = 200,
) -> HttpResponse:
    needs = jpd_needs(pemda, jpd, tahun)
    return render(
        request,
        "perencanaan/biaya_kegiatan.html",
        {
            "pemda": pemda,
            "tahun": tahun,
            "jpd": jpd,
            "needs": needs,
            "activities_total": money_total(c for _, c in needs.activity_rows),
            "form": form,
            "editing": bool(form["kegiatan"].value()),
            "can_write": request_scope(request).can_write_jpd(pemda, opd_id),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def activities(request: HttpRequest, kode: str, tahun: int, jpd: str) -> HttpResponse:
    """The JPD's costed activities (step × variable × component × volume × unit price); the
    form adds one, or changes one (``?ubah=<id>``)."""
    pemda = _pemda(request, kode, tahun)
    the_jpd, opd_id = _jpd(pemda, jpd)
    if request.method != "POST":
        form = ActivityForm()
        edit_id = _int(request.GET.get("ubah"))
        if edit_id is not None and request_scope(request).can_write_jpd(pemda, opd_id):
            a = activity_get(pemda, the_jpd, tahun, edit_id)
            if a is None:
                raise Http404("Kegiatan tidak ditemukan")
            form = ActivityForm(
                initial={
                    "kegiatan": a.pk, "langkah": a.step, "variabel": a.variable,
                    "komponen": a.component, "rincian": a.volume_note,
                    "volume": str(a.volume).replace(".", ","), "satuan": a.unit,
                    "kode_ssh": a.price.code if a.price else "",
                    "harga_satuan": "" if a.unit_price is None else str(a.unit_price),
                    "sumber": a.funding_source, "urutan": a.order,
                }
            )  # fmt: skip
        return _activity_page(request, pemda, tahun, the_jpd, opd_id, form)
    require_write(request, pemda, opd_id)
    form = ActivityForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            activity_cost_save(
                pemda=pemda,
                jpd=the_jpd,
                year=tahun,
                activity_id=data["kegiatan"],
                data=ActivityInput(
                    step=data["langkah"],
                    variable=data["variabel"],
                    component=data["komponen"],
                    volume=data["volume"],
                    volume_note=data["rincian"],
                    unit=data["satuan"],
                    price_code=data["kode_ssh"],
                    unit_price=data["harga_satuan"],
                    funding_source=data["sumber"],
                    order=data["urutan"] or 0,
                ),
                actor=_actor(request),
            )
        except ActivityMissing as exc:
            raise Http404(str(exc)) from exc
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Kegiatan tersimpan."))
            return redirect("perencanaan-kegiatan", pemda.code, tahun, the_jpd.code)
    return _activity_page(request, pemda, tahun, the_jpd, opd_id, form, status=400)


@login_required
@require_POST
def activity_delete(request: HttpRequest, kode: str, tahun: int, jpd: str) -> HttpResponse:
    pemda = _pemda(request, kode, tahun)
    the_jpd, opd_id = _jpd(pemda, jpd)
    require_write(request, pemda, opd_id)
    form = ActivityDeleteForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Kegiatan yang akan dihapus tidak dikenal."))
    try:
        activity_cost_delete(
            pemda=pemda,
            jpd=the_jpd,
            year=tahun,
            activity_id=form.cleaned_data["kegiatan"],
            actor=_actor(request),
        )
    except ActivityMissing as exc:
        raise Http404(str(exc)) from exc
    messages.success(request, _("Kegiatan dihapus."))
    return redirect("perencanaan-kegiatan", pemda.code, tahun, the_jpd.code)


# --- totals ------------------------------------------------------------------------------------


@login_required
@require_safe
def totals(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    """Cost per JPD, per urusan and for the region, each per funding source."""
    pemda = _pemda(request, kode, tahun)
    return render(
        request,
        "perencanaan/biaya.html",
        {"pemda": pemda, "tahun": tahun, "totals": cost_totals(pemda, tahun)},
    )


@login_required
@require_safe
def totals_download(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    pemda = _pemda(request, kode, tahun)
    response = HttpResponse(cost_totals_xlsx(pemda, tahun), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="biaya-{pemda.code}-{tahun}.xlsx"'
    return response
