"""The region's report: pages, downloads and the public fingerprint check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tuntas.laporan import selectors


@require_safe
def verify(request: HttpRequest, kode: str) -> HttpResponse:
    """Public (no login): which pemda, period and approval a fingerprint belongs to, or that it
    matches nothing."""
    found = selectors.seal_lookup(kode)
    return render(
        request,
        "laporan/verifikasi.html",
        {"kode": kode[:64], "sidik": found, "terkini": selectors.seal_is_current(found)},
        status=200 if found else 404,
    )
