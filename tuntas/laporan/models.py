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


# --- background builds (services: report_build_*; views_builds.py) ---------------------------


class BuildKind(models.TextChoices):
    PEMDA = "pemda", _("Laporan Penerapan SPM")
    PROVINSI = "provinsi", _("Laporan konsolidasi provinsi")
    PAKET = "paket", _("Paket provinsi: konsolidasi dan profil setiap kab/kota")
    NASIONAL = "nasional", _("Ringkasan nasional")
    ESPM = "espm", _("Ekspor e-SPM")


class BuildFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    XLSX = "xlsx", "XLSX"


class BuildStatus(models.TextChoices):
    ANTRE = "antre", _("Menunggu antrean")
    BERJALAN = "berjalan", _("Sedang dibangun")
    SELESAI = "selesai", _("Selesai")
    GAGAL = "gagal", _("Gagal")


BUILD_ACTIVE = (BuildStatus.ANTRE, BuildStatus.BERJALAN)


class ReportBuild(models.Model):
    """One file of a report built by a background task (django-tasks: the database queue, or RQ
    over Redis). The file is kept in the row (``content``) so that a worker on another machine
    can deliver it. ``pemda`` is empty only for the national summary; ``quarter`` 0 is the
    annual report. ``updated_at`` is the running build's heartbeat: a build "berjalan" without
    one for ``services.BUILD_STALE_AFTER`` lost its worker and is marked failed.
    ``dedup_key`` (kind, pemda, year, quarter, format) is unique among queued and running
    builds: the same build asked twice is the one build."""

    pemda = models.ForeignKey(
        Pemda, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=BuildKind.choices)
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan (0 = tahunan)"))
    fmt = models.CharField(_("format"), max_length=4, choices=BuildFormat.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=BuildStatus.choices, default=BuildStatus.ANTRE
    )
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    step = models.CharField(_("langkah"), max_length=200, blank=True)
    file_name = models.CharField(_("nama berkas"), max_length=200, blank=True)
    mime = models.CharField(_("jenis berkas"), max_length=100, blank=True)
    content = models.BinaryField(_("isi berkas"), null=True, blank=True)
    size = models.PositiveIntegerField(_("ukuran (bita)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dedup_key = models.CharField(max_length=80)
    task_id = models.CharField(_("id tugas"), max_length=64, blank=True)
    error = models.TextField(_("kesalahan"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pembangunan laporan")
        verbose_name_plural = _("pembangunan laporan")
        indexes = [
            models.Index(fields=["pemda", "year", "quarter"], name="reportbuild_period"),
            models.Index(fields=["status", "updated_at"], name="reportbuild_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedup_key"],
                condition=models.Q(status__in=["antre", "berjalan"]),
                name="reportbuild_one_active",
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="reportbuild_pct"),
        ]

    def __str__(self) -> str:
        return (
            f"#{self.pk} {self.kind} {self.pemda_id or '-'} {self.year}/{self.quarter} {self.fmt}"
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (BuildStatus.SELESAI, BuildStatus.GAGAL)


class PartStatus(models.TextChoices):
    ANTRE = "antre", _("Menunggu")
    BERJALAN = "berjalan", _("Sedang dibangun")
    SELESAI = "selesai", _("Selesai")
    GAGAL = "gagal", _("Gagal")


class ReportPack(models.Model):
    """A province's report pack being built: its parts (one per kab/kota) are shared among the
    workers that run its build and its helper tasks (``paket.py``). Deleted once merged."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan (0 = tahunan)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paket laporan")
        verbose_name_plural = _("paket laporan")

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.year}/{self.quarter}"


class ReportPart(models.Model):
    """One kab/kota's profile in a pack: claimed by one worker at a time (a conditional UPDATE
    from antre to berjalan), its PDF kept here until the pack is merged. ``claimed_at`` is
    renewed while it runs; a part claimed too long ago lost its worker and is claimed again."""

    pack = models.ForeignKey(ReportPack, on_delete=models.CASCADE, related_name="parts")
    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    index = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=PartStatus.choices, default=PartStatus.ANTRE)
    claimed_at = models.DateTimeField(null=True, blank=True)
    content = models.BinaryField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("bagian paket laporan")
        verbose_name_plural = _("bagian paket laporan")
        constraints = [
            models.UniqueConstraint(fields=["pack", "index"], name="reportpart_unique_index")
        ]

    def __str__(self) -> str:
        return f"{self.pack_id}#{self.index} {self.pemda_id}"
