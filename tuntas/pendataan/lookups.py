"""The lookups every page and endpoint of a JPD-quarter starts with: a period the entry knows
and a JPD of the pemda's level, else 404 (``Http404``: the pages' 404 and, through the API's
handler, the API's). One copy for pendataan, the workflow and the planning pages."""

from __future__ import annotations

from django.http import Http404

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.selectors import jpd_get_for_pemda, year_choices


def period_or_404(year: int, quarter: int, *, annual: bool = False) -> None:
    """404 for a period the site does not know; ``annual``: quarter 0 is the year (reports)."""
    if quarter not in ((0, 1, 2, 3, 4) if annual else (1, 2, 3, 4)) or year not in year_choices():
        raise Http404("Periode tidak dikenal")


def jpd_or_404(pemda: Pemda, code: str) -> Jpd:
    jpd = jpd_get_for_pemda(pemda, code.strip().upper())
    if jpd is None:
        raise Http404("JPD tidak dikenal")
    return jpd
