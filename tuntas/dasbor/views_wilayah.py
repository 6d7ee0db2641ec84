"""Drill-down of the by-name registry on the region dashboard: per kecamatan, then per desa; for
a province's own JPD first per kab/kota, then per kecamatan of one kab/kota, then per desa.

Counts only (no name, no NIK): aggregates are all that leaves the pemda. Scoping as on the region
dashboard: whoever may read the pemda (its members, pimpinan included, the province for its
kab/kota, pusat) sees it; anyone else gets 404. Viewers from outside the pemda (the province
looking at a kab/kota, pusat, the provinsi role on the province's own JPD) see small counts as
"< 5" and the counts hidden with them (``suppress_small_counts``); members see every count."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tuntas.akun.scope import pemda_get_for_user, request_scope
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.selectors import jpd_get_for_pemda, year_choices
from tuntas.pendataan.services import target_get
from tuntas.penerima.disclosure import (
    SMALL_COUNT_MIN,
    AreaPath,
    CountMarks,
    Mark,
    suppress_small_counts,
)
from tuntas.penerima.selectors import AreaCount, registry_by_area
from tuntas.wilayah.models import Level, Region
from tuntas.wilayah.selectors import region_names, regions_by_code

# The level below each level, and how long its codes are ("32", "32.75", "32.75.01", ...).
CHILD_LEVEL = {Level.PROVINSI: Level.KABKOTA, Level.KABKOTA: Level.KECAMATAN,
               Level.KECAMATAN: Level.DESA}  # fmt: skip
CODE_LENGTH = {Level.PROVINSI: 2, Level.KABKOTA: 5, Level.KECAMATAN: 8}


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


def area_path(code: str, pemda: Pemda) -> AreaPath:
    """The areas from just below the pemda down to ``code``: ``("32.75.01", "32.75.01.1001")``
    in Kota Bekasi, ``("32.75", "32.75.01", "32.75.01.1001")`` in Provinsi Jawa Barat."""
    lengths = [n for n in CODE_LENGTH.values() if len(pemda.code) < n < len(code)]
    return (*(code[:n] for n in lengths), code)


@dataclass(frozen=True)
class DrillDown:
    """One page: the counts of the sub-areas of ``total`` (the pemda or one area), marked for
    the viewer; ``exact``: the viewer is a member of the pemda and sees every count."""

    rows: list[AreaCount]
    total: AreaCount
    exact: bool

    @property
    def small(self) -> bool:
        return any(Mark.SMALL in _marks(r) for r in (*self.rows, self.total))

    @property
    def starred(self) -> bool:
        """Some count is hidden with the small ones, or some percentage is not shown."""
        return any(Mark.HIDDEN in _marks(r) or not r.persen_shown for r in (*self.rows, self.total))


def _marks(row: AreaCount) -> tuple[Mark, Mark, Mark]:
    return row.marks.sasaran, row.marks.terlayani, row.marks.belum


def drilldown(
    *, pemda: Pemda, jpd: Jpd, year: int, quarter: int, area: Region | None, exact: bool
) -> DrillDown:
    """The sub-areas of ``area`` (of the pemda when None) with the registry's counts; for a
    viewer from outside the pemda (``exact`` False) marked by :func:`suppress_small_counts` over
    the whole pemda, so that a count hidden on one page is hidden on every page (the kecamatan
    row of the per-kecamatan page is the total of its per-desa page). Two queries: the counts
    per desa of the whole pemda, the names of the sub-areas."""
    leaves = registry_by_area(
        pemda=pemda, jpd=jpd, year=year, quarter=quarter, level=Level.DESA, with_names=False
    )
    paths = {r.kode: area_path(r.kode, pemda) for r in leaves}
    marks: dict[AreaPath, CountMarks] = {}
    if not exact:
        marks = suppress_small_counts({paths[r.kode]: (r.sasaran, r.terlayani) for r in leaves})
    top: AreaPath = () if area is None else area_path(area.code, pemda)
    counts: dict[str, list[int]] = {}
    for r in leaves:
        path = paths[r.kode]
        if path[: len(top)] == top and len(path) > len(top):
            count = counts.setdefault(path[len(top)], [0, 0])
            count[0] += r.sasaran
            count[1] += r.terlayani
    names = region_names(codes=list(counts))
    rows = [
        AreaCount(code, names.get(code, ""), s, t, marks.get((*top, code), CountMarks()))
        for code, (s, t) in sorted(counts.items())
    ]
    total = AreaCount(
        "" if area is None else area.code,
        "" if area is None else area.name,
        sum(r.sasaran for r in rows),
        sum(r.terlayani for r in rows),
        marks.get(top, CountMarks()),
    )
    return DrillDown(rows, total, exact)


def _page(
    request: HttpRequest,
    pemda: Pemda,
    jpd: Jpd,
    tahun: int,
    quarter: int,
    area: Region | None,
    ancestors: list[Region],
) -> HttpResponse:
    exact = pemda.code in request_scope(request).own_pemda_codes
    page = drilldown(pemda=pemda, jpd=jpd, year=tahun, quarter=quarter, area=area, exact=exact)
    level = CHILD_LEVEL[Level(area.level if area else pemda.level)]
    args = (pemda.code, tahun, jpd.code)
    top_label = _("Per kabupaten/kota") if pemda.level == Level.PROVINSI else _("Per kecamatan")
    crumbs = [(_("Dasbor") + " " + pemda.name, reverse("dasbor-pemda", args=[pemda.code]))]
    if area is not None:
        crumbs.append((top_label, reverse("dasbor-wilayah", args=args)))
        crumbs += [
            (r.name, reverse("dasbor-wilayah-rinci", args=[*args, r.code])) for r in ancestors
        ]
    target = target_get(pemda=pemda, jpd=jpd, year=tahun) if area is None else None
    gap = None
    if target is not None and page.total.marks.sasaran == Mark.SHOWN:
        gap = page.total.sasaran - target.sasaran
    return render(
        request,
        "dasbor/wilayah_daftar.html",
        {
            "pemda": pemda,
            "jpd": jpd,
            "tahun": tahun,
            "tw": quarter,
            "area": area,
            "level": level,
            "heading": top_label if area is None else area.name,
            "crumbs": crumbs,
            "linked": level != Level.DESA,  # a sub-area leads to its own sub-areas
            "page": page,
            "rows": page.rows,
            "total": page.total,
            "target": target,
            "gap": gap,
            "small_min": SMALL_COUNT_MIN,
            "small_max": SMALL_COUNT_MIN - 1,
            "small_label": f"< {SMALL_COUNT_MIN}",
        },
    )


@login_required
@require_safe
def area_top(request: HttpRequest, kode: str, tahun: int, jpd: str) -> HttpResponse:
    """The first level: the kecamatan of a kab/kota, the kab/kota of a province."""
    pemda, jpd_obj, quarter = _context(request, kode, tahun, jpd)
    return _page(request, pemda, jpd_obj, tahun, quarter, None, [])


@login_required
@require_safe
def area_detail(
    request: HttpRequest, kode: str, tahun: int, jpd: str, wilayah: str
) -> HttpResponse:
    """The sub-areas of one area of the pemda: the desa of a kecamatan; for a province also
    the kecamatan of a kab/kota. Any other code, or one outside the pemda: 404."""
    pemda, jpd_obj, quarter = _context(request, kode, tahun, jpd)
    allowed = [Level.KECAMATAN]
    if pemda.level == Level.PROVINSI:
        allowed.append(Level.KABKOTA)
    # the area and, for a kecamatan of a province, its kab/kota (for the breadcrumbs): one query
    chain = [wilayah[:n] for n in CODE_LENGTH.values() if len(pemda.code) < n < len(wilayah)]
    found = regions_by_code(codes=[*chain, wilayah])
    area = found.get(wilayah)
    if area is None or area.level not in allowed or not area.code.startswith(pemda.code + "."):
        raise Http404("Wilayah tidak dikenal")
    ancestors = [found[code] for code in chain if code in found]
    return _page(request, pemda, jpd_obj, tahun, quarter, area, ancestors)
