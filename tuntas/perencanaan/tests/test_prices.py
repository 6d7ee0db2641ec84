"""The price list (SSH): reading prices as users type them, the import (every bad row by row and
column, nothing stored on error, idempotent, links kept), one price added, changed or deleted,
prices linked to a JPD's needs, the pages and who may use them, and the demo's list."""

from __future__ import annotations

import io
from decimal import Decimal

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from tuntas.core.models import AuditEvent
from tuntas.core.tabular import read_table_bytes
from tuntas.katalog.models import Jpd
from tuntas.pendataan.services import target_set
from tuntas.perencanaan.costing import ActivityInput, activity_cost_save, volume_from_note
from tuntas.perencanaan.models import ActivityCost, NeedItem, PriceItem, PriceList
from tuntas.perencanaan.prices import (
    PriceFileRefused,
    PriceLinked,
    RupiahError,
    demo_prices_seed,
    parse_rupiah,
    price_file_read,
    price_item_delete,
    price_list_import,
)
from tuntas.perencanaan.prices_demo import DEMO_ACTIVITIES, DEMO_PRICES
from tuntas.perencanaan.selectors import jpd_needs
from tuntas.testing import PersonaTestCase

YEAR = 2025
BASE = f"/pemda/32.75/perencanaan/{YEAR}"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows: list[list[object]], title: bool = True) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    start = 0
    if title:  # a title block above the header, as Tuntas' own files have
        sheet.write_string(0, 0, "Standar Satuan Harga Kota Bekasi")
        start = 2
    for r, cells in enumerate(rows, start=start):
        for c, value in enumerate(cells):
            sheet.write(r, c, value)
    book.close()
    return out.getvalue()


class RupiahParsingTests(PersonaTestCase):
    def test_accepted_forms(self):
        for value in ("1.250.000", "1250000", "Rp 1.250.000", "Rp1.250.000,00", "rp. 1250000",
                      1250000, 1250000.0, " 1.250.000 "):  # fmt: skip
            with self.subTest(value=value):
                self.assertEqual(parse_rupiah(value), Decimal("1250000"))

    def test_refused_forms(self):
        cases = {
            "-5.000": "tidak boleh negatif",
            "Rp -5.000": "tidak boleh negatif",
            "-Rp 5.000": "tidak boleh negatif",
            -5: "tidak boleh negatif",
            "12,5": "bilangan bulat",
            1250.5: "bilangan bulat",
            "seribu": "bukan angka",
            "1.25.000": "pemisah ribuan",
            "99999999999999999": "terlalu besar",
        }
        for value, why in cases.items():
            with self.subTest(value=value), self.assertRaisesMessage(RupiahError, why):
                parse_rupiah(value)


