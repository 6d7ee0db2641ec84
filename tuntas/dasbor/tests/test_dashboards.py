"""Dashboards: who sees what, and what they show."""

from __future__ import annotations

from typing import ClassVar

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.services import pemda_register
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for, target_set
from tuntas.testing import AccessMatrixMixin, PersonaTestCase

YEAR, TW = 2025, 2


def fill(pemda, code: str, sasaran: int, terlayani: int) -> None:
    jpd = Jpd.objects.get(code=code)
    target_set(
        pemda=pemda, jpd=jpd, year=YEAR, sasaran=sasaran, reason="x", expected_version=0, actor=None
    )
    items = mutu_items_for(jpd=jpd, year=YEAR)
    entry_save(
        pemda=pemda, jpd=jpd, year=YEAR, quarter=TW,
        data=EntryInput(terlayani=terlayani, mutu={i.pk: (10, 10) for i in items}),
        expected_version=0, actor=None,
    )  # fmt: skip


class DashboardTests(PersonaTestCase, AccessMatrixMixin):
    bogor: ClassVar[Pemda]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.bogor = pemda_register(code="32.01")
        fill(cls.pemda_a, "1.02.K07", 4900, 3570)  # nilai 78.28 → Tuntas Pratama
        fill(cls.bogor, "1.02.K07", 100, 95)  # nilai 96 → Tuntas Utama
        fill(cls.pemda_b, "1.02.K07", 100, 50)  # nilai 60 → Tuntas Muda

    def test_region_dashboard_access(self):
        readers = {p: 200 for p in ("operator_kes", "operator_dik", "verifikator_kes", "verifikator_tim",
                                    "admin_a", "pimpinan_a", "provinsi_jabar", "pusat")}  # fmt: skip
        self.check_access("get", f"/pemda/32.75/?tahun={YEAR}&tw={TW}", readers)

    def test_province_dashboard_access(self):
        self.check_access(
            "get", f"/provinsi/32/?tahun={YEAR}&tw={TW}", {"provinsi_jabar": 200, "pusat": 200}
        )
        self.check_access("get", "/provinsi/32.75/", {})  # not a province: 404 for all

    def test_national_dashboard_access(self):
        self.check_access("get", f"/nasional/?tahun={YEAR}&tw={TW}", {"pusat": 200})

    def test_region_dashboard_shows_index_urusan_jpd_and_completeness(self):
        self.login("pimpinan_a")
        page = self.client.get(f"/pemda/32.75/?tahun={YEAR}&tw={TW}")
        self.assertContains(page, 'data-testid="indeks">78,28 %')
        self.assertContains(page, "Tuntas Pratama")
        self.assertContains(page, "Dinas Kesehatan")
        self.assertContains(page, "Pelayanan kesehatan pada usia lanjut")
        self.assertNotContains(page, "Isi capaian")  # read-only role: no entry button
        self.login("operator_kes")
        self.assertContains(self.client.get(f"/pemda/32.75/?tahun={YEAR}&tw={TW}"), "Isi capaian")

    def test_bad_period_is_404(self):
        self.login("pimpinan_a")
        for query in ("?tahun=abc", "?tw=7", "?tahun=1990"):
            self.assertEqual(self.client.get(f"/pemda/32.75/{query}").status_code, 404, query)

    def test_province_ranks_only_its_own_kabkota(self):
        self.login("provinsi_jabar")
        page = self.client.get(f"/provinsi/32/?tahun={YEAR}&tw={TW}").content.decode()
        self.assertLess(page.index("Kabupaten Bogor"), page.index("Kota Bekasi"))  # 96 before 78.28
        self.assertNotIn("Tangerang Selatan", page)

    def test_national_filters(self):
        self.login("pusat")
        page = self.client.get(f"/nasional/?tahun={YEAR}&tw={TW}&tingkat=kabkota").content.decode()
        for name in ("Kabupaten Bogor", "Kota Bekasi", "Kota Tangerang Selatan"):
            self.assertIn(name, page)
        self.assertNotIn("Provinsi Jawa Barat</a>", page)
        page = self.client.get(f"/nasional/?tahun={YEAR}&tw={TW}&kategori=muda").content.decode()
        self.assertIn("Kota Tangerang Selatan", page)
        self.assertNotIn("Kota Bekasi</a>", page)
        page = self.client.get(f"/nasional/?tahun={YEAR}&tw={TW}&urusan=1.01").content.decode()
        self.assertNotIn("Kota Bekasi</a>", page)  # nobody has education data
