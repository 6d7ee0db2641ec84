"""Activity costing and the totals: volumes as users type them, activities added, changed and
deleted through the page by whom may, exact totals per JPD, urusan and region, the split per
funding source, the XLSX opened back, and a query count that does not grow with the rows."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuntas.core.models import AuditEvent
from tuntas.core.tabular import read_table_bytes
from tuntas.katalog.models import Jpd
from tuntas.pendataan.services import target_set
from tuntas.perencanaan.costing import (
    ActivityInput,
    activity_cost_save,
    cost_totals,
    parse_volume,
    volume_from_note,
)
from tuntas.perencanaan.models import ActivityCost, NeedItem, PriceItem, PriceList
from tuntas.perencanaan.prices import price_file_read, price_list_import
from tuntas.testing import PersonaTestCase

YEAR = 2025
BASE = f"/pemda/32.75/perencanaan/{YEAR}"


class VolumeTests(PersonaTestCase):
    def test_parse_volume(self):
        for text, value in (("24", "24"), ("2,5", "2.5"), ("2.5", "2.5"), ("1.000", "1000"),
                            ("1.000,25", "1000.25"), (" 12 ", "12")):  # fmt: skip
            self.assertEqual(parse_volume(text), Decimal(value), text)
        for text, why in (("-1", "negatif"), ("abc", "bukan angka"), ("1,234", "desimal"),
                          ("1" * 13, "terlalu besar"), ("", "kosong")):  # fmt: skip
            with self.subTest(text=text), self.assertRaisesMessage(ValueError, why):
                parse_volume(text)

    def test_volume_from_note(self):
        self.assertEqual(volume_from_note("2 org × 3 hari × 4 kali"), Decimal("24"))
        self.assertEqual(volume_from_note("2 org x 1,5 hari"), Decimal("3"))
        self.assertIsNone(volume_from_note("sesuai kebutuhan"))
        self.assertIsNone(volume_from_note("1,333 × 1,001"))  # more than 2 decimals


def activity(**kw: object) -> ActivityInput:
    data: dict[str, object] = dict(
        step="Kunjungan rumah", variable="Petugas", component="Transport", volume=Decimal("24"),
        volume_note="2 org × 3 hari × 4 kali", unit="orang/kali", price_code="",
        unit_price=Decimal("150000"), funding_source="apbd",
    )  # fmt: skip
    data.update(kw)
    return ActivityInput(**data)  # type: ignore[arg-type]


class ActivityTests(PersonaTestCase):
    def setUp(self) -> None:
        self.jpd = Jpd.objects.get(code="1.02.K01")
        price_list_import(
            pemda=self.pemda_a, year=YEAR,
            rows=price_file_read(b"kode;uraian;satuan;harga\nK1;Transport lokal;orang/kali;100.000\n"),
        )  # fmt: skip

    def test_rules_of_the_unit_price(self):
        from tuntas.core.errors import DomainError

        cases = {
            "tidak keduanya": activity(price_code="K1"),
            "Isi kode SSH atau harga satuan.": activity(unit_price=None),
            "Kode SSH X9 tidak ada di SSH 2025.": activity(price_code="X9", unit_price=None),
            "rupiah utuh": activity(unit_price=Decimal("-1")),
            "Komponen wajib diisi": activity(component=" "),
        }
        for message, data in cases.items():
            with self.subTest(message), self.assertRaisesMessage(DomainError, message):
                activity_cost_save(pemda=self.pemda_a, jpd=self.jpd, year=YEAR, data=data)
        self.assertFalse(ActivityCost.objects.exists())

    def test_the_page_adds_changes_and_deletes_an_activity(self):
        self.login("operator_kes")
        response = self.client.post(
            f"{BASE}/1.02.K01/kegiatan/",
            {"langkah": "Kunjungan rumah ibu hamil", "variabel": "Bidan", "komponen": "Transport",
             "rincian": "2 org × 3 hari × 4 kali", "volume": "", "satuan": "orang/kali",
             "kode_ssh": "", "harga_satuan": "Rp 150.000", "sumber": "dak_nonfisik"},
        )  # fmt: skip
        self.assertRedirects(response, f"{BASE}/1.02.K01/kegiatan/")
        a = ActivityCost.objects.get()
        self.assertEqual((a.volume, a.unit_price, a.funding_source), (Decimal("24"), Decimal("150000"), "dak_nonfisik"))  # fmt: skip
        page = self.client.get(f"{BASE}/1.02.K01/kegiatan/")
        self.assertContains(page, "Rp 3.600.000")  # 24 × Rp 150.000
        edit = self.client.get(f"{BASE}/1.02.K01/kegiatan/?ubah={a.pk}")
        self.assertContains(edit, "Ubah kegiatan")
        self.client.post(
            f"{BASE}/1.02.K01/kegiatan/",
            {"kegiatan": a.pk, "langkah": "Kunjungan rumah ibu hamil", "komponen": "Transport",
             "rincian": "", "volume": "30", "satuan": "orang/kali", "kode_ssh": "K1",
             "harga_satuan": "", "sumber": "apbd"},
        )  # fmt: skip
        a.refresh_from_db()
        self.assertEqual((a.volume, a.price.code if a.price else None, a.unit_price), (Decimal("30"), "K1", None))  # fmt: skip
        self.assertContains(self.client.get(f"{BASE}/1.02.K01/kegiatan/"), "Rp 3.000.000")
        changed = AuditEvent.objects.get(action="biaya_kegiatan.ubah")
        self.assertIn({"kolom": "kode_ssh", "lama": "", "baru": "K1"}, changed.data["perubahan"])
        self.client.post(f"{BASE}/1.02.K01/kegiatan/hapus/", {"kegiatan": a.pk})
        self.assertFalse(ActivityCost.objects.exists())
        self.assertEqual(
            sorted(AuditEvent.objects.filter(action__startswith="biaya_kegiatan").values_list("action", flat=True)),
            ["biaya_kegiatan.hapus", "biaya_kegiatan.tambah", "biaya_kegiatan.ubah"],
        )  # fmt: skip

    def test_form_errors_are_shown_and_nothing_stored(self):
        self.login("verifikator_tim")
        response = self.client.post(
            f"{BASE}/1.02.K01/kegiatan/",
            {"langkah": "Penyuluhan", "komponen": "Konsumsi", "rincian": "sesuai kebutuhan",
             "satuan": "paket", "kode_ssh": "K1", "harga_satuan": "1.000", "sumber": "apbd"},
        )  # fmt: skip
        self.assertContains(response, "rincian volume berisi angka", status_code=400)
        self.assertContains(response, "tidak keduanya", status_code=400)
        self.assertFalse(ActivityCost.objects.exists())

    def test_who_may_cost_activities(self):
        saved = activity_cost_save(pemda=self.pemda_a, jpd=self.jpd, year=YEAR, data=activity())
        for persona, status in (("operator_dik", 403), ("pimpinan_a", 403), ("pusat", 403),
                                ("provinsi_jabar", 403), ("outsider", 404), ("admin_b", 404)):  # fmt: skip
            self.login(persona)
            with self.subTest(persona=persona):
                add = self.client.post(f"{BASE}/1.02.K01/kegiatan/", {"langkah": "X"})
                self.assertEqual(add.status_code, status)
                gone = self.client.post(f"{BASE}/1.02.K01/kegiatan/hapus/", {"kegiatan": saved.pk})
                self.assertEqual(gone.status_code, status)
        self.assertEqual(ActivityCost.objects.count(), 1)
        # another pemda's activity is not found from pemda A's address
        self.login("admin_a")
        other = ActivityCost.objects.create(
            pemda=self.pemda_b, jpd=self.jpd, year=YEAR, step="S", component="C",
            volume=Decimal(1), unit="u", unit_price=Decimal(1),
        )  # fmt: skip
        self.assertEqual(
            self.client.post(
                f"{BASE}/1.02.K01/kegiatan/hapus/", {"kegiatan": other.pk}
            ).status_code,
            404,
        )
        self.assertEqual(self.client.get(f"{BASE}/1.02.K01/kegiatan/?ubah={other.pk}").status_code, 404)  # fmt: skip


class TotalsTests(PersonaTestCase):
    """K01 (health): 1000 pregnant women, iron tablets B02 at Rp 350 from DAK (90 000 needed,
    60 000 available: 30 000 × 350 = Rp 10.500.000), Td B01 at Rp 15.500 from APBD (100 ×
    15.500 = Rp 1.550.000), home visits 24 × Rp 150.000 from BOK (Rp 3.600.000). K06 (health):
    KIE per puskesmas, 3 puskesmas × 2 × Rp 750.000 from BLUD (Rp 4.500.000). 1.06.K01
    (social): meals, a stated need of 200 × Rp 45.000 from other sources (Rp 9.000.000) and an
    activity at a typed price of Rp 1.250.001 × 0,5 = Rp 625.001 (half up) from APBD."""

    def setUp(self) -> None:
        from tuntas.perencanaan.models import ServiceUnit

        self.k01 = Jpd.objects.get(code="1.02.K01")
        self.k06 = Jpd.objects.get(code="1.02.K06")
        self.sos = Jpd.objects.get(code="1.06.K01")
        for jpd, sasaran in ((self.k01, 1000), (self.k06, 5000), (self.sos, 40)):
            target_set(pemda=self.pemda_a, jpd=jpd, year=YEAR, sasaran=sasaran, reason="",
                       expected_version=0, actor=None)  # fmt: skip
        for n in range(3):
            ServiceUnit.objects.create(pemda=self.pemda_a, kind="puskesmas", name=f"PKM {n}",
                                       kecamatan="32.75.01")  # fmt: skip
        price_list_import(
            pemda=self.pemda_a, year=YEAR,
            rows=price_file_read(
                b"kode;uraian;satuan;harga\nT1;Tablet;tablet;350\nV1;Vaksin Td;ampul;15.500\n"
                b"M1;Media KIE;paket;750.000\nP1;Permakanan;orang/hari;45.000\n"
            ),
        )  # fmt: skip
        price = {p.code: p for p in PriceItem.objects.all()}
        NeedItem.objects.create(pemda=self.pemda_a, jpd=self.k01, year=YEAR, mutu_code="B02",
                                available=60000, price=price["T1"], funding_source="dak_nonfisik")  # fmt: skip
        NeedItem.objects.create(pemda=self.pemda_a, jpd=self.k01, year=YEAR, mutu_code="B01",
                                price=price["V1"])  # fmt: skip
        NeedItem.objects.create(pemda=self.pemda_a, jpd=self.k06, year=YEAR, mutu_code="B01",
                                price=price["M1"], funding_source="blud")  # fmt: skip
        NeedItem.objects.create(pemda=self.pemda_a, jpd=self.sos, year=YEAR, mutu_code="B01",
                                stated_required=200, price=price["P1"], funding_source="lainnya")  # fmt: skip
        activity_cost_save(pemda=self.pemda_a, jpd=self.k01, year=YEAR,
                           data=activity(funding_source="dak_nonfisik"))  # fmt: skip
        activity_cost_save(pemda=self.pemda_a, jpd=self.sos, year=YEAR,
                           data=activity(volume=Decimal("0.5"), unit_price=Decimal("1250001")))  # fmt: skip

    def test_exact_totals_per_jpd_urusan_and_region_and_per_source(self):
        totals = cost_totals(self.pemda_a, YEAR)
        by_jpd = {line.code: line for line in totals.jpd}
        k01 = by_jpd["1.02.K01"]
        self.assertEqual((k01.items, k01.activities, k01.total), (Decimal("12050000"), Decimal("3600000"), Decimal("15650000")))  # fmt: skip
        self.assertEqual(k01.sources, {"dak_nonfisik": Decimal("14100000"), "apbd": Decimal("1550000")})  # fmt: skip
        self.assertEqual(by_jpd["1.02.K06"].total, Decimal("4500000"))
        self.assertEqual(by_jpd["1.06.K01"].total, Decimal("9625001"))
        self.assertEqual(by_jpd["1.01.K01"].total, Decimal("0"))
        urusan = {line.code: line for line in totals.urusan}
        self.assertEqual(urusan["1.02"].total, Decimal("20150000"))
        self.assertEqual(urusan["1.02"].name, "Kesehatan")
        self.assertEqual(urusan["1.06"].by_source, [Decimal("625001"), Decimal(0), Decimal(0), Decimal("9000000")])  # fmt: skip
        region = totals.region
        self.assertEqual(region.total, Decimal("29775001"))
        self.assertEqual(
            region.by_source,
            [Decimal("2175001"), Decimal("14100000"), Decimal("4500000"), Decimal("9000000")],
        )
        self.assertEqual(sum(region.by_source), region.total)  # nothing counted twice or lost
        # K01 B03-B06 and B09 have a gap but no price
        self.assertEqual(k01.unpriced, 5)

    def test_the_page_shows_rupiah_and_the_sources(self):
        self.login("pimpinan_a")
        page = self.client.get(f"{BASE}/biaya/")
        self.assertContains(page, 'data-testid="total-daerah">Rp 29.775.001<')
        self.assertContains(page, '<strong data-sumber="dak_nonfisik">Rp 14.100.000</strong>')
        self.assertContains(page, "DAK non-fisik / BOK")
        self.assertContains(page, f'href="{BASE}/1.02.K01/kegiatan/"')

    def test_the_xlsx_opened_back(self):
        self.login("provinsi_jabar")
        response = self.client.get(f"{BASE}/biaya/unduh.xlsx")
        self.assertEqual(response.status_code, 200)
        rows = read_table_bytes(response.content)
        self.assertEqual(
            rows[0].cells[0], "Tuntas — Biaya pemenuhan SPM per JPD, urusan dan daerah"
        )
        self.assertEqual(rows[2].cells[0], "Periode: 2025")
        header = next(r for r in rows if r.cells and r.cells[0] == "Kode JPD")
        self.assertEqual(
            list(header.cells[2:]),
            ["Biaya kekurangan barang (Rp)", "Biaya kegiatan (Rp)", "Jumlah (Rp)", "APBD (Rp)",
             "DAK non-fisik / BOK (Rp)", "BLUD (Rp)", "Lainnya (Rp)"],
        )  # fmt: skip
        k01 = next(r for r in rows if r.cells[0] == "1.02.K01")
        self.assertEqual([int(c) for c in k01.cells[2:]], [12050000, 3600000, 15650000, 1550000, 14100000, 0, 0])  # fmt: skip
        total = rows[-1]
        self.assertEqual(total.cells[1], "Jumlah Kota Bekasi")
        self.assertEqual(int(total.cells[4]), 29775001)

    def test_queries_do_not_grow_with_the_rows(self):
        self.login("verifikator_tim")
        url = f"{BASE}/biaya/"
        self.client.get(url)
        with CaptureQueriesContext(connection) as before:
            self.assertEqual(self.client.get(url).status_code, 200)
        price = PriceItem.objects.get(code="T1")
        for n in range(30):
            activity_cost_save(pemda=self.pemda_a, jpd=self.k06, year=YEAR,
                               data=activity(step=f"Langkah {n}", price_code="T1", unit_price=None))  # fmt: skip
            NeedItem.objects.create(pemda=self.pemda_a, jpd=self.k06, year=YEAR,
                                    local_name=f"Item lokal {n}", local_unit="buah",
                                    local_basis="tetap", local_quantity=Decimal(n + 1),
                                    price=price)  # fmt: skip
        with CaptureQueriesContext(connection) as after:
            self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(len(after.captured_queries), len(before.captured_queries))
        for url in (f"{BASE}/1.02.K06/kegiatan/", f"{BASE}/1.02.K06/harga-item/", f"{BASE}/harga/"):
            with CaptureQueriesContext(connection) as page:
                self.assertEqual(self.client.get(url).status_code, 200)
            self.assertLess(len(page.captured_queries), 25, url)

    def test_scope(self):
        for persona in ("operator_kes", "operator_dik", "pimpinan_a", "provinsi_jabar", "pusat"):
            self.login(persona)
            self.assertEqual(self.client.get(f"{BASE}/biaya/").status_code, 200, persona)
        for persona in ("outsider", "admin_b", "nobody"):
            self.login(persona)
            self.assertEqual(self.client.get(f"{BASE}/biaya/").status_code, 404, persona)
            self.assertEqual(self.client.get(f"{BASE}/biaya/unduh.xlsx").status_code, 404, persona)
        self.assertEqual(PriceList.objects.count(), 1)
