"""Light pages (issue 11, point 5): what a first view of each main page needs before its `load`
event stays under the 100 KB budget, the chart library is fetched only by the page that draws
a chart, after that page has loaded, and htmx only by the pages that use it.

Byte budget, not timing: the HTML as served (compressed by GZipMiddleware) plus every stylesheet
and script the page names, each gzip-compressed here as whitenoise stores it (its brotli copy,
which browsers take, is smaller still). benchmarks/halaman.py measures the same in Chromium over
an emulated slow link, with times."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import SimpleTestCase, override_settings

from tuntas.organisasi.models import Pemda
from tuntas.pendataan.seed import demo_data_seed, demo_periods
from tuntas.testing import PersonaTestCase

LIMIT_COLD = 100 * 1024
CHART_LIBRARY = "vendor/chartjs/"
# what the browser fetches before `load`: blocking or deferred scripts and stylesheets
SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"")
STYLESHEET = re.compile(r"<link\b[^>]*\brel=\"stylesheet\"[^>]*\bhref=\"([^\"]+)\"")
LATER = re.compile(r"\bdata-pustaka=\"([^\"]+)\"")  # fetched by tren.js / grafik.js after `load`
CHART_CANVAS = re.compile(r"<canvas id=\"(?:tren|grafik-urusan)\"")
HTMX = "vendor/htmx/"
HTMX_ATTRIBUTE = re.compile(r"\shx-(?:get|post|put|patch|delete|trigger|target|swap|select)=")
INCLUDE = re.compile(r"{%\s*include\s+\"([^\"]+)\"")
EXTENDS_BASE = re.compile(r"{%\s*extends\s+\"core/base.html\"")
HTMX_BLOCK = re.compile(r"{%\s*block htmx\s*%}\s*{%\s*include \"core/_htmx.html\"\s*%}")


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def static_file(url: str) -> bytes:
    name = url.split("/static/", 1)[1]
    path = finders.find(name)
    assert path, f"{url}: no such static file"
    with open(str(path), "rb") as handle:
        return handle.read()


@override_settings(STATIC_URL="/static/")
class FirstViewBudgetTest(PersonaTestCase):
    year: ClassVar[int]
    quarter: ClassVar[int]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Pemda.objects.filter(pk__in=[cls.pemda_a.pk, cls.prov.pk]).update(is_demo=True)
        cls.pemda_a.refresh_from_db()
        cls.prov.refresh_from_db()
        periods = demo_periods()[-4:]
        demo_data_seed(pemda_list=[cls.pemda_a, cls.prov], periods=periods)
        cls.year, cls.quarter = periods[-1]

    def pages(self) -> list[tuple[str | None, str]]:
        y, q = self.year, self.quarter
        return [
            (None, "/akun/masuk/"),
            ("pimpinan_a", "/pemda/32.75/"),
            ("provinsi_jabar", "/provinsi/32/"),
            ("pusat", "/nasional/"),
            ("operator_kes", f"/pemda/32.75/isian/{y}/{q}/"),
            ("operator_kes", f"/pemda/32.75/isian/{y}/{q}/1.02.K07/"),
            ("operator_kes", "/pemda/32.75/penerima/"),
            # the region's report of a quarter on screen: every JPD's tables
            ("pimpinan_a", f"/pemda/32.75/laporan/{y}/{q}/"),
        ]

    def fetch(self, persona: str | None, path: str) -> str:
        self.client.logout()
        if persona:
            self.login(persona)
        response = self.client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        self.assertEqual(response.status_code, 200, path)
        body = response.content
        self.assertEqual(response.get("Content-Encoding"), "gzip", f"{path}: HTML not compressed")
        self.served = len(body)
        return gzip.decompress(body).decode()

    def test_each_first_view_fits_the_budget_before_load(self) -> None:
        report = {}
        for persona, path in self.pages():
            html = self.fetch(persona, path)
            assets = SCRIPT.findall(html) + STYLESHEET.findall(html)
            self.assertTrue(assets, path)
            total = self.served + sum(gzip_size(static_file(url)) for url in assets)
            report[path] = total
        over = {path: size for path, size in report.items() if size > LIMIT_COLD}
        self.assertEqual(over, {}, f"first views over {LIMIT_COLD // 1024} KB: {report}")

    def test_the_chart_library_only_where_a_chart_is_drawn_and_after_load(self) -> None:
        with_chart = []
        for persona, path in self.pages():
            html = self.fetch(persona, path)
            blocking = SCRIPT.findall(html) + STYLESHEET.findall(html)
            self.assertFalse(
                [u for u in blocking if CHART_LIBRARY in u],
                f"{path}: the chart library is fetched before the page has loaded",
            )
            later = [u for u in LATER.findall(html) if CHART_LIBRARY in u]
            if later:
                self.assertRegex(html, CHART_CANVAS, path)
                with_chart.append(path)
            else:
                self.assertNotIn(CHART_LIBRARY, html, path)
            # htmx only where hx- attributes are (here: the entry form)
            self.assertEqual(
                any(HTMX in u for u in blocking), bool(HTMX_ATTRIBUTE.search(html)), path
            )
        # the region dashboard draws the trend chart, the region's report its urusan profile and
        # trend; no other main page has one
        report = f"/pemda/32.75/laporan/{self.year}/{self.quarter}/"
        self.assertEqual(with_chart, ["/pemda/32.75/", report])
        # the library would break the budget if a page loaded it before `load`
        chart = gzip_size(static_file("/static/" + CHART_LIBRARY + "chart.umd.min.js"))
        self.assertGreater(chart, 50 * 1024)


class HtmxWhereUsedTest(SimpleTestCase):
    """base.html no longer loads htmx; a page whose markup (its own or an included template's)
    carries hx- attributes must ask for it, or its live parts would silently stop working."""

    def templates(self) -> dict[str, str]:
        found = {}
        for folder in sorted(Path(settings.BASE_DIR, "tuntas").glob("*/templates")):
            for path in folder.rglob("*.html"):
                found[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
        return found

    def test_every_page_with_hx_attributes_loads_htmx(self) -> None:
        templates = self.templates()

        def uses_htmx(name: str, seen: frozenset[str] = frozenset()) -> bool:
            text = templates.get(name, "")
            if HTMX_ATTRIBUTE.search(text):
                return True
            return any(
                uses_htmx(child, seen | {name})
                for child in INCLUDE.findall(text)
                if child not in seen
            )

        pages = [name for name, text in templates.items() if EXTENDS_BASE.search(text)]
        needing = sorted(name for name in pages if uses_htmx(name))
        missing = [name for name in needing if not HTMX_BLOCK.search(templates[name])]
        self.assertEqual(missing, [], "pages with hx- attributes that do not load htmx")
        needless = sorted(
            name for name in pages if HTMX_BLOCK.search(templates[name]) and name not in needing
        )
        self.assertEqual(needless, [], "pages that load htmx without using it")
        # the live pages of today: report build, entry form, by-name list, import job, pengampu
        self.assertEqual(
            needing,
            [
                "laporan/bangun_status.html",
                "pendataan/isian.html",
                "penerima/daftar.html",
                "penerima/impor.html",
                "pengaturan/pengampu.html",
            ],
        )
        self.assertNotIn(HTMX, templates["core/base.html"])
