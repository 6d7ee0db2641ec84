"""The catalog as a reference: ``tuntas katalog --json`` and ``GET /api/katalog/{tahun}`` give the
same document, for the year's versions."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client


def command(*args: str) -> dict:
    out = StringIO()
    call_command("katalog", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_command_and_api_give_the_same_document():
    from_command = command("--tahun", "2025", "--json")
    response = Client().get("/api/katalog/2025")  # no sign-in: reference data
    assert response.status_code == 200
    assert response.json() == from_command
    assert from_command["tahun"] == 2025
    assert [u["kode"] for u in from_command["urusan"]] == [f"1.0{i}" for i in range(1, 7)]
    assert sum(len(u["jpd"]) for u in from_command["urusan"]) == 43


@pytest.mark.django_db
def test_one_jpd_with_its_quantity_rules_and_sources():
    doc = command("--tahun", "2023", "--jpd", "1.02.K01", "--json")
    assert Client().get("/api/katalog/2023?jpd=1.02.K01").json() == doc
    (urusan,) = doc["urusan"]
    (jpd,) = urusan["jpd"]
    assert jpd["versi"] == {"berlaku_dari": 2019, "berlaku_sampai": 2023}
    assert jpd["sumber"]["dasar_hukum"] == ["PP 2/2018 Pasal 6", "Permenkes 4/2019"]
    items = {m["kode"]: m for m in jpd["mutu"]}
    assert set(items["B03"]) == {"kode", "nama", "jenis", "satuan", "kebutuhan", "catatan"}
    assert items["B03"]["kebutuhan"]["dasar"] == "penerima"
    assert items["B03"]["kebutuhan"]["jumlah"] == "1"
    assert items["B06"]["kebutuhan"]["jumlah"] == "0.15"
    assert "Bab III" in items["B06"]["kebutuhan"]["sumber"]
    assert items["B07"]["kebutuhan"] is None
    assert jpd["kelayakan"]["jenis_kelamin"] == "P"
    later = command("--tahun", "2024", "--jpd", "1.02.K01", "--json")["urusan"][0]["jpd"][0]
    assert later["sumber"]["belum_dikonfirmasi"] is True
    assert "mutu" not in later["sumber"]["dibawa_tanpa_perubahan"]


@pytest.mark.django_db
def test_bad_year_or_jpd():
    client = Client()
    assert client.get("/api/katalog/2018").status_code == 404
    assert client.get("/api/katalog/2025?jpd=1.02.K99").status_code == 404
    assert client.get("/api/katalog/dua").status_code == 422
    for args, message in (
        (("--tahun", "2018"), "Tahun 2018 di luar katalog"),
        (("--tahun", "2025", "--jpd", "9.99"), "JPD 9.99 tidak ada di katalog"),
    ):
        with pytest.raises(SystemExit) as exit_info:
            call_command("katalog", *args, "--json", stdout=StringIO(), stderr=StringIO())
        assert exit_info.value.code == 2, message


def test_the_readable_text(capsys):
    out = StringIO()
    call_command("katalog", "--tahun", "2025", "--jpd", "1.02.K09", stdout=out)
    text = out.getvalue()
    assert "1.02.K09 Pelayanan kesehatan penderita diabetes melitus" in text
    assert "Pedoman dan media KIE — Minimal 2 per puskesmas" in text
