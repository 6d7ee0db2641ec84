"""The e-SPM-ready workbook: one XLSX per pemda and quarter, laid out per JPD the way e-SPM asks
for it, so a region types nothing twice.

What goes where is data (``data/espm_layout.yaml``, read and validated by
:mod:`tuntas.laporan.espm_schema`); this module only fills it from the one source of the report,
:func:`tuntas.laporan.document.report_data`, so the e-SPM file and the report always hold the
same numbers. Every sheet carries the title block of every Tuntas file (``core.safe_write``:
what, pemda, period, made at, DATA CONTOH for a demo pemda), then the layout's title rows, then
its header and rows. Text is always a string cell (never a formula); numbers are numbers (counts,
whole Rupiah, percentages), dates are dates, and an empty value is an empty cell.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext

from tuntas.alur.models import JpdStatus
from tuntas.core.errors import DomainError
from tuntas.core.formatting import tanggal, waktu
from tuntas.core.safe_write import TitleBlock, xlsx_text, xlsx_title
from tuntas.katalog.models import MutuKind
from tuntas.laporan.builders import Progress
from tuntas.laporan.document import (
    ActionRow,
    BudgetLineRow,
    JpdSection,
    MutuRow,
    ReportData,
    StageRow,
    UrusanSection,
    report_data,
)
from tuntas.laporan.espm_schema import PATHS, LayoutFile, SheetModel, layout_load
from tuntas.organisasi.models import Pemda

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class EspmPeriodInvalid(DomainError):
    """e-SPM is filled per quarter: a period other than TW1–TW4 is refused."""


@dataclass(frozen=True)
class Row:
    """One row of a sheet: the objects its values are read from (None where the row has none)."""

    nomor: int
    urusan: UrusanSection | None = None
    jpd: JpdSection | None = None
    figures: bool = True  # the JPD's own figures belong in this row (not in a sub-kegiatan line)
    mutu: MutuRow | None = None
    sub: BudgetLineRow | None = None
    tahap: StageRow | None = None
    aksi: ActionRow | None = None

    def has(self, scope: str) -> bool:
        """Whether this row holds the object a path of ``scope`` reads."""
        if scope == "umum":
            return True
        if scope == "jpd_id":
            return self.jpd is not None
        if scope == "jpd":
            return self.jpd is not None and self.figures
        return getattr(self, scope) is not None


def _tw(values: tuple[Any, ...], quarter: int) -> Any:
    return values[quarter - 1] if quarter <= len(values) else None


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _jpd(r: Row) -> JpdSection:
    assert r.jpd is not None
    return r.jpd


def _urusan(r: Row) -> UrusanSection:
    assert r.urusan is not None
    return r.urusan


def _mutu(r: Row) -> MutuRow:
    assert r.mutu is not None
    return r.mutu


def _sub(r: Row) -> BudgetLineRow:
    assert r.sub is not None
    return r.sub


def _tahap(r: Row) -> StageRow:
    assert r.tahap is not None
    return r.tahap


def _aksi(r: Row) -> ActionRow:
    assert r.aksi is not None
    return r.aksi


def _served_at(quarter: int) -> Callable[[ReportData, Row], Any]:
    return lambda d, r: _tw(_jpd(r).penerima.per_tw, quarter)


def _spent_at(quarter: int) -> Callable[[ReportData, Row], Any]:
    return lambda d, r: _tw(_jpd(r).anggaran.per_tw, quarter)


def _getters() -> dict[str, Callable[[ReportData, Row], Any]]:
    """How each path of the vocabulary (``espm_schema.PATHS``) reads its value; the row has the
    path's object (checked before)."""
    g: dict[str, Callable[[ReportData, Row], Any]] = {
        "nomor": lambda d, r: r.nomor,
        "pemda.kode": lambda d, r: d.pemda.code,
        "pemda.nama": lambda d, r: d.pemda.name,
        "periode.tahun": lambda d, r: d.year,
        "periode.triwulan": lambda d, r: d.last_quarter,
        "urusan.kode": lambda d, r: _urusan(r).kode,
        "urusan.nama": lambda d, r: _urusan(r).nama,
        "jpd.kode": lambda d, r: _jpd(r).kode,
        "jpd.nama": lambda d, r: _jpd(r).nama,
        "jpd.opd": lambda d, r: _jpd(r).opd,
        "jpd.status_nama": lambda d, r: _label(JpdStatus, _jpd(r).status),
        "jpd.kategori": lambda d, r: _jpd(r).shown.kategori_nama,
        "jpd.nilai": lambda d, r: _jpd(r).shown.nilai,
        "jpd.capaian_penerima": lambda d, r: _jpd(r).shown.capaian_penerima,
        "jpd.capaian_mutu": lambda d, r: _jpd(r).shown.capaian_mutu,
        "jpd.penerima.uraian": lambda d, r: _jpd(r).penerima.uraian,
        "jpd.penerima.satuan": lambda d, r: _jpd(r).penerima.satuan,
        "jpd.penerima.sasaran": lambda d, r: _jpd(r).penerima.sasaran,
        "jpd.penerima.terlayani": lambda d, r: _jpd(r).penerima.terlayani,
        "jpd.penerima.belum": lambda d, r: _jpd(r).penerima.belum,
        "jpd.penerima.persen": lambda d, r: _jpd(r).penerima.persen,
        "jpd.anggaran.alokasi": lambda d, r: _jpd(r).anggaran.alokasi,
        "jpd.anggaran.realisasi": lambda d, r: _jpd(r).anggaran.realisasi,
        "jpd.anggaran.selisih": lambda d, r: _jpd(r).anggaran.selisih,
        "jpd.anggaran.persen": lambda d, r: _jpd(r).anggaran.persen,
        "jpd.biaya_kebutuhan": lambda d, r: _jpd(r).biaya_kebutuhan,
        "jpd.permasalahan": lambda d, r: _jpd(r).permasalahan,
        "jpd.solusi": lambda d, r: _jpd(r).solusi,
        "mutu.kode": lambda d, r: _mutu(r).kode,
        "mutu.uraian": lambda d, r: _mutu(r).uraian,
        "mutu.satuan": lambda d, r: _mutu(r).satuan,
        "mutu.jenis": lambda d, r: _label(MutuKind, _mutu(r).jenis),
        "mutu.dibutuhkan": lambda d, r: _mutu(r).dibutuhkan,
        "mutu.tersedia": lambda d, r: _mutu(r).tersedia,
        "mutu.belum": lambda d, r: _mutu(r).belum,
        "mutu.persen": lambda d, r: _mutu(r).persen,
        "sub.kode": lambda d, r: _sub(r).kode,
        "sub.nama": lambda d, r: _sub(r).sub_kegiatan,
        "sub.opd": lambda d, r: _sub(r).opd,
        "sub.sumber": lambda d, r: _sub(r).sumber,
        "sub.pagu": lambda d, r: _sub(r).pagu,
        "sub.realisasi": lambda d, r: _sub(r).realisasi,
        "tahap.nomor": lambda d, r: _tahap(r).nomor,
        "tahap.nama": lambda d, r: _tahap(r).nama,
        "tahap.status": lambda d, r: _tahap(r).status,
        "tahap.status_nama": lambda d, r: _tahap(r).status_nama,
        "tahap.keterangan": lambda d, r: _tahap(r).keterangan,
        "aksi.nomor": lambda d, r: _aksi(r).nomor,
        "aksi.kegiatan": lambda d, r: _aksi(r).kegiatan,
        "aksi.opd": lambda d, r: _aksi(r).opd,
        "aksi.jpd": lambda d, r: _aksi(r).jpd,
        "aksi.mulai": lambda d, r: _aksi(r).mulai,
        "aksi.selesai": lambda d, r: _aksi(r).selesai,
        "aksi.indikator": lambda d, r: _aksi(r).indikator,
        "aksi.status": lambda d, r: _aksi(r).status,
    }
    for q in range(1, 5):
        g[f"jpd.penerima.terlayani_tw{q}"] = _served_at(q)
        g[f"jpd.anggaran.realisasi_tw{q}"] = _spent_at(q)
    return g


