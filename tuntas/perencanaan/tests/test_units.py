"""Service units: the page by persona, add / edit / deactivate, the Excel/CSV import (bad rows by
row and column, nothing stored, upsert idempotent), its template, and the demo units."""

from __future__ import annotations

import io

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from tuntas.core.errors import DomainError
from tuntas.core.models import AuditEvent
from tuntas.katalog.models import Jpd
from tuntas.pendataan.services import target_set
from tuntas.perencanaan.models import ServiceUnit
from tuntas.perencanaan.selectors import jpd_needs
from tuntas.perencanaan.units import (
    ImportRefused,
    demo_units_seed,
    service_units_import,
    units_template_xlsx,
)
from tuntas.testing import PersonaTestCase
from tuntas.wilayah.models import Region

LIST = "/pemda/32.75/perencanaan/unit/"
SAVE = LIST + "simpan/"
ACTIVE = LIST + "aktif/"
IMPORT = LIST + "impor/"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return out.getvalue()


class UnitTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Region.objects.create(
            code="32.75.02", name="Bekasi Barat", level="kecamatan", kind="kecamatan",
            parent_id="32.75",
        )  # fmt: skip


class UnitPageTests(UnitTestCase):
    def test_readers_see_units_by_kind_with_counts(self):
        ServiceUnit.objects.create(pemda=self.pemda_a, kind="puskesmas", name="PKM Satu",
                                   kecamatan="32.75.01")  # fmt: skip
        ServiceUnit.objects.create(pemda=self.pemda_a, kind="puskesmas", name="PKM Dua",
                                   kecamatan="32.75.02")  # fmt: skip
        ServiceUnit.objects.create(pemda=self.pemda_a, kind="posyandu", name="Mawar",
                                   kecamatan="32.75.02", active=False)  # fmt: skip
        ServiceUnit.objects.create(pemda=self.pemda_b, kind="puskesmas", name="Serpong",
                                   kecamatan="36.74.01")  # fmt: skip
        for persona in ("pimpinan_a", "provinsi_jabar", "pusat", "operator_kes"):
            self.login(persona)
            page = self.client.get(LIST)
            self.assertEqual(page.status_code, 200, persona)
            self.assertContains(page, "PKM Satu")
            self.assertNotContains(page, "Serpong")
            self.assertContains(page, 'data-jenis="puskesmas">2<', html=False)
            self.assertNotContains(page, 'id="form-unit"')  # read only
        self.login("admin_a")
        page = self.client.get(LIST + "?jenis=puskesmas&kecamatan=32.75.02")
        self.assertContains(page, 'id="form-unit"')
        self.assertContains(page, "PKM Dua")
        self.assertNotContains(page, "PKM Satu")
        self.assertNotContains(page, "Mawar")
        self.login("outsider")
        self.assertEqual(self.client.get(LIST).status_code, 404)

    def test_many_units_paged_and_counted_per_kecamatan(self):
        ServiceUnit.objects.bulk_create(
            ServiceUnit(pemda=self.pemda_a, kind="posyandu", name=f"Posyandu {n:03d}",
                        kecamatan="32.75.01" if n < 90 else "32.75.02")
            for n in range(130)
        )  # fmt: skip
        self.login("admin_a")
        first = self.client.get(LIST)
        self.assertEqual(first.content.count(b"<tr data-unit="), 100)
        self.assertLess(len(first.content), 100_000)  # a light page
        self.assertContains(first, 'data-jenis="posyandu">130<', html=False)
        matrix = first.context["overview"].matrix
        self.assertEqual([(code, n) for code, _name, n in matrix],
                         [("32.75.01", [90]), ("32.75.02", [40])])  # fmt: skip
        second = self.client.get(LIST + "?halaman=2")
        self.assertEqual(second.content.count(b"<tr data-unit="), 30)
        self.assertContains(second, "Posyandu 129")
        only = self.client.get(LIST + "?kecamatan=32.75.02")
        self.assertEqual(only.content.count(b"<tr data-unit="), 40)

    def test_add_edit_and_deactivate(self):
        self.login("verifikator_tim")
        answer = self.client.post(SAVE, {"jenis": " Puskesmas ", "nama": "PKM  Bekasi Jaya",
                                         "kode_kecamatan": "32.75.01", "kode": "P1"})  # fmt: skip
        self.assertRedirects(answer, LIST)
        unit = ServiceUnit.objects.get(pemda=self.pemda_a)
        self.assertEqual((unit.kind, unit.name, unit.code), ("puskesmas", "PKM Bekasi Jaya", "P1"))
        event = AuditEvent.objects.filter(action="unit_layanan.tambah").get()
        self.assertEqual(event.pemda, "32.75")
        # the same kind and name again: a field error, nothing added
        again = self.client.post(SAVE, {"jenis": "puskesmas", "nama": "PKM Bekasi Jaya",
                                        "kode_kecamatan": "32.75.02"})  # fmt: skip
        self.assertEqual(again.status_code, 400)
        self.assertContains(again, "sudah ada", status_code=400)
        self.assertEqual(ServiceUnit.objects.count(), 1)
        # a kecamatan of another pemda: refused
        other = self.client.post(SAVE, {"jenis": "puskesmas", "nama": "X",
                                        "kode_kecamatan": "36.74.01"})  # fmt: skip
        self.assertEqual(other.status_code, 400)
        # edit
        page = self.client.get(f"{LIST}?ubah={unit.pk}")
        self.assertContains(page, 'value="PKM Bekasi Jaya"')
        self.client.post(SAVE, {"id": unit.pk, "jenis": "puskesmas", "nama": "PKM Jaya",
                                "kode_kecamatan": "32.75.02"})  # fmt: skip
        unit.refresh_from_db()
        self.assertEqual((unit.name, unit.kecamatan), ("PKM Jaya", "32.75.02"))
        changed = AuditEvent.objects.filter(action="unit_layanan.simpan").get()
        self.assertIn(
            {"kolom": "nama", "lama": "PKM Bekasi Jaya", "baru": "PKM Jaya"},
            changed.data["perubahan"],
        )
        # deactivate, then activate
        self.assertRedirects(self.client.post(ACTIVE, {"ubah": f"{unit.pk}:0"}), LIST)
        unit.refresh_from_db()
        self.assertFalse(unit.active)
        self.client.post(ACTIVE, {"ubah": f"{unit.pk}:1"})
        unit.refresh_from_db()
        self.assertTrue(unit.active)
        self.assertEqual(
            AuditEvent.objects.filter(action__in=["unit_layanan.nonaktif", "unit_layanan.aktif"])
            .count(),
            2,
        )  # fmt: skip

    def test_writes_refused_by_role_and_tenant(self):
        unit_b = ServiceUnit.objects.create(pemda=self.pemda_b, kind="puskesmas", name="Serpong",
                                            kecamatan="36.74.01")  # fmt: skip
        data = {"jenis": "puskesmas", "nama": "X", "kode_kecamatan": "32.75.01"}
        for persona in ("operator_kes", "verifikator_kes", "pimpinan_a"):
            self.login(persona)
            self.assertEqual(self.client.post(SAVE, data).status_code, 403, persona)
        self.login("admin_b")
        self.assertEqual(self.client.post(SAVE, data).status_code, 404)
        # pemda A's admin cannot reach pemda B's unit by its number
        self.login("admin_a")
        self.assertEqual(self.client.post(ACTIVE, {"ubah": f"{unit_b.pk}:0"}).status_code, 404)
        self.assertEqual(
            self.client.post(SAVE, {**data, "id": unit_b.pk}).status_code, 404
        )  # fmt: skip
        unit_b.refresh_from_db()
        self.assertTrue(unit_b.active)
        self.assertEqual(ServiceUnit.objects.filter(pemda=self.pemda_a).count(), 0)


