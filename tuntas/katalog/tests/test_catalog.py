"""The shipped SPM catalog: integrity against PP 2/2018, versions, validation, database copy."""

from __future__ import annotations

import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from tuntas.core.models import AuditEvent
from tuntas.katalog.models import Jpd, JpdVersion, MutuItem, ScoringMethod, Urusan
from tuntas.katalog.reference import DATA_DIR, CatalogError, get_catalog, load_catalog
from tuntas.katalog.selectors import jpd_version_for_year
from tuntas.katalog.services import catalog_sync

# PP 2/2018 Pasal 5–10 (reference §3.0): provincial / kab-kota JPD per urusan
EXPECTED_COUNTS = {
    "1.01": (2, 3),
    "1.02": (2, 12),
    "1.03": (2, 2),
    "1.04": (2, 2),
    "1.05": (1, 5),
    "1.06": (5, 5),
}
URUSAN_NAMES = {
    "1.01": "Pendidikan",
    "1.02": "Kesehatan",
    "1.03": "Pekerjaan Umum",
    "1.04": "Perumahan Rakyat",
    "1.05": "Ketenteraman, Ketertiban Umum dan Pelindungan Masyarakat",
    "1.06": "Sosial",
}


@pytest.fixture(scope="module")
def catalog():
    return get_catalog()


def test_six_urusan_with_their_nomenclature_codes(catalog):
    assert {code: u.name for code, u in catalog.urusan.items()} == URUSAN_NAMES
    assert [s.code for s in catalog.urusan["1.05"].sub_urusan] == [
        "trantibum",
        "bencana",
        "kebakaran",
    ]


def test_counts_per_urusan_and_level(catalog):
    for urusan, (prov, kab) in EXPECTED_COUNTS.items():
        jpd = [j for j in catalog.jpd.values() if j.urusan == urusan]
        assert sum(j.level == "provinsi" for j in jpd) == prov, urusan
        assert sum(j.level == "kabkota" for j in jpd) == kab, urusan
    assert len(catalog.jpd_for_level("provinsi")) == 14
    assert len(catalog.jpd_for_level("kabkota")) == 29


def test_codes_follow_the_pattern_and_pp_2_2018_order(catalog):
    assert len(set(catalog.jpd)) == len(catalog.jpd) == 43
    for code, jpd in catalog.jpd.items():
        letter = "P" if jpd.level == "provinsi" else "K"
        assert code == f"{jpd.urusan}.{letter}{jpd.number:02d}"
    names = {code: j.name.lower() for code, j in catalog.jpd.items()}
    assert "ibu hamil" in names["1.02.K01"]
    assert "ibu bersalin" in names["1.02.K02"]
    assert "usia lanjut" in names["1.02.K07"]
    assert "hiv" in names["1.02.K12"]
    assert "kebakaran" in names["1.05.K05"]
    assert "ketertiban" in names["1.05.K01"]
    assert "korban bencana provinsi" in names["1.06.P05"]
    assert "air minum" in names["1.03.K01"]
    assert "paud" in names["1.01.K01"] or "anak usia dini" in names["1.01.K01"]


def test_every_version_has_recipients_indicator_basis_and_mutu(catalog):
    for code, jpd in catalog.jpd.items():
        assert jpd.pengampu, code
        assert jpd.versions, code
        for v in jpd.versions:
            where = f"{code} {v.valid_from}"
            assert v.penerima and v.sasaran_rule, where
            assert v.indicator.name and v.indicator.numerator and v.indicator.denominator, where
            assert v.legal_basis, where
            assert v.mutu, where
            if v.unconfirmed:
                assert v.note, where


def test_versions_cover_every_year_from_2019_without_gaps(catalog):
    for code, jpd in catalog.jpd.items():
        for year in range(2019, 2031):
            assert jpd.version_for(year) is not None, (code, year)
        assert jpd.version_for(2018) is None


