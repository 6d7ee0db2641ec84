"""SPM stages 2–4 of a pemda, per JPD and year: the service units needs are counted on, each
need (a catalog mutu item or a local one) with what is available and its price, the price list
(Standar Satuan Harga), activity costing, the multi-year fulfilment plan, the budget lines
(sub-kegiatan) and their quarterly realisation, documents attesting a stage, and the SPM action
plan (rencana aksi). Figures (required, gap, cost, totals) are never stored: the engine
(``perhitungan.kebutuhan``) computes them from these rows and the catalog's rules."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda, PerangkatDaerah
from tuntas.pendataan.models import QUARTERS


class FundingSource(models.TextChoices):
    APBD = "apbd", _("APBD")
    DAK_NONFISIK = "dak_nonfisik", _("DAK non-fisik / BOK")
    BLUD = "blud", _("BLUD")
    LAINNYA = "lainnya", _("Lainnya")


class ServiceUnit(models.Model):
    """A service unit of the pemda (puskesmas, sekolah, posyandu, ...) in a kecamatan: what a
    per-unit rule ("2 per puskesmas") counts. ``kind`` matches the catalog rule's ``unit``."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("jenis unit"), max_length=40)
    code = models.CharField(_("kode unit"), max_length=40, blank=True)
    name = models.CharField(_("nama"), max_length=160)
    kecamatan = models.CharField(_("kode kecamatan"), max_length=13)
    active = models.BooleanField(_("aktif"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit layanan")
        verbose_name_plural = _("unit layanan")
        ordering = ["pemda", "kind", "kecamatan", "name"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "kind", "name"], name="serviceunit_unique")
        ]
        indexes = [models.Index(fields=["pemda", "kind", "active"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class PriceList(models.Model):
    """A pemda's Standar Satuan Harga for a year (imported from Excel, editable)."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    name = models.CharField(_("nama"), max_length=160, blank=True)
    file_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("standar satuan harga")
        verbose_name_plural = _("standar satuan harga")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year"], name="pricelist_unique_year")
        ]

    def __str__(self) -> str:
        return f"SSH {self.pemda_id} {self.year}"


class PriceItem(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("kode"), max_length=60)
    description = models.TextField(_("uraian"))
    unit = models.CharField(_("satuan"), max_length=60)
    price = models.DecimalField(_("harga (Rp)"), max_digits=18, decimal_places=0)

    class Meta:
        verbose_name = _("harga satuan")
        verbose_name_plural = _("harga satuan")
        ordering = ["price_list", "code"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "code"], name="priceitem_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description} / {self.unit}: {self.price}"


class NeedItem(models.Model):
    """One need of a JPD in a year: a catalog mutu item (``mutu_code`` of the version in force)
    or a local item the region adds (``mutu_code`` blank, its own name, unit and rule). The
    required quantity is computed from the rule; for a rule without quantity
    (``sesuai_kebutuhan``) the region states it (``stated_required``)."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    jpd = models.ForeignKey(Jpd, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    mutu_code = models.CharField(_("kode item mutu"), max_length=4, blank=True)
    local_name = models.TextField(_("nama item lokal"), blank=True)
    local_unit = models.CharField(_("satuan"), max_length=60, blank=True)
    local_basis = models.CharField(_("dasar kebutuhan"), max_length=20, blank=True)
    local_quantity = models.DecimalField(
        _("jumlah kebutuhan"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    local_service_unit = models.CharField(_("jenis unit layanan"), max_length=40, blank=True)
    stated_required = models.PositiveBigIntegerField(
        _("kebutuhan ditetapkan"), null=True, blank=True
    )
    available = models.PositiveBigIntegerField(_("tersedia"), null=True, blank=True)
    price = models.ForeignKey(
        PriceItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs"
    )
    funding_source = models.CharField(
        _("sumber dana"), max_length=16, choices=FundingSource.choices, default=FundingSource.APBD
    )
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kebutuhan")
        verbose_name_plural = _("kebutuhan")
        ordering = ["pemda", "jpd", "year", "mutu_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "jpd", "year", "mutu_code"],
                condition=~models.Q(mutu_code=""),
                name="needitem_unique_catalog_item",
            )
        ]
        indexes = [models.Index(fields=["pemda", "year", "jpd"])]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.jpd_id} {self.year} {self.mutu_code or self.local_name}"


class ActivityCost(models.Model):
    """A costed activity of a JPD (home visits, outreach, training), as the technical standards'
    costing tables lay it out: step × variable × component × volume × unit price."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    jpd = models.ForeignKey(Jpd, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    step = models.CharField(_("langkah kegiatan"), max_length=200)
    variable = models.CharField(_("variabel"), max_length=200, blank=True)
    component = models.CharField(_("komponen"), max_length=200)
    volume = models.DecimalField(_("volume"), max_digits=14, decimal_places=2)
    volume_note = models.CharField(_("rincian volume"), max_length=120, blank=True)
    unit = models.CharField(_("satuan"), max_length=60)
    price = models.ForeignKey(
        PriceItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    unit_price = models.DecimalField(
        _("harga satuan (Rp)"), null=True, blank=True, max_digits=18, decimal_places=0
    )
    funding_source = models.CharField(
        _("sumber dana"), max_length=16, choices=FundingSource.choices, default=FundingSource.APBD
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("biaya kegiatan")
        verbose_name_plural = _("biaya kegiatan")
        ordering = ["pemda", "jpd", "year", "order", "id"]
        indexes = [models.Index(fields=["pemda", "year", "jpd"])]

    def __str__(self) -> str:
        return f"{self.jpd_id} {self.year}: {self.step} / {self.component}"


class PlanYear(models.Model):
    """The multi-year fulfilment plan of a JPD: the target and the planned cost per year (for
    RPJMD/Renstra, and each year's RKPD/Renja)."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    jpd = models.ForeignKey(Jpd, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    target = models.PositiveBigIntegerField(_("sasaran rencana"), null=True, blank=True)
    planned_cost = models.DecimalField(
        _("biaya rencana (Rp)"), null=True, blank=True, max_digits=18, decimal_places=0
    )
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("rencana tahunan")
        verbose_name_plural = _("rencana tahunan")
        ordering = ["pemda", "jpd", "year"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "jpd", "year"], name="planyear_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.jpd_id} {self.year}"


class SubKegiatan(models.Model):
    """A sub-kegiatan of the Kemendagri nomenclature: the codes Tuntas ships (``pemda`` null,
    ``tuntas init`` loads them) and those a region adds."""

    pemda = models.ForeignKey(
        Pemda, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(_("kode"), max_length=40)
    name = models.TextField(_("nama"))
    source = models.CharField(_("sumber"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("sub-kegiatan")
        verbose_name_plural = _("sub-kegiatan")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(pemda__isnull=True), name="subkeg_national"
            ),
            models.UniqueConstraint(fields=["pemda", "code"], name="subkeg_unique_pemda"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BudgetLine(models.Model):
    """A budget line of a year serving a JPD: a sub-kegiatan with its amount and source."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    jpd = models.ForeignKey(Jpd, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    sub_kegiatan = models.ForeignKey(SubKegiatan, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(
        PerangkatDaerah, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.DecimalField(_("pagu (Rp)"), max_digits=18, decimal_places=0)
    funding_source = models.CharField(
        _("sumber dana"), max_length=16, choices=FundingSource.choices, default=FundingSource.APBD
    )
    volume = models.DecimalField(
        _("volume"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("satuan"), max_length=60, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("baris anggaran")
        verbose_name_plural = _("baris anggaran")
        ordering = ["pemda", "year", "jpd", "sub_kegiatan__code", "id"]
        indexes = [models.Index(fields=["pemda", "year", "jpd"])]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.year} {self.jpd_id}: {self.amount}"


class BudgetRealisation(models.Model):
    """What a budget line has spent, cumulative to a quarter's end."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="realisations")
    quarter = models.PositiveSmallIntegerField(_("triwulan"), choices=QUARTERS)
    amount = models.DecimalField(_("realisasi (Rp)"), max_digits=18, decimal_places=0)

    class Meta:
        verbose_name = _("realisasi anggaran")
        verbose_name_plural = _("realisasi anggaran")
        constraints = [
            models.UniqueConstraint(fields=["line", "quarter"], name="realisation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.line_id} TW{self.quarter}: {self.amount}"


class StageDocument(models.Model):
    """A document attesting a stage where the data cannot show it (the SK of the Tim Penerapan
    SPM, planning documents): stored outside the web root, size- and type-checked."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    jpd = models.ForeignKey(Jpd, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    stage = models.PositiveSmallIntegerField(_("tahap"))  # 1–4
    kind = models.CharField(_("jenis dokumen"), max_length=40)
    title = models.CharField(_("judul"), max_length=200)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    path = models.CharField(max_length=500)  # under VAR_DIR/dokumen, never served directly
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dokumen tahap")
        verbose_name_plural = _("dokumen tahap")
        ordering = ["pemda", "year", "stage", "id"]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.year} tahap {self.stage}: {self.title}"


class ActionStatus(models.TextChoices):
    BELUM = "belum", _("Belum mulai")
    BERJALAN = "berjalan", _("Berjalan")
    SELESAI = "selesai", _("Selesai")


class ActionItem(models.Model):
    """One activity of the SPM action plan (rencana aksi)."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    jpd = models.ForeignKey(Jpd, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    activity = models.TextField(_("kegiatan"))
    opd = models.ForeignKey(
        PerangkatDaerah, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start = models.DateField(_("mulai"), null=True, blank=True)
    end = models.DateField(_("selesai"), null=True, blank=True)
    indicator = models.TextField(_("indikator"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.BELUM
    )
    note = models.TextField(_("catatan"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("rencana aksi")
        verbose_name_plural = _("rencana aksi")
        ordering = ["pemda", "year", "order", "id"]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.year}: {self.activity[:60]}"
