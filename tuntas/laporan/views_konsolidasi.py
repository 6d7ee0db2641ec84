"""The consolidated reports on screen and as downloads: a province's report over its kab/kota
(provinsi role of that province, pusat) and the national summary (pusat). Thin: the data come
from ``konsolidasi``, the files from ``konsolidasi_files``; the screen page and the PDF share
their template."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tuntas.akun.scope import pemda_get_for_user, request_scope
from tuntas.laporan import konsolidasi_files as files
from tuntas.laporan.konsolidasi import national_summary, province_report
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.lookups import period_or_404
from tuntas.pendataan.selectors import year_choices


def _period(tahun: int, tw: int) -> None:
    """404 for a period the site does not know (tw 0 is the year)."""
    period_or_404(tahun, tw, annual=True)


def _province(request: HttpRequest, kode: str) -> Pemda:
    province = pemda_get_for_user(request, kode)
    if province.level != "provinsi":
        raise Http404(_("Bukan provinsi"))
    return province


def _national(request: HttpRequest) -> None:
    if not request_scope(request).is_pusat:
        raise Http404(_("Tidak ditemukan"))


def _download(content: bytes, file_name: str, mime: str) -> HttpResponse:
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _periods(tahun: int, tw: int) -> dict[str, object]:
    return {"tahun": tahun, "tw": tw, "years": year_choices(), "quarters": (0, 1, 2, 3, 4)}


@login_required
@require_safe
def provinsi(request: HttpRequest, kode: str, tahun: int, tw: int) -> HttpResponse:
    """The province's consolidated report on screen, with its kab/kota on one chart."""
    province = _province(request, kode)
    _period(tahun, tw)
    report = province_report(province, tahun, tw, scope=request_scope(request))
    context = files.province_context(report, cetak=False)
    return render(
        request,
        "laporan/konsolidasi_provinsi_halaman.html",
        {
            **context,
            **_periods(tahun, tw),
            "pemda": province,
            "grafik": files.kabkota_chart_data(report),
            "pustaka": static("vendor/chartjs/chart.umd.min.js"),
        },
    )


@login_required
@require_safe
def provinsi_unduh(request: HttpRequest, kode: str, tahun: int, tw: int, fmt: str) -> HttpResponse:
    """The province's consolidated report as PDF or XLSX."""
    province = _province(request, kode)
    _period(tahun, tw)
    build = files.province_pdf if fmt == "pdf" else files.province_xlsx
    return _download(*build(province, tahun, tw, None))


@login_required
@require_safe
def nasional(request: HttpRequest, tahun: int, tw: int) -> HttpResponse:
    """The national summary on screen (pusat)."""
    _national(request)
    _period(tahun, tw)
    summary = national_summary(tahun, tw, scope=request_scope(request))
    return render(
        request,
        "laporan/ringkasan_nasional_halaman.html",
        {**files.national_context(summary, cetak=False), **_periods(tahun, tw)},
    )


@login_required
@require_safe
def nasional_unduh(request: HttpRequest, tahun: int, tw: int, fmt: str) -> HttpResponse:
    """The national summary as PDF or XLSX (pusat)."""
    _national(request)
    _period(tahun, tw)
    build = files.national_pdf if fmt == "pdf" else files.national_xlsx
    return _download(*build(None, tahun, tw, None))
