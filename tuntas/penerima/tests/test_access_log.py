"""The access log of by-name data: one row per view, search, "lihat NIK", export, upload and
report download, in the same request; never a NIK or a name in it; readable by admin_pemda."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tuntas.penerima.crypto import nik_token
from tuntas.penerima.models import AccessAction, AccessLog, ImportJob
from tuntas.penerima.services import AccessLogLeak, access_log_create, recipients_import
from tuntas.penerima.tests.helpers import YEAR, PenerimaTestCase, csv_text, row

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PEOPLE = [row(1), row(2, sex="P")]


@override_settings(TASKS=IMMEDIATE)
class AccessLogTests(PenerimaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        path = cls.tmp / "awal.csv"
        path.write_text(csv_text(PEOPLE), encoding="utf-8")
        recipients_import(pemda=cls.pemda_a, jpd=cls.k06, year=YEAR, path=path)

    def url(self, name: str) -> str:
        return reverse(name, args=["32.75", YEAR, "1.02.K06"])

    def every_action(self) -> None:
        """One request per logged action, as the operator of Dinas Kesehatan."""
        self.login("operator_kes")
        self.client.get(self.url("penerima-daftar"))
        found = self.client.post(self.url("penerima-daftar"), {"nik": PEOPLE[0]["nik"]})
        self.client.get(found["Location"])
        self.client.post(
            self.url("penerima-nik"),
            {"hash_nik": nik_token(PEOPLE[1]["nik"]), "alasan": "pemeriksaan data ganda"},
        )
        self.client.post(self.url("penerima-ekspor"), {"alasan": "rapat evaluasi", "format": "csv"})
        bad = csv_text([row(3, nik="123"), row(4)]).encode()
        self.client.post(
            reverse("penerima-unggah", args=["32.75"]),
            {"jpd": "1.02.K06", "tahun": YEAR, "berkas": SimpleUploadedFile("d.csv", bad)},
        )
        job = ImportJob.objects.get()
        self.client.get(reverse("penerima-impor-laporan", args=["32.75", job.pk]))

    def test_each_action_writes_one_row(self):
        self.every_action()
        actions = list(AccessLog.objects.order_by("pk").values_list("action", flat=True))
        self.assertEqual(
            actions,
            [
                AccessAction.LIHAT_DAFTAR,
                AccessAction.CARI,
                AccessAction.LIHAT_NIK,
                AccessAction.EKSPOR,
                AccessAction.UNGGAH,
                AccessAction.UNDUH_LAPORAN,
            ],
        )
        user = self.users["operator_kes"]
        for log in AccessLog.objects.all():
            self.assertEqual(
                (log.user, log.username, log.pemda_id), (user, "operator_kes", "32.75")
            )
            self.assertEqual((log.jpd_id, log.year), ("1.02.K06", YEAR))
        reasons = dict(AccessLog.objects.values_list("action", "reason"))
        self.assertEqual(reasons[AccessAction.LIHAT_NIK], "pemeriksaan data ganda")
        self.assertEqual(reasons[AccessAction.EKSPOR], "rapat evaluasi")

    def test_no_nik_or_name_in_the_log(self):
        self.every_action()
        dump = json.dumps(list(AccessLog.objects.values("detail", "reason")))
        for person in [*PEOPLE, row(3, nik="123"), row(4)]:
            self.assertNotIn(person["nik"], dump)
            self.assertNotIn(person["nama"], dump)
            self.assertNotIn(person["alamat"], dump)

    def test_a_nik_typed_into_a_reason_is_masked(self):
        log = access_log_create(
            pemda=self.pemda_a,
            user=self.users["admin_a"],
            action=AccessAction.EKSPOR,
            reason=f"permintaan warga NIK {PEOPLE[0]['nik']}",
        )
        self.assertEqual(log.reason, "permintaan warga NIK 327501******0001")

    def test_a_nik_in_the_detail_is_refused(self):
        with self.assertRaises(AccessLogLeak):
            access_log_create(
                pemda=self.pemda_a,
                user=self.users["admin_a"],
                action=AccessAction.CARI,
                detail={"nik": PEOPLE[0]["nik"]},
            )
        self.assertFalse(AccessLog.objects.exists())

    def test_refused_requests_log_nothing(self):
        self.login("operator_kes")
        self.client.post(self.url("penerima-ekspor"), {"alasan": "", "format": "csv"})
        self.client.post(
            self.url("penerima-nik"), {"hash_nik": nik_token(PEOPLE[0]["nik"]), "alasan": ""}
        )
        self.login("operator_dik")  # another OPD: 403
        self.client.get(self.url("penerima-daftar"))
        self.assertFalse(AccessLog.objects.exists())

    def test_admin_pemda_reads_the_log_of_their_pemda_only(self):
        self.every_action()
        access_log_create(
            pemda=self.pemda_b, user=self.users["admin_b"], action=AccessAction.LIHAT_DAFTAR
        )
        self.login("admin_a")
        response = self.client.get(reverse("penerima-log", args=["32.75"]))
        html = response.content.decode()
        self.assertEqual(html.count("<td>operator_kes</td>"), 6)
        self.assertNotIn("admin_b", html)
        self.assertIn("pemeriksaan data ganda", html)
        self.assertIn("Melihat NIK lengkap", html)
        self.assertNotIn(nik_token(PEOPLE[1]["nik"]), html)
        self.login("admin_b")
        response = self.client.get(reverse("penerima-log", args=["36.74"]))
        self.assertNotContains(response, "operator_kes")
