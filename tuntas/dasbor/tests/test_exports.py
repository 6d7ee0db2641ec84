"""Every dashboard table as XLSX and CSV: who may download it (the page's scope), and what is in
it (Indonesian headers, numbers as numbers, CSV as Indonesian Excel opens it)."""

from __future__ import annotations

import csv
import io
from typing import Any, ClassVar

from django.utils import timezone
from python_calamine import CalamineWorkbook

from tuntas.core.formatting import waktu
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.services import pemda_register
from tuntas.testing import AccessMatrixMixin, PersonaTestCase, opd
from tuntas.testing.api import entry_fill
from tuntas.wilayah.zona import zone_of

YEAR, TW = 2025, 2
Q = f"?tahun={YEAR}&tw={TW}"
BOM = b"\xef\xbb\xbf"
READERS_A = {
    p: 200
    for p in (
        "operator_kes", "operator_dik", "verifikator_kes", "verifikator_tim", "admin_a",
        "pimpinan_a", "provinsi_jabar", "pusat",
    )
}  # fmt: skip


def sheet_all_rows(content: bytes) -> list[list[Any]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)


def sheet_rows(content: bytes) -> list[list[Any]]:
    """The table under the title block (which ends at the first empty row)."""
    rows = sheet_all_rows(content)
    blank = next(i for i, r in enumerate(rows) if all(c == "" for c in r))
    return rows[blank + 1 :]


def csv_all_lines(content: bytes) -> list[str]:
    assert content.startswith(BOM)
    return content[len(BOM) :].decode("utf-8").split("\r\n")


def csv_lines(content: bytes) -> list[str]:
    """The table under the title block (which ends at the first empty line)."""
    lines = csv_all_lines(content)
    return lines[lines.index("") + 1 :]


class ExportData(PersonaTestCase):
    bogor: ClassVar[Pemda]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.bogor = pemda_register(code="32.01")
        entry_fill(cls.pemda_a, "1.02.K01", year=YEAR, quarter=TW, sasaran=100, terlayani=80)  # 84
        entry_fill(cls.pemda_a, "1.02.K01", year=YEAR, quarter=1, sasaran=100, terlayani=50)  # 60
        entry_fill(cls.pemda_a, "1.01.K02", year=YEAR, quarter=TW, sasaran=0, terlayani=0)
        entry_fill(cls.bogor, "1.02.K01", year=YEAR, quarter=TW, sasaran=100, terlayani=95)  # 96
        entry_fill(cls.pemda_b, "1.02.K01", year=YEAR, quarter=TW, sasaran=100, terlayani=50)  # 60
        entry_fill(cls.prov, "1.02.P01", year=YEAR, quarter=TW, sasaran=10, terlayani=10)  # 100


class ExportAccessTests(ExportData, AccessMatrixMixin):
    def test_region_tables_same_scope_as_page(self):
        for table in ("urusan", "jpd", "keterisian", "tren"):
            for fmt in ("xlsx", "csv"):
                self.check_access("get", f"/pemda/32.75/unduh/{table}.{fmt}{Q}", READERS_A)
        self.check_access("get", f"/pemda/99.99/unduh/urusan.csv{Q}", {})

    def test_province_ranking_for_provinsi_and_pusat(self):
        for fmt in ("xlsx", "csv"):
            self.check_access(
                "get", f"/provinsi/32/unduh/kabkota.{fmt}{Q}", {"provinsi_jabar": 200, "pusat": 200}
            )
        self.check_access("get", f"/provinsi/32.75/unduh/kabkota.csv{Q}", {})

    def test_national_ranking_for_pusat_only(self):
        for fmt in ("xlsx", "csv"):
            self.check_access("get", f"/nasional/unduh/peringkat.{fmt}{Q}", {"pusat": 200})

    def test_unknown_table_format_or_period_is_404(self):
        self.login("pusat")
        for url in (
            f"/pemda/32.75/unduh/rahasia.csv{Q}",
            f"/pemda/32.75/unduh/urusan.pdf{Q}",
            f"/provinsi/32/unduh/kabkota.ods{Q}",
            f"/nasional/unduh/peringkat.json{Q}",
            "/pemda/32.75/unduh/urusan.csv?tahun=1990&tw=1",
            f"/nasional/unduh/peringkat.csv?tahun={YEAR}&tw=9",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)


