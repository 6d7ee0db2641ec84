"""The OpenAPI schema lists every status an endpoint can answer (issue 11, point 10), and the
error bodies really sent have the documented shapes."""

from __future__ import annotations

import json
import re

from tuntas.core.api_schema import Galat, GalatKonflik, GalatValidasi
from tuntas.testing import PersonaTestCase

ERROR_SCHEMAS = {"401": "Galat", "404": "Galat", "422": "GalatValidasi"}
ISIAN = "/api/pemda/{kode}/isian/{tahun}/{tw}/{kode_jpd}"
LAPORAN = "/api/pemda/{kode}/laporan/{tahun}/{tw}"
LANGKAH_JPD = LAPORAN + "/jpd/{kode_jpd}/{aksi}"
LANGKAH = LAPORAN + "/{aksi}"
KEBUTUHAN = "/api/pemda/{kode}/kebutuhan/{tahun}"
# a whole entry a sector system could send, at a version the entry never had (409 if it gets
# that far)
ISIAN_BODY = {"terlayani": 1, "mutu": [], "pagu": None, "realisasi": None, "permasalahan": "",
              "solusi": "", "versi": 7}  # fmt: skip


class OpenApiStatusTests(PersonaTestCase):
    def test_every_operation_documents_its_error_statuses(self):
        schema = self.client.get("/api/openapi.json").json()
        operations = [
            (path, method, op)
            for path, item in schema["paths"].items()
            for method, op in item.items()
            if method in {"get", "post", "put", "patch", "delete"}
        ]
        self.assertGreaterEqual(len(operations), 5)
        for path, method, op in operations:
            with self.subTest(f"{method.upper()} {path}"):
                responses = op["responses"]
                expected = set()
                if op.get("security"):
                    expected.add("401")
                if "{" in path:
                    expected.add("404")
                if op.get("parameters") or op.get("requestBody"):
                    expected.add("422")
                self.assertLessEqual(expected, set(responses), f"documented: {sorted(responses)}")
                for status in expected:
                    ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
                    self.assertEqual(ref.rsplit("/", 1)[-1], ERROR_SCHEMAS[status])

    def test_each_documented_error_is_really_answered_with_its_documented_body(self):
        """For every operation of the schema and every error status it documents, the status is
        provoked for real and the body read with the documented schema; an operation this
        table does not know fails, so a new endpoint gets its errors checked too."""
        # per path: values that are readable by operator_kes (Kota Bekasi), and values that
        # are not (404); None: the operation has no path parameter, 404 comes from the role
        readable = {
            "/api/pemda": {},
            "/api/pemda/{kode}/dasbor": {"kode": "32.75"},
            "/api/provinsi/{kode}/dasbor": {"kode": "32"},
            "/api/nasional/dasbor": {},
            "/api/katalog/{tahun}": {"tahun": "2024"},
            ISIAN: {"kode": "32.75", "tahun": "2025", "tw": "2", "kode_jpd": "1.02.K07"},
            LAPORAN: {"kode": "32.75", "tahun": "2025", "tw": "2"},
            # operator_kes submits a JPD of its OPD that has no entry yet: refused (409)
            LANGKAH_JPD: {
                "kode": "32.75",
                "tahun": "2025",
                "tw": "2",
                "kode_jpd": "1.02.K07",
                "aksi": "ajukan",
            },
            LANGKAH: {"kode": "32.75", "tahun": "2025", "tw": "2", "aksi": "setujui"},
            KEBUTUHAN: {"kode": "32.75", "tahun": "2025"},
        }
        unreadable = {"/api/pemda/{kode}/dasbor": {"kode": "36.74"},
                      "/api/provinsi/{kode}/dasbor": {"kode": "36"},
                      "/api/nasional/dasbor": None,  # operator_kes is not pusat
                      "/api/katalog/{tahun}": {"tahun": "1990"},
                      ISIAN: {"kode": "36.74"}, LAPORAN: {"kode": "36.74"},
                      LANGKAH_JPD: {"kode": "36.74"}, LANGKAH: {"kode": "36.74"},
                      KEBUTUHAN: {"kode": "36.74"}}  # fmt: skip
        # 403: readable, not writable by operator_kes (a JPD of Dinas Pendidikan)
        forbidden = {ISIAN: {"kode_jpd": "1.01.K01"}, LANGKAH_JPD: {"kode_jpd": "1.01.K01"},
                     LANGKAH: {}}  # fmt: skip
        # who provokes a status, where operator_kes cannot: the head approving a report that
        # has nothing verified (409)
        persona = {("409", LANGKAH): "pimpinan_a"}
        bodies = {("put", ISIAN): ISIAN_BODY}
        models = {"Galat": Galat, "GalatValidasi": GalatValidasi, "GalatKonflik": GalatKonflik}
        schema = self.client.get("/api/openapi.json").json()
        checked = 0
        for path, item in schema["paths"].items():
            for method, op in item.items():
                self.assertIn(path, readable, f"{path}: add its values to this test")
                for status, documented in op["responses"].items():
                    if status == "200":
                        continue
                    values = dict(readable[path])
                    query = ""
                    signed_in = True
                    if status == "401":
                        signed_in = False
                    elif status == "404":
                        values.update(unreadable[path] or {})
                    elif status == "403":
                        values.update(forbidden[path])
                    elif status == "409":
                        pass  # the body's version is not the stored one
                    elif status == "422":  # a whole number that is not one
                        integer = next(
                            p
                            for p in op["parameters"]
                            if p["schema"].get("type") == "integer"
                            or p["schema"].get("anyOf", [{}])[0].get("type") == "integer"
                        )
                        if integer["in"] == "path":
                            values[integer["name"]] = "dua-ribu"
                        else:
                            query = f"?{integer['name']}=dua-ribu"
                    else:
                        self.fail(f"{method} {path}: {status} documented, not checked here")
                    url = path.format(**values) + query
                    with self.subTest(f"{status} {method.upper()} {url}"):
                        self.client.logout()
                        if signed_in:
                            self.login(persona.get((status, path), "operator_kes"))
                        body = bodies.get((method, path))
                        response = self.client.generic(
                            method.upper(),
                            url,
                            json.dumps(body) if body else "",
                            content_type="application/json",
                        )
                        self.assertEqual(response.status_code, int(status), response.content)
                        ref = documented["content"]["application/json"]["schema"]["$ref"]
                        body = models[ref.rsplit("/", 1)[-1]].model_validate(response.json())
                        self.assertEqual(set(response.json()), set(type(body).model_fields))
                        self.assertNotIn("Not Found", body.detail)
                        checked += 1
        self.assertGreaterEqual(checked, 12)

    def test_the_error_bodies_sent_match_the_documented_shapes(self):
        # 401: no session, no token
        response = self.client.get("/api/pemda/32.75/dasbor")
        self.assertEqual(response.status_code, 401)
        self.assertIn("Authorization: Bearer", Galat.model_validate(response.json()).detail)
        # 422: a parameter of the wrong type, named in Indonesian
        response = self.client.get("/api/katalog/dua-ribu")
        self.assertEqual(response.status_code, 422)
        body = GalatValidasi.model_validate(response.json())
        self.assertEqual(body.galat[0].lokasi, ["path", "tahun"])
        self.assertEqual(body.galat[0].pesan, "harus bilangan bulat")
        self.assertIn("tahun: harus bilangan bulat", body.detail)
        self.login("operator_kes")
        response = self.client.get("/api/pemda/32.75/dasbor?tahun=x&tw=2")
        self.assertEqual(response.status_code, 422)
        self.assertTrue(re.search(r"tahun: harus bilangan bulat", response.json()["detail"]))
        # 404: outside the user's scope
        response = self.client.get("/api/pemda/36.74/dasbor")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(
            Galat.model_validate(response.json()).detail,
            "Tidak ditemukan, atau di luar cakupan akun Anda.",
        )
        # the same answer for a pemda that does not exist at all
        self.assertEqual(self.client.get("/api/pemda/99.99/dasbor").json(), response.json())
        # a reason the endpoint gives is kept
        self.assertEqual(
            self.client.get("/api/katalog/1990").json(),
            {"detail": "Tidak ditemukan (Tahun di luar katalog)."},
        )
