"""The approval workflow: every step and who may take it, locks on every write path, returns
pointing at values, unlock of one JPD, what changed since approval, and the audit trail."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction

from tuntas.akun.scope import scope_for
from tuntas.alur.models import FieldFlag, JpdState, ReportState
from tuntas.alur.services import (
    StepForbidden,
    StepInvalid,
    StepRefused,
    jpd_step,
    report_step,
)
from tuntas.core.models import AuditEvent
from tuntas.katalog.models import Jpd
from tuntas.pendataan.locks import EntryLocked
from tuntas.pendataan.models import QuarterEntry
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for, target_set
from tuntas.testing import PersonaTestCase
from tuntas.testing.api import entry_fill

YEAR, TW = 2025, 2
K07, K01 = "1.02.K07", "1.02.K01"  # health JPD (pengampu: Dinas Kesehatan)


class WorkflowCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        entry_fill(cls.pemda_a, K07, year=YEAR, quarter=TW, sasaran=100, terlayani=80)

    def jpd(self, code: str = K07) -> Jpd:
        return Jpd.objects.get(code=code)

    def step(self, persona: str, step: str, code: str = K07, **kw: Any) -> JpdState:
        return jpd_step(
            scope=scope_for(self.users[persona]),
            pemda=self.pemda_a,
            jpd=self.jpd(code),
            year=YEAR,
            quarter=TW,
            step=step,
            actor=self.users[persona],
            **kw,
        )

    def report(self, persona: str, step: str, **kw: Any) -> ReportState:
        return report_step(
            scope=scope_for(self.users[persona]),
            pemda=self.pemda_a,
            year=YEAR,
            quarter=TW,
            step=step,
            actor=self.users[persona],
            **kw,
        )

    def save(self, terlayani: int, code: str = K07, persona: str = "operator_kes") -> QuarterEntry:
        jpd = self.jpd(code)
        entry = QuarterEntry.objects.get(pemda=self.pemda_a, jpd=jpd, year=YEAR, quarter=TW)
        items = mutu_items_for(jpd=jpd, year=YEAR)
        return entry_save(
            pemda=self.pemda_a,
            jpd=jpd,
            year=YEAR,
            quarter=TW,
            data=EntryInput(terlayani=terlayani, mutu={i.pk: (10, 10) for i in items}),
            expected_version=entry.version,
            actor=self.users[persona],
        )

    def to_verified(self) -> None:
        self.step("operator_kes", "ajukan")
        self.step("verifikator_tim", "verifikasi")

    def to_sent(self) -> None:
        self.to_verified()
        self.report("pimpinan_a", "setujui")
        self.report("admin_a", "kirim")


class StepTests(WorkflowCase):
    def test_one_quarter_from_operator_to_province(self):
        self.assertEqual(self.step("operator_kes", "ajukan").status, "diajukan")
        self.assertEqual(self.step("verifikator_tim", "verifikasi").status, "diverifikasi")
        self.assertEqual(self.report("pimpinan_a", "setujui").status, "disetujui")
        report = self.report("admin_a", "kirim")
        self.assertEqual(report.status, "dikirim")
        self.assertIsNotNone(report.first_sent_at)
        self.assertEqual(self.report("provinsi_jabar", "terima").status, "diterima")
        actions = list(
            AuditEvent.objects.filter(pemda="32.75", action__startswith="alur.")
            .order_by("id")
            .values_list("action", "actor__username")
        )
        self.assertEqual(
            actions,
            [
                ("alur.jpd.ajukan", "operator_kes"),
                ("alur.jpd.verifikasi", "verifikator_tim"),
                ("alur.laporan.setujui", "pimpinan_a"),
                ("alur.laporan.kirim", "admin_a"),
                ("alur.laporan.terima", "provinsi_jabar"),
            ],
        )

    def test_who_may_submit_and_verify(self):
        for persona in ("operator_dik", "pimpinan_a", "provinsi_jabar", "pusat"):
            with self.subTest(persona=persona), self.assertRaises(StepForbidden):
                self.step(persona, "ajukan")
        self.step("verifikator_kes", "ajukan")  # the OPD's own verifier may submit
        for persona in ("operator_kes", "verifikator_kes", "pimpinan_a", "provinsi_jabar"):
            with self.subTest(persona=persona), self.assertRaises(StepForbidden):
                self.step(persona, "verifikasi")
        with self.assertRaises(StepRefused):  # already submitted
            self.step("operator_kes", "ajukan")
        self.step("admin_a", "verifikasi")  # admin pemda is part of the SPM team

    def test_an_incomplete_entry_cannot_be_submitted(self):
        jpd = self.jpd(K01)
        target_set(pemda=self.pemda_a, jpd=jpd, year=YEAR, sasaran=50, reason="",
                   expected_version=0, actor=None)  # fmt: skip
        entry_save(pemda=self.pemda_a, jpd=jpd, year=YEAR, quarter=TW,
                   data=EntryInput(terlayani=10), expected_version=0, actor=None)  # fmt: skip
        with self.assertRaisesMessage(StepRefused, "belum lengkap"):
            self.step("operator_kes", "ajukan", K01)

    def test_approval_needs_every_targeted_jpd_verified_and_names_the_open_ones(self):
        self.step("operator_kes", "ajukan")
        with self.assertRaisesMessage(StepRefused, f"{K07} (diajukan)"):
            self.report("pimpinan_a", "setujui")
        self.step("verifikator_tim", "verifikasi")
        for persona in ("operator_kes", "verifikator_tim", "provinsi_jabar"):
            with self.subTest(persona=persona), self.assertRaises(StepForbidden):
                self.report(persona, "setujui")
        # admin pemda approves "atas nama" the head only with a note
        with self.assertRaises(StepInvalid):
            self.report("admin_a", "setujui")
        report = self.report("admin_a", "setujui", reason="Atas perintah Wali Kota, 3/12")
        self.assertEqual(report.on_behalf_note, "Atas perintah Wali Kota, 3/12")
        event = AuditEvent.objects.get(action="alur.laporan.setujui")
        self.assertTrue(event.data["atas_nama"])

    def test_sending_and_deciding(self):
        self.to_verified()
        with self.assertRaises(StepRefused):  # not approved yet
            self.report("admin_a", "kirim")
        self.report("pimpinan_a", "setujui")
        with self.assertRaises(StepForbidden):
            self.report("operator_kes", "kirim")
        self.report("admin_a", "kirim")
        for persona in ("admin_a", "pimpinan_a", "pusat", "admin_b"):
            with self.subTest(persona=persona), self.assertRaises(StepForbidden):
                self.report(persona, "terima")  # the province receives a kab/kota's report
        with self.assertRaises(StepInvalid):  # a return needs a reason
            self.report("provinsi_jabar", "kembalikan")
        report = self.report(
            "provinsi_jabar", "kembalikan", reason="Terlayani K07 tidak sesuai data puskesmas",
            points=[(self.jpd(), "terlayani")],
        )  # fmt: skip
        self.assertEqual(report.status, "dikembalikan")
        state = JpdState.objects.get(jpd_id=K07)
        self.assertEqual((state.status, state.reason[:9]), ("dikembalikan", "Terlayani"))
        self.assertEqual(
            list(
                FieldFlag.objects.filter(resolved_at__isnull=True).values_list("field", flat=True)
            ),
            ["terlayani"],
        )

    def test_a_province_report_goes_to_pusat(self):
        from tuntas.akun.models import Membership, Role
        from tuntas.testing import make_user

        admin_p = make_user("admin_prov")
        Membership.objects.create(user=admin_p, pemda=self.prov, role=Role.ADMIN_PEMDA)
        jpd = Jpd.objects.filter(level="provinsi").order_by("code").first()
        assert jpd is not None
        entry_fill(self.prov, jpd.code, year=YEAR, quarter=TW, sasaran=10, terlayani=10)
        scope = scope_for(admin_p)
        kw: dict[str, Any] = {"pemda": self.prov, "year": YEAR, "quarter": TW, "actor": admin_p}
        jpd_step(scope=scope, jpd=jpd, step="ajukan", **kw)
        jpd_step(scope=scope, jpd=jpd, step="verifikasi", **kw)
        report_step(scope=scope, step="setujui", reason="atas nama Gubernur", **kw)
        report_step(scope=scope, step="kirim", **kw)
        with self.assertRaises(StepForbidden):  # not the province's own overseer role
            report_step(scope=scope_for(self.users["provinsi_jabar"]), step="terima",
                        **{**kw, "actor": self.users["provinsi_jabar"]})  # fmt: skip
        done = report_step(scope=scope_for(self.users["pusat"]), step="terima",
                           **{**kw, "actor": self.users["pusat"]})  # fmt: skip
        self.assertEqual(done.status, "diterima")


class LockTests(WorkflowCase):
    def test_a_submitted_jpd_refuses_every_save_and_nothing_changes(self):
        self.step("operator_kes", "ajukan")
        before = QuarterEntry.objects.get(jpd_id=K07)
        events = AuditEvent.objects.count()
        for persona in ("operator_kes", "verifikator_tim", "admin_a"):
            with self.subTest(persona=persona), self.assertRaisesMessage(EntryLocked, "terkunci"):
                self.save(90, persona=persona)
        with self.assertRaisesMessage(EntryLocked, "Sasaran tahunan"):
            target_set(pemda=self.pemda_a, jpd=self.jpd(), year=YEAR, sasaran=120,
                       reason="revisi", expected_version=1, actor=None)  # fmt: skip
        after = QuarterEntry.objects.get(jpd_id=K07)
        self.assertEqual((after.terlayani, after.version), (before.terlayani, before.version))
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_the_form_shows_the_lock_and_refuses_the_post(self):
        self.to_verified()
        self.client.force_login(self.users["operator_kes"])
        url = f"/pemda/32.75/isian/{YEAR}/{TW}/{K07}/"
        page = self.client.get(url).content.decode()
        self.assertIn('data-testid="terkunci"', page)
        self.assertIn("Diverifikasi", page)
        entry = QuarterEntry.objects.get(jpd_id=K07)
        response = self.client.post(url, {"version": entry.version, "terlayani": "95"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("terkunci", response.content.decode())
        self.assertEqual(QuarterEntry.objects.get(jpd_id=K07).terlayani, 80)

    def test_an_approved_report_locks_even_a_jpd_without_target(self):
        self.to_verified()
        self.report("pimpinan_a", "setujui")
        with self.assertRaisesMessage(EntryLocked, "disetujui"):
            entry_save(pemda=self.pemda_a, jpd=self.jpd(K01), year=YEAR, quarter=TW,
                       data=EntryInput(terlayani=5), expected_version=0, actor=None)  # fmt: skip

    def test_other_quarters_stay_open(self):
        self.to_sent()
        entry_save(pemda=self.pemda_a, jpd=self.jpd(), year=YEAR, quarter=3,
                   data=EntryInput(terlayani=85), expected_version=0, actor=None)  # fmt: skip


class ReturnAndUnlockTests(WorkflowCase):
    def test_a_return_points_at_values_and_the_form_highlights_them(self):
        self.step("operator_kes", "ajukan")
        item = mutu_items_for(jpd=self.jpd(), year=YEAR)[0]
        with self.assertRaises(StepInvalid):  # unknown value key
            self.step("verifikator_tim", "kembalikan", reason="x", fields=["bukan_isian"])
        self.step(
            "verifikator_tim", "kembalikan", reason="Periksa lagi terlayani dan stok",
            fields=["terlayani", f"mutu:{item.code}:tersedia"],
        )  # fmt: skip
        self.client.force_login(self.users["operator_kes"])
        page = self.client.get(f"/pemda/32.75/isian/{YEAR}/{TW}/{K07}/").content.decode()
        self.assertIn('data-testid="ditandai-terlayani"', page)
        self.assertIn(f'data-testid="ditandai-mutu_{item.pk}_tersedia"', page)
        self.assertIn("Periksa lagi terlayani dan stok", page)
        self.assertNotIn('data-testid="terkunci"', page)  # returned: editable again
        # the operator answers on the thread, then fixes the value: back to draft
        flag = FieldFlag.objects.get(field="terlayani")
        response = self.client.post(
            f"/pemda/32.75/persetujuan/{YEAR}/{TW}/tanda/{flag.pk}/", {"komentar": "Sudah dicek"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(flag.comments.count(), 2)
        self.save(82)
        self.assertEqual(JpdState.objects.get(jpd_id=K07).status, "draf")
        self.step("operator_kes", "ajukan")
        self.step("verifikator_tim", "verifikasi")
        self.assertFalse(FieldFlag.objects.filter(resolved_at__isnull=True).exists())

    def test_unlock_one_jpd_after_sending_and_see_what_changed(self):
        other = "1.02.K06"
        entry_fill(self.pemda_a, other, year=YEAR, quarter=TW, sasaran=40, terlayani=40)
        self.step("operator_kes", "ajukan", other)
        self.step("verifikator_tim", "verifikasi", other)
        self.to_sent()
        with self.assertRaises(StepForbidden):  # after sending: only the receiving level
            self.step("admin_a", "buka", reason="salah ketik")
        with self.assertRaises(StepInvalid):
            self.step("provinsi_jabar", "buka")
        self.step("provinsi_jabar", "buka", reason="Terlayani melebihi data dinas")
        report = ReportState.objects.get(quarter=TW)
        self.assertEqual(report.status, "disusun")  # history kept, approval needed again
        states = dict(JpdState.objects.values_list("jpd_id", "status"))
        self.assertEqual(states, {K07: "dikembalikan", other: "diverifikasi"})  # one JPD only
        with self.assertRaises(EntryLocked):  # the other JPD stays locked
            self.save(39, code=other)
        self.save(78)
        self.client.force_login(self.users["verifikator_tim"])
        page = self.client.get(f"/pemda/32.75/persetujuan/{YEAR}/{TW}/").content.decode()
        self.assertIn('data-testid="berubah-sejak-disetujui"', page)
        self.assertRegex(page, r'class="num lama">80</td><td class="num">78</td>')
        jpd_page = self.client.get(f"/pemda/32.75/persetujuan/{YEAR}/{TW}/jpd/{K07}/")
        self.assertIn('data-testid="berubah-sejak-verifikasi"', jpd_page.content.decode())
        actions = list(
            AuditEvent.objects.filter(action__startswith="alur.laporan").values_list(
                "action", flat=True
            )
        )
        self.assertIn("alur.laporan.susun-ulang", actions)

    def test_the_spm_team_unlocks_before_sending(self):
        self.to_verified()
        self.report("pimpinan_a", "setujui")
        with self.assertRaises(StepForbidden):
            self.step("provinsi_jabar", "buka", reason="x")  # not sent: not the province's
        self.step("admin_a", "buka", reason="Pagu belum final")
        self.assertEqual(ReportState.objects.get(quarter=TW).status, "disusun")


class AuditTests(WorkflowCase):
    def test_every_value_change_is_audited_with_old_and_new(self):
        self.save(85)
        event = AuditEvent.objects.filter(action="isian.simpan").latest("id")
        self.assertEqual(event.pemda, "32.75")
        self.assertEqual(event.object_id, f"32.75/{YEAR}/TW{TW}/{K07}")
        self.assertEqual(event.data["perubahan"], [{"kolom": "terlayani", "lama": 80, "baru": 85}])
        target_set(pemda=self.pemda_a, jpd=self.jpd(), year=YEAR, sasaran=110,
                   reason="Data Dukcapil baru", expected_version=1, actor=self.users["admin_a"])  # fmt: skip
        event = AuditEvent.objects.filter(action="sasaran.ubah").latest("id")
        self.assertEqual(event.data["perubahan"], [{"kolom": "sasaran", "lama": 100, "baru": 110}])
        self.assertEqual(event.data["alasan"], "Data Dukcapil baru")
        self.client.force_login(self.users["operator_kes"])
        page = self.client.get(f"/pemda/32.75/persetujuan/{YEAR}/{TW}/jpd/{K07}/").content.decode()
        self.assertIn("Data Dukcapil baru", page)
        self.assertIn('data-testid="riwayat-nilai"', page)

    def test_the_database_refuses_to_change_or_delete_audit_rows(self):
        event = AuditEvent.objects.latest("id")
        for attempt in (
            lambda: AuditEvent.objects.filter(pk=event.pk).update(action="dipalsukan"),
            lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
            lambda: connection.cursor().execute(
                "UPDATE core_auditevent SET data = %s WHERE id = %s", ["{}", event.pk]
            ),
            lambda: connection.cursor().execute("DELETE FROM core_auditevent"),
        ):
            with (
                self.subTest(attempt=attempt),
                self.assertRaises(IntegrityError),
                transaction.atomic(),
            ):
                attempt()
        event.refresh_from_db()
        self.assertNotEqual(event.action, "dipalsukan")

    def test_the_quarters_audit_as_xlsx(self):
        from python_calamine import CalamineWorkbook

        self.save(85)
        self.step("operator_kes", "ajukan")
        self.client.force_login(self.users["pimpinan_a"])
        response = self.client.get(f"/pemda/32.75/persetujuan/{YEAR}/{TW}/riwayat.xlsx")
        self.assertEqual(response.status_code, 200)
        book = CalamineWorkbook.from_filelike(
            __import__("io").BytesIO(b"".join(response.streaming_content))
        )
        rows = book.get_sheet_by_index(0).to_python()
        flat = [[str(c) for c in r] for r in rows]
        self.assertTrue(
            any(r[2] == K07 and r[4] == "80" and r[5] == "85" for r in flat if len(r) > 5)
        )
        self.assertTrue(any("alur.jpd.ajukan" in r for r in flat))


class ApiTests(WorkflowCase):
    def post(self, persona: str, path: str, body: dict[str, Any] | None = None) -> Any:
        self.client.force_login(self.users[persona])
        return self.client.post(
            f"/api/pemda/32.75/laporan/{YEAR}/{TW}/{path}",
            json.dumps(body or {}),
            content_type="application/json",
        )

    def test_walk_one_quarter_through_the_api(self):
        self.assertEqual(self.post("operator_kes", f"jpd/{K07}/ajukan").status_code, 200)
        refused = self.post("operator_kes", f"jpd/{K07}/ajukan")
        self.assertEqual(refused.status_code, 409)
        self.assertIn("sudah diajukan", refused.json()["detail"])
        bad = self.post("verifikator_tim", f"jpd/{K07}/kembalikan")
        self.assertEqual(bad.status_code, 422)
        self.assertEqual(bad.json()["galat"][0]["lokasi"], ["body", "alasan"])
        self.assertEqual(self.post("verifikator_tim", f"jpd/{K07}/verifikasi").status_code, 200)
        self.assertEqual(self.post("operator_kes", "setujui").status_code, 403)
        self.assertEqual(self.post("pimpinan_a", "setujui").status_code, 200)
        self.assertEqual(self.post("admin_a", "kirim").status_code, 200)
        self.assertEqual(self.post("admin_b", "terima").status_code, 404)  # outsider
        answer = self.post(
            "provinsi_jabar", "kembalikan",
            {"alasan": "Pagu tidak sesuai DPA", "tanda": [{"jpd": K07, "isian": "pagu"}]},
        )  # fmt: skip
        self.assertEqual(answer.status_code, 200)
        body = answer.json()
        self.assertEqual(body["status"], "dikembalikan")
        k07 = next(j for j in body["jpd"] if j["kode"] == K07)
        self.assertEqual((k07["status"], k07["catatan"], k07["tanda_terbuka"]),
                         ("dikembalikan", "Pagu tidak sesuai DPA", 1))  # fmt: skip
        self.client.force_login(self.users["pimpinan_a"])
        status = self.client.get(f"/api/pemda/32.75/laporan/{YEAR}/{TW}").json()
        self.assertEqual(
            [r["aksi"] for r in status["riwayat"]],
            ["alur.jpd.ajukan", "alur.jpd.verifikasi", "alur.laporan.setujui",
             "alur.laporan.kirim", "alur.jpd.kembalikan", "alur.laporan.kembalikan"],
        )  # fmt: skip
        self.assertEqual(status["riwayat"][-1]["alasan"], "Pagu tidak sesuai DPA")

    def test_the_schema_lists_every_step(self):
        schema = self.client.get("/api/openapi.json").json()
        paths = schema["paths"]
        self.assertIn("/api/pemda/{kode}/laporan/{tahun}/{tw}", paths)
        jpd_path = "/api/pemda/{kode}/laporan/{tahun}/{tw}/jpd/{kode_jpd}/{aksi}"
        self.assertIn("409", paths[jpd_path]["post"]["responses"])
        text = json.dumps(schema)
        for step in ("ajukan", "verifikasi", "kembalikan", "buka", "setujui", "kirim", "terima"):
            self.assertIn(f'"{step}"', text)


class MoneyChangeTests(WorkflowCase):
    def test_rupiah_changes_are_audited_exactly(self):
        jpd = self.jpd()
        entry = QuarterEntry.objects.get(jpd_id=K07)
        items = mutu_items_for(jpd=jpd, year=YEAR)
        entry_save(pemda=self.pemda_a, jpd=jpd, year=YEAR, quarter=TW,
                   data=EntryInput(terlayani=80, mutu={i.pk: (10, 10) for i in items},
                                   pagu=Decimal("1250000")),
                   expected_version=entry.version, actor=None)  # fmt: skip
        event = AuditEvent.objects.filter(action="isian.simpan").latest("id")
        self.assertEqual(
            event.data["perubahan"], [{"kolom": "pagu", "lama": None, "baru": "1250000"}]
        )


class QueryCountTests(WorkflowCase):
    def test_the_report_page_costs_the_same_however_many_jpd_move(self):
        from tuntas.testing import page_query_counts

        self.client.force_login(self.users["verifikator_tim"])
        urls = {
            "laporan": f"/pemda/32.75/persetujuan/{YEAR}/{TW}/",
            "api": f"/api/pemda/32.75/laporan/{YEAR}/{TW}",
        }
        self.step("operator_kes", "ajukan")
        before = page_query_counts(self.client, urls)
        for code in ("1.02.K01", "1.02.K02", "1.02.K03"):
            entry_fill(self.pemda_a, code, year=YEAR, quarter=TW, sasaran=10, terlayani=5)
            self.step("operator_kes", "ajukan", code)
            self.step("verifikator_tim", "kembalikan", code, reason="cek", fields=["terlayani"])
        self.assertEqual(page_query_counts(self.client, urls), before)


class DeadlineOnThePageTests(WorkflowCase):
    def test_the_report_page_shows_the_deadline_and_whether_it_was_met(self):
        self.client.force_login(self.users["admin_a"])
        page = self.client.get(f"/pemda/32.75/persetujuan/{YEAR}/{TW}/").content.decode()
        self.assertIn("20 Juli 2025 (belum dikonfirmasi)", page)
        self.assertRegex(page, r'data-testid="ketepatan">belum mengirim<')
        self.to_sent()
        page = self.client.get(f"/pemda/32.75/persetujuan/{YEAR}/{TW}/").content.decode()
        self.assertRegex(page, r'data-testid="ketepatan">terlambat<')  # sent in 2026


class WithoutActorTests(WorkflowCase):
    def test_pages_show_steps_whose_account_is_gone(self):
        from django.utils import timezone

        from tuntas.alur.models import FlagComment

        ReportState.objects.update_or_create(
            pemda=self.pemda_a, year=YEAR, quarter=TW,
            defaults={"status": "diterima", "approved_at": timezone.now(), "approved_by": None},
        )  # fmt: skip
        flag = FieldFlag.objects.create(pemda=self.pemda_a, jpd=self.jpd(), year=YEAR,
                                        quarter=TW, field="terlayani")  # fmt: skip
        FlagComment.objects.create(pemda=self.pemda_a, flag=flag, author=None, text="cek")
        self.client.force_login(self.users["provinsi_jabar"])
        for url in (f"/pemda/32.75/persetujuan/{YEAR}/{TW}/",
                    f"/pemda/32.75/persetujuan/{YEAR}/{TW}/jpd/{K07}/"):  # fmt: skip
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), "—")
