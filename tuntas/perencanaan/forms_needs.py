"""Forms of the service-unit and needs pages (stage 2)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuntas.pendataan.forms import CountField
from tuntas.perencanaan.models import FundingSource
from tuntas.perencanaan.needs_services import LocalItemInput, NeedRowInput
from tuntas.perencanaan.selectors import NeedRow
from tuntas.perencanaan.units import UnitInput
from tuntas.wilayah.models import Region

BASIS_CHOICES = [
    ("penerima", _("per penerima (jumlah × sasaran)")),
    ("unit_layanan", _("per unit layanan (jumlah × unit aktif)")),
    ("tetap", _("jumlah tetap")),
    ("sesuai_kebutuhan", _("sesuai kebutuhan (ditetapkan daerah)")),
]


class UnitForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    jenis = forms.CharField(
        label=_("Jenis unit"),
        max_length=60,
        help_text=_("mis. puskesmas, posyandu, sekolah"),
        widget=forms.TextInput(attrs={"list": "jenis-unit", "autocomplete": "off"}),
    )
    kode = forms.CharField(label=_("Kode unit (opsional)"), max_length=40, required=False)
    nama = forms.CharField(label=_("Nama"), max_length=160)
    kode_kecamatan = forms.ChoiceField(label=_("Kecamatan"))

    def __init__(self, *args: Any, kecamatan: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ChoiceField = self.fields["kode_kecamatan"]  # type: ignore[assignment]
        field.choices = [("", "—")] + [(r.code, f"{r.code} {r.name}") for r in kecamatan]

    def to_input(self) -> UnitInput:
        data = self.cleaned_data
        return UnitInput(
            kind=data["jenis"],
            code=data["kode"],
            name=data["nama"],
            kecamatan=data["kode_kecamatan"],
        )


class UnitActiveForm(forms.Form):
    """``ubah=<id>:0`` deactivates a unit, ``<id>:1`` activates it (one button per row of one
    form on the page)."""

    ubah = forms.RegexField(regex=r"^\d{1,18}:[01]$")

    def unit_id(self) -> int:
        return int(self.cleaned_data["ubah"].split(":")[0])

    def active(self) -> bool:
        return bool(self.cleaned_data["ubah"].endswith(":1"))


class UploadForm(forms.Form):
    berkas = forms.FileField(label=_("Berkas Excel (.xlsx) atau CSV"))


class NeedsTableForm(forms.Form):
    """One form for the whole needs table: per row its version (hidden), the available
    quantity, the stated need (only where the rule gives no quantity) and the funding source."""

    def __init__(self, *args: Any, rows: list[NeedRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = [(row_key(r), r) for r in rows]
        for key, row in self.rows:
            self.fields[f"versi_{key}"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=0, max_value=2**31
            )
            self.fields[f"tersedia_{key}"] = CountField(label=_("Tersedia"), required=False)
            if states_need(row):
                self.fields[f"ditetapkan_{key}"] = CountField(
                    label=_("Kebutuhan ditetapkan"), required=False
                )
            self.fields[f"sumber_{key}"] = forms.ChoiceField(
                label=_("Sumber dana"), choices=FundingSource.choices
            )
            if not self.is_bound:
                self.initial[f"versi_{key}"] = row.stored.version if row.stored else 0
                self.initial[f"tersedia_{key}"] = row.available
                self.initial[f"ditetapkan_{key}"] = (
                    row.stored.stated_required if row.stored else None
                )
                self.initial[f"sumber_{key}"] = row.funding_source

    def table(self) -> list[tuple[str, NeedRow, dict[str, forms.BoundField | None]]]:
        return [
            (
                key,
                row,
                {
                    "versi": self[f"versi_{key}"],
                    "tersedia": self[f"tersedia_{key}"],
                    "ditetapkan": self[f"ditetapkan_{key}"]
                    if f"ditetapkan_{key}" in self.fields
                    else None,
                    "sumber": self[f"sumber_{key}"],
                },
            )
            for key, row in self.rows
        ]

    def to_input(self) -> list[NeedRowInput]:
        data = self.cleaned_data
        return [
            NeedRowInput(
                key=key,
                version=data[f"versi_{key}"],
                available=data.get(f"tersedia_{key}"),
                stated_required=data.get(f"ditetapkan_{key}"),
                funding_source=data[f"sumber_{key}"],
            )
            for key, _row in self.rows
        ]


def row_key(row: NeedRow) -> str:
    if row.code:
        return row.code
    return f"L{row.stored.pk}" if row.stored else ""


def states_need(row: NeedRow) -> bool:
    return row.rule is None or row.rule.basis == "sesuai_kebutuhan"


class QuantityField(forms.CharField):
    """A non-negative quantity with at most 4 decimals, typed ``0,15`` or ``0.15``."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "num", "autocomplete": "off"})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = (super().to_python(value) or "").replace(" ", "")
        if not text:
            return None
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        if not re.fullmatch(r"-?\d{1,12}(\.\d{1,12})?", text):
            raise forms.ValidationError(gettext("Jumlah '%(v)s' bukan angka.") % {"v": text[:30]})
        try:
            return Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the pattern above rules it out
            raise forms.ValidationError(gettext("Jumlah bukan angka.")) from exc


class LocalItemForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    nama = forms.CharField(label=_("Nama item"), max_length=300)
    satuan = forms.CharField(label=_("Satuan"), max_length=60, required=False)
    dasar = forms.ChoiceField(label=_("Dasar kebutuhan"), choices=BASIS_CHOICES)
    jumlah = QuantityField(
        label=_("Jumlah"),
        required=False,
        help_text=_("per penerima, per unit, atau jumlah tetap; kosong untuk 'sesuai kebutuhan'"),
    )
    unit_layanan = forms.CharField(
        label=_("Jenis unit layanan"),
        max_length=40,
        required=False,
        help_text=_("untuk dasar per unit layanan, mis. puskesmas"),
        widget=forms.TextInput(attrs={"list": "jenis-unit", "autocomplete": "off"}),
    )

    def to_input(self) -> LocalItemInput:
        data = self.cleaned_data
        return LocalItemInput(
            name=data["nama"],
            unit=data.get("satuan") or "",
            basis=data["dasar"],
            quantity=data.get("jumlah"),
            service_unit=data.get("unit_layanan") or "",
        )


class LocalDeleteForm(forms.Form):
    id = forms.IntegerField(min_value=1, max_value=2**62)
