from __future__ import annotations

import time

import pytest

from tuntas.core.models import AuditEvent
from tuntas.wilayah.loader import RegionDataError, read_regions
from tuntas.wilayah.models import Kind, Level, Region
from tuntas.wilayah.selectors import normalize_region_code, region_children, region_get
from tuntas.wilayah.services import region_load_all

EXPECTED = {"provinsi": 38, "kabkota": 514, "kecamatan": 7277, "desa": 83763}


@pytest.mark.django_db
def test_load_all_levels_counts_names_and_idempotence():
    start = time.perf_counter()
    counts = region_load_all()
    first_seconds = time.perf_counter() - start
    assert counts == {**EXPECTED, "tidak_ada_di_data": 0}
    for level, n in EXPECTED.items():
        assert Region.objects.filter(level=level).count() == n

    bekasi = region_get(code="32.75")
    assert bekasi is not None and bekasi.name == "KOTA BEKASI" and bekasi.kind == Kind.KOTA
    assert bekasi.parent_id == "32"
    tangsel = region_get(code="3674")
    assert tangsel is not None and tangsel.name == "KOTA TANGERANG SELATAN"
    assert Region.objects.get(code="32.75.01.1001").kind == Kind.KELURAHAN
    assert Region.objects.filter(level=Level.KABKOTA, kind=Kind.KOTA).count() == 98
    assert region_children(parent=bekasi).count() == 12  # Kota Bekasi has 12 kecamatan
    assert not Region.objects.filter(level=Level.DESA, parent__isnull=True).exists()

    # a second run changes nothing and does not duplicate
    Region.objects.filter(code="32.75").update(name="DIUBAH")
    assert region_load_all() == {**EXPECTED, "tidak_ada_di_data": 0}
    assert Region.objects.count() == sum(EXPECTED.values())
    assert Region.objects.get(code="32.75").name == "KOTA BEKASI"
    assert AuditEvent.objects.filter(action="wilayah.muat").count() == 2
    # the goal is < 30 s on SQLite; this bound only catches a pathological regression
    assert first_seconds < 120


def test_compact_codes_are_normalized():
    assert normalize_region_code("3275011001") == "32.75.01.1001"
    assert normalize_region_code("3275") == "32.75"
    assert normalize_region_code(" 32.75 ") == "32.75"


def test_malformed_data_is_refused(tmp_path):
    for name, text in {
        "provinces.csv": "code,name\n32,JAWA BARAT\n",
        "regencies.csv": "code,province_code,name\n33.01,33,KABUPATEN X\n",
        "districts.csv": "code,regency_code,name\n",
        "villages.csv": "code,district_code,name\n",
    }.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(RegionDataError, match=r"regencies\.csv baris 2: induk 33 tidak ada"):
        list(read_regions(tmp_path))
