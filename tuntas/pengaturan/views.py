"""The pemda settings pages (``/pemda/<kode>/pengaturan/…``) for the pemda's admin (Bagian Tata
Pemerintahan): OPD, pengampu of each JPD, users and their roles.

Every view fetches the pemda through ``pemda_get_for_user`` (404 outside the user's scope) and
then ``require_admin`` (403 for anyone else who may read the pemda), GET included: settings are
admin-only. Writes go through the services, which check the rules again."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tuntas.akun import services as akun_services
from tuntas.akun.scope import pemda_get_for_user, require_admin
from tuntas.core.errors import DomainError
from tuntas.organisasi.models import Pemda, PerangkatDaerah
from tuntas.organisasi.services import (
    FieldInvalid,
    assignment_set,
    opd_coordinator_set,
    opd_create,
    opd_delete,
    opd_rename,
)
from tuntas.pengaturan import selectors
from tuntas.pengaturan.forms import AssignmentForm, MembershipForm, OpdForm, UserCreateForm

View = Callable[..., HttpResponse]


def admin_view(view: Callable[..., HttpResponse]) -> View:
    """Login required; the pemda in the URL (``kode``) is passed as ``pemda`` once the user is
    known to administer it."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, kode: str, **kwargs: Any) -> HttpResponse:
        pemda = pemda_get_for_user(request, kode)
        require_admin(request, pemda)
        return view(request, pemda, **kwargs)

    return wrapper


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required ran first
    return user


def _once(response: HttpResponse) -> HttpResponse:
    """A page showing a password: never cached, so it cannot be shown again."""
    add_never_cache_headers(response)
    return response


# --- overview ---------------------------------------------------------------------------------


@admin_view
@require_safe
def overview(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    return render(
        request,
        "pengaturan/ringkasan.html",
        {"pemda": pemda, "summary": selectors.settings_summary(pemda), "tab": "ringkasan"},
    )


# --- OPD ------------------------------------------------------------------------------------------


@admin_view
def opd_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    status = 200
    form = OpdForm()
    if request.method == "POST":
        form = OpdForm(request.POST)
        if form.is_valid():
            try:
                opd = opd_create(pemda=pemda, name=form.cleaned_data["name"], actor=_actor(request))
            except FieldInvalid as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request, _("Perangkat daerah %(nama)s ditambahkan.") % {"nama": opd.name}
                )
                return redirect("pengaturan-opd", kode=pemda.code)
        status = 400
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    return render(
        request,
        "pengaturan/opd.html",
        {"pemda": pemda, "rows": selectors.opd_rows(pemda), "form": form, "tab": "opd"},
        status=status,
    )


def _opd_or_404(pemda: Pemda, opd_id: int) -> PerangkatDaerah:
    opd = selectors.opd_get(pemda, opd_id)
    if opd is None:
        raise Http404("Perangkat daerah tidak ditemukan")
    return opd


@admin_view
@require_POST
def opd_rename_view(request: HttpRequest, pemda: Pemda, opd_id: int) -> HttpResponse:
    opd = _opd_or_404(pemda, opd_id)
    form = OpdForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(
                request, _("Nama perangkat daerah: %(e)s") % {"e": " ".join(str(e) for e in errors)}
            )
    else:
        try:
            renamed = opd_rename(opd=opd, name=form.cleaned_data["name"], actor=_actor(request))
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Nama disimpan: %(nama)s.") % {"nama": renamed.name})
    return redirect("pengaturan-opd", kode=pemda.code)


@admin_view
@require_POST
def opd_coordinator_view(request: HttpRequest, pemda: Pemda, opd_id: int) -> HttpResponse:
    opd = _opd_or_404(pemda, opd_id)
    value = request.POST.get("koordinator") == "1"
    opd = opd_coordinator_set(opd=opd, is_coordinator=value, actor=_actor(request))
    if value:
        messages.success(request, _("%(nama)s ditandai sebagai koordinator SPM.") % {"nama": opd})
    else:
        messages.success(request, _("%(nama)s bukan lagi koordinator SPM.") % {"nama": opd})
    return redirect("pengaturan-opd", kode=pemda.code)


