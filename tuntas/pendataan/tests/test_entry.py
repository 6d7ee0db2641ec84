"""Quarterly entry: access on every URL, validation, live calculation, targets, lost updates."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import ClassVar

from django.db import connection

from tuntas.core.models import AuditEvent
from tuntas.katalog.models import Jpd, MutuItem
from tuntas.pendataan.models import (
    AnnualTarget,
    MutuEntry,
    QuarterEntry,
    QuarterResult,
    TargetRevision,
)
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for, target_set
from tuntas.perhitungan.batas import COUNT_MAX, RUPIAH_MAX, RUPIAH_WHOLE_MAX
from tuntas.testing import AccessMatrixMixin, PersonaTestCase

YEAR, TW = 2025, 2
LANSIA = "1.02.K07"  # Dinas Kesehatan
PAUD = "1.01.K01"  # Dinas Pendidikan


def form_data(items, *, version=0, terlayani="3.570", needed="10", available="9", **extra):
    data = {"version": version, "terlayani": terlayani, **extra}
    for item in items:
        data[f"mutu_{item.pk}_dibutuhkan"] = needed
        data[f"mutu_{item.pk}_tersedia"] = available
    return data


class EntryTestCase(PersonaTestCase, AccessMatrixMixin):
    lansia: ClassVar[Jpd]
    items: ClassVar[list[MutuItem]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.lansia = Jpd.objects.get(code=LANSIA)
        cls.items = mutu_items_for(jpd=cls.lansia, year=YEAR)
        target_set(
            pemda=cls.pemda_a,
            jpd=cls.lansia,
            year=YEAR,
            sasaran=4900,
            reason="",
            expected_version=0,
            actor=None,
        )

    def url(self, jpd: str = LANSIA, pemda: str = "32.75", tw: int = TW) -> str:
        return f"/pemda/{pemda}/isian/{YEAR}/{tw}/{jpd}/"


class AccessTests(EntryTestCase):
    readers = {"operator_kes": 200, "operator_dik": 200, "verifikator_kes": 200, "verifikator_tim": 200,
               "admin_a": 200, "pimpinan_a": 200, "provinsi_jabar": 200, "pusat": 200}  # fmt: skip

    def test_list_page(self):
        self.check_access("get", f"/pemda/32.75/isian/{YEAR}/{TW}/", self.readers)

    def test_entry_page(self):
        self.check_access("get", self.url(), self.readers)

    def test_entry_save_for_a_health_jpd(self):
        # writers: the health operator and verifikator, the SPM team, the admin; read-only roles
        # and other agencies' operators get 403; outsiders 404.
        expected = {"operator_kes": 302, "verifikator_kes": 302, "verifikator_tim": 302, "admin_a": 302,
                    "operator_dik": 403, "pimpinan_a": 403, "provinsi_jabar": 403, "pusat": 403}  # fmt: skip
        for persona in expected:
            QuarterEntry.objects.filter(pemda=self.pemda_a).delete()
            self.client.force_login(self.users[persona])
            response = self.client.post(self.url(), form_data(self.items))
            self.assertEqual(response.status_code, expected[persona], persona)
        for persona in ("outsider", "admin_b", "nobody"):
            self.client.force_login(self.users[persona])
            self.assertEqual(self.client.post(self.url(), form_data(self.items)).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.post(self.url(), form_data(self.items)).status_code, 302)
        self.assertFalse(QuarterEntry.objects.filter(pemda=self.pemda_b).exists())

    def test_preview(self):
        self.check_access("post", self.url() + "hitung/", self.readers, data=form_data(self.items))

    def test_target(self):
        expected = {"operator_kes": 302, "verifikator_kes": 302, "verifikator_tim": 302, "admin_a": 302,
                    "operator_dik": 403, "pimpinan_a": 403, "provinsi_jabar": 403, "pusat": 403}  # fmt: skip
        self.check_access(
            "post",
            f"/pemda/32.75/sasaran/{YEAR}/{LANSIA}/",
            expected,
            data={"version": 99, "sasaran": "1"},
        )

    def test_other_pemda_urls_are_404_for_pemda_a_people(self):
        b_readers = {"pusat": 200, "outsider": 200, "admin_b": 200}
        for url in (f"/pemda/36.74/isian/{YEAR}/{TW}/", self.url(pemda="36.74"), "/pemda/36.74/"):
            self.check_access("get", url, b_readers)
        self.check_access("get", "/pemda/99.99/", {})  # missing: 404 for everyone

    def test_unknown_jpd_quarter_and_level(self):
        self.login("operator_kes")
        self.assertEqual(self.client.get(self.url(jpd="1.02.K99")).status_code, 404)
        self.assertEqual(
            self.client.get(self.url(jpd="1.02.P01")).status_code, 404
        )  # provincial JPD
        self.assertEqual(self.client.get(self.url(tw=5)).status_code, 404)
        self.assertEqual(self.client.get(f"/pemda/32.75/isian/1990/1/{LANSIA}/").status_code, 404)


class EntryBehaviourTests(EntryTestCase):
    def test_save_computes_stores_and_audits(self):
        self.login("operator_kes")
        response = self.client.post(
            self.url(), form_data(self.items, pagu="1.250.000", realisasi="900000")
        )
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        entry = QuarterEntry.objects.get(pemda=self.pemda_a, jpd=self.lansia, year=YEAR, quarter=TW)
        self.assertEqual(entry.terlayani, 3570)
        # stored: the engine's exact values truncated to 6 decimals (engine.stored)
        self.assertEqual(entry.capaian_penerima, Decimal("72.857142"))  # 3,570 / 4,900
        self.assertEqual(entry.capaian_mutu, Decimal("90.000000"))
        self.assertEqual(entry.nilai, Decimal("76.285714"))
        self.assertEqual(entry.kategori, "pratama")
        self.assertEqual(entry.pagu, Decimal("1250000"))
        self.assertTrue(entry.is_complete)
        self.assertEqual(entry.version, 1)
        self.assertEqual(entry.updated_by, self.users["operator_kes"])
        result = QuarterResult.objects.get(pemda=self.pemda_a, year=YEAR, quarter=TW)
        self.assertEqual(result.nilai, Decimal("76.285714"))
        self.assertEqual(result.urusan["1.02"]["kategori"], "pratama")
        self.assertEqual(result.jpd_complete, 1)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="isian.simpan", actor=self.users["operator_kes"]
            ).exists()
        )
        listing = self.client.get(f"/pemda/32.75/isian/{YEAR}/{TW}/")
        self.assertContains(listing, "Rp 1.250.000")
        self.assertContains(listing, "Rp 900.000")
        page = self.client.get(f"/pemda/32.75/?tahun={YEAR}&tw={TW}")
        self.assertContains(page, "76,28 %")
        self.assertContains(page, "Tuntas Pratama")

    def test_live_preview_computes_without_saving(self):
        self.login("operator_kes")
        response = self.client.post(self.url() + "hitung/", form_data(self.items))
        self.assertContains(response, 'data-testid="capaian-penerima">72,85 %')
        self.assertContains(response, 'data-testid="nilai">76,28 %')
        self.assertFalse(QuarterEntry.objects.exists())

    def test_bad_numbers_are_named_and_nothing_is_stored(self):
        self.login("operator_kes")
        response = self.client.post(
            self.url(), form_data(self.items, terlayani="12,5", available="-3")
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "Nilai &#x27;12,5&#x27; harus bilangan bulat", status_code=400
        )
        self.assertContains(response, "tidak boleh negatif", status_code=400)
        self.assertContains(response, 'value="12,5"', status_code=400)  # the user's input is kept
        self.assertFalse(QuarterEntry.objects.exists())

    def test_over_target_needs_an_explanation(self):
        self.login("operator_kes")
        response = self.client.post(self.url(), form_data(self.items, terlayani="5000"))
        self.assertContains(
            response, "melebihi sasaran (4900); jelaskan alasannya", status_code=400
        )
        self.assertFalse(QuarterEntry.objects.exists())
        response = self.client.post(
            self.url(),
            form_data(self.items, terlayani="5000", over_target_reason="Pendatang musiman"),
        )
        self.assertEqual(response.status_code, 302)
        entry = QuarterEntry.objects.get()
        self.assertEqual(entry.capaian_penerima, Decimal("100.00"))
        self.assertEqual(entry.over_target_reason, "Pendatang musiman")

    def test_incomplete_entry_has_no_value(self):
        self.login("operator_kes")
        self.client.post(self.url(), form_data(self.items, available=""))
        entry = QuarterEntry.objects.get()
        self.assertFalse(entry.is_complete)
        self.assertIsNone(entry.nilai)
        self.assertEqual(entry.capaian_penerima, Decimal("72.857142"))
        self.assertIsNone(QuarterResult.objects.get(pemda=self.pemda_a, quarter=TW).nilai)

    def test_lost_update_is_refused_and_both_values_shown(self):
        # Two people open the same JPD-quarter (version 0); the first saves.
        self.login("operator_kes")
        self.client.post(self.url(), form_data(self.items, terlayani="3000"))
        # The second, still on version 0, saves other numbers: refused, nothing overwritten.
        self.login("verifikator_kes")
        response = self.client.post(self.url(), form_data(self.items, terlayani="3570"))
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, 'data-testid="konflik"', status_code=409)
        self.assertContains(response, "3.000", status_code=409)  # stored value
        self.assertContains(response, "3570", status_code=409)  # their value, kept in the form
        self.assertContains(
            response, "10 / 9", status_code=409
        )  # their mutu values beside the stored
        entry = QuarterEntry.objects.get()
        self.assertEqual((entry.terlayani, entry.version), (3000, 1))
        # The conflict page carries the stored version: saving again deliberately replaces it.
        self.assertContains(response, 'name="version" value="1"', status_code=409)
        response = self.client.post(self.url(), form_data(self.items, version=1, terlayani="3570"))
        self.assertEqual(response.status_code, 302)
        entry.refresh_from_db()
        self.assertEqual((entry.terlayani, entry.version), (3570, 2))

    def test_target_revision_needs_a_reason_and_recomputes(self):
        entry_save(
            pemda=self.pemda_a, jpd=self.lansia, year=YEAR, quarter=TW,
            data=EntryInput(terlayani=3570, mutu={i.pk: (10, 10) for i in self.items}),
            expected_version=0, actor=None,
        )  # fmt: skip
        self.login("operator_kes")
        url = f"/pemda/32.75/sasaran/{YEAR}/{LANSIA}/"
        self.client.post(url, {"version": 1, "sasaran": "3.570", "tw": TW})
        entry = QuarterEntry.objects.get()
        self.assertEqual(entry.capaian_penerima, Decimal("72.857142"))  # unchanged: no reason
        self.assertFalse(TargetRevision.objects.exists())
        self.client.post(
            url, {"version": 1, "sasaran": "3.570", "alasan": "Data riil Dukcapil", "tw": TW}
        )
        entry.refresh_from_db()
        self.assertEqual(entry.capaian_penerima, Decimal("100"))
        revision = TargetRevision.objects.get()
        self.assertEqual(
            (revision.old_value, revision.new_value, revision.reason),
            (4900, 3570, "Data riil Dukcapil"),
        )
        self.assertEqual(
            QuarterResult.objects.get(pemda=self.pemda_a, quarter=TW).nilai, Decimal("100")
        )
        self.assertTrue(AuditEvent.objects.filter(action="sasaran.ubah").exists())

    def test_cumulative_quarters_are_independent_rows(self):
        for quarter, served in ((1, 1000), (2, 2500)):
            entry_save(
                pemda=self.pemda_a, jpd=self.lansia, year=YEAR, quarter=quarter,
                data=EntryInput(terlayani=served, mutu={i.pk: (1, 1) for i in self.items}),
                expected_version=0, actor=None,
            )  # fmt: skip
        values = dict(
            QuarterEntry.objects.filter(pemda=self.pemda_a).values_list(
                "quarter", "capaian_penerima"
            )
        )
        self.assertEqual(values, {1: Decimal("20.408163"), 2: Decimal("51.020408")})

    def test_read_only_page_for_pimpinan(self):
        self.login("pimpinan_a")
        response = self.client.get(self.url())
        self.assertContains(response, "Anda hanya dapat membaca isian ini.")
        self.assertContains(response, "<fieldset disabled")


class BoundTests(EntryTestCase):
    """A number beyond what the database holds is a form error, never a 500 (issue 11, point 1);
    the bound is the one of tuntas.perhitungan.batas, as in the Excel upload and tuntas hitung."""

    def test_a_23_digit_value_is_refused_on_every_field_and_nothing_is_stored(self):
        self.login("operator_kes")
        huge = "12345678901234567890123"
        cases = {
            "terlayani": form_data(self.items, terlayani=huge),
            "pagu": form_data(self.items, pagu=huge),
            "realisasi": form_data(self.items, pagu="1", realisasi=huge),
            "mutu": form_data(self.items, needed=huge),
        }
        for field, data in cases.items():
            with self.subTest(field):
                response = self.client.post(self.url(), data)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "terlalu besar (paling banyak", status_code=400)
        self.assertFalse(QuarterEntry.objects.exists())
        # the largest allowed value is stored
        response = self.client.post(self.url(), form_data(self.items, needed="999.999.999.999.999"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(QuarterEntry.objects.exists())

    def test_the_target_form_has_the_same_bound_and_keeps_what_was_typed(self):
        self.login("admin_a")
        target_url = f"/pemda/32.75/sasaran/{YEAR}/{LANSIA}/"
        response = self.client.post(
            target_url, {"version": 1, "sasaran": "1" * 20, "alasan": "data baru", "tw": TW},
            follow=True,
        )  # fmt: skip
        self.assertContains(response, "terlalu besar (paling banyak")
        self.assertContains(response, f'value="{"1" * 20}"')
        self.assertContains(response, ">data baru</textarea>")
        # a change refused by the service (no reason given) keeps the typed number too
        response = self.client.post(
            target_url, {"version": 1, "sasaran": "5.100", "alasan": "", "tw": TW}, follow=True
        )
        self.assertContains(response, 'value="5.100"')
        self.assertEqual(TargetRevision.objects.count(), 0)
        # shown once: the next visit shows the stored target again
        self.assertNotContains(self.client.get(self.url()), 'value="5.100"')

    def test_a_target_for_a_year_outside_the_entry_years_is_no_page(self):
        """The target route took any year: 10^25 reached the database (a 500), 2099 was stored."""
        self.login("admin_a")
        for year in ("9" * 25, "2099"):
            with self.subTest(year):
                response = self.client.post(
                    f"/pemda/32.75/sasaran/{year}/{LANSIA}/",
                    {"version": 0, "sasaran": "10", "alasan": "", "tw": TW},
                )
                self.assertEqual(response.status_code, 404)
        self.assertFalse(AnnualTarget.objects.exclude(year=YEAR).exists())


def test_each_bound_is_what_its_database_column_holds():
    """The bounds of tuntas.perhitungan.batas (standard library only) against the columns they
    guard: money is DecimalField(max_digits, decimal_places), counts are 64-bit integers that
    must also hold a year's sums."""
    for name in ("pagu", "realisasi"):
        field = QuarterEntry._meta.get_field(name)
        whole = 10 ** (field.max_digits - field.decimal_places)
        assert Decimal(whole) - Decimal(1).scaleb(-field.decimal_places) == RUPIAH_MAX
        assert whole - 1 == RUPIAH_WHOLE_MAX
    counts = [
        (QuarterEntry, "terlayani"), (AnnualTarget, "sasaran"), (MutuEntry, "dibutuhkan"),
        (MutuEntry, "tersedia"), (TargetRevision, "old_value"), (TargetRevision, "new_value"),
    ]  # fmt: skip
    for model, name in counts:
        field = model._meta.get_field(name)
        _, highest = connection.ops.integer_field_range(field.get_internal_type())
        assert highest > COUNT_MAX * 1000, (model.__name__, name)