def test_health_carries_permenkes_4_2019_and_a_2024_version(catalog):
    for code in [c for c in catalog.jpd if c.startswith("1.02.")]:
        old, new = catalog.jpd[code].version_for(2023), catalog.jpd[code].version_for(2024)
        assert old is not None and new is not None and old is not new, code
        assert (old.valid_from, old.valid_until) == (2019, 2023), code
        assert any("4/2019" in basis for basis in old.legal_basis), code
        assert any("6/2024" in basis for basis in new.legal_basis), code
        assert new.unconfirmed and new.note, code  # the reference marks 6/2024 content unconfirmed


def test_health_quantity_rules_from_permenkes_4_2019(catalog):
    ibu_hamil = catalog.jpd["1.02.K01"].version_for(2020)
    assert ibu_hamil is not None
    rules = {i.need.quantity for i in ibu_hamil.mutu if i.need and i.need.basis == "penerima"}
    assert Decimal("90") in rules  # iron tablets: 90 per pregnant woman
    assert Decimal("0.1") in rules  # Td vaccine: 1 ampoule per 10 targets
    assert ibu_hamil.eligibility is not None and ibu_hamil.eligibility.sex == "P"
    assert {i.kind for i in ibu_hamil.mutu} == {"barang_jasa", "sdm"}
    newborn = catalog.jpd["1.02.K03"].version_for(2020)
    assert newborn is not None
    assert any(i.need and i.need.quantity == Decimal("3") for i in newborn.mutu)  # MTBM forms


def test_eligibility_ages_where_the_reference_gives_them(catalog):
    def ages(code: str) -> tuple[int | None, int | None, str]:
        v = catalog.jpd[code].version_for(2024)
        assert v is not None and v.eligibility is not None, code
        return v.eligibility.age_min, v.eligibility.age_max, v.eligibility.age_unit

    assert ages("1.02.K06") == (15, 59, "tahun")
    assert ages("1.02.K07") == (60, None, "tahun")
    assert ages("1.02.K04") == (12, 59, "bulan")  # the formula: 12–59 months at 31 December
    assert ages("1.01.K02") == (7, 15, "tahun")


def test_default_scoring_method(catalog):
    method = catalog.default_method
    assert method.code == "ipspm-2021"
    assert (method.method.weight_penerima, method.method.weight_mutu) == (
        Decimal("0.8"),
        Decimal("0.2"),
    )
    assert [b.name for b in method.method.bands] == [
        "Tuntas Paripurna", "Tuntas Utama", "Tuntas Madya",
        "Tuntas Pratama", "Tuntas Muda", "Belum Tuntas",
    ]  # fmt: skip
    assert [b.minimum for b in method.method.bands] == [100, 90, 80, 70, 60, 0]
    assert method.method.aggregation_urusan == method.method.aggregation_daerah == "mean"
    assert all(method.unconfirmed.values())
    assert all(method.sources.values())


# --- validation of bad data files -------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path: Path, change) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def health(data: Path) -> Path:
    return next((data / "jpd").glob("1.02-*.yaml"))


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["jpd"][0].update(typo="x"), "kunci tidak dikenal 'typo'"),
        (lambda d: d["jpd"][0].update(kode="1.02.X01"), "kode JPD '1.02.X01' tidak sah"),
        (lambda d: d["jpd"][0].update(kode="1.03.P01"), "bukan milik urusan 1.02"),
        (lambda d: d["jpd"][0].update(tingkat="kabkota"), "tidak cocok dengan huruf P"),
        (lambda d: d["jpd"].pop(3), "tidak berurutan dari 01"),
        (lambda d: d["jpd"][0]["versi"][0].update(berlaku_sampai=2022), "tidak bersambung"),
        (lambda d: d["jpd"][0]["versi"][0].update(berlaku_dari=2020), "mulai 2019"),
        (lambda d: d["jpd"][0]["versi"][-1].update(berlaku_sampai=2030), "masih berlaku"),
        (lambda d: d["jpd"][0]["versi"][0].pop("penerima"), "kunci wajib 'penerima'"),
        (
            lambda d: d["jpd"][0]["versi"][0]["mutu"][0].update(jenis="alat"),
            "'jenis' harus salah satu",
        ),
        (
            lambda d: d["jpd"][0]["versi"][0].update(belum_dikonfirmasi=True, catatan=None),
            "harus punya 'catatan'",
        ),
        (lambda d: d["jpd"].append(d["jpd"][0]), "ganda"),
    ],
)
def test_bad_catalog_data_is_refused_with_its_place(data_copy, change, message):
    edit(health(data_copy), change)
    with pytest.raises(CatalogError) as info:
        load_catalog(data_copy)
    assert any(message in e for e in info.value.errors), info.value.errors
    assert any(e.startswith("1.02-") or "urusan 1.02" in e for e in info.value.errors)


