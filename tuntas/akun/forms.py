from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuntas.akun.models import LoginAttempt


def _client_ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def is_locked(username: str) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    recent = LoginAttempt.objects.filter(username=username.lower(), at__gte=since).order_by("-at")
    failures = 0
    for attempt in recent[: settings.LOGIN_LOCKOUT_FAILURES]:
        if attempt.succeeded:
            break
        failures += 1
    return failures >= settings.LOGIN_LOCKOUT_FAILURES


class LoginForm(AuthenticationForm):
    """Django's login with a lockout: after too many failures in a row for a username, even the
    right password is refused until the window passes."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Nama pengguna atau kata sandi salah."),
        "locked": _(
            "Terlalu banyak percobaan gagal. Akun dikunci sementara; coba lagi dalam 15 menit "
            "atau hubungi admin pemda."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "").strip()
        if username and is_locked(username):
            LoginAttempt.objects.create(
                username=username.lower(), ip=_client_ip(self.request), succeeded=False
            )
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                LoginAttempt.objects.create(
                    username=username.lower(), ip=_client_ip(self.request), succeeded=False
                )
            raise
        LoginAttempt.objects.create(
            username=username.lower(), ip=_client_ip(self.request), succeeded=True
        )
        return cleaned
