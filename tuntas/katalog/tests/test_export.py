"""The catalog as a reference: ``tuntas katalog --json`` and ``GET /api/katalog/{tahun}`` give the
same document, for the year's versions."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone


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
def test_bad_year_or_jpd_in_the_api():
    client = Client()
    next_year = timezone.localdate().year + 1
    assert client.get("/api/katalog/2018").status_code == 404
    assert client.get(f"/api/katalog/{next_year + 1}").status_code == 404
    assert client.get(f"/api/katalog/{next_year}").status_code == 200  # planning next year
    assert client.get("/api/katalog/2025?jpd=1.02.K99").status_code == 404
    assert client.get("/api/katalog/dua").status_code == 422
    # the code as the command reads it: case and spaces do not matter
    assert client.get("/api/katalog/2025?jpd=%201.02.k09").json() == command(
        "--tahun", "2025", "--jpd", "1.02.K09", "--json"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--tahun", "2018"), "Tahun 2018 di luar katalog (2019–"),
        (("--tahun", "dua"), "Tahun harus angka, mis. "),
        (("--tahun", "2025", "--jpd", "9.99"), "JPD 9.99 tidak ada di katalog"),
    ],
)
def test_bad_year_or_jpd_in_the_command(capsys, args, message):
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("katalog", *args, "--json", stdout=out)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert out.getvalue() == ""  # nothing on standard output


def test_quantities_are_exact_decimal_strings():
    doc = command("--tahun", "2019", "--jpd", "1.02.K01", "--json")
    items = {m["kode"]: m["kebutuhan"] for m in doc["urusan"][0]["jpd"][0]["mutu"]}
    assert items["B01"]["jumlah"] == "0.1"  # Td: 1 ampoule for 10 women, not 0.1000000001
    assert items["B02"]["jumlah"] == "90"
    assert [items[c]["jumlah"] for c in ("B03", "B04", "B05", "B06")] == ["1", "1", "1", "0.15"]


def test_eligibility_in_the_document():
    balita = command("--tahun", "2025", "--jpd", "1.02.K04", "--json")["urusan"][0]["jpd"][0]
    assert balita["kelayakan"] == {
        "usia_min": 12, "usia_maks": 59, "satuan_usia": "bulan", "acuan_usia": "akhir_tahun",
        "jenis_kelamin": None, "kelas_min": None, "kelas_maks": None,
        "sumber": balita["kelayakan"]["sumber"], "belum_dikonfirmasi": False,
    }  # fmt: skip
    assert "hlm. ±67" in balita["kelayakan"]["sumber"]
    school = command("--tahun", "2025", "--jpd", "1.02.K05", "--json")["urusan"][0]["jpd"][0]
    rule = school["kelayakan"]
    assert (rule["kelas_min"], rule["kelas_maks"], rule["usia_min"], rule["usia_maks"]) == (
        1, 9, 7, 15,
    )  # fmt: skip
    assert school["sumber"]["dibawa_tanpa_perubahan"] == [
        "penerima", "penetapan_sasaran", "indikator", "kelayakan", "mutu",
    ]  # fmt: skip
    child = command("--tahun", "2025", "--jpd", "1.06.P02", "--json")["urusan"][0]["jpd"][0]
    assert child["kelayakan"]["usia_maks"] == 17 and child["kelayakan"]["belum_dikonfirmasi"]


def test_the_readable_text():
    out = StringIO()
    call_command("katalog", "--tahun", "2025", "--jpd", "1.02.K09", stdout=out)
    text = out.getvalue()
    assert text.startswith("Katalog SPM tahun 2025\n\n1.02 Kesehatan\n")
    assert "1.02.K09 Pelayanan kesehatan penderita diabetes melitus" in text
    assert "Versi: 2024–sekarang (belum dikonfirmasi); dasar hukum: PP 2/2018 Pasal 6" in text
    assert (
        "Dibawa tanpa perubahan dari versi sebelumnya: penerima, penetapan sasaran, indikator, "
        "kelayakan\n" in text
    )
    assert (
        "B04 Pedoman dan media KIE — kebutuhan: 2 per puskesmas (Minimal 2 per puskesmas)" in text
    )
    assert "Kelayakan by name: usia 15 tahun ke atas pada 31 Desember" in text

    out = StringIO()
    call_command("katalog", "--tahun", "2020", "--jpd", "1.02.K01", stdout=out)
    text = out.getvalue()
    assert "Versi: 2019–2023 (terkonfirmasi)" in text
    assert "Dibawa tanpa perubahan" not in text  # the first version carries nothing
    assert "B06 Pemeriksaan glukoprotein urin [pemeriksaan] — kebutuhan: 0,15 per penerima" in text
    assert "Kelayakan by name: perempuan" in text

    out = StringIO()
    call_command("katalog", "--tahun", "2025", "--jpd", "1.02.K05", stdout=out)
    assert (
        "Kelayakan by name: kelas 1–9 berapa pun usianya, atau usia 7–15 tahun pada 31 Desember"
        in out.getvalue()
    )
