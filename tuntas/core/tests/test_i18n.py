"""The English translation of the interface (msgids are Bahasa Indonesia, the default language).

The catalog is tuntas/locale/en/LC_MESSAGES/django.po (compiled to django.mo). To refresh it, in
tuntas/: ``django-admin makemessages -l en --ignore "*/tests/*" --ignore "static/*"``, translate
every new entry (no ``#, fuzzy`` left), then ``django-admin compilemessages -l en``.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import SimpleTestCase

from tuntas.katalog.models import Jpd
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for, target_set
from tuntas.testing import PersonaTestCase

SOURCE = Path(settings.BASE_DIR) / "tuntas"
LOCALE_DIR = SOURCE / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
YEAR, TW = 2025, 2


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale="en")


def entries(catalog: Catalog) -> list[Message]:
    """Every entry except the header."""
    return [m for m in catalog if m.id]


def singular(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def translations(message: Message) -> list[str]:
    string = message.string
    if string is None:
        return [""]
    return [string] if isinstance(string, str) else list(string)


class CatalogTests(SimpleTestCase):
    """The catalog is complete, well formed and compiled."""

    catalog: Catalog

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.catalog = read_catalog(PO_PATH)

    def test_english_is_offered_and_indonesian_is_the_default(self):
        self.assertEqual(settings.LANGUAGE_CODE, "id")
        self.assertIn("en", dict(settings.LANGUAGES))
        self.assertIn(SOURCE / "locale", [Path(p) for p in settings.LOCALE_PATHS])

    def test_every_entry_is_translated_and_none_is_fuzzy(self):
        self.assertGreater(len(entries(self.catalog)), 300)
        self.assertFalse(self.catalog.fuzzy, "the header is marked fuzzy")
        untranslated = [singular(m) for m in entries(self.catalog) if not all(translations(m))]
        fuzzy = [singular(m) for m in entries(self.catalog) if m.fuzzy]
        self.assertEqual(untranslated, [], f"untranslated entries in {PO_PATH}")
        self.assertEqual(fuzzy, [], f"fuzzy entries (ignored at run time) in {PO_PATH}")
        self.assertEqual(self.catalog.num_plurals, 2)

    def test_placeholders_are_kept(self):
        for message in entries(self.catalog):
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            wanted = {name for text in ids for name in PLACEHOLDER.findall(text)}
            for text in translations(message):
                with self.subTest(msgid=singular(message), msgstr=text):
                    self.assertEqual(set(PLACEHOLDER.findall(text)), wanted)

    def test_compiled_catalog_matches_the_po_file(self):
        """django.mo must be recompiled whenever django.po changes."""
        with MO_PATH.open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)
        stale = []
        for message in entries(self.catalog):
            context = message.context
            if isinstance(message.id, str):
                got = [
                    compiled.pgettext(context, message.id)
                    if context
                    else compiled.gettext(message.id)
                ]
            else:
                one, many = message.id[0], message.id[1]
                got = (
                    [compiled.npgettext(context, one, many, n) for n in (1, 2)]
                    if context
                    else [compiled.ngettext(one, many, n) for n in (1, 2)]
                )
            if got != translations(message):
                stale.append(singular(message))
        self.assertEqual(stale, [], "django.mo is out of date: run compilemessages -l en")

    def test_catalog_holds_every_string_marked_in_the_source(self):
        """A string marked for translation after the last makemessages has no English yet."""
        if not shutil.which("xgettext") or not shutil.which("msgmerge"):
            self.skipTest("GNU gettext (xgettext, msgmerge) is not installed")

        def keep_sources(folder: str, names: list[str]) -> set[str]:
            skipped = {"tests", "static", "locale", "__pycache__"}
            return {
                name
                for name in names
                if name in skipped
                or (
                    not os.path.isdir(os.path.join(folder, name))
                    and not name.endswith((".py", ".html", ".txt"))
                )
            }

        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "tuntas"
            shutil.copytree(SOURCE, copy, ignore=keep_sources)
            (copy / "locale").mkdir()
            env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
            args = ["makemessages", "-l", "en", "--ignore", "*/tests/*", "--ignore", "static/*"]
            subprocess.run(
                [sys.executable, "-m", "django", *args],
                cwd=copy,
                env=env,
                check=True,
                capture_output=True,
            )
            fresh = read_catalog(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
        known = {singular(m) for m in entries(self.catalog)}
        missing = sorted(singular(m) for m in entries(fresh) if singular(m) not in known)
        self.assertEqual(missing, [], "run makemessages -l en in tuntas/ and translate these")


class LanguageSwitchTests(PersonaTestCase):
    """A user switches to English with the header's button (POST /i18n/setlang/) and back."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        jpd = Jpd.objects.get(code="1.02.K07")
        target_set(
            pemda=cls.pemda_a, jpd=jpd, year=YEAR, sasaran=4900, reason="x",
            expected_version=0, actor=None,
        )  # fmt: skip
        items = mutu_items_for(jpd=jpd, year=YEAR)
        entry_save(
            pemda=cls.pemda_a, jpd=jpd, year=YEAR, quarter=TW,
            data=EntryInput(terlayani=3570, mutu={i.pk: (10, 10) for i in items}),
            expected_version=0, actor=None,
        )  # fmt: skip

    dashboard = f"/pemda/32.75/?tahun={YEAR}&tw={TW}"
    entry_list = f"/pemda/32.75/isian/{YEAR}/{TW}/"

    def switch(self, language: str, next_url: str) -> None:
        response = self.client.post("/i18n/setlang/", {"language": language, "next": next_url})
        self.assertRedirects(response, next_url, fetch_redirect_response=False)

    def test_dashboard_and_entry_list_in_english_then_back_in_indonesian(self):
        self.login("admin_a")
        page = self.client.get(self.dashboard)
        self.assertContains(page, '<html lang="id">')
        self.assertContains(page, "Indeks per urusan")
        self.assertContains(page, 'value="en" class="link">English</button>')

        self.switch("en", self.dashboard)
        page = self.client.get(self.dashboard)
        self.assertEqual(page["Content-Language"], "en")
        self.assertContains(page, '<html lang="en">')
        for english in (
            "Minimum Service Standards",
            "Change password",
            "Log out",
            "Settings",
            "Enter data for TW2 2025",
            "SPM index TW2 2025",
            "Index per government affair",
            "Achievement per JPD",
            "Basic service type (JPD)",
            "Completeness per agency (OPD)",
            "Index trend",
            'data-testid="indeks">78.28 %',
            'value="id" class="link">Bahasa Indonesia</button>',
        ):
            self.assertContains(page, english)
        # the category bands are the domain's names and stay as they are
        self.assertContains(page, "Tuntas Pratama")
        for indonesian in (
            "Standar Pelayanan Minimal",
            "Ganti kata sandi",
            "Keluar",
            "Pengaturan",
            "Isi capaian",
            # not "Indeks SPM": the trend chart's label in the page's script is not marked
            "Indeks per urusan",
            "Capaian per JPD",
            "Jenis pelayanan dasar",
            "Keterisian per perangkat daerah",
            "Tampilkan",
            "78,28 %",
        ):
            self.assertNotContains(page, indonesian)

        page = self.client.get(self.entry_list)
        self.assertContains(page, "Achievement entries TW2 2025")
        self.assertContains(page, "Fill in with Excel:")
        self.assertContains(page, "Download workbook")
        self.assertContains(page, "Responsible agency")
        self.assertContains(page, "Not filled in")
        self.assertContains(page, "Complete")
        self.assertRegex(page.content.decode(), r"1 of \d+ JPD complete\.")
        for indonesian in (
            "Isian capaian",
            "Isi lewat Excel",
            "Unduh buku kerja",
            "Jenis pelayanan dasar",
            "Belum diisi",
            "Sasaran",
            "Terlayani",
            "JPD lengkap",
        ):
            self.assertNotContains(page, indonesian)

        self.switch("id", self.entry_list)
        page = self.client.get(self.entry_list)
        self.assertEqual(page["Content-Language"], "id")
        self.assertContains(page, "Isian capaian TW2 2025")
        self.assertContains(page, "Belum diisi")
        self.assertNotContains(page, "Achievement entries")
        self.assertNotContains(page, "Not filled in")
        page = self.client.get(self.dashboard)
        self.assertContains(page, "Indeks per urusan")
        self.assertContains(page, 'data-testid="indeks">78,28 %')
        self.assertNotContains(page, "Index per government affair")

    def test_the_choice_outlives_logging_out(self):
        """The language is a cookie, not part of the session."""
        self.login("pimpinan_a")
        self.switch("en", self.dashboard)
        self.client.post("/akun/keluar/")
        page = self.client.get("/akun/masuk/")
        self.assertContains(page, "Log in to Tuntas")

    def test_unknown_language_is_ignored(self):
        self.login("pimpinan_a")
        self.client.post("/i18n/setlang/", {"language": "fr", "next": self.dashboard})
        self.assertContains(self.client.get(self.dashboard), "Indeks per urusan")


