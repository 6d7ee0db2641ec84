"""Every dashboard table as a download: XLSX (XlsxWriter; numbers stored as numbers) and CSV as
Indonesian Excel opens it (UTF-8 with BOM, ``;`` between fields, decimal comma).

Same data and access rules as the pages (``views.py``): the pemda through ``pemda_get_for_user``
(404 outside scope), the provincial ranking only for a province, the national one only for the
pusat role, the period from ``period_from`` and the national filters as on the page."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import tzinfo
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tuntas.akun.scope import pemda_get_for_user, request_scope
from tuntas.core.formatting import percent_cell, waktu
from tuntas.core.safe_write import TitleBlock, csv_lines, xlsx_text, xlsx_title
from tuntas.dasbor.selectors import (
    PemdaDashboard,
    RankedRow,
    national_ranking,
    pemda_dashboard,
    province_kabkota,
    ranked,
)
from tuntas.dasbor.views import period_from, ranked_value_label
from tuntas.perhitungan.engine import truncate2

Cell = str | int | Decimal | None
Kind = Literal["text", "int", "percent"]
FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "text"
    width: int = 12


@dataclass(frozen=True)
class Table:
    title: str  # worksheet name (Excel allows 31 characters)
    filename: str  # without extension
    columns: Sequence[Column]
    rows: list[list[Cell]]
    heading: TitleBlock | None = None  # pemda, period, made at, demo (added by the views)


# --- the tables ------------------------------------------------------------------------------


def urusan_table(board: PemdaDashboard, filename: str) -> Table:
    return Table(
        _("Indeks per urusan"),
        filename,
        [
            Column(_("Kode"), width=8),
            Column(_("Urusan"), width=40),
            Column(_("Indeks (%)"), "percent"),
            Column(_("Kategori"), width=18),
        ],
        [[u.code, u.name, u.shown.nilai, u.shown.kategori_nama] for u in board.urusan],
    )


def jpd_table(board: PemdaDashboard, filename: str) -> Table:
    rows: list[list[Cell]] = []
    for row in board.jpd:
        if row.shown.kategori:
            status = row.shown.kategori_nama
        elif row.entry is not None and row.entry.is_complete:
            status = _("Tidak ada sasaran")
        else:
            status = _("Belum lengkap")
        rows.append(
            [
                row.jpd.code,
                row.jpd.name,
                row.opd,
                row.shown.capaian_penerima,
                row.shown.capaian_mutu,
                row.shown.nilai,
                status,
            ]
        )
    return Table(
        _("Capaian per JPD"),
        filename,
        [
            Column(_("Kode"), width=10),
            Column(_("Jenis pelayanan dasar"), width=60),
            Column(_("Pengampu"), width=36),
            Column(_("Capaian penerima (%)"), "percent", 14),
            Column(_("Capaian mutu (%)"), "percent", 14),
            Column(_("Nilai (%)"), "percent"),
            Column(_("Kategori"), width=18),
        ],
        rows,
    )


def completeness_table(board: PemdaDashboard, filename: str) -> Table:
    return Table(
        _("Keterisian per OPD"),
        filename,
        [
            Column(_("Perangkat daerah"), width=44),
            Column(_("JPD"), "int", 8),
            Column(_("Lengkap"), "int", 10),
            Column(_("Keterisian (%)"), "percent", 14),
        ],
        [
            [
                c.name,
                c.assigned,
                c.complete,
                truncate2(Fraction(100 * c.complete, c.assigned)) if c.assigned else None,
            ]
            for c in board.completeness
        ],
    )


def trend_table(board: PemdaDashboard, filename: str) -> Table:
    return Table(
        _("Tren indeks"),
        filename,
        [
            Column(_("Tahun"), "int", 8),
            Column(_("Triwulan"), "int", 10),
            Column(_("Indeks (%)"), "percent"),
            Column(_("Kategori"), width=18),
            Column(_("JPD lengkap"), "int"),
            Column(_("JPD total"), "int"),
        ],
        [
            [
                r.year,
                r.quarter,
                r.shown.nilai,
                r.shown.kategori_nama,
                r.jpd_complete,
                r.jpd_total,
            ]
            for r in board.trend
        ],
    )


def ranking_table(rows: list[RankedRow], filename: str, urusan: str = "") -> Table:
    return Table(
        _("Peringkat"),
        filename,
        [
            Column(_("Peringkat"), "int", 10),
            Column(_("Tingkat"), width=14),
            Column(_("Kode"), width=8),
            Column(_("Pemerintah daerah"), width=40),
            Column(ranked_value_label(urusan, unit=" (%)"), "percent"),
            Column(_("Kategori"), width=18),
            Column(_("JPD lengkap"), "int"),
            Column(_("JPD total"), "int"),
            Column(_("Data"), width=22),
        ],
        [
            [
                row.rank or None,
                row.pemda.get_level_display(),
                row.pemda.code,
                row.pemda.name,
                row.shown.nilai,
                row.shown.kategori_nama,
                row.result.jpd_complete if row.result else None,
                row.result.jpd_total if row.result else None,
                _("data belum lengkap") if row.incomplete else _("lengkap"),
            ]
            for row in rows
        ],
    )


def mutu_table(board: PemdaDashboard, filename: str) -> Table:
    return Table(
        _("Capaian item mutu"),
        filename,
        [
            Column(_("JPD"), width=10),
            Column(_("Item mutu"), width=60),
            Column(_("Dibutuhkan"), "int", 12),
            Column(_("Tersedia"), "int", 12),
            Column(_("Capaian item (%)"), "percent", 14),
            Column(_("Kekurangan"), "int", 12),
        ],
        [
            [m.jpd_code, m.item_name, m.dibutuhkan, m.tersedia, m.capaian, m.kekurangan]
            for m in board.mutu_items
        ],
    )


PEMDA_TABLES: dict[str, Callable[[PemdaDashboard, str], Table]] = {
    "urusan": urusan_table,
    "jpd": jpd_table,
    "keterisian": completeness_table,
    "tren": trend_table,
    "mutu": mutu_table,
}


# --- the files -------------------------------------------------------------------------------


def xlsx_bytes(table: Table) -> bytes:
    return xlsx_workbook([table], table.title)


def xlsx_workbook(tables: Sequence[Table], title: str) -> bytes:
    """One worksheet per table (each with its own title block, if any)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"title": title, "author": "Tuntas"})
    formats: dict[str, Any] = {
        "header": workbook.add_format({"bold": True, "bg_color": "#E8EEF3", "bottom": 1}),
        "bold": workbook.add_format({"bold": True}),
        "int": workbook.add_format({"num_format": "#,##0"}),
    }
    for table in tables:
        xlsx_sheet(workbook, table, formats)
    workbook.close()
    return buffer.getvalue()


