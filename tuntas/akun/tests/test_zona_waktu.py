"""Time in Indonesia (issue 11, point 3): stored in UTC, shown in the zone of the pemda in view
— WIB, WITA or WIT from its province (tuntas/wilayah/data/zona_waktu.json) — with the time of
day: 2026-12-04 23:00 UTC is 06.00 WIB, 07.00 WITA and 08.00 WIT on 5 December."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any, ClassVar
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory, SimpleTestCase
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tuntas.akun.middleware import ZONE_SESSION_KEY, TimeZoneMiddleware
from tuntas.akun.models import Membership, Role
from tuntas.core.formatting import waktu
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.services import pemda_register
from tuntas.pendataan.excel import META_SHEET, XLSX_MIME
from tuntas.pendataan.models import ExcelUpload, QuarterEntry
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for, target_set
from tuntas.testing import PersonaTestCase, make_user, opd
from tuntas.wilayah.models import Region
from tuntas.wilayah.selectors import zona_waktu
from tuntas.wilayah.zona import DATA_FILE, zone_file, zone_of

MOMENT = dt.datetime(2026, 12, 4, 23, 0, tzinfo=dt.UTC)
PROVINCES = Path(DATA_FILE).parent / "provinces.csv"


class ZoneDataTests(SimpleTestCase):
    def test_every_shipped_province_has_a_zone(self):
        with PROVINCES.open(encoding="utf-8") as handle:
            codes = {row["code"] for row in csv.DictReader(handle)}
        self.assertEqual(len(codes), 38)
        self.assertEqual(set(zone_file().provinsi), codes)

    def test_the_three_zones(self):
        self.assertEqual(zone_of("32.75").abbreviation, "WIB")  # Kota Bekasi
        self.assertEqual(zone_of("61").abbreviation, "WIB")  # Kalimantan Barat
        self.assertEqual(zone_of("73.71").abbreviation, "WITA")  # Kota Makassar
        self.assertEqual(zone_of("51.71.01").abbreviation, "WITA")  # a kecamatan of Denpasar
        self.assertEqual(zone_of("94").abbreviation, "WIT")  # Papua Tengah
        self.assertEqual(zone_of(None).abbreviation, "WIB")

    def test_the_wilayah_selector_and_the_pemda_give_the_same_zone(self):
        for code, name in (
            ("32", "Asia/Jakarta"),
            ("73", "Asia/Makassar"),
            ("91", "Asia/Jayapura"),
        ):
            self.assertEqual(zona_waktu(code).name, name)
            # no database: a Pemda's zone comes from its province code
            self.assertEqual(Pemda(code=f"{code}.71", province_code=code).zona, zona_waktu(code))
        self.assertEqual(Pemda(code="65", province_code="65").zona.abbreviation, "WITA")


class FormatterTests(SimpleTestCase):
    def test_six_in_the_morning_in_each_zone(self):
        self.assertEqual(waktu(MOMENT, zone_of("32").info), "5 Desember 2026 06.00 WIB")
        self.assertEqual(waktu(MOMENT, zone_of("73").info), "5 Desember 2026 07.00 WITA")
        self.assertEqual(waktu(MOMENT, zone_of("91").info), "5 Desember 2026 08.00 WIT")
        self.assertEqual(
            waktu(MOMENT, zone_of("91").info, seconds=True), "5 Desember 2026 08.00.00 WIT"
        )
        self.assertEqual(waktu(None), "—")

    def test_the_middleware_uses_the_pemda_in_the_url_then_the_users_own(self):
        template = Template("{% load tuntas_format %}{{ t|waktu }}")

        def view(request, kode=None):
            return HttpResponse(template.render(Context({"t": MOMENT})))

        middleware = TimeZoneMiddleware(lambda request: view(request, **request.kw))
        cases = [("73.71", None, "07.00 WITA"), ("91.01", "32.75", "08.00 WIT"),
                 (None, "52.01", "07.00 WITA"), (None, None, "06.00 WIB")]  # fmt: skip
        for kode, own, expected in cases:
            with self.subTest(kode=kode, own=own):
                request = RequestFactory().get("/")
                request.session = {ZONE_SESSION_KEY: own}
                request.kw = {"kode": kode} if kode else {}

                def run(req, request=request):
                    middleware.process_view(req, view, (), request.kw)
                    return view(req, **request.kw)

                response = TimeZoneMiddleware(run)(request)
                self.assertEqual(response.content.decode(), f"5 Desember 2026 {expected}")
        self.assertEqual(timezone.get_current_timezone_name(), "Asia/Jakarta")


class PageTests(PersonaTestCase):
    def test_last_saved_on_the_entry_page_in_the_pemdas_zone(self):
        jpd = Jpd.objects.get(code="1.02.K07")
        target_set(pemda=self.pemda_a, jpd=jpd, year=2025, sasaran=10, reason="",
                   expected_version=0, actor=None)  # fmt: skip
        items = mutu_items_for(jpd=jpd, year=2025)
        entry_save(
            pemda=self.pemda_a, jpd=jpd, year=2025, quarter=2, expected_version=0,
            data=EntryInput(terlayani=5, mutu={i.pk: (1, 1) for i in items}), actor=None,
        )  # fmt: skip
        QuarterEntry.objects.update(updated_at=MOMENT)
        self.login("operator_kes")
        response = self.client.get("/pemda/32.75/isian/2025/2/1.02.K07/")
        self.assertContains(response, "Terakhir disimpan 5 Desember 2026 06.00 WIB")


YEAR, TW, JPD = 2025, 2, "1.02.K07"
# a kab/kota in each zone: its pemda, the operator of its Dinas Kesehatan, what 23:00 UTC reads
ZONES = (
    ("32.75", "operator_kes", "Kota Bekasi", "06.00 WIB"),
    ("73.71", "operator_mks", "Kota Makassar", "07.00 WITA"),
    ("91.71", "operator_jpr", "Kota Jayapura", "08.00 WIT"),
)
EXTRA_REGIONS = [
    ("73", "SULAWESI SELATAN", "provinsi", "provinsi", None),
    ("73.71", "KOTA MAKASSAR", "kabkota", "kota", "73"),
    ("91", "PAPUA", "provinsi", "provinsi", None),
    ("91.71", "KOTA JAYAPURA", "kabkota", "kota", "91"),
]


def sheet_rows(data: bytes, sheet: str) -> list[list[Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def csv_lines_of(data: bytes) -> list[str]:
    return data.decode("utf-8-sig").split("\r\n")


class ThreeZonesTests(PersonaTestCase):
    """The same moment, 2026-12-04 23:00 UTC, on a page and in each kind of file of a pemda in
    WIB, WITA and WIT: 06.00, 07.00 and 08.00 on 5 December."""

    pemda_by_code: ClassVar[dict[str, Pemda]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for code, name, level, kind, parent in EXTRA_REGIONS:
            Region.objects.create(code=code, name=name, level=level, kind=kind, parent_id=parent)
        cls.pemda_by_code = {"32.75": cls.pemda_a}
        for code, persona, _name, _shown in ZONES[1:]:
            pemda = cls.pemda_by_code[code] = pemda_register(code=code)
            user = make_user(persona)
            Membership.objects.create(
                user=user, pemda=pemda, opd=opd(pemda, "Dinas Kesehatan"), role=Role.OPERATOR
            )
            cls.users[persona] = user
        jpd = Jpd.objects.get(code=JPD)
        items = mutu_items_for(jpd=jpd, year=YEAR)
        for pemda in cls.pemda_by_code.values():
            target_set(pemda=pemda, jpd=jpd, year=YEAR, sasaran=10, reason="",
                       expected_version=0, actor=None)  # fmt: skip
            entry_save(
                pemda=pemda, jpd=jpd, year=YEAR, quarter=TW, expected_version=0,
                data=EntryInput(terlayani=5, mutu={i.pk: (1, 1) for i in items}), actor=None,
            )  # fmt: skip
        QuarterEntry.objects.update(updated_at=MOMENT)

    def download(self, url: str) -> bytes:
        with mock.patch("django.utils.timezone.now", return_value=MOMENT):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content

    def test_last_saved_on_the_entry_page(self):
        for code, persona, _name, shown in ZONES:
            with self.subTest(code=code):
                self.login(persona)
                response = self.client.get(f"/pemda/{code}/isian/{YEAR}/{TW}/{JPD}/")
                self.assertContains(response, f"Terakhir disimpan 5 Desember 2026 {shown} oleh")

    def test_dashboard_files_are_made_at_the_pemdas_time(self):
        for code, persona, name, shown in ZONES:
            with self.subTest(code=code):
                self.login(persona)
                url = f"/pemda/{code}/unduh/urusan"
                lines = csv_lines_of(self.download(f"{url}.csv?tahun={YEAR}&tw={TW}"))
                self.assertEqual(lines[1:5], [f"Pemda: {name}", f"Periode: TW{TW} {YEAR}",
                                              f"Dibuat: 5 Desember 2026 {shown}", ""])  # fmt: skip
                rows = sheet_rows(
                    self.download(f"{url}.xlsx?tahun={YEAR}&tw={TW}"), "Indeks per urusan"
                )
                self.assertEqual(rows[3][0], f"Dibuat: 5 Desember 2026 {shown}")

    def test_the_quarterly_workbook_carries_the_title_block_in_the_pemdas_time(self):
        offsets = {"32.75": "+07:00", "73.71": "+08:00", "91.71": "+09:00"}
        for code, persona, name, shown in ZONES:
            with self.subTest(code=code):
                self.login(persona)
                data = self.download(f"/pemda/{code}/isian/{YEAR}/{TW}/unduh/")
                guide = [r[0] for r in sheet_rows(data, "Petunjuk")]
                self.assertEqual(guide[:6], [
                    f"Isian SPM triwulan {TW} tahun {YEAR} — {name}", f"Pemda: {name}",
                    f"Periode: TW{TW} {YEAR}", f"Dibuat: 5 Desember 2026 {shown}",
                    f"Diunduh oleh {persona}.", "",
                ])  # fmt: skip
                self.assertNotIn("DATA CONTOH", "\n".join(str(c) for c in guide))
                meta = sheet_rows(data, META_SHEET)
                payload = json.loads("".join(r[1] for r in meta if r[0] == "data"))
                hour = shown[:2]
                self.assertEqual(payload["dibuat"], f"2026-12-05T{hour}:00:00{offsets[code]}")

    def test_a_demo_pemdas_workbook_says_so_and_still_reads_back(self):
        Pemda.objects.filter(code="73.71").update(is_demo=True)
        self.login("operator_mks")
        base = f"/pemda/73.71/isian/{YEAR}/{TW}/"
        data = self.download(base + "unduh/")
        guide = [r[0] for r in sheet_rows(data, "Petunjuk")]
        self.assertEqual(guide[3], "Dibuat: 5 Desember 2026 07.00 WITA")
        self.assertTrue(guide[4].startswith("DATA CONTOH — "), guide[4])
        note = sheet_rows(data, "1.02 Kesehatan")[1][0]
        self.assertTrue(note.startswith("DATA CONTOH — "), note)
        # the marks are where the reader does not look: the file goes back in unchanged (signed
        # in again: the session saved under the stopped clock has expired by the real one)
        self.login("operator_mks")
        response = self.client.post(
            base + "unggah/",
            {"berkas": SimpleUploadedFile("isian.xlsx", data, content_type=XLSX_MIME)},
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        upload = ExcelUpload.objects.latest("id")
        self.assertEqual((upload.pemda_id, upload.errors, upload.changes), ("73.71", [], []))
        ExcelUpload.objects.filter(pk=upload.pk).update(created_at=MOMENT)
        page = self.client.get(response["Location"])
        self.assertContains(page, "diunggah 5 Desember 2026 07.00 WITA")
