"""Synthetic demo data (``tuntas.pendataan.seed``) and ``tuntas demo``: complete, plausible,
identical to what the services compute, idempotent, and one working login per role."""

from __future__ import annotations

import re
from collections import defaultdict
from fractions import Fraction
from io import StringIO
from typing import ClassVar

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from tuntas.akun.models import Membership, Role
from tuntas.core.models import AuditEvent
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.services import pemda_register
from tuntas.pendataan.models import AnnualTarget, MutuEntry, QuarterEntry, QuarterResult
from tuntas.pendataan.seed import (
    SeedReport,
    demo_data_seed,
    demo_periods,
    periods_between,
    region_sizes,
)
from tuntas.pendataan.services import (
    EntryInput,
    _store_entry_result,
    entry_save,
    mutu_items_for,
    quarter_result_recompute,
    suggested_need,
)
from tuntas.perhitungan.engine import stored
from tuntas.testing import PersonaTestCase

YEAR = 2025
PERIODS = periods_between((YEAR, 1), (YEAR, 4))
ENTRY_RESULT = ("capaian_penerima", "capaian_mutu", "nilai", "kategori", "is_complete")
QUARTER_RESULT = ("nilai", "kategori", "urusan", "jpd_total", "jpd_complete")


def snapshot(rows, fields):
    return {row.pk: tuple(getattr(row, f) for f in fields) for row in rows}


def login_request():
    """A sign-in request: the lockout (django-axes) needs one to count per address."""
    return RequestFactory().post("/akun/masuk/", REMOTE_ADDR="10.0.0.1")


class SeedTestCase(PersonaTestCase):
    bogor: ClassVar[Pemda]
    report: ClassVar[SeedReport]
    jpd_count: ClassVar[int]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.bogor = pemda_register(code="32.01", is_demo=True)  # Kabupaten Bogor, a demo pemda
        cls.report = demo_data_seed(pemda_list=[cls.bogor], periods=PERIODS)
        cls.jpd_count = Jpd.objects.filter(level="kabkota").count()

    def entries(self):
        return QuarterEntry.objects.filter(pemda=self.bogor, year=YEAR)