class PriceImportTests(PersonaTestCase):
    def test_bad_rows_reported_by_row_and_column_and_nothing_stored(self):
        data = csv_bytes(
            "kode;uraian;satuan;harga",
            "A1;Tablet tambah darah;tablet;350",
            ";Tanpa kode;buah;1.000",
            "A1;Kode ganda;buah;2.000",
            "A2;Harga salah;buah;seribu",
            "A3;Harga negatif;buah;-5.000",
            "A4;Tanpa satuan;;5.000",
            "A5;Harga kosong;buah;",
            "A6;Baik;buah;Rp 1.250.000",
        )
        with self.assertRaises(PriceFileRefused) as caught:
            price_file_read(data, "ssh.csv")
        self.assertIn("6 baris bermasalah; tidak ada yang disimpan", str(caught.exception))
        self.assertEqual(
            caught.exception.details,
            [
                "Baris 3, kolom A (kode): kode kosong.",
                "Baris 4, kolom A (kode): kode A1 sudah ada di baris 2.",
                "Baris 5, kolom D (harga): 'seribu' bukan angka.",
                "Baris 6, kolom D (harga): '-5.000' tidak boleh negatif.",
                "Baris 7, kolom C (satuan): satuan kosong.",
                "Baris 8, kolom D (harga): harga kosong.",
            ],
        )

    def test_the_upload_page_shows_every_error_and_stores_nothing(self):
        self.login("verifikator_tim")
        data = csv_bytes("kode,uraian,satuan,harga", ",Tanpa kode,buah,1000", "B,Baik,buah,-1")
        response = self.client.post(
            f"{BASE}/harga/unggah/",
            {"berkas": SimpleUploadedFile("ssh.csv", data, content_type="text/csv")},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Baris 2, kolom A (kode): kode kosong.", status_code=400)
        self.assertContains(response, "Baris 3, kolom D (harga): &#x27;-1&#x27; tidak boleh negatif.", status_code=400)  # fmt: skip
        self.assertFalse(PriceList.objects.exists())
        self.assertFalse(PriceItem.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action="ssh.impor").exists())

    def test_type_and_header_checked(self):
        with self.assertRaisesMessage(PriceFileRefused, "Jenis berkas tidak didukung"):
            price_file_read(b"kode;uraian;satuan;harga\n", "ssh.pdf")
        with self.assertRaisesMessage(PriceFileRefused, "Baris judul kolom tidak ditemukan"):
            price_file_read(csv_bytes("code;name;unit;price", "A;B;C;1"), "ssh.csv")
        with self.assertRaisesMessage(PriceFileRefused, "Berkas kosong"):
            price_file_read(b"", "ssh.csv")
        with self.assertRaisesMessage(PriceFileRefused, "tidak berisi satu pun"):
            price_file_read(csv_bytes("kode;uraian;satuan;harga"), "ssh.csv")

    def test_xlsx_with_a_title_block_and_numbers(self):
        rows = price_file_read(
            xlsx_bytes(
                [["Kode", "Uraian", "Satuan", "Harga"], [1001, "Vaksin Td", "ampul", 15500],
                 ["A-2", "Buku KIA", "buku", "Rp 23.000"]]
            ),
            "ssh.xlsx",
        )  # fmt: skip
        self.assertEqual(
            [(r.row, r.code, r.description, r.unit, r.price) for r in rows],
            [(4, "1001", "Vaksin Td", "ampul", Decimal("15500")),
             (5, "A-2", "Buku KIA", "buku", Decimal("23000"))],
        )  # fmt: skip

    def test_upload_stores_the_list_with_its_audit_row(self):
        self.login("admin_a")
        data = xlsx_bytes([["kode", "uraian", "satuan", "harga"], ["T1", "Tablet", "tablet", 350],
                           ["V1", "Vaksin Td", "ampul", "1.250.000"]])  # fmt: skip
        response = self.client.post(
            f"{BASE}/harga/unggah/", {"berkas": SimpleUploadedFile("ssh.xlsx", data)}
        )
        self.assertRedirects(response, f"{BASE}/harga/")
        self.assertEqual(
            list(PriceItem.objects.values_list("code", "price")),
            [("T1", Decimal("350")), ("V1", Decimal("1250000"))],
        )
        event = AuditEvent.objects.get(action="ssh.impor")
        self.assertEqual((event.pemda, event.data["ditambah"], event.actor), ("32.75", 2, self.users["admin_a"]))  # fmt: skip
        page = self.client.get(f"{BASE}/harga/")
        self.assertContains(page, "Rp 1.250.000")
        self.assertContains(page, "Rp 350")


