"""Reads of by-name recipients. Only aggregates here: no personal data leaves these functions."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.penerima.models import RecipientEntry
from tuntas.wilayah.models import Region


def recipients_recap(*, pemda: Pemda, jpd: Jpd, year: int) -> dict[str, Any]:
    """``{"sasaran", "terlayani", "per_kecamatan": [{"kode", "nama", "sasaran", "terlayani"}]}``:
    people on the list (every stored entry passed the eligibility rule) and those served per
    standard, in total and per kecamatan (the first 8 characters of the desa code)."""
    rows = list(
        RecipientEntry.objects.filter(pemda=pemda, jpd=jpd, year=year)
        .annotate(kecamatan=Substr("village_code", 1, 8))
        .values("kecamatan")
        .annotate(sasaran=Count("nik_hash"), terlayani=Count("nik_hash", filter=Q(served=True)))
        .order_by("kecamatan")
    )
    names = dict(
        Region.objects.filter(code__in=[r["kecamatan"] for r in rows]).values_list("code", "name")
    )
    return {
        "sasaran": sum(r["sasaran"] for r in rows),
        "terlayani": sum(r["terlayani"] for r in rows),
        "per_kecamatan": [
            {
                "kode": r["kecamatan"],
                "nama": names.get(r["kecamatan"], ""),
                "sasaran": r["sasaran"],
                "terlayani": r["terlayani"],
            }
            for r in rows
        ],
    }
