from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tuntas.akun.scope import pemda_get_for_user, request_scope, require_write
from tuntas.core.errors import DomainError
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.selectors import pengampu_opd_id
from tuntas.pendataan.forms import EntryForm, TargetForm
from tuntas.pendataan.locks import EntryNotes, budget_from_lines, entry_notes
from tuntas.pendataan.lookups import jpd_or_404, period_or_404
from tuntas.pendataan.models import QuarterEntry
from tuntas.pendataan.selectors import (
    entry_get,
    entry_mutu_values,
    entry_rows,
    jpd_shown,
    mutu_items_shown,
    year_choices,
)
from tuntas.pendataan.services import (
    EntryConflict,
    EntryInvalid,
    entry_compute,
    entry_save,
    mutu_items_for,
    suggested_need,
    target_get,
    target_set,
)
from tuntas.penerima.selectors import registry_counts


@login_required
@require_safe
def entry_list(request: HttpRequest, kode: str, tahun: int, tw: int) -> HttpResponse:
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    scope = request_scope(request)
    rows = entry_rows(pemda, tahun, tw)
    # "JPD saya": an OPD's operator or verifier sees the JPD of their own OPD first
    own = scope.writable_opd_ids(pemda)
    mine = [r for r in rows if own is not None and r.opd_id in own]
    others = [r for r in rows if not (own is not None and r.opd_id in own)]
    return render(
        request,
        "pendataan/daftar.html",
        {
            "pemda": pemda,
            "tahun": tahun,
            "tw": tw,
            "rows": [(r, scope.can_write_jpd(pemda, r.opd_id)) for r in mine + others],
            "mine_count": len(mine),
            "years": year_choices(),
            "filled": sum(1 for r in rows if r.entry and r.entry.is_complete),
        },
    )


def _initial(entry: QuarterEntry | None, items: list[Any], sasaran: int | None) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": entry.version if entry else 0}
    if entry is not None:
        initial.update(
            terlayani=entry.terlayani,
            over_target_reason=entry.over_target_reason,
            pagu=int(entry.pagu) if entry.pagu is not None else None,
            realisasi=int(entry.realisasi) if entry.realisasi is not None else None,
            over_budget_reason=entry.over_budget_reason,
            permasalahan=entry.permasalahan,
            solusi=entry.solusi,
        )
        for item_id, (needed, available) in entry_mutu_values(entry).items():
            initial[f"mutu_{item_id}_dibutuhkan"] = needed
            initial[f"mutu_{item_id}_tersedia"] = available
    for item in items:
        key = f"mutu_{item.pk}_dibutuhkan"
        if initial.get(key) is None:
            initial[key] = suggested_need(item, sasaran)
    return initial


@login_required
def entry_edit(request: HttpRequest, kode: str, tahun: int, tw: int, jpd: str) -> HttpResponse:
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    jpd_obj = jpd_or_404(pemda, jpd)
    opd_id = pengampu_opd_id(pemda=pemda, jpd=jpd_obj)
    notes = entry_notes(pemda=pemda, jpd=jpd_obj, year=tahun, quarter=tw)
    may_write = request_scope(request).can_write_jpd(pemda, opd_id)
    can_write = may_write and not (notes and notes.locked)
    items = mutu_items_for(jpd=jpd_obj, year=tahun)
    target = target_get(pemda=pemda, jpd=jpd_obj, year=tahun)
    sasaran = target.sasaran if target else None
    entry = entry_get(pemda, jpd_obj, tahun, tw)
    conflict: QuarterEntry | None = None
    status = 200
    if request.method == "POST":
        require_write(request, pemda, opd_id)
        form = EntryForm(request.POST, items=items)
        if form.is_valid():
            try:
                entry_save(
                    pemda=pemda,
                    jpd=jpd_obj,
                    year=tahun,
                    quarter=tw,
                    data=form.to_input(),
                    expected_version=form.cleaned_data["version"],
                    actor=request.user,  # type: ignore[arg-type]
                )
            except EntryInvalid as exc:
                for name, message in exc.errors.items():
                    form.add_error(name if name in form.fields else None, message)
                status = 400
            except EntryConflict as exc:
                conflict = exc.current
                # the next save deliberately replaces what is stored now
                data = request.POST.copy()
                data["version"] = str(conflict.version)
                form = EntryForm(data, items=items)
                form.is_valid()
                status = 409
            except DomainError as exc:
                form.add_error(None, str(exc))
                status = 400
            else:
                messages.success(request, _("Isian %(jpd)s tersimpan.") % {"jpd": jpd_obj.code})
                return redirect("isian", kode=pemda.code, tahun=tahun, tw=tw, jpd=jpd_obj.code)
        else:
            status = 400
    else:
        form = EntryForm(initial=_initial(entry, items, sasaran), items=items)
    conflict_mutu = entry_mutu_values(conflict)
    return render(
        request,
        "pendataan/isian.html",
        {
            "pemda": pemda,
            "jpd": jpd_obj,
            "tahun": tahun,
            "tw": tw,
            "form": form,
            "entry": entry,
            "target": target,
            "target_form": TargetForm(
                initial={
                    "version": target.version if target else 0,
                    "sasaran": sasaran,
                    # a refused change comes back with what the user typed (target_edit)
                    **_typed_target_pop(request, pemda.code, tahun, jpd_obj.code),
                }
            ),
            "can_write": can_write,
            "may_write": may_write,
            "notes": notes,
            # the form's names of the values a return pointed at (highlighted)
            "flagged": flagged_names(notes, items),
            "conflict": conflict,
            "conflict_mutu": [
                (
                    i,
                    conflict_mutu.get(i.pk),
                    form[f"mutu_{i.pk}_dibutuhkan"].value(),
                    form[f"mutu_{i.pk}_tersedia"].value(),
                )
                for i in items
            ],
            **_preview(pemda, jpd_obj, form, items, sasaran),
            # pagu and realisasi from the JPD-year's budget lines (None: typed in this form)
            "dari_anggaran": budget_from_lines(pemda=pemda, jpd=jpd_obj, year=tahun, quarter=tw),
            # by-name registry counts offered as this quarter's numbers (None: no list)
            "registry": registry_counts(
                pemda=pemda, jpd=jpd_obj, year=tahun, quarter=tw, target=sasaran
            ),
        },
        status=status,
    )


