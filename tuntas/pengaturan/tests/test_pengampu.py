"""The pengampu page: which OPD is responsible for each JPD, and what a change does to entry."""

from __future__ import annotations

from tuntas.core.models import AuditEvent
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import JpdAssignment
from tuntas.pendataan.models import QuarterEntry
from tuntas.testing import PersonaTestCase, opd

URL = "/pemda/32.75/pengaturan/pengampu/"
JPD = "1.02.K01"  # pelayanan kesehatan ibu hamil, Dinas Kesehatan by default
ENTRY = f"/pemda/32.75/isian/2024/1/{JPD}/"


class AssignmentPageTests(PersonaTestCase):
    def pengampu(self, code: str = JPD) -> str:
        return JpdAssignment.objects.get(pemda=self.pemda_a, jpd_id=code).opd.name

    def test_table_lists_every_jpd_of_the_level_with_a_select_of_the_pemdas_opd(self):
        self.login("admin_a")
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        rows = response.context["rows"]
        self.assertEqual(
            [r.jpd.code for r in rows],
            list(
                Jpd.objects.filter(level="kabkota").order_by("code").values_list("code", flat=True)
            ),
        )
        self.assertTrue(all(r.opd_id is not None and r.is_default for r in rows))
        self.assertContains(response, 'name="opd"', count=len(rows))
        self.assertContains(response, f'hx-post="{URL}{JPD}/"')
        kes = opd(self.pemda_a, "Dinas Kesehatan")
        self.assertContains(response, f'<option value="{kes.pk}" selected>Dinas Kesehatan</option>')
        # only A's OPD are offered
        kes_b = opd(self.pemda_b, "Dinas Kesehatan")
        self.assertNotContains(response, f'value="{kes_b.pk}"')

    def test_change_moves_the_jpd_and_is_audited(self):
        self.login("admin_a")
        dik = opd(self.pemda_a, "Dinas Pendidikan")
        response = self.client.post(f"{URL}{JPD}/", {"opd": dik.pk}, follow=True)
        self.assertRedirects(response, URL)
        self.assertContains(response, f"Pengampu {JPD} sekarang Dinas Pendidikan.")
        self.assertEqual(self.pengampu(), "Dinas Pendidikan")
        event = AuditEvent.objects.get(action="pengampu.ubah")
        self.assertEqual(event.actor, self.users["admin_a"])
        self.assertEqual(event.data, {"jpd": JPD, "opd": "Dinas Pendidikan"})
        # the row now says it differs from the catalog's default
        row = next(r for r in response.context["rows"] if r.jpd.code == JPD)
        self.assertFalse(row.is_default)
        self.assertEqual(row.default_name, "Dinas Kesehatan")

    def test_choosing_the_same_opd_writes_nothing(self):
        self.login("admin_a")
        kes = opd(self.pemda_a, "Dinas Kesehatan")
        self.client.post(f"{URL}{JPD}/", {"opd": kes.pk})
        self.assertFalse(AuditEvent.objects.filter(action="pengampu.ubah").exists())

    def test_htmx_change_returns_the_redrawn_row(self):
        self.login("admin_a")
        sos = opd(self.pemda_a, "Dinas Sosial")
        response = self.client.post(f"{URL}{JPD}/", {"opd": sos.pk}, headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "pengaturan/_pengampu_row.html")
        self.assertNotContains(response, "<html")
        self.assertContains(response, f'<option value="{sos.pk}" selected>Dinas Sosial</option>')
        self.assertContains(response, "Tersimpan")
        self.assertEqual(self.pengampu(), "Dinas Sosial")

    def test_an_opd_of_another_pemda_is_refused(self):
        self.login("admin_a")
        kes_b = opd(self.pemda_b, "Dinas Kesehatan")
        response = self.client.post(
            f"{URL}{JPD}/", {"opd": kes_b.pk}, headers={"HX-Request": "true"}
        )
        self.assertContains(response, "Pilih perangkat daerah Kota Bekasi.")
        self.assertEqual(self.pengampu(), "Dinas Kesehatan")
        self.assertFalse(AuditEvent.objects.filter(action="pengampu.ubah").exists())

    def test_a_jpd_of_the_other_level_or_unknown_is_not_found(self):
        self.login("admin_a")
        dik = opd(self.pemda_a, "Dinas Pendidikan")
        for code in ("1.02.P01", "9.99.K99"):
            with self.subTest(code=code):
                response = self.client.post(f"{URL}{code}/", {"opd": dik.pk})
                self.assertEqual(response.status_code, 404)

    def entry_post(self, persona: str):
        self.login(persona)
        return self.client.post(ENTRY, {"version": "0", "terlayani": "5"})

    def test_a_change_of_pengampu_moves_data_entry_to_the_new_opds_operator(self):
        # before: Dinas Kesehatan's operator enters, Dinas Pendidikan's may not
        self.assertEqual(self.entry_post("operator_dik").status_code, 403)
        self.assertEqual(self.entry_post("operator_kes").status_code, 302)

        self.login("admin_a")
        dik = opd(self.pemda_a, "Dinas Pendidikan")
        self.client.post(f"{URL}{JPD}/", {"opd": dik.pk}, headers={"HX-Request": "true"})
        self.assertEqual(self.pengampu(), "Dinas Pendidikan")

        self.assertEqual(self.entry_post("operator_kes").status_code, 403)
        self.login("operator_dik")
        response = self.client.post(ENTRY, {"version": "1", "terlayani": "7"})
        self.assertEqual(response.status_code, 302)
        entry = QuarterEntry.objects.get(pemda=self.pemda_a, jpd_id=JPD, year=2024, quarter=1)
        self.assertEqual(entry.terlayani, 7)
        self.assertEqual(entry.updated_by, self.users["operator_dik"])
