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


class PermissionNamesTests(TestCase):
    """Django stores each permission's name in English when it creates it; the user and group
    forms of the admin list them all. They are renamed to Indonesian after migrate."""

    def test_default_permissions_are_named_in_indonesian(self):
        from django.contrib.auth.models import Permission

        names = dict(Permission.objects.values_list("codename", "name"))
        self.assertEqual(names["add_user"], "Dapat menambah pengguna")
        self.assertEqual(names["view_auditevent"], "Dapat melihat catatan audit")
        self.assertEqual(
            names["delete_dbtaskresult"], "Dapat menghapus hasil pekerjaan latar belakang"
        )
        self.assertEqual([n for n in names.values() if n.startswith("Can ")], [])

    def test_the_user_form_and_the_access_log_speak_indonesian(self):
        from axes.models import AccessLog

        admin = User.objects.create_superuser("sysadmin", "s@contoh.go.id", "x")
        self.client.force_login(admin)
        page = self.client.get(f"/admin/auth/user/{admin.pk}/change/").content.decode()
        self.assertIn("Dapat mengubah pengguna", page)
        self.assertNotIn("Can add", page)
        log = AccessLog.objects.create(username="a", ip_address="127.0.0.1", user_agent="x",
                                       http_accept="text/html", path_info="/akun/masuk/")  # fmt: skip
        page = self.client.get(f"/admin/axes/accesslog/{log.pk}/change/").content.decode()
        for english in (">Path:<", ">User Agent:<", ">Meta Data<"):
            self.assertNotIn(english, page)
        self.assertIn("Alamat halaman", page)
