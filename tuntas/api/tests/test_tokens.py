"""API tokens: stored only as a hash, shown once, refused once revoked; the `token-baru` command;
the API documentation page served without any CDN."""

from __future__ import annotations

import hashlib
from io import StringIO

from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command

from tuntas.api.models import ApiToken
from tuntas.api.services import api_token_authenticate, api_token_create, api_token_revoke
from tuntas.core.errors import DomainError
from tuntas.core.models import AuditEvent
from tuntas.testing import PersonaTestCase


class TokenServiceTests(PersonaTestCase):
    def test_create_stores_only_the_hash_and_audits_without_the_token(self):
        user = self.users["pimpinan_a"]
        token, plaintext = api_token_create(user=user, label=" Bappeda ")
        self.assertTrue(plaintext.startswith("tuntas_"))
        self.assertGreaterEqual(len(plaintext), 40)
        token.refresh_from_db()
        self.assertEqual(token.token_hash, hashlib.sha256(plaintext.encode()).hexdigest())
        self.assertEqual(token.label, "Bappeda")
        self.assertEqual(token.prefix, plaintext[:12])
        self.assertIsNone(token.last_used_at)
        self.assertFalse(token.is_revoked)
        stored = ApiToken.objects.filter(pk=token.pk).values().get()
        self.assertNotIn(plaintext, [str(v) for v in stored.values()])
        event = AuditEvent.objects.get(action="token_api.buat")
        self.assertEqual(event.object_id, str(token.pk))
        self.assertEqual(event.data["pengguna"], "pimpinan_a")
        self.assertNotIn(plaintext, str(event.data))

    def test_two_tokens_differ(self):
        user = self.users["pimpinan_a"]
        _, first = api_token_create(user=user)
        _, second = api_token_create(user=user)
        self.assertNotEqual(first, second)

    def test_inactive_user_and_long_label_are_refused(self):
        user = self.users["pimpinan_a"]
        with self.assertRaisesMessage(DomainError, "Label token paling panjang 100 karakter."):
            api_token_create(user=user, label="x" * 101)
        user.is_active = False
        user.save()
        with self.assertRaisesMessage(DomainError, "tidak aktif"):
            api_token_create(user=user)
        self.assertFalse(ApiToken.objects.exists())

    def test_authenticate_finds_the_user_and_records_use(self):
        user = self.users["provinsi_jabar"]
        token, plaintext = api_token_create(user=user)
        self.assertEqual(api_token_authenticate(plaintext=plaintext), user)
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)
        self.assertIsNone(api_token_authenticate(plaintext=plaintext + "x"))
        self.assertIsNone(api_token_authenticate(plaintext="bukan-token"))
        self.assertIsNone(api_token_authenticate(plaintext=""))

    def test_revoked_token_and_inactive_user_are_refused(self):
        user = self.users["provinsi_jabar"]
        token, plaintext = api_token_create(user=user)
        api_token_revoke(token=token, actor=None)
        self.assertIsNone(api_token_authenticate(plaintext=plaintext))
        api_token_revoke(token=token, actor=None)  # a second revoke changes nothing
        self.assertEqual(AuditEvent.objects.filter(action="token_api.cabut").count(), 1)
        _, other = api_token_create(user=user)
        User.objects.filter(pk=user.pk).update(is_active=False)
        self.assertIsNone(api_token_authenticate(plaintext=other))


class TokenCommandTests(PersonaTestCase):
    def test_prints_the_token_once_on_stdout(self):
        out, err = StringIO(), StringIO()
        call_command("token-baru", "pusat", "--nama", "Dasbor BI", stdout=out, stderr=err)
        plaintext = out.getvalue().strip()
        self.assertEqual(len(out.getvalue().splitlines()), 1)
        token = ApiToken.objects.get()
        self.assertEqual(token.user, self.users["pusat"])
        self.assertEqual(token.label, "Dasbor BI")
        self.assertEqual(token.token_hash, hashlib.sha256(plaintext.encode()).hexdigest())
        self.assertIn("tidak akan ditampilkan lagi", err.getvalue())
        self.assertIn("Authorization: Bearer", err.getvalue())
        self.assertNotIn(plaintext, err.getvalue())

    def test_unknown_user(self):
        with self.assertRaisesMessage(CommandError, "Pengguna 'siapa' tidak ditemukan."):
            call_command("token-baru", "siapa", stdout=StringIO(), stderr=StringIO())
        self.assertFalse(ApiToken.objects.exists())


class TokenAdminTests(PersonaTestCase):
    def test_admin_lists_and_revokes_without_showing_the_hash(self):
        admin = User.objects.create_superuser("root", "root@example.org", "x")
        token, plaintext = api_token_create(user=self.users["pusat"], label="BI")
        self.client.force_login(admin)
        page = self.client.get("/admin/api/apitoken/")
        self.assertContains(page, token.prefix)
        self.assertNotContains(page, token.token_hash)
        response = self.client.post(
            "/admin/api/apitoken/",
            {"action": "revoke", "_selected_action": [token.pk]},
            follow=True,
        )
        self.assertContains(response, "1 token dicabut.")
        token.refresh_from_db()
        self.assertTrue(token.is_revoked)
        self.assertEqual(AuditEvent.objects.get(action="token_api.cabut").actor, admin)
        self.assertIsNone(api_token_authenticate(plaintext=plaintext))


class DocsTests(PersonaTestCase):
    def test_docs_page_uses_vendored_swagger_ui(self):
        page = self.client.get("/api/docs")
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn("/static/vendor/swagger-ui/swagger-ui-bundle.js", html)
        self.assertIn("/static/vendor/swagger-ui/swagger-ui.css", html)
        self.assertIn('"validatorUrl": null', html)
        self.assertIn('"url": "/api/openapi.json"', html)
        self.assertNotIn("cdn", html.lower())
        self.assertNotIn("https://", html)
        for path in (
            "vendor/swagger-ui/swagger-ui-bundle.js",
            "vendor/swagger-ui/swagger-ui.css",
            "vendor/swagger-ui/LICENSE",
            "api/swagger-init.js",
        ):
            self.assertIsNotNone(finders.find(path), path)
