"""The year's budget lines as XLSX, laid out to be keyed into the regional planning system
(SIPD): one row per sub-kegiatan line with its code, name, JPD, volume, unit, amount and
funding source, under the title block every Tuntas file carries (``core.safe_write``). Text is
written as string cells (never a formula), numbers as numbers (Rupiah whole, with a thousands
format), so the sheet sums and sorts as it is."""

from __future__ import annotations

import io

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext

from tuntas.core.formatting import waktu
from tuntas.core.safe_write import TitleBlock, xlsx_text, xlsx_title
from tuntas.organisasi.models import Pemda
from tuntas.perencanaan.budget import budget_overview
from tuntas.perencanaan.models import FundingSource

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sipd_header() -> list[str]:
    return [
        gettext("Kode sub-kegiatan"),
        gettext("Nama sub-kegiatan"),
        gettext("Kode JPD"),
        gettext("Jenis pelayanan dasar"),
        gettext("Perangkat daerah"),
        gettext("Volume"),
        gettext("Satuan"),
        gettext("Pagu (Rp)"),
        gettext("Sumber dana"),
    ]


def sipd_xlsx(pemda: Pemda, year: int) -> io.BytesIO:
    sources = dict(FundingSource.choices)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("SIPD")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0"})
    volume = book.add_format({"num_format": "#,##0.##"})
    top = xlsx_title(
        sheet,
        TitleBlock(
            title=gettext("Tuntas — Baris anggaran SPM untuk SIPD"),
            pemda=pemda.name,
            period=gettext("Tahun %(y)s") % {"y": year},
            made=waktu(timezone.now(), pemda.zona.info),
            demo=pemda.is_demo,
        ),
        bold,
    )
    for col, heading in enumerate(sipd_header()):
        xlsx_text(sheet, top, col, heading, bold)
    row = top
    for jpd in budget_overview(pemda, year):
        for r in jpd.lines:
            line = r.line
            row += 1
            xlsx_text(sheet, row, 0, line.sub_kegiatan.code)
            xlsx_text(sheet, row, 1, line.sub_kegiatan.name)
            xlsx_text(sheet, row, 2, jpd.jpd.code)
            xlsx_text(sheet, row, 3, jpd.jpd.name)
            if line.opd is not None:
                xlsx_text(sheet, row, 4, line.opd.name)
            if line.volume is not None:
                sheet.write_number(row, 5, float(line.volume), volume)
            if line.unit:
                xlsx_text(sheet, row, 6, line.unit)
            # XLSX numbers are doubles: whole Rupiah exact up to 2^53 (≈ Rp 9 × 10^15)
            sheet.write_number(row, 7, int(line.amount), money)
            xlsx_text(sheet, row, 8, str(sources.get(line.funding_source, line.funding_source)))
    if row > top:
        sheet.autofilter(top, 0, row, 8)
    sheet.freeze_panes(top + 1, 0)
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 50)
    sheet.set_column(2, 2, 10)
    sheet.set_column(3, 3, 40)
    sheet.set_column(4, 4, 24)
    sheet.set_column(5, 7, 16)
    sheet.set_column(8, 8, 20)
    book.close()
    out.seek(0)
    return out
