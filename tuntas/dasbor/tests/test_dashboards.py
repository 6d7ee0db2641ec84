"""Dashboards: who sees what, and what they show."""

from __future__ import annotations

import json
import re
from typing import ClassVar

from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.db.models import F
from django.test import TestCase
from django.urls import reverse

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


class WalkFindingsTests(PersonaTestCase):
    """What the browser walk found on the dashboards (issue 11, point 7)."""

    bogor: ClassVar[Pemda]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.bogor = pemda_register(code="32.01")
        fill(cls.pemda_a, "1.02.K07", 4900, 3570)  # region index 78.28
        fill(cls.bogor, "1.02.K07", 100, 95)  # region index 96
        # education: Bekasi high, Bogor low — the opposite order
        fill(cls.pemda_a, "1.01.K01", 100, 100)
        fill(cls.bogor, "1.01.K01", 100, 20)

    def rank_rows(self, page: str) -> list[str]:
        return re.findall(r'data-testid="peringkat-([\d.]+)"', page)

    def test_the_urusan_filter_ranks_and_colours_by_that_urusan(self):
        self.login("pusat")
        # the region index: Bekasi (78.28 and 100) above Bogor (96 and 20)
        overall = self.client.get(
            f"/nasional/?tahun={YEAR}&tw={TW}&tingkat=kabkota"
        ).content.decode()
        self.assertEqual(self.rank_rows(overall)[:2], ["32.75", "32.01"])
        # health alone: Bogor (96) above Bekasi (78.28), coloured by its health category
        page = self.client.get(
            f"/nasional/?tahun={YEAR}&tw={TW}&tingkat=kabkota&urusan=1.02"
        ).content.decode()
        self.assertEqual(self.rank_rows(page), ["32.01", "32.75"])
        bogor = page[: page.index('data-testid="peringkat-32.01"')]
        self.assertTrue(bogor.endswith('<tr class="row-utama" '))
        self.assertIn("Diurutkan dan diwarnai menurut nilai urusan 1.02", page)
        doc = self.client.get(f"/api/nasional/dasbor?tahun={YEAR}&tw={TW}&urusan=1.02").json()
        self.assertEqual(
            [(r["kode"], r["peringkat"]) for r in doc["pemda"]][:2], [("32.01", 1), ("32.75", 2)]
        )

    def test_the_ranked_value_is_named_after_the_chosen_urusan_on_the_page_and_in_files(self):
        self.login("pusat")
        page = self.client.get(f"/nasional/?tahun={YEAR}&tw={TW}&urusan=1.02").content.decode()
        heads = re.findall(r'<th class="num">([^<#]+)</th>', page)
        self.assertIn("Nilai urusan 1.02", heads)
        self.assertNotIn("Indeks", heads)
        self.assertIn("nilai urusan 1.02 (Kesehatan), bukan indeks daerah", page)
        overall = self.client.get(f"/nasional/?tahun={YEAR}&tw={TW}").content.decode()
        self.assertIn("Indeks", re.findall(r'<th class="num">([^<#]+)</th>', overall))
        csv = self.client.get(f"/nasional/unduh/peringkat.csv?tahun={YEAR}&tw={TW}&urusan=1.02")
        header = next(ln for ln in csv.content.decode("utf-8-sig").splitlines() if "Kode" in ln)
        self.assertIn(";Nilai urusan 1.02 (%);", header)
        csv = self.client.get(f"/nasional/unduh/peringkat.csv?tahun={YEAR}&tw={TW}")
        header = next(ln for ln in csv.content.decode("utf-8-sig").splitlines() if "Kode" in ln)
        self.assertIn(";Indeks (%);", header)

    def test_provinces_and_kabkota_are_ranked_apart_and_incomplete_data_is_marked(self):
        jpd = Jpd.objects.get(code="1.02.K01")  # a target without its quarterly entry
        target_set(pemda=self.bogor, jpd=jpd, year=YEAR, sasaran=10, reason="x",
                   expected_version=0, actor=None)  # fmt: skip
        self.login("pusat")
        page = self.client.get(f"/nasional/?tahun={YEAR}&tw={TW}").content.decode()
        provinsi, kabkota = page.index("<h2>Provinsi</h2>"), page.index("<h2>Kabupaten/Kota</h2>")
        self.assertLess(provinsi, kabkota)
        self.assertEqual(self.rank_rows(page[provinsi:kabkota]), ["32"])
        ranks = re.findall(r'data-testid="peringkat-[\d.]+">\s*<td class="num">(\S+?)[ <]',
                           page[kabkota:])  # fmt: skip
        self.assertEqual(ranks[:2], ["1", "2"])  # kab/kota numbered from 1 on their own
        bogor = page[page.index('data-testid="peringkat-32.01"') :]
        self.assertIn('data-testid="belum-lengkap"', bogor[: bogor.index("</tr>")])
        self.assertIn('data-testid="belum-lengkap"', bogor[: bogor.index("</tr>")])
        # complete (every JPD of the level entered): no marker
        from tuntas.pendataan.models import QuarterResult

        QuarterResult.objects.filter(pemda=self.pemda_a).update(jpd_complete=F("jpd_total"))
        page = self.client.get(f"/nasional/?tahun={YEAR}&tw={TW}").content.decode()
        bekasi = page[page.index('data-testid="peringkat-32.75"') :]
        self.assertNotIn('data-testid="belum-lengkap"', bekasi[: bekasi.index("</tr>")])

    def test_the_trend_is_drawn_per_year(self):
        self.login("pimpinan_a")
        page = self.client.get(f"/pemda/32.75/?tahun={YEAR}&tw={TW}")
        years = json.loads(
            re.search(
                r'id="tren-tahun" type="application/json">(.*?)</script>', page.content.decode()
            ).group(1)
        )
        self.assertEqual(list(years), [str(YEAR)])
        self.assertEqual(years[str(YEAR)][0], None)
        self.assertIsNotNone(years[str(YEAR)][TW - 1])
        self.assertContains(page, "Satu garis per tahun")


class SystemAdministratorLandingTests(TestCase):
    """The system administrator's landing page lists what the admin really offers them: every
    section and link from the admin's own list for that user, nothing it does not have."""

    def links(self, page: str) -> list[str]:
        return re.findall(r'href="([^"]+)"', page)

    def test_a_superuser_gets_a_link_to_every_admin_section_and_each_link_works(self):
        self.client.force_login(User.objects.create_superuser("sysadmin", "s@contoh.go.id", "x"))
        page = self.client.get("/").content.decode()
        links = self.links(page)
        for model in admin.site._registry:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            self.assertIn(url, links, model)
        # no promise of what the admin lacks (pemda, OPD and roles are set by commands)
        self.assertNotIn("pemda dan perangkat daerah", page)
        self.assertIn("tuntas pemda-baru KODE", page)
        self.assertIn("tuntas pengguna-baru PENGGUNA --peran admin_pemda --pemda KODE", page)
        for url in links:
            if url.startswith("/") and not url.startswith(("/static/", "/akun/", "/i18n/")):
                with self.subTest(url):
                    self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_a_staff_account_sees_only_the_sections_it_may_use(self):
        staff = User.objects.create_user("auditor", password="x", is_staff=True)
        staff.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
        self.client.force_login(staff)
        page = self.client.get("/").content.decode()
        section = page[page.index('data-testid="bagian-admin"') : page.index("</table>")]
        self.assertEqual(self.links(section), [reverse("admin:core_auditevent_changelist")])
        self.assertNotIn(reverse("admin:auth_user_changelist"), page)
