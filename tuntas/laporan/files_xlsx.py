"""The Laporan Penerapan SPM as an XLSX workbook, every table of the report on its own sheet,
one row per JPD or item with the JPD's code, from the one report object
(:func:`tuntas.laporan.document.report_data`): the same numbers as the PDF and the DOCX.

Numbers are number cells (counts and Rupiah ``#,##0``), percentages number cells shown with a
``%`` format of exactly the places the method shows (``78,28 %`` is 0.7828 with ``0.00%``);
text is always a string cell (:mod:`tuntas.core.safe_write`: never a formula). Each sheet
opens with the title block (what, pemda, period, made at, DATA CONTOH for a demo pemda). The
annex per kecamatan writes a suppressed count as the text "< 5" or "*", never the number."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tuntas.alur.models import ReportStatus
from tuntas.core.formatting import waktu
from tuntas.core.safe_write import TitleBlock, xlsx_text, xlsx_title
from tuntas.katalog.models import MutuKind
from tuntas.laporan.document import ReportData
from tuntas.laporan.files_docx import (
    annex_note,
    annex_totals,
    count_shown,
    footer_text,
    title_block,
    verification_url,
)
from tuntas.laporan.models import Seal
from tuntas.penerima.disclosure import Mark

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Kind = Literal["text", "int", "money", "percent", "date"]
Cell = str | int | Decimal | dt.date | None


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "text"
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    name: str  # Excel allows 31 characters
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    note: str = ""  # a line under the table


class _Book:
    def __init__(self, buffer: io.BytesIO, title: TitleBlock) -> None:
        import xlsxwriter

        self.workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        self.title = title
        self.bold = self.workbook.add_format({"bold": True})
        self.header = self.workbook.add_format(
            {"bold": True, "bg_color": "#E8EEF3", "bottom": 1, "text_wrap": True}
        )
        self.formats: dict[str, Any] = {
            "int": self.workbook.add_format({"num_format": "#,##0"}),
            "money": self.workbook.add_format({"num_format": "#,##0"}),
            "date": self.workbook.add_format({"num_format": "d mmmm yyyy"}),
            "right": self.workbook.add_format({"align": "right"}),
        }

    def percent_format(self, places: int) -> Any:
        key = f"percent{places}"
        if key not in self.formats:
            pattern = ("0." + "0" * places if places else "0") + "%"
            self.formats[key] = self.workbook.add_format({"num_format": pattern})
        return self.formats[key]

    def write(self, sheet: Any, row: int, col: int, kind: Kind, value: Cell) -> None:
        if value is None or value == "":
            return
        if isinstance(value, str) and kind != "text":
            # a suppressed count ("< 5", "*") or a mark: text, right-aligned as the numbers
            xlsx_text(sheet, row, col, value, self.formats["right"])
        elif kind == "text":
            xlsx_text(sheet, row, col, str(value))
        elif kind == "int":
            sheet.write_number(row, col, int(value), self.formats["int"])  # type: ignore[arg-type]
        elif kind == "money":
            sheet.write_number(row, col, float(value), self.formats["money"])  # type: ignore[arg-type]
        elif kind == "date":
            sheet.write_datetime(row, col, value, self.formats["date"])
        else:
            number = Decimal(value)  # type: ignore[arg-type]
            places = max(0, -int(number.as_tuple().exponent))
            sheet.write_number(row, col, float(number / 100), self.percent_format(places))

    def table(self, table: Sheet) -> None:
        sheet = self.workbook.add_worksheet(table.name[:31])
        top = xlsx_title(sheet, self.title, self.bold)
        for col, column in enumerate(table.columns):
            xlsx_text(sheet, top, col, column.header, self.header)
            sheet.set_column(col, col, column.width)
        for number, row in enumerate(table.rows, start=top + 1):
            for col, (column, value) in enumerate(zip(table.columns, row, strict=True)):
                self.write(sheet, number, col, column.kind, value)
        last = top + max(len(table.rows), 1)
        if table.note:
            xlsx_text(sheet, last + 2, 0, table.note)
        sheet.freeze_panes(top + 1, 0)
        sheet.autofilter(top, 0, last, len(table.columns) - 1)


# --- the sheets --------------------------------------------------------------------------------


def _tw(data: ReportData, what: str) -> list[Column]:
    kind: Kind = "money" if what == "realisasi" else "int"
    label = (
        _("Realisasi s.d. TW%(tw)s (Rp)") if what == "realisasi" else _("Terlayani s.d. TW%(tw)s")
    )
    return [Column(label % {"tw": q}, kind, 14) for q in data.quarters]


def _jpd_columns() -> list[Column]:
    return [
        Column(_("Kode urusan"), width=10),
        Column(_("Kode JPD"), width=11),
        Column(_("JPD"), width=48),
    ]


def penerima_sheet(data: ReportData) -> Sheet:
    rows: list[list[Cell]] = []
    for u in data.urusan:
        for j in u.jpd:
            p = j.penerima
            rows.append(
                [
                    *(u.kode, j.kode, j.nama, j.opd, p.uraian, p.satuan, p.sasaran, *p.per_tw),
                    *(p.belum, p.persen, j.shown.capaian_mutu, j.shown.nilai),
                    j.shown.kategori_nama,
                ]
            )
    return Sheet(
        "A_Penerima",
        [
            *_jpd_columns(),
            Column(_("Perangkat daerah pengampu"), width=30),
            Column(_("Uraian"), width=40),
            Column(_("Satuan"), width=10),
            Column(_("Jumlah yang harus dilayani"), "int"),
            *_tw(data, "terlayani"),
            Column(_("Belum terlayani"), "int"),
            Column(_("Capaian penerima (%)"), "percent"),
            Column(_("Capaian mutu (%)"), "percent"),
            Column(_("Nilai JPD (%)"), "percent"),
            Column(_("Kategori"), width=18),
        ],
        rows,
    )


def mutu_sheet(data: ReportData) -> Sheet:
    kinds: dict[str, str] = {
        MutuKind.BARANG_JASA: _("B.1 Barang/jasa"),
        MutuKind.SDM: _("B.2 SDM"),
    }
    rows: list[list[Cell]] = []
    for u in data.urusan:
        for j in u.jpd:
            for m in (*j.mutu_barang, *j.mutu_sdm):
                rows.append(
                    [
                        *(u.kode, j.kode, j.nama, kinds.get(m.jenis, m.jenis), m.kode),
                        *(m.uraian, m.satuan, m.dibutuhkan, m.tersedia, m.belum, m.persen),
                    ]
                )
    return Sheet(
        "B_Mutu",
        [
            *_jpd_columns(),
            Column(_("Jenis"), width=16),
            Column(_("Kode item"), width=12),
            Column(_("Uraian"), width=48),
            Column(_("Satuan"), width=10),
            Column(_("Dibutuhkan"), "int"),
            Column(_("Tersedia"), "int"),
            Column(_("Belum tersedia"), "int"),
            Column(_("Capaian (%)"), "percent"),
        ],
        rows,
    )


def anggaran_sheet(data: ReportData) -> Sheet:
    rows: list[list[Cell]] = []
    for u in data.urusan:
        for j in u.jpd:
            a = j.anggaran
            rows.append([u.kode, j.kode, j.nama, a.alokasi, *a.per_tw, a.selisih, a.persen])
    return Sheet(
        "C_Anggaran",
        [
            *_jpd_columns(),
            Column(_("Alokasi (Rp)"), "money", 16),
            *_tw(data, "realisasi"),
            Column(_("Selisih (Rp)"), "money", 16),
            Column(_("Realisasi (%)"), "percent"),
        ],
        rows,
    )


def sub_kegiatan_sheet(data: ReportData) -> Sheet:
    rows: list[list[Cell]] = []
    for u in data.urusan:
        for j in u.jpd:
            for s in j.sub_kegiatan:
                rows.append(
                    [
                        *(u.kode, j.kode, j.nama, s.kode, s.sub_kegiatan, s.opd, s.sumber),
                        *(s.pagu, s.realisasi),
                    ]
                )
    return Sheet(
        "Sub_kegiatan",
        [
            *_jpd_columns(),
            Column(_("Kode sub-kegiatan"), width=20),
            Column(_("Sub-kegiatan"), width=48),
            Column(_("Perangkat daerah"), width=30),
            Column(_("Sumber dana"), width=14),
            Column(_("Pagu (Rp)"), "money", 16),
            Column(_("Realisasi (Rp)"), "money", 16),
        ],
        rows,
    )


def kebutuhan_sheet(data: ReportData) -> Sheet:
    rows: list[list[Cell]] = []
    for u in data.urusan:
        for j in u.jpd:
            for k in j.kebutuhan:
                rows.append(
                    [
                        *(u.kode, j.kode, j.nama, k.uraian, k.aturan, k.dibutuhkan),
                        *(k.tersedia, k.kekurangan, k.harga_satuan, k.biaya),
                    ]
                )
    return Sheet(
        "Kebutuhan",
        [
            *_jpd_columns(),
            Column(_("Uraian"), width=40),
            Column(_("Aturan"), width=30),
            Column(_("Dibutuhkan"), "int"),
            Column(_("Tersedia"), "int"),
            Column(_("Kekurangan"), "int"),
            Column(_("Harga satuan (Rp)"), "money", 16),
            Column(_("Biaya (Rp)"), "money", 16),
        ],
        rows,
    )


def tahapan_sheet(data: ReportData) -> Sheet:
    rows: list[list[Cell]] = []
    for u in data.urusan:
        for j in u.jpd:
            for s in j.tahapan:
                rows.append([u.kode, j.kode, j.nama, s.nomor, s.nama, s.status_nama, s.keterangan])
    return Sheet(
        "Tahapan",
        [
            *_jpd_columns(),
            Column(pgettext("nomor urut", "No"), "int", 5),
            Column(_("Tahapan"), width=40),
            Column(_("Status"), width=14),
            Column(_("Keterangan"), width=50),
        ],
        rows,
    )


def permasalahan_sheet(data: ReportData) -> Sheet:
    rows: list[list[Cell]] = [
        [u.kode, j.kode, j.nama, j.permasalahan, j.solusi]
        for u in data.urusan
        for j in u.jpd
        if j.permasalahan or j.solusi
    ]
    return Sheet(
        "Permasalahan",
        [*_jpd_columns(), Column(_("Permasalahan"), width=60), Column(_("Solusi"), width=60)],
        rows,
    )


def _date(value: dt.date | None) -> Cell:
    return value


def rencana_aksi_sheet(data: ReportData) -> Sheet:
    return Sheet(
        "Rencana_aksi",
        [
            Column(pgettext("nomor urut", "No"), "int", 5),
            Column(_("Kegiatan"), width=48),
            Column(_("Penanggung jawab"), width=30),
            Column(_("JPD"), width=40),
            Column(_("Mulai"), "date", 16),
            Column(_("Selesai"), "date", 16),
            Column(_("Indikator"), width=30),
            Column(_("Status"), width=14),
        ],
        [
            [
                *(a.nomor, a.kegiatan, a.opd, a.jpd, _date(a.mulai), _date(a.selesai)),
                *(a.indikator, a.status),
            ]
            for a in data.actions
        ],
    )


def _count(value: int | None, mark: str) -> Cell:
    """A shown count as a number; a suppressed one as its mark ("< 5", "*")."""
    return value if mark == Mark.SHOWN else count_shown(None, mark)


def lampiran_sheet(data: ReportData) -> Sheet:
    rows: list[list[Cell]] = []
    for table in data.annex:
        for r in table.rows:
            both = r.tanda[0] == Mark.SHOWN and r.tanda[1] == Mark.SHOWN
            rows.append(
                [
                    *(table.jpd_kode, table.jpd_nama, r.kode, r.nama),
                    *(
                        _count(v, m)
                        for v, m in zip((r.sasaran, r.terlayani, r.belum), r.tanda, strict=True)
                    ),
                    r.persen if both else count_shown(None, Mark.HIDDEN),
                ]
            )
        belum, pct = annex_totals(table, data)
        rows.append(
            [
                *(table.jpd_kode, table.jpd_nama, "", _("Jumlah")),
                *(table.total_sasaran, table.total_terlayani, belum, pct),
            ]
        )
    return Sheet(
        "Lampiran_kecamatan",
        [
            Column(_("Kode JPD"), width=11),
            Column(_("JPD"), width=40),
            Column(_("Kode kecamatan"), width=14),
            Column(_("Kecamatan"), width=28),
            Column(_("Sasaran"), "int"),
            Column(_("Terlayani"), "int"),
            Column(_("Belum terlayani"), "int"),
            Column(_("Capaian (%)"), "percent"),
        ],
        rows,
        note=annex_note() if data.annex else "",
    )


def _summary(book: _Book, data: ReportData, seal: Seal | None) -> None:
    """Ringkasan: the region's index and category, approval, fingerprint, then per urusan, the
    four stages and the index's trend."""
    sheet = book.workbook.add_worksheet("Ringkasan")
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 48)
    sheet.set_column(2, 4, 16)
    row = xlsx_title(sheet, book.title, book.bold)
    approval = data.approval
    facts: list[tuple[str, Kind, Cell]] = [
        (_("Kode pemda"), "text", data.pemda.code),
        (_("Pemda"), "text", data.pemda.name),
        (_("Periode"), "text", data.period_label),
        (_("Indeks SPM (%)"), "percent", data.index.nilai),
        (_("Kategori"), "text", data.index.kategori_nama),
        (_("JPD lengkap"), "int", data.jpd_complete),
        (_("JPD total"), "int", data.jpd_total),
        (_("Status laporan"), "text", str(ReportStatus(approval.status).label)),
        (_("Disetujui"), "text", _("ya") if approval.approved else _("belum")),
        (
            _("Disetujui pada"),
            "text",
            waktu(approval.approved_at, data.pemda.zona.info) if approval.approved_at else "",
        ),
        (_("Disetujui oleh"), "text", approval.approved_by),
        (_("Sidik"), "text", seal.code if seal else ""),
        (_("Verifikasi"), "text", verification_url(seal.code) if seal else footer_text(None)),
    ]
    for label, kind, value in facts:
        xlsx_text(sheet, row, 0, label, book.bold)
        book.write(sheet, row, 1, kind, value)
        row += 1
    row += 1
    blocks: list[tuple[list[Column], Sequence[Sequence[Cell]]]] = [
        (
            [
                Column(_("Kode urusan")),
                Column(_("Urusan")),
                Column(_("Nilai urusan (%)"), "percent"),
                Column(_("Kategori")),
            ],
            [[u.kode, u.nama, u.shown.nilai, u.shown.kategori_nama] for u in data.urusan],
        ),
        (
            [
                Column(pgettext("nomor urut", "No"), "int"),
                Column(_("Tahapan")),
                Column(_("JPD selesai"), "int"),
                Column(_("JPD sebagian"), "int"),
                Column(_("Jumlah JPD"), "int"),
            ],
            [list(s) for s in data.stage_summary],
        ),
        (
            [
                Column(_("Biaya pemenuhan kebutuhan (Rp)"), "money"),
                Column(_("Anggaran sub-kegiatan (Rp)"), "money"),
                Column(_("Kekurangan anggaran (Rp)"), "money"),
                Column(_("Penerima belum terlayani"), "int"),
            ],
            [[data.budget_total.get(k) for k in ("need", "budget", "shortfall", "unserved")]],
        ),
        (
            [
                Column(_("Tahun"), "int"),
                Column(_("Triwulan"), "int"),
                Column(_("Indeks (%)"), "percent"),
            ],
            [[y, q, v] for y, q, v in data.trend],
        ),
    ]
    for columns, rows in blocks:
        if not rows:
            continue
        for col, column in enumerate(columns):
            xlsx_text(sheet, row, col, column.header, book.header)
        row += 1
        for values in rows:
            for col, (column, value) in enumerate(zip(columns, values, strict=True)):
                book.write(sheet, row, col, column.kind, value)
            row += 1
        row += 1


def report_xlsx(data: ReportData, seal: Seal | None) -> bytes:
    """The report's every table as an XLSX workbook. ``seal``: the approved report's
    fingerprint (``services.report_seal``), ``None`` for a draft."""
    with translation.override("id"), timezone.override(data.pemda.zona.info):
        buffer = io.BytesIO()
        book = _Book(buffer, title_block(data))
        book.workbook.set_properties(
            {
                "title": f"{book.title.title} — {data.pemda.name} — {data.period_label}",
                "author": "Tuntas",
                "keywords": f"sidik:{seal.code}" if seal else "",
                "comments": footer_text(seal),
            }
        )
        _summary(book, data, seal)
        for sheet in (
            penerima_sheet(data),
            mutu_sheet(data),
            anggaran_sheet(data),
            sub_kegiatan_sheet(data),
            kebutuhan_sheet(data),
            tahapan_sheet(data),
            permasalahan_sheet(data),
            rencana_aksi_sheet(data),
            lampiran_sheet(data),
        ):
            book.table(sheet)
        book.workbook.close()
        return buffer.getvalue()
