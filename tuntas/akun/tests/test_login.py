"""Login with Argon2, lockout after repeated failures, session expiry, password change, home."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import timezone

from tuntas.testing import PASSWORD, PersonaTestCase

LOGIN = "/akun/masuk/"


class LoginTests(PersonaTestCase):
    def login_form(self, username: str, password: str):
        return self.client.post(LOGIN, {"username": username, "password": password})

    def test_login_with_the_right_password_and_argon2(self):
        response = self.login_form("operator_kes", PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(
            settings.PASSWORD_HASHERS[0], "django.contrib.auth.hashers.Argon2PasswordHasher"
        )
        user = User.objects.get(username="operator_kes")
        self.assertTrue(user.password.startswith("argon2"))

    def test_wrong_password_is_refused_in_indonesian(self):
        response = self.login_form("operator_kes", "salah")
        self.assertContains(response, "Nama pengguna atau kata sandi salah.")
        self.assertFalse(response.wsgi_request.user.is_authenticated)

    def login_from(self, address: str, username: str, password: str):
        return self.client.post(
            LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address
        )

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_lockout_after_repeated_failures_even_with_the_right_password(self):
        for _ in range(3):
            self.login_from("10.0.0.1", "operator_kes", "salah")
        response = self.login_from("10.0.0.1", "operator_kes", PASSWORD)
        self.assertContains(response, "Akun dikunci sementara", status_code=429)
        self.assertContains(response, "dalam 15 menit", status_code=429)
        # the login page itself, with the username typed still in its field
        self.assertContains(response, 'name="username" id="id_username"', status_code=429)
        self.assertContains(response, 'value="operator_kes"', status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        # other users are not affected
        self.assertEqual(self.login_from("10.0.0.1", "admin_a", PASSWORD).status_code, 302)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_nobody_locks_a_user_out_from_another_address(self):
        for _ in range(5):
            self.login_from("203.0.113.9", "operator_kes", "salah")
        self.assertEqual(self.login_from("203.0.113.9", "operator_kes", PASSWORD).status_code, 429)
        # the user at their own office PC signs in as usual
        self.assertEqual(self.login_from("10.0.0.1", "operator_kes", PASSWORD).status_code, 302)

    @override_settings(AXES_FAILURE_LIMIT=3, PROXY_COUNT=1)
    def test_behind_a_proxy_the_address_the_proxy_saw_counts(self):
        def via_proxy(client_address: str, password: str):
            return self.client.post(
                LOGIN,
                {"username": "operator_kes", "password": password},
                REMOTE_ADDR="127.0.0.1",
                # a client may put anything in front; nginx appends the address it saw
                HTTP_X_FORWARDED_FOR=f"10.9.9.9, {client_address}",
            )

        for _ in range(3):
            via_proxy("198.51.100.7", "salah")
        self.assertEqual(via_proxy("198.51.100.7", PASSWORD).status_code, 429)
        self.assertEqual(via_proxy("10.0.0.1", PASSWORD).status_code, 302)

    @override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=timedelta(minutes=40))
    def test_the_message_follows_the_setting_and_the_lock_ends_after_it(self):
        for _ in range(3):
            self.login_from("10.0.0.1", "operator_kes", "salah")
        response = self.login_from("10.0.0.1", "operator_kes", PASSWORD)
        self.assertContains(response, "dalam 40 menit", status_code=429)
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=41))
        self.assertEqual(self.login_from("10.0.0.1", "operator_kes", PASSWORD).status_code, 302)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_a_success_resets_the_count(self):
        self.login_from("10.0.0.1", "operator_kes", "salah")
        self.login_from("10.0.0.1", "operator_kes", "salah")
        self.assertEqual(self.login_from("10.0.0.1", "operator_kes", PASSWORD).status_code, 302)
        self.client.logout()
        self.login_from("10.0.0.1", "operator_kes", "salah")
        self.login_from("10.0.0.1", "operator_kes", "salah")
        self.assertEqual(self.login_from("10.0.0.1", "operator_kes", PASSWORD).status_code, 302)

    def test_the_lockout_settings_come_from_the_environment_and_are_checked(self):
        def settings_with(**env: str) -> subprocess.CompletedProcess[str]:
            code = (
                "from tuntas import settings as s; "
                "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.PROXY_COUNT)"
            )
            return subprocess.run(
                [sys.executable, "-c", code],
                env={**os.environ, **env},
                capture_output=True,
                text=True,
                timeout=60,
            )

        unset = {
            k: ""
            for k in ("TUNTAS_LOGIN_BATAS_GAGAL", "TUNTAS_LOGIN_KUNCI_MENIT", "TUNTAS_PROXY_COUNT")
        }
        self.assertEqual(settings_with(**unset).stdout.split(), ["5", "900.0", "0"])
        done = settings_with(
            TUNTAS_LOGIN_BATAS_GAGAL="8", TUNTAS_LOGIN_KUNCI_MENIT="30", TUNTAS_PROXY_COUNT="1"
        )
        self.assertEqual(done.stdout.split(), ["8", "1800.0", "1"])
        for name, value in (
            ("TUNTAS_LOGIN_KUNCI_MENIT", "0"),  # axes would lock for ever
            ("TUNTAS_LOGIN_BATAS_GAGAL", "0"),
            ("TUNTAS_LOGIN_BATAS_GAGAL", "lima"),
            ("TUNTAS_PROXY_COUNT", "-1"),
        ):
            with self.subTest(name=name, value=value):
                done = settings_with(**{**unset, name: value})
                self.assertNotEqual(done.returncode, 0)
                self.assertIn(f"{name} harus bilangan bulat", done.stderr)

    def test_session_expires(self):
        self.assertLessEqual(settings.SESSION_COOKIE_AGE, 12 * 3600)
        self.assertTrue(settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)
        self.login_form("operator_kes", PASSWORD)
        self.assertLessEqual(self.client.session.get_expiry_age(), settings.SESSION_COOKIE_AGE)

    def test_logout_is_a_post(self):
        self.login("operator_kes")
        response = self.client.post("/akun/keluar/")
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_password_change(self):
        self.login_form("operator_kes", PASSWORD)
        response = self.client.post(
            "/akun/sandi/",
            {
                "old_password": PASSWORD,
                "new_password1": "Baru-Sekali-2026!",
                "new_password2": "Baru-Sekali-2026!",
            },
        )
        self.assertRedirects(response, "/akun/sandi/selesai/")
        self.client.logout()
        self.assertEqual(self.login_form("operator_kes", "Baru-Sekali-2026!").status_code, 302)

    def test_password_change_requires_login(self):
        response = self.client.get("/akun/sandi/")
        self.assertEqual(response.status_code, 302)
        self.assertIn(LOGIN, response["Location"])


class HomeTests(PersonaTestCase):
    def test_each_role_lands_where_its_work_is(self):
        cases = {
            "operator_kes": "/pemda/32.75/",
            "pimpinan_a": "/pemda/32.75/",
            "admin_b": "/pemda/36.74/",
            "provinsi_jabar": "/provinsi/32/",
            "pusat": "/nasional/",
        }
        for persona, target in cases.items():
            self.login(persona)
            self.assertRedirects(
                self.client.get("/"), target, fetch_redirect_response=False, msg_prefix=persona
            )
        self.login("nobody")
        self.assertContains(self.client.get("/"), "belum memiliki peran", status_code=403)
        self.client.logout()
        self.assertIn(LOGIN, self.client.get("/")["Location"])
