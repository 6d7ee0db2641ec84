"""The form that asks for a report to be built in the background (views_builds.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuntas.katalog.reference import FIRST_YEAR
from tuntas.laporan.models import BuildFormat, BuildKind

QUARTERS = [
    ("0", _("Tahunan")),
    ("1", _("Triwulan I")),
    ("2", _("Triwulan II")),
    ("3", _("Triwulan III")),
    ("4", _("Triwulan IV")),
]


class BuildForm(forms.Form):
    jenis = forms.ChoiceField(
        label=_("Jenis laporan"),
        error_messages={
            "required": _("Jenis laporan wajib dipilih."),
            "invalid_choice": _("Jenis laporan “%(value)s” tidak tersedia di sini."),
        },
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=BuildFormat.choices,
        error_messages={
            "required": _("Format wajib dipilih."),
            "invalid_choice": _("Format “%(value)s” tidak dikenal (pilihan: PDF, DOCX, XLSX)."),
        },
    )
    tahun = forms.IntegerField(
        label=_("Tahun"),
        error_messages={
            "required": _("Tahun wajib diisi."),
            "invalid": _("Tahun harus berupa angka, mis. 2025."),
        },
    )
    tw = forms.TypedChoiceField(
        label=_("Periode"),
        choices=QUARTERS,
        coerce=int,
        error_messages={
            "required": _("Periode wajib dipilih."),
            "invalid_choice": _("Periode harus tahunan atau triwulan I–IV."),
        },
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jenis"].choices = [(k, BuildKind(k).label) for k in kinds]  # type: ignore[attr-defined]

    def clean_tahun(self) -> int:
        year = int(self.cleaned_data["tahun"])
        last = timezone.localdate().year
        if not FIRST_YEAR <= year <= last:
            raise forms.ValidationError(
                _("Tahun harus antara %(awal)s dan %(akhir)s."),
                params={"awal": FIRST_YEAR, "akhir": last},
            )
        return year
