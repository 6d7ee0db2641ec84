"""Quarterly SPM entry per pemda × year × quarter × JPD, the annual target, and the stored
results (recomputed by the services in the same transaction as every change)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuntas.katalog.models import Jpd, MutuItem
from tuntas.organisasi.models import Pemda

QUARTERS = [(1, "TW1"), (2, "TW2"), (3, "TW3"), (4, "TW4")]


class AnnualTarget(models.Model):
    """Sasaran: the target recipients of a JPD for a year (revisable with a reason)."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    jpd = models.ForeignKey(Jpd, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    sasaran = models.PositiveBigIntegerField(_("sasaran"))
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sasaran tahunan")
        verbose_name_plural = _("sasaran tahunan")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "jpd", "year"], name="target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.jpd_id} {self.year}: {self.sasaran}"


class TargetRevision(models.Model):
    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(AnnualTarget, on_delete=models.CASCADE, related_name="revisions")
    old_value = models.PositiveBigIntegerField()
    new_value = models.PositiveBigIntegerField()
    reason = models.TextField(_("alasan"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.old_value} → {self.new_value}"


class QuarterEntry(models.Model):
    """What a pemda reports for one JPD in one quarter; ``terlayani`` is cumulative to the
    quarter's end (TW4 is the year). ``version`` guards against lost updates."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    jpd = models.ForeignKey(Jpd, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(
        _("triwulan"), choices=QUARTERS, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    terlayani = models.PositiveBigIntegerField(_("terlayani"), null=True, blank=True)
    over_target_reason = models.TextField(_("penjelasan melebihi sasaran"), blank=True)
    pagu = models.DecimalField(
        _("pagu (Rp)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    realisasi = models.DecimalField(
        _("realisasi (Rp)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    over_budget_reason = models.TextField(_("penjelasan realisasi melebihi pagu"), blank=True)
    permasalahan = models.TextField(_("permasalahan"), blank=True)
    solusi = models.TextField(_("solusi"), blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # stored results: the engine's values truncated to 6 decimals (perhitungan.engine.stored),
    # shown at the pemda's method's precision; categories decided on the exact values
    capaian_penerima = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    capaian_mutu = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    nilai = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    kategori = models.CharField(max_length=20, blank=True)
    is_complete = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("isian triwulan")
        verbose_name_plural = _("isian triwulan")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "jpd", "year", "quarter"], name="entry_unique")
        ]
        indexes = [models.Index(fields=["pemda", "year", "quarter"])]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.jpd_id} TW{self.quarter} {self.year}"


class MutuEntry(models.Model):
    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(QuarterEntry, on_delete=models.CASCADE, related_name="mutu")
    item = models.ForeignKey(MutuItem, on_delete=models.PROTECT, related_name="+")
    dibutuhkan = models.PositiveBigIntegerField(_("dibutuhkan"), null=True, blank=True)
    tersedia = models.PositiveBigIntegerField(_("tersedia"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "item"], name="mutuentry_unique")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.tersedia}/{self.dibutuhkan}"


class QuarterResult(models.Model):
    """The pemda's index for a quarter: one row per pemda × year × quarter, read by dashboards."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(choices=QUARTERS)
    nilai = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    kategori = models.CharField(max_length=20, blank=True)
    # {"1.01": {"nilai": "84.410000", "kategori": "madya"}}
    urusan = models.JSONField(default=dict)
    jpd_total = models.PositiveSmallIntegerField(default=0)
    jpd_complete = models.PositiveSmallIntegerField(default=0)
    # the scoring method (Method.fingerprint) the stored values were computed with
    method_fingerprint = models.CharField(max_length=16, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year", "quarter"], name="result_unique")
        ]
        indexes = [models.Index(fields=["year", "quarter"])]

    def __str__(self) -> str:
        return f"{self.pemda_id} TW{self.quarter} {self.year}: {self.nilai}"

    @property
    def keterisian(self) -> float:
        return 100.0 * self.jpd_complete / self.jpd_total if self.jpd_total else 0.0


class ExcelUpload(models.Model):
    """An uploaded quarter workbook, kept between its preview and the user's confirmation:
    the changes to write (per JPD, with the entry version recorded at download) and the errors
    found. ``applied_at`` is set when it is written, so it is never written twice."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"), choices=QUARTERS)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    applied_at = models.DateTimeField(_("disimpan pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("unggahan Excel")
        verbose_name_plural = _("unggahan Excel")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.pemda_id} TW{self.quarter} {self.year}: {self.file_name}"
