"""The region's report: its data, PDF text, fingerprint, verification, command and pages."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tempfile
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from tuntas.alur.models import ReportState, ReportStatus
from tuntas.katalog.models import Jpd
from tuntas.laporan.document import digest, report_data
from tuntas.laporan.files_pdf import fingerprint_from_pdf, report_pdf
from tuntas.laporan.models import ReportText, Seal
from tuntas.laporan.services import report_seal
from tuntas.pendataan.models import QuarterEntry
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for
from tuntas.testing import PersonaTestCase
from tuntas.testing.api import entry_fill

YEAR, TW = 2025, 2
K07 = "1.02.K07"


def pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        out = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


class ReportCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # 6.789 of 12.345 served: capaian penerima 54,99 % (truncated), mutu 10/10
        entry_fill(cls.pemda_a, K07, year=YEAR, quarter=TW, sasaran=12345, terlayani=6789)

    def approve(self, status: str = ReportStatus.DISETUJUI) -> ReportState:
        state, _ = ReportState.objects.update_or_create(
            pemda=self.pemda_a,
            year=YEAR,
            quarter=TW,
            defaults={
                "status": status,
                "approved_at": dt.datetime(2025, 7, 10, 3, 0, tzinfo=dt.UTC),
                "approved_by": self.users["pimpinan_a"],
            },
        )
        return state

    def change_terlayani(self, value: int) -> None:
        """What an unlock allows: the report reopened, a value changed, approved again."""
        ReportState.objects.filter(pemda=self.pemda_a, year=YEAR, quarter=TW).update(
            status=ReportStatus.DISUSUN
        )
        jpd = Jpd.objects.get(code=K07)
        entry = QuarterEntry.objects.get(pemda=self.pemda_a, jpd=jpd, year=YEAR, quarter=TW)
        items = mutu_items_for(jpd=jpd, year=YEAR)
        entry_save(pemda=self.pemda_a, jpd=jpd, year=YEAR, quarter=TW,
                   data=EntryInput(terlayani=value, mutu={i.pk: (10, 10) for i in items}),
                   expected_version=entry.version, actor=None)  # fmt: skip
        self.approve()


class DataTests(ReportCase):
    def test_tables_hold_the_entry(self):
        data = report_data(self.pemda_a, YEAR, TW)
        k07 = next(j for j in data.jpd_sections if j.kode == K07)
        self.assertEqual(k07.penerima.sasaran, 12345)
        self.assertEqual(k07.penerima.terlayani, 6789)
        self.assertEqual(k07.penerima.belum, 12345 - 6789)
        self.assertEqual(k07.penerima.per_tw, (None, 6789))
        self.assertEqual(k07.penerima.persen, Decimal("54.99"))
        self.assertTrue(all(m.dibutuhkan == 10 and m.tersedia == 10 for m in k07.mutu))
        self.assertEqual(data.quarters, (1, 2))
        self.assertFalse(data.approval.approved)

    def test_annual_report_needs_all_four_quarters_approved(self):
        for q in (1, 2, 3):
            ReportState.objects.update_or_create(pemda=self.pemda_a, year=YEAR, quarter=q,
                                                 defaults={"status": ReportStatus.DITERIMA})  # fmt: skip
        self.assertFalse(report_data(self.pemda_a, YEAR).approval.approved)
        ReportState.objects.update_or_create(pemda=self.pemda_a, year=YEAR, quarter=4,
                                             defaults={"status": ReportStatus.DIKIRIM})  # fmt: skip
        approval = report_data(self.pemda_a, YEAR).approval
        self.assertTrue(approval.approved)
        self.assertEqual(approval.status, ReportStatus.DIKIRIM)  # the lowest step over the year


class FingerprintTests(ReportCase):
    def test_a_draft_has_no_seal(self):
        self.assertIsNone(report_seal(report_data(self.pemda_a, YEAR, TW)))
        self.assertFalse(Seal.objects.exists())

    def test_same_data_same_seal_and_a_changed_number_changes_it(self):
        self.approve()
        first = report_seal(report_data(self.pemda_a, YEAR, TW))
        again = report_seal(report_data(self.pemda_a, YEAR, TW))
        self.assertEqual(first.pk, again.pk)
        self.assertEqual(len(first.code), 16)
        self.change_terlayani(6790)
        second = report_seal(report_data(self.pemda_a, YEAR, TW))
        self.assertNotEqual(first.digest, second.digest)
        # the public page: the old code is found but marked superseded; the new one is current
        old = self.client.get(reverse("laporan-verifikasi", args=[first.code]))
        self.assertContains(old, "sidik-usang")
        self.assertContains(old, self.pemda_a.name)
        new = self.client.get(reverse("laporan-verifikasi", args=[second.code]))
        self.assertContains(new, "sidik-terkini")
        self.assertContains(new, "Triwulan 2 2025")

    def test_a_text_is_covered_too(self):
        self.approve()
        before = digest(report_data(self.pemda_a, YEAR, TW))
        ReportText.objects.create(pemda=self.pemda_a, year=YEAR, key="penutup", text="Lain.")
        self.assertNotEqual(before, digest(report_data(self.pemda_a, YEAR, TW)))

    def test_unknown_or_malformed_code_is_a_clear_404(self):
        for code in ("0123456789abcdef", "zz", "x" * 80):
            response = self.client.get(reverse("laporan-verifikasi", args=[code]))
            self.assertEqual(response.status_code, 404)
            self.assertContains(response, "tidak cocok", status_code=404)


class PdfTests(ReportCase):
    def test_pdf_text_holds_the_numbers_and_the_fingerprint(self):
        self.approve()
        data = report_data(self.pemda_a, YEAR, TW)
        seal = report_seal(data)
        content = report_pdf(data, seal)
        text = pdf_text(content)
        for expected in ("12.345", "6.789", "5.556", "54,99 %", "LEMBAR PENGESAHAN",
                         "BAB II PENERAPAN DAN PENCAPAIAN SPM", "Wali Kota Bekasi".upper(),
                         f"Sidik {seal.code}", f"/verifikasi/{seal.code}/"):  # fmt: skip
            self.assertIn(expected, text)
        # the footer is on every page
        pages = text.split("\f")
        printed = [p for p in pages if p.strip()]
        self.assertTrue(all(f"Sidik {seal.code}" in p for p in printed))
        self.assertEqual(fingerprint_from_pdf(content), seal.code)

    def test_a_draft_pdf_says_so(self):
        content = report_pdf(report_data(self.pemda_a, YEAR, TW), None)
        self.assertIn("DRAF", pdf_text(content))
        self.assertIsNone(fingerprint_from_pdf(content))

    def test_not_a_pdf_has_no_fingerprint(self):
        self.assertIsNone(fingerprint_from_pdf(b"%PDF-1.7 broken"))
        self.assertIsNone(fingerprint_from_pdf(b"hello"))


class CommandTests(ReportCase):
    def test_build_then_verify_then_change(self):
        self.approve()
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "laporan.pdf"
            call_command("laporan", pemda="32.75", tahun=YEAR, triwulan=TW, format="pdf",
                         output=str(target), stdout=StringIO())  # fmt: skip
            self.assertTrue(target.read_bytes().startswith(b"%PDF"))
            out = StringIO()
            call_command("laporan", verifikasi=str(target), stdout=out)
            self.assertIn("sah dan terkini", out.getvalue())
            self.change_terlayani(7000)
            out = StringIO()
            with self.assertRaises(SystemExit) as exit_:
                call_command("laporan", verifikasi=str(target), stdout=out)
            self.assertEqual(exit_.exception.code, 3)
            self.assertIn("telah berubah", out.getvalue())
            junk = Path(tmp) / "x.pdf"
            junk.write_bytes(b"not a report")
            with self.assertRaises(SystemExit) as exit_:
                call_command("laporan", verifikasi=str(junk), stdout=StringIO())
            self.assertEqual(exit_.exception.code, 1)

    def test_bad_arguments_are_clear(self):
        from django.core.management.base import CommandError

        with self.assertRaisesMessage(CommandError, "--tahun"):
            call_command("laporan", pemda="32.75", output="/tmp/x.pdf")
        with self.assertRaisesMessage(CommandError, "tidak dikenal"):
            call_command("laporan", pemda="99.99", tahun=2025, output="/tmp/x.pdf")


class PageTests(ReportCase):
    def test_page_shows_numbers_status_and_downloads(self):
        self.approve()
        self.client.force_login(self.users["pimpinan_a"])
        response = self.client.get(reverse("laporan-pemda", args=["32.75", YEAR, TW]))
        self.assertContains(response, "12.345")
        self.assertContains(response, "54,99 %")
        seal = Seal.objects.get()
        self.assertContains(response, seal.code)
        for fmt in ("pdf", "docx", "xlsx"):
            self.assertContains(response, reverse("laporan-unduh", args=["32.75", YEAR, TW, fmt]))

    def test_pdf_download(self):
        self.client.force_login(self.users["operator_kes"])
        response = self.client.get(reverse("laporan-unduh", args=["32.75", YEAR, TW, "pdf"]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("laporan-spm-32.75-2025-tw2.pdf", response["Content-Disposition"])
        self.assertIn("DRAF", pdf_text(response.content))

    def test_unknown_period_or_format_is_404(self):
        self.client.force_login(self.users["admin_a"])
        self.assertEqual(self.client.get(f"/pemda/32.75/laporan/{YEAR}/5/").status_code, 404)
        self.assertEqual(
            self.client.get(f"/pemda/32.75/laporan/{YEAR}/2/unduh.exe").status_code, 404
        )

    def test_texts_edit_saves_and_default_comes_back(self):
        self.client.force_login(self.users["admin_a"])
        url = reverse("laporan-teks", args=["32.75", YEAR])
        response = self.client.post(url, {"nama_kepala": "Dr. Tri Adhianto", "penutup": "Selesai."})
        self.assertEqual(response.status_code, 302)
        texts = dict(ReportText.objects.values_list("key", "text"))
        self.assertEqual(texts, {"nama_kepala": "Dr. Tri Adhianto", "penutup": "Selesai."})
        data = report_data(self.pemda_a, YEAR, TW)
        self.assertEqual(data.texts["penutup"], "Selesai.")
        self.client.post(url, {"penutup": ""})
        self.assertIn("Demikian", report_data(self.pemda_a, YEAR, TW).texts["penutup"])

    def test_too_long_text_is_refused_naming_the_section(self):
        self.client.force_login(self.users["verifikator_tim"])
        url = reverse("laporan-teks", args=["32.75", YEAR])
        response = self.client.post(url, {"latar_belakang": "x" * 20001})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "Latar Belakang terlalu panjang", status_code=422)
        self.assertFalse(ReportText.objects.exists())

    def test_operator_may_not_edit_texts(self):
        self.client.force_login(self.users["operator_kes"])
        response = self.client.post(reverse("laporan-teks", args=["32.75", YEAR]), {"penutup": "x"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(ReportText.objects.exists())


class EngineTests(TestCase):
    def test_budget_use_and_not_yet_served(self):
        from fractions import Fraction

        from tuntas.perhitungan.laporan import budget_use, not_yet_served, share_of

        use = budget_use(Decimal(1000), Decimal(250))
        self.assertEqual((use.selisih, use.persen), (Decimal(750), Fraction(25)))
        over = budget_use(Decimal(100), Decimal(120))
        self.assertEqual((over.selisih, over.persen), (Decimal(-20), Fraction(120)))
        self.assertIsNone(budget_use(None, Decimal(5)).persen)
        self.assertIsNone(budget_use(Decimal(0), Decimal(0)).persen)
        self.assertEqual(not_yet_served(10, 12), 0)
        self.assertEqual(not_yet_served(10, 4), 6)
        self.assertIsNone(not_yet_served(None, 4))
        self.assertEqual(share_of(1, 4), Fraction(25))
        self.assertIsNone(share_of(0, 0))
        with self.assertRaises(ValueError):
            budget_use(Decimal(-1), None)


class DocxChartTests(ReportCase):
    def test_docx_carries_the_charts_and_the_fingerprint(self):
        import docx

        from tuntas.laporan.files_docx import fingerprint_from_file, report_docx

        self.approve()
        data = report_data(self.pemda_a, YEAR, TW)
        seal = report_seal(data)
        content = report_docx(data, seal)
        document = docx.Document(io.BytesIO(content))
        self.assertEqual(len(document.inline_shapes), 2)  # urusan profile and trend
        self.assertEqual(fingerprint_from_file(content), seal.code)


class LanguageTests(ReportCase):
    def test_the_fingerprint_does_not_depend_on_the_readers_language(self):
        from django.utils import translation

        self.approve()
        with translation.override("en"):
            english = digest(report_data(self.pemda_a, YEAR, TW))
        with translation.override("id"):
            indonesian = digest(report_data(self.pemda_a, YEAR, TW))
        self.assertEqual(english, indonesian)
        self.assertIn("Wali Kota", report_data(self.pemda_a, YEAR, TW).head_title)
