"""Deadlines as data, each report's timeliness (in the pemda's time zone), the reporting rates,
their place on the dashboards and their API, and ``tuntas tenggat``."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import ClassVar

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from tuntas.alur.models import Deadline, ReportState, ReportStatus
from tuntas.alur.tenggat import (
    BELUM_JATUH_TEMPO,
    BELUM_MENGIRIM,
    TEPAT_WAKTU,
    TERLAMBAT,
    Tenggat,
    deadline_for,
    deadline_set,
    deadlines_for_year,
    default_deadline,
    national_reporting,
    province_reporting,
    report_timeliness,
)
from tuntas.core.errors import DomainError
from tuntas.core.models import AuditEvent
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.services import pemda_register
from tuntas.testing import PersonaTestCase
from tuntas.testing.api import kabkota_register
from tuntas.wilayah.models import Region

UTC = dt.UTC
YEAR, TW = 2025, 2
Q = f"?tahun={YEAR}&tw={TW}"
DUE = dt.date(2025, 7, 20)  # the default deadline of TW2 2025


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def sent(pemda: Pemda, at: dt.datetime | None, status: str = ReportStatus.DIKIRIM) -> ReportState:
    """A report state set directly (the transition services are not needed here)."""
    state, _ = ReportState.objects.update_or_create(
        pemda=pemda,
        year=YEAR,
        quarter=TW,
        defaults={"status": status, "sent_at": at, "first_sent_at": at},
    )
    return state


def papua_register() -> Pemda:
    """Kota Jayapura (91.71): a pemda in WIT (UTC+9)."""
    Region.objects.get_or_create(
        code="91", defaults={"name": "PAPUA", "level": "provinsi", "kind": "provinsi"}
    )
    return kabkota_register("91.71", "KOTA JAYAPURA")


class DeadlineTests(TestCase):
    def test_default_is_the_20th_of_the_month_after_the_quarter_unconfirmed(self):
        self.assertEqual(default_deadline(2025, 1), dt.date(2025, 4, 20))
        self.assertEqual(default_deadline(2025, 2), dt.date(2025, 7, 20))
        self.assertEqual(default_deadline(2025, 3), dt.date(2025, 10, 20))
        self.assertEqual(default_deadline(2025, 4), dt.date(2026, 1, 20))  # next year
        deadline = deadline_for(2025, 4)
        self.assertEqual(deadline, Tenggat(dt.date(2026, 1, 20), False, ""))
        self.assertEqual(deadline.label, "20 Januari 2026 (belum dikonfirmasi)")

    def test_a_stored_deadline_wins_and_is_audited(self):
        deadline_set(year=2025, quarter=2, due=dt.date(2025, 7, 15), confirmed=True, source="SE")
        self.assertEqual(deadline_for(2025, 2), Tenggat(dt.date(2025, 7, 15), True, "SE"))
        self.assertEqual(deadline_for(2025, 2).label, "15 Juli 2025")  # confirmed: no mark
        year = deadlines_for_year(2025)
        self.assertEqual(year[2].due, dt.date(2025, 7, 15))
        self.assertEqual(year[1], Tenggat(dt.date(2025, 4, 20), False, ""))  # others: default
        event = AuditEvent.objects.get(action="tenggat.atur")
        self.assertEqual(event.data["batas_waktu"], "2025-07-15")
        self.assertIsNone(event.data["sebelumnya"])
        # set again: one row per quarter, the previous value in the audit
        deadline_set(year=2025, quarter=2, due=dt.date(2025, 7, 25))
        self.assertEqual(Deadline.objects.count(), 1)
        self.assertEqual(deadline_for(2025, 2), Tenggat(dt.date(2025, 7, 25), False, ""))
        latest = AuditEvent.objects.filter(action="tenggat.atur").order_by("-id").first()
        assert latest is not None
        self.assertEqual(latest.data["sebelumnya"]["batas_waktu"], "2025-07-15")

    def test_a_deadline_within_the_quarter_is_refused_and_nothing_changes(self):
        with self.assertRaisesMessage(
            DomainError, "harus setelah triwulan berakhir (30 Juni 2025)"
        ):
            deadline_set(year=2025, quarter=2, due=dt.date(2025, 6, 30))
        with self.assertRaisesMessage(DomainError, "Triwulan harus 1, 2, 3 atau 4"):
            deadline_set(year=2025, quarter=5, due=dt.date(2025, 12, 30))
        self.assertFalse(Deadline.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action="tenggat.atur").exists())


class TimelinessTests(PersonaTestCase):
    jayapura: ClassVar[Pemda]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.jayapura = papua_register()

    def one(self, pemda: Pemda, now: dt.datetime | None = None) -> str:
        return report_timeliness([pemda], YEAR, TW, now=now)[pemda.code].state

    def test_sent_at_2330_wib_on_the_due_date_is_on_time(self):
        sent(self.pemda_a, utc(2025, 7, 20, 16, 30))  # 23.30 WIB on 20 July, 16.30 UTC
        row = report_timeliness([self.pemda_a], YEAR, TW)[self.pemda_a.code]
        self.assertEqual(row.state, TEPAT_WAKTU)
        self.assertEqual(row.sent_on, DUE)
        self.assertTrue(row.sent and row.on_time and not row.late)

    def test_sent_0030_wit_the_day_after_is_late(self):
        sent(self.jayapura, utc(2025, 7, 20, 15, 30))  # 00.30 WIT on 21 July
        row = report_timeliness([self.jayapura], YEAR, TW)[self.jayapura.code]
        self.assertEqual(row.state, TERLAMBAT)
        self.assertEqual(row.sent_on, dt.date(2025, 7, 21))
        # the same moment is still 20 July in Bekasi (22.30 WIB): on time there
        sent(self.pemda_a, utc(2025, 7, 20, 15, 30))
        self.assertEqual(self.one(self.pemda_a), TEPAT_WAKTU)

    def test_missing_only_once_the_due_date_has_passed_in_the_pemda_zone(self):
        self.assertEqual(self.one(self.pemda_a, utc(2025, 7, 20, 16, 59)), BELUM_JATUH_TEMPO)
        self.assertEqual(self.one(self.pemda_a, utc(2025, 7, 20, 17, 0)), BELUM_MENGIRIM)
        # 15.00 UTC is midnight in WIT: Jayapura is missing while Bekasi is not yet due
        self.assertEqual(self.one(self.jayapura, utc(2025, 7, 20, 15, 0)), BELUM_MENGIRIM)
        self.assertEqual(self.one(self.pemda_a, utc(2025, 7, 20, 15, 0)), BELUM_JATUH_TEMPO)

    def test_what_counts_as_sent(self):
        # returned after sending (on time): still sent, still on time
        sent(self.pemda_a, utc(2025, 7, 10, 3), ReportStatus.DIKEMBALIKAN)
        self.assertEqual(self.one(self.pemda_a), TEPAT_WAKTU)
        # approved but never sent: not sent (missing after the deadline)
        sent(self.pemda_a, None, ReportStatus.DISETUJUI)
        self.assertEqual(self.one(self.pemda_a, utc(2025, 8, 1)), BELUM_MENGIRIM)
        # received, without first_sent_at (kept since): the sending time is sent_at
        ReportState.objects.filter(pemda=self.pemda_a).update(
            status=ReportStatus.DITERIMA, sent_at=utc(2025, 7, 22, 2)
        )
        self.assertEqual(self.one(self.pemda_a), TERLAMBAT)
        # a stored deadline moves the verdict
        deadline_set(year=YEAR, quarter=TW, due=dt.date(2025, 7, 31), confirmed=True)
        self.assertEqual(self.one(self.pemda_a), TEPAT_WAKTU)


class RateTests(PersonaTestCase):
    """Province 32 (registered) with four kab/kota; province 36 not registered, one kab/kota."""

    kab: ClassVar[dict[str, Pemda]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.kab = {
            "32.75": cls.pemda_a,
            "32.01": pemda_register(code="32.01"),
            "32.73": kabkota_register("32.73", "KOTA BANDUNG"),
            "32.74": kabkota_register("32.74", "KOTA CIREBON"),
        }
        sent(cls.kab["32.75"], utc(2025, 7, 19, 2))  # on time
        sent(cls.kab["32.01"], utc(2025, 7, 23, 2))  # late
        sent(cls.kab["32.74"], utc(2025, 7, 18, 2), ReportStatus.DIKEMBALIKAN)  # on time
        # 32.73: nothing (missing); the province itself: on time (not in its own rate)
        sent(cls.prov, utc(2025, 7, 20, 1))

    def test_province_rates_over_its_registered_kabkota(self):
        kabkota = list(Pemda.objects.filter(province_code="32", level="kabkota"))
        with self.assertNumQueries(2):  # the deadline, the report states
            reporting = province_reporting(kabkota, YEAR, TW, province=self.prov)
        rate = reporting.rate
        self.assertEqual((rate.expected, rate.sent, rate.on_time), (4, 3, 2))
        self.assertEqual((rate.late, rate.missing), (1, 1))
        self.assertEqual(str(rate.rate), "75.00")
        self.assertEqual(str(rate.on_time_rate), "50.00")
        assert reporting.own is not None
        self.assertEqual(reporting.own.state, TEPAT_WAKTU)
        self.assertNotIn("32", reporting.rows)

    def test_national_rates_per_province(self):
        # the pemda, the deadline, the report states, the provinces' names
        with self.assertNumQueries(4):
            national = national_reporting(Pemda.objects.all(), YEAR, TW)
        by_code = {p.code: p for p in national.provinces}
        jabar, banten = by_code["32"], by_code["36"]
        self.assertEqual(jabar.name, "JAWA BARAT")
        self.assertTrue(jabar.registered)
        self.assertEqual((jabar.rate.expected, jabar.rate.sent, jabar.rate.on_time), (5, 4, 3))
        self.assertEqual(str(jabar.rate.rate), "80.00")
        self.assertFalse(banten.registered)  # only Tangerang Selatan, which sent nothing
        self.assertEqual((banten.rate.expected, banten.rate.sent), (1, 0))
        self.assertEqual(str(banten.rate.rate), "0.00")
        self.assertEqual((national.total.expected, national.total.sent), (6, 4))
        self.assertEqual(str(national.total.on_time_rate), "50.00")

    def test_fixed_number_of_queries_however_many_pemda(self):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                national_reporting(Pemda.objects.all(), YEAR, TW)
                report_timeliness(list(Pemda.objects.all()), YEAR, TW)
            return len(queries.captured_queries)

        few = count()
        for code, name in (("32.76", "KOTA DEPOK"), ("32.77", "KOTA CIMAHI")):
            sent(kabkota_register(code, name), utc(2025, 7, 1))
        self.assertEqual(count(), few)

    def test_province_page_lists_each_kabkota_report_and_the_rates(self):
        self.login("provinsi_jabar")
        page = self.client.get(f"/provinsi/32/{Q}").content.decode()
        self.assertIn('data-testid="tingkat-pelaporan">75,00 %<', page)
        self.assertIn('data-testid="tingkat-tepat-waktu">50,00 %<', page)
        self.assertIn("20 Juli 2025 (belum dikonfirmasi)", page)

        def row(code: str) -> str:
            start = page.index(f'data-testid="peringkat-{code}"')
            return page[start : page.index("</tr>", start)]

        self.assertIn('data-testid="laporan-terlambat"', row("32.01"))
        self.assertIn("23 Juli 2025 09.00 WIB", row("32.01"))  # sent date, the pemda's zone
        self.assertIn('data-testid="laporan-belum_mengirim"', row("32.73"))
        self.assertIn('data-testid="laporan-tepat_waktu"', row("32.75"))
        self.assertIn("Dikembalikan", row("32.74"))

    def test_region_page_shows_status_deadline_and_mark(self):
        self.login("pimpinan_a")
        page = self.client.get(f"/pemda/32.75/{Q}").content.decode()
        card = page[page.index('data-testid="laporan"') :]
        self.assertIn("Dikirim", card)
        self.assertIn('data-testid="laporan-tepat_waktu"', card)
        self.assertIn("20 Juli 2025 (belum dikonfirmasi)", card)
        self.login("provinsi_jabar")
        page = self.client.get(f"/pemda/32.73/{Q}").content.decode()
        self.assertIn('data-testid="laporan-belum_mengirim"', page)

    def test_national_page_shows_rates_per_province(self):
        self.login("pusat")
        page = self.client.get(f"/nasional/{Q}").content.decode()
        start = page.index('data-testid="pelaporan-32"')
        jabar = page[start : page.index("</tr>", start)]
        self.assertIn("80,00 %", jabar)  # 4 of 5 sent
        self.assertIn("60,00 %", jabar)  # 3 of 5 on time
        self.assertIn("provinsi belum terdaftar", page)  # Banten

    def test_api_gives_the_reports_and_rates(self):
        self.login("provinsi_jabar")
        data = self.client.get(f"/api/provinsi/32/dasbor{Q}").json()
        self.assertEqual(data["pelaporan"]["tingkat_pelaporan"], 75.0)
        self.assertEqual(data["pelaporan"]["tingkat_tepat_waktu"], 50.0)
        self.assertEqual(data["laporan"]["ketepatan"], "tepat_waktu")
        late = next(r for r in data["kabkota"] if r["kode"] == "32.01")["laporan"]
        self.assertEqual(late["ketepatan"], "terlambat")
        self.assertEqual(late["tanggal_kirim"], "2025-07-23")
        self.assertEqual(late["tenggat"], "2025-07-20")
        self.assertFalse(late["tenggat_terkonfirmasi"])
        data = self.client.get(f"/api/pemda/32.73/dasbor{Q}").json()
        self.assertEqual(data["laporan"]["ketepatan"], "belum_mengirim")
        self.assertFalse(data["laporan"]["terkirim"])
        self.login("pusat")
        data = self.client.get(f"/api/nasional/dasbor{Q}&tingkat=provinsi").json()
        self.assertEqual(data["jumlah"], 1)  # the ranking is filtered, the rates are not
        self.assertEqual(data["pelaporan"]["diharapkan"], 6)
        jabar = next(p for p in data["pelaporan_provinsi"] if p["kode"] == "32")
        self.assertEqual(jabar["pelaporan"]["tingkat_pelaporan"], 80.0)
        self.assertEqual(data["pemda"][0]["laporan"]["ketepatan"], "tepat_waktu")


class DeadlineCommandTests(TestCase):
    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("tenggat", *args, stdout=out)
        return out.getvalue()

    def test_set_then_print(self):
        out = self.run_command(
            "--tahun", "2025", "--triwulan", "2", "--tanggal", "2025-07-15", "--terkonfirmasi",
            "--sumber", "Surat Edaran 100.2/2025",
        )  # fmt: skip
        self.assertIn("Batas waktu TW2 2025: 2025-07-15 (terkonfirmasi).", out)
        out = self.run_command("--tahun", "2025")
        self.assertIn("TW1 2025: 2025-04-20 (20 April 2025 (belum dikonfirmasi))", out)
        self.assertIn("TW2 2025: 2025-07-15 (15 Juli 2025) — Surat Edaran 100.2/2025", out)
        self.assertIn("TW4 2025: 2026-01-20", out)

    def test_errors_in_indonesian_and_nothing_stored(self):
        cases = [
            (("--tahun", "2025", "--triwulan", "2", "--tanggal", "20-07-2025"), "TTTT-BB-HH"),
            (("--tahun", "2025", "--tanggal", "2025-07-20"), "--triwulan (1–4) wajib"),
            (("--tahun", "2025", "--triwulan", "2", "--tanggal", "2025-06-01"), "setelah triwulan"),
            (("--tahun", "2025", "--triwulan", "7", "--tanggal", "2025-08-01"), "Triwulan harus"),
            (("--tahun", "2025", "--terkonfirmasi"), "bersama --tanggal"),
        ]
        for args, message in cases:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                self.run_command(*args)
        self.assertFalse(Deadline.objects.exists())
