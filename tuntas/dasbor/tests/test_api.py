"""The read API: who may call it (token or session; anonymous 401), the same scope as the pages
(outsiders 404), what it returns, and its OpenAPI schema."""

from __future__ import annotations

from typing import ClassVar

from tuntas.api.services import api_token_create, api_token_revoke
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.services import pemda_register
from tuntas.testing import AccessMatrixMixin, PersonaTestCase
from tuntas.testing.api import entry_fill

YEAR, TW = 2025, 2
Q = f"?tahun={YEAR}&tw={TW}"
READERS_A = {
    p: 200
    for p in (
        "operator_kes", "operator_dik", "verifikator_kes", "verifikator_tim", "admin_a",
        "pimpinan_a", "provinsi_jabar", "pusat",
    )
}  # fmt: skip


class ApiData(PersonaTestCase):
    bogor: ClassVar[Pemda]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.bogor = pemda_register(code="32.01")
        # Kota Bekasi: ibu hamil 80 of 100 served, all mutu available → 84 (Tuntas Madya)
        entry_fill(cls.pemda_a, "1.02.K01", year=YEAR, quarter=TW, sasaran=100, terlayani=80)
        entry_fill(cls.pemda_a, "1.02.K01", year=YEAR, quarter=1, sasaran=100, terlayani=50)
        # pendidikan dasar with no target this year: complete, not graded
        entry_fill(cls.pemda_a, "1.01.K02", year=YEAR, quarter=TW, sasaran=0, terlayani=0)
        entry_fill(cls.bogor, "1.02.K01", year=YEAR, quarter=TW, sasaran=100, terlayani=95)  # 96
        entry_fill(cls.pemda_b, "1.02.K01", year=YEAR, quarter=TW, sasaran=100, terlayani=50)  # 60
        entry_fill(cls.prov, "1.02.P01", year=YEAR, quarter=TW, sasaran=10, terlayani=10)  # 100

    def bearer(self, persona: str) -> dict[str, str]:
        """Request headers carrying a new token of ``persona``."""
        _, plaintext = api_token_create(user=self.users[persona], label="uji")
        return {"Authorization": f"Bearer {plaintext}"}


