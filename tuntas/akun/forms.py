from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form, in Indonesian. Repeated failures lock the username for the address
    they came from (django-axes, settings ``AXES_*``); the locked page is ``views.locked_out``."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Nama pengguna atau kata sandi salah."),
    }


class OwnPasswordForm(PasswordChangeForm):
    """Django's password change form, refusing a "new" password equal to the current one: a
    password set by someone else (``AccountState``) is only replaced by one they do not know."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        old, new = cleaned.get("old_password"), cleaned.get("new_password1")
        if old and new and old == new:
            self.add_error(
                "new_password1",
                _("Kata sandi baru harus berbeda dari kata sandi yang sekarang."),
            )
        return cleaned
