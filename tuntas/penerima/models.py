"""By-name recipients: a person of a pemda (penduduk) and a person's entry on a JPD list for a
year. Every row carries its pemda and every unique key includes it. ``RecipientEntry`` is a leaf:
nothing references it, and its composite primary key starts with the pemda, so the table can later
be partitioned by province or distributed (Citus) without touching other tables.

Personal data (NIK, name, address) is stored encrypted (``tuntas.penerima.crypto``); rows are
matched on ``nik_hash``, a keyed hash of the NIK.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda


class Sex(models.TextChoices):
    LAKI_LAKI = "L", _("Laki-laki")
    PEREMPUAN = "P", _("Perempuan")


class Person(models.Model):
    """Penduduk: one person within a pemda, identified by the keyed hash of the NIK."""

    # No separate index on pemda: the unique (pemda, nik_hash) index starts with it.
    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+", db_index=False)
    nik_hash = models.CharField(_("hash NIK"), max_length=64)
    nik_enc = models.BinaryField(_("NIK (terenkripsi)"))
    name_enc = models.BinaryField(_("nama (terenkripsi)"))
    address_enc = models.BinaryField(_("alamat (terenkripsi)"), blank=True, default=b"")
    # Keyed hash of the plaintext values above and below: an import rewrites the row only when
    # this changes (ciphertexts differ on every encryption, so they cannot be compared).
    fingerprint = models.CharField(_("sidik nilai"), max_length=64)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("tanggal lahir"))
    village_code = models.CharField(_("kode desa/kelurahan"), max_length=13)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("penduduk")
        verbose_name_plural = _("penduduk")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "nik_hash"], name="person_unique_nik")
        ]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.nik_hash[:12]}…"


class RecipientEntry(models.Model):
    """A person on the recipient list of a JPD for a year (the per-JPD leaf table)."""

    pk = models.CompositePrimaryKey("pemda", "jpd", "year", "nik_hash")
    # Only the primary key's index (pemda first): every extra index slows the big imports.
    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+", db_index=False)
    jpd = models.ForeignKey(Jpd, on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField(_("tahun"))
    nik_hash = models.CharField(_("hash NIK"), max_length=64)
    village_code = models.CharField(_("kode desa/kelurahan"), max_length=13)
    served = models.BooleanField(_("terlayani sesuai standar"), default=False)
    service_date = models.DateField(_("tanggal pelayanan"), null=True, blank=True)
    service_unit = models.CharField(_("unit layanan"), max_length=200, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("penerima JPD")
        verbose_name_plural = _("penerima JPD")

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.jpd_id} {self.year} {self.nik_hash[:12]}…"
