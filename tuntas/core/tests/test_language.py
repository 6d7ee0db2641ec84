"""Bahasa Indonesia first, whatever the browser asks for; English when the user chooses it."""

from __future__ import annotations

from tuntas.testing import PersonaTestCase


class LanguageTests(PersonaTestCase):
    def test_indonesian_even_when_the_browser_prefers_english(self):
        response = self.client.get("/akun/masuk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, "Masuk ke Tuntas")
        self.assertEqual(response["Content-Language"], "id")

    def test_the_switch_chooses_english_and_back(self):
        self.login("pimpinan_a")
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/pemda/32.75/"})
        page = self.client.get("/pemda/32.75/")
        self.assertEqual(page["Content-Language"], "en")
        self.assertContains(page, 'lang="en"')
        self.client.post("/i18n/setlang/", {"language": "id", "next": "/pemda/32.75/"})
        page = self.client.get("/pemda/32.75/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(page["Content-Language"], "id")
        self.assertContains(page, "Indeks per urusan")

    def test_unknown_cookie_falls_back_to_indonesian(self):
        self.client.cookies["django_language"] = "fr"
        self.assertContains(self.client.get("/akun/masuk/"), "Masuk ke Tuntas")


class EnglishMessagesTests(PersonaTestCase):
    def test_entry_validation_messages_follow_the_chosen_language(self):
        from tuntas.katalog.models import Jpd
        from tuntas.pendataan.services import mutu_items_for, target_set

        jpd = Jpd.objects.get(code="1.02.K07")
        target_set(
            pemda=self.pemda_a,
            jpd=jpd,
            year=2025,
            sasaran=100,
            reason="",
            expected_version=0,
            actor=None,
        )
        data = {"version": 0, "terlayani": "150"}
        for item in mutu_items_for(jpd=jpd, year=2025):
            data[f"mutu_{item.pk}_dibutuhkan"] = "1,5"
            data[f"mutu_{item.pk}_tersedia"] = "1"
        self.login("operator_kes")
        url = "/pemda/32.75/isian/2025/2/1.02.K07/"
        self.assertContains(self.client.post(url, data), "harus bilangan bulat", status_code=400)
        self.client.post("/i18n/setlang/", {"language": "en", "next": url})
        response = self.client.post(url, data)
        self.assertContains(response, "must be a whole number", status_code=400)
        data = {k: ("1" if k.startswith("mutu_") else v) for k, v in data.items()}
        response = self.client.post(url, data)
        self.assertContains(
            response, "Served (150) exceeds the target (100); explain why.", status_code=400
        )
        self.client.post("/i18n/setlang/", {"language": "en", "next": url})
        self.login("pimpinan_a")
        self.assertContains(
            self.client.post(url, data), "Your role can only read this data.", status_code=403
        )


class ErrorPageTests(PersonaTestCase):
    def test_404_and_403_pages_explain_in_indonesian(self):
        self.login("operator_kes")
        response = self.client.get("/pemda/36.74/")
        self.assertContains(response, "di luar wilayah kerja Anda", status_code=404)
        self.login("pimpinan_a")
        response = self.client.post(
            "/pemda/32.75/sasaran/2025/1.02.K07/", {"version": 0, "sasaran": "1"}
        )
        self.assertContains(response, "Peran Anda hanya dapat membaca data ini.", status_code=403)
