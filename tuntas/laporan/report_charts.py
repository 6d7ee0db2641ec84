"""The region report's charts, from its data: the urusan profile and the trend per year, as
inline SVG for the PDF (``charts_for``) and as PNG for the DOCX (``files_docx``); the same bars
and points for the screen's Chart.js (``views``)."""

from __future__ import annotations

import textwrap

from tuntas.laporan.charts import Bar
from tuntas.laporan.document import ReportData


def trend_points(data: ReportData) -> dict[str, list[float | None]]:
    """The index per year over TW1..TW4 (entries are cumulative toward the year: one line per
    year, so a new year starting low is not read as a fall)."""
    years: dict[str, list[float | None]] = {}
    for year, quarter, value in data.trend:
        years.setdefault(str(year), [None] * 4)[quarter - 1] = (
            float(value) if value is not None else None
        )
    return years


def urusan_bars(data: ReportData) -> list[Bar]:
    """One bar per urusan (its name wrapped to fit under the bar), coloured by its category."""
    return [Bar(textwrap.fill(u.nama, 11), u.shown.nilai, u.shown.kategori) for u in data.urusan]


def charts_for(data: ReportData) -> dict[str, str]:
    """The report's charts as inline SVG (matplotlib), for the PDF: the urusan profile and the
    trend per year."""
    from tuntas.laporan import charts

    bars = urusan_bars(data)
    out = {}
    if any(b.value is not None for b in bars):
        out["grafik_urusan"] = charts.urusan_profile(bars, bands=data.method.bands)
    points = trend_points(data)
    if points:
        out["grafik_tren"] = charts.trend_years(points)
    return out
