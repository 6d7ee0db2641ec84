"""What the reports keep: the region's own words for BAB I (edited per year, with defaults) and
the fingerprint (sidik) of every approved report built, so anyone holding a printed copy can
check it at ``/verifikasi/<kode>``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuntas.organisasi.models import Pemda


class TextKey(models.TextChoices):
    KATA_PENGANTAR = "kata_pengantar", _("Kata Pengantar")
    LATAR_BELAKANG = "latar_belakang", _("Latar Belakang")
    DASAR_HUKUM = "dasar_hukum", _("Dasar Hukum")
    KEBIJAKAN_UMUM = "kebijakan_umum", _("Kebijakan Umum")
    ARAH_KEBIJAKAN = "arah_kebijakan", _("Arah Kebijakan")
    PENUTUP = "penutup", _("Penutup")
    NAMA_KEPALA = "nama_kepala", _("Nama kepala daerah (blok tanda tangan)")


class ReportText(models.Model):
    """One section of a pemda's narrative for a year (no row: the default text is used)."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    key = models.CharField(_("bagian"), max_length=20, choices=TextKey.choices)
    text = models.TextField(_("teks"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("teks laporan")
        verbose_name_plural = _("teks laporan")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year", "key"], name="reporttext_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.year} {self.key}"


class Seal(models.Model):
    """The fingerprint of an approved report's data: ``digest`` is the SHA-256 of the report's
    canonical data (every number, name and text it prints), ``code`` its first 16 hex digits,
    printed in every page's footer. ``quarter`` 0 is the annual report. ``summary`` keeps the
    headline figures so the verification page can show them without the report."""

    code = models.CharField(_("kode sidik"), max_length=16, unique=True)
    digest = models.CharField(_("sidik SHA-256"), max_length=64, unique=True)
    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan (0 = tahunan)"))
    approved_at = models.DateTimeField(_("disetujui pada"), null=True, blank=True)
    approved_by = models.CharField(_("disetujui oleh"), max_length=200, blank=True)
    status = models.CharField(_("status laporan saat disegel"), max_length=20)
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sidik laporan")
        verbose_name_plural = _("sidik laporan")
        indexes = [models.Index(fields=["pemda", "year", "quarter"], name="seal_period")]

    def __str__(self) -> str:
        return f"{self.code} {self.pemda_id} {self.year}/{self.quarter}"
