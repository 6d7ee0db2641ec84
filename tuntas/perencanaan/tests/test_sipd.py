"""The SIPD workbook of the year's budget lines, opened back (python-calamine) and checked value
by value: title block, header, one row per line, numbers as numbers, text never a formula."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from python_calamine import CalamineWorkbook

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import PerangkatDaerah
from tuntas.perencanaan.budget import LineInput, budget_line_create
from tuntas.perencanaan.exports_sipd import sipd_header
from tuntas.perencanaan.models import SubKegiatan
from tuntas.perencanaan.nomenclature import subkegiatan_national_sync
from tuntas.testing import PersonaTestCase

YEAR = 2025


class SipdWorkbookTests(PersonaTestCase):
    def setUp(self) -> None:
        subkegiatan_national_sync()
        kes = PerangkatDaerah.objects.get(pemda=self.pemda_a, name="Dinas Kesehatan")
        own = SubKegiatan.objects.create(pemda=self.pemda_a, code="1.02.02.2.02.0099",
                                         name="=SUM(A1:A9) daerah")  # fmt: skip
        national = SubKegiatan.objects.get(code="1.02.02.2.02.0007", pemda__isnull=True)
        for jpd, sub, amount, source, volume, unit, opd in (
            ("1.02.K07", national, 123_456_789, "apbd", Decimal("2500"), "orang", kes),
            ("1.02.K01", own, 5_000_000, "dak_nonfisik", Decimal("12.5"), "paket", None),
            ("1.02.K01", national, 1, "blud", None, "", kes),
        ):
            budget_line_create(
                pemda=self.pemda_a, jpd=Jpd.objects.get(code=jpd), year=YEAR, actor=None,
                data=LineInput(sub_kegiatan=sub, amount=Decimal(amount), funding_source=source,
                               volume=volume, unit=unit, opd=opd),
            )  # fmt: skip
        # another pemda's and another year's lines stay out
        budget_line_create(pemda=self.pemda_b, jpd=Jpd.objects.get(code="1.02.K01"), year=YEAR,
                           actor=None, data=LineInput(sub_kegiatan=national, amount=Decimal(7)))  # fmt: skip
        budget_line_create(pemda=self.pemda_a, jpd=Jpd.objects.get(code="1.02.K01"), year=2026,
                           actor=None, data=LineInput(sub_kegiatan=national, amount=Decimal(8)))  # fmt: skip

    def rows(self, persona: str) -> list[list[Any]]:
        self.login(persona)
        response = self.client.get(f"/pemda/32.75/perencanaan/{YEAR}/anggaran/sipd.xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertIn("anggaran-sipd-32.75-2025.xlsx", response["Content-Disposition"])
        data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.assertEqual(book.sheet_names, ["SIPD"])
        self.assertNotIn(b"<f>", data)  # no formula anywhere
        return book.get_sheet_by_index(0).to_python()

    def test_every_value(self):
        rows = self.rows("pimpinan_a")  # every reader of the pemda may download
        self.assertEqual(rows[0][0], "Tuntas — Baris anggaran SPM untuk SIPD")
        self.assertEqual(rows[1][0], "Pemda: Kota Bekasi")
        self.assertEqual(rows[2][0], "Periode: Tahun 2025")
        self.assertTrue(str(rows[3][0]).startswith("Dibuat: "))
        header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Kode sub-kegiatan")
        self.assertEqual(rows[header_at][: len(sipd_header())], sipd_header())
        body = [r[:9] for r in rows[header_at + 1 :] if any(c != "" for c in r)]
        k01 = "Pelayanan kesehatan ibu hamil"
        k07 = "Pelayanan kesehatan pada usia lanjut"
        self.assertEqual(
            body,
            [
                ["1.02.02.2.02.0007", "Pengelolaan Pelayanan Kesehatan pada Usia Lanjut",
                 "1.02.K01", k01, "Dinas Kesehatan", "", "", 1.0, "BLUD"],
                ["1.02.02.2.02.0099", "=SUM(A1:A9) daerah", "1.02.K01", k01, "", 12.5, "paket",
                 5000000.0, "DAK non-fisik / BOK"],
                ["1.02.02.2.02.0007", "Pengelolaan Pelayanan Kesehatan pada Usia Lanjut",
                 "1.02.K07", k07, "Dinas Kesehatan", 2500.0, "orang", 123456789.0, "APBD"],
            ],
        )  # fmt: skip
        # numbers are numbers (they sum in the spreadsheet)
        self.assertTrue(all(isinstance(r[7], float) for r in body))

    def test_scoping(self):
        self.login("outsider")
        response = self.client.get(f"/pemda/32.75/perencanaan/{YEAR}/anggaran/sipd.xlsx")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(len(self.rows("provinsi_jabar")), len(self.rows("verifikator_tim")))
