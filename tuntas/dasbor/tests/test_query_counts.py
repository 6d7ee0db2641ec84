"""Query-count baselines for the dashboards (like NetBox's ``query_counts.json``): each page, API
endpoint and download runs the same number of queries with one row of data as with many, and
that number is pinned in ``query_counts.json``. If a change is meant to alter a count, update the
file in the same change (the failure message prints the measured counts)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuntas.api.services import api_token_create
from tuntas.organisasi.services import pemda_register
from tuntas.pendataan.models import QuarterEntry, QuarterResult
from tuntas.testing import PersonaTestCase
from tuntas.testing.api import entry_fill, kabkota_register

BASELINE = Path(__file__).with_name("query_counts.json")
YEAR, TW = 2025, 2
Q = f"?tahun={YEAR}&tw={TW}"

# name → (persona, url); session login unless the name ends in "-token"
VIEWS = {
    "pemda.halaman": ("pimpinan_a", f"/pemda/32.75/{Q}"),
    "pemda.api": ("pimpinan_a", f"/api/pemda/32.75/dasbor{Q}"),
    "pemda.api-token": ("pimpinan_a", f"/api/pemda/32.75/dasbor{Q}"),
    "pemda.unduh-urusan": ("pimpinan_a", f"/pemda/32.75/unduh/urusan.xlsx{Q}"),
    "pemda.unduh-jpd": ("pimpinan_a", f"/pemda/32.75/unduh/jpd.csv{Q}"),
    "pemda.unduh-keterisian": ("pimpinan_a", f"/pemda/32.75/unduh/keterisian.csv{Q}"),
    "pemda.unduh-tren": ("pimpinan_a", f"/pemda/32.75/unduh/tren.xlsx{Q}"),
    "pemda.unduh-mutu": ("pimpinan_a", f"/pemda/32.75/unduh/mutu.csv{Q}"),
    "provinsi.halaman": ("provinsi_jabar", f"/provinsi/32/{Q}"),
    "provinsi.api": ("provinsi_jabar", f"/api/provinsi/32/dasbor{Q}"),
    "provinsi.unduh": ("provinsi_jabar", f"/provinsi/32/unduh/kabkota.xlsx{Q}"),
    "nasional.halaman": ("pusat", f"/nasional/{Q}"),
    "nasional.halaman-saring": ("pusat", f"/nasional/{Q}&tingkat=kabkota&urusan=1.02"),
    "nasional.api": ("pusat", f"/api/nasional/dasbor{Q}"),
    "nasional.api-saring": ("pusat", f"/api/nasional/dasbor{Q}&tingkat=kabkota&urusan=1.02"),
    "nasional.unduh": ("pusat", f"/nasional/unduh/peringkat.csv{Q}"),
    "pemda-daftar.api": ("pusat", "/api/pemda"),
}

KABKOTA_JPD = [
    "1.01.K01", "1.01.K02", "1.02.K01", "1.02.K02", "1.02.K03", "1.02.K04", "1.03.K01",
    "1.04.K01", "1.05.K01", "1.05.K02", "1.06.K01", "1.06.K02",
]  # fmt: skip
MORE_KABKOTA = [("32.73", "KOTA BANDUNG"), ("32.74", "KOTA CIREBON"), ("32.76", "KOTA DEPOK")]


class DashboardQueryCountTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # "one row": a single entry, hence a single QuarterResult with a value
        entry_fill(cls.pemda_a, "1.02.K01", year=YEAR, quarter=TW, sasaran=100, terlayani=80)

    def add_many_rows(self) -> None:
        """Many JPD for the region, a trend over several quarters, more kab/kota in the
        province, results for the province and the other provinces' pemda."""
        for quarter_year, quarter in ((YEAR - 1, 4), (YEAR, 1), (YEAR, TW)):
            for n, code in enumerate(KABKOTA_JPD):
                entry_fill(
                    self.pemda_a, code, year=quarter_year, quarter=quarter,
                    sasaran=200, terlayani=100 + 7 * n,
                )  # fmt: skip
        others = [pemda_register(code="32.01")] + [kabkota_register(c, n) for c, n in MORE_KABKOTA]
        for n, pemda in enumerate([*others, self.pemda_b]):
            for code in KABKOTA_JPD[: 3 + n]:
                entry_fill(pemda, code, year=YEAR, quarter=TW, sasaran=50, terlayani=20 + 5 * n)
        for code in ("1.02.P01", "1.06.P01", "1.01.P01"):
            entry_fill(self.prov, code, year=YEAR, quarter=TW, sasaran=10, terlayani=9)

    def measure(self) -> dict[str, int]:
        counts = {}
        for name, (persona, url) in VIEWS.items():
            headers: dict[str, str] = {}
            self.client.logout()
            if name.endswith("-token"):
                _, plaintext = api_token_create(user=self.users[persona])
                headers["Authorization"] = f"Bearer {plaintext}"
            else:
                self.client.force_login(self.users[persona])
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url, headers=headers)
            self.assertEqual(response.status_code, 200, name)
            counts[name] = len(queries.captured_queries)
        return counts

    def test_query_counts_do_not_grow_with_the_data(self):
        few = self.measure()
        self.client.force_login(self.users["pusat"])
        before = self.client.get(f"/api/nasional/dasbor{Q}").json()
        self.add_many_rows()
        after = self.client.get(f"/api/nasional/dasbor{Q}").json()
        # the data really grew: more pemda ranked, more JPD filled, a longer trend
        self.assertEqual(before["jumlah"], 3)
        self.assertEqual(after["jumlah"], 7)
        self.assertGreater(QuarterEntry.objects.filter(pemda=self.pemda_a).count(), 30)
        self.assertEqual(QuarterResult.objects.filter(pemda=self.pemda_a).count(), 8)
        many = self.measure()
        for name in VIEWS:
            with self.subTest(view=name):
                self.assertEqual(many[name], few[name], f"{name}: {few[name]} → {many[name]}")
        baseline = json.loads(BASELINE.read_text())
        self.assertEqual(
            few,
            baseline,
            f"query counts differ from {BASELINE.name}; if intended, write this there:\n"
            + json.dumps(few, indent=2),
        )
