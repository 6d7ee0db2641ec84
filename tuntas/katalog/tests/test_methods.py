"""Scoring-method files: variants by derivation, their validation, and the method pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.test import Client

from tuntas.katalog.reference import DATA_DIR, CatalogError, load_catalog


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def write(data_dir: Path, name: str, text: str) -> None:
    (data_dir / "metode" / f"{name}.yaml").write_text(text, encoding="utf-8")


def errors(data_dir: Path) -> list[str]:
    with pytest.raises(CatalogError) as info:
        load_catalog(data_dir)
    return info.value.errors


def test_a_variant_inherits_every_rule_it_does_not_change():
    catalog = load_catalog()
    base, variant = catalog.methods["ipspm-2021"], catalog.methods["espm-3-desimal"]
    assert variant.base == "ipspm-2021"
    assert variant.method.bands == base.method.bands
    assert variant.method.weight_penerima == base.method.weight_penerima
    assert variant.sources["bobot"] == base.sources["bobot"]
    assert variant.sources["tampilan"] != base.sources["tampilan"]
    assert [p.decimals for p in variant.method.precision] == [2, 2, 3]
    assert variant.description and "3 desimal" in variant.description


def test_a_changed_rule_needs_its_own_source(data_dir):
    write(
        data_dir,
        "tanpa-sumber",
        "kode: tanpa-sumber\nturunan_dari: ipspm-2021\nnama: X\nberlaku_dari: 2021\n"
        "tampilan:\n  daerah: {desimal: 1, pembulatan: potong}\n",
    )
    assert any(
        "tanpa-sumber.yaml: tampilan" in e and "'sumber' sendiri" in e for e in errors(data_dir)
    )


def test_an_unknown_or_circular_base_is_refused(data_dir):
    write(data_dir, "a", "kode: a\nturunan_dari: b\nnama: A\nberlaku_dari: 2021\n")
    write(data_dir, "b", "kode: b\nturunan_dari: a\nnama: B\nberlaku_dari: 2021\n")
    write(data_dir, "c", "kode: c\nturunan_dari: tidak-ada\nnama: C\nberlaku_dari: 2021\n")
    found = errors(data_dir)
    assert any("berputar" in e for e in found)
    assert any("c.yaml" in e and "'tidak-ada' tidak ada" in e for e in found)


def test_bad_precision_and_urusan_bands_are_named(data_dir):
    write(
        data_dir,
        "salah",
        "kode: salah\nturunan_dari: ipspm-2021\nnama: S\nberlaku_dari: 2021\n"
        "tampilan:\n  jpd: {desimal: 7, pembulatan: potong}\n"
        "  urusan: {desimal: 2, pembulatan: ke_bawah}\n  sumber: uji\n"
        "kategori:\n  per_urusan:\n    '9.99':\n      sumber: uji\n"
        "      pita: [{kode: utama, nama: Lain, minimal: '0'}]\n",
    )
    found = errors(data_dir)
    assert any("salah.yaml: tampilan.jpd" in e and "'desimal' harus 0–4" in e for e in found)
    assert any("salah.yaml: tampilan.urusan" in e and "'pembulatan'" in e for e in found)
    assert any("kategori.per_urusan.9.99" in e and "tidak sah" in e for e in found)


@pytest.mark.django_db
def test_the_method_pages_list_every_rule_with_source_and_status():
    client = Client()  # reference data: readable without signing in
    listing = client.get("/metode/")
    assert listing.status_code == 200
    for code in ("ipspm-2021", "espm-3-desimal", "rapor-pendidikan-2024"):
        assert f'href="/metode/{code}/"' in listing.content.decode()
    page = client.get("/metode/rapor-pendidikan-2024/").content.decode()
    for key in ("bobot", "agregasi", "agregasi_mutu", "kategori", "kategori.1.01", "tampilan"):
        assert f'data-testid="aturan-{key}"' in page
    assert "Rapor Pendidikan 2024" in page  # the education table's source
    assert "≥ 91" in page and "≥ 71 dan &lt; 81" in page  # five bands
    assert "≥ 90 dan &lt; 100" in page  # the six bands elsewhere
    assert "belum dikonfirmasi" in page
    assert "Nilai JPD = 80% × capaian penerima + 20% × capaian mutu." in page
    espm = client.get("/metode/espm-3-desimal/").content.decode()
    assert "Indeks daerah: 3 desimal, dipotong (72,857142… → 72,857)" in espm
    assert client.get("/metode/tidak-ada/").status_code == 404