@admin_view
@require_POST
def opd_delete_view(request: HttpRequest, pemda: Pemda, opd_id: int) -> HttpResponse:
    opd = _opd_or_404(pemda, opd_id)
    name = opd.name
    try:
        opd_delete(opd=opd, actor=_actor(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Perangkat daerah %(nama)s dihapus.") % {"nama": name})
    return redirect("pengaturan-opd", kode=pemda.code)


# --- pengampu ---------------------------------------------------------------------------------


@admin_view
@require_safe
def assignment_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    return render(
        request,
        "pengaturan/pengampu.html",
        {
            "pemda": pemda,
            "rows": selectors.assignment_rows(pemda),
            "opd_choices": selectors.opd_list(pemda),
            "tab": "pengampu",
        },
    )


@admin_view
@require_POST
def assignment_edit(request: HttpRequest, pemda: Pemda, jpd: str) -> HttpResponse:
    """Change the pengampu of one JPD. With htmx the answer is the table row, re-drawn."""
    jpd_obj = selectors.jpd_get(pemda, jpd)
    if jpd_obj is None:
        raise Http404("JPD tidak dikenal")
    form = AssignmentForm(request.POST, pemda=pemda)
    error = ""
    saved = False
    if not form.is_valid():
        error = _("Pilih perangkat daerah %(pemda)s.") % {"pemda": pemda.name}
    else:
        opd = form.cleaned_data["opd"]
        if selectors.assignment_row(pemda, jpd_obj).opd_id != opd.pk:
            try:
                assignment_set(pemda=pemda, jpd=jpd_obj, opd=opd, actor=_actor(request))
            except DomainError as exc:
                error = str(exc)
            else:
                saved = True
    if getattr(request, "htmx", False):
        return render(
            request,
            "pengaturan/_pengampu_row.html",
            {
                "pemda": pemda,
                "row": selectors.assignment_row(pemda, jpd_obj),
                "opd_choices": selectors.opd_list(pemda),
                "error": error,
                "saved": saved,
            },
        )
    if error:
        messages.error(request, f"{jpd_obj.code}: {error}")
    elif saved:
        messages.success(
            request,
            _("Pengampu %(jpd)s sekarang %(opd)s.")
            % {"jpd": jpd_obj.code, "opd": form.cleaned_data["opd"].name},
        )
    return redirect("pengaturan-pengampu", kode=pemda.code)


# --- users and memberships ------------------------------------------------------------------------


@admin_view
@require_safe
def user_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    return render(
        request,
        "pengaturan/pengguna.html",
        {"pemda": pemda, "users": selectors.pemda_users(pemda), "tab": "pengguna"},
    )


def _password_page(
    request: HttpRequest, pemda: Pemda, user: User, password: str, *, created: bool
) -> HttpResponse:
    return _once(
        render(
            request,
            "pengaturan/sandi_awal.html",
            {
                "pemda": pemda,
                "target": user,
                "password": password,
                "created": created,
                "tab": "pengguna",
            },
        )
    )


@admin_view
def user_create(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = UserCreateForm(request.POST, pemda=pemda)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user, password = akun_services.user_create_with_membership(
                    pemda=pemda,
                    username=data["username"],
                    full_name=data["full_name"],
                    role=data["role"],
                    opd=data["opd"],
                    actor=_actor(request),
                )
            except FieldInvalid as exc:
                form.add_service_error(exc)
            else:
                return _password_page(request, pemda, user, password, created=True)
        status = 400
    elif request.method in ("GET", "HEAD"):
        form = UserCreateForm(pemda=pemda)
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    return render(
        request,
        "pengaturan/pengguna_baru.html",
        {"pemda": pemda, "form": form, "tab": "pengguna"},
        status=status,
    )


def _pemda_user_or_404(pemda: Pemda, user_id: int) -> selectors.PemdaUser:
    found = selectors.pemda_user_get(pemda, user_id)
    if found is None:
        raise Http404("Pengguna tidak ditemukan")
    return found


def _user_page(
    request: HttpRequest, pemda: Pemda, user_id: int, form: MembershipForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "pengaturan/pengguna_detail.html",
        {
            "pemda": pemda,
            "pu": _pemda_user_or_404(pemda, user_id),
            "form": form,
            "is_self": user_id == request.user.pk,
            "tab": "pengguna",
        },
        status=status,
    )


@admin_view
@require_safe
def user_detail(request: HttpRequest, pemda: Pemda, user_id: int) -> HttpResponse:
    return _user_page(request, pemda, user_id, MembershipForm(pemda=pemda))


@admin_view
@require_POST
def membership_add(request: HttpRequest, pemda: Pemda, user_id: int) -> HttpResponse:
    pu = _pemda_user_or_404(pemda, user_id)
    form = MembershipForm(request.POST, pemda=pemda)
    if form.is_valid():
        try:
            akun_services.membership_add(
                pemda=pemda,
                user=pu.user,
                role=form.cleaned_data["role"],
                opd=form.cleaned_data["opd"],
                actor=_actor(request),
            )
        except FieldInvalid as exc:
            form.add_service_error(exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Peran ditambahkan."))
            return redirect("pengaturan-pengguna-detail", kode=pemda.code, user_id=user_id)
    return _user_page(request, pemda, user_id, form, status=400)


@admin_view
@require_POST
def membership_remove(
    request: HttpRequest, pemda: Pemda, user_id: int, membership_id: int
) -> HttpResponse:
    membership = selectors.membership_get(pemda, user_id, membership_id)
    if membership is None:
        raise Http404("Keanggotaan tidak ditemukan")
    try:
        akun_services.membership_remove(pemda=pemda, membership=membership, actor=_actor(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Peran dicabut."))
    return redirect("pengaturan-pengguna-detail", kode=pemda.code, user_id=user_id)


@admin_view
@require_POST
def password_reset(request: HttpRequest, pemda: Pemda, user_id: int) -> HttpResponse:
    pu = _pemda_user_or_404(pemda, user_id)
    try:
        password = akun_services.user_password_reset(
            pemda=pemda, user=pu.user, actor=_actor(request)
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("pengaturan-pengguna-detail", kode=pemda.code, user_id=user_id)
    return _password_page(request, pemda, pu.user, password, created=False)


@admin_view
@require_POST
def user_active_set(request: HttpRequest, pemda: Pemda, user_id: int) -> HttpResponse:
    """``aktif=0`` deactivates the user, ``aktif=1`` reactivates them."""
    pu = _pemda_user_or_404(pemda, user_id)
    activate = request.POST.get("aktif") == "1"
    try:
        if activate:
            akun_services.user_activate(pemda=pemda, user=pu.user, actor=_actor(request))
            messages.success(request, _("Pengguna %(u)s diaktifkan.") % {"u": pu.user.username})
        else:
            akun_services.user_deactivate(pemda=pemda, user=pu.user, actor=_actor(request))
            messages.success(request, _("Pengguna %(u)s dinonaktifkan.") % {"u": pu.user.username})
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("pengaturan-pengguna-detail", kode=pemda.code, user_id=user_id)
