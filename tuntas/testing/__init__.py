"""Test personas, built once per test class (like healthchecks' ``hc/test.py``).

Two kab/kota and one province, each registered as a pemda with its default OPD:
  * A = Kota Bekasi (32.75, Jawa Barat) — most personas work here;
  * B = Kota Tangerang Selatan (36.74, Banten) — the outsiders;
  * P = Provinsi Jawa Barat (32) — the provincial overseer.

Use ``self.client.force_login(self.users["operator_kes"])`` etc. Persona names:
operator_kes, operator_dik (operators of Dinas Kesehatan / Dinas Pendidikan in A),
verifikator_kes (verifikator of Dinas Kesehatan in A), verifikator_tim (SPM team, whole A),
admin_a (admin_pemda A), pimpinan_a (pimpinan A), provinsi_jabar (provinsi role on P),
pusat (national), outsider (operator of Dinas Kesehatan in B), admin_b (admin_pemda B),
nobody (a user with no membership).
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.test import Client, TestCase

from tuntas.akun.models import Membership, Role
from tuntas.organisasi.models import Pemda, PerangkatDaerah
from tuntas.organisasi.services import pemda_register
from tuntas.wilayah.models import Region

PASSWORD = "Sandi-Uji-2026"
_HASH: str | None = None

TEST_REGIONS = [
    ("32", "JAWA BARAT", "provinsi", "provinsi", None),
    ("32.75", "KOTA BEKASI", "kabkota", "kota", "32"),
    ("32.75.01", "Bekasi Timur", "kecamatan", "kecamatan", "32.75"),
    ("32.75.01.1001", "Bekasijaya", "desa", "kelurahan", "32.75.01"),
    ("32.01", "KABUPATEN BOGOR", "kabkota", "kabupaten", "32"),
    ("36", "BANTEN", "provinsi", "provinsi", None),
    ("36.74", "KOTA TANGERANG SELATAN", "kabkota", "kota", "36"),
    ("36.74.01", "Serpong", "kecamatan", "kecamatan", "36.74"),
    ("36.74.01.1001", "Ciater", "desa", "kelurahan", "36.74.01"),
]


def ensure_test_regions() -> None:
    """The few regions the personas need (the full load is tested on its own)."""
    for code, name, level, kind, parent in TEST_REGIONS:
        Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "kind": kind, "parent_id": parent}
        )


def make_user(username: str) -> User:
    global _HASH
    if _HASH is None:
        _HASH = make_password(PASSWORD)
    return User.objects.create(username=username, password=_HASH, first_name=username)


def opd(pemda: Pemda, name: str) -> PerangkatDaerah:
    return PerangkatDaerah.objects.get(pemda=pemda, name=name)


class PersonaTestCase(TestCase):
    pemda_a: ClassVar[Pemda]
    pemda_b: ClassVar[Pemda]
    prov: ClassVar[Pemda]
    users: ClassVar[dict[str, User]]

    @classmethod
    def setUpTestData(cls) -> None:
        ensure_test_regions()
        cls.pemda_a = pemda_register(code="32.75")
        cls.pemda_b = pemda_register(code="36.74")
        cls.prov = pemda_register(code="32")
        kes_a, dik_a = opd(cls.pemda_a, "Dinas Kesehatan"), opd(cls.pemda_a, "Dinas Pendidikan")
        plan = {
            "operator_kes": (cls.pemda_a, kes_a, Role.OPERATOR),
            "operator_dik": (cls.pemda_a, dik_a, Role.OPERATOR),
            "verifikator_kes": (cls.pemda_a, kes_a, Role.VERIFIKATOR),
            "verifikator_tim": (cls.pemda_a, None, Role.VERIFIKATOR),
            "admin_a": (cls.pemda_a, None, Role.ADMIN_PEMDA),
            "pimpinan_a": (cls.pemda_a, None, Role.PIMPINAN),
            "provinsi_jabar": (cls.prov, None, Role.PROVINSI),
            "pusat": (None, None, Role.PUSAT),
            "outsider": (cls.pemda_b, opd(cls.pemda_b, "Dinas Kesehatan"), Role.OPERATOR),
            "admin_b": (cls.pemda_b, None, Role.ADMIN_PEMDA),
        }
        cls.users = {}
        for name, (pemda, unit, role) in plan.items():
            user = make_user(name)
            Membership.objects.create(user=user, pemda=pemda, opd=unit, role=role)
            cls.users[name] = user
        cls.users["nobody"] = make_user("nobody")

    def login(self, persona: str) -> User:
        user = self.users[persona]
        self.client.force_login(user)
        return user


ALL_PERSONAS = (
    "operator_kes", "operator_dik", "verifikator_kes", "verifikator_tim", "admin_a", "pimpinan_a",
    "provinsi_jabar", "pusat", "outsider", "admin_b", "nobody",
)  # fmt: skip


class AccessMatrixMixin:
    """Check one URL for every persona: ``expected`` maps persona → status code; personas not
    named must get ``default`` (404: outsiders cannot tell a forbidden object from a missing
    one). Anonymous users must be sent to the login page (or get ``anonymous`` if given)."""

    def check_access(
        self,
        method: str,
        url: str,
        expected: dict[str, int],
        *,
        default: int = 404,
        anonymous: int = 302,
        data: dict[str, object] | None = None,
    ) -> None:
        case: PersonaTestCase = self  # type: ignore[assignment]
        case.client.logout()
        response = getattr(case.client, method)(url, data or {})
        case.assertEqual(response.status_code, anonymous, f"anonymous {method.upper()} {url}")
        if anonymous == 302:
            case.assertIn("/akun/masuk/", response["Location"])
        for persona in ALL_PERSONAS:
            with case.subTest(persona=persona, method=method, url=url):
                case.client.force_login(case.users[persona])
                response = getattr(case.client, method)(url, data or {})
                want = expected.get(persona, default)
                case.assertEqual(
                    response.status_code,
                    want,
                    f"{persona} {method.upper()} {url}: {response.status_code} != {want}",
                )


def page_query_counts(client: Client, urls: dict[str, str]) -> dict[str, int]:
    """The number of queries each page costs (each must answer 200), by name: for query-count
    baselines that must not grow with the rows shown (as in NetBox)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        if status != 200:
            raise AssertionError(f"{url}: status {status}")
        counts[name] = len(queries.captured_queries)
    return counts
