"""The production profile (issue 11, point 4; README, "Running it for real"): DEBUG off by
default, `check --deploy` clean with HTTPS on, gunicorn + whitenoise serving hashed, compressed,
far-cached static files, a Content-Security-Policy without inline scripts, and no-store on every
page of a signed-in user."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import brotli
import pytest
from django.conf import settings
from django.urls import reverse

from tuntas.penerima.tests.test_import import tuntas_command
from tuntas.testing import PersonaTestCase

ROOT = Path(settings.BASE_DIR)


def fresh_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TUNTAS_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # fmt: skip
    env.update(
        TUNTAS_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        TUNTAS_VAR_DIR=str(tmp_path / "var"),
        **extra,
    )
    return env


def tuntas(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*tuntas_command(), *args], capture_output=True, text=True, env=env,
                          check=False, timeout=300)  # fmt: skip


def test_debug_is_off_unless_asked_for(tmp_path):
    show = "from django.conf import settings; print(settings.DEBUG)"
    off = tuntas(fresh_env(tmp_path), "shell", "-c", show)
    assert off.stdout.strip().splitlines()[-1] == "False"
    on = tuntas(fresh_env(tmp_path, TUNTAS_DEBUG="1"), "shell", "-c", show)
    assert on.stdout.strip().splitlines()[-1] == "True"


def test_check_deploy_is_clean_with_https_on(tmp_path):
    plain = tuntas(fresh_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert plain.returncode != 0
    assert "security.W008" in plain.stderr  # no SSL redirect without TUNTAS_HTTPS
    https = tuntas(fresh_env(tmp_path, TUNTAS_HTTPS="1"), "check", "--deploy", "--fail-level",
                   "WARNING")  # fmt: skip
    assert https.returncode == 0, https.stderr
    assert "no issues" in https.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def test_gunicorn_and_whitenoise_as_deployed(tmp_path):
    env = fresh_env(tmp_path)
    init = tuntas(env, "init", "--tanpa-wilayah")
    assert init.returncode == 0, init.stderr
    assert "Berkas statis disiapkan" in init.stdout
    port = free_port()
    env.update(TUNTAS_BIND=f"127.0.0.1:{port}", TUNTAS_WEB_WORKERS="1", TUNTAS_ACCESS_LOG="")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen([str(gunicorn), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
                              env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                status, headers, body = fetch(f"{base}/akun/masuk/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            server.terminate()
            pytest.fail("gunicorn did not answer:\n" + server.communicate(timeout=30)[0].decode())
        assert status == 200
        policy = dict(
            part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";")
        )
        assert policy["script-src"] == "'self'"
        assert policy["style-src-elem"] == "'self'"
        page = body.decode()
        css = re.search(r'href="(/static/tuntas/tuntas\.[0-9a-f]{12}\.css)"', page)
        assert css, "the style sheet is not linked by its hashed name"
        status, headers, compressed = fetch(base + css.group(1), **{"Accept-Encoding": "br"})
        assert status == 200
        assert headers.get("Content-Encoding") == "br"
        plain = (ROOT / "tuntas" / "core" / "static" / "tuntas" / "tuntas.css").read_bytes()
        assert brotli.decompress(compressed) == plain
        assert (
            "immutable" in headers["Cache-Control"]
            and "max-age=315360000" in headers["Cache-Control"]
        )
        status, headers, _ = fetch(base + css.group(1), **{"Accept-Encoding": "gzip"})
        assert headers.get("Content-Encoding") == "gzip"
        # the friendly page, never Django's debug page
        status, _, body = fetch(f"{base}/tidak-ada-halaman-ini/")
        assert status == 404
        assert b"Halaman atau data ini tidak ada" in body
        assert b"Traceback" not in body and b"DEBUG = True" not in body
    finally:
        server.terminate()
        server.wait(timeout=30)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']|javascript:|\bhx-on""", re.I)


def test_no_template_carries_an_inline_script():
    found = []
    for path in sorted((ROOT / "tuntas").rglob("templates/**/*.html")):
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, HANDLER):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)}")
    assert found == [], "inline script (the Content-Security-Policy refuses it):\n" + "\n".join(
        found
    )


class HeadersTest(PersonaTestCase):
    def test_signed_in_pages_are_not_stored(self):
        self.client.force_login(self.users["operator_kes"])
        for url in (reverse("beranda"), reverse("dasbor-pemda", args=["32.75"])):
            with self.subTest(url):
                response = self.client.get(url, follow=True)
                self.assertEqual(response.status_code, 200)
                self.assertIn("no-store", response["Cache-Control"])
                self.assertIn("Content-Security-Policy", response)

    def test_every_page_carries_the_policy(self):
        response = self.client.get(reverse("akun:masuk"))
        self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])


class HtmxStylesTest(PersonaTestCase):
    def test_htmx_adds_no_style_element(self):
        """htmx comes only with the pages that use it, and always with its style element off."""
        self.assertNotContains(self.client.get(reverse("akun:masuk")), "htmx.min.js")
        self.login("operator_kes")
        page = self.client.get("/pemda/32.75/isian/2025/2/1.02.K07/")
        self.assertContains(page, "htmx.min.js")
        self.assertContains(page, '"includeIndicatorStyles": false')
