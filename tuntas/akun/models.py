"""Memberships: user × pemda [× OPD] × role. Permissions are plain policy functions over these
(``tuntas.akun.scope``); there are no per-object permission rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuntas.organisasi.models import Pemda, PerangkatDaerah


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator OPD")
    VERIFIKATOR = "verifikator", _("Verifikator")
    ADMIN_PEMDA = "admin_pemda", _("Admin pemda (Bagian Tata Pemerintahan)")
    PIMPINAN = "pimpinan", _("Pimpinan")
    PROVINSI = "provinsi", _("Pembina provinsi")
    PUSAT = "pusat", _("Pusat (Kemendagri)")


READ_ONLY_ROLES = {Role.PIMPINAN, Role.PROVINSI, Role.PUSAT}


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    pemda = models.ForeignKey(
        Pemda, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    opd = models.ForeignKey(
        PerangkatDaerah, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("peran"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="pusat", pemda__isnull=True, opd__isnull=True)
                | (~models.Q(role="pusat") & models.Q(pemda__isnull=False)),
                name="membership_pemda_matches_role",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="operator") | models.Q(opd__isnull=False),
                name="membership_operator_has_opd",
            ),
        ]

    def __str__(self) -> str:
        where = self.opd or self.pemda or _("nasional")
        return f"{self.user} — {self.get_role_display()} — {where}"


class AccountState(models.Model):
    """What Tuntas keeps about an account beyond Django's user: whether its password was set by
    someone else (an admin's initial or reset password, ``tuntas pengguna-baru``) and must be
    changed at the next sign-in. No row: nothing to do."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="tuntas_state",
    )
    must_change_password = models.BooleanField(_("wajib ganti kata sandi"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("status akun")
        verbose_name_plural = _("status akun")

    def __str__(self) -> str:
        return f"{self.user} {'wajib ganti sandi' if self.must_change_password else ''}".strip()
