"""Every write path respects the workflow's locks with a clear message: the Excel upload (its
preview names the locked JPD by sheet and row; confirming writes nothing) and the by-name
registry's counts (offered in the entry form only while the JPD is writable). The form, the
services and the API are proven in test_workflow.py and pendataan's API tests."""

from __future__ import annotations

from tuntas.akun.scope import scope_for
from tuntas.alur.services import jpd_step
from tuntas.pendataan.models import ExcelUpload
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for, target_set
from tuntas.pendataan.tests.test_excel import K01, K02, TW, YEAR, ExcelTestCase
from tuntas.penerima.tests.helpers import PenerimaTestCase
from tuntas.penerima.tests.test_registry_counts import BASE_ROWS, add_regions, import_rows


class ExcelLockTests(ExcelTestCase):
    def test_a_workbook_editing_a_submitted_jpd_is_refused_by_row(self):
        # K01 is complete (sasaran 1000, entry saved): its OPD submits it
        jpd_step(scope=scope_for(self.users["operator_kes"]), pemda=self.pemda_a,
                 jpd=self.jpd[K01], year=YEAR, quarter=TW, step="ajukan",
                 actor=self.users["operator_kes"])  # fmt: skip
        data = self.edited({(K01, "", "terlayani"): 150, (K02, "", "terlayani"): 450})
        upload = self.preview(data)
        messages = [e["message"] for e in upload.errors]
        self.assertTrue(any("terkunci" in m and K01 in m for m in messages), messages)
        page = self.client.get(self.base() + f"unggah/{upload.pk}/").content.decode()
        self.assertIn("terkunci", page)
        self.confirm(upload)
        self.assertNothingWritten()  # all-or-nothing: K02 is not written either

    def test_a_workbook_for_an_approved_quarter_is_refused(self):
        jpd_step(scope=scope_for(self.users["operator_kes"]), pemda=self.pemda_a,
                 jpd=self.jpd[K01], year=YEAR, quarter=TW, step="ajukan",
                 actor=self.users["operator_kes"])  # fmt: skip
        jpd_step(scope=scope_for(self.users["verifikator_tim"]), pemda=self.pemda_a,
                 jpd=self.jpd[K01], year=YEAR, quarter=TW, step="verifikasi",
                 actor=self.users["verifikator_tim"])  # fmt: skip
        # K02 and K03 have targets too: they are filled and verified before approval
        for code in (K02, "1.02.K03"):
            items = mutu_items_for(jpd=self.jpd[code], year=YEAR)
            entry_save(pemda=self.pemda_a, jpd=self.jpd[code], year=YEAR, quarter=TW,
                       data=EntryInput(terlayani=1, mutu={i.pk: (1, 1) for i in items}),
                       expected_version=0, actor=None)  # fmt: skip
            for persona, step in (("operator_kes", "ajukan"), ("verifikator_tim", "verifikasi")):
                jpd_step(scope=scope_for(self.users[persona]), pemda=self.pemda_a,
                         jpd=self.jpd[code], year=YEAR, quarter=TW, step=step,
                         actor=self.users[persona])  # fmt: skip
        from tuntas.alur.services import report_step

        report_step(scope=scope_for(self.users["pimpinan_a"]), pemda=self.pemda_a, year=YEAR,
                    quarter=TW, step="setujui", actor=self.users["pimpinan_a"])  # fmt: skip
        # a workbook downloaded now, editing K04 (no target): the approved report locks it too
        response = self.upload(self.edited({("1.02.K04", "", "terlayani"): 3}))
        upload = ExcelUpload.objects.latest("id")
        self.assertEqual(response.status_code, 302)
        messages = [e["message"] for e in upload.errors]
        self.assertTrue(any("disetujui" in m for m in messages), messages)


class RegistryCountsLockTests(PenerimaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        add_regions()
        import_rows(cls, cls.pemda_a, BASE_ROWS, "bekasi.csv")

    def test_the_counts_are_offered_only_while_the_jpd_is_writable(self):
        target_set(pemda=self.pemda_a, jpd=self.k06, year=2025, sasaran=10, reason="",
                   expected_version=0, actor=None)  # fmt: skip
        items = mutu_items_for(jpd=self.k06, year=2025)
        entry_save(pemda=self.pemda_a, jpd=self.k06, year=2025, quarter=1,
                   data=EntryInput(terlayani=2, mutu={i.pk: (1, 1) for i in items}),
                   expected_version=0, actor=None)  # fmt: skip
        self.login("operator_kes")
        url = "/pemda/32.75/isian/2025/1/1.02.K06/"
        self.assertContains(self.client.get(url), 'data-penerima-terlayani="2"')
        jpd_step(scope=scope_for(self.users["operator_kes"]), pemda=self.pemda_a, jpd=self.k06,
                 year=2025, quarter=1, step="ajukan", actor=self.users["operator_kes"])  # fmt: skip
        page = self.client.get(url)
        self.assertContains(page, "Dari daftar penerima")  # still shown, to compare
        self.assertNotContains(page, "data-penerima-terlayani=")  # but nothing to copy
        self.assertContains(page, 'data-testid="terkunci"')
