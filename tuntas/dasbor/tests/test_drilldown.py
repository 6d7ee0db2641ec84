"""Region dashboard drill-down of the by-name registry: per kecamatan, then per desa (counts only,
scoped like the dashboard). Registry rows come from the real import (``recipients_import``)."""

from __future__ import annotations

import re

from tuntas.pendataan.services import target_set
from tuntas.penerima.tests.helpers import YEAR, PenerimaTestCase
from tuntas.penerima.tests.test_registry_counts import (
    BASE_ROWS,
    KEC_BARAT,
    add_regions,
    import_rows,
    more_rows,
)
from tuntas.testing import AccessMatrixMixin, page_query_counts

KEC = f"/pemda/32.75/wilayah/{YEAR}/1.02.K06/"
DESA = f"{KEC}32.75.01/"
READERS = ("operator_kes", "operator_dik", "verifikator_kes", "verifikator_tim", "admin_a",
           "pimpinan_a", "provinsi_jabar", "pusat")  # fmt: skip


class DrillDownTests(PenerimaTestCase, AccessMatrixMixin):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        add_regions()
        import_rows(cls, cls.pemda_a, BASE_ROWS, "bekasi.csv")

    def row_numbers(self, html: str, testid: str) -> list[str]:
        """The numeric cells of the table row marked ``data-testid=testid``."""
        start = html.index(f'data-testid="{testid}"')
        end = html.index("</tr>", start)
        return re.findall(r'<td class="num">([^<]*)</td>', html[start:end])

    def test_access_follows_the_region_dashboard(self):
        readers = dict.fromkeys(READERS, 200)
        self.check_access("get", KEC, readers)
        self.check_access("get", f"{KEC}?tw=1", readers)
        self.check_access("get", DESA, readers)
        self.check_access("get", f"{DESA}?tw=2", readers)

    def test_not_found_for_what_is_not_there(self):
        self.login("pusat")
        for url in (
            f"/pemda/32.75/wilayah/{YEAR}/1.02.P01/",  # a provincial JPD, not Kota Bekasi's
            f"/pemda/32.75/wilayah/{YEAR}/9.99.K99/",  # no such JPD
            "/pemda/32.75/wilayah/1999/1.02.K06/",  # a year out of range
            f"{KEC}?tw=5",
            f"{KEC}?tw=x",
            f"{KEC}36.74.01/",  # a kecamatan of another pemda
            f"{KEC}32.75.01.1001/",  # a desa, not a kecamatan
            f"{KEC}32.75.99/",  # no such kecamatan
            f"/pemda/36.74/wilayah/{YEAR}/1.02.K06/32.75.01/",  # Bekasi's kecamatan, Tangsel
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_kecamatan_numbers_by_quarter_with_the_official_target(self):
        target_set(pemda=self.pemda_a, jpd=self.k06, year=YEAR, sasaran=10, reason="",
                   expected_version=0, actor=None)  # fmt: skip
        self.login("pimpinan_a")
        tw1 = self.client.get(f"{KEC}?tw=1").content.decode()
        self.assertEqual(self.row_numbers(tw1, "kecamatan-32.75.01"), ["6", "2", "4", "33,33 %"])
        self.assertEqual(self.row_numbers(tw1, f"kecamatan-{KEC_BARAT}"), ["2", "0", "2", "0,00 %"])
        self.assertIn('data-testid="wilayah-sasaran">8<', tw1)
        self.assertIn('data-testid="wilayah-terlayani">2<', tw1)
        self.assertIn('data-testid="wilayah-sasaran-resmi">10<', tw1)
        self.assertIn("Selisih daftar − resmi: -2", tw1)
        self.assertIn("Bekasi Timur", tw1)
        self.assertIn(f'href="{DESA}?tw=1"', tw1)  # the kecamatan leads to its desa
        tw4 = self.client.get(KEC).content.decode()  # no ?tw=: the whole year (TW4)
        self.assertEqual(self.row_numbers(tw4, "kecamatan-32.75.01"), ["6", "5", "1", "83,33 %"])
        self.assertEqual(
            self.row_numbers(tw4, f"kecamatan-{KEC_BARAT}"), ["2", "1", "1", "50,00 %"]
        )
        self.assertIn('data-testid="wilayah-terlayani">6<', tw4)

    def test_desa_numbers_by_quarter(self):
        self.login("verifikator_tim")  # a member: exact counts (outsiders: test_wilayah_drilldown)
        tw1 = self.client.get(f"{DESA}?tw=1").content.decode()
        self.assertEqual(self.row_numbers(tw1, "desa-32.75.01.1001"), ["5", "1", "4", "20,00 %"])
        self.assertEqual(self.row_numbers(tw1, "desa-32.75.01.1002"), ["1", "1", "0", "100,00 %"])
        self.assertNotIn("Kranji", tw1)  # another kecamatan's desa
        self.assertIn("Bekasijaya", tw1)
        tw4 = self.client.get(f"{DESA}?tw=4").content.decode()
        self.assertEqual(self.row_numbers(tw4, "desa-32.75.01.1001"), ["5", "4", "1", "80,00 %"])
        self.assertIn('data-testid="wilayah-sasaran">6<', tw4)
        self.assertIn('data-testid="wilayah-terlayani">5<', tw4)
        barat = self.client.get(f"{KEC}{KEC_BARAT}/?tw=3").content.decode()
        self.assertEqual(self.row_numbers(barat, "desa-32.75.02.1002"), ["2", "1", "1", "50,00 %"])

    def test_counts_only_no_personal_data(self):
        self.login("pusat")
        for url in (KEC, DESA):
            page = self.client.get(url).content.decode()
            for r in BASE_ROWS:
                self.assertNotIn(r["nik"], page)
                self.assertNotIn(r["nama"], page)
                self.assertNotIn(r["alamat"], page)

    def test_an_empty_list_shows_a_message(self):
        self.login("pimpinan_a")
        page = self.client.get(f"/pemda/32.75/wilayah/{YEAR}/1.02.K07/")
        self.assertContains(page, "Belum ada daftar penerima untuk JPD dan tahun ini.")

    def test_region_dashboard_links_the_jpd_with_a_registry(self):
        self.login("pimpinan_a")
        page = self.client.get(f"/pemda/32.75/?tahun={YEAR}&tw=2")
        self.assertContains(page, 'data-testid="wilayah-1.02.K06"')
        self.assertContains(page, f'href="{KEC}?tw=2"')
        self.assertContains(page, ">per kecamatan/desa</a>")
        self.assertNotContains(page, 'data-testid="wilayah-1.02.K07"')
        other_year = self.client.get(f"/pemda/32.75/?tahun={YEAR - 1}&tw=2")
        self.assertNotContains(other_year, 'data-testid="wilayah-')
        self.login("admin_b")  # Tangerang Selatan has no list
        self.assertNotContains(
            self.client.get(f"/pemda/36.74/?tahun={YEAR}&tw=2"), 'data-testid="wilayah-'
        )

    def test_query_counts_do_not_grow_with_the_rows(self):
        self.login("pimpinan_a")
        urls = {"kecamatan": f"{KEC}?tw=2", "desa": f"{DESA}?tw=2"}

        def measure() -> dict[str, int]:
            return page_query_counts(self.client, urls)

        few = measure()
        import_rows(type(self), self.pemda_a, more_rows(100, 300), "lebih.csv")
        page = self.client.get(f"{KEC}?tw=4").content.decode()
        self.assertIn('data-testid="wilayah-sasaran">308<', page)  # the data really grew
        self.assertEqual(measure(), few)
        # session, user, pemda, memberships, JPD, then the GROUP BY, the names, the target (on
        # the kecamatan page) or the kecamatan (on the desa page), then the session's save (3)
        self.assertEqual(few, {"kecamatan": 11, "desa": 11})