class ReimportKeepsLinksTests(PersonaTestCase):
    def setUp(self) -> None:
        self.jpd = Jpd.objects.get(code="1.02.K01")
        target_set(pemda=self.pemda_a, jpd=self.jpd, year=YEAR, sasaran=1000, reason="",
                   expected_version=0, actor=None)  # fmt: skip
        self.first = price_file_read(
            csv_bytes("kode;uraian;satuan;harga", "T1;Tablet tambah darah;tablet;350",
                      "V1;Vaksin Td;ampul;15.500", "K1;Transport lokal;orang/kali;100.000"),
            "ssh.csv",
        )  # fmt: skip
        price_list_import(pemda=self.pemda_a, year=YEAR, rows=self.first)
        self.tablet = PriceItem.objects.get(code="T1")
        self.transport = PriceItem.objects.get(code="K1")
        NeedItem.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR, mutu_code="B02",
                                price=self.tablet)  # fmt: skip
        activity_cost_save(
            pemda=self.pemda_a, jpd=self.jpd, year=YEAR,
            data=ActivityInput(step="Kunjungan rumah", variable="Petugas", component="Transport",
                               volume=Decimal("24"), volume_note="2 × 12", unit="orang/kali",
                               price_code="K1", unit_price=None, funding_source="apbd"),
        )  # fmt: skip
        self.second = price_file_read(
            csv_bytes("kode;uraian;satuan;harga", "T1;Tablet tambah darah;tablet;400",
                      "V1;Vaksin Td;ampul;15.500", "B1;Buku KIA;buku;23.000"),
            "ssh.csv",
        )  # fmt: skip

    def test_a_removed_linked_code_is_refused_naming_its_uses_and_nothing_changes(self):
        with self.assertRaises(PriceLinked) as caught:
            price_list_import(pemda=self.pemda_a, year=YEAR, rows=self.second)
        self.assertEqual(
            caught.exception.details,
            ["Kode K1 (Transport lokal) masih dipakai oleh: kegiatan JPD 1.02.K01: "
             "Kunjungan rumah / Transport."],
        )  # fmt: skip
        self.assertEqual(
            sorted(PriceItem.objects.values_list("code", "price")),
            [("K1", Decimal("100000")), ("T1", Decimal("350")), ("V1", Decimal("15500"))],
        )
        self.assertEqual(AuditEvent.objects.filter(action="ssh.impor").count(), 1)

    def test_unlinked_explicitly_codes_kept_keep_their_id_and_links(self):
        result = price_list_import(
            pemda=self.pemda_a, year=YEAR, rows=self.second, unlink_removed=True
        )
        self.assertEqual(
            (result.added, result.changed, result.unchanged, result.removed, result.unlinked),
            (1, 1, 1, 1, 1),
        )
        tablet = PriceItem.objects.get(code="T1")
        self.assertEqual((tablet.pk, tablet.price), (self.tablet.pk, Decimal("400")))
        b02 = next(r for r in jpd_needs(self.pemda_a, self.jpd, YEAR).rows if r.code == "B02")
        self.assertEqual((b02.unit_price, b02.cost), (Decimal("400"), Decimal("36000000")))
        activity = ActivityCost.objects.get()
        # the activity keeps the old price, typed: its cost does not change
        self.assertEqual((activity.price_id, activity.unit_price), (None, Decimal("100000")))
        self.assertEqual(
            jpd_needs(self.pemda_a, self.jpd, YEAR).activity_rows[0][1], Decimal("2400000")
        )
        self.assertFalse(PriceItem.objects.filter(pk=self.transport.pk).exists())

    def test_the_same_file_twice_changes_nothing(self):
        again = price_list_import(pemda=self.pemda_a, year=YEAR, rows=self.first)
        self.assertEqual((again.added, again.changed, again.unchanged, again.removed), (0, 0, 3, 0))
        self.assertEqual(PriceItem.objects.get(code="T1").pk, self.tablet.pk)

    def test_the_template_round_trip(self):
        self.login("verifikator_tim")
        response = self.client.get(f"{BASE}/harga/templat.xlsx")
        self.assertEqual(response.status_code, 200)
        rows = read_table_bytes(response.content)
        self.assertEqual(rows[0].cells[0], "Tuntas — Standar Satuan Harga (SSH)")
        response = self.client.post(
            f"{BASE}/harga/unggah/",
            {"berkas": SimpleUploadedFile("ssh-32.75-2025.xlsx", response.content)},
        )
        self.assertRedirects(response, f"{BASE}/harga/")
        event = AuditEvent.objects.filter(action="ssh.impor").latest("id")
        self.assertEqual((event.data["tetap"], event.data["ditambah"], event.data["dihapus"]), (3, 0, 0))  # fmt: skip

    def test_delete_one_price_refused_while_used_then_unlinked(self):
        with self.assertRaisesMessage(PriceLinked, "tidak dapat dihapus") as caught:
            price_item_delete(pemda=self.pemda_a, year=YEAR, item_id=self.tablet.pk)
        self.assertIn("kebutuhan JPD 1.02.K01, item B02", caught.exception.details[0])
        self.assertEqual(
            price_item_delete(pemda=self.pemda_a, year=YEAR, item_id=self.tablet.pk, unlink=True),
            1,
        )
        need = NeedItem.objects.get(mutu_code="B02")
        self.assertEqual((need.price_id, need.version), (None, 1))
        self.assertTrue(AuditEvent.objects.filter(action="ssh.hapus", pemda="32.75").exists())

    def test_the_page_refuses_a_linked_delete_with_the_uses(self):
        self.login("admin_a")
        response = self.client.post(f"{BASE}/harga/hapus/", {"item": self.tablet.pk}, follow=True)
        self.assertContains(response, "kebutuhan JPD 1.02.K01, item B02")
        self.assertTrue(PriceItem.objects.filter(pk=self.tablet.pk).exists())
        self.client.post(f"{BASE}/harga/hapus/", {"item": self.tablet.pk, "lepas": "1"})
        self.assertFalse(PriceItem.objects.filter(pk=self.tablet.pk).exists())


