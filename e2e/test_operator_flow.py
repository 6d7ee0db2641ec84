"""An operator logs in, fills a JPD for the quarter, uploads a workbook, and the region dashboard
shows the new index."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from tuntas.akun.models import Membership, Role
from tuntas.akun.scope import scope_for
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import PerangkatDaerah
from tuntas.organisasi.services import pemda_register
from tuntas.pendataan.excel import workbook_build, workbook_plan
from tuntas.pendataan.models import QuarterEntry
from tuntas.pendataan.selectors import current_period
from tuntas.pendataan.services import mutu_items_for, target_set
from tuntas.testing import PASSWORD, ensure_test_regions, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bekasi_operator():
    ensure_test_regions()
    pemda = pemda_register(code="32.75")
    user = make_user("operator.dinkes")
    Membership.objects.create(
        user=user,
        pemda=pemda,
        opd=PerangkatDaerah.objects.get(pemda=pemda, name="Dinas Kesehatan"),
        role=Role.OPERATOR,
    )
    year, _ = current_period()
    jpd = Jpd.objects.get(code="1.02.K07")
    target_set(
        pemda=pemda, jpd=jpd, year=year, sasaran=4900, reason="", expected_version=0, actor=None
    )
    produktif = Jpd.objects.get(code="1.02.K06")
    target_set(
        pemda=pemda,
        jpd=produktif,
        year=year,
        sasaran=6000,
        reason="",
        expected_version=0,
        actor=None,
    )
    return pemda, jpd


def test_operator_fills_a_jpd_and_the_dashboard_shows_the_index(
    live_server, page, shot, bekasi_operator, tmp_path
):
    pemda, jpd = bekasi_operator
    year, quarter = current_period()
    page.goto(f"{live_server.url}/")
    page.get_by_label("Nama pengguna").fill("operator.dinkes")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    shot("01-masuk")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r"/pemda/32\.75/"))
    page.get_by_role("link", name=re.compile("Isi capaian")).click()
    page.get_by_role("link", name="Pelayanan kesehatan pada usia lanjut").first.click()
    page.wait_for_url(re.compile(r"/1\.02\.K07/$"))

    page.get_by_label(re.compile("Terlayani sesuai standar")).fill("3.570")
    for item in mutu_items_for(jpd=jpd, year=year):
        page.locator(f"#id_mutu_{item.pk}_dibutuhkan").fill("10")
        page.locator(f"#id_mutu_{item.pk}_tersedia").fill("9")
    # the live calculation (htmx) updates while typing, before anything is saved
    expect(page.locator("[data-testid=nilai]")).to_contain_text("76,28")
    assert "72,85 %" in page.locator("[data-testid=capaian-penerima]").inner_text()
    assert not QuarterEntry.objects.exists()
    shot("02-isian-hitung-langsung")

    # Typing is kept in the browser: a reload (a lost session, a closed tab) offers it back.
    page.reload()
    assert page.get_by_label(re.compile("Terlayani sesuai standar")).input_value() == ""
    page.get_by_role("button", name="Pulihkan").click()
    assert page.get_by_label(re.compile("Terlayani sesuai standar")).input_value() == "3.570"
    expect(page.locator("[data-testid=nilai]")).to_contain_text("76,28")

    page.get_by_role("button", name="Simpan", exact=True).click()
    page.get_by_text("Isian 1.02.K07 tersimpan.").wait_for()
    page.reload()
    assert page.locator("#draft-banner").is_hidden()  # saved: no stale draft is offered
    entry = QuarterEntry.objects.get(pemda=pemda, jpd=jpd, year=year, quarter=quarter)
    assert (entry.terlayani, str(entry.nilai), entry.kategori) == (
        3570,
        "76.285714",
        "pratama",
    )  # stored: 6 decimals

    page.goto(f"{live_server.url}/pemda/32.75/")
    assert page.locator("[data-testid=indeks]").inner_text() == "76,28 %"
    assert page.locator("[data-testid=kategori]").inner_text() == "Tuntas Pratama"
    shot("03-dasbor")

    # The Excel round trip: download the quarter's workbook, fill 1.02.K06 in it, upload it.
    page.get_by_role("link", name=re.compile("Isi capaian")).click()
    page.get_by_role("link", name="Unggah buku kerja").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("unduh-excel").click()
    downloaded = Path(download_info.value.path()).read_bytes()
    sheets = CalamineWorkbook.from_filelike(io.BytesIO(downloaded)).sheet_names
    assert "_tuntas" in sheets and any(name.startswith("1.02") for name in sheets)
    user = User.objects.get(username="operator.dinkes")
    plan = workbook_plan(pemda=pemda, year=year, quarter=quarter, scope=scope_for(user), user=user)
    cells = {("1.02.K06", "", "terlayani"): "4.250"}
    for item in mutu_items_for(jpd=Jpd.objects.get(code="1.02.K06"), year=year):
        cells[("1.02.K06", item.code, "dibutuhkan")] = 10
        cells[("1.02.K06", item.code, "tersedia")] = 10
    edited = tmp_path / "isian-diisi.xlsx"
    edited.write_bytes(workbook_build(plan, cells=cells))
    page.locator("input[type=file]").set_input_files(str(edited))
    page.get_by_role("button", name="Unggah dan lihat pratinjau").click()
    page.get_by_test_id("konfirmasi").wait_for()
    assert "1.02.K06" in page.content()
    assert not QuarterEntry.objects.filter(jpd="1.02.K06").exists()  # nothing before confirming
    shot("04-pratinjau-unggahan")
    page.get_by_test_id("konfirmasi").click()
    page.wait_for_url(re.compile(rf"/isian/{year}/{quarter}/$"))  # back on the list: saved
    assert QuarterEntry.objects.get(jpd="1.02.K06", year=year, quarter=quarter).terlayani == 4250

    # 1.02.K07 = 76.2857…, 1.02.K06 = 0.8 × 70.833… + 20 = 76.666…; mean 76.476… → 76,47 %
    page.goto(f"{live_server.url}/pemda/32.75/")
    assert page.locator("[data-testid=indeks]").inner_text() == "76,47 %"
    shot("05-dasbor-setelah-unggah")
