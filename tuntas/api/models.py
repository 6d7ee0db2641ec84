"""Personal tokens for the read API. Only a SHA-256 hash of each token is stored: the token itself
is shown once, when it is created (``tuntas token-baru``), and cannot be recovered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    token_hash = models.CharField(_("hash SHA-256"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("awalan"), max_length=12, editable=False)  # to recognise a token
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    is_revoked = models.BooleanField(_("dicabut"), default=False)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.label or self.user})"
