"""Messages raised by the services (akun, organisasi) and by the Excel round trip
(pendataan/excel/) follow the language the user chose with the switch: English after
POST /i18n/setlang/ language=en, Bahasa Indonesia otherwise. The workbook's layout (sheet names,
column headers, metadata) does not depend on the language: a workbook downloaded in English is
accepted in Indonesian and the other way round."""

from __future__ import annotations

import io
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from python_calamine import CalamineWorkbook

from tuntas.akun.models import Membership, Role
from tuntas.akun.scope import scope_for
from tuntas.core.errors import DomainError
from tuntas.organisasi.models import JpdAssignment
from tuntas.organisasi.services import opd_create, opd_delete
from tuntas.pendataan.excel import (
    GUIDE_SHEET,
    HEADER_ROW,
    HEADERS,
    META_SHEET,
    XLSX_MIME,
    workbook_build,
    workbook_plan,
)
from tuntas.pendataan.models import ExcelUpload
from tuntas.testing import PersonaTestCase, opd

YEAR, TW = 2025, 2
SHEET = "1.02 Kesehatan"
OPD_PAGE = "/pemda/32.75/pengaturan/opd/"
USERS_PAGE = "/pemda/32.75/pengaturan/pengguna/"
ENTRIES = f"/pemda/32.75/isian/{YEAR}/{TW}/"
UPLOAD = ENTRIES + "unggah/"
DOWNLOAD = ENTRIES + "unduh/"
CSV = b"kode_jpd;terlayani\n1.02.K01;5\n"


def sheets_of(data: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {
        name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for name in book.sheet_names
    }


class MessageLanguageTestCase(PersonaTestCase):
    def choose(self, language: str, next_url: str = "/") -> None:
        response = self.client.post("/i18n/setlang/", {"language": language, "next": next_url})
        self.assertEqual(response.status_code, 302)

    def upload(self, data: bytes, name: str = "isian.xlsx") -> Any:
        return self.client.post(
            UPLOAD, {"berkas": SimpleUploadedFile(name, data, content_type=XLSX_MIME)}
        )

    def assert_refused(self, response: Any, present: list[str], absent: list[str]) -> None:
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'data-testid="ditolak"', status_code=400)
        for text in present:
            self.assertContains(response, text, status_code=400)
        for text in absent:
            self.assertNotContains(response, text, status_code=400)
        self.assertFalse(ExcelUpload.objects.exists())