def test_bad_method_is_refused(data_copy):
    edit(
        data_copy / "metode" / "ipspm-2021.yaml",
        lambda d: d["bobot"].update(mutu="0.30"),
    )
    with pytest.raises(CatalogError, match="jumlah bobot"):
        load_catalog(data_copy)


def test_shipped_catalog_is_valid():
    assert load_catalog(DATA_DIR).jpd.keys() == get_catalog().jpd.keys()


# --- the database copy ----------------------------------------------------------------------


@pytest.mark.django_db
def test_sync_into_the_database_is_complete_and_idempotent(catalog, data_copy):
    audits = AuditEvent.objects.filter(action="katalog.sinkron").count()
    counts = catalog_sync(catalog=catalog)
    assert counts["jpd"] == Jpd.objects.count() == 43
    assert Urusan.objects.count() == 6
    assert JpdVersion.objects.count() == counts["versi"]
    assert MutuItem.objects.count() == counts["item_mutu"] > 43
    ids = set(MutuItem.objects.values_list("pk", flat=True))

    assert catalog_sync(catalog=catalog) == counts
    assert set(MutuItem.objects.values_list("pk", flat=True)) == ids  # stable ids
    assert AuditEvent.objects.filter(action="katalog.sinkron").count() == audits + 2

    jpd = Jpd.objects.get(code="1.02.K01")
    v2020 = jpd_version_for_year(jpd=jpd, year=2020)
    v2025 = jpd_version_for_year(jpd=jpd, year=2025)
    assert v2020 is not None and v2025 is not None
    assert (v2020.valid_from, v2020.valid_until, v2025.valid_until) == (2019, 2023, None)
    iron = [m for m in v2020.mutu_items.all() if m.need_quantity == Decimal("90")]
    assert iron and iron[0].need_basis == "penerima"

    method = ScoringMethod.objects.get(code="ipspm-2021").to_method()
    assert method == catalog.default_method.method

    # an item dropped from the data disappears from the database, the rest keep their ids
    def drop_last_item(doc):
        version = doc["jpd"][2]["versi"][0]  # 1.02.K01, 2019–2023 (lists may be shared anchors)
        version["mutu"] = version["mutu"][:-1]

    edit(health(data_copy), drop_last_item)
    changed = load_catalog(data_copy)
    catalog_sync(catalog=changed)
    assert MutuItem.objects.count() == counts["item_mutu"] - 1
    assert set(MutuItem.objects.values_list("pk", flat=True)) < ids


@pytest.mark.django_db
def test_init_command_without_regions():
    out = StringIO()
    call_command("init", "--tanpa-wilayah", "--tanpa-statis", stdout=out)
    assert "Katalog SPM: 6 urusan, 43 JPD" in out.getvalue()
    assert Jpd.objects.filter(level="provinsi").count() == 14


# --- corrections against Permenkes 4/2019 (issue: the SPM method to the letter) ---------------


@pytest.mark.parametrize("year", [2019, 2023, 2024, 2026])
def test_ibu_hamil_tests_once_per_pregnant_woman_and_glukoprotein_15_percent(catalog, year):
    version = catalog.jpd["1.02.K01"].version_for(year)
    items = {m.code: m for m in version.mutu}
    for code in ("B03", "B04", "B05"):  # pregnancy test, Hb, blood group
        assert items[code].need.quantity == Decimal("1"), code
        assert "Bab III" in items[code].need.source and "hlm. 38" in items[code].need.source
    assert items["B06"].name == "Pemeriksaan glukoprotein urin"
    assert items["B06"].need.quantity == Decimal("0.15")
    assert "protein urine" not in " ".join(m.name for m in version.mutu)


