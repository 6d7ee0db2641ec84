from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext

from tuntas.akun import services
from tuntas.akun.forms import LoginForm, OwnPasswordForm


class LoginView(auth_views.LoginView):
    template_name = "akun/masuk.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def lockout_minutes() -> int:
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' lockout page (``AXES_LOCKOUT_CALLABLE``, called with the request, the
    response it replaces and the credentials): the login page with the reason, status 429,
    the username typed kept. The minutes come from the setting (TUNTAS_LOGIN_KUNCI_MENIT)."""
    message = gettext(
        "Terlalu banyak percobaan gagal untuk nama pengguna ini dari alamat Anda. Akun dikunci "
        "sementara; coba lagi dalam %(menit)d menit, atau minta admin pemda mengatur ulang kata "
        "sandi."
    ) % {"menit": lockout_minutes()}
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = LoginForm(request, data=None, initial={"username": str(username)[:150]})
    context = {"form": form, "terkunci": message, "next": request.POST.get("next", "")}
    return render(request, "akun/masuk.html", context, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "akun/sandi.html"
    form_class = OwnPasswordForm
    success_url = reverse_lazy("akun:sandi-selesai")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["wajib_ganti"] = bool(self.request.session.get(services.MUST_CHANGE_SESSION_KEY))
        return context

    def form_valid(self, form: BaseForm) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=self.request.user, session=self.request.session)  # type: ignore[arg-type]
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "akun/sandi_selesai.html"
