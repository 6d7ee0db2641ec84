"""The region's report as DOCX and XLSX: the same numbers as the report's data, in Indonesian
formats; the fingerprint in every footer and in the file's properties (read back by
``fingerprint_from_file``); a draft says so; a small registry count never leaves the region.

Kota Bekasi, 2025, TW2, JPD 1.02.K07 (pelayanan kesehatan usia lanjut): sasaran 4.900;
terlayani 1.200 by TW1 and 3.570 by TW2 (not yet served 1.330, capaian 72,85 %); its first
mutu item 10 needed, 7 available (3 missing, 70,00 %), the others 10 of 10; pagu
Rp 1.250.000.000, realised 300.000.000 by TW1 and 500.000.000 by TW2 (difference 750.000.000,
40,00 %). The registry lists 20 people in Bekasi Timur (15 served), 3 in Bekasi Barat (2
served: small) and 30 in Bekasi Utara (25 served)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any, ClassVar

from django.test import override_settings
from python_calamine import CalamineWorkbook

from tuntas.alur.models import ReportState, ReportStatus
from tuntas.katalog.models import Jpd
from tuntas.laporan.document import ReportData, report_data
from tuntas.laporan.files_docx import fingerprint_from_file, report_docx
from tuntas.laporan.files_xlsx import report_xlsx
from tuntas.laporan.models import Seal
from tuntas.laporan.services import report_seal, report_text_save
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for, target_set
from tuntas.penerima.models import RecipientEntry
from tuntas.testing import PersonaTestCase
from tuntas.wilayah.models import Region

YEAR, TW = 2025, 2
JPD = "1.02.K07"
APPROVED_AT = dt.datetime(2025, 7, 10, 20, 30, tzinfo=dt.UTC)  # 11 Juli 2025 03.30 WIB


def jpd_tables(content: bytes, code: str) -> list[list[list[str]]]:
    """The tables under the JPD's heading in BAB II (up to the next heading of its level)."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(content))
    found: list[list[list[str]]] = []
    inside = False
    for block in document.iter_inner_content():
        style = block.style.name if isinstance(block, Paragraph) and block.style else ""
        if isinstance(block, Paragraph) and style.startswith("Heading"):
            if inside:
                break
            inside = block.text.startswith(code + " ") and style == "Heading 3"
        elif inside and isinstance(block, Table):
            found.append([[c.text for c in row.cells] for row in block.rows])
    return found


