"""Pages of the multi-year plan, the year's budget lines with their quarterly realisation, the
SIPD workbook and the region's sub-kegiatan (thin: reads and writes in ``budget``).

Who writes: the SPM team and the admin for the whole pemda, a JPD's OPD (its operator and
verifikator) for its own JPD (``scope.can_write_jpd``); every reader of the pemda reads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tuntas.akun.scope import pemda_get_for_user, request_scope, require_write
from tuntas.core.errors import DomainError
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.selectors import pengampu_opd_id
from tuntas.pendataan.locks import EntryLocked
from tuntas.pendataan.lookups import jpd_or_404
from tuntas.pendataan.selectors import current_period
from tuntas.perencanaan.budget import (
    BudgetInvalid,
    BudgetLine,
    budget_line_create,
    budget_line_delete,
    budget_line_update,
    budget_overview,
    budget_realisation_set,
    budget_totals,
    jpd_pengampu,
    jpds_for_pemda,
    line_get,
    opd_choices,
    plan_rows,
    plan_save,
    plan_starts,
    plan_window,
    subkegiatan_create,
    subkegiatan_delete,
    subkegiatan_for_pemda,
    subkegiatan_local,
    subkegiatan_local_get,
    subkegiatan_national,
)
from tuntas.perencanaan.exports_sipd import XLSX_TYPE, sipd_xlsx
from tuntas.perencanaan.forms_budget import LineForm, PlanForm, RealisationForm, SubKegiatanForm
from tuntas.perencanaan.nomenclature import codes_for_jpd
from tuntas.perencanaan.selectors import plan_years
from tuntas.perencanaan.views import plan_year_or_404

# form field → the service's error key
LINE_ERRORS = {"sub_kegiatan", "opd", "amount", "funding_source", "volume", "unit"}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _line_or_404(pemda: Pemda, year: int, pk: int) -> BudgetLine:
    line = line_get(pemda, year, pk)
    if line is None:
        raise Http404("Baris anggaran tidak dikenal")
    return line


def _quarter(request: HttpRequest, tahun: int) -> int:
    """The quarter whose realisation the page enters (``?tw=``): the one being reported when it
    falls in this year, else TW4 for a past year and TW1 for a coming one."""
    raw = request.GET.get("tw", "")
    if raw in ("1", "2", "3", "4"):
        return int(raw)
    year, quarter = current_period()
    if year == tahun:
        return quarter
    return 4 if tahun < year else 1


@login_required
@require_safe
def budget_page(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    """The year's budget lines per JPD against its costed need, with each line's realisation
    for the chosen quarter (entered here by whoever writes the JPD)."""
    pemda = pemda_get_for_user(request, kode)
    plan_year_or_404(tahun)
    tw = _quarter(request, tahun)
    scope = request_scope(request)
    pengampu = jpd_pengampu(pemda)
    jpds = budget_overview(pemda, tahun)
    for j in jpds:
        j.can_write = scope.can_write_jpd(pemda, pengampu.get(j.jpd.code))
        j.shown_at(tw)
        for r in j.lines:
            r.can_write = j.can_write
    shown = [j for j in jpds if j.lines or j.need_cost]
    return render(
        request,
        "perencanaan/anggaran.html",
        {
            "pemda": pemda,
            "tahun": tahun,
            "tw": tw,
            "years": plan_years(),
            "jpds": shown,
            "hidden": len(jpds) - len(shown),
            "may_add": any(j.can_write for j in jpds),
            "totals": budget_totals(jpds),
        },
    )


def _line_form_context(
    request: HttpRequest, pemda: Pemda, tahun: int, form: LineForm, **extra: Any
) -> dict[str, Any]:
    return {"pemda": pemda, "tahun": tahun, "form": form, **extra}


def _add_errors(form: LineForm, exc: BudgetInvalid) -> None:
    for name, message in exc.errors.items():
        form.add_error(name if name in form.fields else None, message)


@login_required
def line_new(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    """Add a budget line to one of the JPD the user writes (``?jpd=`` preselects it)."""
    pemda = pemda_get_for_user(request, kode)
    plan_year_or_404(tahun)
    scope = request_scope(request)
    pengampu = jpd_pengampu(pemda)
    jpds = [j for j in jpds_for_pemda(pemda) if scope.can_write_jpd(pemda, pengampu.get(j.code))]
    if not jpds:
        raise PermissionDenied(_("Peran Anda hanya dapat membaca data ini."))
    subs = subkegiatan_for_pemda(pemda)
    opds = opd_choices(pemda)
    status = 200
    if request.method == "POST":
        form = LineForm(request.POST, jpds=jpds, subs=subs, opds=opds)
        if form.is_valid():
            jpd = jpd_or_404(pemda, form.cleaned_data["jpd"])
            require_write(request, pemda, pengampu.get(jpd.code))
            try:
                budget_line_create(pemda=pemda, jpd=jpd, year=tahun, data=form.to_input(),
                                   actor=_user(request))  # fmt: skip
            except BudgetInvalid as exc:
                _add_errors(form, exc)
                status = 400
            except DomainError as exc:
                form.add_error(None, str(exc))
                status = 400
            else:
                messages.success(
                    request, _("Baris anggaran %(jpd)s ditambahkan.") % {"jpd": jpd.code}
                )
                return redirect(reverse("anggaran", args=[pemda.code, tahun]) + f"#jpd-{jpd.code}")
        else:
            status = 400
    else:
        code = request.GET.get("jpd", "")
        initial: dict[str, Any] = {"funding_source": "apbd"}
        chosen = next((j for j in jpds if j.code == code), None)
        if chosen is not None:
            initial["jpd"] = chosen.code
            opd_id = pengampu.get(chosen.code)
            if opd_id is not None:
                initial["opd"] = str(opd_id)
            proposed = codes_for_jpd(chosen.code)
            first = next((s for s in subs if proposed and s.code == proposed[0]), None)
            if first is not None:
                initial["sub_kegiatan"] = str(first.pk)
        form = LineForm(initial=initial, jpds=jpds, subs=subs, opds=opds)
    return render(
        request,
        "perencanaan/anggaran_baris.html",
        _line_form_context(request, pemda, tahun, form, line=None),
        status=status,
    )


@login_required
def line_edit(request: HttpRequest, kode: str, tahun: int, baris: int) -> HttpResponse:
    pemda = pemda_get_for_user(request, kode)
    plan_year_or_404(tahun)
    line = _line_or_404(pemda, tahun, baris)
    require_write(request, pemda, pengampu_opd_id(pemda=pemda, jpd=line.jpd))
    subs = subkegiatan_for_pemda(pemda)
    opds = opd_choices(pemda)
    status = 200
    if request.method == "POST":
        form = LineForm(request.POST, jpds=None, subs=subs, opds=opds)
        if form.is_valid():
            try:
                budget_line_update(line=line, data=form.to_input(), actor=_user(request))
            except BudgetInvalid as exc:
                _add_errors(form, exc)
                status = 400
            except DomainError as exc:
                form.add_error(None, str(exc))
                status = 400
            else:
                messages.success(request, _("Baris anggaran tersimpan."))
                return redirect(
                    reverse("anggaran", args=[pemda.code, tahun]) + f"#jpd-{line.jpd_id}"
                )
        else:
            status = 400
    else:
        form = LineForm(
            initial={
                "sub_kegiatan": str(line.sub_kegiatan_id),
                "opd": str(line.opd_id or ""),
                "amount": int(line.amount),
                "funding_source": line.funding_source,
                "volume": int(line.volume) if line.volume is not None else None,
                "unit": line.unit,
                "note": line.note,
            },
            jpds=None,
            subs=subs,
            opds=opds,
        )
    return render(
        request,
        "perencanaan/anggaran_baris.html",
        _line_form_context(request, pemda, tahun, form, line=line),
        status=status,
    )


@login_required
@require_POST
def line_delete(request: HttpRequest, kode: str, tahun: int, baris: int) -> HttpResponse:
    pemda = pemda_get_for_user(request, kode)
    plan_year_or_404(tahun)
    line = _line_or_404(pemda, tahun, baris)
    require_write(request, pemda, pengampu_opd_id(pemda=pemda, jpd=line.jpd))
    jpd = line.jpd_id
    try:
        budget_line_delete(line=line, actor=_user(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Baris anggaran dihapus."))
    return redirect(reverse("anggaran", args=[pemda.code, tahun]) + f"#jpd-{jpd}")


@login_required
@require_POST
def line_realisation(request: HttpRequest, kode: str, tahun: int, baris: int) -> HttpResponse:
    """A line's realisation to the end of a quarter (cumulative), from the budget page."""
    pemda = pemda_get_for_user(request, kode)
    plan_year_or_404(tahun)
    line = _line_or_404(pemda, tahun, baris)
    require_write(request, pemda, pengampu_opd_id(pemda=pemda, jpd=line.jpd))
    form = RealisationForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "perencanaan/anggaran_galat.html",
            {"pemda": pemda, "tahun": tahun, "form": form, "line": line},
            status=400,
        )
    tw = form.cleaned_data["tw"]
    back = reverse("anggaran", args=[pemda.code, tahun]) + f"?tw={tw}#baris-{line.pk}"
    try:
        budget_realisation_set(line=line, quarter=tw, amount=form.amount(), actor=_user(request))
    except BudgetInvalid as exc:
        messages.error(request, "; ".join(exc.errors.values()))
    except EntryLocked as exc:
        messages.error(request, str(exc))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Realisasi TW%(tw)s %(kode)s tersimpan.")
            % {"tw": tw, "kode": line.sub_kegiatan.code},
        )
    return redirect(back)