class LoginPageLanguageTests(PersonaTestCase):
    """The login page follows the language chosen with the switch (Django's language cookie).
    The browser's Accept-Language is ignored on purpose (tuntas/core/middleware.py): an
    official on an English Windows must still get Bahasa Indonesia unless they choose English."""

    url = "/akun/masuk/"

    def assert_indonesian(self, page) -> None:
        self.assertEqual(page["Content-Language"], "id")
        self.assertContains(page, '<html lang="id">')
        self.assertContains(page, "<title>Masuk | Tuntas</title>")
        self.assertContains(page, "Masuk ke Tuntas")
        self.assertContains(page, "Nama pengguna")
        self.assertNotContains(page, "Log in")
        self.assertNotContains(page, "Username")

    def assert_english(self, page) -> None:
        self.assertEqual(page["Content-Language"], "en")
        self.assertContains(page, '<html lang="en">')
        self.assertContains(page, "<title>Log in | Tuntas</title>")
        self.assertContains(page, "Log in to Tuntas")
        self.assertContains(page, "Username")
        self.assertContains(page, "Password")
        self.assertContains(page, "Region codes: idn-area-data (ODbL)")
        for indonesian in ("Masuk ke Tuntas", "Nama pengguna", "Kata sandi", "Kode wilayah"):
            self.assertNotContains(page, indonesian)

    def test_indonesian_without_a_header(self):
        self.assert_indonesian(self.client.get(self.url))

    def test_accept_language_alone_does_not_switch_to_english(self):
        for header in ("en", "en-US,en;q=0.9", "en-GB,id;q=0.5", "fr-FR"):
            with self.subTest(header=header):
                page = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE=header)
                self.assert_indonesian(page)
                self.assertIn("Cookie", page["Vary"])

    def test_english_after_choosing_it_before_logging_in(self):
        self.client.post("/i18n/setlang/", {"language": "en", "next": self.url})
        self.assert_english(self.client.get(self.url))
        self.assert_english(self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="id-ID,id;q=0.9"))
        self.client.post("/i18n/setlang/", {"language": "id", "next": self.url})
        self.assert_indonesian(self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en"))


class EagerGettextTests(PersonaTestCase):
    """Class-level strings (form labels, error messages) must be lazy (``gettext_lazy``):
    translated with ``gettext`` at import time they would stay Indonesian in English."""

    def test_failed_login_message_in_english(self):
        """akun/forms.py: LoginForm.error_messages."""
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/akun/masuk/"})
        page = self.client.post("/akun/masuk/", {"username": "operator_kes", "password": "salah"})
        self.assertContains(page, "Log in to Tuntas")  # the page itself is English
        self.assertContains(page, "Incorrect username or password.")

    def test_entry_form_labels_in_english(self):
        """pendataan/forms.py: EntryForm and TargetForm field labels."""
        self.login("operator_kes")
        url = f"/pemda/32.75/isian/{YEAR}/{TW}/1.02.K01/"
        self.client.post("/i18n/setlang/", {"language": "en", "next": url})
        page = self.client.get(url)
        self.assertContains(page, "Problems and solutions")  # the template's own text is English
        self.assertContains(page, "Served per standard (cumulative to the end of the quarter)")

    def test_upload_form_label_in_english(self):
        """pendataan/views_excel.py: UploadForm.berkas label."""
        self.login("operator_kes")
        url = f"/pemda/32.75/isian/{YEAR}/{TW}/unggah/"
        self.client.post("/i18n/setlang/", {"language": "en", "next": url})
        page = self.client.get(url)
        self.assertContains(page, "Upload and preview")
        self.assertContains(page, "Excel file (.xlsx) downloaded from Tuntas")
