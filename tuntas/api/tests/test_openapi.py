"""The OpenAPI schema lists every status an endpoint can answer (issue 11, point 10), and the
error bodies really sent have the documented shapes."""

from __future__ import annotations

import re

from tuntas.core.api_schema import Galat, GalatValidasi
from tuntas.testing import PersonaTestCase

ERROR_SCHEMAS = {"401": "Galat", "404": "Galat", "422": "GalatValidasi"}


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
        Galat.model_validate(response.json())
