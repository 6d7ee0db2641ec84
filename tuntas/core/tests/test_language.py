"""Bahasa Indonesia first, whatever the browser asks for; English when the user chooses it."""

from __future__ import annotations

from tuntas.core.testing import PersonaTestCase


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
