"""The province opens a kab/kota's registry drill-down: small counts show as "< 5", the counts
that would give them away as "*", and the notes say why; a member of the kab/kota sees the exact
counts of the same page."""

from __future__ import annotations

import base64
import os

import pytest

from tuntas.akun.models import Membership, Role
from tuntas.katalog.models import Jpd
from tuntas.organisasi.services import pemda_register
from tuntas.penerima.services import recipients_import
from tuntas.penerima.tests.helpers import YEAR, csv_text, row
from tuntas.testing import PASSWORD, ensure_test_regions, make_user
from tuntas.wilayah.models import Region

pytestmark = pytest.mark.django_db(transaction=True)

JPD = "1.02.K06"
DESA_2 = "32.75.01.1002"  # a second desa in the test kecamatan (32.75.01)


@pytest.fixture
def bekasi(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("TUNTAS_DATA_KEY", base64.b64encode(os.urandom(32)).decode())
    settings.VAR_DIR = tmp_path / "var"
    ensure_test_regions()
    Region.objects.get_or_create(
        code=DESA_2,
        defaults={"name": "Margahayu", "level": "desa", "kind": "kelurahan",
                  "parent_id": "32.75.01"},
    )  # fmt: skip
    pemda = pemda_register(code="32.75")
    province = pemda_register(code="32")
    # 3 people in the first desa (2 served), 12 in the second (9 served)
    rows = [row(n, terlayani_sesuai_standar="Y" if n < 3 else "T", tanggal_pelayanan=(
        f"{YEAR}-03-01" if n < 3 else "")) for n in range(1, 4)]  # fmt: skip
    rows += [
        row(n, kode_desa=DESA_2, terlayani_sesuai_standar="Y" if n < 13 else "T",
            tanggal_pelayanan=f"{YEAR}-03-01" if n < 13 else "")
        for n in range(4, 16)
    ]  # fmt: skip
    path = tmp_path / "daftar.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    summary = recipients_import(pemda=pemda, jpd=Jpd.objects.get(code=JPD), year=YEAR, path=path)
    assert summary.written and summary.diterima == 15, summary.problems
    Membership.objects.create(user=make_user("pembina.jabar"), pemda=province, role=Role.PROVINSI)
    Membership.objects.create(user=make_user("tim.spm"), pemda=pemda, role=Role.VERIFIKATOR)
    return pemda


def sign_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def test_province_sees_small_counts_suppressed(live_server, page, shot, bekasi):
    desa_page = f"{live_server.url}/pemda/32.75/wilayah/{YEAR}/{JPD}/32.75.01/"
    sign_in(page, live_server.url, "pembina.jabar")
    page.goto(f"{live_server.url}/pemda/32.75/wilayah/{YEAR}/{JPD}/")
    page.wait_for_selector("[data-testid=wilayah-jumlah]")
    shot("wilayah-provinsi-kecamatan")
    page.goto(desa_page)
    small = page.get_by_test_id("desa-32.75.01.1001")
    # 3 on the list, 2 served, 1 not: all "< 5"; the other desa's counts that would give them
    # away from the kecamatan's total are hidden too
    assert [c.strip() for c in small.locator("td.num").all_inner_texts()[:3]] == ["< 5"] * 3
    other = page.get_by_test_id(f"desa-{DESA_2}").locator("td.num").all_inner_texts()
    assert "12" not in other and "*" in [c.strip() for c in other]
    assert page.get_by_test_id("catatan-kecil").is_visible()
    assert page.get_by_test_id("catatan-sembunyi").is_visible()
    shot("wilayah-provinsi-desa")

    page.context.clear_cookies()
    sign_in(page, live_server.url, "tim.spm")
    page.goto(desa_page)
    exact = page.get_by_test_id("desa-32.75.01.1001").locator("td.num").all_inner_texts()
    assert [c.strip() for c in exact[:3]] == ["3", "2", "1"]
    assert page.get_by_test_id("catatan-anggota").is_visible()
    shot("wilayah-anggota-desa")
