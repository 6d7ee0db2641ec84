"""User administration by a pemda's admin: the services in ``tuntas.akun.services`` and the
/pemda/<kode>/pengaturan/pengguna/ pages, down to logging in with the password shown once."""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuntas.akun.models import AccountState, Membership, Role
from tuntas.akun.services import (
    PASSWORD_ALPHABET,
    membership_add,
    membership_remove,
    password_generate,
    user_activate,
    user_create_with_membership,
    user_deactivate,
    user_password_reset,
)
from tuntas.core.errors import DomainError
from tuntas.core.models import AuditEvent
from tuntas.organisasi.services import FieldInvalid
from tuntas.pendataan.models import QuarterEntry
from tuntas.testing import PASSWORD, PersonaTestCase, make_user, opd

LOGIN = "/akun/masuk/"
USERS = "/pemda/32.75/pengaturan/pengguna/"


def audit_text() -> str:
    return json.dumps(list(AuditEvent.objects.values("action", "data")), ensure_ascii=False)


class UserAdminTestCase(PersonaTestCase):
    staf: ClassVar[User]
    staf_operator: ClassVar[Membership]
    staf_pimpinan: ClassVar[Membership]
    dual: ClassVar[User]
    staff_account: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        kes_a = opd(cls.pemda_a, "Dinas Kesehatan")
        # a staff member of A with two roles
        cls.staf = make_user("staf_a")
        cls.staf_operator = Membership.objects.create(
            user=cls.staf, pemda=cls.pemda_a, opd=kes_a, role=Role.OPERATOR
        )
        cls.staf_pimpinan = Membership.objects.create(
            user=cls.staf, pemda=cls.pemda_a, role=Role.PIMPINAN
        )
        # someone working for A and for B: A's admin must not manage them
        cls.dual = make_user("ganda")
        Membership.objects.create(user=cls.dual, pemda=cls.pemda_a, role=Role.PIMPINAN)
        Membership.objects.create(user=cls.dual, pemda=cls.pemda_b, role=Role.PIMPINAN)
        # a Django staff account that also has a role in A
        cls.staff_account = make_user("petugas_sistem")
        cls.staff_account.is_staff = True
        cls.staff_account.save()
        Membership.objects.create(user=cls.staff_account, pemda=cls.pemda_a, role=Role.PIMPINAN)

    @property
    def admin(self) -> User:
        return self.users["admin_a"]

    def login_form(self, username: str, password: str):
        self.client.logout()
        return self.client.post(LOGIN, {"username": username, "password": password})


class PasswordTests(UserAdminTestCase):
    def test_generated_passwords_are_random_and_readable(self):
        seen = {password_generate() for _ in range(50)}
        self.assertEqual(len(seen), 50)
        for p in seen:
            self.assertRegex(p, rf"^[{PASSWORD_ALPHABET}]{{4}}(-[{PASSWORD_ALPHABET}]{{4}}){{3}}$")


