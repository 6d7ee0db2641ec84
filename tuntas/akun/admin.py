"""Django's user admin (system administrator only), with one addition: a password the system
administrator sets for someone else, on a new account or through "ubah kata sandi", must be
changed by its owner at the next sign-in, as with the pemda admin's pages and
``tuntas pengguna-baru`` (``AccountState``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse

from tuntas.akun.services import password_change_require


class TuntasUserAdmin(UserAdmin):
    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            password_change_require(user=obj)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:  # saved
                user = self.get_object(request, unquote(id))
                if user is not None and user.pk != request.user.pk:
                    password_change_require(user=user)
        return response


admin.site.unregister(User)
admin.site.register(User, TuntasUserAdmin)