@login_required
@require_safe
def sipd_download(request: HttpRequest, kode: str, tahun: int) -> FileResponse:
    """The year's budget lines as XLSX to key into SIPD (readers of the pemda)."""
    pemda = pemda_get_for_user(request, kode)
    plan_year_or_404(tahun)
    return FileResponse(
        sipd_xlsx(pemda, tahun),
        as_attachment=True,
        filename=f"anggaran-sipd-{pemda.code}-{tahun}.xlsx",
        content_type=XLSX_TYPE,
    )


@login_required
def plan_page(request: HttpRequest, kode: str, jpd: str) -> HttpResponse:
    """The five-year plan of a JPD (``?mulai=`` picks the first year): target, planned cost and
    note per year, beside the costed need and the budget lines of that year."""
    pemda = pemda_get_for_user(request, kode)
    jpd_obj = jpd_or_404(pemda, jpd)
    raw = request.GET.get("mulai", "")
    try:
        years = plan_window(int(raw) if raw.isdigit() and len(raw) == 4 else None)
    except ValueError as exc:
        raise Http404("Tahun tidak dikenal") from exc
    opd_id = pengampu_opd_id(pemda=pemda, jpd=jpd_obj)
    can_write = request_scope(request).can_write_jpd(pemda, opd_id)
    status = 200
    if request.method == "POST":
        require_write(request, pemda, opd_id)
        form = PlanForm(request.POST, years=years)
        if form.is_valid():
            try:
                changed = plan_save(pemda=pemda, jpd=jpd_obj, rows=form.to_input(),
                                    actor=_user(request))  # fmt: skip
            except BudgetInvalid as exc:
                for name, message in exc.errors.items():
                    form.add_error(name if name in form.fields else None, message)
                status = 400
            else:
                messages.success(
                    request, _("Rencana %(jpd)s tersimpan (%(n)s tahun berubah).")
                    % {"jpd": jpd_obj.code, "n": changed},
                )  # fmt: skip
                return redirect(
                    reverse("rencana", args=[pemda.code, jpd_obj.code]) + f"?mulai={years[0]}"
                )
        else:
            status = 400
        rows = plan_rows(pemda, jpd_obj, years)
    else:
        rows = plan_rows(pemda, jpd_obj, years)
        initial: dict[str, Any] = {}
        for r in rows:
            initial[f"sasaran_{r.year}"] = r.target
            initial[f"biaya_{r.year}"] = int(r.planned_cost) if r.planned_cost is not None else None
            initial[f"catatan_{r.year}"] = r.note
        form = PlanForm(initial=initial, years=years)
    by_year = {r.year: r for r in rows}
    return render(
        request,
        "perencanaan/rencana.html",
        {
            "pemda": pemda,
            "jpd": jpd_obj,
            "years": years,
            "starts": plan_starts(),
            "rows": [(by_year[y], s, b, c) for y, s, b, c in form.year_fields()],
            "form": form,
            "can_write": can_write,
        },
        status=status,
    )