class UserCreateServiceTests(UserAdminTestCase):
    def test_create_with_membership(self):
        kes = opd(self.pemda_a, "Dinas Kesehatan")
        user, password = user_create_with_membership(
            pemda=self.pemda_a,
            username="  Budi.Santoso ",
            full_name=" Budi   Santoso ",
            role=Role.OPERATOR,
            opd=kes,
            actor=self.admin,
        )
        user.refresh_from_db()
        self.assertEqual(user.username, "budi.santoso")
        self.assertEqual(user.get_full_name(), "Budi Santoso")
        self.assertTrue(user.is_active)
        self.assertFalse(user.is_staff)
        self.assertTrue(user.password.startswith("argon2$"))
        self.assertTrue(user.check_password(password))
        self.assertEqual(
            list(Membership.objects.filter(user=user).values_list("pemda_id", "opd_id", "role")),
            [("32.75", kes.pk, "operator")],
        )
        event = AuditEvent.objects.get(action="pengguna.buat")
        self.assertEqual(event.actor, self.admin)
        self.assertEqual(event.object_id, str(user.pk))
        self.assertEqual(
            event.data,
            {
                "pemda": "32.75",
                "pengguna": "budi.santoso",
                "peran": "operator",
                "opd": "Dinas Kesehatan",
                "nama": "Budi Santoso",
            },
        )
        self.assertNotIn(password, audit_text())

    def test_verifikator_may_have_an_opd_or_not(self):
        kes = opd(self.pemda_a, "Dinas Kesehatan")
        for name, unit in (("verif.kes", kes), ("verif.tim", None)):
            user, _ = user_create_with_membership(
                pemda=self.pemda_a,
                username=name,
                full_name=name,
                role=Role.VERIFIKATOR,
                opd=unit,
                actor=self.admin,
            )
            self.assertEqual(Membership.objects.get(user=user).opd, unit)

    def refused(self, field: str, **overrides) -> FieldInvalid:
        kwargs: dict[str, Any] = {
            "pemda": self.pemda_a,
            "username": "pengguna.baru",
            "full_name": "Pengguna Baru",
            "role": Role.PIMPINAN,
            "opd": None,
            "actor": self.admin,
        }
        kwargs.update(overrides)
        users, events = User.objects.count(), AuditEvent.objects.count()
        with self.assertRaises(FieldInvalid) as ctx:
            user_create_with_membership(**kwargs)
        self.assertEqual(ctx.exception.field, field)
        self.assertEqual(User.objects.count(), users)
        self.assertEqual(AuditEvent.objects.count(), events)
        return ctx.exception

    def test_validation_names_the_field_in_indonesian(self):
        kes, kes_b = opd(self.pemda_a, "Dinas Kesehatan"), opd(self.pemda_b, "Dinas Kesehatan")
        exc = self.refused("username", username="OPERATOR_KES")
        self.assertEqual(str(exc), "Nama pengguna: “operator_kes” sudah dipakai.")
        for bad in ("ab", "budi santoso", "budi/santoso", ""):
            with self.subTest(username=bad):
                self.assertTrue(
                    str(self.refused("username", username=bad)).startswith("Nama pengguna:")
                )
        self.assertEqual(
            str(self.refused("full_name", full_name="  ")), "Nama lengkap: wajib diisi."
        )
        self.refused("full_name", full_name="x" * 151)
        for role in (Role.PROVINSI, Role.PUSAT, "raja"):
            with self.subTest(role=role):
                exc = self.refused("role", role=role)
                self.assertIn("Peran:", str(exc))
                self.assertIn("provinsi dan pusat tidak dapat diberikan", str(exc))
        exc = self.refused("opd", role=Role.OPERATOR, opd=None)
        self.assertEqual(str(exc), "Perangkat daerah: wajib dipilih untuk operator.")
        exc = self.refused("opd", role=Role.OPERATOR, opd=kes_b)
        self.assertEqual(str(exc), "Perangkat daerah: bukan perangkat daerah Kota Bekasi.")
        for role in (Role.ADMIN_PEMDA, Role.PIMPINAN):
            with self.subTest(role=role):
                self.assertIn("kosongkan", str(self.refused("opd", role=role, opd=kes)))

    def test_only_an_admin_of_the_pemda_may_create(self):
        for persona in ("operator_kes", "verifikator_tim", "pimpinan_a", "admin_b", "pusat"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                user_create_with_membership(
                    pemda=self.pemda_a,
                    username=f"dari.{persona}",
                    full_name="X",
                    role=Role.PIMPINAN,
                    opd=None,
                    actor=self.users[persona],
                )
        self.assertFalse(User.objects.filter(username__startswith="dari.").exists())


class MembershipServiceTests(UserAdminTestCase):
    def test_add_a_membership(self):
        dik = opd(self.pemda_a, "Dinas Pendidikan")
        m = membership_add(
            pemda=self.pemda_a, user=self.staf, role=Role.OPERATOR, opd=dik, actor=self.admin
        )
        self.assertEqual((m.pemda_id, m.opd, m.role), ("32.75", dik, "operator"))
        event = AuditEvent.objects.get(action="keanggotaan.tambah")
        self.assertEqual(event.actor, self.admin)
        self.assertEqual(event.data["opd"], "Dinas Pendidikan")
        self.assertEqual(event.data["pengguna"], "staf_a")

    def test_the_same_membership_twice_is_refused(self):
        kes = opd(self.pemda_a, "Dinas Kesehatan")
        with self.assertRaises(FieldInvalid) as ctx:
            membership_add(
                pemda=self.pemda_a, user=self.staf, role=Role.OPERATOR, opd=kes, actor=self.admin
            )
        self.assertEqual(
            str(ctx.exception), "Peran: staf_a sudah memiliki peran ini di Dinas Kesehatan."
        )

    def test_users_outside_the_pemda_cannot_be_touched(self):
        for persona in ("outsider", "admin_b", "provinsi_jabar", "pusat", "nobody"):
            with self.subTest(persona=persona), self.assertRaises(DomainError) as ctx:
                membership_add(
                    pemda=self.pemda_a,
                    user=self.users[persona],
                    role=Role.PIMPINAN,
                    opd=None,
                    actor=self.admin,
                )
            self.assertIn("tidak terdaftar di Kota Bekasi", str(ctx.exception))
        for user in (self.dual, self.staff_account):
            with self.subTest(user=user.username), self.assertRaises(DomainError) as ctx:
                membership_add(
                    pemda=self.pemda_a, user=user, role=Role.VERIFIKATOR, opd=None, actor=self.admin
                )
            self.assertIn("administrator sistem", str(ctx.exception))
        self.assertFalse(AuditEvent.objects.filter(action="keanggotaan.tambah").exists())
        self.assertEqual(Membership.objects.filter(user=self.dual).count(), 2)

    def test_a_provinsi_user_is_not_managed_by_the_provinces_admin_either(self):
        admin_p = make_user("admin_p")
        Membership.objects.create(user=admin_p, pemda=self.prov, role=Role.ADMIN_PEMDA)
        with self.assertRaises(DomainError) as ctx:
            user_password_reset(pemda=self.prov, user=self.users["provinsi_jabar"], actor=admin_p)
        self.assertIn("administrator sistem", str(ctx.exception))
        self.assertTrue(self.users["provinsi_jabar"].check_password(PASSWORD))

    def test_remove_a_membership(self):
        membership_remove(pemda=self.pemda_a, membership=self.staf_pimpinan, actor=self.admin)
        self.assertEqual(list(Membership.objects.filter(user=self.staf)), [self.staf_operator])
        event = AuditEvent.objects.get(action="keanggotaan.cabut")
        self.assertEqual(event.data["peran"], "pimpinan")
        self.assertEqual(event.actor, self.admin)

    def test_the_last_membership_is_kept(self):
        membership_remove(pemda=self.pemda_a, membership=self.staf_pimpinan, actor=self.admin)
        with self.assertRaises(DomainError) as ctx:
            membership_remove(pemda=self.pemda_a, membership=self.staf_operator, actor=self.admin)
        self.assertIn("satu-satunya peran staf_a", str(ctx.exception))
        self.assertTrue(Membership.objects.filter(pk=self.staf_operator.pk).exists())

    def test_an_admin_cannot_drop_their_own_admin_role(self):
        own = Membership.objects.get(user=self.admin, role=Role.ADMIN_PEMDA)
        Membership.objects.create(user=self.admin, pemda=self.pemda_a, role=Role.PIMPINAN)
        with self.assertRaises(DomainError) as ctx:
            membership_remove(pemda=self.pemda_a, membership=own, actor=self.admin)
        self.assertIn("peran admin pemda Anda sendiri", str(ctx.exception))

    def test_a_membership_of_another_pemda_is_refused(self):
        theirs = Membership.objects.get(user=self.users["outsider"])
        with self.assertRaises(DomainError):
            membership_remove(pemda=self.pemda_a, membership=theirs, actor=self.admin)
        with self.assertRaises(PermissionDenied):  # and B's own admin acting on A
            membership_remove(
                pemda=self.pemda_a, membership=self.staf_pimpinan, actor=self.users["admin_b"]
            )
        self.assertTrue(Membership.objects.filter(pk=theirs.pk).exists())
        self.assertTrue(Membership.objects.filter(pk=self.staf_pimpinan.pk).exists())


class PasswordAndStatusServiceTests(UserAdminTestCase):
    def test_password_reset(self):
        password = user_password_reset(pemda=self.pemda_a, user=self.staf, actor=self.admin)
        self.assertTrue(AccountState.objects.get(user=self.staf).must_change_password)
        self.staf.refresh_from_db()
        self.assertTrue(self.staf.check_password(password))
        self.assertFalse(self.staf.check_password(PASSWORD))
        self.assertTrue(self.staf.password.startswith("argon2$"))
        event = AuditEvent.objects.get(action="pengguna.reset_sandi")
        self.assertEqual(event.data, {"pemda": "32.75", "pengguna": "staf_a"})
        self.assertEqual(event.actor, self.admin)
        self.assertNotIn(password, audit_text())

    def test_password_reset_refusals(self):
        with self.assertRaises(DomainError) as ctx:
            user_password_reset(pemda=self.pemda_a, user=self.admin, actor=self.admin)
        self.assertIn("Ganti kata sandi", str(ctx.exception))
        for user in (self.users["outsider"], self.users["pusat"], self.dual, self.staff_account):
            with self.subTest(user=user.username), self.assertRaises(DomainError):
                user_password_reset(pemda=self.pemda_a, user=user, actor=self.admin)
            user.refresh_from_db()
            self.assertTrue(user.check_password(PASSWORD))
        with self.assertRaises(PermissionDenied):
            user_password_reset(
                pemda=self.pemda_a, user=self.staf, actor=self.users["operator_kes"]
            )
        self.assertFalse(AuditEvent.objects.filter(action="pengguna.reset_sandi").exists())

    def test_deactivate_and_activate(self):
        user_deactivate(pemda=self.pemda_a, user=self.staf, actor=self.admin)
        self.staf.refresh_from_db()
        self.assertFalse(self.staf.is_active)
        self.assertEqual(Membership.objects.filter(user=self.staf).count(), 2)  # kept
        with self.assertRaises(DomainError) as ctx:
            user_deactivate(pemda=self.pemda_a, user=self.staf, actor=self.admin)
        self.assertIn("sudah nonaktif", str(ctx.exception))
        user_activate(pemda=self.pemda_a, user=self.staf, actor=self.admin)
        self.staf.refresh_from_db()
        self.assertTrue(self.staf.is_active)
        self.assertEqual(
            list(
                AuditEvent.objects.filter(object_id=str(self.staf.pk))
                .order_by("id")
                .values_list("action", "actor__username")
            ),
            [("pengguna.nonaktif", "admin_a"), ("pengguna.aktif", "admin_a")],
        )

    def test_deactivate_refusals(self):
        with self.assertRaises(DomainError) as ctx:
            user_deactivate(pemda=self.pemda_a, user=self.admin, actor=self.admin)
        self.assertIn("akun Anda sendiri", str(ctx.exception))
        for user in (self.dual, self.users["admin_b"], self.users["provinsi_jabar"]):
            with self.subTest(user=user.username), self.assertRaises(DomainError):
                user_deactivate(pemda=self.pemda_a, user=user, actor=self.admin)
            user.refresh_from_db()
            self.assertTrue(user.is_active)


class UserPageTests(UserAdminTestCase):
    def create_via_page(self, **data):
        self.login("admin_a")
        return self.client.post(f"{USERS}baru/", data)

    @staticmethod
    def shown_password(response) -> str:
        match = re.search(r'data-testid="sandi">([^<]+)<', response.content.decode())
        assert match is not None
        return match.group(1)

    def test_create_a_user_then_log_in_with_the_password_shown_once(self):
        self.login("admin_a")
        self.assertEqual(self.client.get(f"{USERS}baru/").status_code, 200)
        kes = opd(self.pemda_a, "Dinas Kesehatan")
        response = self.create_via_page(
            username="siti.aminah", full_name="Siti Aminah", role="operator", opd=kes.pk
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertContains(response, "hanya ditampilkan sekali")
        password = self.shown_password(response)
        user = User.objects.get(username="siti.aminah")
        self.assertNotIn(password, user.password)

        response = self.login_form("siti.aminah", password)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)
        # an initial password set by the admin: every page asks for the user's own first
        for url in ("/", "/pemda/32.75/", "/pemda/32.75/isian/2024/1/"):
            self.assertRedirects(
                self.client.get(url), "/akun/sandi/", fetch_redirect_response=False
            )
        response = self.client.post(
            "/pemda/32.75/isian/2024/1/1.02.K01/", {"version": "0", "terlayani": "3"}
        )
        self.assertRedirects(response, "/akun/sandi/", fetch_redirect_response=False)
        self.assertFalse(QuarterEntry.objects.exists())
        self.assertContains(self.client.get("/akun/sandi/"), "Pilih kata sandi Anda sendiri")
        mine = "Sandi-Siti-Sendiri-2026"
        response = self.client.post(
            "/akun/sandi/", {"old_password": password, "new_password1": mine, "new_password2": mine}
        )
        self.assertRedirects(response, "/akun/sandi/selesai/")
        self.assertRedirects(self.client.get("/"), "/pemda/32.75/", fetch_redirect_response=False)
        self.assertTrue(AuditEvent.objects.filter(action="pengguna.ganti_sandi").exists())
        # signing in again later: no more obligation
        self.client.logout()
        self.login_form("siti.aminah", mine)
        self.assertRedirects(self.client.get("/"), "/pemda/32.75/", fetch_redirect_response=False)
        # the new operator can enter the JPD of their OPD
        response = self.client.post(
            "/pemda/32.75/isian/2024/1/1.02.K01/", {"version": "0", "terlayani": "3"}
        )
        self.assertEqual(response.status_code, 302)
        # the page with the password is not reachable again: the user page does not show it
        self.login("admin_a")
        self.assertNotContains(self.client.get(f"{USERS}{user.pk}/"), password)

    def test_create_errors_are_shown_on_the_form(self):
        response = self.create_via_page(username="baru", full_name="Baru", role="operator", opd="")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["opd"], ["wajib dipilih untuk operator."])
        response = self.create_via_page(
            username="operator_kes", full_name="X", role="pimpinan", opd=""
        )
        self.assertContains(response, "“operator_kes” sudah dipakai.", status_code=400)
        response = self.create_via_page(username="x.y", full_name="X", role="pusat", opd="")
        self.assertEqual(response.status_code, 400)
        self.assertIn("role", response.context["form"].errors)
        self.assertFalse(User.objects.filter(username__in=["baru", "x.y"]).exists())

    def test_list_shows_the_pemdas_users_only(self):
        self.login("admin_a")
        response = self.client.get(USERS)
        self.assertEqual(response.status_code, 200)
        names = [pu.user.username for pu in response.context["users"]]
        for persona in (
            "operator_kes",
            "verifikator_tim",
            "admin_a",
            "pimpinan_a",
            "staf_a",
            "ganda",
        ):
            self.assertIn(persona, names)
        for persona in ("outsider", "admin_b", "provinsi_jabar", "pusat", "nobody"):
            self.assertNotIn(persona, names)
        manageable = {pu.user.username: pu.manageable for pu in response.context["users"]}
        self.assertTrue(manageable["staf_a"])
        self.assertFalse(manageable["ganda"])
        self.assertFalse(manageable["petugas_sistem"])
        self.assertContains(response, "Dikelola administrator sistem", count=2)
        # ganda's role in B is not shown on A's page
        ganda = next(pu for pu in response.context["users"] if pu.user.username == "ganda")
        self.assertEqual([m.pemda_id for m in ganda.memberships], ["32.75"])

    def test_list_runs_a_fixed_number_of_queries(self):
        self.login("admin_a")

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(USERS).status_code, 200)
            return len(ctx.captured_queries)

        before = count()
        for i in range(5):
            u = make_user(f"tambahan{i}")
            Membership.objects.create(user=u, pemda=self.pemda_a, role=Role.PIMPINAN)
        self.assertEqual(count(), before)

    def test_users_outside_the_pemda_are_not_found(self):
        self.login("admin_a")
        for persona in ("outsider", "admin_b", "provinsi_jabar", "pusat", "nobody"):
            uid = self.users[persona].pk
            with self.subTest(persona=persona):
                self.assertEqual(self.client.get(f"{USERS}{uid}/").status_code, 404)
                self.assertEqual(self.client.post(f"{USERS}{uid}/sandi/").status_code, 404)
                self.assertEqual(
                    self.client.post(f"{USERS}{uid}/status/", {"aktif": "0"}).status_code, 404
                )
                self.assertEqual(
                    self.client.post(f"{USERS}{uid}/peran/", {"role": "pimpinan"}).status_code,
                    404,
                )
        theirs = Membership.objects.get(user=self.users["outsider"])
        uid = self.users["outsider"].pk
        self.assertEqual(
            self.client.post(f"{USERS}{uid}/peran/{theirs.pk}/cabut/").status_code, 404
        )
        # a membership id of another user through staf_a's URL
        self.assertEqual(
            self.client.post(f"{USERS}{self.staf.pk}/peran/{theirs.pk}/cabut/").status_code, 404
        )
        self.assertTrue(Membership.objects.filter(pk=theirs.pk).exists())

    def test_a_user_with_roles_elsewhere_is_shown_read_only(self):
        self.login("admin_a")
        response = self.client.get(f"{USERS}{self.dual.pk}/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "hanya dapat diubah oleh administrator sistem")
        self.assertNotContains(response, "Buat kata sandi baru")
        response = self.client.post(f"{USERS}{self.dual.pk}/sandi/", follow=True)
        self.assertContains(response, "juga memiliki peran di luar Kota Bekasi")
        self.dual.refresh_from_db()
        self.assertTrue(self.dual.check_password(PASSWORD))

    def test_add_and_remove_a_membership(self):
        self.login("admin_a")
        dik = opd(self.pemda_a, "Dinas Pendidikan")
        response = self.client.post(
            f"{USERS}{self.staf.pk}/peran/", {"role": "verifikator", "opd": dik.pk}, follow=True
        )
        self.assertContains(response, "Peran ditambahkan.")
        self.assertTrue(
            Membership.objects.filter(user=self.staf, role="verifikator", opd=dik).exists()
        )
        response = self.client.post(
            f"{USERS}{self.staf.pk}/peran/", {"role": "operator", "opd": ""}
        )
        self.assertContains(response, "wajib dipilih untuk operator.", status_code=400)

        response = self.client.post(
            f"{USERS}{self.staf.pk}/peran/{self.staf_pimpinan.pk}/cabut/", follow=True
        )
        self.assertContains(response, "Peran dicabut.")
        self.assertFalse(Membership.objects.filter(pk=self.staf_pimpinan.pk).exists())

    def test_reset_password_ends_the_old_password_and_sessions(self):
        other = self.client_class()
        other.force_login(self.staf)
        self.assertEqual(other.get("/").status_code, 302)  # logged in: sent to the dashboard
        self.login("admin_a")
        response = self.client.post(f"{USERS}{self.staf.pk}/sandi/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        password = self.shown_password(response)
        # the staff member's open session is over
        self.assertIn(LOGIN, other.get("/")["Location"])
        self.assertContains(self.login_form("staf_a", PASSWORD), "kata sandi salah")
        self.assertEqual(self.login_form("staf_a", password).status_code, 302)

    def test_own_password_is_not_reset_here(self):
        self.login("admin_a")
        response = self.client.post(f"{USERS}{self.admin.pk}/sandi/", follow=True)
        self.assertContains(response, "Ganti kata sandi Anda sendiri")
        self.assertTrue(User.objects.get(pk=self.admin.pk).check_password(PASSWORD))

    def test_deactivated_user_cannot_log_in(self):
        self.login("admin_a")
        response = self.client.post(f"{USERS}{self.staf.pk}/status/", {"aktif": "0"}, follow=True)
        self.assertContains(response, "Pengguna staf_a dinonaktifkan.")
        self.assertContains(response, "Nonaktif")
        response = self.login_form("staf_a", PASSWORD)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.login("admin_a")
        self.client.post(f"{USERS}{self.staf.pk}/status/", {"aktif": "1"})
        self.assertEqual(self.login_form("staf_a", PASSWORD).status_code, 302)

    def test_dashboard_links_to_settings_for_the_admin_only(self):
        self.login("admin_a")
        self.assertContains(self.client.get("/pemda/32.75/"), 'href="/pemda/32.75/pengaturan/"')
        for persona in ("operator_kes", "verifikator_tim", "pimpinan_a", "provinsi_jabar", "pusat"):
            with self.subTest(persona=persona):
                self.login(persona)
                response = self.client.get("/pemda/32.75/")
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "/pengaturan/")

    def test_overview_counts(self):
        self.login("admin_a")
        response = self.client.get("/pemda/32.75/pengaturan/")
        self.assertEqual(response.status_code, 200)
        summary = response.context["summary"]
        self.assertEqual(summary.jpd_count, 29)
        self.assertEqual(summary.assigned_count, 29)
        self.assertEqual(summary.non_default_count, 0)
        self.assertEqual(
            summary.user_count,
            Membership.objects.filter(pemda=self.pemda_a).values("user").distinct().count(),
        )
