"""The SPM catalog in the database: a copy of the versioned data files, refreshed by
``tuntas init``. Reference data shared by every tenant (no pemda)."""

from __future__ import annotations

from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuntas.perhitungan.engine import LEVELS, Band, Method, Precision


class JpdLevel(models.TextChoices):
    PROVINSI = "provinsi", _("Provinsi")
    KABKOTA = "kabkota", _("Kabupaten/Kota")


class MutuKind(models.TextChoices):
    BARANG_JASA = "barang_jasa", _("Barang/jasa")
    SDM = "sdm", _("Sumber daya manusia")


class Urusan(models.Model):
    code = models.CharField(_("kode"), max_length=4, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    sub_urusan = models.JSONField(_("sub-urusan"), default=list, blank=True)

    class Meta:
        verbose_name = _("urusan")
        verbose_name_plural = _("urusan")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Jpd(models.Model):
    """Jenis pelayanan dasar: stable code and name; its content lives in versions."""

    code = models.CharField(_("kode"), max_length=8, primary_key=True)
    urusan = models.ForeignKey(Urusan, on_delete=models.PROTECT, related_name="jpd")
    level = models.CharField(_("tingkat"), max_length=8, choices=JpdLevel.choices)
    number = models.PositiveSmallIntegerField(_("nomor"))
    name = models.CharField(_("nama"), max_length=255)
    sub_urusan = models.CharField(_("sub-urusan"), max_length=32, blank=True)
    pengampu = models.CharField(_("perangkat daerah pengampu"), max_length=120)

    class Meta:
        verbose_name = _("jenis pelayanan dasar")
        verbose_name_plural = _("jenis pelayanan dasar")
        ordering = ["urusan", "-level", "number"]  # provinsi before kabkota
        constraints = [
            models.UniqueConstraint(fields=["urusan", "level", "number"], name="jpd_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JpdVersion(models.Model):
    jpd = models.ForeignKey(Jpd, on_delete=models.CASCADE, related_name="versions")
    valid_from = models.PositiveSmallIntegerField(_("berlaku dari tahun"))
    valid_until = models.PositiveSmallIntegerField(_("berlaku sampai tahun"), null=True, blank=True)
    legal_basis = models.JSONField(_("dasar hukum"), default=list)
    penerima = models.TextField(_("penerima"))
    sasaran_rule = models.TextField(_("penetapan sasaran"))
    indicator_name = models.TextField(_("indikator"))
    numerator = models.TextField(_("pembilang"))
    denominator = models.TextField(_("penyebut"))
    indicator_method = models.CharField(_("metode indikator"), max_length=20, default="rasio")
    eligibility = models.JSONField(_("kelayakan penerima"), null=True, blank=True)
    unconfirmed = models.BooleanField(_("belum dikonfirmasi"), default=False)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("versi JPD")
        verbose_name_plural = _("versi JPD")
        ordering = ["jpd", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["jpd", "valid_from"], name="jpdversion_unique_from")
        ]

    def __str__(self) -> str:
        until = self.valid_until or "…"
        return f"{self.jpd_id} ({self.valid_from}–{until})"


class MutuItem(models.Model):
    version = models.ForeignKey(JpdVersion, on_delete=models.CASCADE, related_name="mutu_items")
    code = models.CharField(_("kode"), max_length=4)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    kind = models.CharField(_("jenis"), max_length=12, choices=MutuKind.choices)
    name = models.TextField(_("nama"))
    unit = models.CharField(_("satuan"), max_length=60, blank=True)
    need_basis = models.CharField(_("dasar kebutuhan"), max_length=20, blank=True)
    need_quantity = models.DecimalField(
        _("jumlah kebutuhan"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    need_unit = models.CharField(_("unit layanan"), max_length=60, blank=True)
    need_note = models.TextField(_("keterangan kebutuhan"), blank=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("item mutu")
        verbose_name_plural = _("item mutu")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="mutuitem_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ScoringMethod(models.Model):
    """Weights, aggregation and category bands; a region may choose one (default ipspm-2021)."""

    code = models.CharField(_("kode"), max_length=40, primary_key=True)
    name = models.CharField(_("nama"), max_length=200)
    valid_from = models.PositiveSmallIntegerField(_("berlaku dari tahun"))
    valid_until = models.PositiveSmallIntegerField(_("berlaku sampai tahun"), null=True, blank=True)
    weight_penerima = models.DecimalField(_("bobot penerima"), max_digits=6, decimal_places=4)
    weight_mutu = models.DecimalField(_("bobot mutu"), max_digits=6, decimal_places=4)
    aggregation_urusan = models.CharField(_("agregasi urusan"), max_length=20)
    aggregation_daerah = models.CharField(_("agregasi daerah"), max_length=20)
    aggregation_mutu = models.CharField(_("agregasi mutu"), max_length=20, default="rasio_jumlah")
    bands = models.JSONField(_("kategori"))
    urusan_bands = models.JSONField(_("kategori per urusan"), default=dict, blank=True)
    precision = models.JSONField(_("tampilan angka"), default=dict)
    base_code = models.CharField(_("turunan dari"), max_length=40, blank=True)
    description = models.TextField(_("keterangan"), blank=True)
    sources = models.JSONField(_("sumber"), default=dict)
    unconfirmed = models.JSONField(_("belum dikonfirmasi"), default=dict)

    class Meta:
        verbose_name = _("metode penilaian")
        verbose_name_plural = _("metode penilaian")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def to_method(self) -> Method:
        """The engine's method (the same value the data files give: see ``catalog_sync``)."""
        return Method(
            code=self.code,
            name=self.name,
            weight_penerima=Fraction(self.weight_penerima),
            weight_mutu=Fraction(self.weight_mutu),
            bands=_bands(self.bands),
            aggregation_urusan=self.aggregation_urusan,
            aggregation_daerah=self.aggregation_daerah,
            aggregation_mutu=self.aggregation_mutu,
            precision=tuple(  # type: ignore[arg-type]
                Precision(**self.precision[level]) if level in self.precision else Precision()
                for level in LEVELS
            ),
            urusan_bands=tuple(
                (code, _bands(table)) for code, table in sorted(self.urusan_bands.items())
            ),
        )


def _bands(rows: list[dict[str, str]]) -> tuple[Band, ...]:
    return tuple(Band(b["kode"], b["nama"], Fraction(b["minimal"])) for b in rows)
