from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form, in Indonesian. Repeated failures lock the username for the address
    they came from (django-axes, settings ``AXES_*``); the locked page is ``views.locked_out``."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Nama pengguna atau kata sandi salah."),
    }