def xlsx_sheet(workbook: Any, table: Table, formats: dict[str, Any]) -> None:
    """Write ``table`` on a new worksheet: title block, header, rows (text as string cells,
    numbers as numbers, a percentage at the places its method shows)."""
    sheet = workbook.add_worksheet(table.title[:31])
    top = xlsx_title(sheet, table.heading, formats["bold"])
    for col, column in enumerate(table.columns):
        xlsx_text(sheet, top, col, column.header, formats["header"])
        sheet.set_column(col, col, column.width)
    for row_number, row in enumerate(table.rows, start=top + 1):
        for col, (column, value) in enumerate(zip(table.columns, row, strict=True)):
            if value is None or value == "":
                continue
            if column.kind == "text":
                xlsx_text(sheet, row_number, col, str(value))
            elif column.kind == "int":
                sheet.write_number(row_number, col, int(value), formats["int"])
            else:
                # a percentage keeps the places its method shows (97,935 or 84,41)
                places = _places(Decimal(value))
                key = f"percent{places}"
                if key not in formats:
                    pattern = "0." + "0" * places if places else "0"
                    formats[key] = workbook.add_format({"num_format": pattern})
                sheet.write_number(row_number, col, float(value), formats[key])
    sheet.freeze_panes(top + 1, 0)
    sheet.autofilter(top, 0, top + max(len(table.rows), 1), len(table.columns) - 1)


