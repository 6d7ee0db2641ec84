"""Achievement from the registry (issue 4, item 5): counts per quarter by service date, the gap
against the official target, and the "Dari daftar penerima" box of the quarterly entry page.

Registry rows are made with the real import (``recipients_import`` on a CSV built here)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.models import AnnualTarget, QuarterEntry
from tuntas.pendataan.services import target_set
from tuntas.penerima.selectors import (
    AreaCount,
    quarter_end,
    registry_by_area,
    registry_counts,
    registry_jpd_codes,
)
from tuntas.penerima.services import recipients_import
from tuntas.penerima.tests.helpers import YEAR, PenerimaTestCase, csv_text, row
from tuntas.wilayah.models import Region

KEC_BARAT = "32.75.02"


def add_regions() -> None:
    """A second desa in Bekasi Timur and a second kecamatan with one desa (Kota Bekasi)."""
    Region.objects.create(code="32.75.01.1002", name="Margahayu", level="desa",
                          kind="kelurahan", parent_id="32.75.01")  # fmt: skip
    Region.objects.create(code=KEC_BARAT, name="Bekasi Barat", level="kecamatan",
                          kind="kecamatan", parent_id="32.75")  # fmt: skip
    Region.objects.create(code="32.75.02.1002", name="Kranji", level="desa",
                          kind="kelurahan", parent_id=KEC_BARAT)  # fmt: skip


def served(n: int, when: str | None, **over: Any) -> dict[str, Any]:
    """A served row with service date ``when`` (ISO; ``None``: no date)."""
    return row(n, terlayani_sesuai_standar="Y", tanggal_pelayanan=when or "", **over)


def not_served(n: int, **over: Any) -> dict[str, Any]:
    return row(n, terlayani_sesuai_standar="T", tanggal_pelayanan="", **over)


# Eight people on the 1.02.K06 list of Kota Bekasi, 2025:
#   Bekasijaya (32.75.01.1001): served 31 Mar (TW1), 1 Apr (TW2), 31 Dec (TW4), served without a
#     date (TW4 only), not served;
#   Margahayu (32.75.01.1002): served 10 Feb (TW1);
#   Kranji (32.75.02.1002): served 30 Sep (TW3), not served.
# Served up to the quarter's end: TW1 2, TW2 3, TW3 4, TW4 6.
BASE_ROWS = [
    served(1, f"{YEAR}-03-31"),
    served(2, f"{YEAR}-04-01"),
    served(3, f"{YEAR}-12-31"),
    served(4, None),
    not_served(5),
    served(6, f"{YEAR}-02-10", kode_desa="32.75.01.1002"),
    served(7, f"{YEAR}-09-30", kode_desa="3275021002"),
    not_served(8, kode_desa="32.75.02.1002"),
]


def import_rows(case: type[PenerimaTestCase], pemda: Pemda, rows: list[dict[str, Any]],
                name: str, *, jpd: Jpd | None = None) -> None:  # fmt: skip
    path = case.tmp / name
    path.write_text(csv_text(rows), encoding="utf-8")
    summary = recipients_import(pemda=pemda, jpd=jpd or case.k06, year=YEAR, path=path)
    assert summary.written and summary.ditolak == 0, summary.problems


def more_rows(start: int, count: int, **over: Any) -> list[dict[str, Any]]:
    """``count`` more people spread over the three desa, some served in each quarter."""
    desa = ["32.75.01.1001", "32.75.01.1002", "32.75.02.1002"]
    months = ["01", "05", "08", "11"]
    out = []
    for i in range(count):
        n = start + i
        if i % 5 == 4:
            out.append(not_served(n, kode_desa=desa[i % 3], **over))
        else:
            out.append(served(n, f"{YEAR}-{months[i % 4]}-15", kode_desa=desa[i % 3], **over))
    return out


class RegistryCountsTests(PenerimaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        add_regions()
        import_rows(cls, cls.pemda_a, BASE_ROWS, "bekasi.csv")

    def counts(self, quarter: int, target: int | None = None):
        return registry_counts(
            pemda=self.pemda_a, jpd=self.k06, year=YEAR, quarter=quarter, target=target
        )

    def test_quarter_end_dates(self):
        self.assertEqual(quarter_end(YEAR, 1), date(YEAR, 3, 31))
        self.assertEqual(quarter_end(YEAR, 2), date(YEAR, 6, 30))
        self.assertEqual(quarter_end(YEAR, 3), date(YEAR, 9, 30))
        self.assertEqual(quarter_end(YEAR, 4), date(YEAR, 12, 31))

    def test_served_counted_up_to_the_quarter_end_by_service_date(self):
        by_quarter = {q: self.counts(q) for q in (1, 2, 3, 4)}
        self.assertEqual({q: c.terlayani for q, c in by_quarter.items()}, {1: 2, 2: 3, 3: 4, 4: 6})
        # the list itself (the eligible people) does not depend on the quarter
        self.assertEqual({c.sasaran for c in by_quarter.values()}, {8})

    def test_served_without_a_service_date_counts_for_tw4_only(self):
        tw1, tw4 = self.counts(1), self.counts(4)
        self.assertEqual(
            (tw1.terlayani_tanpa_tanggal, tw1.terlayani_tanpa_tanggal_dikecualikan), (1, 1)
        )
        self.assertEqual(
            (tw4.terlayani_tanpa_tanggal, tw4.terlayani_tanpa_tanggal_dikecualikan), (1, 0)
        )
        # the undated row is the one that makes TW4 (6) exceed the dated served rows (5)
        dated = sum(
            1 for r in BASE_ROWS if r["terlayani_sesuai_standar"] == "Y" and r["tanggal_pelayanan"]
        )
        self.assertEqual(dated, 5)
        self.assertEqual(tw4.terlayani, dated + 1)

    def test_gap_against_the_official_target(self):
        self.assertIsNone(self.counts(2).gap)  # no official target: no gap
        self.assertEqual(self.counts(2, target=10).gap, -2)  # list short of the target
        self.assertEqual(self.counts(2, target=5).gap, 3)  # list longer than the target
        self.assertEqual(self.counts(2, target=8).gap, 0)

    def test_no_rows_means_no_counts(self):
        self.assertIsNone(registry_counts(pemda=self.pemda_b, jpd=self.k06, year=YEAR, quarter=4))
        self.assertIsNone(
            registry_counts(pemda=self.pemda_a, jpd=self.k06, year=YEAR - 1, quarter=4)
        )
        other = Jpd.objects.get(code="1.02.K07")
        self.assertIsNone(registry_counts(pemda=self.pemda_a, jpd=other, year=YEAR, quarter=4))

    def test_counts_per_kecamatan_and_desa(self):
        def area(**kw: Any) -> list[AreaCount]:
            return registry_by_area(pemda=self.pemda_a, jpd=self.k06, year=YEAR, **kw)

        self.assertEqual(
            area(quarter=1),
            [
                AreaCount("32.75.01", "Bekasi Timur", 6, 2),
                AreaCount(KEC_BARAT, "Bekasi Barat", 2, 0),
            ],
        )
        self.assertEqual(
            area(quarter=4),
            [
                AreaCount("32.75.01", "Bekasi Timur", 6, 5),
                AreaCount(KEC_BARAT, "Bekasi Barat", 2, 1),
            ],
        )
        self.assertEqual(
            area(quarter=1, kecamatan="32.75.01"),
            [AreaCount("32.75.01.1001", "Bekasijaya", 5, 1),
             AreaCount("32.75.01.1002", "Margahayu", 1, 1)],
        )  # fmt: skip
        self.assertEqual(
            area(quarter=4, kecamatan="32.75.01"),
            [AreaCount("32.75.01.1001", "Bekasijaya", 5, 4),
             AreaCount("32.75.01.1002", "Margahayu", 1, 1)],
        )  # fmt: skip
        self.assertEqual(
            area(quarter=3, kecamatan=KEC_BARAT), [AreaCount("32.75.02.1002", "Kranji", 2, 1)]
        )
        self.assertEqual(area(quarter=4, kecamatan="32.75.09"), [])  # no rows there
        # "32.75.01" must not match a kecamatan "32.75.011..." by prefix: the dot is part of it
        self.assertEqual(sum(a.sasaran for a in area(quarter=4, kecamatan="32.75.0")), 0)

    def test_the_recap_command_agrees_with_the_tw4_counts(self):
        from tuntas.penerima.selectors import recipients_recap

        recap = recipients_recap(pemda=self.pemda_a, jpd=self.k06, year=YEAR)
        tw4 = self.counts(4)
        self.assertEqual((recap["sasaran"], recap["terlayani"]), (tw4.sasaran, tw4.terlayani))

    def test_jpd_with_a_registry(self):
        self.assertEqual(registry_jpd_codes(pemda=self.pemda_a, year=YEAR), {"1.02.K06"})
        self.assertEqual(registry_jpd_codes(pemda=self.pemda_a, year=YEAR - 1), set())
        self.assertEqual(registry_jpd_codes(pemda=self.pemda_b, year=YEAR), set())

    def test_a_fixed_number_of_queries_whatever_the_number_of_rows(self):
        def measure() -> dict[str, int]:
            calls = {
                "counts": lambda: self.counts(2, target=10),
                "kecamatan": lambda: registry_by_area(
                    pemda=self.pemda_a, jpd=self.k06, year=YEAR, quarter=2
                ),
                "desa": lambda: registry_by_area(
                    pemda=self.pemda_a, jpd=self.k06, year=YEAR, quarter=2, kecamatan="32.75.01"
                ),
                "jpd": lambda: registry_jpd_codes(pemda=self.pemda_a, year=YEAR),
            }
            out = {}
            for name, call in calls.items():
                with CaptureQueriesContext(connection) as queries:
                    call()
                out[name] = len(queries.captured_queries)
            return out

        few = measure()
        self.assertEqual(few, {"counts": 1, "kecamatan": 2, "desa": 2, "jpd": 1})
        import_rows(type(self), self.pemda_a, more_rows(100, 300), "lebih.csv")
        k07 = Jpd.objects.get(code="1.02.K07")  # a second JPD with a list: the elderly
        elderly = more_rows(500, 20, born=date(1950, 5, 15))
        import_rows(type(self), self.pemda_a, elderly, "k07.csv", jpd=k07)
        self.assertEqual(self.counts(4).sasaran, 308)  # the data really grew
        self.assertEqual(
            registry_jpd_codes(pemda=self.pemda_a, year=YEAR), {"1.02.K06", "1.02.K07"}
        )
        self.assertEqual(measure(), few)
        with self.assertNumQueries(1):
            self.counts(1)
        with self.assertNumQueries(2):
            registry_by_area(pemda=self.pemda_a, jpd=self.k06, year=YEAR, quarter=1)


class EntryPageBoxTests(PenerimaTestCase):
    """The "Dari daftar penerima" box on /pemda/<kode>/isian/<tahun>/<tw>/<jpd>/."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        add_regions()
        import_rows(cls, cls.pemda_a, BASE_ROWS, "bekasi.csv")

    def url(self, tw: int, jpd: str = "1.02.K06", year: int = YEAR) -> str:
        return f"/pemda/32.75/isian/{year}/{tw}/{jpd}/"

    def set_target(self, sasaran: int) -> None:
        target_set(pemda=self.pemda_a, jpd=self.k06, year=YEAR, sasaran=sasaran, reason="",
                   expected_version=0, actor=None)  # fmt: skip

    def test_box_offers_the_quarter_counts_next_to_the_official_target(self):
        self.set_target(10)
        self.login("operator_kes")
        tw1 = self.client.get(self.url(1))
        self.assertContains(tw1, "Dari daftar penerima")
        self.assertContains(tw1, 'data-testid="penerima-sasaran">8<')
        self.assertContains(tw1, 'data-testid="penerima-terlayani">2<')
        self.assertContains(tw1, 'data-testid="penerima-sasaran-resmi">10<')
        self.assertContains(tw1, 'data-testid="penerima-selisih">-2<')
        self.assertContains(tw1, 'data-testid="penerima-tanpa-tanggal">1 orang')
        # the button fills terlayani only: the target is already set
        self.assertContains(tw1, 'data-penerima-terlayani="2"')
        self.assertNotContains(tw1, "data-penerima-sasaran=")
        self.assertContains(tw1, "tuntas/penerima.js")
        self.assertContains(tw1, "/pemda/32.75/wilayah/2025/1.02.K06/?tw=1")
        tw4 = self.client.get(self.url(4))
        self.assertContains(tw4, 'data-testid="penerima-terlayani">6<')
        self.assertContains(tw4, 'data-penerima-terlayani="6"')
        self.assertNotContains(tw4, 'data-testid="penerima-tanpa-tanggal"')

    def test_a_list_longer_than_the_target_shows_a_positive_gap(self):
        self.set_target(5)
        self.login("operator_kes")
        self.assertContains(self.client.get(self.url(2)), 'data-testid="penerima-selisih">+3<')

    def test_without_official_target_the_button_also_offers_the_sasaran(self):
        self.login("operator_kes")
        page = self.client.get(self.url(3))
        self.assertContains(page, 'data-penerima-terlayani="4"')
        self.assertContains(page, 'data-penerima-sasaran="8"')
        self.assertNotContains(page, 'data-testid="penerima-selisih"')
        self.assertContains(page, 'id="id_sasaran"')  # the field the button fills

    def test_the_numbers_are_offered_never_written(self):
        self.login("operator_kes")
        self.client.get(self.url(2))
        self.assertFalse(QuarterEntry.objects.filter(pemda=self.pemda_a, jpd=self.k06).exists())
        self.assertFalse(AnnualTarget.objects.filter(pemda=self.pemda_a, jpd=self.k06).exists())
        form = self.client.get(self.url(2)).context["form"]
        self.assertIsNone(form["terlayani"].value())  # the field stays empty until the user acts

    def test_read_only_roles_see_the_counts_without_the_button(self):
        for persona in ("pimpinan_a", "provinsi_jabar", "pusat"):
            with self.subTest(persona=persona):
                self.login(persona)
                page = self.client.get(self.url(2))
                self.assertContains(page, 'data-testid="penerima-terlayani">3<')
                self.assertNotContains(page, "Gunakan angka ini")
                self.assertNotContains(page, "tuntas/penerima.js")

    def test_no_box_without_registry_rows_for_that_jpd_and_year(self):
        self.login("operator_kes")
        for url in (self.url(2, jpd="1.02.K07"), self.url(2, year=YEAR - 1)):
            with self.subTest(url=url):
                page = self.client.get(url)
                self.assertEqual(page.status_code, 200)
                self.assertNotContains(page, "Dari daftar penerima")
                self.assertNotContains(page, "tuntas/penerima.js")

    def test_no_personal_data_on_the_page(self):
        self.login("operator_kes")
        page = self.client.get(self.url(4)).content.decode()
        for r in BASE_ROWS:
            self.assertNotIn(r["nik"], page)
            self.assertNotIn(r["nama"], page)
