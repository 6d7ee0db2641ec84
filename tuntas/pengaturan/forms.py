"""Forms of the pemda settings pages. They only parse what was typed; the rules (unique names,
roles, OPD of the pemda, who may be managed) live in the services, whose ``FieldInvalid``
errors the views put back on the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuntas.akun.models import Role
from tuntas.akun.services import ASSIGNABLE_ROLES
from tuntas.organisasi.models import Pemda, PerangkatDaerah
from tuntas.organisasi.services import OPD_NAME_MAX, FieldInvalid

ROLE_CHOICES = [(r.value, r.label) for r in Role if r.value in ASSIGNABLE_ROLES]


class ServiceErrorsMixin:
    def add_service_error(self, exc: FieldInvalid) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:
            form.add_error(None, str(exc))


class OpdForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Nama perangkat daerah"), max_length=OPD_NAME_MAX)


class _OpdChoiceMixin:
    def _opd_field(self, pemda: Pemda, *, required: bool, label: Any) -> forms.ModelChoiceField:
        return forms.ModelChoiceField(
            label=label,
            queryset=PerangkatDaerah.objects.filter(pemda=pemda).order_by(
                "-is_coordinator", "name"
            ),
            required=required,
            empty_label=_("— seluruh pemda —") if not required else "—",
        )


class MembershipForm(ServiceErrorsMixin, _OpdChoiceMixin, forms.Form):
    role = forms.ChoiceField(label=_("Peran"), choices=ROLE_CHOICES)

    def __init__(self, *args: Any, pemda: Pemda, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opd"] = self._opd_field(
            pemda,
            required=False,
            label=_("Perangkat daerah (wajib untuk operator, boleh untuk verifikator)"),
        )


class UserCreateForm(MembershipForm):
    username = forms.CharField(
        label=_("Nama pengguna"),
        max_length=150,
        help_text=_("Huruf kecil, angka, dan tanda . _ @ + - tanpa spasi; dipakai untuk masuk."),
    )
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    field_order = ["username", "full_name", "role", "opd"]


class AssignmentForm(_OpdChoiceMixin, forms.Form):
    def __init__(self, *args: Any, pemda: Pemda, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opd"] = self._opd_field(pemda, required=True, label=_("Pengampu"))
