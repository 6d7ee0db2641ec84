"""Stored results are the engine's: a property test over random entries saved through the
services, compared with one call of ``perhitungan.engine.hitung`` on the same numbers; and
a pemda's scoring method decides what every page, file and API answer shows."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from tuntas.katalog.models import Jpd, MutuItem, ScoringMethod
from tuntas.katalog.reference import get_catalog
from tuntas.pendataan.models import QuarterEntry, QuarterResult
from tuntas.pendataan.services import (
    EntryInput,
    entry_save,
    mutu_items_for,
    results_recompute_stale,
    target_set,
)
from tuntas.perhitungan.engine import JpdInput, hitung, stored
from tuntas.testing import PersonaTestCase

YEAR, TW = 2025, 2
# six JPD over four urusan, so the urusan means and the region mean both have work to do
CODES = ("1.01.K01", "1.01.K02", "1.02.K01", "1.02.K07", "1.03.K01", "1.06.K02")

entry_values = st.tuples(
    st.integers(0, 5000),  # sasaran
    st.integers(0, 6000),  # terlayani (over target: a reason is given)
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), min_size=40, max_size=40),
)


class StoredEqualsEngineTests(HypothesisTestCase, PersonaTestCase):
    jpd: ClassVar[dict[str, Jpd]]
    items: ClassVar[dict[str, list[MutuItem]]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.jpd = {c: Jpd.objects.get(code=c) for c in CODES}
        cls.items = {c: mutu_items_for(jpd=j, year=YEAR) for c, j in cls.jpd.items()}

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        st.lists(entry_values, min_size=len(CODES), max_size=len(CODES)),
        st.sampled_from(sorted(get_catalog().methods)),
    )
    def test_stored_results_equal_the_engine(self, values, method_code):
        pemda = self.pemda_a
        pemda.scoring_method_id = method_code
        pemda.save(update_fields=["scoring_method"])
        inputs = []
        for code, (sasaran, terlayani, mutu) in zip(CODES, values, strict=True):
            jpd, items = self.jpd[code], self.items[code]
            if sasaran == 0:
                terlayani = 0
            current = QuarterEntry.objects.filter(pemda=pemda, jpd=jpd, year=YEAR, quarter=TW)
            target_set(
                pemda=pemda, jpd=jpd, year=YEAR, sasaran=sasaran, reason="uji",
                expected_version=_target_version(pemda, jpd), actor=None,
            )  # fmt: skip
            pairs = {i.pk: (mutu[k][0], mutu[k][1]) for k, i in enumerate(items)}
            entry_save(
                pemda=pemda, jpd=jpd, year=YEAR, quarter=TW,
                data=EntryInput(
                    terlayani=terlayani, mutu=pairs,
                    over_target_reason="uji" if terlayani > sasaran else "",
                ),
                expected_version=current.first().version if current.exists() else 0,
                actor=None,
            )  # fmt: skip
            inputs.append(
                JpdInput(
                    code, jpd.urusan_id, sasaran, terlayani, 0, 0,
                    tuple((t, d) for d, t in (pairs[i.pk] for i in items)),
                )
            )  # fmt: skip
        method = pemda.scoring_method.to_method()
        expected = hitung(inputs, method)
        for result in expected.jpd:
            entry = QuarterEntry.objects.get(pemda=pemda, jpd=result.kode, year=YEAR, quarter=TW)
            self.assertEqual(entry.capaian_penerima, _stored(result.capaian_penerima))
            self.assertEqual(entry.capaian_mutu, _stored(result.capaian_mutu))
            self.assertEqual(entry.nilai, _stored(result.nilai))
            self.assertEqual(entry.kategori, result.kategori.code if result.kategori else "")
        row = QuarterResult.objects.get(pemda=pemda, year=YEAR, quarter=TW)
        self.assertEqual(row.nilai, _stored(expected.daerah.nilai))
        daerah = expected.daerah.kategori
        self.assertEqual(row.kategori, daerah.code if daerah else "")
        self.assertEqual(
            row.urusan,
            {
                u.kode: {"nilai": str(stored(u.nilai)), "kategori": u.kategori.code}
                for u in expected.urusan
                if u.nilai is not None and u.kategori is not None
            },
        )
        self.assertEqual(row.method_fingerprint, method.fingerprint)


def _target_version(pemda, jpd) -> int:
    from tuntas.pendataan.models import AnnualTarget

    target = AnnualTarget.objects.filter(pemda=pemda, jpd=jpd, year=YEAR).first()
    return target.version if target else 0


def _stored(value):
    return None if value is None else stored(value)


class MethodDecidesWhatIsShownTests(PersonaTestCase):
    def setUp(self) -> None:
        jpd = Jpd.objects.get(code="1.02.K07")
        target_set(pemda=self.pemda_a, jpd=jpd, year=YEAR, sasaran=4900, reason="",
                   expected_version=0, actor=None)  # fmt: skip
        items = mutu_items_for(jpd=jpd, year=YEAR)
        entry_save(
            pemda=self.pemda_a, jpd=jpd, year=YEAR, quarter=TW,
            data=EntryInput(terlayani=3570, mutu={i.pk: (10, 10) for i in items}),
            expected_version=0, actor=None,
        )  # fmt: skip
        # nilai = 0.8 × 72.857142… + 20 = 78.285714…

    def page(self) -> str:
        self.login("pimpinan_a")
        return self.client.get(f"/pemda/32.75/?tahun={YEAR}&tw={TW}").content.decode()

    def test_the_default_method_truncates_to_two_decimals(self):
        page = self.page()
        self.assertIn('data-testid="indeks">78,28 %', page)
        self.assertIn("72,85 %", page)
        self.assertIn('href="/metode/ipspm-2021/"', page)

    def test_a_changed_method_recomputes_on_init_and_shows_its_precision(self):
        self.pemda_a.scoring_method = ScoringMethod.objects.get(code="espm-3-desimal")
        self.pemda_a.save()
        self.assertEqual(results_recompute_stale(), {"32.75": 4})  # the year's quarters
        self.assertEqual(results_recompute_stale(), {})  # nothing stale any more
        page = self.page()
        self.assertIn('data-testid="indeks">78,285 %', page)  # region: 3 decimals
        self.assertIn("72,85 %", page)  # JPD: still 2
        data = self.client.get(f"/api/pemda/32.75/dasbor?tahun={YEAR}&tw={TW}").json()
        self.assertEqual(data["indeks"]["nilai"], 78.285)
        self.assertEqual(data["metode"], "espm-3-desimal")
        csv = self.client.get(f"/pemda/32.75/unduh/tren.csv?tahun={YEAR}&tw={TW}")
        self.assertIn("78,285", csv.content.decode("utf-8-sig"))

    def test_rounding_half_up_to_one_decimal(self):
        self.pemda_a.scoring_method = ScoringMethod.objects.get(code="permenkes-4-2019-1-desimal")
        self.pemda_a.save()
        results_recompute_stale()
        page = self.page()
        self.assertIn('data-testid="indeks">78,3 %', page)
        self.assertIn("72,9 %", page)
        self.assertEqual(
            QuarterResult.objects.get(pemda=self.pemda_a, year=YEAR, quarter=TW).nilai,
            Decimal("78.285714"),
        )

    def test_the_dashboard_lists_mutu_items_short_of_need_first(self):
        jpd = Jpd.objects.get(code="1.02.K01")
        target_set(pemda=self.pemda_a, jpd=jpd, year=YEAR, sasaran=100, reason="",
                   expected_version=0, actor=None)  # fmt: skip
        items = mutu_items_for(jpd=jpd, year=YEAR)
        mutu = {i.pk: (10, 10) for i in items}
        mutu[items[1].pk] = (9000, 9500)  # tablets: more than needed
        mutu[items[-1].pk] = (4, 1)  # staff: 1 of 4
        entry_save(pemda=self.pemda_a, jpd=jpd, year=YEAR, quarter=TW,
                   data=EntryInput(terlayani=90, mutu=mutu), expected_version=0, actor=None)  # fmt: skip
        page = self.page()
        table = page[page.index('data-testid="mutu-kurang"') :]
        self.assertIn(items[-1].name, table)
        self.assertNotIn(items[1].name, table.split("</table>")[0])  # not short
        self.assertIn("25,00 %", table)
        csv = self.client.get(f"/pemda/32.75/unduh/mutu.csv?tahun={YEAR}&tw={TW}")
        lines = csv.content.decode("utf-8-sig").splitlines()
        lines = lines[lines.index("") + 1 :]  # under the title block
        self.assertTrue(lines[1].startswith("1.02.K01;"))
        self.assertIn(";4;1;25,00;3", lines[1])  # the furthest short first


class MethodCommandTests(PersonaTestCase):
    def test_the_command_sets_the_method_recomputes_and_audits(self):
        from io import StringIO

        from django.core.management import call_command
        from django.core.management.base import CommandError

        from tuntas.core.models import AuditEvent

        jpd = Jpd.objects.get(code="1.02.K07")
        target_set(pemda=self.pemda_a, jpd=jpd, year=YEAR, sasaran=4900, reason="",
                   expected_version=0, actor=None)  # fmt: skip
        entry_save(
            pemda=self.pemda_a, jpd=jpd, year=YEAR, quarter=TW,
            data=EntryInput(terlayani=3570, mutu={i.pk: (10, 10) for i in mutu_items_for(jpd=jpd, year=YEAR)}),
            expected_version=0, actor=None,
        )  # fmt: skip
        out = StringIO()
        call_command("metode-pemda", "32.75", "mutu-rata-rata-item", stdout=out)
        self.assertIn("metode mutu-rata-rata-item; 4 triwulan dihitung ulang", out.getvalue())
        result = QuarterResult.objects.get(pemda=self.pemda_a, year=YEAR, quarter=TW)
        fingerprint = ScoringMethod.objects.get(code="mutu-rata-rata-item").to_method().fingerprint
        self.assertEqual(result.method_fingerprint, fingerprint)
        event = AuditEvent.objects.get(action="pemda.metode")
        self.assertEqual(event.data["sebelum"], "ipspm-2021")
        with self.assertRaisesMessage(CommandError, "tidak dikenal (tersedia: espm-3-desimal"):
            call_command("metode-pemda", "32.75", "tidak-ada")
        with self.assertRaisesMessage(CommandError, "Pemda 99.99 belum terdaftar"):
            call_command("metode-pemda", "99.99", "ipspm-2021")
