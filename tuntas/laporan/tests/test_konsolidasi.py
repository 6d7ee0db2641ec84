"""The consolidated reports: the province's over its kab/kota and the national summary, on
screen, as PDF (read back with pdftotext) and as XLSX (read back with calamine); the charts
and their colours."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.test import SimpleTestCase
from python_calamine import CalamineWorkbook

from tuntas.alur.models import ReportState, ReportStatus
from tuntas.alur.tenggat import national_reporting, province_reporting
from tuntas.core.formatting import persen
from tuntas.dasbor.selectors import ranked
from tuntas.dasbor.tests.test_dashboards import fill
from tuntas.laporan import charts
from tuntas.laporan import konsolidasi_files as files
from tuntas.laporan.konsolidasi import national_summary, province_report
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.services import pemda_register
from tuntas.testing import PersonaTestCase

YEAR, TW = 2025, 2  # deadline 20 July 2025 (default, unconfirmed)
UTC = dt.UTC


def pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        out = subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], capture_output=True, check=True
        )
    return out.stdout.decode("utf-8")


def sheet(content: bytes, name: str) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(name).to_python()


def row_of(rows: list[list[Any]], key: str) -> list[Any]:
    return next(r for r in rows if key in r)


def report_sent(pemda: Pemda, at: dt.datetime) -> None:
    ReportState.objects.update_or_create(
        pemda=pemda, year=YEAR, quarter=TW,
        defaults={"status": ReportStatus.DIKIRIM, "sent_at": at, "first_sent_at": at},
    )  # fmt: skip


class ConsolidationTests(PersonaTestCase):
    bogor: ClassVar[Pemda]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.bogor = pemda_register(code="32.01")
        fill(cls.pemda_a, "1.02.K07", 4900, 3570)  # Kota Bekasi: 78,28 → Tuntas Pratama
        fill(cls.bogor, "1.02.K07", 100, 95)  # Kabupaten Bogor: 96,00 → Tuntas Utama
        fill(cls.pemda_b, "1.02.K07", 100, 50)  # Banten's Tangerang Selatan: 60,00
        report_sent(cls.pemda_a, dt.datetime(2025, 7, 25, 3, 0, tzinfo=UTC))  # late
        report_sent(cls.bogor, dt.datetime(2025, 7, 18, 3, 0, tzinfo=UTC))  # on time
        report_sent(cls.pemda_b, dt.datetime(2025, 7, 1, 3, 0, tzinfo=UTC))  # on time

    # --- the data ---------------------------------------------------------------------

    def test_the_province_report_says_what_the_dashboard_says(self):
        report = province_report(self.prov, YEAR, TW)
        self.assertEqual(
            [(line.pemda.code, line.rank, line.nilai) for line in report.lines],
            [
                (r.pemda.code, r.rank, r.shown.nilai)
                for r in ranked([self.bogor, self.pemda_a], YEAR, TW)
            ],
        )
        self.assertEqual([line.pemda.code for line in report.lines], ["32.01", "32.75"])
        self.assertEqual(str(report.lines[1].nilai), "78.28")
        self.assertEqual(report.lines[1].kategori_nama, "Tuntas Pratama")
        self.assertEqual([line.pemda.code for line in report.late], ["32.75"])
        expected = province_reporting([self.bogor, self.pemda_a], YEAR, TW, province=self.prov)
        self.assertEqual(report.rate, expected.rate)
        self.assertEqual((report.rate.sent, report.rate.on_time, report.rate.late), (2, 1, 1))
        self.assertEqual(str(report.rate.on_time_rate), "50.00")
        counts = {c.code: c.count for c in report.categories}
        self.assertEqual((counts["utama"], counts["pratama"], counts[""]), (1, 1, 0))
        # the dashboard shows the same figures
        self.login("provinsi_jabar")
        page = self.client.get(f"/provinsi/32/?tahun={YEAR}&tw={TW}").content.decode()
        self.assertIn("78,28 %", page)
        self.assertIn("96,00 %", page)

    def test_annual_uses_the_fourth_quarter_and_says_so(self):
        report = province_report(self.prov, YEAR, 0)
        self.assertTrue(report.period.annual)
        self.assertEqual(report.period.data_quarter, 4)
        self.assertIn("TW4 2025", report.period.note)
        self.assertTrue(all(line.nilai is None for line in report.lines))  # nothing in TW4
        with self.assertRaisesMessage(ValueError, "Triwulan harus 0 (tahunan), 1, 2, 3 atau 4"):
            province_report(self.prov, YEAR, 7)
        with self.assertRaisesMessage(ValueError, "bukan provinsi"):
            province_report(self.pemda_a, YEAR, TW)

    def test_the_national_summary_matches_the_reporting_rates(self):
        summary = national_summary(YEAR, TW)
        everyone = list(Pemda.objects.order_by("code"))
        expected = national_reporting(everyone, YEAR, TW)
        self.assertEqual(summary.total, expected.total)
        self.assertEqual(
            [(p.code, p.rate) for p in summary.provinces],
            [(p.code, p.rate) for p in expected.provinces],
        )
        jabar = next(p for p in summary.provinces if p.code == "32")
        self.assertEqual((jabar.kabkota, jabar.rate.expected, jabar.rate.sent), (2, 3, 2))
        self.assertTrue(jabar.registered)
        banten = next(p for p in summary.provinces if p.code == "36")
        self.assertFalse(banten.registered)
        self.assertIsNone(banten.own)
        health = next(u for u in summary.urusan if u.code == "1.02")
        counts = {c.code: c.count for c in health.counts}
        self.assertEqual((counts["utama"], counts["pratama"], counts["muda"]), (1, 1, 1))
        self.assertEqual(health.with_value, 3)
        self.assertEqual(counts[""], 1)  # the province itself has no health value

    # --- the files ----------------------------------------------------------------------

    def test_the_province_pdf_holds_each_kabkota_its_index_and_who_is_late(self):
        Pemda.objects.filter(code="32").update(is_demo=True)
        self.prov.refresh_from_db()
        steps: list[tuple[int, str]] = []
        content, name, mime = files.province_pdf(
            self.prov, YEAR, TW, lambda p, s: steps.append((p, s))
        )
        self.assertEqual((name, mime), ("konsolidasi-spm-32-2025-tw2.pdf", "application/pdf"))
        self.assertEqual(steps[-1][0], 100)
        text = pdf_text(content)
        for line in province_report(self.prov, YEAR, TW).lines:
            row = next(
                ln for ln in text.splitlines() if line.pemda.code in ln and line.pemda.name in ln
            )
            self.assertIn(persen(line.nilai), row)
        self.assertIn("Kota Bekasi", text)
        self.assertIn("78,28 %", text)
        self.assertIn("96,00 %", text)
        late = text[text.index("Terlambat dan belum mengirim") :]
        late = late[: late.index("Kabupaten/kota")]
        self.assertIn("Kota Bekasi — terlambat", late)
        self.assertNotIn("Bogor", late)
        self.assertIn("Halaman 1 dari", text)
        self.assertIn("DATA CONTOH", text)
        self.assertIn("Laporan Konsolidasi Penerapan SPM Kabupaten/Kota", text)
        bekasi = next(ln for ln in text.splitlines() if "32.75" in ln)
        self.assertIn("25 Juli 2025", bekasi)  # sent at, in WIB
        self.assertIn("terlambat", bekasi)

    def test_the_province_xlsx_holds_the_same_numbers(self):
        content, name, _mime = files.province_xlsx(self.prov, YEAR, TW, None)
        self.assertEqual(name, "konsolidasi-spm-32-2025-tw2.xlsx")
        rows = sheet(content, "Kabupaten-kota")
        bekasi, bogor = row_of(rows, "32.75"), row_of(rows, "32.01")
        self.assertEqual(bekasi[:5], [2, "32.75", "Kota Bekasi", 78.28, "Tuntas Pratama"])
        self.assertEqual(bekasi[-1], "terlambat")
        self.assertEqual(bogor[:5], [1, "32.01", "Kabupaten Bogor", 96.0, "Tuntas Utama"])
        self.assertEqual(bogor[-1], "tepat waktu")
        reporting = sheet(content, "Pelaporan")
        self.assertEqual(reporting[-1][1:], [2, 2, 1, 1, 0, 100.0, 50.0])
        self.assertIn("Pemda: Provinsi Jawa Barat", [r[0] for r in rows])

    def test_the_national_files_hold_the_rates(self):
        content, name, _mime = files.national_pdf(None, YEAR, TW, None)
        self.assertEqual(name, "ringkasan-nasional-spm-2025-tw2.pdf")
        text = pdf_text(content)
        jabar = next(ln for ln in text.splitlines() if ln.strip().startswith("32 "))
        expected = national_reporting(list(Pemda.objects.all()), YEAR, TW)
        rate = next(p for p in expected.provinces if p.code == "32").rate
        self.assertIn(persen(rate.rate), jabar)  # 66,66 %
        self.assertIn(persen(rate.on_time_rate), jabar)  # 33,33 %
        self.assertIn("66,66 %", jabar)
        content, name, _mime = files.national_xlsx(None, YEAR, TW, None)
        rows = sheet(content, "Per provinsi")
        self.assertEqual(row_of(rows, "32")[4:11], [3, 2, 1, 1, 1, 66.66, 33.33])
        total = sheet(content, "Nasional")[-1]
        self.assertEqual(total[1:], [4, 3, 2, 1, 1, 75.0, 50.0])
        self.assertEqual(expected.total.rate, 75)

    # --- the pages ----------------------------------------------------------------------

    def test_who_may_see_the_province_report(self):
        url = f"/provinsi/32/laporan/{YEAR}/{TW}/"
        for persona, status in (("provinsi_jabar", 200), ("pusat", 200), ("admin_a", 404),
                                ("outsider", 404), ("nobody", 404)):  # fmt: skip
            self.login(persona)
            self.assertEqual(self.client.get(url).status_code, status, persona)
            self.assertEqual(self.client.get(url + "konsolidasi.xlsx").status_code, status, persona)
        self.login("pusat")
        for bad in (f"/provinsi/32.75/laporan/{YEAR}/{TW}/", f"/provinsi/32/laporan/{YEAR}/5/",
                    "/provinsi/32/laporan/1990/2/", f"/provinsi/36/laporan/{YEAR}/{TW}/"):  # fmt: skip
            self.assertEqual(self.client.get(bad).status_code, 404, bad)

    def test_who_may_see_the_national_summary(self):
        url = f"/nasional/laporan/{YEAR}/{TW}/"
        for persona, status in (("pusat", 200), ("provinsi_jabar", 404), ("admin_a", 404)):
            self.login(persona)
            self.assertEqual(self.client.get(url).status_code, status, persona)
            self.assertEqual(self.client.get(url + "ringkasan.xlsx").status_code, status, persona)
        self.login("pusat")
        self.assertEqual(self.client.get(f"/nasional/laporan/{YEAR}/9/").status_code, 404)
        page = self.client.get(url).content.decode()
        self.assertIn('data-testid="provinsi-32"', page)
        self.assertIn(f"/nasional/laporan/{YEAR}/{TW}/ringkasan.pdf", page)
        self.assertIn(f'href="/nasional/laporan/{YEAR}/{TW}/"', self.client.get(
            f"/nasional/?tahun={YEAR}&tw={TW}").content.decode())  # fmt: skip

    def test_the_province_page_has_the_chart_data_and_the_downloads(self):
        self.login("provinsi_jabar")
        page = self.client.get(f"/provinsi/32/laporan/{YEAR}/{TW}/").content.decode()
        self.assertIn('id="grafik-kabkota"', page)
        data = re.search(r'id="grafik-kabkota-data" type="application/json">(.*?)</script>', page)
        assert data is not None
        self.assertIn('"labels": ["Kabupaten Bogor", "Kota Bekasi"]', data.group(1))
        self.assertIn(f'"colours": ["{charts.CATEGORY_COLOURS["utama"]}", ', data.group(1))
        self.assertIn(f"/provinsi/32/laporan/{YEAR}/{TW}/konsolidasi.pdf", page)
        self.assertIn("vendor/chartjs/chart.umd.min.js", page)
        self.assertNotIn("<svg", page)  # the screen draws with the chart library
        board = self.client.get(f"/provinsi/32/?tahun={YEAR}&tw={TW}").content.decode()
        self.assertIn(f'href="/provinsi/32/laporan/{YEAR}/{TW}/"', board)
        pdf = self.client.get(f"/provinsi/32/laporan/{YEAR}/0/konsolidasi.pdf")
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertIn("konsolidasi-spm-32-2025-tahunan.pdf", pdf["Content-Disposition"])
        self.assertIn("nilai dan status laporan TW4 2025", pdf_text(pdf.content))


class ChartTests(SimpleTestCase):
    def test_the_category_colours_are_the_screens(self):
        css = (Path(settings.BASE_DIR) / "tuntas/core/static/tuntas/tuntas.css").read_text()
        screen = dict(
            re.findall(r"--(paripurna|utama|madya|pratama|muda|belum):(#[0-9a-f]{6})", css)
        )
        self.assertEqual(screen, {k: v for k, v in charts.CATEGORY_COLOURS.items() if k})
        self.assertIn(".k- { background:#9aa7b1; }", css)
        self.assertEqual(charts.CATEGORY_COLOURS[""], "#9aa7b1")

    def test_an_svg_is_safe_to_inline(self):
        from decimal import Decimal

        svg = charts.kabkota_bar(
            [charts.Bar("Kota <b>$x$</b> & co", Decimal("78.28"), "pratama"),
             charts.Bar("Tanpa nilai", None)],
        )  # fmt: skip
        self.assertTrue(svg.startswith("<svg"))
        for absent in ("<?xml", "<!DOCTYPE", "<script", "<style", "<b>"):
            self.assertNotIn(absent, svg)
        self.assertIn("&lt;b&gt;$x$&lt;/b&gt; &amp; co", svg)
        self.assertIn("78,28", svg)
        self.assertIn(charts.CATEGORY_COLOURS["pratama"], svg)
        ids = re.findall(r'id="([^"]+)"', svg + charts.urusan_profile([]))
        self.assertEqual(len(ids), len(set(ids)))
        trend = charts.trend_years(
            {"2025": [40.0, 60.0, 80.0, 95.0], "2026": [45.0, None, None, None]}
        )
        self.assertIn("2026", trend)
        self.assertIn("TW4", trend)