class ExportContentTests(ExportData):
    def test_urusan_xlsx_has_headers_and_numbers(self):
        self.login("pimpinan_a")
        response = self.client.get(f"/pemda/32.75/unduh/urusan.xlsx{Q}")
        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertEqual(
            response["Content-Disposition"],
            f'attachment; filename="tuntas-32.75-{YEAR}-tw{TW}-urusan.xlsx"',
        )
        rows = sheet_rows(response.content)
        self.assertEqual(rows[0], ["Kode", "Urusan", "Indeks (%)", "Kategori"])
        self.assertEqual(len(rows), 7)  # header + 6 urusan
        by_code = {r[0]: r for r in rows[1:]}
        self.assertEqual(by_code["1.02"], ["1.02", "Kesehatan", 84.0, "Tuntas Madya"])
        self.assertIsInstance(by_code["1.02"][2], float)
        self.assertEqual(by_code["1.01"][2:], ["", ""])  # no value: empty cells, not "—"

    def test_every_file_starts_with_its_title_block(self):
        """Pemda, period, when it was made in the pemda's zone, and the demo mark (issue 11)."""
        self.login("pimpinan_a")
        made = waktu(timezone.now(), zone_of("32.75").info)[:-10]  # the day, as WIB shows it
        lines = csv_all_lines(self.client.get(f"/pemda/32.75/unduh/urusan.csv{Q}").content)
        self.assertEqual(lines[:3], ["Tuntas — Indeks per urusan", "Pemda: Kota Bekasi",
                                     f"Periode: TW{TW} {YEAR}"])  # fmt: skip
        self.assertTrue(lines[3].startswith(f"Dibuat: {made}") and lines[3].endswith(" WIB"))
        self.assertEqual(lines[4], "")
        rows = sheet_all_rows(self.client.get(f"/pemda/32.75/unduh/urusan.xlsx{Q}").content)
        self.assertEqual([r[0] for r in rows[:3]], lines[:3])
        self.assertNotIn("DATA CONTOH", "\n".join(lines))
        Pemda.objects.filter(code="32.75").update(is_demo=True)
        lines = csv_all_lines(self.client.get(f"/pemda/32.75/unduh/urusan.csv{Q}").content)
        self.assertTrue(lines[4].startswith("DATA CONTOH"))
        self.assertEqual(lines[5], "")

    def test_urusan_csv_bom_semicolons_decimal_comma(self):
        self.login("pimpinan_a")
        response = self.client.get(f"/pemda/32.75/unduh/urusan.csv{Q}")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertTrue(response.content.startswith(BOM))
        lines = csv_lines(response.content)
        self.assertEqual(lines[0], "Kode;Urusan;Indeks (%);Kategori")
        self.assertIn("1.02;Kesehatan;84,00;Tuntas Madya", lines)
        self.assertIn("1.01;Pendidikan;;", lines)

    def test_jpd_table(self):
        self.login("operator_kes")
        lines = csv_lines(self.client.get(f"/pemda/32.75/unduh/jpd.csv{Q}").content)
        self.assertEqual(
            lines[0],
            "Kode;Jenis pelayanan dasar;Pengampu;Capaian penerima (%);Capaian mutu (%);"
            "Nilai (%);Kategori",
        )
        self.assertIn(
            "1.02.K01;Pelayanan kesehatan ibu hamil;Dinas Kesehatan;80,00;100,00;84,00;Tuntas Madya",
            lines,
        )
        self.assertIn("1.01.K02;Pendidikan dasar;Dinas Pendidikan;;;;Tidak ada sasaran", lines)
        self.assertEqual(len([ln for ln in lines if ln]), 30)  # header + 29 JPD
        rows = sheet_rows(self.client.get(f"/pemda/32.75/unduh/jpd.xlsx{Q}").content)
        k01 = next(r for r in rows if r[0] == "1.02.K01")
        self.assertEqual(k01[3:6], [80.0, 100.0, 84.0])

    def test_completeness_and_trend_tables(self):
        self.login("pimpinan_a")
        rows = sheet_rows(self.client.get(f"/pemda/32.75/unduh/keterisian.xlsx{Q}").content)
        self.assertEqual(rows[0], ["Perangkat daerah", "JPD", "Lengkap", "Keterisian (%)"])
        self.assertIn(["Dinas Kesehatan", 12, 1, 8.33], rows)
        lines = csv_lines(self.client.get(f"/pemda/32.75/unduh/tren.csv{Q}").content)
        self.assertEqual(
            lines[:3],
            [
                "Tahun;Triwulan;Indeks (%);Kategori;JPD lengkap;JPD total",
                f"{YEAR};1;60,00;Tuntas Muda;1;29",
                f"{YEAR};2;84,00;Tuntas Madya;2;29",
            ],
        )

    def test_province_ranking_has_its_kabkota_only(self):
        self.login("provinsi_jabar")
        response = self.client.get(f"/provinsi/32/unduh/kabkota.csv{Q}")
        self.assertEqual(
            response["Content-Disposition"],
            f'attachment; filename="tuntas-32-{YEAR}-tw{TW}-kabkota.csv"',
        )
        self.assertEqual(
            [ln for ln in csv_lines(response.content) if ln],
            [
                "Peringkat;Tingkat;Kode;Pemerintah daerah;Indeks (%);Kategori;JPD lengkap;JPD total;"
                "Data",
                "1;Kabupaten/Kota;32.01;Kabupaten Bogor;96,00;Tuntas Utama;1;29;data belum lengkap",
                "2;Kabupaten/Kota;32.75;Kota Bekasi;84,00;Tuntas Madya;2;29;data belum lengkap",
            ],
        )
        rows = sheet_rows(self.client.get(f"/provinsi/32/unduh/kabkota.xlsx{Q}").content)
        self.assertEqual(
            rows[1],
            [1, "Kabupaten/Kota", "32.01", "Kabupaten Bogor", 96.0, "Tuntas Utama", 1, 29,
             "data belum lengkap"],
        )  # fmt: skip

    def test_national_ranking_applies_the_filters(self):
        self.login("pusat")
        lines = csv_lines(self.client.get(f"/nasional/unduh/peringkat.csv{Q}").content)
        self.assertEqual(
            [ln.split(";")[2] for ln in lines[1:] if ln], ["32", "32.01", "32.75", "36.74"]
        )
        response = self.client.get(
            f"/nasional/unduh/peringkat.csv{Q}&tingkat=kabkota&kategori=muda"
        )
        self.assertEqual(
            [ln for ln in csv_lines(response.content)[1:] if ln],
            [
                "1;Kabupaten/Kota;36.74;Kota Tangerang Selatan;60,00;Tuntas Muda;1;29;data belum lengkap"
            ],
        )
        self.assertEqual(
            response["Content-Disposition"],
            f'attachment; filename="tuntas-nasional-{YEAR}-tw{TW}-kabkota-muda.csv"',
        )
        response = self.client.get(f'/nasional/unduh/peringkat.xlsx{Q}&urusan=1.02"x&kategori=a/b')
        self.assertEqual(
            response["Content-Disposition"],
            f'attachment; filename="tuntas-nasional-{YEAR}-tw{TW}-1.02-x-a-b.xlsx"',
        )
        self.assertEqual(sheet_rows(response.content)[1:], [])

    def test_text_that_looks_like_a_formula_stays_text(self):
        unit = opd(self.pemda_a, "Dinas Kesehatan")
        unit.name = '=HYPERLINK("http://contoh")'
        unit.save()
        self.login("pimpinan_a")
        lines = csv_lines(self.client.get(f"/pemda/32.75/unduh/keterisian.csv{Q}").content)
        cells = list(csv.reader(lines, delimiter=";"))
        self.assertIn(['\'=HYPERLINK("http://contoh")', "12", "1", "8,33"], cells)
        rows = sheet_rows(self.client.get(f"/pemda/32.75/unduh/keterisian.xlsx{Q}").content)
        self.assertIn(['=HYPERLINK("http://contoh")', 12, 1, 8.33], rows)


class DownloadLinkTests(ExportData):
    def test_each_table_on_the_pages_links_its_downloads(self):
        self.login("pusat")
        page = self.client.get(f"/pemda/32.75/{Q}").content.decode()
        for table in ("urusan", "jpd", "keterisian", "tren"):
            for fmt in ("xlsx", "csv"):
                self.assertIn(f"/pemda/32.75/unduh/{table}.{fmt}?tahun={YEAR}&amp;tw={TW}", page)
        page = self.client.get(f"/provinsi/32/{Q}").content.decode()
        self.assertIn(f"/provinsi/32/unduh/kabkota.xlsx?tahun={YEAR}&amp;tw={TW}", page)
        page = self.client.get(f"/nasional/{Q}&tingkat=kabkota&urusan=1.02").content.decode()
        self.assertIn(
            f"/nasional/unduh/peringkat.csv?tahun={YEAR}&amp;tw={TW}&amp;tingkat=kabkota"
            "&amp;urusan=1.02&amp;kategori=",
            page,
        )
