"""Stage 2 from the catalog's rules (Permenkes 4/2019) on the stored rows: needs, gap, cost."""

from __future__ import annotations

from decimal import Decimal

from tuntas.katalog.models import Jpd
from tuntas.pendataan.services import target_set
from tuntas.perencanaan.models import NeedItem, PriceItem, PriceList, ServiceUnit
from tuntas.perencanaan.selectors import jpd_needs
from tuntas.testing import PersonaTestCase

YEAR = 2025


class PermenkesRuleTests(PersonaTestCase):
    def target(self, code: str, sasaran: int) -> Jpd:
        jpd = Jpd.objects.get(code=code)
        target_set(pemda=self.pemda_a, jpd=jpd, year=YEAR, sasaran=sasaran, reason="",
                   expected_version=0, actor=None)  # fmt: skip
        return jpd

    def required(self, code: str) -> dict[str, int | None]:
        return {
            r.code: r.required
            for r in jpd_needs(self.pemda_a, Jpd.objects.get(code=code), YEAR).rows
        }

    def test_pregnant_women(self):
        self.target("1.02.K01", 1234)
        need = self.required("1.02.K01")
        self.assertEqual(need["B02"], 90 * 1234)  # 90 iron tablets per pregnant woman
        self.assertEqual(need["B01"], 124)  # Td: target ÷ 10, rounded up (123,4)
        for test in ("B03", "B04", "B05"):  # pregnancy test, Hb, blood group: once each
            self.assertEqual(need[test], 1234)
        self.assertEqual(need["B06"], 186)  # glucoprotein urine 15 % (185,1), rounded up

    def test_newborns_and_kie_per_puskesmas(self):
        self.target("1.02.K03", 500)
        self.assertEqual(self.required("1.02.K03")["B05"], 1500)  # MTBM forms: 3 × newborns
        self.target("1.02.K06", 80000)
        self.assertIsNone(self.required("1.02.K06")["B01"])  # no puskesmas counted yet
        for n in range(7):
            ServiceUnit.objects.create(pemda=self.pemda_a, kind="puskesmas", name=f"PKM {n}",
                                       kecamatan="32.75.01")  # fmt: skip
        ServiceUnit.objects.create(pemda=self.pemda_a, kind="puskesmas", name="Tutup",
                                   kecamatan="32.75.01", active=False)  # fmt: skip
        self.assertEqual(self.required("1.02.K06")["B01"], 14)  # KIE ≥ 2 per puskesmas

    def test_target_from_the_registry_when_no_annual_target(self):
        needs = jpd_needs(self.pemda_a, Jpd.objects.get(code="1.02.K01"), YEAR)
        self.assertEqual((needs.sasaran, needs.sasaran_source), (None, ""))
        self.assertIsNone(needs.rows[0].required)

    def test_gap_and_cost_of_the_gap(self):
        jpd = self.target("1.02.K01", 1000)
        ssh = PriceList.objects.create(pemda=self.pemda_a, year=YEAR)
        tablet = PriceItem.objects.create(price_list=ssh, pemda=self.pemda_a, code="1.1.12.01",
                                          description="Tablet Fe", unit="tablet",
                                          price=Decimal("350"))  # fmt: skip
        NeedItem.objects.create(pemda=self.pemda_a, jpd=jpd, year=YEAR, mutu_code="B02",
                                available=60000, price=tablet, funding_source="dak_nonfisik")  # fmt: skip
        NeedItem.objects.create(pemda=self.pemda_a, jpd=jpd, year=YEAR, local_name="Kelas ibu",
                                local_unit="paket", local_basis="tetap",
                                local_quantity=Decimal("4"))  # fmt: skip
        needs = jpd_needs(self.pemda_a, jpd, YEAR)
        b02 = next(r for r in needs.rows if r.code == "B02")
        self.assertEqual((b02.required, b02.available, b02.gap), (90000, 60000, 30000))
        self.assertEqual(b02.cost, Decimal("10500000"))
        local = [r for r in needs.rows if r.local]
        self.assertEqual([(r.name, r.required, r.gap, r.cost) for r in local],
                         [("Kelas ibu", 4, 4, None)])  # fmt: skip
        self.assertEqual(needs.cost, Decimal("10500000"))
        self.assertEqual(needs.cost_by_source, {"dak_nonfisik": Decimal("10500000")})


class NeedsCommandAndApiTests(PersonaTestCase):
    def setUp(self) -> None:
        jpd = Jpd.objects.get(code="1.02.K01")
        target_set(pemda=self.pemda_a, jpd=jpd, year=YEAR, sasaran=1000, reason="",
                   expected_version=0, actor=None)  # fmt: skip
        ssh = PriceList.objects.create(pemda=self.pemda_a, year=YEAR)
        tablet = PriceItem.objects.create(price_list=ssh, pemda=self.pemda_a, code="T1",
                                          description="Tablet Fe", unit="tablet",
                                          price=Decimal("350"))  # fmt: skip
        NeedItem.objects.create(pemda=self.pemda_a, jpd=jpd, year=YEAR, mutu_code="B02",
                                available=60000, price=tablet)  # fmt: skip

    def test_command_json(self):
        import json
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("kebutuhan", "--pemda", "32.75", "--tahun", str(YEAR), "--jpd", "1.02.K01",
                     "--json", stdout=out)  # fmt: skip
        doc = json.loads(out.getvalue())
        self.assertEqual(
            (doc["pemda"], doc["tahun"], doc["total_biaya"]), ("32.75", YEAR, "10500000")
        )
        b02 = next(i for i in doc["jpd"][0]["item"] if i["kode"] == "B02")
        self.assertEqual(
            b02,
            {"kode": "B02", "nama": "Tablet tambah darah", "satuan": b02["satuan"],
             "aturan": "90 per penerima", "dibutuhkan": 90000, "tersedia": 60000,
             "kekurangan": 30000, "harga_satuan": "350", "biaya": "10500000"},
        )  # fmt: skip
        b01 = next(i for i in doc["jpd"][0]["item"] if i["kode"] == "B01")
        self.assertEqual((b01["dibutuhkan"], b01["harga_satuan"], b01["biaya"]), (100, None, None))
        text = StringIO()
        call_command("kebutuhan", "--pemda", "32.75", "--tahun", str(YEAR), "--jpd", "1.02.K01",
                     stdout=text)  # fmt: skip
        self.assertIn("Rp 10.500.000", text.getvalue())

    def test_command_refuses_unknown_pemda_and_jpd(self):
        from django.core.management import CommandError, call_command

        with self.assertRaisesMessage(CommandError, "belum terdaftar"):
            call_command("kebutuhan", "--pemda", "99.99", "--tahun", "2025")
        with self.assertRaisesMessage(CommandError, "tidak dikenal"):
            call_command("kebutuhan", "--pemda", "32.75", "--tahun", "2025", "--jpd", "1.02.P01")

    def test_api_same_document_and_scope(self):
        self.login("pimpinan_a")
        answer = self.client.get(f"/api/pemda/32.75/kebutuhan/{YEAR}?jpd=1.02.K01")
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json()["total_biaya"], "10500000")
        self.login("outsider")
        self.assertEqual(self.client.get(f"/api/pemda/32.75/kebutuhan/{YEAR}").status_code, 404)