class EmptyAndBudgetTests(EntryTestCase):
    """An empty form is not "saved"; realisasi above pagu needs a reason (issue 11, point 1)."""

    def test_an_empty_form_saves_nothing(self):
        self.login("operator_kes")
        response = self.client.post(self.url(), form_data(self.items, terlayani="", needed="",
                                                          available=""))  # fmt: skip
        self.assertContains(
            response, "Belum ada yang diisi; isian tidak disimpan.", status_code=400
        )
        self.assertFalse(QuarterEntry.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action="isian.simpan").exists())

    def test_clearing_a_saved_entry_is_a_change_and_is_kept(self):
        self.login("operator_kes")
        self.assertEqual(self.client.post(self.url(), form_data(self.items)).status_code, 302)
        response = self.client.post(
            self.url(), form_data(self.items, version=1, terlayani="", needed="", available="")
        )
        self.assertEqual(response.status_code, 302)
        self.assertIsNone(QuarterEntry.objects.get().terlayani)

    def test_realisasi_above_pagu_needs_a_reason(self):
        self.login("operator_kes")
        response = self.client.post(self.url(), form_data(self.items, pagu="1.000.000",
                                                          realisasi="1.250.000"))  # fmt: skip
        self.assertContains(
            response,
            "Realisasi (Rp 1.250.000) melebihi pagu (Rp 1.000.000); jelaskan alasannya.",
            status_code=400,
        )
        self.assertFalse(QuarterEntry.objects.exists())
        response = self.client.post(
            self.url(),
            form_data(self.items, pagu="1.000.000", realisasi="1.250.000",
                      over_budget_reason="tambahan dari APBD perubahan"),
        )  # fmt: skip
        self.assertEqual(response.status_code, 302)
        entry = QuarterEntry.objects.get()
        self.assertEqual(entry.over_budget_reason, "tambahan dari APBD perubahan")
        self.assertContains(self.client.get(self.url()), "tambahan dari APBD perubahan")


class MyJpdFirstTests(EntryTestCase):
    def test_an_operator_sees_their_own_opds_jpd_first(self):
        self.login("operator_kes")
        page = self.client.get(f"/pemda/32.75/isian/{YEAR}/{TW}/").content.decode()
        self.assertIn('data-testid="jpd-saya"', page)
        codes = re.findall(r'data-jpd="([^"]+)"', page)
        mine = [c for c in codes if c.startswith("1.02.")]  # Dinas Kesehatan's JPD
        self.assertEqual(codes[: len(mine)], mine)
        self.assertLess(page.index('data-testid="jpd-saya"'), page.index(f'data-jpd="{mine[0]}"'))
        self.assertIn("JPD lain (baca saja)", page)

    def test_the_spm_team_sees_the_list_in_catalog_order(self):
        self.login("admin_a")
        page = self.client.get(f"/pemda/32.75/isian/{YEAR}/{TW}/").content.decode()
        self.assertNotIn('data-testid="jpd-saya"', page)
        codes = re.findall(r'data-jpd="([^"]+)"', page)
        self.assertEqual(codes, sorted(codes))
