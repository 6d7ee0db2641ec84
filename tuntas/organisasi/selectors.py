"""Reads of a pemda's structure. The one place that answers "which OPD is pengampu of this JPD":
every page, download, import and the access policy asks here."""

from __future__ import annotations

from collections.abc import Iterable

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import JpdAssignment, Pemda, PerangkatDaerah


def pengampu_opd_id(*, pemda: Pemda, jpd: Jpd | str) -> int | None:
    """The id of the OPD that is pengampu of ``jpd`` in ``pemda`` (None when unassigned)."""
    return (
        JpdAssignment.objects.filter(pemda=pemda, jpd=jpd).values_list("opd_id", flat=True).first()
    )


def pengampu_ids(*, pemda: Pemda, jpd_codes: Iterable[str] | None = None) -> dict[str, int]:
    """JPD code → id of its pengampu OPD, for every assigned JPD (or only ``jpd_codes``)."""
    qs = JpdAssignment.objects.filter(pemda=pemda)
    if jpd_codes is not None:
        qs = qs.filter(jpd_id__in=list(jpd_codes))
    return dict(qs.values_list("jpd_id", "opd_id"))


def pengampu_opds(*, pemda: Pemda) -> dict[str, PerangkatDaerah]:
    """JPD code → its pengampu OPD (one query)."""
    return {
        a.jpd_id: a.opd for a in JpdAssignment.objects.filter(pemda=pemda).select_related("opd")
    }
