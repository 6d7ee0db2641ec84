"""The needs page of a JPD and year: readers and writers by persona, the table saved in one form
(all or nothing, optimistic version check, audit old → new), carrying last year's quantities,
the import of available quantities, local items validated by the engine's rule, the demo
figures, and a fixed number of queries whatever the number of items."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from tuntas.core.errors import DomainError
from tuntas.core.models import AuditEvent
from tuntas.katalog.models import Jpd
from tuntas.pendataan.services import target_set
from tuntas.perencanaan.models import NeedItem, ServiceUnit
from tuntas.perencanaan.needs_services import (
    LocalItemInput,
    NeedRowInput,
    NeedsInvalid,
    demo_needs_seed,
    local_need_save,
    needs_save,
)
from tuntas.perencanaan.selectors import JpdNeeds, jpd_needs
from tuntas.testing import PersonaTestCase, page_query_counts

YEAR = 2025
PAGE = f"/pemda/32.75/perencanaan/{YEAR}/1.02.K01/kebutuhan/"
IMPORT = f"/pemda/32.75/perencanaan/{YEAR}/tersedia/impor/"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


class NeedsPageTestCase(PersonaTestCase):
    def setUp(self) -> None:
        self.jpd = Jpd.objects.get(code="1.02.K01")
        target_set(pemda=self.pemda_a, jpd=self.jpd, year=YEAR, sasaran=1000, reason="",
                   expected_version=0, actor=None)  # fmt: skip

    def needs(self) -> JpdNeeds:
        return jpd_needs(self.pemda_a, self.jpd, YEAR)

    def table_data(self, **values: object) -> dict[str, object]:
        """The whole table as the page posts it (each row's stored values and version), with
        ``values`` (e.g. ``tersedia_B02=500``) replacing some."""
        data: dict[str, object] = {}
        for r in self.needs().rows:
            key = r.code or f"L{r.stored.pk}"  # type: ignore[union-attr]
            data[f"versi_{key}"] = r.stored.version if r.stored else 0
            data[f"tersedia_{key}"] = "" if r.available is None else r.available
            data[f"sumber_{key}"] = r.funding_source
            if r.rule is None or r.rule.basis == "sesuai_kebutuhan":
                stated = r.stored.stated_required if r.stored else None
                data[f"ditetapkan_{key}"] = "" if stated is None else stated
        data.update(values)
        return data


class NeedsPageTests(NeedsPageTestCase):
    def test_readers_see_the_rows_writers_the_form(self):
        for persona in ("pimpinan_a", "provinsi_jabar", "pusat", "operator_dik"):
            self.login(persona)
            page = self.client.get(PAGE)
            self.assertEqual(page.status_code, 200, persona)
            self.assertContains(page, "Tablet tambah darah")
            self.assertContains(page, "90 per penerima")
            self.assertContains(page, "90.000")  # required, formatted
            self.assertNotContains(page, 'name="tersedia_B02"')
        for persona in ("operator_kes", "verifikator_kes", "verifikator_tim", "admin_a"):
            self.login(persona)
            self.assertContains(self.client.get(PAGE), 'name="tersedia_B02"')
        self.login("outsider")
        self.assertEqual(self.client.get(PAGE).status_code, 404)
        self.login("admin_a")
        for url in (
            f"/pemda/32.75/perencanaan/{YEAR}/1.02.P01/kebutuhan/",  # a province's JPD
            f"/pemda/32.75/perencanaan/{YEAR}/9.99/kebutuhan/",
            "/pemda/32.75/perencanaan/1999/1.02.K01/kebutuhan/",
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_target_source_and_totals_per_funding_source(self):
        from tuntas.perencanaan.models import PriceItem, PriceList

        ssh = PriceList.objects.create(pemda=self.pemda_a, year=YEAR)
        tablet = PriceItem.objects.create(price_list=ssh, pemda=self.pemda_a, code="T",
                                          description="Tablet", unit="tablet",
                                          price=Decimal("350"))  # fmt: skip
        NeedItem.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR, mutu_code="B02",
                                available=60000, price=tablet,
                                funding_source="dak_nonfisik")  # fmt: skip
        self.login("pimpinan_a")
        page = self.client.get(PAGE)
        self.assertContains(page, "dari sasaran tahunan")
        self.assertContains(page, "Rp 10.500.000")
        self.assertContains(page, "DAK non-fisik / BOK: Rp 10.500.000")

    def test_save_the_table_creates_rows_and_audits_old_new(self):
        self.login("operator_kes")
        stated_key = next(
            r.code
            for r in self.needs().rows
            if r.rule is None or r.rule.basis == "sesuai_kebutuhan"
        )
        answer = self.client.post(PAGE, self.table_data(
            tersedia_B02="85.000", sumber_B02="blud", **{f"ditetapkan_{stated_key}": "40"}
        ))  # fmt: skip
        self.assertRedirects(answer, PAGE)
        b02 = NeedItem.objects.get(mutu_code="B02")
        self.assertEqual((b02.available, b02.funding_source, b02.version), (85000, "blud", 1))
        self.assertEqual(b02.updated_by, self.users["operator_kes"])
        stated = NeedItem.objects.get(mutu_code=stated_key)
        self.assertEqual(stated.stated_required, 40)
        # no empty rows were made for the items left as they were
        self.assertEqual(NeedItem.objects.count(), 2)
        event = AuditEvent.objects.get(action="kebutuhan.simpan")
        self.assertEqual(event.object_id, f"32.75/{YEAR}/1.02.K01")
        self.assertIn({"kolom": "B02.tersedia", "lama": None, "baru": 85000},
                      event.data["perubahan"])  # fmt: skip
        self.assertIn({"kolom": "B02.sumber_dana", "lama": "apbd", "baru": "blud"},
                      event.data["perubahan"])  # fmt: skip
        row = next(r for r in self.needs().rows if r.code == "B02")
        self.assertEqual((row.required, row.available, row.gap), (90000, 85000, 5000))
        # saving again unchanged writes nothing
        self.client.post(PAGE, self.table_data())
        self.assertEqual(AuditEvent.objects.filter(action="kebutuhan.simpan").count(), 1)

    def test_all_or_nothing(self):
        self.login("verifikator_tim")
        answer = self.client.post(PAGE, self.table_data(tersedia_B02="500", tersedia_B03="-4"))
        self.assertEqual(answer.status_code, 400)
        self.assertContains(answer, "tidak boleh negatif", status_code=400)
        self.assertFalse(NeedItem.objects.exists())
        # a stated need for an item whose rule gives the quantity is refused by the service
        with self.assertRaises(NeedsInvalid) as caught:
            needs_save(pemda=self.pemda_a, jpd=self.jpd, year=YEAR, actor=None, rows=[
                NeedRowInput("B01", 0, 5), NeedRowInput("B02", 0, None, stated_required=7)])  # fmt: skip
        self.assertIn("ditetapkan_B02", caught.exception.errors)
        self.assertFalse(NeedItem.objects.exists())

    def test_version_conflict_saves_nothing_then_replaces(self):
        self.login("operator_kes")
        opened = self.table_data(tersedia_B02="100", tersedia_B03="200")
        # someone else saves B02 meanwhile
        needs_save(pemda=self.pemda_a, jpd=self.jpd, year=YEAR, actor=self.users["admin_a"],
                   rows=[NeedRowInput("B02", 0, 999)])  # fmt: skip
        answer = self.client.post(PAGE, opened)
        self.assertEqual(answer.status_code, 409)
        self.assertContains(answer, 'data-testid="konflik"', status_code=409)
        self.assertContains(answer, 'data-testid="tersimpan-B02"', status_code=409)
        self.assertContains(answer, 'value="100"', status_code=409)  # the user's input kept
        self.assertEqual(NeedItem.objects.get(mutu_code="B02").available, 999)
        self.assertFalse(NeedItem.objects.filter(mutu_code="B03").exists())
        # the page now carries the stored version: saving again replaces deliberately
        again = dict(opened, versi_B02=1)
        self.assertRedirects(self.client.post(PAGE, again), PAGE)
        self.assertEqual(NeedItem.objects.get(mutu_code="B02").available, 100)
        self.assertEqual(NeedItem.objects.get(mutu_code="B03").available, 200)

    def test_writes_refused_to_readers_and_other_opd(self):
        for persona in ("operator_dik", "pimpinan_a", "provinsi_jabar", "pusat"):
            self.login(persona)
            self.assertEqual(
                self.client.post(PAGE, self.table_data(tersedia_B02="1")).status_code,
                403,
                persona,
            )
            self.assertEqual(self.client.post(PAGE + "bawa/").status_code, 403, persona)
        self.login("outsider")
        self.assertEqual(self.client.post(PAGE, self.table_data()).status_code, 404)
        self.assertFalse(NeedItem.objects.exists())


class CarryOverTests(NeedsPageTestCase):
    def test_carry_only_into_empty_rows(self):
        for code, amount in (("B02", 50000), ("B03", 900)):
            NeedItem.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR - 1,
                                    mutu_code=code, available=amount)  # fmt: skip
        NeedItem.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR - 1,
                                local_name="Kelas ibu", local_basis="tetap",
                                local_quantity=4, available=3)  # fmt: skip
        local = NeedItem.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR,
                                        local_name="kelas IBU", local_basis="tetap",
                                        local_quantity=4)  # fmt: skip
        NeedItem.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR, mutu_code="B03",
                                available=7, version=2)  # fmt: skip
        self.login("verifikator_kes")
        self.assertRedirects(self.client.post(PAGE + "bawa/"), PAGE)
        this_year = {
            n.mutu_code or "lokal": (n.available, n.version)
            for n in NeedItem.objects.filter(year=YEAR)
        }
        self.assertEqual(this_year, {"B02": (50000, 1), "B03": (7, 2), "lokal": (3, 1)})
        event = AuditEvent.objects.get(action="kebutuhan.bawa")
        self.assertEqual(event.data["dari_tahun"], YEAR - 1)
        self.assertCountEqual(
            event.data["perubahan"],
            [{"kolom": "B02.tersedia", "lama": None, "baru": 50000},
             {"kolom": f"L{local.pk}.tersedia", "lama": None, "baru": 3}],
        )  # fmt: skip
        self.client.post(PAGE + "bawa/")  # nothing left to carry
        self.assertEqual(AuditEvent.objects.filter(action="kebutuhan.bawa").count(), 1)


class AvailableImportTests(NeedsPageTestCase):
    def upload(self, data: bytes):
        return self.client.post(IMPORT, {"berkas": SimpleUploadedFile("tersedia.csv", data)})

    def test_import_idempotent(self):
        local = NeedItem.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR,
                                        local_name="Kelas ibu", local_basis="tetap",
                                        local_quantity=4)  # fmt: skip
        good = csv_bytes("kode_jpd;kode_item;tersedia", "1.02.K01;B02;1.500",
                         "1.02.K01;b03;20", f"1.02.K01;L{local.pk};2", "1.02.K01;B04;")  # fmt: skip
        self.login("operator_kes")
        self.assertEqual(self.client.get(IMPORT).status_code, 200)
        self.assertRedirects(self.upload(good), f"/pemda/32.75/perencanaan/{YEAR}/")
        stored = {n.mutu_code or "L": n.available for n in NeedItem.objects.all()}
        self.assertEqual(stored, {"B02": 1500, "B03": 20, "L": 2})  # blank B04: left alone
        self.upload(good)
        events = AuditEvent.objects.filter(action="kebutuhan.impor").order_by("id")
        self.assertEqual([len(e.data["perubahan"]) for e in events], [3, 0])
        self.assertEqual(NeedItem.objects.get(mutu_code="B02").version, 1)

    def test_bad_rows_by_row_and_column_nothing_stored(self):
        bad = csv_bytes(
            "kode_jpd;kode_item;tersedia",
            "1.02.K01;B02;100",
            "1.02.K99;B01;1",
            "1.02.K01;Z99;1",
            "1.02.K01;B03;-5",
            "1.02.K01;B03;12,5",
            "1.01.K01;B01;3",
            "1.02.K01;B02;7",
        )
        self.login("operator_kes")
        answer = self.upload(bad)
        self.assertEqual(answer.status_code, 400)
        details = answer.context["details"]
        self.assertEqual(
            [d.split(":")[0] for d in details],
            ["Baris 3, kolom kode_jpd", "Baris 4, kolom kode_item", "Baris 5, kolom tersedia",
             "Baris 6, kolom tersedia", "Baris 7, kolom kode_jpd", "Baris 8, kolom kode_item"],
        )  # fmt: skip
        self.assertIn("tidak dapat mengubah kebutuhan JPD 1.01.K01", details[4])
        self.assertFalse(NeedItem.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action="kebutuhan.impor").exists())

    def test_template_and_roles(self):
        self.login("operator_kes")
        template = self.client.get(f"/pemda/32.75/perencanaan/{YEAR}/tersedia/templat/")
        self.assertEqual(template.status_code, 200)
        from io import BytesIO

        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_filelike(BytesIO(template.content)).get_sheet_by_index(0)
        jpds = {r[0] for r in rows.to_python()[1:]}
        self.assertIn("1.02.K01", jpds)
        self.assertFalse(any(code.startswith("1.01") for code in jpds))  # not Dinas Kesehatan's
        for persona in ("pimpinan_a", "provinsi_jabar", "pusat"):
            self.login(persona)
            self.assertEqual(self.client.get(IMPORT).status_code, 403, persona)


class LocalItemTests(NeedsPageTestCase):
    def test_add_edit_delete(self):
        self.login("operator_kes")
        ServiceUnit.objects.create(pemda=self.pemda_a, kind="posyandu", name="Mawar",
                                   kecamatan="32.75.01")  # fmt: skip
        answer = self.client.post(PAGE + "lokal/", {
            "nama": "Buku KIA tambahan", "satuan": "buku", "dasar": "unit_layanan",
            "jumlah": "2,5", "unit_layanan": "Posyandu"})  # fmt: skip
        self.assertRedirects(answer, PAGE)
        item = NeedItem.objects.get(mutu_code="")
        self.assertEqual((item.local_basis, item.local_quantity, item.local_service_unit),
                         ("unit_layanan", Decimal("2.5"), "posyandu"))  # fmt: skip
        row = next(r for r in self.needs().rows if r.local)
        self.assertEqual((row.rule_text, row.required), ("2,5 per posyandu", 3))  # rounded up
        page = self.client.get(f"{PAGE}?lokal={item.pk}")
        self.assertContains(page, 'value="Buku KIA tambahan"')
        self.client.post(PAGE + "lokal/", {"id": item.pk, "nama": "Buku KIA", "satuan": "buku",
                                           "dasar": "penerima", "jumlah": "1"})  # fmt: skip
        item.refresh_from_db()
        self.assertEqual((item.local_name, item.local_basis, item.local_service_unit),
                         ("Buku KIA", "penerima", ""))  # fmt: skip
        self.assertRedirects(self.client.post(PAGE + "lokal/hapus/", {"id": item.pk}), PAGE)
        self.assertFalse(NeedItem.objects.exists())
        actions = list(AuditEvent.objects.filter(object_type="kebutuhan").values_list(
            "action", flat=True).order_by("id"))  # fmt: skip
        self.assertEqual(
            actions, ["kebutuhan.lokal_tambah", "kebutuhan.lokal_ubah", "kebutuhan.lokal_hapus"]
        )

    def test_rule_errors_become_field_errors(self):
        self.login("admin_a")
        cases = (
            ({"dasar": "unit_layanan", "jumlah": "2"}, "unit_layanan"),
            ({"dasar": "sesuai_kebutuhan", "jumlah": "2"}, "jumlah"),
            ({"dasar": "penerima", "jumlah": ""}, "jumlah"),
            ({"dasar": "tetap", "jumlah": "-1"}, "jumlah"),
            ({"dasar": "tetap", "jumlah": "1,23456"}, "jumlah"),
            ({"dasar": "tetap", "jumlah": "abc"}, "jumlah"),
            ({"dasar": "per_orang", "jumlah": "1"}, "dasar"),
        )
        for data, field in cases:
            with self.subTest(data=data):
                answer = self.client.post(PAGE + "lokal/", {"nama": "X", **data})
                self.assertEqual(answer.status_code, 400)
                self.assertTrue(
                    answer.context["local"].errors.get(field), answer.context["local"].errors
                )
        self.assertFalse(NeedItem.objects.exists())
        with self.assertRaises(NeedsInvalid) as caught:
            local_need_save(pemda=self.pemda_a, jpd=self.jpd, year=YEAR, item_id=None, actor=None,
                            data=LocalItemInput("X", "", "unit_layanan", Decimal(2), ""))  # fmt: skip
        self.assertEqual(list(caught.exception.errors), ["unit_layanan"])
        # a catalog row cannot be deleted as a local item; another JPD's item is not found
        b02 = NeedItem.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR,
                                      mutu_code="B02", available=1)  # fmt: skip
        self.assertEqual(self.client.post(PAGE + "lokal/hapus/", {"id": b02.pk}).status_code, 404)
        self.assertTrue(NeedItem.objects.filter(pk=b02.pk).exists())


class DemoAndQueryCountTests(NeedsPageTestCase):
    def test_demo_needs(self):
        with self.assertRaises(DomainError):
            demo_needs_seed(pemda=self.pemda_a, year=YEAR)
        self.pemda_a.is_demo = True
        self.pemda_a.save(update_fields=["is_demo"])
        NeedItem.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR, mutu_code="B03",
                                available=11)  # fmt: skip
        filled = demo_needs_seed(pemda=self.pemda_a, year=YEAR)
        self.assertGreater(filled, 0)
        rows = {r.code: r for r in self.needs().rows}
        self.assertEqual(rows["B03"].available, 11)  # kept
        for code in ("B01", "B02", "B04"):
            r = rows[code]
            assert r.required is not None and r.available is not None
            self.assertTrue(r.required // 2 <= r.available <= r.required, code)
        first = {n.mutu_code: n.available for n in NeedItem.objects.all()}
        self.assertEqual(demo_needs_seed(pemda=self.pemda_a, year=YEAR), 0)  # idempotent
        NeedItem.objects.exclude(mutu_code="B03").delete()
        demo_needs_seed(pemda=self.pemda_a, year=YEAR)
        self.assertEqual({n.mutu_code: n.available for n in NeedItem.objects.all()}, first)
        # JPD without a target get nothing
        self.assertFalse(NeedItem.objects.exclude(jpd=self.jpd).exists())

    def test_query_count_fixed_whatever_the_items(self):
        self.login("operator_kes")
        few = page_query_counts(self.client, {"page": PAGE})
        for n in range(15):
            NeedItem.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR,
                                    local_name=f"Item {n}", local_basis="tetap",
                                    local_quantity=n, available=n)  # fmt: skip
        for code in ("B01", "B02", "B03", "B04"):
            NeedItem.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR, mutu_code=code,
                                    available=1)  # fmt: skip
        for n in range(5):
            ServiceUnit.objects.create(pemda=self.pemda_a, kind="puskesmas", name=f"P{n}",
                                       kecamatan="32.75.01")  # fmt: skip
        many = page_query_counts(self.client, {"page": PAGE})
        self.assertEqual(few, many)
        self.assertLessEqual(many["page"], 20)
        self.login("admin_a")
        units = page_query_counts(self.client, {"units": "/pemda/32.75/perencanaan/unit/"})
        ServiceUnit.objects.bulk_create(
            ServiceUnit(pemda=self.pemda_a, kind="posyandu", name=f"Y{n}", kecamatan="32.75.01")
            for n in range(30)
        )
        self.assertEqual(
            units, page_query_counts(self.client, {"units": "/pemda/32.75/perencanaan/unit/"})
        )