GETTERS = _getters()


def value_of(data: ReportData, row: Row, path: str) -> Any:
    """The value of ``path`` in ``row`` (None where the row does not hold the path's object)."""
    if not row.has(PATHS[path].scope):
        return None
    return GETTERS[path](data, row)


def sheet_rows(data: ReportData, source: str) -> Iterator[Row]:
    """The rows of a row source, numbered from 1 (a sub-kegiatan line shares its JPD's number)."""
    n = 0
    if source == "aksi":
        for action in data.actions:
            n += 1
            yield Row(nomor=n, aksi=action)
        return
    for urusan in data.urusan:
        for jpd in urusan.jpd:
            if source == "jpd":
                n += 1
                yield Row(nomor=n, urusan=urusan, jpd=jpd)
            elif source == "mutu":
                for item in jpd.mutu:
                    n += 1
                    yield Row(nomor=n, urusan=urusan, jpd=jpd, mutu=item)
            elif source == "anggaran":
                n += 1
                yield Row(nomor=n, urusan=urusan, jpd=jpd)
                for line in jpd.sub_kegiatan:
                    yield Row(nomor=n, urusan=urusan, jpd=jpd, figures=False, sub=line)
            elif source == "tahapan":
                for stage in jpd.tahapan:
                    n += 1
                    yield Row(nomor=n, urusan=urusan, jpd=jpd, tahap=stage)
            else:  # the schema allows no other source
                raise ValueError(source)


# --- writing ------------------------------------------------------------------------------------


class _Formats:
    def __init__(self, book: Any) -> None:
        self.bold = book.add_format({"bold": True})
        self.header = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF4", "border": 1}
        )
        self.kinds = {
            "angka": book.add_format({"num_format": "0"}),
            "bilangan": book.add_format({"num_format": "#,##0"}),
            "rupiah": book.add_format({"num_format": "#,##0"}),
            "persen": book.add_format({"num_format": "0.00"}),
            "tanggal": book.add_format({"num_format": "dd/mm/yyyy"}),
        }
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})