class ApiAuthTests(ApiData):
    def test_anonymous_gets_401_everywhere(self):
        for url in (
            "/api/pemda",
            f"/api/pemda/32.75/dasbor{Q}",
            f"/api/provinsi/32/dasbor{Q}",
            f"/api/nasional/dasbor{Q}",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 401)
                self.assertTrue(response.json()["detail"].startswith("Belum masuk"))

    def test_token_reads_without_a_session(self):
        response = self.client.get(f"/api/pemda/32.75/dasbor{Q}", headers=self.bearer("pimpinan_a"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["pemda"]["kode"], "32.75")
        self.assertNotIn("sessionid", response.cookies)

    def test_token_is_scoped_like_its_user(self):
        headers = self.bearer("outsider")
        self.assertEqual(
            self.client.get(f"/api/pemda/32.75/dasbor{Q}", headers=headers).status_code, 404
        )
        self.assertEqual(
            self.client.get(f"/api/pemda/36.74/dasbor{Q}", headers=headers).status_code, 200
        )
        self.assertEqual(
            self.client.get(f"/api/nasional/dasbor{Q}", headers=headers).status_code, 404
        )
        codes = [p["kode"] for p in self.client.get("/api/pemda", headers=headers).json()]
        self.assertEqual(codes, ["36.74"])

    def test_revoked_unknown_and_malformed_tokens_get_401(self):
        token, plaintext = api_token_create(user=self.users["pusat"])
        url = f"/api/nasional/dasbor{Q}"
        self.assertEqual(
            self.client.get(url, headers={"Authorization": f"Bearer {plaintext}"}).status_code, 200
        )
        api_token_revoke(token=token, actor=None)
        for header in (f"Bearer {plaintext}", "Bearer tuntas_salah", f"Token {plaintext}"):
            with self.subTest(header=header[:12]):
                self.assertEqual(
                    self.client.get(url, headers={"Authorization": header}).status_code, 401
                )

    def test_inactive_user_token_gets_401(self):
        headers = self.bearer("pusat")
        self.users["pusat"].is_active = False
        self.users["pusat"].save()
        self.assertEqual(self.client.get("/api/pemda", headers=headers).status_code, 401)


class ApiScopeTests(ApiData, AccessMatrixMixin):
    def test_region_dashboard_same_scope_as_page(self):
        self.check_access("get", f"/api/pemda/32.75/dasbor{Q}", READERS_A, anonymous=401)
        self.check_access("get", f"/api/pemda/99.99/dasbor{Q}", {}, anonymous=401)

    def test_province_dashboard_for_provinsi_and_pusat_only(self):
        self.check_access(
            "get",
            f"/api/provinsi/32/dasbor{Q}",
            {"provinsi_jabar": 200, "pusat": 200},
            anonymous=401,
        )
        self.check_access("get", f"/api/provinsi/32.75/dasbor{Q}", {}, anonymous=401)

    def test_national_dashboard_for_pusat_only(self):
        self.check_access("get", f"/api/nasional/dasbor{Q}", {"pusat": 200}, anonymous=401)

    def test_pemda_list_is_the_readable_set(self):
        expected = {
            "operator_kes": ["32.75"],
            "pimpinan_a": ["32.75"],
            "provinsi_jabar": ["32", "32.01", "32.75"],
            "pusat": ["32", "32.01", "32.75", "36.74"],
            "outsider": ["36.74"],
            "nobody": [],
        }
        for persona, codes in expected.items():
            with self.subTest(persona=persona):
                self.login(persona)
                data = self.client.get("/api/pemda").json()
                self.assertEqual([p["kode"] for p in data], codes)
        self.login("provinsi_jabar")
        self.assertEqual(
            self.client.get("/api/pemda").json()[0],
            {
                "kode": "32",
                "nama": "Provinsi Jawa Barat",
                "tingkat": "provinsi",
                "kode_provinsi": "32",
                "data_contoh": False,
            },
        )

    def test_province_sees_its_kabkota_only(self):
        self.login("provinsi_jabar")
        data = self.client.get(f"/api/provinsi/32/dasbor{Q}").json()
        self.assertEqual([r["kode"] for r in data["kabkota"]], ["32.01", "32.75"])  # best first
        self.assertEqual(data["indeks"]["nilai"], 100.0)
        self.assertEqual(data["indeks"]["kategori"], "paripurna")
        self.assertEqual(
            data["kabkota"][0],
            {
                "peringkat": 1,
                "kode": "32.01",
                "nama": "Kabupaten Bogor",
                "tingkat": "kabkota",
                "data_contoh": False,
                "nilai": 96.0,
                "kategori": "utama",
                "kategori_nama": "Tuntas Utama",
                "jpd_lengkap": 1,
                "jpd_total": 29,
                "data_lengkap": False,
            },
        )
        self.assertEqual(self.client.get(f"/api/provinsi/36/dasbor{Q}").status_code, 404)

    def test_pusat_sees_all_and_filters_like_the_page(self):
        self.login("pusat")
        data = self.client.get(f"/api/nasional/dasbor{Q}").json()
        self.assertEqual(
            [r["kode"] for r in data["pemda"]], ["32", "32.01", "32.75", "36.74"]
        )  # 100, 96, 84, 60
        self.assertEqual(data["jumlah"], 4)
        cases = {
            "&tingkat=kabkota": ["32.01", "32.75", "36.74"],
            "&tingkat=provinsi": ["32"],
            "&tingkat=apa": [
                "32",
                "32.01",
                "32.75",
                "36.74",
            ],  # unknown level ignored, as on the page
            "&kategori=utama": ["32.01"],
            "&urusan=1.02&kategori=madya": ["32.75"],
            "&urusan=1.01": [],  # no pemda has a graded education JPD
        }
        for extra, codes in cases.items():
            with self.subTest(filter=extra):
                data = self.client.get(f"/api/nasional/dasbor{Q}{extra}").json()
                self.assertEqual([r["kode"] for r in data["pemda"]], codes)
                page = self.client.get(f"/nasional/{Q}{extra}")
                self.assertEqual([r.pemda.code for r in page.context["rows"]], codes)
        data = self.client.get(f"/api/nasional/dasbor{Q}&urusan=1.02&kategori=madya").json()
        self.assertEqual(data["filter"], {"tingkat": "", "urusan": "1.02", "kategori": "madya"})

    def test_bad_period(self):
        self.login("pimpinan_a")
        for query in ("?tahun=1990&tw=1", f"?tahun={YEAR}&tw=5", f"?tahun={YEAR}&tw=0"):
            with self.subTest(query=query):
                response = self.client.get(f"/api/pemda/32.75/dasbor{query}")
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.get("/api/pemda/32.75/dasbor?tw=dua").status_code, 422)


