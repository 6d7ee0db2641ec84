"""The approval workflow of a pemda's quarter: the state of each JPD and of the report, values
pointed at by a return (with their comment thread), the reporting deadlines and the reminders
sent. Every step is also an ``AuditEvent`` (append-only), written in the step's transaction;
these tables hold only where things stand now."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.models import QUARTERS


class JpdStatus(models.TextChoices):
    DRAF = "draf", _("Draf")
    DIAJUKAN = "diajukan", _("Diajukan")
    DIVERIFIKASI = "diverifikasi", _("Diverifikasi")
    DIKEMBALIKAN = "dikembalikan", _("Dikembalikan")


class ReportStatus(models.TextChoices):
    DISUSUN = "disusun", _("Disusun")
    DISETUJUI = "disetujui", _("Disetujui")
    DIKIRIM = "dikirim", _("Dikirim")
    DITERIMA = "diterima", _("Diterima")
    DIKEMBALIKAN = "dikembalikan", _("Dikembalikan")


class ReportState(models.Model):
    """Where a pemda's quarterly report stands. No row: ``disusun``."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"), choices=QUARTERS)
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DISUSUN
    )
    reason = models.TextField(_("alasan terakhir"), blank=True)
    approved_at = models.DateTimeField(_("disetujui pada"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # admin pemda approving "atas nama" the head, with the note that says on whose instruction
    on_behalf_note = models.TextField(_("catatan atas nama"), blank=True)
    sent_at = models.DateTimeField(_("dikirim pada"), null=True, blank=True)
    # the first sending counts for timeliness (a report returned and sent again is not late
    # for the return, as DHIS2 counts completeness on time)
    first_sent_at = models.DateTimeField(_("pertama dikirim pada"), null=True, blank=True)
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    # every JPD's values when the report was approved: what changed since is shown on approval
    approved_values = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("status laporan")
        verbose_name_plural = _("status laporan")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year", "quarter"], name="reportstate_unique")
        ]
        indexes = [models.Index(fields=["year", "quarter", "status"])]

    def __str__(self) -> str:
        return f"{self.pemda_id} TW{self.quarter} {self.year}: {self.status}"


class JpdState(models.Model):
    """Where one JPD of a pemda's quarter stands. No row: ``draf``."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    jpd = models.ForeignKey(Jpd, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"), choices=QUARTERS)
    status = models.CharField(
        _("status"), max_length=12, choices=JpdStatus.choices, default=JpdStatus.DRAF
    )
    reason = models.TextField(_("alasan terakhir"), blank=True)
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the values when last verified: after an unlock, what changed is shown against them
    verified_values = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("status JPD")
        verbose_name_plural = _("status JPD")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "jpd", "year", "quarter"], name="jpdstate_unique"
            )
        ]
        indexes = [models.Index(fields=["pemda", "year", "quarter"])]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.jpd_id} TW{self.quarter} {self.year}: {self.status}"


class FieldFlag(models.Model):
    """A value a return pointed at (``terlayani``, ``pagu``, ``mutu:<kode>:tersedia`` ...): the
    entry form highlights it with its comment thread until it is resolved."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    jpd = models.ForeignKey(Jpd, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"), choices=QUARTERS)
    field = models.CharField(_("isian"), max_length=40)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("dibuka pada"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tanda isian")
        verbose_name_plural = _("tanda isian")
        ordering = ["opened_at", "id"]
        indexes = [models.Index(fields=["pemda", "year", "quarter", "jpd"])]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.jpd_id} TW{self.quarter} {self.year}: {self.field}"


class FlagComment(models.Model):
    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    flag = models.ForeignKey(FieldFlag, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("komentar"))
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("komentar isian")
        verbose_name_plural = _("komentar isian")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Deadline(models.Model):
    """The reporting deadline of a quarter (national). No row: the 20th of the month after the
    quarter, unconfirmed (domain reference §11.6: no source confirms it as a rule)."""

    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"), choices=QUARTERS)
    due = models.DateField(_("batas waktu"))
    confirmed = models.BooleanField(_("terkonfirmasi"), default=False)
    source = models.TextField(_("sumber"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("batas waktu laporan")
        verbose_name_plural = _("batas waktu laporan")
        ordering = ["year", "quarter"]
        constraints = [models.UniqueConstraint(fields=["year", "quarter"], name="deadline_unique")]

    def __str__(self) -> str:
        return f"TW{self.quarter} {self.year}: {self.due}"


class Reminder(models.Model):
    """A reminder shown in the app (and e-mailed) to one user about one pemda's quarter; one per
    kind, so the scheduled job can run as often as it likes and sends each once."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"), choices=QUARTERS)
    kind = models.CharField(_("jenis"), max_length=16)  # "h-7", "h-1", "terlambat"
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tuntas_reminders"
    )
    text = models.TextField(_("isi"))
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("dikirim lewat surel pada"), null=True, blank=True)
    read_at = models.DateTimeField(_("dibaca pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("pengingat")
        verbose_name_plural = _("pengingat")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "year", "quarter", "kind", "user"], name="reminder_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pemda_id} TW{self.quarter} {self.year} {self.kind} → {self.user}"
