"""Open data (/data/) in a browser, signed out: the catalogue lists the approved periods, is
readable at 1366 and 375 px (nothing scrolls sideways), and its CSV link downloads the data."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from tuntas.alur.models import ReportState
from tuntas.organisasi.services import pemda_register
from tuntas.pendataan.seed import demo_data_seed, demo_periods
from tuntas.testing import ensure_test_regions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published():
    ensure_test_regions()
    bekasi = pemda_register(code="32.75", is_demo=True)
    periods = demo_periods()[-3:]
    demo_data_seed(pemda_list=[bekasi], periods=periods)
    for year, quarter in periods[:2]:  # the last one is still being compiled
        ReportState.objects.create(pemda=bekasi, year=year, quarter=quarter, status="diterima",
                                   approved_at=timezone.now())  # fmt: skip
    return periods


def test_the_catalogue_signed_out(live_server, page, shot, published):
    (y1, q1), (y2, q2), (y3, q3) = published
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/data/")
        periods = page.get_by_test_id("data-periode")
        assert f"Triwulan {q1} {y1}" in periods.inner_text()
        assert f"Triwulan {q3} {y3}" not in periods.inner_text()
        assert page.get_by_test_id("data-contoh").is_visible()
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{width} px: the page scrolls sideways ({scroll} px)"
        shot(f"data-katalog-{width}")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("kode_pemda;nama_pemda;tingkat")
    assert f"32.75;Kota Bekasi;kabkota;32;Provinsi Jawa Barat;{y2};{q2};" in text
    assert f";{y3};{q3};" not in text
