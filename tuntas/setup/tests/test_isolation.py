"""Tenant isolation, automatically: every route of the site (pages, downloads, the API) is walked
from Django's URL resolver and must have an entry in the access matrix
(``tuntas/testing/access.py``); every entry is then checked for every persona, reads and writes.
A new route without an entry fails here."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tuntas.penerima.tests.helpers import PenerimaTestCase
from tuntas.testing.access import ANON, PERSONAS, SITE, access_fixture

# Django's own administration (``/admin/``) has its own gate (staff accounts) and is not a
# tenant page; everything else is in the matrix.
SKIPPED_NAMESPACES = {"admin"}


def site_routes(urlconf: str | None = None) -> dict[str, str]:
    """Every route as ``namespace:name`` (or its pattern when unnamed) → its pattern."""
    found: dict[str, str] = {}

    def walk(patterns: list, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in SKIPPED_NAMESPACES:
                    continue
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern):
                path = prefix + str(p.pattern)
                key = f"{namespace}:{p.name}" if namespace and p.name else (p.name or path)
                found[key] = path

    walk(get_resolver(urlconf).url_patterns, "", None)
    return found


class AccessMatrixTests(PenerimaTestCase):
    """Personas, with a data key and a temporary var/ (by-name pages need both)."""

    def test_every_route_has_an_entry_and_every_entry_a_route(self):
        routes = site_routes()
        self.assertGreaterEqual(len(routes), 50)
        self.assertEqual(sorted(set(routes) - set(SITE)), [], "routes without an access entry")
        self.assertEqual(sorted(set(SITE) - set(routes)), [], "entries without a route")

    @override_settings(ROOT_URLCONF="tuntas.setup.tests.urls_extra")
    def test_a_new_route_without_an_entry_is_found(self):
        missing = sorted(set(site_routes()) - set(SITE))
        self.assertEqual(missing, ["rute-baru-tanpa-matriks"])

    def test_every_persona_gets_what_the_matrix_says(self):
        fixture = access_fixture(self)
        self.addCleanup(Path(fixture["report"]).unlink, missing_ok=True)
        checked = 0
        for name, route in SITE.items():
            url = reverse(name, kwargs={k: v.format(**fixture) for k, v in route.kwargs.items()})
            for check in route.checks:
                for persona in PERSONAS:
                    self.client.logout()
                    if persona != ANON:
                        self.client.force_login(self.users[persona])
                    want = (
                        check.anonymous
                        if persona == ANON
                        else check.expect.get(persona, check.default)
                    )
                    with self.subTest(route=name, method=check.method, persona=persona):
                        # a put's data, and an API post's (Check.json), is sent as JSON
                        as_json = (
                            {"content_type": "application/json"}
                            if check.method == "put" or check.json
                            else {}
                        )
                        with transaction.atomic():
                            response = getattr(self.client, check.method)(
                                url + check.query, check.data, **as_json
                            )
                            transaction.set_rollback(True)
                        self.assertEqual(
                            response.status_code,
                            want,
                            f"{persona} {check.method.upper()} {url}",
                        )
                        if persona == ANON and want == 302 and check.to_login:
                            self.assertIn("/akun/masuk/", response["Location"])
                    checked += 1
        self.assertEqual(checked, sum(len(r.checks) for r in SITE.values()) * len(PERSONAS))
