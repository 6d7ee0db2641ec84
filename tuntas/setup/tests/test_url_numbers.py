"""A number in an address that no database column can hold is no page (404), never a server
error: every URL parameter of a numeric converter, walked from Django's URL resolver, is
requested with a 25-digit value (SQLite's driver raises ``OverflowError`` for it) and with the
largest value the converter accepts, by the admin of the pemda (who reaches every settings
page), GET and POST."""

from __future__ import annotations

import re
from pathlib import Path

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from tuntas.core.converters import BoundedIntConverter
from tuntas.penerima.tests.helpers import PenerimaTestCase
from tuntas.setup.tests.test_isolation import SKIPPED_NAMESPACES
from tuntas.testing.access import SITE, access_fixture

HUGE = "9" * 25
LARGEST = "9" * 18  # the most digits the bounded converter accepts


Numeric = IntConverter | BoundedIntConverter


def numeric_routes() -> dict[str, tuple[str, dict[str, Numeric]]]:
    """Every route with a numeric parameter: name → (its full pattern, its converters)."""
    found: dict[str, tuple[str, dict[str, Numeric]]] = {}

    def walk(patterns: list, prefix: str, converters: dict, namespace: str | None) -> None:
        for p in patterns:
            here = {**converters, **getattr(p.pattern, "converters", {})}
            if isinstance(p, URLResolver):
                if p.namespace in SKIPPED_NAMESPACES:
                    continue
                walk(p.url_patterns, prefix + str(p.pattern), here, p.namespace or namespace)
            elif isinstance(p, URLPattern):
                numeric: dict[str, Numeric] = {
                    k: c
                    for k, c in here.items()
                    if isinstance(c, IntConverter | BoundedIntConverter)
                }
                if numeric:
                    key = f"{namespace}:{p.name}" if namespace and p.name else str(p.name)
                    found[key] = (prefix + str(p.pattern), numeric)

    walk(get_resolver().url_patterns, "", {}, None)
    return found


def url_for(pattern: str, values: dict[str, str]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[str(m.group(1))], pattern)


class NumberInUrlTests(PenerimaTestCase):
    def test_every_numeric_parameter_is_bounded(self):
        routes = numeric_routes()
        self.assertGreaterEqual(len(routes), 15)
        unbounded = sorted(
            f"{name}: {param}"
            for name, (_, converters) in routes.items()
            for param, converter in converters.items()
            if not isinstance(converter, BoundedIntConverter)
        )
        self.assertEqual(unbounded, [], "use <num:...> (tuntas.core.converters), not <int:...>")

    def test_an_out_of_range_number_is_404_not_500(self):
        fixture = access_fixture(self)
        self.addCleanup(Path(fixture["report"]).unlink, missing_ok=True)
        self.login("admin_a")
        checked = 0
        for name, (pattern, converters) in numeric_routes().items():
            valid = {k: v.format(**fixture) for k, v in SITE[name].kwargs.items()}
            for param in converters:
                for number in (HUGE, LARGEST):
                    url = url_for(pattern, {**valid, param: number})
                    for method in ("get", "post"):
                        with self.subTest(route=name, param=param, digits=len(number), m=method):
                            with transaction.atomic():
                                response = getattr(self.client, method)(url)
                                transaction.set_rollback(True)
                            self.assertIn(response.status_code, (404, 405), url)
                            checked += 1
        self.assertGreaterEqual(checked, 100)
