"""Forms of the stage documents and the action plan. Choices (JPD, OPD) come from the view,
read through the selectors; the services validate again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import PerangkatDaerah
from tuntas.perencanaan.action_plan import MAX_TEXT, ActionData
from tuntas.perencanaan.models import ActionStatus
from tuntas.perencanaan.stages import DOCUMENT_KINDS, STAGE_NAMES, STAGES

PEMDA_WIDE = ""  # the JPD choice "the whole pemda"
YEAR_SPAN = 10  # an action's dates stay within this many years of the plan's year


class StageDocumentForm(forms.Form):
    tahap = forms.TypedChoiceField(label=_("Tahap"), coerce=int, choices=())
    jenis = forms.ChoiceField(label=_("Jenis dokumen"), choices=())
    jpd = forms.ChoiceField(label=_("Untuk"), choices=(), required=False)
    judul = forms.CharField(label=_("Judul dokumen"), max_length=200)
    berkas = forms.FileField(
        label=_("Berkas (PDF, DOCX, XLSX, JPG atau PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, jpds: list[Jpd], pemda_wide: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tahap"].choices = [  # type: ignore[attr-defined]
            (n, f"{n}. {STAGE_NAMES[n]}") for n in STAGES
        ]
        self.fields["jenis"].choices = [  # type: ignore[attr-defined]
            (kind, f"{label}" + (f" ({gettext('tahap')} {stage})" if stage else ""))
            for kind, (stage, label, _wide) in DOCUMENT_KINDS.items()
        ]
        choices: list[tuple[str, str]] = []
        if pemda_wide:
            choices.append((PEMDA_WIDE, gettext("Seluruh pemda")))
        choices += [(j.code, f"{j.code} {j.name}") for j in jpds]
        self.fields["jpd"].choices = choices  # type: ignore[attr-defined]
        self.fields["jpd"].required = not pemda_wide


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ActionItemForm(forms.Form):
    kegiatan = forms.CharField(
        label=_("Kegiatan"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    opd = forms.TypedChoiceField(
        label=_("Penanggung jawab (perangkat daerah)"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=(),
    )
    jpd = forms.ChoiceField(label=_("JPD (bila khusus satu JPD)"), required=False, choices=())
    mulai = forms.DateField(label=_("Mulai"), required=False, widget=DateInput())
    selesai = forms.DateField(label=_("Selesai"), required=False, widget=DateInput())
    indikator = forms.CharField(
        label=_("Indikator keberhasilan"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    catatan = forms.CharField(
        label=_("Catatan"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, year: int, opds: list[PerangkatDaerah], jpds: list[Jpd], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["opd"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (o.pk, o.name) for o in opds
        ]
        self.fields["jpd"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (j.code, f"{j.code} {j.name}") for j in jpds
        ]

    def _bounded(self, value: dt.date | None) -> dt.date | None:
        if value is not None and abs(value.year - self.year) > YEAR_SPAN:
            raise forms.ValidationError(
                gettext("Tanggal terlalu jauh dari tahun rencana (%(tahun)s).")
                % {"tahun": self.year}
            )
        return value

    def clean_mulai(self) -> dt.date | None:
        return self._bounded(self.cleaned_data.get("mulai"))

    def clean_selesai(self) -> dt.date | None:
        return self._bounded(self.cleaned_data.get("selesai"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("mulai"), data.get("selesai")
        if start and end and end < start:
            self.add_error("selesai", gettext("Tanggal selesai tidak boleh sebelum tanggal mulai."))
        return data

    def action_data(self) -> ActionData:
        d = self.cleaned_data
        return ActionData(
            activity=d["kegiatan"],
            opd_id=d.get("opd"),
            jpd_code=d.get("jpd") or None,
            start=d.get("mulai"),
            end=d.get("selesai"),
            indicator=d.get("indikator") or "",
            status=d["status"],
            note=d.get("catatan") or "",
        )

    @staticmethod
    def initial_from(item: Any) -> dict[str, object]:
        return {
            "kegiatan": item.activity,
            "opd": item.opd_id,
            "jpd": item.jpd_id or "",
            "mulai": item.start,
            "selesai": item.end,
            "indikator": item.indicator,
            "status": item.status,
            "catatan": item.note,
        }
