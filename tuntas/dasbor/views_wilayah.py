"""Drill-down of the by-name registry on the region dashboard: per kecamatan, then per desa.

Counts only (no name, no NIK): aggregates are all that leaves the pemda. Scoping as on the region
dashboard: whoever may read the pemda (its members, pimpinan included, the province for its
kab/kota, pusat) sees it; anyone else gets 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tuntas.akun.scope import pemda_get_for_user
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.selectors import jpd_get_for_pemda, year_choices
from tuntas.pendataan.services import target_get
from tuntas.penerima.selectors import AreaCount, registry_by_area
from tuntas.wilayah.models import Level, Region


def _quarter(request: HttpRequest) -> int:
    """``?tw=`` (default 4: the whole year)."""
    try:
        quarter = int(request.GET.get("tw", 4))
    except ValueError as exc:
        raise Http404("Periode tidak dikenal") from exc
    if quarter not in (1, 2, 3, 4):
        raise Http404("Periode tidak dikenal")
    return quarter


def _context(request: HttpRequest, kode: str, tahun: int, jpd: str) -> tuple[Pemda, Jpd, int]:
    pemda = pemda_get_for_user(request, kode)
    if tahun not in year_choices():
        raise Http404("Periode tidak dikenal")
    jpd_obj = jpd_get_for_pemda(pemda, jpd)
    if jpd_obj is None:
        raise Http404("JPD tidak dikenal")
    return pemda, jpd_obj, _quarter(request)


def _totals(rows: list[AreaCount]) -> AreaCount:
    return AreaCount("", "", sum(r.sasaran for r in rows), sum(r.terlayani for r in rows))


@login_required
def kecamatan_list(request: HttpRequest, kode: str, tahun: int, jpd: str) -> HttpResponse:
    pemda, jpd_obj, quarter = _context(request, kode, tahun, jpd)
    rows = registry_by_area(pemda=pemda, jpd=jpd_obj, year=tahun, quarter=quarter)
    target = target_get(pemda=pemda, jpd=jpd_obj, year=tahun)
    total = _totals(rows)
    return render(
        request,
        "dasbor/wilayah_kecamatan.html",
        {
            "pemda": pemda,
            "jpd": jpd_obj,
            "tahun": tahun,
            "tw": quarter,
            "rows": rows,
            "total": total,
            "target": target,
            "gap": total.sasaran - target.sasaran if target else None,
        },
    )


@login_required
def desa_list(
    request: HttpRequest, kode: str, tahun: int, jpd: str, kecamatan: str
) -> HttpResponse:
    pemda, jpd_obj, quarter = _context(request, kode, tahun, jpd)
    area = Region.objects.filter(code=kecamatan, level=Level.KECAMATAN).first()
    if area is None or not area.code.startswith(pemda.code + "."):
        raise Http404("Kecamatan tidak dikenal")
    rows = registry_by_area(
        pemda=pemda, jpd=jpd_obj, year=tahun, quarter=quarter, kecamatan=area.code
    )
    return render(
        request,
        "dasbor/wilayah_desa.html",
        {
            "pemda": pemda,
            "jpd": jpd_obj,
            "tahun": tahun,
            "tw": quarter,
            "kecamatan": area,
            "rows": rows,
            "total": _totals(rows),
        },
    )