def test_balita_denominator_and_eligibility_follow_the_formula(catalog):
    for version in catalog.jpd["1.02.K04"].versions:
        assert "12–59 bulan" in version.indicator.denominator
        el = version.eligibility
        assert (el.age_min, el.age_max, el.age_unit, el.age_at) == (12, 59, "bulan", "akhir_tahun")
        assert el.source and "rumus" in el.source
    first = catalog.jpd["1.02.K04"].versions[0]
    assert "0–59 bulan" in first.note  # the worked example's own denominator, said
    assert not first.unconfirmed


@pytest.mark.parametrize("year", [2019, 2024])
def test_diabetes_kie_at_least_two_per_puskesmas(catalog, year):
    kie = [m for m in catalog.jpd["1.02.K09"].version_for(year).mutu if "KIE" in m.name]
    assert len(kie) == 1
    need = kie[0].need
    assert (need.basis, need.quantity, need.unit) == ("unit_layanan", Decimal("2"), "puskesmas")
    assert need.source


def test_basic_education_age_by_grade_or_age_out_of_school(catalog):
    el = catalog.jpd["1.02.K05"].version_for(2025).eligibility
    assert (el.grade_min, el.grade_max, el.age_min, el.age_max) == (1, 9, 7, 15)
    assert "kelas 1–9" in catalog.jpd["1.02.K05"].version_for(2025).penerima


@pytest.mark.parametrize(
    ("code", "ages", "law"),
    [("1.06.P02", (None, 17), "UU 35/2014"), ("1.06.K02", (None, 17), "UU 35/2014"),
     ("1.06.P03", (60, None), "UU 13/1998"), ("1.06.K03", (60, None), "UU 13/1998")],
)  # fmt: skip
def test_social_children_and_elderly_by_age_unconfirmed(catalog, code, ages, law):
    el = catalog.jpd[code].version_for(2025).eligibility
    assert (el.age_min, el.age_max) == ages
    assert el.unconfirmed and law in el.source and "Permensos 9/2018" in el.source


def test_health_2024_anc_six_visits_unconfirmed_and_what_is_carried_over(catalog):
    v2019, v2024 = catalog.jpd["1.02.K01"].versions
    assert v2024.unconfirmed and "K6" in v2024.note
    usg = {m.code: m for m in v2024.mutu}["B09"]
    assert "USG" in usg.name and usg.need.quantity == Decimal("2")
    assert "B09" not in {m.code for m in v2019.mutu}
    assert v2024.carried_over == ("penerima", "penetapan_sasaran", "indikator", "kelayakan")
    for code, jpd in catalog.jpd.items():
        if code.startswith("1.02.") and len(jpd.versions) == 2:
            assert jpd.versions[1].carried_over, code  # every 2024 health version says it


