from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuntas.core.formatting import format_int_id
from tuntas.core.tabular import CountError, parse_count
from tuntas.katalog.models import MutuItem
from tuntas.pendataan.services import EntryInput
from tuntas.perhitungan.batas import COUNT_MAX, RUPIAH_WHOLE_MAX


class CountField(forms.CharField):
    """A whole, non-negative number typed the way users type it (``1.234`` or ``1234``), at most
    ``maximum`` (the field's bound from :mod:`tuntas.perhitungan.batas`)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "class": "num", "autocomplete": "off"})

    def __init__(self, *args: Any, maximum: int = COUNT_MAX, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.maximum = maximum

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in ("", None):
            return None
        try:
            number = parse_count(text)
        except CountError as exc:
            raise forms.ValidationError(
                gettext("Nilai '%(v)s' %(why)s.") % {"v": text, "why": exc}
            ) from exc
        if number > self.maximum:
            raise forms.ValidationError(
                gettext("Nilai '%(v)s' terlalu besar (paling banyak %(max)s).")
                % {"v": text, "max": format_int_id(self.maximum)}
            )
        return number


class EntryForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    terlayani = CountField(
        label=_("Terlayani sesuai standar (kumulatif s.d. akhir triwulan)"), required=False
    )
    over_target_reason = forms.CharField(
        label=_("Penjelasan bila terlayani melebihi sasaran"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    pagu = CountField(label=_("Pagu anggaran (Rp)"), required=False, maximum=RUPIAH_WHOLE_MAX)
    realisasi = CountField(
        label=_("Realisasi anggaran (Rp)"), required=False, maximum=RUPIAH_WHOLE_MAX
    )
    over_budget_reason = forms.CharField(
        label=_("Penjelasan bila realisasi melebihi pagu"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    permasalahan = forms.CharField(
        label=_("Permasalahan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    solusi = forms.CharField(
        label=_("Solusi"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, items: list[MutuItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"mutu_{item.pk}_dibutuhkan"] = CountField(
                label=_("Dibutuhkan"), required=False
            )
            self.fields[f"mutu_{item.pk}_tersedia"] = CountField(
                label=_("Tersedia"), required=False
            )

    def item_fields(self) -> list[tuple[MutuItem, forms.BoundField, forms.BoundField]]:
        return [
            (i, self[f"mutu_{i.pk}_dibutuhkan"], self[f"mutu_{i.pk}_tersedia"]) for i in self.items
        ]

    def to_input(self) -> EntryInput:
        data = self.cleaned_data
        return EntryInput(
            terlayani=data.get("terlayani"),
            mutu={
                i.pk: (data.get(f"mutu_{i.pk}_dibutuhkan"), data.get(f"mutu_{i.pk}_tersedia"))
                for i in self.items
            },
            over_target_reason=data.get("over_target_reason") or "",
            pagu=Decimal(data["pagu"]) if data.get("pagu") is not None else None,
            realisasi=Decimal(data["realisasi"]) if data.get("realisasi") is not None else None,
            over_budget_reason=data.get("over_budget_reason") or "",
            permasalahan=data.get("permasalahan") or "",
            solusi=data.get("solusi") or "",
        )


class TargetForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    sasaran = CountField(label=_("Sasaran tahunan"), required=True)
    alasan = forms.CharField(
        label=_("Alasan perubahan (wajib bila mengubah sasaran)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
