"""The reporting deadlines in Django's administration (the system administrator sets them; a
save goes through ``tenggat.deadline_set``, so it is validated and audited like the command)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext

from tuntas.alur.models import Deadline
from tuntas.alur.tenggat import deadline_set, quarter_end
from tuntas.core.formatting import tanggal


class DeadlineForm(ModelForm):
    class Meta:
        model = Deadline
        fields = ["year", "quarter", "due", "confirmed", "source"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, quarter, due = data.get("year"), data.get("quarter"), data.get("due")
        if year and quarter in (1, 2, 3, 4) and due and due <= quarter_end(year, quarter):
            raise ValidationError(
                {
                    "due": gettext("Batas waktu harus setelah triwulan berakhir (%(end)s).")
                    % {"end": tanggal(quarter_end(year, quarter))}
                }
            )
        return data


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    form = DeadlineForm
    list_display = ["year", "quarter", "due", "confirmed", "source", "updated_at"]
    list_filter = ["year", "confirmed"]
    ordering = ["-year", "-quarter"]

    def save_model(self, request: HttpRequest, obj: Deadline, form: Any, change: bool) -> None:
        if change and obj.pk:  # the year or quarter may have changed: one row per quarter
            before = Deadline.objects.get(pk=obj.pk)
            if (before.year, before.quarter) != (obj.year, obj.quarter):
                before.delete()
        saved = deadline_set(
            year=obj.year,
            quarter=obj.quarter,
            due=obj.due,
            confirmed=obj.confirmed,
            source=obj.source,
            actor=request.user,  # type: ignore[arg-type]
        )
        obj.pk = saved.pk
