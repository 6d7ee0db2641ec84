"""A request body above UPLOAD_MAX_REQUEST_BYTES is refused with 413 before anything reads it
(issue 11, point 1): Django bounds form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) and streams big
files to a temporary file (FILE_UPLOAD_MAX_MEMORY_SIZE), but it bounds neither those files' size
nor the disk they fill."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tuntas.pendataan.models import ExcelUpload
from tuntas.penerima.models import ImportJob
from tuntas.penerima.tests.helpers import PenerimaTestCase

YEAR, TW = 2025, 2
BOUNDARY = "batas"


class RequestBodyLimitTests(PenerimaTestCase):
    """A pemda with the by-name data key and its own var folder (uploads land there)."""

    def urls(self) -> dict[str, str]:
        return {
            "triwulan": reverse("isian-unggah", args=["32.75", YEAR, TW]),
            "penerima": reverse("penerima-unggah", args=["32.75"]),
        }

    def uploads(self) -> list[Path]:
        return list((Path(settings.VAR_DIR) / "unggahan").glob("*"))

    def test_the_defaults_are_stated(self):
        self.assertEqual(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, 2_621_440)
        self.assertEqual(settings.FILE_UPLOAD_MAX_MEMORY_SIZE, 2_621_440)
        self.assertEqual(settings.UPLOAD_MAX_REQUEST_BYTES, 513 * 2**20)  # by-name: 512 MB

    def test_a_claimed_10_gb_body_is_refused_without_reading_a_byte(self):
        """The test client's payload fails any read beyond the bytes it holds: the answer comes
        from the Content-Length alone."""
        self.login("operator_kes")
        body = f"--{BOUNDARY}--\r\n".encode()
        for kind, url in self.urls().items():
            with self.subTest(kind):
                response = self.client.generic(
                    "POST", url, body, content_type=f"multipart/form-data; boundary={BOUNDARY}",
                    CONTENT_LENGTH=str(10 * 10**9),
                )  # fmt: skip
                self.assertContains(
                    response, "Kiriman terlalu besar: 9.537 MB (paling banyak 513 MB)",
                    status_code=413,
                )  # fmt: skip
        response = self.client.generic(
            "POST", "/api/katalog/2025", body, content_type="application/json",
            CONTENT_LENGTH=str(10 * 10**9),
        )  # fmt: skip
        self.assertEqual(response.status_code, 413)
        self.assertIn("Kiriman terlalu besar", response.json()["detail"])

    @override_settings(UPLOAD_MAX_REQUEST_BYTES=64 * 1024)
    def test_an_upload_above_the_limit_stores_nothing_and_one_below_is_judged_as_before(self):
        self.login("operator_kes")
        fields = {"jpd": "1.02.K06", "tahun": YEAR}
        for kind, url in self.urls().items():
            with self.subTest(kind):
                big = SimpleUploadedFile("daftar.csv", b"x" * 100_000)
                response = self.client.post(url, {"berkas": big, **fields})
                self.assertContains(response, "Kiriman terlalu besar", status_code=413)
                self.assertEqual(self.uploads(), [])
        self.assertFalse(ExcelUpload.objects.exists())
        self.assertFalse(ImportJob.objects.exists())
        # below the limit each page judges the file as before: the quarterly page refuses a CSV,
        # the by-name page queues it
        small = {"berkas": SimpleUploadedFile("daftar.csv", b"nik;nama\n"), **fields}
        response = self.client.post(self.urls()["triwulan"], small)
        self.assertContains(response, "Berkas bukan buku kerja Excel (.xlsx)", status_code=400)
        small["berkas"].seek(0)
        response = self.client.post(self.urls()["penerima"], small)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ImportJob.objects.count(), 1)
