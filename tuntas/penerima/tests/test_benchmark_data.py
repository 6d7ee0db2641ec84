"""The import benchmark's data (``benchmarks/impor_penerima.py``) is valid: every generated row, as
CSV and as XLSX, imports with no error and no warning, so the benchmark measures the full path."""

from __future__ import annotations

from typing import ClassVar

from benchmarks.impor_penerima import JPD, YEAR, generate_rows, write_csv, write_xlsx
from tuntas.katalog.models import Jpd
from tuntas.penerima.models import Person, RecipientEntry
from tuntas.penerima.services import recipients_import
from tuntas.penerima.tests.helpers import PenerimaTestCase
from tuntas.wilayah.models import Level, Region

ROWS = 400
# Test databases hold one kelurahan of Kota Bekasi; add a few of other kecamatan so the generated
# NIKs carry several kecamatan codes.
EXTRA = [
    ("32.75.02", "32.75.02.1001"),
    ("32.75.02", "32.75.02.1002"),
    ("32.75.03", "32.75.03.1001"),
]


class BenchmarkDataTests(PenerimaTestCase):
    villages: ClassVar[list[str]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for kecamatan, desa in EXTRA:
            Region.objects.get_or_create(
                code=kecamatan,
                defaults={"name": kecamatan, "level": Level.KECAMATAN, "kind": "kecamatan",
                          "parent_id": "32.75"},
            )  # fmt: skip
            Region.objects.get_or_create(
                code=desa,
                defaults={"name": desa, "level": Level.DESA, "kind": "kelurahan",
                          "parent_id": kecamatan},
            )  # fmt: skip
        cls.villages = sorted(
            Region.objects.filter(level=Level.DESA, code__startswith="32.75.").values_list(
                "code", flat=True
            )
        )

    def test_generated_rows_are_unique_and_varied(self):
        rows = list(generate_rows(ROWS, self.villages))
        self.assertEqual(len({r[0] for r in rows}), ROWS)  # NIK unique
        self.assertEqual({r[2] for r in rows}, {"L", "P"})
        self.assertEqual({r[6] for r in rows}, {True, False})
        self.assertEqual({r[4] for r in rows}, set(self.villages))
        for nik, _, _, born, village, _, served, service, _ in rows:
            self.assertEqual(nik[:6], village[:8].replace(".", ""))
            self.assertTrue(15 <= YEAR - born.year <= 59)
            self.assertEqual(service is not None, served)
            if service is not None:
                self.assertEqual(service.year, YEAR)

    def test_csv_and_xlsx_import_with_no_problem(self):
        jpd = Jpd.objects.get(code=JPD)
        for suffix, writer in (("csv", write_csv), ("xlsx", write_xlsx)):
            with self.subTest(suffix):
                path = self.tmp / f"bench.{suffix}"
                self.assertEqual(writer(path, generate_rows(ROWS, self.villages)), ROWS)
                summary = recipients_import(
                    pemda=self.pemda_a, jpd=jpd, year=YEAR, path=path, replace=True
                )
                self.assertEqual(
                    (summary.baris, summary.diterima, summary.ditolak, summary.peringatan),
                    (ROWS, ROWS, 0, 0),
                )
                self.assertIsNone(summary.laporan_kesalahan)
                self.assertTrue(summary.written)
                self.assertEqual(RecipientEntry.objects.filter(pemda=self.pemda_a).count(), ROWS)
                self.assertEqual(Person.objects.filter(pemda=self.pemda_a).count(), ROWS)
        # the XLSX (date cells) stored the same values as the CSV (text dates): nothing changed
        self.assertEqual((summary.baru, summary.diperbarui), (0, 0))