class ApiContentTests(ApiData):
    def test_region_dashboard_content(self):
        self.login("pimpinan_a")
        data = self.client.get(f"/api/pemda/32.75/dasbor{Q}").json()
        self.assertEqual((data["tahun"], data["tw"]), (YEAR, TW))
        self.assertEqual(
            data["indeks"],
            {
                "nilai": 84.0,
                "kategori": "madya",
                "kategori_nama": "Tuntas Madya",
                "jpd_lengkap": 2,
                "jpd_total": 29,
            },
        )
        urusan = {u["kode"]: u for u in data["urusan"]}
        self.assertEqual(len(urusan), 6)
        self.assertEqual(urusan["1.02"]["nilai"], 84.0)
        self.assertEqual(urusan["1.02"]["nama"], "Kesehatan")
        self.assertIsNone(urusan["1.01"]["nilai"])
        jpd = {j["kode"]: j for j in data["jpd"]}
        self.assertEqual(len(jpd), 29)
        self.assertEqual(
            jpd["1.02.K01"],
            {
                "kode": "1.02.K01",
                "nama": "Pelayanan kesehatan ibu hamil",
                "urusan": "1.02",
                "pengampu": "Dinas Kesehatan",
                "capaian_penerima": 80.0,
                "capaian_mutu": 100.0,
                "nilai": 84.0,
                "kategori": "madya",
                "kategori_nama": "Tuntas Madya",
                "status": "dinilai",
            },
        )
        self.assertEqual(jpd["1.01.K02"]["status"], "tidak_ada_sasaran")
        self.assertIsNone(jpd["1.01.K02"]["nilai"])
        self.assertEqual(jpd["1.02.K02"]["status"], "belum_lengkap")
        opd = {c["perangkat_daerah"]: c for c in data["keterisian_opd"]}
        self.assertEqual(
            opd["Dinas Kesehatan"],
            {"perangkat_daerah": "Dinas Kesehatan", "jpd": 12, "lengkap": 1, "persen": 8.33},
        )
        self.assertEqual(opd["Dinas Pendidikan"]["lengkap"], 1)
        self.assertEqual(
            [(t["tahun"], t["tw"], t["nilai"]) for t in data["tren"]],
            [(YEAR, 1, 60.0), (YEAR, 2, 84.0)],
        )

    def test_same_numbers_as_the_page(self):
        self.login("pimpinan_a")
        page = self.client.get(f"/pemda/32.75/{Q}")
        self.assertContains(page, 'data-testid="indeks">84,00 %')
        data = self.client.get(f"/api/pemda/32.75/dasbor{Q}").json()
        board = page.context["board"]
        self.assertEqual(data["indeks"]["nilai"], float(board.index.nilai))
        self.assertEqual([j["kode"] for j in data["jpd"]], [r.jpd.code for r in board.jpd])
        self.assertEqual(data["metode"], "ipspm-2021")

    def test_default_period_is_the_pages(self):
        self.login("pimpinan_a")
        data = self.client.get("/api/pemda/32.75/dasbor").json()
        page = self.client.get("/pemda/32.75/")
        self.assertEqual((data["tahun"], data["tw"]), (page.context["tahun"], page.context["tw"]))


class OpenApiTests(PersonaTestCase):
    def test_schema_lists_the_endpoints_and_both_auth_schemes(self):
        response = self.client.get("/api/openapi.json")
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertEqual(schema["info"]["title"], "Tuntas API")
        self.assertEqual(
            sorted(schema["paths"]),
            [
                "/api/katalog/{tahun}",
                "/api/nasional/dasbor",
                "/api/pemda",
                "/api/pemda/{kode}/dasbor",
                "/api/pemda/{kode}/isian/{tahun}/{tw}/{kode_jpd}",
                "/api/provinsi/{kode}/dasbor",
            ],
        )
        for name, path in schema["paths"].items():
            # read-only, but the quarterly entry (tuntas/pendataan/tests/test_api.py)
            self.assertEqual(list(path), ["get", "put"] if "/isian/" in name else ["get"])
        schemes = schema["components"]["securitySchemes"]
        self.assertEqual(schemes["BearerToken"], {"type": "http", "scheme": "bearer"})
        self.assertEqual(schemes["BrowserSession"]["in"], "cookie")  # the session, see api.py
        params = {p["name"] for p in schema["paths"]["/api/nasional/dasbor"]["get"]["parameters"]}
        self.assertEqual(params, {"tahun", "tw", "tingkat", "urusan", "kategori"})
        fields = schema["components"]["schemas"]["PemdaDasborOut"]["properties"]
        self.assertEqual(
            set(fields),
            {"pemda", "tahun", "tw", "metode", "indeks", "urusan", "jpd", "keterisian_opd", "tren"},
        )
