"""`tuntas pengguna-baru`: bootstrap accounts without the admin pages (issue 11, point 10)."""

from __future__ import annotations

import json
from contextlib import redirect_stderr
from io import StringIO

from django.contrib.auth.models import User
from django.core.management import ManagementUtility, call_command

from tuntas.akun.models import AccountState, Membership, Role
from tuntas.core.models import AuditEvent
from tuntas.testing import PersonaTestCase


class PenggunaBaruTests(PersonaTestCase):
    def run_command(self, *args: str) -> tuple[int, str, str]:
        out, err = StringIO(), StringIO()
        try:
            call_command("pengguna-baru", *args, stdout=out, stderr=err)
        except SystemExit as exc:
            return int(exc.code or 0), out.getvalue(), err.getvalue()
        return 0, out.getvalue(), err.getvalue()

    def test_json_prints_the_one_time_password_which_signs_in_once(self):
        code, out, _ = self.run_command(
            "Admin.Bekasi", "--peran", "admin_pemda", "--pemda", "32.75", "--json"
        )
        self.assertEqual(code, 0)
        doc = json.loads(out)
        self.assertEqual(set(doc), {"username", "password"})
        self.assertEqual(doc["username"], "admin.bekasi")
        user = User.objects.get(username="admin.bekasi")
        membership = Membership.objects.get(user=user)
        self.assertEqual(
            (membership.pemda_id, membership.role, membership.opd), ("32.75", "admin_pemda", None)
        )
        self.assertTrue(AccountState.objects.get(user=user).must_change_password)
        event = AuditEvent.objects.get(action="pengguna.buat", object_id=str(user.pk))
        self.assertNotIn(doc["password"], json.dumps(event.data))
        response = self.client.post(
            "/akun/masuk/", {"username": "admin.bekasi", "password": doc["password"]}
        )
        self.assertEqual(response.status_code, 302)
        self.assertRedirects(self.client.get("/"), "/akun/sandi/", fetch_redirect_response=False)

    def test_every_role_with_its_place(self):
        cases = [
            ("op.kes", ["--peran", "operator", "--pemda", "32.75", "--opd", "dinas kesehatan"]),
            ("verif", ["--peran", "verifikator", "--pemda", "32.75"]),
            ("pimpinan.bks", ["--peran", "pimpinan", "--pemda", "32.75", "--nama", "Wali Kota"]),
            ("pembina.jabar", ["--peran", "provinsi", "--pemda", "32"]),
            ("kemendagri", ["--peran", "pusat"]),
        ]
        for username, args in cases:
            with self.subTest(username):
                code, out, err = self.run_command(username, *args)
                self.assertEqual(code, 0, err)
                self.assertIn("Kata sandi sekali pakai:", out)
                self.assertTrue(Membership.objects.filter(user__username=username).exists())
        self.assertEqual(
            Membership.objects.get(user__username="op.kes").opd.name, "Dinas Kesehatan"
        )
        self.assertEqual(User.objects.get(username="pimpinan.bks").first_name, "Wali Kota")
        self.assertEqual(Membership.objects.get(user__username="kemendagri").role, Role.PUSAT)

    def test_bad_input_exits_2_and_makes_nothing(self):
        users, memberships, events = (
            User.objects.count(),
            Membership.objects.count(),
            AuditEvent.objects.count(),
        )
        cases = [
            (["baru", "--peran", "raja", "--pemda", "32.75"], "--peran: tidak dikenal"),
            (["baru", "--peran", "operator", "--pemda", "32.75"], "wajib dipilih untuk operator"),
            (["baru", "--peran", "operator", "--pemda", "32.75", "--opd", "Dinas Pariwisata"],
             "bukan perangkat daerah"),
            (["baru", "--peran", "admin_pemda"], "--pemda: wajib diisi"),
            (["baru", "--peran", "admin_pemda", "--pemda", "99.99"], "tuntas pemda-baru 99.99"),
            (["baru", "--peran", "provinsi", "--pemda", "32.75"], "hanya untuk pemda provinsi"),
            (["baru", "--peran", "pusat", "--pemda", "32"], "berlaku nasional"),
            (["operator_kes", "--peran", "pimpinan", "--pemda", "32.75"], "sudah dipakai"),
            (["a b", "--peran", "pimpinan", "--pemda", "32.75"], "tanpa spasi"),
        ]  # fmt: skip
        for args, message in cases:
            with self.subTest(args):
                code, out, err = self.run_command(*args)
                self.assertEqual(code, 2)
                self.assertEqual(out, "")
                self.assertIn(message, err)
        self.assertEqual(
            (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()),
            (users, memberships, events),
        )

    def test_argument_errors_from_the_command_line_are_indonesian_with_exit_2(self):
        cases = [
            (["baru"], "wajib diisi: --peran"),
            ([], "wajib diisi: USERNAME, --peran"),
            (["baru", "--peran", "pusat", "--zz"], "argumen tidak dikenal: --zz"),
            (["baru", "--peran"], "--peran perlu satu nilai"),
        ]
        users = User.objects.count()
        for args, message in cases:
            with self.subTest(args):
                err = StringIO()
                with redirect_stderr(err), self.assertRaises(SystemExit) as ctx:
                    ManagementUtility(["tuntas", "pengguna-baru", *args]).execute()
                self.assertEqual(ctx.exception.code, 2)
                self.assertIn(f"tuntas pengguna-baru: {message}.", err.getvalue())
                self.assertNotIn("error:", err.getvalue())
        self.assertEqual(User.objects.count(), users)
