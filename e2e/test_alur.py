"""One quarter from operator to province in a real browser: the operator submits a JPD, the SPM
team returns it pointing at one value, the operator sees it highlighted and fixes it, the team
verifies, the head approves, the admin sends, the province accepts. At 1366 px and at 375 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tuntas.akun.models import Membership, Role
from tuntas.alur.models import JpdState, ReportState
from tuntas.organisasi.models import PerangkatDaerah
from tuntas.organisasi.services import pemda_register
from tuntas.testing import PASSWORD, ensure_test_regions, make_user
from tuntas.testing.api import entry_fill

pytestmark = pytest.mark.django_db(transaction=True)

YEAR, TW, JPD = 2025, 2, "1.02.K07"


@pytest.fixture
def chain():
    ensure_test_regions()
    pemda = pemda_register(code="32.75")
    prov = pemda_register(code="32")
    kes = PerangkatDaerah.objects.get(pemda=pemda, name="Dinas Kesehatan")
    for username, unit, role, where in (
        ("operator.dinkes", kes, Role.OPERATOR, pemda),
        ("tim.spm", None, Role.VERIFIKATOR, pemda),
        ("walikota", None, Role.PIMPINAN, pemda),
        ("admin.tapem", None, Role.ADMIN_PEMDA, pemda),
        ("pembina.jabar", None, Role.PROVINSI, prov),
    ):
        Membership.objects.create(user=make_user(username), pemda=where, opd=unit, role=role)
    entry_fill(pemda, JPD, year=YEAR, quarter=TW, sasaran=100, terlayani=80)
    return pemda


def sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def test_one_quarter_from_operator_to_province(live_server, page, shot, chain):
    base = live_server.url
    report = f"{base}/pemda/32.75/persetujuan/{YEAR}/{TW}/"

    sign_in(page, base, "operator.dinkes")
    page.goto(report)
    expect(page.get_by_test_id("status-laporan")).to_have_text("Disusun")
    expect(page.get_by_test_id("jpd-terbuka")).to_contain_text(JPD)
    page.get_by_test_id(f"ajukan-{JPD}").click()
    expect(page.get_by_text(f"JPD {JPD} kini diajukan.")).to_be_visible()
    shot("alur-01-diajukan")

    # the SPM team returns it, pointing at terlayani
    sign_in(page, base, "tim.spm")
    page.goto(f"{report}jpd/{JPD}/")
    page.locator("#alasan-kembalikan").fill("Terlayani belum sesuai register kohort lansia.")
    page.locator("details", has_text="Kembalikan").get_by_label("Terlayani", exact=True).check()
    page.get_by_test_id("jpd-kembalikan").click()
    expect(page.get_by_test_id("status-jpd")).to_have_text("Dikembalikan")

    # the operator sees the value highlighted with the reason, fixes it, submits again
    sign_in(page, base, "operator.dinkes")
    page.goto(f"{base}/pemda/32.75/isian/{YEAR}/{TW}/{JPD}/")
    expect(page.get_by_test_id("ditandai-terlayani")).to_be_visible()
    expect(page.get_by_test_id("alasan-kembali")).to_contain_text("register kohort lansia")
    shot("alur-02-dikembalikan-ditandai")
    page.get_by_label(re.compile("Terlayani sesuai standar")).fill("78")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_text(f"Isian {JPD} tersimpan.")).to_be_visible()
    expect(page.get_by_test_id("status-jpd")).to_have_text("Draf")
    page.goto(report)
    page.get_by_test_id(f"ajukan-{JPD}").click()
    expect(page.get_by_text(f"JPD {JPD} kini diajukan.")).to_be_visible()

    # verified, approved by the head, sent by the admin
    sign_in(page, base, "tim.spm")
    page.goto(report)
    page.get_by_test_id(f"verifikasi-{JPD}").click()
    expect(page.locator(f"tr[data-jpd='{JPD}'] .st")).to_have_text("Diverifikasi")
    sign_in(page, base, "walikota")
    page.goto(report)
    page.get_by_test_id("laporan-setujui").click()
    expect(page.get_by_test_id("status-laporan")).to_have_text("Disetujui")
    sign_in(page, base, "admin.tapem")
    page.goto(report)
    page.locator("summary", has_text="Kirim").click()
    page.get_by_test_id("laporan-kirim").click()
    expect(page.get_by_test_id("status-laporan")).to_have_text("Dikirim")

    # the province accepts
    sign_in(page, base, "pembina.jabar")
    page.goto(report)
    page.locator("summary", has_text="Terima").click()
    page.get_by_test_id("laporan-terima").click()
    expect(page.get_by_test_id("status-laporan")).to_have_text("Diterima")
    expect(page.get_by_test_id("riwayat")).to_contain_text("Laporan diterima")
    shot("alur-03-diterima-1366")
    assert ReportState.objects.get(quarter=TW).status == "diterima"
    assert JpdState.objects.get(jpd_id=JPD).status == "diverifikasi"

    # the same page on a phone: no sideways scroll of the page itself
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(report)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    shot("alur-04-diterima-375")
