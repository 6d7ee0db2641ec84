"""Forms of the plan, the budget lines, their realisation and the region's sub-kegiatan. Numbers
are typed the way users type them (``1.250.000``), bounded (``perhitungan.batas``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import PerangkatDaerah
from tuntas.pendataan.forms import CountField
from tuntas.perencanaan.budget import LineInput, PlanInput
from tuntas.perencanaan.models import FundingSource, SubKegiatan
from tuntas.perhitungan.batas import RUPIAH_WHOLE_MAX

VOLUME_WHOLE_MAX = 10**12 - 1


class LineForm(forms.Form):
    """A budget line: the JPD is chosen when adding (only those the user writes), fixed after."""

    jpd = forms.ChoiceField(label=_("Jenis pelayanan dasar"))
    sub_kegiatan = forms.ChoiceField(label=_("Sub-kegiatan"))
    opd = forms.ChoiceField(label=_("Perangkat daerah"), required=False)
    amount = CountField(label=_("Pagu (Rp)"), maximum=RUPIAH_WHOLE_MAX)
    funding_source = forms.ChoiceField(label=_("Sumber dana"), choices=FundingSource.choices)
    volume = CountField(label=_("Volume"), required=False, maximum=VOLUME_WHOLE_MAX)
    unit = forms.CharField(label=_("Satuan"), required=False, max_length=60)
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        jpds: list[Jpd] | None,
        subs: list[SubKegiatan],
        opds: list[PerangkatDaerah],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if jpds is None:  # editing: the line's JPD stays
            del self.fields["jpd"]
        else:
            self._choices("jpd", [(j.code, f"{j.code} {j.name}") for j in jpds])
        self.subs = {str(s.pk): s for s in subs}
        self._choices("sub_kegiatan", [(str(s.pk), f"{s.code} {s.name}") for s in subs])
        self.opds = {str(o.pk): o for o in opds}
        self._choices("opd", [(str(o.pk), o.name) for o in opds])

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *choices]

    def to_input(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            sub_kegiatan=self.subs[data["sub_kegiatan"]],
            amount=Decimal(data["amount"]),
            funding_source=data["funding_source"],
            opd=self.opds.get(data.get("opd") or ""),
            volume=Decimal(data["volume"]) if data.get("volume") is not None else None,
            unit=data.get("unit") or "",
            note=data.get("note") or "",
        )


class RealisationForm(forms.Form):
    """A line's realisation to a quarter's end (cumulative); empty removes it."""

    tw = forms.TypedChoiceField(
        choices=[(q, f"TW{q}") for q in (1, 2, 3, 4)], coerce=int, widget=forms.HiddenInput
    )
    realisasi = CountField(
        label=_("Realisasi kumulatif (Rp)"), required=False, maximum=RUPIAH_WHOLE_MAX
    )

    def amount(self) -> Decimal | None:
        value = self.cleaned_data.get("realisasi")
        return None if value is None else Decimal(value)


class PlanForm(forms.Form):
    """Five years of a JPD's plan: target, planned cost and note per year."""

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = years
        for y in years:
            self.fields[f"sasaran_{y}"] = CountField(label=_("Sasaran"), required=False)
            self.fields[f"biaya_{y}"] = CountField(
                label=_("Biaya rencana (Rp)"), required=False, maximum=RUPIAH_WHOLE_MAX
            )
            self.fields[f"catatan_{y}"] = forms.CharField(
                label=_("Catatan"), required=False, max_length=2000
            )

    def year_fields(self) -> list[tuple[int, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(y, self[f"sasaran_{y}"], self[f"biaya_{y}"], self[f"catatan_{y}"])
                for y in self.years]  # fmt: skip

    def to_input(self) -> list[PlanInput]:
        data = self.cleaned_data
        return [
            PlanInput(
                year=y,
                target=data.get(f"sasaran_{y}"),
                planned_cost=(
                    Decimal(data[f"biaya_{y}"]) if data.get(f"biaya_{y}") is not None else None
                ),
                note=data.get(f"catatan_{y}") or "",
            )
            for y in self.years
        ]


class SubKegiatanForm(forms.Form):
    kode = forms.CharField(label=_("Kode sub-kegiatan"), max_length=40)
    nama = forms.CharField(label=_("Nama sub-kegiatan"), max_length=500)