def _number(value: Any) -> int | float:
    if isinstance(value, Decimal):
        # XLSX numbers are doubles: whole Rupiah exact up to 2^53 (≈ Rp 9 × 10^15)
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _write(sheet: Any, row: int, col: int, kind: str, value: Any, fmt: _Formats) -> None:
    if value is None or value == "":
        return
    if kind == "teks":
        xlsx_text(sheet, row, col, str(value), fmt.wrap if len(str(value)) > 60 else None)
    elif kind == "tanggal":
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        sheet.write_datetime(row, col, day, fmt.kinds["tanggal"])
    else:
        sheet.write_number(row, col, _number(value), fmt.kinds[kind])


def _title_lines(layout_sheet: SheetModel, data: ReportData) -> list[str]:
    values = {
        "pemda": data.pemda.name,
        "periode": data.period_label,
        "tahun": str(data.year),
        "triwulan": str(data.last_quarter),
    }
    return [line.format_map(values) for line in layout_sheet.judul]


def _sheet(
    book: Any, layout: LayoutFile, spec: SheetModel, data: ReportData, fmt: _Formats, made: str
) -> None:
    sheet = book.add_worksheet(spec.nama)
    top = xlsx_title(
        sheet,
        TitleBlock(
            title=gettext("Tuntas — Berkas isian e-SPM: %(lembar)s") % {"lembar": spec.nama},
            pemda=data.pemda.name,
            period=data.period_label,
            made=made,
            demo=data.pemda.is_demo,
        ),
        fmt.bold,
    )
    for line in _title_lines(spec, data):
        xlsx_text(sheet, top, 0, line, fmt.bold)
        top += 1
    xlsx_text(
        sheet,
        top,
        0,
        gettext(
            "Tata letak e-SPM versi %(versi)s (berlaku sejak %(tanggal)s), bacaan Tuntas yang "
            "belum dikonfirmasi; kode JPD dan mutu memakai kode katalog Tuntas."
        )
        % {"versi": layout.versi, "tanggal": tanggal(layout.berlaku_dari)},
    )
    header = top + 2
    for col, column in enumerate(spec.kolom):
        xlsx_text(sheet, header, col, column.judul, fmt.header)
        sheet.set_column(col, col, column.lebar)
    last = header
    for row in sheet_rows(data, spec.baris):
        last += 1
        for col, column in enumerate(spec.kolom):
            _write(sheet, last, col, column.kind, value_of(data, row, column.isi), fmt)
    sheet.freeze_panes(header + 1, 0)
    sheet.autofilter(header, 0, last, len(spec.kolom) - 1)


def espm_workbook(data: ReportData, layout: LayoutFile) -> bytes:
    """The workbook of already-read report data, in the given layout."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties(
        {
            "title": gettext("Berkas isian e-SPM"),
            "subject": f"{data.pemda.name} — {data.period_label}",
            "author": "Tuntas",
            "comments": layout.sumber,
        }
    )
    fmt = _Formats(book)
    made = waktu(timezone.now(), data.pemda.zona.info)
    for spec in layout.lembar:
        _sheet(book, layout, spec, data, fmt, made)
    book.close()
    return out.getvalue()


def _check_period(quarter: int | None) -> int:
    if quarter not in (1, 2, 3, 4):
        raise EspmPeriodInvalid(gettext("Triwulan: berkas e-SPM dibuat per triwulan (1–4)."))
    return quarter


def espm_file_name(pemda: Pemda, year: int, quarter: int) -> str:
    return f"espm-{pemda.code}-{year}-TW{quarter}.xlsx"


def espm_xlsx(pemda: Pemda, year: int, quarter: int, layout: LayoutFile | None = None) -> bytes:
    """The e-SPM workbook of ``pemda`` for a quarter, in ``layout`` (the shipped layout file by
    default). Raises ``EspmLayoutError`` for an unusable layout file, ``EspmPeriodInvalid`` for
    a quarter outside 1–4."""
    quarter = _check_period(quarter)
    layout = layout or layout_load()
    return espm_workbook(report_data(pemda, year, quarter), layout)


def espm_build(
    pemda: Pemda | None, year: int, quarter: int, progress: Progress
) -> tuple[bytes, str, str]:
    """The background-build shape (``tuntas.laporan.builders``): the file, its name, its type."""
    if pemda is None:
        raise EspmPeriodInvalid(gettext("Berkas e-SPM dibuat untuk satu pemda."))
    quarter = _check_period(quarter)
    progress(5, gettext("Membaca tata letak e-SPM"))
    layout = layout_load()
    progress(20, gettext("Mengumpulkan data laporan"))
    data = report_data(pemda, year, quarter)
    progress(70, gettext("Menyusun lembar e-SPM"))
    content = espm_workbook(data, layout)
    progress(95, gettext("Berkas e-SPM selesai disusun"))
    return content, espm_file_name(pemda, year, quarter), XLSX_TYPE
