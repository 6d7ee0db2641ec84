"""Phones (issue 11, point 6): at 375 px nothing scrolls sideways on the main pages (wide
tables scroll inside their own box), the live result of the entry form stays in view while
typing, and count fields show thousands separators as the user types."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tuntas.akun.models import Membership, Role
from tuntas.organisasi.models import Pemda, PerangkatDaerah
from tuntas.organisasi.services import pemda_register
from tuntas.pendataan.seed import demo_data_seed, demo_periods
from tuntas.testing import PASSWORD, ensure_test_regions, make_user

pytestmark = pytest.mark.django_db(transaction=True)
WIDTH = 375


@pytest.fixture
def region():
    ensure_test_regions()
    bekasi = pemda_register(code="32.75", is_demo=True)
    jabar = pemda_register(code="32", is_demo=True)
    periods = demo_periods()[-4:]
    demo_data_seed(pemda_list=[bekasi, jabar], periods=periods)
    people = {
        "operator.hp": dict(pemda=bekasi, role=Role.OPERATOR,
                            opd=PerangkatDaerah.objects.get(pemda=bekasi, name="Dinas Kesehatan")),
        "admin.hp": dict(pemda=bekasi, role=Role.ADMIN_PEMDA),
        "provinsi.hp": dict(pemda=jabar, role=Role.PROVINSI),
        "pusat.hp": dict(pemda=None, role=Role.PUSAT),
    }  # fmt: skip
    for username, membership in people.items():
        Membership.objects.create(user=make_user(username), **membership)
    return periods[-1]


def sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state("load")


def test_no_page_scrolls_sideways_at_375_px(live_server, page, shot, region):
    year, quarter = region
    page.set_viewport_size({"width": WIDTH, "height": 740})
    base = live_server.url
    pages = {
        None: ["/akun/masuk/"],
        "operator.hp": ["/pemda/32.75/", f"/pemda/32.75/isian/{year}/{quarter}/",
                        f"/pemda/32.75/isian/{year}/{quarter}/1.02.K07/", "/pemda/32.75/penerima/"],
        "admin.hp": ["/pemda/32.75/pengaturan/", "/pemda/32.75/pengaturan/pengampu/",
                     "/pemda/32.75/pengaturan/pengguna/"],
        "provinsi.hp": ["/provinsi/32/"],
        "pusat.hp": ["/nasional/"],
    }  # fmt: skip
    too_wide = []
    for username, paths in pages.items():
        if username:
            sign_in(page, base, username)
        for path in paths:
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            page.wait_for_load_state("load")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                too_wide.append(f"{path}: {width} px")
            shot("375-" + re.sub(r"[^a-z0-9]+", "-", path).strip("-"))
    assert too_wide == [], "pages wider than the phone: " + ", ".join(too_wide)


def test_typing_on_a_phone_separators_and_the_live_result(live_server, page, shot, region):
    year, quarter = region
    page.set_viewport_size({"width": WIDTH, "height": 740})
    sign_in(page, live_server.url, "operator.hp")
    page.goto(f"{live_server.url}/pemda/32.75/isian/{year}/{quarter}/1.02.K07/")
    # stored values are shown grouped too (the page itself sends plain digits)
    expect(page.get_by_label(re.compile("Ubah sasaran"))).to_have_value(
        re.compile(r"^\d{1,3}(\.\d{3})+$")
    )
    served = page.get_by_label(re.compile("Terlayani sesuai standar"))
    served.fill("")
    served.press_sequentially("1250000")
    expect(served).to_have_value("1.250.000")
    # the last quantity field, far down the form: the live result is still on screen
    last = page.locator("input.num[name$=_tersedia]").last
    last.scroll_into_view_if_needed()
    last.fill("")
    last.press_sequentially("12345")
    expect(last).to_have_value("12.345")
    result = page.locator("#hasil")
    expect(result).to_be_in_viewport()
    shot("375-isian-mengetik")
    assert Pemda.objects.filter(code="32.75").exists()


def test_the_entry_list_at_1366_px_has_no_towers_of_text(live_server, page, shot, region):
    from decimal import Decimal

    from tuntas.pendataan.models import QuarterEntry

    year, quarter = region
    # the budgets of a big kabupaten (the demo's small test regions have small ones): the widest
    # figures the list must hold without the table growing past the page
    QuarterEntry.objects.filter(pemda_id="32.75", year=year, quarter=quarter).update(
        pagu=Decimal("1250000000000"), realisasi=Decimal("999999999999")
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, "operator.hp")
    page.goto(f"{live_server.url}/pemda/32.75/isian/{year}/{quarter}/")
    shot("1366-daftar-isian")
    # the number of lines each JPD name takes (one rectangle per line of the link)
    lines = page.evaluate(
        "Array.from(document.querySelectorAll('td.jpd-nama a')).map(a => a.getClientRects().length)"
    )
    # most names take one or two lines; the two longest (about 120 characters) four
    assert lines and max(lines) <= 4 and sorted(lines)[-3] <= 3, lines
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    # the whole table in view: its last column (status) ends inside the page's main column
    table, main = page.evaluate(
        "[document.querySelector('table').getBoundingClientRect().right,"
        " document.querySelector('main').getBoundingClientRect().right]"
    )
    assert table <= main, (table, main)
    assert page.get_by_text("Rp 1.250.000.000.000").first.is_visible()


def test_the_live_result_fits_a_laptop_screen_on_the_longest_form(live_server, page, shot, region):
    """1.02.K06 has 34 mutu items: its result (figures and per-item table) is taller than a
    1366 x 768 screen, so it scrolls inside its own box and stays whole in view while typing."""
    year, quarter = region
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server.url, "operator.hp")
    page.goto(f"{live_server.url}/pemda/32.75/isian/{year}/{quarter}/1.02.K06/")
    last = page.locator("input.num[name$=_tersedia]").last
    last.scroll_into_view_if_needed()
    last.press("End")
    last.press_sequentially("1")
    result = page.locator("#hasil")
    expect(result).to_contain_text("Capaian mutu")
    box = page.evaluate(
        "(() => { const r = document.getElementById('hasil').getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, height: innerHeight}; })()"
    )
    assert box["top"] >= 0 and box["bottom"] <= box["height"], box
    shot("1366-isian-k06-mengetik")
