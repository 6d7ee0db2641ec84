"""Tenants: a pemda (a province or kab/kota using Tuntas), its agencies (OPD) and which agency
is responsible (pengampu) for each JPD. Every row carries its pemda."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuntas.katalog.models import Jpd, JpdLevel, ScoringMethod
from tuntas.wilayah.models import Region
from tuntas.wilayah.selectors import zona_waktu
from tuntas.wilayah.zona import Zone


class Pemda(models.Model):
    code = models.CharField(_("kode"), max_length=5, primary_key=True)  # "32.75", "32"
    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="pemda")
    name = models.CharField(_("nama"), max_length=120)
    level = models.CharField(_("tingkat"), max_length=8, choices=JpdLevel.choices, db_index=True)
    province_code = models.CharField(_("kode provinsi"), max_length=2, db_index=True)
    scoring_method = models.ForeignKey(
        ScoringMethod,
        verbose_name=_("metode penilaian"),
        on_delete=models.PROTECT,
        default="ipspm-2021",
    )
    is_demo = models.BooleanField(_("data contoh"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pemerintah daerah")
        verbose_name_plural = _("pemerintah daerah")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def zona(self) -> Zone:
        """The pemda's time zone (WIB, WITA or WIT, from its province; no query): what its
        pages and files show times in."""
        return zona_waktu(self.province_code or self.code)


class PerangkatDaerah(models.Model):
    """An agency (OPD) of a pemda, e.g. Dinas Kesehatan."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="opd")
    name = models.CharField(_("nama"), max_length=160)
    is_coordinator = models.BooleanField(_("koordinator SPM"), default=False)

    class Meta:
        verbose_name = _("perangkat daerah")
        verbose_name_plural = _("perangkat daerah")
        ordering = ["pemda", "-is_coordinator", "name"]
        constraints = [models.UniqueConstraint(fields=["pemda", "name"], name="opd_unique_name")]

    def __str__(self) -> str:
        return self.name


class JpdAssignment(models.Model):
    """Which OPD is pengampu of a JPD in a pemda."""

    pemda = models.ForeignKey(Pemda, on_delete=models.CASCADE, related_name="assignments")
    jpd = models.ForeignKey(Jpd, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(PerangkatDaerah, on_delete=models.PROTECT, related_name="assignments")

    class Meta:
        verbose_name = _("penugasan pengampu")
        verbose_name_plural = _("penugasan pengampu")
        ordering = ["pemda", "jpd"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "jpd"], name="assignment_unique_jpd")
        ]

    def __str__(self) -> str:
        return f"{self.jpd_id} → {self.opd}"
