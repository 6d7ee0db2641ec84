"""Time in Indonesia (issue 11, point 3): stored in UTC, shown in the zone of the pemda in view
— WIB, WITA or WIT from its province (tuntas/wilayah/data/zona_waktu.json) — with the time of
day: 2026-12-04 23:00 UTC is 06.00 WIB, 07.00 WITA and 08.00 WIT on 5 December."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory, SimpleTestCase
from django.utils import timezone

from tuntas.akun.middleware import ZONE_SESSION_KEY, TimeZoneMiddleware
from tuntas.core.formatting import waktu
from tuntas.katalog.models import Jpd
from tuntas.pendataan.models import QuarterEntry
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for, target_set
from tuntas.testing import PersonaTestCase
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
