"""The by-name list in the browser (issue 11, point 7): desa/kelurahan shown by name, and the
desa filter follows the chosen kecamatan."""

from __future__ import annotations

import pytest

from tuntas.katalog.models import Jpd
from tuntas.penerima.services import recipients_import
from tuntas.penerima.tests.helpers import YEAR, csv_text, row
from tuntas.wilayah.models import Region

pytestmark = pytest.mark.django_db(transaction=True)


def test_desa_names_and_the_desa_filter_follows_the_kecamatan(
    live_server, page, shot, registry, tmp_path
):
    Region.objects.create(code="32.75.02", name="Rawalumbu", level="kecamatan", kind="kecamatan",
                          parent_id="32.75")  # fmt: skip
    Region.objects.create(code="32.75.02.1001", name="Bojong Rawalumbu", level="desa",
                          kind="kelurahan", parent_id="32.75.02")  # fmt: skip
    path = tmp_path / "daftar.csv"
    path.write_text(csv_text([row(1), row(2)]), encoding="utf-8")
    assert recipients_import(pemda=registry, jpd=Jpd.objects.get(code="1.02.K06"), year=YEAR,
                             path=path).written  # fmt: skip
    page.goto(f"{live_server.url}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill("operator.dinkes")
    page.get_by_label("Kata sandi").fill("Sandi-Uji-2026")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state("load")
    page.goto(f"{live_server.url}/pemda/32.75/penerima/{YEAR}/1.02.K06/")
    cells = page.locator("[data-testid=desa]").all_inner_texts()
    assert cells and all(c.startswith("Bekasijaya") for c in cells), cells
    desa = page.locator("select[name=desa]")
    visible = "Array.from(document.querySelectorAll('select[name=desa] option')).filter(o => !o.hidden).map(o => o.value)"
    assert page.evaluate(visible) == ["", "32.75.01.1001", "32.75.02.1001"]
    page.select_option("select[name=kecamatan]", "32.75.02")
    assert page.evaluate(visible) == ["", "32.75.02.1001"]
    page.select_option("select[name=kecamatan]", "32.75.01")
    assert page.evaluate(visible) == ["", "32.75.01.1001"]
    desa.select_option("32.75.01.1001")
    page.select_option("select[name=kecamatan]", "32.75.02")
    assert desa.input_value() == ""  # a desa of another kecamatan is no longer chosen
    shot("penerima-daftar-saring")
