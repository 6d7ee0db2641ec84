"""The consolidated reports as files: the province's report over its kab/kota and the national
summary, each as PDF (WeasyPrint, from the very templates the screen shows, with the print
stylesheet ``laporan/cetak.css``: A4, "Halaman X dari Y", the document's name, DATA CONTOH for
demo data) and as XLSX (one worksheet per table, through ``dasbor.exports``' formula-safe
writer with its title block).

Every builder has the signature the build jobs call:
``(pemda_or_None, year, quarter, progress) -> (bytes, file_name, mime)``, ``quarter`` 0 being
the year, ``progress(percent, step)`` told where the build is. The caller has checked access:
a builder sees every kab/kota of the province (what its provinsi readers and pusat see), the
national ones every pemda."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tuntas.alur.tenggat import ReportingRate
from tuntas.core.formatting import waktu
from tuntas.core.safe_write import TitleBlock
from tuntas.dasbor.exports import XLSX_TYPE, Cell, Column, Table, xlsx_workbook
from tuntas.laporan import charts
from tuntas.laporan.builders import Progress
from tuntas.laporan.files_pdf import pdf_from_html
from tuntas.laporan.konsolidasi import (
    NationalSummary,
    ProvinceReport,
    national_summary,
    province_report,
)
from tuntas.organisasi.models import Pemda

Built = tuple[bytes, str, str]
PDF_MIME = "application/pdf"
PRINT_CSS = "laporan/cetak.css"
NATIONAL = "Nasional"


def _quiet(percent: int, step: str) -> None:
    """No one to tell (a direct download)."""


def _now(zone: dt.tzinfo | None) -> str:
    return waktu(timezone.now(), zone)


# --- what the templates show (screen and print alike) -----------------------------------


def province_title(report: ProvinceReport) -> TitleBlock:
    return TitleBlock(
        title=_("Laporan Konsolidasi Penerapan SPM Kabupaten/Kota"),
        pemda=report.province.name,
        period=report.period.label,
        made=_now(report.province.zona.info),
        demo=report.province.is_demo,
    )


def national_title(summary: NationalSummary) -> TitleBlock:
    return TitleBlock(
        title=_("Ringkasan Nasional Penerapan SPM"),
        pemda=_("Nasional (semua pemda)"),
        period=summary.period.label,
        made=_now(None),
        demo=summary.demo,
    )


def kabkota_bars(report: ProvinceReport) -> list[charts.Bar]:
    return [charts.Bar(line.pemda.name, line.nilai, line.kategori) for line in report.lines]


def kabkota_chart_data(report: ProvinceReport) -> dict[str, list[Any]]:
    """The kab/kota chart for the screen's chart library (json_script): the same bars and
    colours as the files' chart."""
    return {
        "labels": [line.pemda.name for line in report.lines],
        "values": [float(line.nilai) if line.nilai is not None else None for line in report.lines],
        "colours": [charts.colour_of(line.kategori) for line in report.lines],
        "bands": [
            {"name": b.name, "min": float(b.minimum)} for b in report.method.bands if b.minimum > 0
        ],
    }


def province_context(report: ProvinceReport, *, cetak: bool) -> dict[str, Any]:
    context: dict[str, Any] = {
        "r": report,
        "judul": province_title(report),
        "cetak": cetak,
    }
    if cetak:
        context["grafik_kabkota"] = (
            charts.kabkota_bar(kabkota_bars(report), bands=report.method.bands)
            if report.lines
            else ""
        )
        context["grafik_urusan"] = charts.urusan_profile(
            [charts.Bar(u.code, u.shown.nilai, u.shown.kategori) for u in report.own_urusan],
            bands=report.method.bands,
        )
    return context


def national_context(summary: NationalSummary, *, cetak: bool) -> dict[str, Any]:
    return {"s": summary, "judul": national_title(summary), "cetak": cetak}


# --- PDF ------------------------------------------------------------------------------------


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """A document template in the print page, through WeasyPrint with the print stylesheet;
    nothing fetched from outside."""
    html = render_to_string("laporan/cetak.html", {**context, "dokumen": template})
    # the category colours from the one mapping the charts use (tuntas.css mirrors it)
    return pdf_from_html(html, [PRINT_CSS], css=charts.category_css())


