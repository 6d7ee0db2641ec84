"""Forms of the price list, the prices linked to needs and activity costing: what a user types
(``Rp 1.250.000``, ``2,5``) read into bounded values; the rules stay in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuntas.perencanaan.costing import ORDER_MAX, parse_volume
from tuntas.perencanaan.models import FundingSource
from tuntas.perencanaan.prices import (
    CODE_MAX,
    DESCRIPTION_MAX,
    UNIT_MAX,
    NeedPriceRow,
    RupiahError,
    parse_rupiah,
)

NUMERIC = {"inputmode": "numeric", "class": "num", "autocomplete": "off"}
TYPED_MAX = 40  # characters of a typed price or volume


class RupiahField(forms.CharField):
    """A price in whole Rupiah typed as ``1.250.000``, ``1250000`` or ``Rp 1.250.000``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={**NUMERIC, "maxlength": TYPED_MAX}))
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = str(super().to_python(value) or "")
        if not text:
            return None
        if len(text) > TYPED_MAX:
            raise forms.ValidationError(gettext("Harga terlalu panjang."))
        try:
            return parse_rupiah(text)
        except RupiahError as exc:
            raise forms.ValidationError(
                gettext("Harga '%(v)s' %(why)s.") % {"v": text, "why": exc}
            ) from exc


class VolumeField(forms.CharField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        attrs = {**NUMERIC, "inputmode": "decimal", "maxlength": TYPED_MAX}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = str(super().to_python(value) or "")
        if not text:
            return None
        if len(text) > TYPED_MAX:
            raise forms.ValidationError(gettext("Volume terlalu panjang."))
        try:
            return parse_volume(text)
        except ValueError as exc:
            raise forms.ValidationError(
                gettext("Volume '%(v)s' %(why)s.") % {"v": text, "why": exc}
            ) from exc


class PriceItemForm(forms.Form):
    item = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62
    )
    kode = forms.CharField(label=_("Kode"), max_length=CODE_MAX)
    uraian = forms.CharField(
        label=_("Uraian"), max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    satuan = forms.CharField(label=_("Satuan"), max_length=UNIT_MAX)
    harga = RupiahField(label=_("Harga satuan (Rp)"))


class PriceDeleteForm(forms.Form):
    item = forms.IntegerField(min_value=1, max_value=2**62)
    lepas = forms.BooleanField(required=False)


class PriceUploadForm(forms.Form):
    berkas = forms.FileField(label=_("Berkas Excel atau CSV (kolom kode, uraian, satuan, harga)"))
    lepas = forms.BooleanField(
        label=_(
            "Lepaskan tautan harga yang tidak ada lagi di berkas (kebutuhan kehilangan harganya; "
            "kegiatan menyimpan harga lamanya sebagai harga ketikan)"
        ),
        required=False,
    )


class NeedPriceForm(forms.Form):
    """One SSH code and funding source per need of the JPD (``harga_<key>``, ``sumber_<key>``)."""

    def __init__(self, *args: Any, rows: list[NeedPriceRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for r in rows:
            self.fields[f"harga_{r.key}"] = forms.CharField(
                label=gettext("Kode SSH untuk %(name)s") % {"name": r.name},
                max_length=CODE_MAX,
                required=False,
                initial=r.price.code if r.price else "",
            )
            self.fields[f"sumber_{r.key}"] = forms.ChoiceField(
                label=gettext("Sumber dana untuk %(name)s") % {"name": r.name},
                choices=FundingSource.choices,
                initial=r.funding_source,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.rows and not any(
            f"{prefix}_{r.key}" in self.data for r in self.rows for prefix in ("harga", "sumber")
        ):
            raise forms.ValidationError(gettext("Tidak ada harga yang dikirim."))
        return data

    def choices(self) -> dict[str, tuple[str, str]]:
        """Key → (SSH code, funding source) of every row sent; what a row does not send keeps
        its current value (a row absent from the post is left alone)."""
        out = {}
        for r in self.rows:
            price, source = f"harga_{r.key}", f"sumber_{r.key}"
            if price in self.data or source in self.data:
                out[r.key] = (
                    (self.cleaned_data.get(price) or "").strip()
                    if price in self.data
                    else (r.price.code if r.price else ""),
                    self.cleaned_data.get(source) or r.funding_source,
                )
        return out

    def bound_rows(self) -> list[tuple[NeedPriceRow, forms.BoundField, forms.BoundField]]:
        return [(r, self[f"harga_{r.key}"], self[f"sumber_{r.key}"]) for r in self.rows]


class ActivityForm(forms.Form):
    kegiatan = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62
    )
    langkah = forms.CharField(label=_("Langkah kegiatan"), max_length=200)
    variabel = forms.CharField(label=_("Variabel"), max_length=200, required=False)
    komponen = forms.CharField(label=_("Komponen"), max_length=200)
    rincian = forms.CharField(
        label=_("Rincian volume (mis. 2 org × 3 hari × 4 kali)"), max_length=120, required=False
    )
    volume = VolumeField(
        label=_("Volume (kosongkan untuk menghitung dari rincian)"), required=False
    )
    satuan = forms.CharField(label=_("Satuan"), max_length=60)
    kode_ssh = forms.CharField(label=_("Kode SSH"), max_length=CODE_MAX, required=False)
    harga_satuan = RupiahField(label=_("atau harga satuan (Rp)"), required=False)
    sumber = forms.ChoiceField(label=_("Sumber dana"), choices=FundingSource.choices)
    urutan = forms.IntegerField(
        label=_("Urutan"), min_value=0, max_value=ORDER_MAX, required=False, initial=0
    )

    def clean(self) -> dict[str, Any]:
        from tuntas.perencanaan.costing import volume_from_note

        data = super().clean() or {}
        if data.get("volume") is None and "volume" not in self.errors:
            volume = volume_from_note(data.get("rincian") or "")
            if volume is None:
                self.add_error(
                    "volume",
                    gettext("Isi volume, atau rincian volume berisi angka (2 org × 3 hari)."),
                )
            else:
                data["volume"] = volume
        if (data.get("kode_ssh") or "").strip() and data.get("harga_satuan") is not None:
            self.add_error(
                "harga_satuan", gettext("Isi kode SSH atau harga satuan, tidak keduanya.")
            )
        elif (
            not (data.get("kode_ssh") or "").strip()
            and data.get("harga_satuan") is None
            and "harga_satuan" not in self.errors
        ):
            self.add_error("kode_ssh", gettext("Isi kode SSH atau harga satuan."))
        return data


class ActivityDeleteForm(forms.Form):
    kegiatan = forms.IntegerField(min_value=1, max_value=2**62)
