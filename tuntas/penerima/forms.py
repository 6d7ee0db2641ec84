"""Forms of the by-name recipient pages."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuntas.penerima.selectors import ListFilter
from tuntas.wilayah.models import Region

REASON_MIN = 5


class UploadForm(forms.Form):
    jpd = forms.ChoiceField(label=_("Jenis pelayanan dasar"))
    tahun = forms.TypedChoiceField(label=_("Tahun"), coerce=int)
    berkas = forms.FileField(label=_("Berkas daftar penerima (CSV atau XLSX)"))
    terima_sebagian = forms.BooleanField(
        label=_("Terima sebagian: simpan baris yang sah walaupun ada baris yang salah"),
        required=False,
    )
    ganti = forms.BooleanField(
        label=_("Ganti seluruh daftar JPD dan tahun ini dengan isi berkas"), required=False
    )

    def __init__(
        self, *args: Any, jpd_choices: list[tuple[str, str]], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jpd"].choices = jpd_choices  # type: ignore[attr-defined]
        self.fields["tahun"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]


def clean_nik_input(value: str) -> str:
    """A NIK as typed (spaces, dots, a leading apostrophe) → 16 digits, or ``ValidationError``."""
    digits = re.sub(r"[\s.'’-]", "", value or "")
    if not re.fullmatch(r"\d{16}", digits):
        raise forms.ValidationError(
            _("Cari dengan NIK lengkap 16 digit (pencarian sebagian NIK atau nama tidak tersedia).")
        )
    return digits


class NikSearchForm(forms.Form):
    """Search by a full NIK. Posted, never in a URL: the list is then shown for its keyed hash
    (``?cari=``), so the NIK stays out of addresses, browser history and server logs."""

    nik = forms.CharField(label=_("NIK lengkap (16 digit)"), max_length=40)

    def clean_nik(self) -> str:
        return clean_nik_input(self.cleaned_data.get("nik", ""))


class ListFilterForm(forms.Form):
    cari = forms.RegexField(regex=r"^[0-9a-f]{64}$", required=False, widget=forms.HiddenInput)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    desa = forms.ChoiceField(label=_("Desa/kelurahan"), required=False)
    terlayani = forms.ChoiceField(
        label=_("Terlayani sesuai standar"),
        required=False,
        choices=[("", _("Semua")), ("ya", _("Ya")), ("tidak", _("Tidak"))],
    )

    def __init__(
        self, *args: Any, kecamatan: list[Region], desa: list[Region], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].choices = [("", _("Semua"))] + [  # type: ignore[attr-defined]
            (r.code, f"{r.code} {r.name}") for r in kecamatan
        ]
        self.fields["desa"].choices = [("", _("Semua"))] + [  # type: ignore[attr-defined]
            (r.code, r.name) for r in desa
        ]

    def list_filter(self) -> ListFilter:
        data = self.cleaned_data
        served = {"ya": True, "tidak": False}.get(data.get("terlayani") or "")
        return ListFilter(
            nik_hash=bytes.fromhex(data.get("cari") or ""),
            kecamatan=data.get("kecamatan") or "",
            desa=data.get("desa") or "",
            served=served,
        )


class RevealForm(forms.Form):
    """Show one full NIK: the reason is required and logged."""

    hash_nik = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    alasan = forms.CharField(
        label=_("Alasan melihat NIK lengkap"), min_length=REASON_MIN, max_length=500
    )


class ExportForm(forms.Form):
    alasan = forms.CharField(
        label=_("Alasan ekspor (wajib, dicatat)"),
        min_length=REASON_MIN,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")], initial="xlsx"
    )
    sertakan_nik = forms.BooleanField(
        label=_("Sertakan NIK lengkap (tanpa penyamaran; dicatat)"), required=False
    )
