"""Who may open and post to every /pemda/<kode>/pengaturan/ URL.

Settings are admin-only, reading included: admin_a gets in; everyone else who may read Kota
Bekasi (its operators, verifikators, pimpinan, the province and pusat) gets 403; outsiders 404;
anonymous users are sent to the login page. Nothing is written by anyone but the admin."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import User
from django.db.models import Max, QuerySet

from tuntas.akun.models import Membership, Role
from tuntas.core.models import AuditEvent
from tuntas.organisasi.models import JpdAssignment, PerangkatDaerah
from tuntas.testing import AccessMatrixMixin, PersonaTestCase, make_user, opd

BASE = "/pemda/32.75/pengaturan/"
# may read Kota Bekasi but not administer it
READERS_A = (
    "operator_kes",
    "operator_dik",
    "verifikator_kes",
    "verifikator_tim",
    "pimpinan_a",
    "provinsi_jabar",
    "pusat",
)


def admin_gets(status: int) -> dict[str, int]:
    return {"admin_a": status, **dict.fromkeys(READERS_A, 403)}


class SettingsAccessTests(AccessMatrixMixin, PersonaTestCase):
    staf: ClassVar[User]
    extra: ClassVar[Membership]
    spare: ClassVar[PerangkatDaerah]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.staf = make_user("staf_a")
        kes = opd(cls.pemda_a, "Dinas Kesehatan")
        Membership.objects.create(user=cls.staf, pemda=cls.pemda_a, opd=kes, role=Role.OPERATOR)
        cls.extra = Membership.objects.create(user=cls.staf, pemda=cls.pemda_a, role=Role.PIMPINAN)
        cls.spare = PerangkatDaerah.objects.create(pemda=cls.pemda_a, name="Inspektorat")

    def setUp(self) -> None:
        self.audit_before = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0

    def new_events(self) -> QuerySet[AuditEvent]:
        return AuditEvent.objects.filter(id__gt=self.audit_before)

    def admin_only_writes(self) -> None:
        """Every audit row written during the test comes from admin_a."""
        actors = set(self.new_events().values_list("actor__username", flat=True))
        self.assertEqual(actors, {"admin_a"})

    def test_read_pages(self):
        staf = f"{BASE}pengguna/{self.staf.pk}/"
        for url in (
            BASE,
            f"{BASE}opd/",
            f"{BASE}pengampu/",
            f"{BASE}pengguna/",
            f"{BASE}pengguna/baru/",
            staf,
        ):
            with self.subTest(url=url):
                self.check_access("get", url, admin_gets(200))
        # read-only pages refuse POST (after the scope checks: outsiders still see 404)
        for url in (BASE, f"{BASE}pengampu/", f"{BASE}pengguna/", staf):
            with self.subTest(url=url, method="post"):
                self.check_access("post", url, admin_gets(405))
        self.assertFalse(self.new_events().exists())

    def test_post_only_urls_refuse_get(self):
        opd_id = self.spare.pk
        urls = [
            f"{BASE}opd/{opd_id}/nama/",
            f"{BASE}opd/{opd_id}/koordinator/",
            f"{BASE}opd/{opd_id}/hapus/",
            f"{BASE}pengampu/1.02.K01/",
            f"{BASE}pengguna/{self.staf.pk}/peran/",
            f"{BASE}pengguna/{self.staf.pk}/peran/{self.extra.pk}/cabut/",
            f"{BASE}pengguna/{self.staf.pk}/sandi/",
            f"{BASE}pengguna/{self.staf.pk}/status/",
        ]
        for url in urls:
            with self.subTest(url=url):
                self.check_access("get", url, admin_gets(405))

    def test_opd_writes(self):
        self.check_access("post", f"{BASE}opd/", admin_gets(302), data={"name": "Dinas Baru"})
        self.assertEqual(PerangkatDaerah.objects.filter(name="Dinas Baru").count(), 1)
        spare = f"{BASE}opd/{self.spare.pk}/"
        self.check_access(
            "post", f"{spare}nama/", admin_gets(302), data={"name": "Inspektorat Daerah"}
        )
        self.check_access(
            "post", f"{spare}koordinator/", admin_gets(302), data={"koordinator": "1"}
        )
        self.spare.refresh_from_db()
        self.assertEqual((self.spare.name, self.spare.is_coordinator), ("Inspektorat Daerah", True))
        self.check_access("post", f"{spare}hapus/", admin_gets(302))
        self.assertFalse(PerangkatDaerah.objects.filter(pk=self.spare.pk).exists())
        self.assertEqual(self.new_events().filter(object_type="opd").count(), 4)
        self.admin_only_writes()

    def test_pengampu_write(self):
        dik = opd(self.pemda_a, "Dinas Pendidikan")
        self.check_access(
            "post", f"{BASE}pengampu/1.02.K01/", admin_gets(302), data={"opd": dik.pk}
        )
        self.assertEqual(JpdAssignment.objects.get(pemda=self.pemda_a, jpd_id="1.02.K01").opd, dik)
        self.assertEqual(self.new_events().filter(action="pengampu.ubah").count(), 1)
        self.admin_only_writes()

    def test_user_writes(self):
        self.check_access(
            "post",
            f"{BASE}pengguna/baru/",
            admin_gets(200),  # the page with the password
            data={"username": "baru.sekali", "full_name": "Baru", "role": "pimpinan", "opd": ""},
        )
        self.assertEqual(Membership.objects.filter(user__username="baru.sekali").count(), 1)
        user = f"{BASE}pengguna/{self.staf.pk}/"
        self.check_access("post", f"{user}peran/", admin_gets(302), data={"role": "verifikator"})
        self.check_access("post", f"{user}peran/{self.extra.pk}/cabut/", admin_gets(302))
        self.check_access("post", f"{user}sandi/", admin_gets(200))
        self.check_access("post", f"{user}status/", admin_gets(302), data={"aktif": "0"})
        self.staf.refresh_from_db()
        self.assertFalse(self.staf.is_active)
        self.assertEqual(
            sorted(Membership.objects.filter(user=self.staf).values_list("role", flat=True)),
            ["operator", "verifikator"],
        )
        self.assertEqual(
            sorted(self.new_events().values_list("action", flat=True)),
            [
                "keanggotaan.cabut",
                "keanggotaan.tambah",
                "pengguna.buat",
                "pengguna.nonaktif",
                "pengguna.reset_sandi",
            ],
        )
        self.admin_only_writes()

    def test_province_settings(self):
        """The province's own overseer reads Jawa Barat but does not administer it; kab/kota
        personas of Jawa Barat do not even see it."""
        self.check_access("get", "/pemda/32/pengaturan/", {"provinsi_jabar": 403, "pusat": 403})
        self.check_access(
            "get", "/pemda/32/pengaturan/pengguna/", {"provinsi_jabar": 403, "pusat": 403}
        )

    def test_unknown_pemda_is_not_found_for_everyone(self):
        self.check_access("get", "/pemda/99.99/pengaturan/", {})