@login_required
def subkegiatan_page(request: HttpRequest, kode: str) -> HttpResponse:
    """The sub-kegiatan codes: those Tuntas ships (with their source) and the region's own; the
    SPM team and the admin add codes."""
    pemda = pemda_get_for_user(request, kode)
    can_write = request_scope(request).can_write_jpd(pemda, None)
    status = 200
    form = SubKegiatanForm()
    if request.method == "POST":
        require_write(request, pemda, None)
        form = SubKegiatanForm(request.POST)
        if form.is_valid():
            try:
                sub = subkegiatan_create(pemda=pemda, code=form.cleaned_data["kode"],
                                         name=form.cleaned_data["nama"], actor=_user(request))  # fmt: skip
            except BudgetInvalid as exc:
                for name, message in exc.errors.items():
                    form.add_error(name if name in form.fields else None, message)
                status = 400
            else:
                messages.success(
                    request, _("Sub-kegiatan %(kode)s ditambahkan.") % {"kode": sub.code}
                )
                return redirect("subkegiatan", kode=pemda.code)
        else:
            status = 400
    return render(
        request,
        "perencanaan/anggaran_subkegiatan.html",
        {
            "pemda": pemda,
            "national": subkegiatan_national(),
            "local": subkegiatan_local(pemda),
            "form": form,
            "can_write": can_write,
            "tahun": max(y for y in plan_years() if y <= current_period()[0] + 1),
        },
        status=status,
    )


@login_required
@require_POST
def subkegiatan_remove(request: HttpRequest, kode: str, sk: int) -> HttpResponse:
    pemda = pemda_get_for_user(request, kode)
    require_write(request, pemda, None)
    sub = subkegiatan_local_get(pemda, sk)
    if sub is None:
        raise Http404("Sub-kegiatan tidak dikenal")
    try:
        subkegiatan_delete(pemda=pemda, sub=sub, actor=_user(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Sub-kegiatan %(kode)s dihapus.") % {"kode": sub.code})
    return redirect("subkegiatan", kode=pemda.code)