class SeedContentTests(SeedTestCase):
    def test_every_jpd_has_a_target_and_four_quarters_with_their_mutu_items(self):
        self.assertEqual(self.report.pemda, 1)
        self.assertEqual(self.report.targets, self.jpd_count)
        self.assertEqual(self.report.entries, self.jpd_count * 4)
        self.assertEqual(self.report.results, 4)
        self.assertEqual(AnnualTarget.objects.filter(pemda=self.bogor, year=YEAR).count(), 29)
        self.assertEqual(self.entries().count(), 29 * 4)
        mutu_rows = 0
        for entry in self.entries().select_related("jpd"):
            items = mutu_items_for(jpd=entry.jpd, year=YEAR)
            self.assertEqual(
                sorted(m.item_id for m in entry.mutu.all()), sorted(i.pk for i in items)
            )
            mutu_rows += len(items)
        self.assertEqual(self.report.mutu, mutu_rows)
        self.assertEqual(
            MutuEntry.objects.filter(pemda=self.bogor).exclude(entry__pemda=self.bogor).count(), 0
        )
        self.assertEqual(
            sorted(
                QuarterResult.objects.filter(pemda=self.bogor).values_list("quarter", flat=True)
            ),
            [1, 2, 3, 4],
        )
        self.assertTrue(Pemda.objects.get(code="32.01").is_demo)
        event = AuditEvent.objects.filter(action="data_contoh.isi").latest("pk")
        self.assertEqual(event.data["isian"], 29 * 4)

    def test_targets_scale_with_the_region_and_terlayani_rises_each_quarter(self):
        targets = dict(
            AnnualTarget.objects.filter(pemda=self.bogor, year=YEAR).values_list("jpd", "sasaran")
        )
        population = region_sizes(["32.01"])["32.01"].population
        # ibu hamil ≈ 1.85 % and usia produktif ≈ 66 % of the population (± 10 %)
        self.assertAlmostEqual(targets["1.02.K01"] / population, 0.0185, delta=0.002)
        self.assertAlmostEqual(targets["1.02.K06"] / population, 0.66, delta=0.07)
        self.assertGreater(targets["1.02.K06"], targets["1.02.K07"])
        series = defaultdict(list)
        for entry in self.entries().order_by("quarter"):
            if entry.terlayani is not None:
                series[entry.jpd_id].append(entry.terlayani)
            self.assertEqual(entry.version, 1)  # editable through the normal form
        for code, values in series.items():
            self.assertEqual(values, sorted(values), code)
        rising = [v for v in series.values() if len(v) == 4 and v[0] > 0]
        self.assertTrue(rising)
        self.assertTrue(all(v[0] < v[3] for v in rising))

    def test_over_target_has_a_reason_and_some_jpd_are_incomplete(self):
        targets = dict(
            AnnualTarget.objects.filter(pemda=self.bogor, year=YEAR).values_list("jpd", "sasaran")
        )
        over = [
            e for e in self.entries() if e.terlayani is not None and e.terlayani > targets[e.jpd_id]
        ]
        self.assertTrue(over)
        self.assertTrue(all(e.over_target_reason for e in over))
        self.assertFalse(
            [e for e in self.entries() if e.over_target_reason and e not in over],
            "a reason only where terlayani exceeds the target",
        )
        latest = self.entries().filter(quarter=4)
        incomplete = [e for e in latest if not e.is_complete]
        self.assertTrue(1 <= len(incomplete) <= round(0.3 * 29), len(incomplete))
        for entry in incomplete:
            missing = entry.terlayani is None or any(
                m.tersedia is None or m.dibutuhkan is None for m in entry.mutu.all()
            )
            self.assertTrue(missing, entry)
        self.assertEqual(
            QuarterResult.objects.get(pemda=self.bogor, year=YEAR, quarter=4).jpd_complete,
            29 - len(incomplete),
        )

    def test_mutu_needs_follow_the_catalog_and_60_to_100_percent_is_available(self):
        targets = dict(
            AnnualTarget.objects.filter(pemda=self.bogor, year=YEAR).values_list("jpd", "sasaran")
        )
        per_recipient = 0
        for mutu in MutuEntry.objects.filter(pemda=self.bogor).select_related("item", "entry"):
            rule = suggested_need(mutu.item, targets[mutu.entry.jpd_id])
            if rule is not None:
                self.assertEqual(mutu.dibutuhkan, rule, mutu.item)
                per_recipient += 1
            if mutu.dibutuhkan and mutu.tersedia is not None:
                self.assertGreaterEqual(mutu.tersedia / mutu.dibutuhkan, 0.6, mutu.item)
                self.assertLessEqual(mutu.tersedia, mutu.dibutuhkan)
        self.assertGreater(per_recipient, 0)  # e.g. 90 iron tablets per pregnant woman

    def test_budgets_are_rupiah_and_spending_accumulates(self):
        spent = defaultdict(list)
        for entry in self.entries().order_by("quarter"):
            self.assertGreaterEqual(entry.pagu, 50_000_000)
            self.assertEqual(entry.pagu % 1000, 0)
            self.assertLessEqual(entry.realisasi, entry.pagu)
            spent[entry.jpd_id].append(entry.realisasi)
        for values in spent.values():
            self.assertEqual(values, sorted(values))

    def test_stored_values_equal_what_the_services_compute(self):
        entries = list(self.entries().select_related("jpd"))
        seeded = snapshot(entries, ENTRY_RESULT)
        results = QuarterResult.objects.filter(pemda=self.bogor)
        seeded_results = snapshot(results, QUARTER_RESULT)
        self.assertTrue(any(r[0] is not None for r in seeded_results.values()))
        method = self.bogor.scoring_method.to_method()
        targets = dict(
            AnnualTarget.objects.filter(pemda=self.bogor, year=YEAR).values_list("jpd", "sasaran")
        )
        for entry in entries:  # the very function entry_save and target_set use
            items = mutu_items_for(jpd=entry.jpd, year=YEAR)
            _store_entry_result(entry, method, targets[entry.jpd_id], items)
        for quarter in (1, 2, 3, 4):
            quarter_result_recompute(pemda=self.bogor, year=YEAR, quarter=quarter)
        self.assertEqual(snapshot(self.entries(), ENTRY_RESULT), seeded)
        self.assertEqual(
            snapshot(QuarterResult.objects.filter(pemda=self.bogor), QUARTER_RESULT),
            seeded_results,
        )