class PricePageTests(PersonaTestCase):
    def setUp(self) -> None:
        rows: list[list[object]] = [["kode", "uraian", "satuan", "harga"]]
        rows += [[f"1.1.{n:03d}", f"Barang {n}", "buah", 1000 + n] for n in range(120)]
        rows.append(["9.9.001", "Vaksin Td", "ampul", 1_250_000])
        price_list_import(pemda=self.pemda_a, year=YEAR, rows=price_file_read(xlsx_bytes(rows)))

    def test_paginated_and_searchable_by_code_or_description(self):
        self.login("pimpinan_a")
        page = self.client.get(f"{BASE}/harga/")
        self.assertContains(page, "121 harga satuan")
        self.assertContains(page, "Halaman 1 dari 3")
        self.assertEqual(page.content.decode().count("<tr data-kode="), 50)
        found = self.client.get(f"{BASE}/harga/?q=vaksin")
        self.assertContains(found, "Rp 1.250.000")
        self.assertEqual(found.content.decode().count("<tr data-kode="), 1)
        by_code = self.client.get(f"{BASE}/harga/?q=1.1.11")
        self.assertEqual(by_code.content.decode().count("<tr data-kode="), 10)
        self.assertNotContains(page, "Tambah harga")  # pimpinan reads only

    def test_add_and_change_one_price(self):
        self.login("verifikator_tim")
        response = self.client.post(
            f"{BASE}/harga/simpan/",
            {"kode": "N1", "uraian": "Masker N95", "satuan": "buah", "harga": "Rp 25.000"},
        )
        self.assertEqual(response.status_code, 302)
        item = PriceItem.objects.get(code="N1")
        self.assertEqual(item.price, Decimal("25000"))
        form = self.client.get(f"{BASE}/harga/?ubah={item.pk}")
        self.assertContains(form, 'value="N1"')
        self.client.post(
            f"{BASE}/harga/simpan/",
            {"item": item.pk, "kode": "N1", "uraian": "Masker N95", "satuan": "buah",
             "harga": "27.500"},
        )  # fmt: skip
        item.refresh_from_db()
        self.assertEqual(item.price, Decimal("27500"))
        event = AuditEvent.objects.filter(action="ssh.simpan").latest("id")
        self.assertEqual(event.data["perubahan"], [{"kolom": "harga", "lama": "25000", "baru": "27500"}])  # fmt: skip
        clash = self.client.post(
            f"{BASE}/harga/simpan/",
            {"kode": "9.9.001", "uraian": "Lain", "satuan": "buah", "harga": "1"},
        )
        self.assertContains(clash, "Kode 9.9.001 sudah ada di SSH 2025.", status_code=400)
        bad = self.client.post(
            f"{BASE}/harga/simpan/", {"kode": "X", "uraian": "X", "satuan": "X", "harga": "-1"}
        )
        self.assertContains(bad, "tidak boleh negatif", status_code=400)

    def test_who_may_write_the_list(self):
        for persona, status in (("operator_kes", 403), ("pimpinan_a", 403), ("pusat", 403),
                                ("provinsi_jabar", 403), ("outsider", 404), ("admin_b", 404)):  # fmt: skip
            self.login(persona)
            with self.subTest(persona=persona):
                response = self.client.post(
                    f"{BASE}/harga/simpan/",
                    {"kode": "Z", "uraian": "Z", "satuan": "Z", "harga": "1"},
                )
                self.assertEqual(response.status_code, status)
        self.assertFalse(PriceItem.objects.filter(code="Z").exists())
        self.login("outsider")
        self.assertEqual(self.client.get(f"{BASE}/harga/").status_code, 404)


