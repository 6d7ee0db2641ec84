"""The SPM action plan as files: a DOCX a region can edit further (python-docx: title, pemda,
year, a table) and a PDF printed by WeasyPrint from the very template the screen shows
(``perencanaan/rencana_aksi_tabel.html``), with the print stylesheet ``perencanaan/cetak.css``
(``@page``: A4 landscape, the document's name and page numbers in the footer). Both are
Indonesian official documents: dates and numbers in Indonesian (``formatting.tanggal``),
whatever the reader's language. A demo pemda's files say DATA CONTOH."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tuntas.core.formatting import tanggal, waktu
from tuntas.core.safe_write import TitleBlock
from tuntas.organisasi.models import Pemda
from tuntas.perencanaan.models import ActionItem

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"
PRINT_CSS = "perencanaan/cetak.css"


def no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's fetcher for Tuntas's documents: nothing is fetched (no file, no network),
    whatever a text typed by a user might name."""
    raise ValueError(f"tidak mengambil sumber luar: {url[:80]}")


def _printable(value: str) -> str:
    """Text a DOCX can hold (XML refuses control characters)."""
    return "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32)


@dataclass(frozen=True)
class PlanRow:
    pk: int
    number: int
    activity: str
    opd: str
    jpd: str
    start: str
    end: str
    indicator: str
    status: str
    note: str


def plan_rows(items: list[ActionItem]) -> list[PlanRow]:
    """The rows as the documents print them (call inside the documents' language)."""
    return [
        PlanRow(
            pk=item.pk,
            number=n,
            activity=item.activity,
            opd=item.opd.name if item.opd else "—",
            jpd=f"{item.jpd.code} {item.jpd.name}" if item.jpd else "—",
            start=tanggal(item.start),
            end=tanggal(item.end),
            indicator=item.indicator or "—",
            status=str(item.get_status_display()),
            note=item.note,
        )
        for n, item in enumerate(items, start=1)
    ]


def title_block(pemda: Pemda, year: int) -> TitleBlock:
    return TitleBlock(
        title=_("Rencana Aksi Penerapan Standar Pelayanan Minimal"),
        pemda=pemda.name,
        period=_("Tahun %(tahun)s") % {"tahun": year},
        made=waktu(timezone.now(), pemda.zona.info),
        demo=pemda.is_demo,
    )


def file_name(pemda: Pemda, year: int, ext: str) -> str:
    return f"rencana-aksi-spm-{pemda.code}-{year}.{ext}"


def document_context(pemda: Pemda, year: int, items: list[ActionItem]) -> dict[str, object]:
    """What the shared template needs (the screen adds its own)."""
    return {
        "pemda": pemda,
        "tahun": year,
        "judul": title_block(pemda, year),
        "baris": plan_rows(items),
    }


def action_plan_pdf(pemda: Pemda, year: int, items: list[ActionItem]) -> bytes:
    """The plan as PDF: the screen's table template in a print page, WeasyPrint, the print
    stylesheet; nothing fetched from outside."""
    from weasyprint import CSS, HTML  # heavy: loaded when a PDF is asked for

    with translation.override("id"):
        html = render_to_string(
            "perencanaan/rencana_aksi_cetak.html",
            {**document_context(pemda, year, items), "cetak": True},
        )
    css_path = finders.find(PRINT_CSS)
    if not css_path:
        raise FileNotFoundError(PRINT_CSS)
    stylesheet = CSS(string=Path(str(css_path)).read_text(encoding="utf-8"), url_fetcher=no_fetch)
    pdf: bytes = HTML(string=html, url_fetcher=no_fetch).write_pdf(stylesheets=[stylesheet])
    return pdf


def action_plan_docx(pemda: Pemda, year: int, items: list[ActionItem]) -> bytes:
    """The plan as an editable DOCX: title, pemda, year, when it was made, then one table."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    with translation.override("id"):
        title = title_block(pemda, year)
        rows = plan_rows(items)
        header = [
            pgettext("nomor urut", "No"),
            _("Kegiatan"),
            _("Penanggung jawab"),
            _("JPD"),
            _("Mulai"),
            _("Selesai"),
            _("Indikator"),
            _("Status"),
            _("Catatan"),
        ]
        document = Document()
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(1.5))
        style = document.styles["Normal"]
        style.font.name = "Arial"
        style.font.size = Pt(9)
        document.add_heading(title.title, level=1)
        document.add_paragraph(_printable(pemda.name)).runs[0].bold = True
        document.add_paragraph(title.period)
        document.add_paragraph(_("Dibuat: %(made)s") % {"made": title.made})
        if title.demo:
            document.add_paragraph(TitleBlock.demo_mark()).runs[0].bold = True
        table = document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = table.add_row().cells
            values = [
                str(row.number),
                row.activity,
                row.opd,
                row.jpd,
                row.start,
                row.end,
                row.indicator,
                row.status,
                row.note,
            ]
            for cell, value in zip(cells, values, strict=True):
                cell.text = _printable(value)
        if not rows:
            document.add_paragraph(_("Rencana aksi tahun ini belum berisi kegiatan."))
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()
