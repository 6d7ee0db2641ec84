"""The scoring methods as pages anyone may read: every rule of a method with its source and
whether it is confirmed (reference data, like the catalog; no tenant data)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tuntas.katalog.reference import DEFAULT_METHOD, get_catalog
from tuntas.katalog.selectors import method_rules


@require_safe
def method_list(request: HttpRequest) -> HttpResponse:
    methods = sorted(
        get_catalog().methods.values(), key=lambda m: (m.code != DEFAULT_METHOD, m.code)
    )
    return render(
        request, "katalog/metode_daftar.html", {"methods": methods, "default": DEFAULT_METHOD}
    )


@require_safe
def method_detail(request: HttpRequest, kode: str) -> HttpResponse:
    ref = get_catalog().methods.get(kode)
    if ref is None:
        raise Http404("Metode tidak dikenal")
    return render(
        request,
        "katalog/metode.html",
        {"ref": ref, "rules": method_rules(ref), "default": DEFAULT_METHOD},
    )
