"""The quarter's audit trail as XLSX: every change of every value (who, when, old → new,
reason) and every workflow step, with the title block every Tuntas file carries. Times in the
pemda's zone. No personal data is audited here (the by-name registry keeps its own log)."""

from __future__ import annotations

import io

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext

from tuntas.alur.selectors import quarter_audit
from tuntas.core.formatting import waktu
from tuntas.core.safe_write import TitleBlock, xlsx_text, xlsx_title
from tuntas.organisasi.models import Pemda


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def audit_xlsx(pemda: Pemda, year: int, quarter: int) -> io.BytesIO:
    zone = pemda.zona.info
    rows = quarter_audit(pemda, year, quarter)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(gettext("Riwayat"))
    bold = book.add_format({"bold": True})
    top = xlsx_title(
        sheet,
        TitleBlock(
            title=gettext("Tuntas — Riwayat perubahan dan persetujuan"),
            pemda=pemda.name,
            period=f"TW{quarter} {year}",
            made=waktu(timezone.now(), zone),
            demo=pemda.is_demo,
        ),
        bold,
    )
    header = [
        gettext("Waktu"),
        gettext("Oleh"),
        gettext("JPD"),
        gettext("Isian / langkah"),
        gettext("Nilai lama"),
        gettext("Nilai baru"),
        gettext("Alasan / komentar"),
        gettext("Kode tindakan"),
    ]
    for col, heading in enumerate(header):
        xlsx_text(sheet, top, col, heading, bold)
    for r, (jpd, row) in enumerate(rows, start=top + 1):
        cells = [
            waktu(row.at, zone, seconds=True),
            row.by,
            jpd,
            row.label,
            _cell(row.old),
            _cell(row.new),
            row.reason,
            row.action,
        ]
        for c, value in enumerate(cells):
            if value:
                xlsx_text(sheet, r, c, value)
    sheet.set_column(0, 0, 26)
    sheet.set_column(3, 3, 40)
    sheet.set_column(6, 6, 50)
    book.close()
    out.seek(0)
    return out
