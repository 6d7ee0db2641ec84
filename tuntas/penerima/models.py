"""By-name recipients: a person of a pemda (penduduk) and a person's entry on a JPD list for a
year. Every row carries its pemda and every key starts with it. ``RecipientEntry`` is a leaf:
nothing references it, and its composite primary key starts with the pemda, so the table can later
be partitioned by province or distributed (Citus) without touching other tables.

Personal data (NIK, name, address) is stored sealed (``tuntas.penerima.crypto``); rows are
matched on ``nik_hash``, a keyed hash of the NIK (32 bytes).

The two bulk tables have no database foreign keys (``db_constraint=False``): a database-level
check per row would double the time of a million-row import, and a distributed table could not
keep them anyway. The import service checks the pemda and the JPD once per file, before any row
is written, and Django's ``on_delete`` still applies when a pemda is deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda


class Sex(models.TextChoices):
    LAKI_LAKI = "L", _("Laki-laki")
    PEREMPUAN = "P", _("Perempuan")


class Person(models.Model):
    """Penduduk: one person within a pemda, identified by the keyed hash of the NIK."""

    pk = models.CompositePrimaryKey("pemda", "nik_hash")
    pemda = models.ForeignKey(
        Pemda, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    nik_hash = models.BinaryField(_("hash NIK"), max_length=32)
    # NIK, name and address sealed together (``crypto.DataKeys.seal``).
    identity_enc = models.BinaryField(_("NIK, nama, alamat (terenkripsi)"))
    # Keyed hash of the plaintext values: an import rewrites the row only when this changes
    # (ciphertexts differ on every encryption, so they cannot be compared).
    fingerprint = models.BinaryField(_("sidik nilai"), max_length=16)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("tanggal lahir"))
    village_code = models.CharField(_("kode desa/kelurahan"), max_length=13)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("penduduk")
        verbose_name_plural = _("penduduk")

    def __str__(self) -> str:
        return f"{self.pemda_id} {bytes(self.nik_hash)[:6].hex()}…"


class RecipientEntry(models.Model):
    """A person on the recipient list of a JPD for a year (the per-JPD leaf table)."""

    pk = models.CompositePrimaryKey("pemda", "jpd", "year", "nik_hash")
    # Only the primary key's index (pemda first): every extra index slows the big imports.
    pemda = models.ForeignKey(
        Pemda, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    jpd = models.ForeignKey(
        Jpd, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    nik_hash = models.BinaryField(_("hash NIK"), max_length=32)
    village_code = models.CharField(_("kode desa/kelurahan"), max_length=13)
    served = models.BooleanField(_("terlayani sesuai standar"), default=False)
    service_date = models.DateField(_("tanggal pelayanan"), null=True, blank=True)
    service_unit = models.CharField(_("unit layanan"), max_length=200, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("penerima JPD")
        verbose_name_plural = _("penerima JPD")

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.jpd_id} {self.year} {bytes(self.nik_hash)[:6].hex()}…"


class ImportStatus(models.TextChoices):
    ANTRI = "antri", _("Menunggu antrean")
    BERJALAN = "berjalan", _("Sedang berjalan")
    SELESAI = "selesai", _("Selesai")
    GAGAL = "gagal", _("Gagal")


class ImportJob(models.Model):
    """A recipient list uploaded in the web UI and imported by a background task; the job page
    polls this row. The uploaded file (``stored_path``, mode 0600) is deleted after the import;
    the error report (``report_path``) stays downloadable."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    jpd = models.ForeignKey(Jpd, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # sealed with the data key (it may name a person): "enc1:" + base64 (selectors)
    file_name = models.CharField(_("nama berkas"), max_length=500)
    stored_path = models.CharField(_("berkas tersimpan"), max_length=500, blank=True)
    accept_partial = models.BooleanField(_("terima sebagian"), default=False)
    replace = models.BooleanField(_("ganti seluruh daftar"), default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.ANTRI
    )
    rows_estimate = models.PositiveIntegerField(_("perkiraan jumlah baris"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("baris diproses"), default=0)
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    error = models.TextField(_("kesalahan"), blank=True)
    report_path = models.CharField(_("laporan kesalahan"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("impor penerima")
        verbose_name_plural = _("impor penerima")
        indexes = [models.Index(fields=["pemda", "year", "jpd"], name="importjob_pemda_year_jpd")]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.jpd_id} {self.year} #{self.pk} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SELESAI, ImportStatus.GAGAL)


class AccessAction(models.TextChoices):
    LIHAT_DAFTAR = "lihat_daftar", _("Melihat daftar")
    CARI = "cari", _("Mencari")
    LIHAT_NIK = "lihat_nik", _("Melihat NIK lengkap")
    EKSPOR = "ekspor", _("Mengekspor")
    UNGGAH = "unggah", _("Mengunggah")
    UNDUH_LAPORAN = "unduh_laporan", _("Mengunduh laporan kesalahan")


class AccessLog(models.Model):
    """One row per view, search, export, upload or report download of by-name data: who, when,
    what (counts and filters — never a NIK or a name) and why."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("nama pengguna"), max_length=150)  # kept if the user goes
    at = models.DateTimeField(_("waktu"), auto_now_add=True)
    action = models.CharField(_("tindakan"), max_length=16, choices=AccessAction.choices)
    jpd = models.ForeignKey(Jpd, null=True, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"), null=True)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)
    reason = models.TextField(_("alasan"), blank=True)

    class Meta:
        verbose_name = _("log akses data penerima")
        verbose_name_plural = _("log akses data penerima")
        indexes = [models.Index(fields=["pemda", "-at"], name="accesslog_pemda_at")]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.username} {self.action} {self.at:%Y-%m-%d %H:%M}"
