"""Perangkat daerah (OPD) administration: services and the /pengaturan/opd/ pages."""

from __future__ import annotations

from tuntas.akun.models import Membership, Role
from tuntas.core.errors import DomainError
from tuntas.core.models import AuditEvent
from tuntas.organisasi.models import JpdAssignment, PerangkatDaerah
from tuntas.organisasi.services import (
    FieldInvalid,
    opd_coordinator_set,
    opd_create,
    opd_delete,
    opd_rename,
)
from tuntas.testing import PersonaTestCase, opd


class OpdServiceTests(PersonaTestCase):
    def test_create_normalises_the_name_and_writes_an_audit_row(self):
        admin = self.users["admin_a"]
        created = opd_create(pemda=self.pemda_a, name="  Dinas   Lingkungan Hidup ", actor=admin)
        self.assertEqual(created.name, "Dinas Lingkungan Hidup")
        self.assertEqual(created.pemda, self.pemda_a)
        self.assertFalse(created.is_coordinator)
        event = AuditEvent.objects.get(action="opd.tambah")
        self.assertEqual(event.actor, admin)
        self.assertEqual(event.object_id, str(created.pk))
        self.assertEqual(event.data["pemda"], "32.75")
        self.assertEqual(event.data["nama"], "Dinas Lingkungan Hidup")

    def test_names_are_unique_per_pemda_whatever_the_letter_case(self):
        with self.assertRaises(FieldInvalid) as ctx:
            opd_create(pemda=self.pemda_a, name="dinas KESEHATAN", actor=self.users["admin_a"])
        self.assertEqual(ctx.exception.field, "name")
        self.assertTrue(str(ctx.exception).startswith("Nama perangkat daerah:"))
        self.assertIn("sudah ada di Kota Bekasi", str(ctx.exception))
        self.assertFalse(AuditEvent.objects.filter(action="opd.tambah").exists())
        # another pemda may have the same name (B has its own Dinas Kesehatan already)
        self.assertTrue(PerangkatDaerah.objects.filter(pemda=self.pemda_b, name="Dinas Kesehatan"))
        opd_create(pemda=self.pemda_b, name="Dinas Lingkungan Hidup", actor=self.users["admin_b"])
        opd_create(pemda=self.pemda_a, name="Dinas Lingkungan Hidup", actor=self.users["admin_a"])

    def test_an_empty_or_too_long_name_is_refused_naming_the_field(self):
        for name in ("", "   ", "x" * 161):
            with self.subTest(name=name[:5]), self.assertRaises(FieldInvalid) as ctx:
                opd_create(pemda=self.pemda_a, name=name, actor=self.users["admin_a"])
            self.assertIn("Nama perangkat daerah", str(ctx.exception))

    def test_rename(self):
        kes = opd(self.pemda_a, "Dinas Kesehatan")
        renamed = opd_rename(
            opd=kes, name="Dinas Kesehatan Kota Bekasi", actor=self.users["admin_a"]
        )
        self.assertEqual(renamed.name, "Dinas Kesehatan Kota Bekasi")
        kes.refresh_from_db()
        self.assertEqual(kes.name, "Dinas Kesehatan Kota Bekasi")
        event = AuditEvent.objects.get(action="opd.ubah_nama")
        self.assertEqual(event.data["lama"], "Dinas Kesehatan")
        self.assertEqual(event.data["baru"], "Dinas Kesehatan Kota Bekasi")
        self.assertEqual(event.actor, self.users["admin_a"])
        # its JPD and members stay with it
        self.assertTrue(JpdAssignment.objects.filter(opd=kes, jpd_id="1.02.K01").exists())

    def test_rename_to_another_opds_name_is_refused_and_to_its_own_name_is_a_no_op(self):
        kes = opd(self.pemda_a, "Dinas Kesehatan")
        with self.assertRaises(FieldInvalid):
            opd_rename(opd=kes, name="Dinas Pendidikan", actor=self.users["admin_a"])
        opd_rename(opd=kes, name="Dinas Kesehatan", actor=self.users["admin_a"])
        # a change of letter case only is allowed (the OPD does not clash with itself)
        opd_rename(opd=kes, name="DINAS KESEHATAN", actor=self.users["admin_a"])
        self.assertEqual(
            list(AuditEvent.objects.filter(action="opd.ubah_nama").values_list("data", flat=True)),
            [{"pemda": "32.75", "lama": "Dinas Kesehatan", "baru": "DINAS KESEHATAN"}],
        )

    def test_coordinator_flag(self):
        sos = opd(self.pemda_a, "Dinas Sosial")
        self.assertFalse(sos.is_coordinator)
        opd_coordinator_set(opd=sos, is_coordinator=True, actor=self.users["admin_a"])
        sos.refresh_from_db()
        self.assertTrue(sos.is_coordinator)
        opd_coordinator_set(opd=sos, is_coordinator=True, actor=self.users["admin_a"])  # no-op
        opd_coordinator_set(opd=sos, is_coordinator=False, actor=self.users["admin_a"])
        sos.refresh_from_db()
        self.assertFalse(sos.is_coordinator)
        self.assertEqual(
            [e.data["koordinator"] for e in AuditEvent.objects.filter(action="opd.koordinator")],
            [False, True],  # newest first
        )

    def test_delete_is_refused_while_the_opd_is_pengampu_or_has_members(self):
        kes = opd(self.pemda_a, "Dinas Kesehatan")
        n_jpd = JpdAssignment.objects.filter(opd=kes).count()
        n_members = Membership.objects.filter(opd=kes).count()
        self.assertGreater(n_jpd, 0)
        self.assertGreater(n_members, 0)
        with self.assertRaises(DomainError) as ctx:
            opd_delete(opd=kes, actor=self.users["admin_a"])
        message = str(ctx.exception)
        self.assertIn("Dinas Kesehatan tidak dapat dihapus", message)
        self.assertIn(f"masih menjadi pengampu {n_jpd} JPD", message)
        self.assertIn(f"masih memiliki {n_members} keanggotaan pengguna", message)
        self.assertIn("Pengampu JPD", message)
        self.assertTrue(PerangkatDaerah.objects.filter(pk=kes.pk).exists())
        self.assertFalse(AuditEvent.objects.filter(action="opd.hapus").exists())

    def test_delete_is_refused_while_only_members_remain(self):
        baru = opd_create(pemda=self.pemda_a, name="Inspektorat", actor=self.users["admin_a"])
        Membership.objects.create(
            user=self.users["nobody"], pemda=self.pemda_a, opd=baru, role=Role.VERIFIKATOR
        )
        with self.assertRaises(DomainError) as ctx:
            opd_delete(opd=baru, actor=self.users["admin_a"])
        self.assertIn("masih memiliki 1 keanggotaan pengguna", str(ctx.exception))
        self.assertNotIn("pengampu", str(ctx.exception).split(".")[0])

    def test_delete_an_unused_opd(self):
        baru = opd_create(pemda=self.pemda_a, name="Inspektorat", actor=self.users["admin_a"])
        opd_delete(opd=baru, actor=self.users["admin_a"])
        self.assertFalse(PerangkatDaerah.objects.filter(pk=baru.pk).exists())
        event = AuditEvent.objects.get(action="opd.hapus")
        self.assertEqual(event.data, {"pemda": "32.75", "nama": "Inspektorat"})
        self.assertEqual(event.actor, self.users["admin_a"])


