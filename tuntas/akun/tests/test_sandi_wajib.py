"""A password set by someone else is changed at the first sign-in (issue 11, point 9): no way
round it through the API with the browser's session, nor by "changing" it to itself; htmx
requests load the password page whole; the demo's printed passwords stay usable."""

from __future__ import annotations

import re
from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings

from tuntas.akun.models import AccountState
from tuntas.akun.services import password_change_require
from tuntas.api.services import api_token_create
from tuntas.organisasi.models import Pemda
from tuntas.testing import PASSWORD, PersonaTestCase

LOGIN = "/akun/masuk/"
SANDI = "/akun/sandi/"
API = "/api/pemda/32.75/dasbor"


class ForcedChangeTests(PersonaTestCase):
    def sign_in_with_a_password_set_by_the_admin(self) -> User:
        user = self.users["pimpinan_a"]
        password_change_require(user=user)
        response = self.client.post(LOGIN, {"username": "pimpinan_a", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertRedirects(self.client.get("/"), SANDI, fetch_redirect_response=False)
        return user

    def test_the_api_refuses_the_browser_session_until_the_password_is_changed(self):
        user = self.sign_in_with_a_password_set_by_the_admin()
        response = self.client.get(API)
        self.assertEqual(response.status_code, 401)
        self.assertIn("ganti dulu di /akun/sandi/", response.json()["detail"])
        self.assertEqual(self.client.get("/api/pemda").status_code, 401)
        # the open catalog stays open
        self.assertEqual(self.client.get("/api/katalog/2024").status_code, 200)
        # a token (made by the system administrator for a machine) is not held back
        _token, plaintext = api_token_create(user=user, label="mesin")
        response = self.client.generic(
            "GET", API, HTTP_AUTHORIZATION=f"Bearer {plaintext}", HTTP_COOKIE=""
        )
        self.assertEqual(response.status_code, 200)
        mine = "Sandi-Pimpinan-Sendiri-2026"
        response = self.client.post(
            SANDI, {"old_password": PASSWORD, "new_password1": mine, "new_password2": mine}
        )
        self.assertRedirects(response, "/akun/sandi/selesai/")
        self.assertEqual(self.client.get(API).status_code, 200)

    def test_the_new_password_must_differ_from_the_one_set_by_someone_else(self):
        user = self.sign_in_with_a_password_set_by_the_admin()
        response = self.client.post(
            SANDI, {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}
        )
        self.assertContains(
            response, "Kata sandi baru harus berbeda dari kata sandi yang sekarang."
        )
        self.assertTrue(AccountState.objects.get(user=user).must_change_password)
        self.assertRedirects(self.client.get("/"), SANDI, fetch_redirect_response=False)

    def test_an_htmx_request_loads_the_password_page_whole(self):
        self.sign_in_with_a_password_set_by_the_admin()
        response = self.client.get("/pemda/32.75/", HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["HX-Redirect"], SANDI)
        self.assertEqual(response.content, b"")


fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
LOGIN_ROW = re.compile(r"^\s+(?P<label>.+?)\s{2,}(?P<user>\S+)\s{2,}(?P<password>\S{12})\s{2,}")


class DemoAccountTests(PersonaTestCase):
    @fast_hashing
    def test_demo_accounts_sign_in_without_a_forced_change_even_after_a_reset(self):
        Pemda.objects.filter(code__in=["32.75", "32"]).update(is_demo=True)
        call_command("demo", "--hanya", "32.75", stdout=StringIO())
        # an admin reset the demo operator's password through the admin pages, then the demo
        # is run again: its printed password must work as it is
        password_change_require(user=User.objects.get(username="operator"))
        out = StringIO()
        call_command("demo", "--hanya", "32.75", stdout=out)
        passwords = {
            m["user"]: m["password"]
            for m in map(LOGIN_ROW.match, out.getvalue().splitlines())
            if m and m["user"] != "Pengguna"
        }
        self.assertIn("operator", passwords)
        for username in ("operator", "pimpinan"):
            with self.subTest(username):
                self.client.logout()
                response = self.client.post(
                    LOGIN, {"username": username, "password": passwords[username]}
                )
                self.assertEqual(response.status_code, 302)
                self.assertNotEqual(self.client.get("/").get("Location"), SANDI)
        self.assertFalse(AccountState.objects.filter(must_change_password=True).exists())


class DjangoAdminTests(PersonaTestCase):
    def setUp(self) -> None:
        self.sysadmin = User.objects.create_superuser("sysadmin", password=PASSWORD)
        self.client.force_login(self.sysadmin)

    def sign_in(self, username: str, password: str) -> str | None:
        self.client.logout()
        response = self.client.post(LOGIN, {"username": username, "password": password})
        self.assertEqual(response.status_code, 302)
        return self.client.get("/pemda/32.75/").get("Location")

    def test_a_user_made_in_the_admin_changes_the_password_at_the_first_sign_in(self):
        chosen = "Sandi-Awal-Dari-Admin-2026"
        response = self.client.post(
            "/admin/auth/user/add/",
            {"username": "dari.admin", "password1": chosen, "password2": chosen,
             "usable_password": "true"},
        )  # fmt: skip
        self.assertEqual(response.status_code, 302, response.content[:2000])
        user = User.objects.get(username="dari.admin")
        self.assertTrue(AccountState.objects.get(user=user).must_change_password)
        self.assertEqual(self.sign_in("dari.admin", chosen), SANDI)

    def test_a_password_set_in_the_admin_for_someone_else_is_changed_by_its_owner(self):
        user = self.users["pimpinan_a"]
        chosen = "Sandi-Atur-Ulang-2026"
        response = self.client.post(
            f"/admin/auth/user/{user.pk}/password/",
            {"password1": chosen, "password2": chosen, "usable_password": "true"},
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertTrue(AccountState.objects.get(user=user).must_change_password)
        self.assertEqual(self.sign_in("pimpinan_a", chosen), SANDI)
        # the system administrator's own password, changed there: no obligation
        self.client.force_login(self.sysadmin)
        response = self.client.post(
            f"/admin/auth/user/{self.sysadmin.pk}/password/",
            {"password1": chosen, "password2": chosen, "usable_password": "true"},
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertFalse(AccountState.objects.filter(user=self.sysadmin).exists())
