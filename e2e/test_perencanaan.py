"""From a target to a costed plan and its budget lines, in a real browser: the SPM team sets a
JPD's target, loads the price list, links a price, states what is available, sees the cost of
the shortfall, adds a budget line and sees the budget against the need; at 1366 and 375 px."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from tuntas.akun.models import Membership, Role
from tuntas.organisasi.services import pemda_register
from tuntas.perencanaan.models import BudgetLine
from tuntas.perencanaan.nomenclature import subkegiatan_national_sync
from tuntas.testing import PASSWORD, ensure_test_regions, make_user

pytestmark = pytest.mark.django_db(transaction=True)

YEAR, JPD = 2026, "1.02.K01"  # pelayanan kesehatan ibu hamil: 90 tablets per woman


@pytest.fixture
def bekasi():
    ensure_test_regions()
    pemda = pemda_register(code="32.75")
    Membership.objects.create(user=make_user("admin.tapem"), pemda=pemda, role=Role.ADMIN_PEMDA)
    subkegiatan_national_sync()
    return pemda


def test_from_a_target_to_a_costed_plan_and_budget_lines(live_server, page, shot, bekasi, tmp_path):
    base = f"{live_server.url}/pemda/32.75"
    page.goto(f"{live_server.url}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill("admin.tapem")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()

    # the target, on the quarterly entry page
    page.goto(f"{base}/isian/{YEAR}/1/{JPD}/")
    page.locator("#id_sasaran").fill("1.000")
    page.get_by_role("button", name="Simpan sasaran").click()
    expect(page.get_by_test_id("sasaran")).to_have_text("1.000")

    # the year's overview: the need is computed, nothing costed yet
    page.goto(f"{base}/perencanaan/{YEAR}/")
    expect(page.locator(f"tr[data-jpd='{JPD}'] td.num").first).to_have_text("1.000")

    # the price list, uploaded as the region keeps it
    ssh = tmp_path / "ssh-2026.csv"
    ssh.write_text("kode;uraian;satuan;harga\nT1;Tablet tambah darah;tablet;Rp 350\n", "utf-8")
    page.goto(f"{base}/perencanaan/{YEAR}/harga/unggah/")
    page.locator("input[type=file]").set_input_files(str(ssh))
    page.get_by_role("button", name="Unggah dan simpan").click()
    expect(page.get_by_text("Tablet tambah darah").first).to_be_visible()

    # the price linked to the tablets, then what is available: the cost of the shortfall
    page.goto(f"{base}/perencanaan/{YEAR}/{JPD}/harga-item/")
    page.locator("input[aria-label='Kode SSH untuk Tablet tambah darah']").fill("T1")
    page.get_by_role("button", name="Simpan harga").click()
    page.goto(f"{base}/perencanaan/{YEAR}/{JPD}/kebutuhan/")
    page.locator("input[aria-label='Tablet tambah darah — tersedia']").fill("60.000")
    page.get_by_test_id("simpan").click()
    # 90 × 1.000 = 90.000 needed, 30.000 short × Rp 350
    expect(page.get_by_test_id("total-biaya")).to_contain_text("Rp 10.500.000")
    shot("perencanaan-01-kebutuhan-1366")

    # a budget line on a shipped sub-kegiatan, below the costed need
    page.goto(f"{base}/perencanaan/{YEAR}/anggaran/baru/")
    page.get_by_label("Jenis pelayanan dasar").select_option(JPD)
    subs = page.get_by_label("Sub-kegiatan").locator("option")
    page.get_by_label("Sub-kegiatan").select_option(index=1)
    assert subs.count() > 1
    page.get_by_label("Pagu (Rp)").fill("4.000.000")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r"/anggaran/"))
    expect(page.get_by_test_id("total-pagu")).to_contain_text("Rp 4.000.000")
    expect(page.get_by_test_id("total-kurang")).to_contain_text("Rp 6.500.000")
    assert BudgetLine.objects.get().amount == 4000000
    shot("perencanaan-02-anggaran-1366")

    # the SIPD workbook holds the line
    with page.expect_download() as download:
        page.get_by_test_id("unduh-sipd").click()
    data = download.value.path().read_bytes()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert any(JPD in [str(c) for c in row] and 4000000 in row for row in rows), rows

    # on a phone: the page itself does not scroll sideways
    page.set_viewport_size({"width": 375, "height": 800})
    for url in (f"{base}/perencanaan/{YEAR}/", f"{base}/perencanaan/{YEAR}/{JPD}/kebutuhan/"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, url
    shot("perencanaan-03-kebutuhan-375")