class UnitImportTests(UnitTestCase):
    GOOD = csv_bytes(
        "jenis;kode;nama;kode_kecamatan",
        "Puskesmas;P01;PKM Bekasi Timur;32.75.01",
        "puskesmas;P02;PKM Bekasi Barat;327502",
        "posyandu;;Mawar 01;32.75.02",
    )

    def upload(self, data: bytes, name: str = "unit.csv"):
        return self.client.post(IMPORT, {"berkas": SimpleUploadedFile(name, data)})

    def test_import_then_the_same_file_again_changes_nothing(self):
        self.login("admin_a")
        self.assertEqual(self.client.get(IMPORT).status_code, 200)
        self.assertRedirects(self.upload(self.GOOD), LIST)
        units = {(u.kind, u.name): (u.code, u.kecamatan) for u in ServiceUnit.objects.all()}
        self.assertEqual(
            units,
            {
                ("puskesmas", "PKM Bekasi Timur"): ("P01", "32.75.01"),
                ("puskesmas", "PKM Bekasi Barat"): ("P02", "32.75.02"),
                ("posyandu", "Mawar 01"): ("", "32.75.02"),
            },
        )
        self.upload(self.GOOD)
        self.assertEqual(ServiceUnit.objects.count(), 3)
        events = list(AuditEvent.objects.filter(action="unit_layanan.impor").order_by("id"))
        self.assertEqual([(e.data["baru"], e.data["diubah"], e.data["tetap"]) for e in events],
                         [(3, 0, 0), (0, 0, 3)])  # fmt: skip
        # an update by (kind, name): the code and kecamatan change, a deactivated unit is back
        ServiceUnit.objects.filter(name="Mawar 01").update(active=False)
        summary = service_units_import(
            pemda=self.pemda_a,
            data=csv_bytes("jenis,nama,kode_kecamatan", "posyandu,Mawar 01,32.75.01"),
            file_name="x.csv",
            actor=None,
        )
        self.assertEqual((summary.created, summary.updated), (0, 1))
        mawar = ServiceUnit.objects.get(name="Mawar 01")
        self.assertEqual((mawar.kecamatan, mawar.active), ("32.75.01", True))
        # the units now count in per-unit needs (KIE: 2 per puskesmas)
        jpd = Jpd.objects.get(code="1.02.K06")
        target_set(pemda=self.pemda_a, jpd=jpd, year=2025, sasaran=1000, reason="",
                   expected_version=0, actor=None)  # fmt: skip
        b01 = next(r for r in jpd_needs(self.pemda_a, jpd, 2025).rows if r.code == "B01")
        self.assertEqual(b01.required, 4)

    def test_bad_rows_by_row_and_column_nothing_stored(self):
        self.login("verifikator_tim")
        bad = csv_bytes(
            "jenis;kode;nama;kode_kecamatan",
            "",
            "puskesmas;P01;PKM Baik;32.75.01",
            ";P02;PKM Tanpa Jenis;32.75.01",
            "puskesmas;P03;PKM Luar;36.74.01",
            "puskesmas;P04;;32.75.01",
            "puskesmas;P05;pkm baik;32.75.02",
            "rumah sakit!;;RS;",
        )
        answer = self.upload(bad)
        self.assertEqual(answer.status_code, 400)
        details = answer.context["details"]
        self.assertEqual(
            [d.split(":")[0] for d in details],
            ["Baris 4, kolom jenis", "Baris 5, kolom kode_kecamatan", "Baris 6, kolom nama",
             "Baris 7, kolom nama", "Baris 8, kolom jenis", "Baris 8, kolom kode_kecamatan"],
        )  # fmt: skip
        self.assertIn("bukan kode kecamatan Kota Bekasi", details[1])
        self.assertIn("sudah ada di baris 3", details[3])
        self.assertContains(answer, "Tidak ada yang disimpan", status_code=400)
        self.assertEqual(ServiceUnit.objects.count(), 0)
        self.assertFalse(AuditEvent.objects.filter(action="unit_layanan.impor").exists())

    def test_files_that_are_no_table_are_refused(self):
        for data, message in (
            (b"", "Berkas kosong"),
            (b"a;b;c\n1;2;3\n", "Judul kolom tidak ditemukan"),
            (b"PK\x03\x04 not really a zip", "tidak dapat dibaca"),
            (b"x" * (5 * 1024 * 1024 + 1), "terlalu besar"),
        ):
            with self.subTest(message=message), self.assertRaisesMessage(ImportRefused, message):
                service_units_import(pemda=self.pemda_a, data=data, file_name="", actor=None)

    def test_xlsx_and_the_template_round_trip(self):
        self.login("admin_a")
        data = xlsx_bytes([["jenis", "kode", "nama", "kode_kecamatan"],
                           ["sekolah", 20212345, "SD Negeri 1", "32.75.01"]])  # fmt: skip
        self.assertRedirects(self.upload(data, "unit.xlsx"), LIST)
        self.assertEqual(ServiceUnit.objects.get().code, "20212345")
        template = self.client.get(LIST + "templat/")
        self.assertEqual(template.status_code, 200)
        book = CalamineWorkbook.from_filelike(io.BytesIO(template.content))
        self.assertEqual(book.sheet_names, ["Unit layanan", "Kecamatan", "Petunjuk"])
        rows = book.get_sheet_by_name("Unit layanan").to_python()
        self.assertEqual(rows[1][:4], ["sekolah", "20212345", "SD Negeri 1", "32.75.01"])
        kec = book.get_sheet_by_name("Kecamatan").to_python()
        self.assertEqual([r[0] for r in kec[1:]], ["32.75.01", "32.75.02"])
        # uploading the template back changes nothing
        summary = service_units_import(
            pemda=self.pemda_a, data=units_template_xlsx(self.pemda_a), file_name="t", actor=None
        )
        self.assertEqual((summary.created, summary.updated, summary.unchanged), (0, 0, 1))

    def test_import_refused_to_readers(self):
        for persona in ("operator_kes", "pimpinan_a", "provinsi_jabar"):
            self.login(persona)
            self.assertEqual(self.upload(self.GOOD).status_code, 403, persona)
        self.assertEqual(ServiceUnit.objects.count(), 0)


class DemoUnitsTests(UnitTestCase):
    def test_demo_units_deterministic_and_idempotent(self):
        with self.assertRaises(DomainError):
            demo_units_seed(pemda=self.pemda_a, year=2026)
        self.pemda_a.is_demo = True
        self.pemda_a.save(update_fields=["is_demo"])
        created = demo_units_seed(pemda=self.pemda_a, year=2026)
        self.assertGreater(created, 0)
        for kecamatan in ("32.75.01", "32.75.02"):
            units = ServiceUnit.objects.filter(pemda=self.pemda_a, kecamatan=kecamatan)
            self.assertIn(units.filter(kind="puskesmas").count(), (1, 2))
            self.assertGreaterEqual(units.filter(kind="posyandu").count(), 3)
            self.assertGreaterEqual(units.filter(kind="sekolah").count(), 2)
        names = sorted(ServiceUnit.objects.values_list("name", flat=True))
        self.assertEqual(demo_units_seed(pemda=self.pemda_a, year=2026), 0)
        ServiceUnit.objects.all().delete()
        self.assertEqual(demo_units_seed(pemda=self.pemda_a, year=2026), created)
        self.assertEqual(sorted(ServiceUnit.objects.values_list("name", flat=True)), names)
