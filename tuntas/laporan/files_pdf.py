"""The Laporan Penerapan SPM as PDF: the screen's report body (``laporan/_isi.html``) inside a
print page (``laporan/laporan_cetak.html``: cover, approval page with the head's signature block,
foreword, table of contents), printed by WeasyPrint with ``laporan/laporan.css``. Every page's
footer carries the fingerprint and its verification address (or DRAF while not approved); the
PDF's keywords carry it too, so :func:`fingerprint_from_pdf` reads it back. Nothing is fetched
from outside (charts are inline SVG); dates and numbers in Indonesian whatever the reader's
language."""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tuntas.alur.models import ReportStatus
from tuntas.core.formatting import waktu
from tuntas.laporan.document import ReportData
from tuntas.laporan.models import Seal
from tuntas.laporan.selectors import verification_url
from tuntas.perencanaan.exports_rencana_aksi import no_fetch

PDF_MIME = "application/pdf"
PRINT_CSS = "laporan/laporan.css"
KEYWORD = re.compile(r"sidik:([0-9a-f]{16})")


def pdf_from_html(html: str, stylesheets: list[str], css: str = "") -> bytes:
    """Every PDF of the reports: ``html`` printed by WeasyPrint with the static stylesheets
    ``stylesheets`` (then ``css``, generated), nothing fetched from outside (no file, no
    network, whatever a text typed by a user might name)."""
    from weasyprint import CSS, HTML  # heavy: loaded when a PDF is asked for

    sheets = [CSS(string=css, url_fetcher=no_fetch)] if css else []
    for name in stylesheets:
        path = finders.find(name)
        if not path:
            raise FileNotFoundError(name)
        sheets.append(CSS(string=Path(str(path)).read_text(encoding="utf-8"), url_fetcher=no_fetch))
    pdf: bytes = HTML(string=html, url_fetcher=no_fetch).write_pdf(stylesheets=sheets)
    return pdf


def verify_url(seal: Seal) -> str:
    return verification_url(seal.code)


def footer_text(data: ReportData, seal: Seal | None) -> str:
    """The line under every page: the fingerprint and where to check it, or DRAF."""
    title = _("Laporan Penerapan SPM %(pemda)s %(periode)s") % {
        "pemda": data.pemda.name,
        "periode": data.period_label,
    }
    if seal is None:
        return f"{title} · " + _("DRAF — belum disetujui, tanpa sidik")
    return f"{title} · " + _("Sidik %(kode)s · verifikasi: %(url)s") % {
        "kode": seal.code,
        "url": verify_url(seal),
    }


def css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes and backslashes escaped, no line breaks)."""
    cleaned = " ".join(text.split())
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def print_context(data: ReportData, seal: Seal | None, charts: dict[str, str]) -> dict[str, object]:
    return {
        "d": data,
        "cetak": True,
        "sidik": seal,
        "url_verifikasi": verify_url(seal) if seal else "",
        "kaki_css": css_string(footer_text(data, seal)),
        "dibuat": waktu(timezone.now(), data.pemda.zona.info),
        "status_nama": ReportStatus(data.approval.status).label
        if data.approval.status in ReportStatus.values
        else data.approval.status,
        **charts,
    }


def report_html(data: ReportData, seal: Seal | None, charts: dict[str, str] | None = None) -> str:
    """The print page as HTML (the benchmark's peer renders this without WeasyPrint)."""
    with translation.override("id"):
        return render_to_string(
            "laporan/laporan_cetak.html", print_context(data, seal, charts or {})
        )


def report_pdf(data: ReportData, seal: Seal | None, charts: dict[str, str] | None = None) -> bytes:
    return pdf_from_html(report_html(data, seal, charts), [PRINT_CSS])


def fingerprint_from_pdf(content: bytes) -> str | None:
    """The fingerprint code a report PDF carries (its keywords, else its first page's footer
    text), or None: not a PDF, or a PDF without one."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        metadata = reader.metadata
        keywords = str(metadata.get("/Keywords", "") or "") if metadata is not None else ""
        found = KEYWORD.search(keywords)
        if found:
            return found.group(1)
        text = reader.pages[0].extract_text() if reader.pages else ""
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError):
        return None
    found = re.search(r"Sidik ([0-9a-f]{16})", text or "")
    return found.group(1) if found else None