def province_file_name(report: ProvinceReport, ext: str) -> str:
    return f"konsolidasi-spm-{report.province.code}-{report.period.slug}.{ext}"


def national_file_name(summary: NationalSummary, ext: str) -> str:
    return f"ringkasan-nasional-spm-{summary.period.slug}.{ext}"


def _province(pemda: Pemda | None) -> Pemda:
    if pemda is None or pemda.level != "provinsi":
        raise ValueError(_("Laporan konsolidasi dibuat untuk sebuah provinsi."))
    return pemda


def province_pdf(
    pemda: Pemda | None, year: int, quarter: int, progress: Progress | None = None
) -> Built:
    """The province's consolidated report as PDF."""
    progress = progress or _quiet
    province = _province(pemda)
    with translation.override("id"), timezone.override(province.zona.info):
        progress(5, _("Membaca data kabupaten/kota"))
        report = province_report(province, year, quarter)
        progress(35, _("Menggambar grafik"))
        context = province_context(report, cetak=True)
        progress(60, _("Menyusun PDF"))
        pdf = render_pdf("laporan/konsolidasi_provinsi.html", context)
        progress(100, _("Selesai"))
        return pdf, province_file_name(report, "pdf"), PDF_MIME


def national_pdf(
    pemda: Pemda | None, year: int, quarter: int, progress: Progress | None = None
) -> Built:
    """The national summary as PDF (``pemda`` is not used: the summary covers every pemda)."""
    progress = progress or _quiet
    with translation.override("id"):
        progress(5, _("Membaca data nasional"))
        summary = national_summary(year, quarter)
        progress(50, _("Menyusun PDF"))
        pdf = render_pdf("laporan/ringkasan_nasional.html", national_context(summary, cetak=True))
        progress(100, _("Selesai"))
        return pdf, national_file_name(summary, "pdf"), PDF_MIME


# --- XLSX -----------------------------------------------------------------------------------


def province_tables(report: ProvinceReport) -> list[Table]:
    """Every table of the province's report (call inside the document's language and zone)."""
    zone = report.province.zona.info
    name = province_file_name(report, "xlsx")
    lines = Table(
        _("Kabupaten-kota"),
        name,
        [
            Column(_("Peringkat"), "int", 10),
            Column(_("Kode"), width=8),
            Column(_("Kabupaten/kota"), width=34),
            Column(_("Indeks (%)"), "percent"),
            Column(_("Kategori"), width=18),
            Column(_("JPD lengkap"), "int"),
            Column(_("JPD total"), "int"),
            Column(_("Status laporan"), width=16),
            Column(_("Dikirim"), width=26),
            Column(_("Ketepatan"), width=16),
        ],
        [
            [
                line.rank or None,
                line.pemda.code,
                line.pemda.name,
                line.nilai,
                line.kategori_nama,
                line.row.result.jpd_complete if line.row.result else None,
                line.row.result.jpd_total if line.row.result else None,
                line.report.status_label,
                waktu(line.report.sent_at, zone) if line.report.sent_at else "",
                line.report.state_label,
            ]
            for line in report.lines
        ],
    )
    reporting = _rate_table(
        _("Pelaporan"), name, _("Diharapkan"), report.deadline.label, report.rate
    )
    categories = Table(
        _("Kategori"),
        name,
        [Column(_("Kategori"), width=20), Column(_("Kabupaten/kota"), "int", 16)],
        [[c.name, c.count] for c in report.categories],
    )
    own = Table(
        _("SPM provinsi"),
        name,
        [
            Column(_("Kode"), width=10),
            Column(_("Urusan"), width=40),
            Column(_("Nilai (%)"), "percent"),
            Column(_("Kategori"), width=18),
        ],
        [
            *(
                list[Cell]([u.code, u.name, u.shown.nilai, u.shown.kategori_nama])
                for u in report.own_urusan
            ),
            [
                "",
                _("Indeks SPM provinsi"),
                report.own.shown.nilai,
                report.own.shown.kategori_nama,
            ],
        ],
    )
    return [lines, reporting, categories, own]


