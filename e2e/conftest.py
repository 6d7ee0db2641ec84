"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Chromium comes from apt (`apt-get install chromium`), never from a download at run time. Without
it the browser tests are skipped locally and fail on CI (CI=true)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TUNTAS_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(
    os.environ.get(
        "TUNTAS_SCREENSHOTS", Path(__file__).resolve().parent.parent / "var" / "screenshots"
    )
)

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"Chromium not found at {CHROMIUM}: CI must install it (apt-get install chromium)"
            )
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A page whose Content-Security-Policy violations fail the test (the policy forbids inline
    scripts and styles elements; a page that needs one is broken for real users too)."""
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15000)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture(autouse=True)
def catalog(transactional_db: None) -> None:
    """The SPM catalog, as migrations left it: every browser test runs in a transactional test
    case, whose flush at the end of the previous one emptied the catalog tables."""
    from tuntas.katalog.models import Jpd
    from tuntas.katalog.reference import get_catalog
    from tuntas.katalog.services import catalog_sync

    if not Jpd.objects.exists():
        catalog_sync(catalog=get_catalog())


@pytest.fixture
def shot(page: object):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

    return take


@pytest.fixture
def registry(settings, tmp_path, monkeypatch):
    """Kota Bekasi with its default agencies, a data key, the database queue, and a health
    operator (operator.dinkes) who may manage the by-name lists of Dinas Kesehatan."""
    import base64

    from tuntas.akun.models import Membership, Role
    from tuntas.organisasi.models import PerangkatDaerah
    from tuntas.organisasi.services import pemda_register
    from tuntas.testing import ensure_test_regions, make_user

    monkeypatch.setenv("TUNTAS_DATA_KEY", base64.b64encode(os.urandom(32)).decode())
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ensure_test_regions()
    pemda = pemda_register(code="32.75")
    user = make_user("operator.dinkes")
    Membership.objects.create(
        user=user,
        pemda=pemda,
        opd=PerangkatDaerah.objects.get(pemda=pemda, name="Dinas Kesehatan"),
        role=Role.OPERATOR,
    )
    return pemda
