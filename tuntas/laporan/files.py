"""One entry to the region report's files: data → seal → PDF, DOCX or XLSX, with its name.
Used by the download, the command and the background build."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

from tuntas.laporan.document import ReportData, report_data

if TYPE_CHECKING:
    from tuntas.laporan.charts import Bar
from tuntas.laporan.models import Seal
from tuntas.laporan.services import report_seal
from tuntas.organisasi.models import Pemda

FORMATS = ("pdf", "docx", "xlsx")
MIMES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Progress = Callable[[int, str], None]


def _quiet(percent: int, step: str) -> None:
    return None


def file_name(pemda: Pemda, year: int, quarter: int | None, fmt: str) -> str:
    period = f"{year}-tw{quarter}" if quarter else f"{year}-tahunan"
    return f"laporan-spm-{pemda.code}-{period}.{fmt}"


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
    from tuntas.laporan.charts import Bar

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


def render(data: ReportData, seal: Seal | None, fmt: str) -> bytes:
    if fmt == "pdf":
        from tuntas.laporan.files_pdf import report_pdf

        return report_pdf(data, seal, charts_for(data))
    if fmt == "docx":
        from tuntas.laporan.files_docx import report_docx

        return report_docx(data, seal)
    if fmt == "xlsx":
        from tuntas.laporan.files_xlsx import report_xlsx

        return report_xlsx(data, seal)
    raise ValueError(f"format tidak dikenal: {fmt}")


def report_file(
    pemda: Pemda, year: int, quarter: int | None, fmt: str, progress: Progress = _quiet
) -> tuple[bytes, str, str]:
    """(content, file name, MIME type) of the report of a pemda's period."""
    if fmt not in FORMATS:
        raise ValueError(f"format tidak dikenal: {fmt}")
    progress(5, "Membaca data laporan")
    data = report_data(pemda, year, quarter)
    progress(30, "Menghitung sidik")
    seal = report_seal(data)
    progress(40, f"Menyusun berkas {fmt.upper()}")
    content = render(data, seal, fmt)
    progress(100, "Selesai")
    return content, file_name(pemda, year, quarter, fmt), MIMES[fmt]