class AdminPageMessageTests(MessageLanguageTestCase):
    """organisasi/services.py and akun/services.py, through the admin pages."""

    def test_duplicate_opd_name_in_english(self):
        self.login("admin_a")
        self.choose("en", OPD_PAGE)
        response = self.client.post(OPD_PAGE, {"name": "dinas  pendidikan"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, '<html lang="en">', status_code=400)
        self.assertEqual(
            response.context["form"].errors["name"],
            ["“dinas pendidikan” already exists in Kota Bekasi."],
        )
        self.assertContains(
            response, "“dinas pendidikan” already exists in Kota Bekasi.", status_code=400
        )
        self.assertNotContains(response, "sudah ada", status_code=400)

    def test_duplicate_opd_name_in_indonesian(self):
        self.login("admin_a")
        self.choose("en", OPD_PAGE)
        self.choose("id", OPD_PAGE)  # and back
        response = self.client.post(OPD_PAGE, {"name": "dinas  pendidikan"})
        self.assertEqual(
            response.context["form"].errors["name"],
            ["“dinas pendidikan” sudah ada di Kota Bekasi."],
        )
        self.assertNotContains(response, "already exists", status_code=400)

    def test_opd_in_use_cannot_be_deleted_in_english_with_plurals(self):
        kes = opd(self.pemda_a, "Dinas Kesehatan")
        n_jpd = JpdAssignment.objects.filter(opd=kes).count()
        self.assertGreater(n_jpd, 1)
        self.assertEqual(Membership.objects.filter(opd=kes).count(), 2)
        self.login("admin_a")
        self.choose("en", OPD_PAGE)
        response = self.client.post(f"{OPD_PAGE}{kes.pk}/hapus/", follow=True)
        self.assertContains(
            response,
            f"Dinas Kesehatan cannot be deleted: it is still the responsible agency for {n_jpd} "
            "JPD and still has 2 user memberships. First move its JPD to another agency (OPD) on "
            "the Responsible agencies page, then remove or move its users&#x27; memberships on "
            "the Users page.",
        )
        self.assertNotContains(response, "tidak dapat dihapus")

        baru = opd_create(pemda=self.pemda_a, name="Inspektorat", actor=self.users["admin_a"])
        Membership.objects.create(
            user=self.users["nobody"], pemda=self.pemda_a, opd=baru, role=Role.VERIFIKATOR
        )
        for language, expected in (
            ("en", "Inspektorat cannot be deleted: it still has 1 user membership. First"),
            ("id", "Inspektorat tidak dapat dihapus: masih memiliki 1 keanggotaan pengguna. Cabut"),
        ):
            with self.subTest(language=language), translation.override(language):
                with self.assertRaises(DomainError) as ctx:
                    opd_delete(opd=baru, actor=self.users["admin_a"])
                self.assertTrue(str(ctx.exception).startswith(expected), str(ctx.exception))

    def test_user_form_errors_in_english(self):
        """akun/services.py: FieldInvalid messages shown on the user form."""
        self.login("admin_a")
        self.choose("en", USERS_PAGE)
        response = self.client.post(
            f"{USERS_PAGE}baru/",
            {"username": "operator_kes", "full_name": "X", "role": "pimpinan", "opd": ""},
        )
        self.assertContains(response, "“operator_kes” is already taken.", status_code=400)
        self.assertNotContains(response, "sudah dipakai", status_code=400)
        response = self.client.post(
            f"{USERS_PAGE}baru/",
            {"username": "baru", "full_name": "Baru", "role": "operator", "opd": ""},
        )
        self.assertEqual(response.context["form"].errors["opd"], ["required for operators."])

    def test_own_password_reset_refused_in_english(self):
        """akun/services.py: a DomainError shown as a message after a redirect."""
        admin = self.login("admin_a")
        self.choose("en", USERS_PAGE)
        response = self.client.post(f"{USERS_PAGE}{admin.pk}/sandi/", follow=True)
        self.assertContains(response, "Change your own password with the Change password menu.")
        self.assertNotContains(response, "Ganti kata sandi Anda sendiri")


class ExcelMessageTests(MessageLanguageTestCase):
    """pendataan/excel/: refusals, preview problems and the workbook's guidance."""

    def test_refused_uploads_in_english(self):
        self.login("operator_kes")
        self.choose("en", UPLOAD)
        self.assert_refused(
            self.upload(CSV, "isian.csv"),
            ["The file is not an Excel workbook (.xlsx). Upload the file downloaded from Tuntas"],
            ["bukan buku kerja Excel"],
        )
        data = self.client.get(DOWNLOAD).content
        self.assert_refused(
            self.upload(data[: len(data) // 2]),
            [
                "The Excel file is damaged or cannot be read. Download the workbook from Tuntas "
                "again and fill it in again."
            ],
            ["rusak atau tidak dapat dibaca", "Unduh ulang"],
        )
        self.assert_refused(
            self.upload(self.client.get(f"/pemda/32.75/isian/{YEAR}/1/unduh/").content),
            [f"This file is for TW1 {YEAR}, not TW2 {YEAR}. Upload it on the entry page"],
            ["Berkas ini untuk"],
        )

    def test_refused_uploads_in_indonesian(self):
        self.login("operator_kes")
        self.assert_refused(
            self.upload(CSV, "isian.csv"),
            ["Berkas bukan buku kerja Excel (.xlsx). Unggah berkas yang diunduh dari Tuntas"],
            ["not an Excel workbook"],
        )
        data = self.client.get(DOWNLOAD).content
        self.assert_refused(
            self.upload(data[: len(data) // 2]),
            [
                "Berkas Excel rusak atau tidak dapat dibaca. Unduh ulang buku kerja dari Tuntas "
                "lalu isi kembali."
            ],
            ["damaged", "Download the workbook"],
        )

    def test_preview_problems_in_english(self):
        user = self.login("operator_kes")
        plan = workbook_plan(
            pemda=self.pemda_a, year=YEAR, quarter=TW, scope=scope_for(user), user=user
        )
        data = workbook_build(plan, cells={("1.02.K01", "", "terlayani"): "abc"})
        self.choose("en", UPLOAD)
        response = self.upload(data)
        self.assertEqual(response.status_code, 302)
        page = self.client.get(response["Location"]).content.decode()
        self.assertRegex(
            page,
            rf"Sheet {re.escape(SHEET)}, row \d+ \(JPD 1\.02\.K01 [^)]+\), column F \(Terlayani kumulatif\): "
            r"the value “abc” is not a number\.",
        )
        self.assertNotIn("bukan angka", page)

    def test_workbook_guidance_follows_the_language_but_not_its_layout(self):
        self.login("operator_kes")
        self.choose("en", ENTRIES)
        english = self.client.get(DOWNLOAD).content
        self.choose("id", ENTRIES)
        indonesian = self.client.get(DOWNLOAD).content
        en_sheets, id_sheets = sheets_of(english), sheets_of(indonesian)

        # the layout is the same: sheet names, headers, metadata keys
        self.assertEqual(list(en_sheets), list(id_sheets))
        self.assertEqual(next(iter(en_sheets)), GUIDE_SHEET)
        self.assertIn(SHEET, en_sheets)
        self.assertEqual(tuple(en_sheets[SHEET][HEADER_ROW][: len(HEADERS)]), HEADERS)
        self.assertEqual(
            [row[0] for row in en_sheets[META_SHEET][1:]],
            [row[0] for row in id_sheets[META_SHEET][1:]],
        )
        # only the guidance is translated
        en_guide = "\n".join(str(row[0]) for row in en_sheets[GUIDE_SHEET])
        id_guide = "\n".join(str(row[0]) for row in id_sheets[GUIDE_SHEET])
        self.assertIn(f"SPM entries for quarter {TW} of {YEAR} — Kota Bekasi", en_guide)
        self.assertIn("How to fill in", en_guide)
        self.assertIn("1. Each sheet holds one government affair (urusan).", en_guide)
        self.assertNotIn("Cara mengisi", en_guide)
        self.assertIn("Cara mengisi", id_guide)
        self.assertIn("1. Setiap lembar berisi satu urusan.", id_guide)
        self.assertEqual(
            en_sheets[SHEET][1][0],
            "Fill in only the white cells. Do not change the column headings, the codes or the "
            "order of the rows.",
        )

        # a workbook downloaded in English is accepted in Indonesian (and nothing changed)
        response = self.upload(english)
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        upload = ExcelUpload.objects.get()
        self.assertEqual((upload.changes, upload.errors), ([], []))