class NeedPriceTests(PersonaTestCase):
    def setUp(self) -> None:
        self.jpd = Jpd.objects.get(code="1.02.K01")
        target_set(pemda=self.pemda_a, jpd=self.jpd, year=YEAR, sasaran=1000, reason="",
                   expected_version=0, actor=None)  # fmt: skip
        price_list_import(
            pemda=self.pemda_a, year=YEAR,
            rows=price_file_read(csv_bytes("kode;uraian;satuan;harga", "T1;Tablet;tablet;350",
                                           "V1;Vaksin Td;ampul;15.500")),
        )  # fmt: skip

    def test_the_jpd_opd_links_prices_by_code_creating_the_need_rows(self):
        self.login("operator_kes")
        page = self.client.get(f"{BASE}/1.02.K01/harga-item/")
        self.assertContains(page, 'name="harga_B02"')
        response = self.client.post(
            f"{BASE}/1.02.K01/harga-item/",
            {"harga_B02": "T1", "sumber_B02": "dak_nonfisik", "harga_B01": " V1 ",
             "sumber_B01": "apbd"},
        )  # fmt: skip
        self.assertRedirects(response, f"{BASE}/1.02.K01/harga-item/")
        rows = {r.code: r for r in jpd_needs(self.pemda_a, self.jpd, YEAR).rows}
        self.assertEqual((rows["B02"].cost, rows["B02"].funding_source), (Decimal("31500000"), "dak_nonfisik"))  # fmt: skip
        self.assertEqual(rows["B01"].cost, Decimal("1550000"))  # 100 ampoules × 15.500
        page = self.client.get(f"{BASE}/1.02.K01/harga-item/")
        self.assertContains(page, "Rp 31.500.000")
        event = AuditEvent.objects.get(action="kebutuhan.harga")
        self.assertEqual(len(event.data["perubahan"]), 2)
        # unlink
        self.client.post(f"{BASE}/1.02.K01/harga-item/", {"harga_B02": "", "sumber_B02": "apbd"})
        self.assertIsNone(NeedItem.objects.get(mutu_code="B02").price_id)

    def test_an_unknown_code_refuses_the_whole_form(self):
        self.login("verifikator_tim")
        response = self.client.post(
            f"{BASE}/1.02.K01/harga-item/",
            {"harga_B02": "T1", "sumber_B02": "apbd", "harga_B01": "TIDAK-ADA",
             "sumber_B01": "apbd"},
        )  # fmt: skip
        self.assertContains(
            response, "Item B01: kode SSH TIDAK-ADA tidak ada di SSH 2025.", status_code=400
        )
        self.assertFalse(NeedItem.objects.exists())

    def test_other_opd_and_readers_cannot_link(self):
        for persona, status in (("operator_dik", 403), ("pimpinan_a", 403), ("outsider", 404)):
            self.login(persona)
            response = self.client.post(
                f"{BASE}/1.02.K01/harga-item/", {"harga_B02": "T1", "sumber_B02": "apbd"}
            )
            self.assertEqual(response.status_code, status, persona)
        self.assertFalse(NeedItem.objects.exists())
        self.login("provinsi_jabar")
        page = self.client.get(f"{BASE}/1.02.K01/harga-item/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="harga_B02"')


class DemoPricesTests(PersonaTestCase):
    def test_deterministic_links_and_activities(self):
        jpd = Jpd.objects.get(code="1.02.K01")
        target_set(pemda=self.pemda_a, jpd=jpd, year=2026, sasaran=1000, reason="",
                   expected_version=0, actor=None)  # fmt: skip
        first = demo_prices_seed(pemda=self.pemda_a, year=2026)
        snapshot = (
            sorted(PriceItem.objects.values_list("pk", "code", "price")),
            sorted(NeedItem.objects.values_list("pk", "jpd_id", "mutu_code", "price__code")),
            sorted(ActivityCost.objects.values_list("pk", "jpd_id", "step", "volume", "price__code")),
        )  # fmt: skip
        self.assertEqual(demo_prices_seed(pemda=self.pemda_a, year=2026), first)
        self.assertEqual(
            snapshot,
            (
                sorted(PriceItem.objects.values_list("pk", "code", "price")),
                sorted(NeedItem.objects.values_list("pk", "jpd_id", "mutu_code", "price__code")),
                sorted(ActivityCost.objects.values_list("pk", "jpd_id", "step", "volume", "price__code")),
            ),
        )  # fmt: skip
        self.assertEqual(first["harga"], len(DEMO_PRICES))
        self.assertGreaterEqual(len(DEMO_PRICES), 30)
        self.assertGreater(first["tautan"], 60)
        per_jpd = {
            code: ActivityCost.objects.filter(jpd_id=code).count()
            for code in Jpd.objects.filter(level="kabkota", urusan="1.02").values_list("code", flat=True)
        }  # fmt: skip
        self.assertEqual(set(per_jpd.values()), {2, 3})
        self.assertEqual(len(per_jpd), 12)
        needs = jpd_needs(self.pemda_a, jpd, 2026)
        b02 = next(r for r in needs.rows if r.code == "B02")
        self.assertEqual(b02.cost, Decimal("31500000"))  # 90 000 tablets × Rp 350
        self.assertEqual(
            [c for _, c in needs.activity_rows], [Decimal("9600000"), Decimal("18000000")]
        )

    def test_the_demo_volumes_are_their_notes(self):
        for step, _v, _c, volume, note, *_ in DEMO_ACTIVITIES:
            self.assertEqual(volume_from_note(note), Decimal(volume), step)
