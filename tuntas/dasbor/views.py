from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from tuntas.akun.models import Role
from tuntas.akun.scope import pemda_get_for_user, pemda_readable, request_scope
from tuntas.alur.tenggat import national_reporting, pemda_report_timeliness, province_reporting
from tuntas.dasbor.selectors import category_choices, pemda_dashboard
from tuntas.pendataan.selectors import current_period, year_choices
from tuntas.penerima.selectors import registry_jpd_codes


def period_from(request: HttpRequest) -> tuple[int, int]:
    year, quarter = current_period()
    try:
        year = int(request.GET.get("tahun", year))
        quarter = int(request.GET.get("tw", quarter))
    except ValueError as exc:
        raise Http404("Periode tidak dikenal") from exc
    if quarter not in (1, 2, 3, 4) or year not in year_choices():
        raise Http404("Periode tidak dikenal")
    return year, quarter


def ranked_value_label(urusan: str, *, unit: str = "") -> str:
    """The heading of the ranked value: the region index, or the chosen urusan's value (the
    national page, its files and the API rank on that urusan when one is chosen)."""
    if urusan:
        return gettext("Nilai urusan %(urusan)s") % {"urusan": urusan} + unit
    return gettext("Indeks") + unit


def trend_by_year(trend: list[Any]) -> dict[str, list[float | None]]:
    """``{"2025": [TW1, TW2, TW3, TW4], ...}``: the region index per quarter, per year."""
    years: dict[str, list[float | None]] = {}
    for row in trend:
        values = years.setdefault(str(row.year), [None, None, None, None])
        values[row.quarter - 1] = float(row.shown.nilai) if row.shown.nilai is not None else None
    return years


@login_required
@require_safe
def beranda(request: HttpRequest) -> HttpResponse:
    """Send each user to where their work is."""
    scope = request_scope(request)
    if scope.own_pemda_codes:
        return redirect("dasbor-pemda", kode=sorted(scope.own_pemda_codes)[0])
    if scope.province_codes:
        return redirect("dasbor-provinsi", kode=sorted(scope.province_codes)[0])
    if scope.is_pusat:
        return redirect("dasbor-nasional")
    if request.user.is_staff:  # the system administrator: a page of what they can do
        # the administration sections as the admin itself lists them for this user (their
        # permissions decide): the page never promises a section the admin does not have
        return render(
            request, "dasbor/sistem.html", {"admin_apps": admin.site.get_app_list(request)}
        )
    return render(request, "dasbor/tanpa_akses.html", status=403)


@login_required
@require_safe
def pemda(request: HttpRequest, kode: str) -> HttpResponse:
    pemda_obj = pemda_get_for_user(request, kode)
    year, quarter = period_from(request)
    board = pemda_dashboard(pemda_obj, year, quarter)
    scope = request_scope(request)
    return render(
        request,
        "dasbor/pemda.html",
        {
            "pemda": pemda_obj,
            "board": board,
            "tahun": year,
            "tw": quarter,
            "years": year_choices(),
            "can_enter": not scope.is_read_only_in(pemda_obj),
            "can_admin": scope.can_admin(pemda_obj),
            # the trend chart: one line per year over TW1..TW4 (entries are cumulative toward the
            # year's target, so a new year starts low again: drawn as its own line, beside the
            # share of the year a quarter represents, not as a fall)
            "trend_years": trend_by_year(board.trend),
            "Role": Role,
            # JPD with a by-name registry for the year: linked to the drill-down (one query)
            "registry_jpd": registry_jpd_codes(pemda=pemda_obj, year=year),
            # the quarter report against its deadline (two queries)
            "laporan": pemda_report_timeliness(pemda_obj, year, quarter),
        },
    )


@login_required
@require_safe
def provinsi(request: HttpRequest, kode: str) -> HttpResponse:
    """A province's own SPM and all its kab/kota, ranked (provinsi role, pusat)."""
    from tuntas.dasbor.selectors import province_kabkota, ranked

    province = pemda_get_for_user(request, kode)
    if province.level != "provinsi":
        raise Http404("Bukan provinsi")
    scope = request_scope(request)
    year, quarter = period_from(request)
    kabkota = province_kabkota(scope, province)
    rows = ranked(kabkota, year, quarter)
    # each kab/kota's quarter report and the rates over them, the province's own apart
    reporting = province_reporting([r.pemda for r in rows], year, quarter, province=province)
    return render(
        request,
        "dasbor/provinsi.html",
        {
            "pemda": province,
            "own": ranked([province], year, quarter)[0],
            "rows": rows,
            "pelaporan": reporting,
            "laporan": reporting.rows,
            "tahun": year,
            "tw": quarter,
            "years": year_choices(),
        },
    )


@login_required
@require_safe
def nasional(request: HttpRequest) -> HttpResponse:
    """Every pemda the user may read, filterable by level, urusan and category."""
    from tuntas.dasbor.selectors import national_ranking
    from tuntas.katalog.selectors import urusan_list

    scope = request_scope(request)
    if not scope.is_pusat:
        raise Http404("Tidak ditemukan")
    year, quarter = period_from(request)
    level = request.GET.get("tingkat", "")
    urusan = request.GET.get("urusan", "")
    category = request.GET.get("kategori", "")
    rows = national_ranking(scope, year, quarter, level=level, urusan=urusan, category=category)
    # reporting rates per province over every registered pemda in scope (not the filters)
    reporting = national_reporting(pemda_readable(scope), year, quarter)
    return render(
        request,
        "dasbor/nasional.html",
        {
            "rows": rows,
            # provinces and kab/kota are ranked apart (RankedRow.rank), and shown apart
            "rows_provinsi": [r for r in rows if r.pemda.level == "provinsi"],
            "rows_kabkota": [r for r in rows if r.pemda.level == "kabkota"],
            "tahun": year,
            "tw": quarter,
            "years": year_choices(),
            "tingkat": level,
            "urusan_code": urusan,
            "nilai_label": ranked_value_label(urusan),
            "kategori_code": category,
            "urusan_list": urusan_list(),
            "kategori_list": category_choices(),
            "pelaporan": reporting,
        },
    )
