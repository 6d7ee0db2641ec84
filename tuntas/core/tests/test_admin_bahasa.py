"""The administration pages are in Indonesian (issue 11, point 7), third-party apps included;
the system administrator lands on a page of what they can do."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.test import TestCase

ENGLISH = ("Site administration", "Tasks Database Backend", "Task Results", ">Axes<", ">Core<",
           "Select", "Add ", "Recent actions")  # fmt: skip


class AdminLanguageTests(TestCase):
    def setUp(self) -> None:
        self.client.force_login(User.objects.create_superuser("sysadmin", "s@contoh.go.id", "x"))

    def test_the_admin_index_and_lists_speak_indonesian(self):
        pages = ["/admin/", "/admin/axes/accessattempt/", "/admin/core/auditevent/",
                 "/admin/django_tasks_database/dbtaskresult/", "/admin/auth/user/"]  # fmt: skip
        for url in pages:
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                text = response.content.decode()
                for word in ENGLISH:
                    self.assertNotIn(word, text)
        index = self.client.get("/admin/").content.decode()
        apps = re.findall(r"<caption>\s*<a[^>]*>(.*?)</a>", index)
        for name in ("Antrean pekerjaan latar belakang", "Penguncian masuk", "Inti"):
            self.assertIn(name, apps)
        self.assertIn("Hasil pekerjaan latar belakang", index)

    def test_the_system_administrator_lands_on_a_page_of_what_they_can_do(self):
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Administrator sistem")
        for link in ('href="/admin/"', 'href="/admin/auth/user/"', 'href="/admin/core/auditevent/"',
                     'href="/metode/"', 'href="/api/docs"'):  # fmt: skip
            self.assertContains(response, link)
        self.assertContains(response, "tuntas pengguna-baru")
