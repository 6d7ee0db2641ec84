"""The province's report pack: its consolidated report followed by a profile of every kab/kota
(achievement per urusan and per JPD, status of its report, problems), each profile a few pages
of its own. The profiles are independent, so a build fans them out as separate jobs that any
number of workers run at once; the pack is then merged (pypdf), with one bookmark per part.

Profiles read the same data as the region's report (``document.report_data`` without the
planning parts) and print through the same stylesheet."""

from __future__ import annotations

import io
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tuntas.alur.models import ReportStatus
from tuntas.laporan.document import report_data
from tuntas.laporan.files_pdf import PRINT_CSS, css_string, no_fetch
from tuntas.organisasi.models import Pemda


def profile_html(pemda: Pemda, year: int, quarter: int | None, province: Pemda) -> str:
    data = report_data(pemda, year, quarter, full=False)
    with translation.override("id"):
        footer = _("Laporan konsolidasi %(prov)s %(periode)s · profil %(pemda)s") % {
            "prov": province.name,
            "periode": data.period_label,
            "pemda": pemda.name,
        }
        return render_to_string(
            "laporan/profil_cetak.html",
            {
                "d": data,
                "cetak": True,
                "kaki_css": css_string(footer),
                "status_nama": ReportStatus(data.approval.status).label,
            },
        )


def _stylesheet():  # type: ignore[no-untyped-def]
    from weasyprint import CSS

    css_path = finders.find(PRINT_CSS)
    if not css_path:
        raise FileNotFoundError(PRINT_CSS)
    return CSS(string=Path(str(css_path)).read_text(encoding="utf-8"), url_fetcher=no_fetch)


def profile_pdf(pemda: Pemda, year: int, quarter: int | None, province: Pemda) -> bytes:
    """One kab/kota's profile as PDF (a part of the pack)."""
    from weasyprint import HTML

    html = profile_html(pemda, year, quarter, province)
    pdf: bytes = HTML(string=html, url_fetcher=no_fetch).write_pdf(stylesheets=[_stylesheet()])
    return pdf


def pack_merge(parts: list[tuple[str, bytes]]) -> bytes:
    """The parts (title, PDF) one after the other in one PDF, one bookmark per part."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for title, content in parts:
        start = len(writer.pages)
        writer.append(io.BytesIO(content))
        writer.add_outline_item(title=title, page_number=start)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
