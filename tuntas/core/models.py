from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One row per state change, written by the service that makes the change, in its
    transaction. Append-only: triggers on PostgreSQL and SQLite refuse UPDATE and DELETE
    (migration 0002), unless the maintenance switch ``tuntas_audit_izin`` holds a row — which
    only ``flush`` (a whole wipe) sets, for the length of the wipe."""

    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        null=True,
        blank=True,
        # an account that acted stays (deactivate it instead): the audit is append-only
        on_delete=models.PROTECT,
        related_name="+",
    )
    pemda = models.CharField(_("pemda"), max_length=5, blank=True, db_index=True)
    action = models.CharField(_("tindakan"), max_length=64, db_index=True)
    object_type = models.CharField(_("jenis objek"), max_length=64, blank=True)
    object_id = models.CharField(_("id objek"), max_length=64, blank=True, db_index=True)
    data = models.JSONField(_("rincian"), default=dict, blank=True)

    class Meta:
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