def national_tables(summary: NationalSummary) -> list[Table]:
    name = national_file_name(summary, "xlsx")
    provinces = Table(
        _("Per provinsi"),
        name,
        [
            Column(_("Kode"), width=6),
            Column(_("Provinsi"), width=30),
            Column(_("Provinsi terdaftar"), width=10),
            Column(_("Kab/kota terdaftar"), "int", 12),
            Column(_("Diharapkan"), "int"),
            Column(_("Mengirim"), "int"),
            Column(_("Tepat waktu"), "int"),
            Column(_("Terlambat"), "int"),
            Column(_("Belum mengirim"), "int", 16),
            Column(_("Tingkat pelaporan (%)"), "percent", 20),
            Column(_("Tepat waktu (%)"), "percent", 16),
            Column(_("Indeks provinsi (%)"), "percent", 18),
            Column(_("Kategori"), width=18),
        ],
        [
            [
                p.code,
                p.name,
                _("ya") if p.registered else _("tidak"),
                p.kabkota,
                p.rate.expected,
                p.rate.sent,
                p.rate.on_time,
                p.rate.late,
                p.rate.missing,
                p.rate.rate,
                p.rate.on_time_rate,
                p.own.shown.nilai if p.own else None,
                p.own.shown.kategori_nama if p.own else "",
            ]
            for p in summary.provinces
        ],
    )
    urusan = Table(
        _("Per urusan"),
        name,
        [
            Column(_("Kode"), width=8),
            Column(_("Urusan"), width=36),
            *(
                Column(c.name, "int", 16)
                for c in (summary.urusan[0].counts if summary.urusan else [])
            ),
        ],
        [[u.code, u.name, *(c.count for c in u.counts)] for u in summary.urusan],
    )
    national = _rate_table(_("Nasional"), name, _("Pemda"), summary.deadline.label, summary.total)
    return [provinces, urusan, national]


def _rate_table(title: str, name: str, expected: str, deadline: str, rate: ReportingRate) -> Table:
    """The reporting and on-time rates over a set of pemda (a province's kab/kota, or every
    pemda of the country), from ``alur.tenggat``'s rate."""
    return Table(
        title,
        name,
        [
            Column(_("Batas waktu"), width=30),
            Column(expected, "int"),
            Column(_("Mengirim"), "int"),
            Column(_("Tepat waktu"), "int"),
            Column(_("Terlambat"), "int"),
            Column(_("Belum mengirim"), "int", 16),
            Column(_("Tingkat pelaporan (%)"), "percent", 20),
            Column(_("Tepat waktu (%)"), "percent", 16),
        ],
        [
            [
                deadline,
                rate.expected,
                rate.sent,
                rate.on_time,
                rate.late,
                rate.missing,
                rate.rate,
                rate.on_time_rate,
            ]
        ],
    )


def _headed(tables: list[Table], title: TitleBlock) -> list[Table]:
    return [replace(t, heading=replace(title, title=f"{title.title} — {t.title}")) for t in tables]


def province_xlsx(
    pemda: Pemda | None, year: int, quarter: int, progress: Progress | None = None
) -> Built:
    """The province's consolidated report as XLSX: one worksheet per table."""
    progress = progress or _quiet
    province = _province(pemda)
    with translation.override("id"), timezone.override(province.zona.info):
        progress(5, _("Membaca data kabupaten/kota"))
        report = province_report(province, year, quarter)
        progress(60, _("Menyusun XLSX"))
        title = province_title(report)
        tables = _headed(province_tables(report), _with_note(title, report.period.note))
        content = xlsx_workbook(tables, title.title)
        progress(100, _("Selesai"))
        return content, province_file_name(report, "xlsx"), XLSX_TYPE


def national_xlsx(
    pemda: Pemda | None, year: int, quarter: int, progress: Progress | None = None
) -> Built:
    """The national summary as XLSX: one worksheet per table."""
    progress = progress or _quiet
    with translation.override("id"):
        progress(5, _("Membaca data nasional"))
        summary = national_summary(year, quarter)
        progress(60, _("Menyusun XLSX"))
        title = national_title(summary)
        tables = _headed(national_tables(summary), _with_note(title, summary.period.note))
        content = xlsx_workbook(tables, title.title)
        progress(100, _("Selesai"))
        return content, national_file_name(summary, "xlsx"), XLSX_TYPE


def _with_note(title: TitleBlock, note: str) -> TitleBlock:
    """The annual report's period says what it rests on (TW4)."""
    if not note:
        return title
    return replace(title, period=f"{title.period} — {note}")