def _places(value: Decimal) -> int:
    return max(0, -int(value.as_tuple().exponent))


def _csv_cell(kind: Kind, value: Cell) -> str:
    if value is None:
        return ""
    if kind == "percent":
        return percent_cell(Decimal(value))
    if kind == "int":
        return str(int(value))
    return str(value)


def csv_bytes(table: Table) -> bytes:
    rows = (
        [_csv_cell(c.kind, v) for c, v in zip(table.columns, row, strict=True)]
        for row in table.rows
    )
    return "".join(csv_lines([c.header for c in table.columns], rows, table.heading)).encode(
        "utf-8"
    )


def download(table: Table, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(table), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(csv_bytes(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.filename}.{fmt}"'
    return response


def _headed(
    table: Table, pemda: str, year: int, quarter: int, *, demo: bool, zone: tzinfo | None = None
) -> Table:
    """The table with its title block; "made" in ``zone`` (the pemda's: WIB, WITA or WIT), by
    default the zone active for the request (the national file: the viewer's own)."""
    heading = TitleBlock(
        title=f"Tuntas — {table.title}",
        pemda=pemda,
        period=f"TW{quarter} {year}",
        made=waktu(timezone.now(), zone),
        demo=demo,
    )
    return replace(table, heading=heading)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-")


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Http404("Format tidak dikenal")


# --- the views -------------------------------------------------------------------------------


@login_required
@require_safe
def pemda_export(request: HttpRequest, kode: str, tabel: str, fmt: str) -> HttpResponse:
    """A table of the pemda dashboard: urusan, jpd, keterisian, tren or mutu."""
    pemda = pemda_get_for_user(request, kode)
    build = PEMDA_TABLES.get(tabel)
    if build is None:
        raise Http404("Tabel tidak dikenal")
    _check_format(fmt)
    year, quarter = period_from(request)
    board = pemda_dashboard(pemda, year, quarter)
    table = build(board, f"tuntas-{pemda.code}-{year}-tw{quarter}-{tabel}")
    heading = _headed(table, pemda.name, year, quarter, demo=pemda.is_demo, zone=pemda.zona.info)
    return download(heading, fmt)


@login_required
@require_safe
def provinsi_export(request: HttpRequest, kode: str, fmt: str) -> HttpResponse:
    """The ranking of a province's kab/kota."""
    province = pemda_get_for_user(request, kode)
    if province.level != "provinsi":
        raise Http404("Bukan provinsi")
    _check_format(fmt)
    year, quarter = period_from(request)
    rows = ranked(province_kabkota(request_scope(request), province), year, quarter)
    table = ranking_table(rows, f"tuntas-{province.code}-{year}-tw{quarter}-kabkota")
    heading = _headed(
        table, province.name, year, quarter, demo=province.is_demo, zone=province.zona.info
    )
    return download(heading, fmt)


@login_required
@require_safe
def nasional_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The national ranking with the page's filters (tingkat, urusan, kategori)."""
    scope = request_scope(request)
    if not scope.is_pusat:
        raise Http404("Tidak ditemukan")
    _check_format(fmt)
    year, quarter = period_from(request)
    level = request.GET.get("tingkat", "")
    urusan = request.GET.get("urusan", "")
    category = request.GET.get("kategori", "")
    rows = national_ranking(scope, year, quarter, level=level, urusan=urusan, category=category)
    name = "-".join(
        part for part in ("tuntas-nasional", f"{year}-tw{quarter}", level, urusan, category) if part
    )
    table = ranking_table(rows, _slug(name), urusan)
    demo = any(r.pemda.is_demo for r in rows)
    return download(_headed(table, "Nasional (semua pemda)", year, quarter, demo=demo), fmt)