def docx_text(content: bytes) -> tuple[str, list[list[list[str]]], str]:
    """Body paragraphs, the tables (rows of cell texts) and the footers of a DOCX."""
    from docx import Document

    document = Document(io.BytesIO(content))
    body = "\n".join(p.text for p in document.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    footers = "\n".join(
        p.text for s in document.sections for p in (*s.footer.paragraphs, *s.header.paragraphs)
    )
    return body, tables, footers


def table_after(tables: list[list[list[str]]], first_header: str, contains: str) -> list[list[str]]:
    for table in tables:
        if (
            table[0]
            and table[0][0] == first_header
            and any(contains in c for r in table for c in r)
        ):
            return table
    raise AssertionError(f"no table starting {first_header!r} with {contains!r}")


def sheet_rows(content: bytes, name: str) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(name).to_python()


def find_row(rows: list[list[Any]], *cells: Any) -> list[Any]:
    for row in rows:
        if all(c in row for c in cells):
            return row
    raise AssertionError(f"no row with {cells!r}")


class ReportFilesTests(PersonaTestCase):
    data: ClassVar[ReportData]
    draft: ClassVar[ReportData]
    first_item: ClassVar[str]
    seal: ClassVar[Seal | None]
    docx: ClassVar[bytes]
    xlsx: ClassVar[bytes]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        pemda = cls.pemda_a
        jpd = Jpd.objects.get(code=JPD)
        target_set(pemda=pemda, jpd=jpd, year=YEAR, sasaran=4900, reason="", expected_version=0,
                   actor=None)  # fmt: skip
        items = mutu_items_for(jpd=jpd, year=YEAR)
        cls.first_item = items[0].name
        mutu: dict[int, tuple[int | None, int | None]] = {
            i.pk: (10, 7 if n == 0 else 10) for n, i in enumerate(items)
        }
        for quarter, served, spent in ((1, 1200, "300000000"), (2, 3570, "500000000")):
            entry_save(
                pemda=pemda, jpd=jpd, year=YEAR, quarter=quarter,
                data=EntryInput(terlayani=served, mutu=mutu, pagu=Decimal("1250000000"),
                                realisasi=Decimal(spent), permasalahan="Kader posyandu kurang.",
                                solusi="Pelatihan kader baru."),
                expected_version=0, actor=None,
            )  # fmt: skip
        report_text_save(pemda=pemda, year=YEAR, key="nama_kepala", text="Tri Adhianto", actor=None)
        cls.registry(pemda, jpd)
        cls.draft = report_data(pemda, YEAR, TW)
        ReportState.objects.update_or_create(
            pemda=pemda, year=YEAR, quarter=TW,
            defaults={"status": ReportStatus.DISETUJUI, "approved_at": APPROVED_AT,
                      "approved_by": cls.users["pimpinan_a"]},
        )  # fmt: skip
        cls.data = report_data(pemda, YEAR, TW)
        cls.seal = report_seal(cls.data)
        with override_settings(TUNTAS_SITE_URL="https://spm.example.go.id"):
            cls.docx = report_docx(cls.data, cls.seal)
        cls.xlsx = report_xlsx(cls.data, cls.seal)

    @classmethod
    def registry(cls, pemda: Any, jpd: Jpd) -> None:
        for code, name in (("32.75.02", "Bekasi Barat"), ("32.75.03", "Bekasi Utara")):
            Region.objects.create(code=code, name=name, level="kecamatan", kind="kecamatan",
                                  parent_id="32.75")  # fmt: skip
        rows, n = [], 0
        for kecamatan, listed, served in (("32.75.01", 20, 15), ("32.75.02", 3, 2),
                                          ("32.75.03", 30, 25)):  # fmt: skip
            for i in range(listed):
                n += 1
                rows.append(
                    RecipientEntry(
                        pemda=pemda, jpd=jpd, year=YEAR, nik_hash=n.to_bytes(32, "big"),
                        village_code=f"{kecamatan}.1001", served=i < served,
                        service_date=dt.date(YEAR, 2, 1) if i < served else None,
                    )
                )  # fmt: skip
        RecipientEntry.objects.bulk_create(rows)

    def section(self) -> Any:
        return next(j for j in self.data.jpd_sections if j.kode == JPD)

    def test_the_data_is_what_the_files_print(self):
        section = self.section()
        self.assertEqual(section.kode, JPD)
        self.assertEqual(section.penerima.persen, Decimal("72.85"))
        self.assertEqual(section.anggaran.persen, Decimal("40.00"))
        self.assertIsNotNone(self.seal)
        self.assertIsNone(report_seal(self.draft))

    def test_docx_holds_the_numbers_the_category_and_the_seal(self):
        body, tables, footers = docx_text(self.docx)
        assert self.seal is not None
        section = self.section()
        shown = section.shown
        nilai = format(shown.nilai, "f").replace(".", ",")
        self.assertIn("LAPORAN PENERAPAN STANDAR PELAYANAN MINIMAL", body)
        self.assertIn("KOTA BEKASI", body)
        self.assertIn("Lembar Pengesahan".upper(), body)
        self.assertIn("Disahkan pada tanggal 11 Juli 2025", body)  # the pemda's zone: WIB
        self.assertIn("WALI KOTA BEKASI", body)
        self.assertIn("Tri Adhianto", body)
        self.assertIn("Undang-Undang Nomor 23 Tahun 2014", body)  # dasar hukum, one per line
        self.assertIn("Kader posyandu kurang.", body)
        self.assertIn("Pelatihan kader baru.", body)
        self.assertIn(f"{nilai} % ({shown.kategori_nama})", body)
        self.assertTrue(shown.kategori_nama)
        tables = jpd_tables(self.docx, JPD)
        penerima = table_after(tables, "No", "Jumlah yang harus dilayani")
        self.assertEqual(penerima[1][4:6], ["TW1", "TW2"])  # terlayani to each quarter's end
        row = penerima[-1]
        self.assertEqual(row[3:], ["4.900", "1.200", "3.570", "1.330", "72,85"])
        mutu = table_after(tables, "No", self.first_item)
        self.assertIn(["1", self.first_item, mutu[1][2], "10", "7", "3", "70,00"], mutu)
        budget = table_after(tables, "Alokasi (Rp)", "1.250.000.000")
        self.assertEqual(
            budget[-1], ["1.250.000.000", "300.000.000", "500.000.000", "750.000.000", "40,00"]
        )
        code = self.seal.code
        self.assertIn(f"Sidik: {code} · verifikasi: https://spm.example.go.id/verifikasi/{code}/",
                      footers)  # fmt: skip
        self.assertNotIn("DRAF", footers)

    def test_the_fingerprint_is_read_back(self):
        assert self.seal is not None
        self.assertEqual(fingerprint_from_file(self.docx), self.seal.code)
        from docx import Document

        document = Document(io.BytesIO(self.docx))
        document.core_properties.keywords = ""  # only the footer left
        buffer = io.BytesIO()
        document.save(buffer)
        self.assertEqual(fingerprint_from_file(buffer.getvalue()), self.seal.code)
        self.assertIsNone(fingerprint_from_file(b"not a docx"))
        self.assertIsNone(fingerprint_from_file(report_docx(self.draft, None)))

    def test_a_draft_has_no_seal_and_says_so(self):
        content = report_docx(self.draft, None)
        body, _tables, footers = docx_text(content)
        self.assertIn("DRAF — belum disetujui", footers)
        self.assertNotIn("Sidik", footers)
        self.assertIn("Belum disetujui", body)
        summary = sheet_rows(report_xlsx(self.draft, None), "Ringkasan")
        self.assertEqual(find_row(summary, "Sidik")[1:2], [""])

    def test_xlsx_holds_the_same_numbers_as_numbers(self):
        assert self.seal is not None
        shown = self.section().shown
        penerima = find_row(sheet_rows(self.xlsx, "A_Penerima"), JPD)
        self.assertEqual(penerima[6:11], [4900, 1200, 3570, 1330, 0.7285])
        self.assertAlmostEqual(penerima[12], float(shown.nilai) / 100)
        self.assertEqual(penerima[13], shown.kategori_nama)
        mutu = find_row(sheet_rows(self.xlsx, "B_Mutu"), JPD, self.first_item)
        self.assertEqual(mutu[7:11], [10, 7, 3, 0.7])
        budget = find_row(sheet_rows(self.xlsx, "C_Anggaran"), JPD)
        self.assertEqual(budget[3:8], [1250000000, 300000000, 500000000, 750000000, 0.4])
        summary = sheet_rows(self.xlsx, "Ringkasan")
        self.assertEqual(find_row(summary, "Sidik")[1], self.seal.code)
        self.assertAlmostEqual(find_row(summary, "Indeks SPM (%)")[1],
                               float(self.data.index.nilai) / 100)  # fmt: skip
        self.assertEqual(find_row(summary, "Kategori")[1], self.data.index.kategori_nama)

    def test_xlsx_percent_formats_keep_the_shown_places(self):
        import zipfile

        styles = zipfile.ZipFile(io.BytesIO(self.xlsx)).read("xl/styles.xml").decode()
        self.assertIn('formatCode="0.00%"', styles)

    def test_a_small_registry_count_never_leaves_the_region(self):
        table = next(t for t in self.data.annex if t.jpd_kode == JPD)
        barat = next(r for r in table.rows if r.kode == "32.75.02")
        self.assertEqual(barat.tanda[0], "small")
        _body, tables, _footers = docx_text(self.docx)
        annex = table_after(tables, "Kode", "Bekasi Barat")
        row = next(r for r in annex if r[0] == "32.75.02")
        self.assertEqual(row[2:4], ["< 5", "< 5"])
        self.assertNotIn("3", row[2:])
        self.assertNotIn("2", row[2:])
        self.assertEqual(annex[-1][2:4], ["53", "42"])  # the pemda's total is an aggregate
        for r in annex[1:-1]:  # hidden cells print "*", shown ones their number
            self.assertTrue(all(c in ("< 5", "*") or c.replace(".", "").isdigit() for c in r[2:5]))
        lampiran = sheet_rows(self.xlsx, "Lampiran_kecamatan")
        xrow = find_row(lampiran, "32.75.02")
        self.assertEqual(xrow[4:6], ["< 5", "< 5"])
        self.assertNotIn(3, xrow)
        self.assertNotIn(2, xrow)
        hidden = sum(1 for r in annex[1:-1] for c in r[2:5] if c == "*")
        self.assertEqual(hidden, sum(1 for r in lampiran for c in r[4:7] if c == "*"))

    def test_the_annual_report_has_four_quarters_and_a_demo_says_so(self):
        from dataclasses import replace

        pemda = self.pemda_a
        pemda.is_demo = True
        annual = replace(report_data(pemda, YEAR), pemda=pemda)
        self.assertFalse(annual.approval.approved)  # only TW2 is approved
        body, _tables, footers = docx_text(report_docx(annual, None))
        self.assertIn("TAHUN 2025", body)
        self.assertIn("DATA CONTOH", body)
        self.assertIn("DATA CONTOH", footers)  # every page's header
        tables = jpd_tables(report_docx(annual, None), JPD)
        self.assertEqual(table_after(tables, "No", "Jumlah yang harus dilayani")[1][4:8],
                         ["TW1", "TW2", "TW3", "TW4"])  # fmt: skip
        rows = sheet_rows(report_xlsx(annual, None), "A_Penerima")
        self.assertIn("Terlayani s.d. TW4", find_row(rows, "Kode JPD"))
        self.assertTrue(any("DATA CONTOH" in str(r[0]) for r in rows[:6]))