def flagged_names(notes: EntryNotes | None, items: list[Any]) -> set[str]:
    """The form field names of the values a return pointed at (``pendataan.values`` keys)."""
    if notes is None:
        return set()
    pk_of = {i.code: i.pk for i in items}
    names = set()
    for flag in notes.flags:
        if flag.key.startswith("mutu:"):
            _, code, which = flag.key.split(":", 2)
            if code in pk_of:
                names.add(f"mutu_{pk_of[code]}_{which}")
        else:
            names.add(flag.key)
    return names


def _preview(
    pemda: Pemda, jpd: Jpd, form: EntryForm, items: list[Any], sasaran: int | None
) -> dict[str, Any]:
    """Compute from whatever is valid in the form (bound or initial): the result as the pemda's
    method shows it (``hasil``), the engine's notes (``hitung``) and each mutu item's own
    percentage, the items short of need first (``item_mutu``)."""
    if form.is_bound:
        values = (
            {name: form.cleaned_data.get(name) for name in form.fields}
            if hasattr(form, "cleaned_data")
            else {}
        )
    else:
        values = dict(form.initial)
    method = pemda.scoring_method.to_method()
    mutu = {
        i.pk: (values.get(f"mutu_{i.pk}_dibutuhkan"), values.get(f"mutu_{i.pk}_tersedia"))
        for i in items
    }
    computed = entry_compute(
        method=method,
        urusan=jpd.urusan_id,
        sasaran=sasaran,
        terlayani=values.get("terlayani"),
        mutu=[mutu[i.pk] for i in items],
    )
    return {
        "hasil": jpd_shown(computed, computed.kategori_code, method),
        "hitung": computed,
        "item_mutu": mutu_items_shown(items, mutu, method),
    }


@login_required
@require_POST
def entry_preview(request: HttpRequest, kode: str, tahun: int, tw: int, jpd: str) -> HttpResponse:
    """htmx: the capaian, nilai and category of the numbers as typed (nothing is saved)."""
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    jpd_obj = jpd_or_404(pemda, jpd)
    items = mutu_items_for(jpd=jpd_obj, year=tahun)
    target = target_get(pemda=pemda, jpd=jpd_obj, year=tahun)
    form = EntryForm(request.POST, items=items)
    form.is_valid()
    return render(
        request,
        "pendataan/_hasil.html",
        {
            **_preview(pemda, jpd_obj, form, items, target.sasaran if target else None),
            "errors": form.errors,
            "target": target,
        },
    )


_TYPED_TARGET = "tuntas_sasaran_diketik"


def _typed_target_keep(request: HttpRequest, key: str) -> None:
    """Keep the typed target and reason for the next view of the entry page (a refused change
    must not throw away what the user typed). Bounded: text fields only, cut to 2,000 chars."""
    request.session[_TYPED_TARGET] = {
        "key": key,
        "sasaran": request.POST.get("sasaran", "")[:100],
        "alasan": request.POST.get("alasan", "")[:2000],
    }


def _typed_target_pop(request: HttpRequest, pemda: str, year: int, jpd: str) -> dict[str, str]:
    typed = request.session.get(_TYPED_TARGET)
    if not typed or typed.get("key") != f"{pemda}/{year}/{jpd}":
        return {}
    del request.session[_TYPED_TARGET]
    return {"sasaran": typed["sasaran"], "alasan": typed["alasan"]}


@login_required
@require_POST
def target_edit(request: HttpRequest, kode: str, tahun: int, jpd: str) -> HttpResponse:
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, 1)  # a year outside the entry years (or beyond the database's) is no page
    jpd_obj = jpd_or_404(pemda, jpd)
    require_write(request, pemda, pengampu_opd_id(pemda=pemda, jpd=jpd_obj))
    tw = request.POST.get("tw", "1")
    form = TargetForm(request.POST)
    if not form.is_valid():
        _typed_target_keep(request, f"{pemda.code}/{tahun}/{jpd_obj.code}")
        for field, errors in form.errors.items():
            messages.error(
                request,
                f"{form.fields[field].label if field in form.fields else ''}: {' '.join(str(e) for e in errors)}",
            )
    else:
        try:
            target_set(
                pemda=pemda,
                jpd=jpd_obj,
                year=tahun,
                sasaran=form.cleaned_data["sasaran"],
                reason=form.cleaned_data["alasan"] or "",
                expected_version=form.cleaned_data["version"],
                actor=request.user,  # type: ignore[arg-type]
            )
            messages.success(request, _("Sasaran %(tahun)s tersimpan.") % {"tahun": tahun})
        except DomainError as exc:
            _typed_target_keep(request, f"{pemda.code}/{tahun}/{jpd_obj.code}")
            messages.error(
                request,
                str(exc) if not isinstance(exc, EntryInvalid) else " ".join(exc.errors.values()),
            )
    return redirect(
        "isian", kode=pemda.code, tahun=tahun, tw=tw if tw in "1234" else "1", jpd=jpd_obj.code
    )
