"""Pages of stages 2–4 (thin: reads through ``selectors``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tuntas.akun.scope import pemda_get_for_user
from tuntas.perencanaan.selectors import pemda_needs, plan_years
from tuntas.perhitungan.kebutuhan import money_total


def plan_year_or_404(year: int) -> None:
    if year not in plan_years():
        raise Http404("Tahun tidak dikenal")


@login_required
@require_safe
def overview(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    """The pemda's plan for a year: every JPD with its target and the cost of its needs."""
    pemda = pemda_get_for_user(request, kode)
    plan_year_or_404(tahun)
    needs = pemda_needs(pemda, tahun)
    return render(
        request,
        "perencanaan/ringkasan.html",
        {
            "pemda": pemda,
            "tahun": tahun,
            "years": plan_years(),
            "needs": needs,
            "total": money_total(n.cost for n in needs),
        },
    )