class SeedIdempotenceTests(SeedTestCase):
    def test_a_second_run_adds_nothing(self):
        counts = (AnnualTarget.objects.count(), QuarterEntry.objects.count(),
                  MutuEntry.objects.count(), QuarterResult.objects.count())  # fmt: skip
        report = demo_data_seed(pemda_list=[self.bogor], periods=PERIODS)
        self.assertEqual(
            (report.targets, report.entries, report.mutu, report.results), (0, 0, 0, 0)
        )
        self.assertEqual(report.periods_skipped, 4)
        self.assertEqual(
            counts,
            (AnnualTarget.objects.count(), QuarterEntry.objects.count(),
             MutuEntry.objects.count(), QuarterResult.objects.count()),
        )  # fmt: skip

    def test_a_missing_quarter_is_filled_with_the_same_figures(self):
        fields = ("jpd_id", "terlayani", "pagu", "realisasi", *ENTRY_RESULT)
        before = sorted(self.entries().filter(quarter=4).values_list(*fields))
        result = snapshot(QuarterResult.objects.filter(pemda=self.bogor, quarter=4), QUARTER_RESULT)
        self.entries().filter(quarter=4).delete()
        report = demo_data_seed(pemda_list=[self.bogor], periods=PERIODS)
        self.assertEqual((report.entries, report.targets, report.periods_skipped), (29, 0, 3))
        self.assertEqual(sorted(self.entries().filter(quarter=4).values_list(*fields)), before)
        self.assertEqual(
            list(
                snapshot(
                    QuarterResult.objects.filter(pemda=self.bogor, quarter=4), QUARTER_RESULT
                ).values()
            ),
            list(result.values()),
        )
        self.assertEqual(QuarterResult.objects.filter(pemda=self.bogor).count(), 4)

    def test_an_entry_without_target_gets_its_target_through_the_service(self):
        banten = pemda_register(code="36", is_demo=True)
        crisis = Jpd.objects.get(code="1.02.P01")
        entry_save(
            pemda=banten, jpd=crisis, year=YEAR, quarter=1, data=EntryInput(terlayani=10),
            expected_version=0, actor=None,
        )  # fmt: skip
        report = demo_data_seed(pemda_list=[banten], periods=PERIODS)
        self.assertEqual((report.periods_skipped, report.entries), (1, 14 * 3))
        self.assertEqual(QuarterEntry.objects.filter(pemda=banten, quarter=1).count(), 1)
        target = AnnualTarget.objects.get(pemda=banten, jpd=crisis, year=YEAR)
        self.assertGreater(target.sasaran, 0)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="sasaran.tetapkan", object_id__startswith="36/"
            ).exists()
        )
        entry = QuarterEntry.objects.get(pemda=banten, quarter=1)
        self.assertEqual(entry.capaian_penerima, stored(Fraction(10 * 100, target.sasaran)))
        seeded = snapshot(QuarterResult.objects.filter(pemda=banten), QUARTER_RESULT)
        for quarter in (1, 2, 3, 4):
            quarter_result_recompute(pemda=banten, year=YEAR, quarter=quarter)
        self.assertEqual(
            snapshot(QuarterResult.objects.filter(pemda=banten), QUARTER_RESULT), seeded
        )

    def test_a_real_pemda_is_never_filled(self):
        self.assertFalse(self.pemda_b.is_demo)
        report = demo_data_seed(pemda_list=[self.pemda_b], periods=PERIODS)
        self.assertEqual(report.not_demo, ("36.74",))
        self.assertEqual(report.entries, 0)
        self.assertFalse(QuarterEntry.objects.filter(pemda=self.pemda_b).exists())


LOGIN_ROW = re.compile(r"^\s+(?P<label>.+?)\s{2,}(?P<user>\S+)\s{2,}(?P<password>\S{12})\s{2,}")


# Argon2 costs a quarter second per hash and the command hashes seven passwords per run. Only
# around the test methods: the personas' shared hash (setUpTestData) must stay Argon2.
fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


class DemoCommandTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # the personas registered Kota Bekasi and Jawa Barat as real pemda; here they are demo ones
        Pemda.objects.filter(code__in=["32.75", "32"]).update(is_demo=True)

    def run_demo(self, *args: str) -> tuple[str, dict[str, str]]:
        out = StringIO()
        call_command("demo", *args, stdout=out)
        text = out.getvalue()
        passwords = {}
        for line in text.splitlines():
            match = LOGIN_ROW.match(line)
            if match and match["user"] != "Pengguna":
                passwords[match["user"]] = match["password"]
        return text, passwords

    @fast_hashing
    def test_prints_one_working_login_per_role_and_seeds_the_region(self):
        text, passwords = self.run_demo("--hanya", "32.75")
        self.assertIn("http://127.0.0.1:8000/", text)
        self.assertIn("tuntas hitung", text)
        expected = {
            "operator": (Role.OPERATOR, "32.75", "Dinas Kesehatan"),
            "verifikator": (Role.VERIFIKATOR, "32.75", None),
            "admin_pemda": (Role.ADMIN_PEMDA, "32.75", None),
            "pimpinan": (Role.PIMPINAN, "32.75", None),
            "provinsi": (Role.PROVINSI, "32", None),
            "pusat": (Role.PUSAT, None, None),
        }
        self.assertEqual(set(passwords), {*expected, "admin"})
        for username, password in passwords.items():
            self.assertIsNotNone(
                authenticate(login_request(), username=username, password=password), username
            )
        for username, (role, pemda, opd) in expected.items():
            membership = Membership.objects.get(user__username=username)
            self.assertEqual(
                (membership.role, membership.pemda_id, membership.opd and membership.opd.name),
                (role, pemda, opd),
            )
        admin = User.objects.get(username="admin")
        self.assertTrue(admin.is_superuser and admin.is_staff)
        periods = demo_periods()
        self.assertEqual(
            QuarterResult.objects.filter(pemda="32.75").count(), len(periods), "one index per TW"
        )
        self.assertEqual(QuarterEntry.objects.filter(pemda="32.75").count(), 29 * len(periods))
        self.assertFalse(QuarterEntry.objects.filter(pemda="32").exists())  # not in --hanya
        # the demo data is what a logged-in user sees
        self.client.force_login(User.objects.get(username="pimpinan"))
        year, quarter = periods[-1]
        response = self.client.get(f"/pemda/32.75/?tahun={year}&tw={quarter}")
        self.assertContains(response, "Data contoh")
        self.assertContains(response, 'data-testid="kategori"')

    @fast_hashing
    def test_running_twice_duplicates_nothing_and_renews_passwords(self):
        _, first = self.run_demo("--hanya", "32.75")
        counts = (User.objects.count(), Membership.objects.count(), Pemda.objects.count(),
                  QuarterEntry.objects.count(), MutuEntry.objects.count(),
                  QuarterResult.objects.count())  # fmt: skip
        text, second = self.run_demo("--hanya", "32.75")
        self.assertEqual(
            counts,
            (User.objects.count(), Membership.objects.count(), Pemda.objects.count(),
             QuarterEntry.objects.count(), MutuEntry.objects.count(),
             QuarterResult.objects.count()),
        )  # fmt: skip
        self.assertIn("baru: 0 sasaran, 0 isian triwulan", text)
        self.assertNotEqual(first["operator"], second["operator"])
        self.assertIsNone(
            authenticate(login_request(), username="operator", password=first["operator"])
        )
        self.assertIsNotNone(
            authenticate(login_request(), username="operator", password=second["operator"])
        )

    @fast_hashing
    def test_a_real_pemda_is_skipped_with_a_note(self):
        text, _ = self.run_demo("--hanya", "32.75,36.74")
        self.assertIn("Lewati 36.74", text)
        self.assertFalse(QuarterEntry.objects.filter(pemda="36.74").exists())
        self.assertFalse(Pemda.objects.get(code="36.74").is_demo)

    @fast_hashing
    def test_default_region_set_covers_the_loaded_demo_provinces(self):
        # the test database holds 32, 32.01, 32.75, 36, 36.74; all but the real 36.74 get data
        text, _ = self.run_demo()
        seeded = set(QuarterEntry.objects.values_list("pemda", flat=True).distinct())
        self.assertEqual(seeded, {"32", "32.01", "32.75", "36"})
        self.assertTrue(Pemda.objects.get(code="32.01").is_demo)
        self.assertIn("Lewati 36.74", text)