def test_a_false_carried_over_claim_is_refused(tmp_path):
    import shutil

    from tuntas.katalog.reference import DATA_DIR, CatalogError, load_catalog

    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    path = target / "jpd" / "1.02-kesehatan.yaml"
    text = path.read_text(encoding="utf-8")
    # claim the 2024 ibu hamil mutu is the 2019 one (it is not: B09, S02 were added)
    text = text.replace(
        "dibawa_tanpa_perubahan: [penerima, penetapan_sasaran, indikator, kelayakan]",
        "dibawa_tanpa_perubahan: [penerima, penetapan_sasaran, indikator, kelayakan, mutu]",
        1,
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(target)
    assert any(
        "1.02.K01.versi 2024" in e and "'mutu' dinyatakan dibawa tanpa perubahan" in e
        for e in info.value.errors
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: d["jpd"][2]["versi"][0]["kelayakan"].update(usia_min="dua"),
            "1.02-kesehatan.yaml: 1.02.K01.versi[0].kelayakan: 'usia_min' harus bilangan bulat",
        ),
        (
            lambda d: d["jpd"][2]["versi"][0]["mutu"][1]["kebutuhan"].update(jumlah=-1),
            "1.02.K01.versi[0].mutu[1].kebutuhan: 'jumlah' harus bilangan desimal tidak negatif",
        ),
        (
            lambda d: d["jpd"][2]["versi"][0].update(dibawa_tanpa_perubahan=["semua"]),
            "1.02.K01.versi[0]: 'dibawa_tanpa_perubahan[0]' harus salah satu dari 'penerima',",
        ),
        (
            lambda d: d["jpd"][2]["versi"][0]["kelayakan"].update(kelas_min=3),
            "1.02.K01.versi[0].kelayakan: kelas_min dan kelas_maks diisi berdua",
        ),
        (
            lambda d: d["jpd"][2]["versi"][0]["kelayakan"].update(kelas_min=7, kelas_maks=13),
            "1.02.K01.versi[0].kelayakan: kelas_min dan kelas_maks diisi berdua, 1 ≤ kelas_min ≤ "
            "kelas_maks ≤ 12",
        ),
        (
            lambda d: d["jpd"][2]["versi"][0]["kelayakan"].update(acuan_usia="hari_lahir"),
            "1.02.K01.versi[0].kelayakan: 'acuan_usia' harus salah satu dari 'akhir_tahun' atau "
            "'dalam_tahun'; ditemukan 'hari_lahir'",
        ),
        (
            lambda d: d["jpd"][2]["versi"][0]["kelayakan"].update(belum_dikonfirmasi=True),
            "1.02.K01.versi[0].kelayakan: kelayakan yang belum dikonfirmasi harus punya 'sumber'",
        ),
        (
            lambda d: d["jpd"][2]["versi"][0]["mutu"][2]["kebutuhan"].update(sumber="  "),
            "1.02.K01.versi[0].mutu[2].kebutuhan: 'sumber' harus teks yang tidak kosong",
        ),
        (
            lambda d: d["jpd"][2]["versi"][0].update(dibawa_tanpa_perubahan=["mutu"]),
            "1.02-kesehatan.yaml: 1.02.K01: versi pertama tidak dapat membawa bagian dari versi "
            "sebelumnya",
        ),
    ],
)
def test_declared_models_name_file_and_key(data_copy, change, message):
    edit(health(data_copy), change)
    with pytest.raises(CatalogError) as info:
        load_catalog(data_copy)
    assert any(message in e for e in info.value.errors), info.value.errors


def _differ(part: str):
    """A change to one part of the 2024 balita version, which claims to carry all five."""

    def change(doc):
        (balita,) = [j for j in doc["jpd"] if j["kode"] == "1.02.K04"]
        later = balita["versi"][1]
        old = later[part]  # may be the very object of 2019 (a YAML alias): replace, not edit
        later[part] = {
            "penerima": lambda: old + " (diubah)",
            "penetapan_sasaran": lambda: old + " (diubah)",
            "indikator": lambda: {**old, "penyebut": "Jumlah seluruh balita 0–59 bulan"},
            "kelayakan": lambda: {**old, "usia_min": 0},
            "mutu": lambda: old[:-1],
        }[part]()

    return change


@pytest.mark.parametrize(
    "part", ["penerima", "penetapan_sasaran", "indikator", "kelayakan", "mutu"]
)
def test_every_carried_over_part_is_checked(data_copy, part):
    edit(health(data_copy), _differ(part))
    with pytest.raises(CatalogError) as info:
        load_catalog(data_copy)
    assert info.value.errors == [
        f"1.02-kesehatan.yaml: 1.02.K04.versi 2024: '{part}' dinyatakan dibawa tanpa perubahan "
        "dari versi 2019, tetapi berbeda"
    ]


def test_a_changed_part_not_claimed_as_carried_over_is_accepted(data_copy):
    def change(doc):
        _differ("kelayakan")(doc)
        (balita,) = [j for j in doc["jpd"] if j["kode"] == "1.02.K04"]
        balita["versi"][1]["dibawa_tanpa_perubahan"].remove("kelayakan")

    edit(health(data_copy), change)
    balita = load_catalog(data_copy).jpd["1.02.K04"]
    assert balita.versions[1].eligibility.age_min == 0
    assert balita.versions[1].carried_over == ("penerima", "penetapan_sasaran", "indikator", "mutu")