class OpdPageTests(PersonaTestCase):
    url = "/pemda/32.75/pengaturan/opd/"

    def test_list_shows_the_opd_with_their_use(self):
        self.login("admin_a")
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        kes = opd(self.pemda_a, "Dinas Kesehatan")
        row = response.context["rows"]
        by_name = {r.opd.name: r for r in row}
        self.assertEqual(
            by_name["Dinas Kesehatan"].assignment_count,
            JpdAssignment.objects.filter(opd=kes).count(),
        )
        self.assertEqual(by_name["Dinas Kesehatan"].member_count, 2)  # operator + verifikator
        self.assertTrue(by_name["Bagian Tata Pemerintahan Setda"].opd.is_coordinator)
        self.assertContains(response, 'value="Dinas Kesehatan"')
        self.assertNotContains(response, "Kota Tangerang Selatan")
        # coordinator first
        self.assertEqual(row[0].opd.name, "Bagian Tata Pemerintahan Setda")

    def test_add(self):
        self.login("admin_a")
        response = self.client.post(self.url, {"name": "Dinas Lingkungan Hidup"}, follow=True)
        self.assertRedirects(response, self.url)
        self.assertContains(response, "Perangkat daerah Dinas Lingkungan Hidup ditambahkan.")
        self.assertTrue(
            PerangkatDaerah.objects.filter(pemda=self.pemda_a, name="Dinas Lingkungan Hidup")
        )

    def test_add_a_duplicate_shows_the_error_on_the_field(self):
        self.login("admin_a")
        before = PerangkatDaerah.objects.count()
        response = self.client.post(self.url, {"name": "dinas pendidikan"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "sudah ada di Kota Bekasi", status_code=400)
        self.assertIn("name", response.context["form"].errors)
        self.assertEqual(PerangkatDaerah.objects.count(), before)

    def test_rename_and_coordinator_pages(self):
        self.login("admin_a")
        sos = opd(self.pemda_a, "Dinas Sosial")
        response = self.client.post(
            f"{self.url}{sos.pk}/nama/", {"name": "Dinas Sosial dan PPPA"}, follow=True
        )
        self.assertContains(response, "Nama disimpan: Dinas Sosial dan PPPA.")
        response = self.client.post(f"{self.url}{sos.pk}/nama/", {"name": "Dinas Pendidikan"})
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        page = self.client.get(self.url)
        self.assertContains(page, "sudah ada di Kota Bekasi")
        sos.refresh_from_db()
        self.assertEqual(sos.name, "Dinas Sosial dan PPPA")

        self.client.post(f"{self.url}{sos.pk}/koordinator/", {"koordinator": "1"})
        sos.refresh_from_db()
        self.assertTrue(sos.is_coordinator)
        self.client.post(f"{self.url}{sos.pk}/koordinator/", {"koordinator": "0"})
        sos.refresh_from_db()
        self.assertFalse(sos.is_coordinator)

    def test_delete_in_use_says_why(self):
        self.login("admin_a")
        kes = opd(self.pemda_a, "Dinas Kesehatan")
        response = self.client.post(f"{self.url}{kes.pk}/hapus/", follow=True)
        self.assertContains(response, "Dinas Kesehatan tidak dapat dihapus: masih menjadi pengampu")
        self.assertTrue(PerangkatDaerah.objects.filter(pk=kes.pk).exists())

    def test_delete_unused(self):
        self.login("admin_a")
        baru = PerangkatDaerah.objects.create(pemda=self.pemda_a, name="Inspektorat")
        response = self.client.post(f"{self.url}{baru.pk}/hapus/", follow=True)
        self.assertContains(response, "Perangkat daerah Inspektorat dihapus.")
        self.assertFalse(PerangkatDaerah.objects.filter(pk=baru.pk).exists())

    def test_an_opd_of_another_pemda_is_not_found_through_this_pemda(self):
        self.login("admin_a")
        kes_b = opd(self.pemda_b, "Dinas Kesehatan")
        for action, data in (("nama/", {"name": "X"}), ("koordinator/", {}), ("hapus/", {})):
            with self.subTest(action=action):
                response = self.client.post(f"{self.url}{kes_b.pk}/{action}", data)
                self.assertEqual(response.status_code, 404)
        kes_b.refresh_from_db()
        self.assertEqual(kes_b.name, "Dinas Kesehatan")
        self.assertFalse(AuditEvent.objects.filter(object_type="opd").exists())
