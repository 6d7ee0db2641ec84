"""The approval chain in the demo: past quarters accepted, the current one mixed (returned with
a reason on a value, sent late, not sent), Kota Bekasi's chain in progress; run twice, nothing
is made twice."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from tuntas.alur.models import FieldFlag, JpdState, ReportState
from tuntas.alur.seed import LATE, RETURNED
from tuntas.alur.tenggat import TERLAMBAT, pemda_report_timeliness
from tuntas.core.models import AuditEvent
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.seed import demo_periods
from tuntas.testing import PersonaTestCase
from tuntas.wilayah.models import Region


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DemoChainTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Pemda.objects.filter(code__in=["32.75", "32"]).update(is_demo=True)
        Region.objects.get_or_create(
            code=LATE, defaults={"name": "KABUPATEN BANDUNG", "level": "kabkota",
                                 "kind": "kabupaten", "parent_id": "32"},
        )  # fmt: skip

    def test_the_demo_shows_the_chain_at_work(self):
        call_command("demo", "--hanya", f"32.75,{RETURNED},{LATE}", stdout=StringIO())
        periods = demo_periods()
        year, quarter = periods[-1]
        past = ReportState.objects.exclude(year=year, quarter=quarter)
        self.assertEqual(set(past.values_list("status", flat=True)), {"diterima"})
        self.assertEqual(past.count(), 3 * (len(periods) - 1))
        now = dict(
            ReportState.objects.filter(year=year, quarter=quarter).values_list("pemda", "status")
        )
        self.assertEqual(now, {RETURNED: "dikembalikan", LATE: "dikirim", "32.75": "disusun"})
        flag = FieldFlag.objects.get(pemda=RETURNED)
        self.assertEqual(flag.field, "terlayani")
        self.assertIn("mohon periksa", flag.comments.get().text)
        late = pemda_report_timeliness(Pemda.objects.get(code=LATE), year, quarter)
        self.assertEqual(late.state, TERLAMBAT)
        bekasi = dict(
            JpdState.objects.filter(pemda="32.75", year=year, quarter=quarter).values_list(
                "status", "jpd"
            )
        )
        self.assertEqual(set(bekasi), {"diverifikasi", "dikembalikan", "diajukan"})
        self.assertTrue(
            AuditEvent.objects.filter(action="alur.jpd.kembalikan", actor__username="verifikator")
        )
        counts = (ReportState.objects.count(), JpdState.objects.count(), FieldFlag.objects.count())
        call_command("demo", "--hanya", f"32.75,{RETURNED},{LATE}", stdout=StringIO())
        self.assertEqual(
            (ReportState.objects.count(), JpdState.objects.count(), FieldFlag.objects.count()),
            counts,
        )
