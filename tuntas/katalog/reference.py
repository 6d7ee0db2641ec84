"""Read and validate the SPM catalog and the scoring methods from their data files.

Pure Python (no database): ``tuntas hitung`` uses it directly and ``tuntas init`` copies it into
the database. The file format is described in ``docs/KATALOG-FORMAT.md``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from tuntas.perhitungan.engine import LEVELS as SCORE_LEVELS
from tuntas.perhitungan.engine import MAX_DECIMALS, ROUNDINGS, Band, Method, Precision

DATA_DIR = Path(__file__).resolve().parent / "data"
FIRST_YEAR = 2019  # first year of SPM under PP 2/2018

URUSAN_CODE = re.compile(r"^1\.0[1-6]$")
JPD_CODE = re.compile(r"^(1\.0[1-6])\.([PK])(\d{2})$")
LEVELS = {"P": "provinsi", "K": "kabkota"}
MUTU_KINDS = ("barang_jasa", "sdm")
NEED_BASES = ("penerima", "unit_layanan", "sesuai_kebutuhan")
INDICATOR_METHODS = ("rasio", "rata_rata_tahap")
AGE_UNITS = ("tahun", "bulan", "hari")
AGE_AT = ("akhir_tahun", "dalam_tahun")
# parts of a version that may be declared carried over unchanged from the previous one
VERSION_PARTS = ("penerima", "penetapan_sasaran", "indikator", "kelayakan", "mutu")


class CatalogError(ValueError):
    """The catalog data is invalid; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("Katalog tidak sah:\n" + "\n".join(f"- {e}" for e in errors))
        self.errors = errors


def in_force(valid_from: int, valid_until: int | None, year: int) -> bool:
    """Whether a version valid from ``valid_from`` to ``valid_until`` (``None``: still in force)
    applies in ``year`` — the one rule for catalog versions, in the files and in the database."""
    return valid_from <= year and (valid_until is None or year <= valid_until)


@dataclass(frozen=True, slots=True)
class SubUrusan:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class UrusanRef:
    code: str
    name: str
    sub_urusan: tuple[SubUrusan, ...]


@dataclass(frozen=True, slots=True)
class Need:
    basis: str
    quantity: Decimal | None
    unit: str | None
    note: str | None
    source: str | None = None  # regulation, chapter, page of the rule


@dataclass(frozen=True, slots=True)
class MutuItemRef:
    code: str
    kind: str
    name: str
    unit: str | None
    need: Need | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Who may be a by-name recipient. Age at 31 December of the year (``akhir_tahun``) or on
    some day of it (``dalam_tahun``); with a grade rule, a child whose ``kelas`` is given
    qualifies by grade whatever the age, and the age rule applies to the others."""

    age_min: int | None
    age_max: int | None
    age_unit: str
    sex: str | None
    age_at: str = "akhir_tahun"
    grade_min: int | None = None
    grade_max: int | None = None
    source: str | None = None
    unconfirmed: bool = False


@dataclass(frozen=True, slots=True)
class Indicator:
    name: str
    numerator: str
    denominator: str
    method: str


@dataclass(frozen=True, slots=True)
class JpdVersionRef:
    valid_from: int
    valid_until: int | None
    legal_basis: tuple[str, ...]
    penerima: str
    sasaran_rule: str
    indicator: Indicator
    eligibility: Eligibility | None
    mutu: tuple[MutuItemRef, ...]
    unconfirmed: bool
    note: str | None
    carried_over: tuple[str, ...] = ()  # parts unchanged from the previous version

    def covers(self, year: int) -> bool:
        return in_force(self.valid_from, self.valid_until, year)


@dataclass(frozen=True, slots=True)
class JpdRef:
    code: str
    urusan: str
    level: str
    number: int
    name: str
    sub_urusan: str | None
    pengampu: str
    versions: tuple[JpdVersionRef, ...]

    def version_for(self, year: int) -> JpdVersionRef | None:
        return next((v for v in self.versions if v.covers(year)), None)


@dataclass(frozen=True, slots=True)
class MethodRef:
    """A scoring method with, per rule (``bobot``, ``agregasi``, ``agregasi_mutu``,
    ``kategori``, ``kategori.<urusan>``, ``tampilan``), its source and whether it is confirmed."""

    method: Method
    valid_from: int
    valid_until: int | None
    sources: dict[str, str]
    unconfirmed: dict[str, bool]
    base: str | None = None  # the method this one varies (turunan_dari)
    description: str | None = None

    @property
    def code(self) -> str:
        return self.method.code


@dataclass(frozen=True, slots=True)
class Catalog:
    urusan: dict[str, UrusanRef]
    jpd: dict[str, JpdRef]
    methods: dict[str, MethodRef]

    def jpd_for_level(self, level: str) -> list[JpdRef]:
        return [j for j in self.jpd.values() if j.level == level]

    @property
    def default_method(self) -> MethodRef:
        return self.methods[DEFAULT_METHOD]


DEFAULT_METHOD = "ipspm-2021"


class _Reader:
    """Typed access to parsed YAML with error collection (paths name the place of each error)."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def mapping(
        self,
        value: Any,
        where: str,
        required: set[str],
        optional: set[str] = frozenset(),  # type: ignore[assignment]
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(where, "harus berupa pemetaan (kunci: nilai)")
            return None
        for key in sorted(set(value) - required - optional, key=str):
            self.error(where, f"kunci tidak dikenal '{key}'")
        for key in sorted(required - set(value)):
            self.error(where, f"kunci wajib '{key}' tidak ada")
        return value

    def text(
        self, data: dict[str, Any], key: str, where: str, *, nullable: bool = False
    ) -> str | None:
        value = data.get(key)
        if value is None and nullable:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(where, f"'{key}' harus teks yang tidak kosong")
            return None
        return " ".join(value.split())

    def integer(
        self, data: dict[str, Any], key: str, where: str, *, nullable: bool = False
    ) -> int | None:
        value = data.get(key)
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(where, f"'{key}' harus bilangan bulat")
            return None
        return value

    def choice(
        self, data: dict[str, Any], key: str, where: str, options: tuple[str, ...]
    ) -> str | None:
        value = data.get(key)
        if value not in options:
            self.error(
                where, f"'{key}' harus salah satu dari {', '.join(options)}; ditemukan {value!r}"
            )
            return None
        return str(value)

    def decimal(self, data: dict[str, Any], key: str, where: str) -> Decimal | None:
        value = data.get(key)
        try:
            number = Decimal(str(value)) if isinstance(value, (str, int)) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number < 0:
            self.error(where, f"'{key}' harus bilangan desimal tidak negatif dalam tanda kutip")
            return None
        return number

    def boolean(self, data: dict[str, Any], key: str, where: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.error(where, f"'{key}' harus true/false")
            return False
        return value

    def text_list(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key)
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            self.error(where, f"'{key}' harus daftar teks yang tidak kosong")
            return ()
        return tuple(" ".join(v.split()) for v in value)


def _load_yaml(path: Path, reader: _Reader) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        reader.error(path.name, f"tidak dapat dibaca: {exc}")
        return None


def _read_urusan(path: Path, reader: _Reader) -> dict[str, UrusanRef]:
    doc = reader.mapping(_load_yaml(path, reader), path.name, {"urusan"})
    result: dict[str, UrusanRef] = {}
    if doc is None or not isinstance(doc.get("urusan"), list):
        reader.error(path.name, "'urusan' harus daftar")
        return result
    for i, raw in enumerate(doc["urusan"]):
        where = f"{path.name}: urusan[{i}]"
        data = reader.mapping(raw, where, {"kode", "nama"}, {"sub_urusan"})
        if data is None:
            continue
        code, name = reader.text(data, "kode", where), reader.text(data, "nama", where)
        if code is None or name is None:
            continue
        if not URUSAN_CODE.match(code):
            reader.error(where, f"kode urusan '{code}' tidak sah (1.01–1.06)")
        if code in result:
            reader.error(where, f"kode urusan '{code}' ganda")
        subs: list[SubUrusan] = []
        for j, raw_sub in enumerate(data.get("sub_urusan") or []):
            sub_where = f"{where}.sub_urusan[{j}]"
            sub = reader.mapping(raw_sub, sub_where, {"kode", "nama"})
            if sub is not None:
                sub_code, sub_name = (
                    reader.text(sub, "kode", sub_where),
                    reader.text(sub, "nama", sub_where),
                )
                if sub_code and sub_name:
                    subs.append(SubUrusan(sub_code, sub_name))
        result[code] = UrusanRef(code, name, tuple(subs))
    return result


def _read_need(raw: Any, where: str, reader: _Reader) -> Need | None:
    if raw is None:
        return None
    data = reader.mapping(raw, where, {"dasar"}, {"jumlah", "unit", "keterangan", "sumber"})
    if data is None:
        return None
    basis = reader.choice(data, "dasar", where, NEED_BASES)
    quantity = None
    if basis in ("penerima", "unit_layanan"):
        quantity = reader.decimal(data, "jumlah", where)
    elif data.get("jumlah") is not None:
        reader.error(where, "'jumlah' tidak dipakai bila dasar sesuai_kebutuhan")
    unit = reader.text(data, "unit", where, nullable=basis != "unit_layanan")
    note = reader.text(data, "keterangan", where, nullable=True)
    if basis == "sesuai_kebutuhan" and not note:
        note = None
    source = reader.text(data, "sumber", where, nullable=True)
    return Need(basis or "", quantity, unit, note, source)


def _read_eligibility(raw: Any, where: str, reader: _Reader) -> Eligibility | None:
    if raw is None:
        return None
    keys = {"usia_min", "usia_maks", "satuan_usia", "jenis_kelamin", "acuan_usia", "kelas_min",
            "kelas_maks", "sumber", "belum_dikonfirmasi"}  # fmt: skip
    el = reader.mapping(raw, where, set(), keys)
    if el is None:
        return None
    age_min = reader.integer(el, "usia_min", where, nullable=True)
    age_max = reader.integer(el, "usia_maks", where, nullable=True)
    if age_min is not None and age_max is not None and age_max < age_min:
        reader.error(where, "usia_maks lebih kecil dari usia_min")
    unit = el.get("satuan_usia", "tahun")
    if unit not in AGE_UNITS:
        reader.error(where, f"satuan_usia '{unit}' tidak dikenal")
    sex = el.get("jenis_kelamin")
    if sex not in (None, "L", "P"):
        reader.error(where, "jenis_kelamin harus L, P atau null")
    age_at = el.get("acuan_usia", "akhir_tahun" if unit == "tahun" else "dalam_tahun")
    if age_at not in AGE_AT:
        reader.error(where, f"acuan_usia harus salah satu dari {', '.join(AGE_AT)}")
    grade_min = reader.integer(el, "kelas_min", where, nullable=True)
    grade_max = reader.integer(el, "kelas_maks", where, nullable=True)
    if (grade_min is None) != (grade_max is None) or (
        grade_min is not None and grade_max is not None and not 1 <= grade_min <= grade_max <= 12
    ):
        reader.error(
            where, "kelas_min dan kelas_maks diisi berdua, 1 ≤ kelas_min ≤ kelas_maks ≤ 12"
        )
    unconfirmed = reader.boolean(el, "belum_dikonfirmasi", where)
    source = reader.text(el, "sumber", where, nullable=True)
    if unconfirmed and not source:
        reader.error(where, "kelayakan yang belum dikonfirmasi harus punya 'sumber'")
    return Eligibility(
        age_min, age_max, str(unit), sex, str(age_at), grade_min, grade_max, source, unconfirmed
    )


def _read_version(raw: Any, where: str, reader: _Reader) -> JpdVersionRef | None:
    data = reader.mapping(
        raw,
        where,
        {
            "berlaku_dari",
            "berlaku_sampai",
            "dasar_hukum",
            "penerima",
            "penetapan_sasaran",
            "indikator",
            "mutu",
        },
        {"kelayakan", "belum_dikonfirmasi", "catatan", "dibawa_tanpa_perubahan"},
    )
    if data is None:
        return None
    valid_from = reader.integer(data, "berlaku_dari", where)
    valid_until = reader.integer(data, "berlaku_sampai", where, nullable=True)
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        reader.error(where, "berlaku_sampai sebelum berlaku_dari")
    ind_where = f"{where}.indikator"
    ind = reader.mapping(
        data.get("indikator"), ind_where, {"nama", "pembilang", "penyebut"}, {"metode"}
    )
    indicator = None
    if ind is not None:
        method = ind.get("metode", "rasio")
        if method not in INDICATOR_METHODS:
            reader.error(ind_where, f"metode '{method}' tidak dikenal")
        indicator = Indicator(
            reader.text(ind, "nama", ind_where) or "",
            reader.text(ind, "pembilang", ind_where) or "",
            reader.text(ind, "penyebut", ind_where) or "",
            str(method),
        )
    eligibility = _read_eligibility(data.get("kelayakan"), f"{where}.kelayakan", reader)
    mutu: list[MutuItemRef] = []
    raw_items = data.get("mutu")
    if not isinstance(raw_items, list):
        reader.error(where, "'mutu' harus daftar")
        raw_items = []
    seen: set[str] = set()
    for k, raw_item in enumerate(raw_items):
        item_where = f"{where}.mutu[{k}]"
        item = reader.mapping(
            raw_item, item_where, {"kode", "jenis", "nama"}, {"satuan", "kebutuhan", "catatan"}
        )
        if item is None:
            continue
        code = reader.text(item, "kode", item_where) or ""
        kind = reader.choice(item, "jenis", item_where, MUTU_KINDS) or ""
        prefix = {"barang_jasa": "B", "sdm": "S"}.get(kind)
        if prefix and not re.match(rf"^{prefix}\d{{2}}$", code):
            reader.error(item_where, f"kode mutu '{code}' harus {prefix}nn untuk jenis {kind}")
        if code in seen:
            reader.error(item_where, f"kode mutu '{code}' ganda dalam versi ini")
        seen.add(code)
        mutu.append(
            MutuItemRef(
                code,
                kind,
                reader.text(item, "nama", item_where) or "",
                reader.text(item, "satuan", item_where, nullable=True),
                _read_need(item.get("kebutuhan"), f"{item_where}.kebutuhan", reader),
                reader.text(item, "catatan", item_where, nullable=True),
            )
        )
    unconfirmed = reader.boolean(data, "belum_dikonfirmasi", where)
    note = reader.text(data, "catatan", where, nullable=True)
    carried: tuple[str, ...] = ()
    if data.get("dibawa_tanpa_perubahan") is not None:
        raw_parts = data["dibawa_tanpa_perubahan"]
        if not isinstance(raw_parts, list) or any(p not in VERSION_PARTS for p in raw_parts):
            reader.error(
                where,
                "'dibawa_tanpa_perubahan' harus daftar dari: " + ", ".join(VERSION_PARTS),
            )
        else:
            carried = tuple(raw_parts)
    if unconfirmed and not note:
        reader.error(
            where, "versi yang belum dikonfirmasi harus punya 'catatan' yang menjelaskannya"
        )
    if valid_from is None or indicator is None:
        return None
    return JpdVersionRef(
        valid_from=valid_from,
        valid_until=valid_until,
        legal_basis=reader.text_list(data, "dasar_hukum", where),
        penerima=reader.text(data, "penerima", where) or "",
        sasaran_rule=reader.text(data, "penetapan_sasaran", where) or "",
        indicator=indicator,
        eligibility=eligibility,
        mutu=tuple(mutu),
        unconfirmed=unconfirmed,
        note=note,
        carried_over=carried,
    )


def _part(version: JpdVersionRef, part: str) -> object:
    return {
        "penerima": version.penerima,
        "penetapan_sasaran": version.sasaran_rule,
        "indikator": version.indicator,
        "kelayakan": version.eligibility,
        "mutu": version.mutu,
    }[part]


def _read_jpd_file(path: Path, urusan: dict[str, UrusanRef], reader: _Reader) -> list[JpdRef]:
    doc = reader.mapping(_load_yaml(path, reader), path.name, {"urusan", "jpd"})
    if doc is None:
        return []
    file_urusan = str(doc.get("urusan"))
    if file_urusan not in urusan:
        reader.error(path.name, f"urusan '{file_urusan}' tidak ada di urusan.yaml")
        return []
    sub_codes = {s.code for s in urusan[file_urusan].sub_urusan}
    result: list[JpdRef] = []
    for i, raw in enumerate(doc.get("jpd") or []):
        where = f"{path.name}: jpd[{i}]"
        data = reader.mapping(
            raw, where, {"kode", "tingkat", "nama", "pengampu", "versi"}, {"sub_urusan"}
        )
        if data is None:
            continue
        code = reader.text(data, "kode", where) or ""
        where = f"{path.name}: {code or f'jpd[{i}]'}"
        match = JPD_CODE.match(code)
        if not match:
            reader.error(where, f"kode JPD '{code}' tidak sah (contoh: 1.02.K01)")
            continue
        if match.group(1) != file_urusan:
            reader.error(where, f"kode JPD bukan milik urusan {file_urusan}")
        level = reader.choice(data, "tingkat", where, ("provinsi", "kabkota"))
        if level and LEVELS[match.group(2)] != level:
            reader.error(
                where, f"tingkat '{level}' tidak cocok dengan huruf {match.group(2)} pada kode"
            )
        sub = data.get("sub_urusan")
        if sub_codes and sub not in sub_codes:
            reader.error(where, f"sub_urusan harus salah satu dari {', '.join(sorted(sub_codes))}")
        if not sub_codes and sub is not None:
            reader.error(where, "urusan ini tidak memiliki sub_urusan")
        versions = []
        raw_versions = data.get("versi")
        if not isinstance(raw_versions, list) or not raw_versions:
            reader.error(where, "'versi' harus daftar dengan paling sedikit satu versi")
            raw_versions = []
        for j, raw_version in enumerate(raw_versions):
            version = _read_version(raw_version, f"{where}.versi[{j}]", reader)
            if version is not None:
                versions.append(version)
        versions.sort(key=lambda v: v.valid_from)
        for before, after in itertools.pairwise(versions):
            for part in after.carried_over:
                if _part(before, part) != _part(after, part):
                    reader.error(
                        f"{where}.versi {after.valid_from}",
                        f"'{part}' dinyatakan dibawa tanpa perubahan dari versi "
                        f"{before.valid_from}, tetapi berbeda",
                    )
        if versions and versions[0].carried_over:
            reader.error(where, "versi pertama tidak dapat membawa bagian dari versi sebelumnya")
        if versions:
            if versions[0].valid_from != FIRST_YEAR:
                reader.error(where, f"versi pertama harus berlaku mulai {FIRST_YEAR}")
            for before, after in itertools.pairwise(versions):
                if before.valid_until is None or after.valid_from != before.valid_until + 1:
                    reader.error(
                        where, f"versi {before.valid_from} dan {after.valid_from} tidak bersambung"
                    )
            if versions[-1].valid_until is not None:
                reader.error(where, "versi terakhir harus masih berlaku (berlaku_sampai: null)")
        result.append(
            JpdRef(
                code=code,
                urusan=file_urusan,
                level=level or "",
                number=int(match.group(3)),
                name=reader.text(data, "nama", where) or "",
                sub_urusan=sub if isinstance(sub, str) else None,
                pengampu=reader.text(data, "pengampu", where) or "",
                versions=tuple(versions),
            )
        )
    return result


METHOD_SECTIONS = ("bobot", "agregasi", "agregasi_mutu", "kategori", "tampilan")


def _merge(base: dict[str, Any], variant: dict[str, Any]) -> dict[str, Any]:
    """``variant`` over ``base``: mappings merged key by key, anything else replaced."""
    merged = dict(base)
    for key, value in variant.items():
        old = merged.get(key)
        merged[key] = (
            _merge(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
        )
    return merged


def _method_docs(paths: list[Path], reader: _Reader) -> dict[Path, dict[str, Any]]:
    """Every method file as a mapping, a variant (``turunan_dari``) merged over its base."""
    raw: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in paths:
        doc = _load_yaml(path, reader)
        if not isinstance(doc, dict):
            reader.error(path.name, "harus berupa pemetaan (kunci: nilai)")
            continue
        raw[path.stem] = (path, doc)
    resolved: dict[str, dict[str, Any]] = {}

    def resolve(code: str, seen: tuple[str, ...]) -> dict[str, Any] | None:
        if code in resolved:
            return resolved[code]
        path, doc = raw[code]
        base_code = doc.get("turunan_dari")
        if base_code is None:
            resolved[code] = doc
            return doc
        if base_code not in raw:
            reader.error(path.name, f"'turunan_dari': metode '{base_code}' tidak ada")
            return None
        if base_code in seen:
            reader.error(path.name, f"'turunan_dari' berputar: {' → '.join((*seen, base_code))}")
            return None
        for section in METHOD_SECTIONS:
            part = doc.get(section)
            must_cite = section != "kategori" or (isinstance(part, dict) and "pita" in part)
            if isinstance(part, dict) and must_cite and "sumber" not in part:
                reader.error(
                    f"{path.name}: {section}",
                    "bagian yang diubah metode turunan harus punya 'sumber' sendiri",
                )
        base = resolve(base_code, (*seen, base_code))
        if base is None:
            return None
        inherited = {k: v for k, v in base.items() if k not in ("keterangan", "turunan_dari")}
        resolved[code] = _merge(inherited, doc)
        return resolved[code]

    result = {}
    for code, (path, _) in raw.items():
        doc = resolve(code, (code,))
        if doc is not None:
            result[path] = doc
    return result


def _read_bands(raw: Any, where: str, reader: _Reader) -> tuple[Band, ...]:
    bands: list[Band] = []
    if not isinstance(raw, list) or not raw:
        reader.error(where, "'pita' harus daftar kategori yang tidak kosong")
        return ()
    for i, item in enumerate(raw):
        band_where = f"{where}.pita[{i}]"
        band = reader.mapping(item, band_where, {"kode", "nama", "minimal"})
        if band is not None:
            minimum = reader.decimal(band, "minimal", band_where)
            code, name = (
                reader.text(band, "kode", band_where),
                reader.text(band, "nama", band_where),
            )
            if minimum is not None and code and name:
                bands.append(Band(code, name, Fraction(minimum)))
    return tuple(bands)


def _read_precision(raw: Any, where: str, reader: _Reader) -> Precision | None:
    data = reader.mapping(raw, where, {"desimal", "pembulatan"})
    if data is None:
        return None
    decimals = reader.integer(data, "desimal", where)
    rounding = reader.choice(data, "pembulatan", where, ROUNDINGS)
    if decimals is not None and not 0 <= decimals <= MAX_DECIMALS:
        reader.error(where, f"'desimal' harus 0–{MAX_DECIMALS}")
        return None
    return Precision(decimals, rounding) if decimals is not None and rounding else None


def _read_method(path: Path, doc: dict[str, Any], reader: _Reader) -> MethodRef | None:
    where = path.name
    cited = {"sumber"}
    optional = {"belum_dikonfirmasi"}
    if (
        reader.mapping(
            doc,
            where,
            {"kode", "nama", "berlaku_dari", *METHOD_SECTIONS},
            {"berlaku_sampai", "turunan_dari", "keterangan"},
        )
        is None
    ):
        return None
    weights = reader.mapping(
        doc.get("bobot"), f"{where}: bobot", {"penerima", "mutu"} | cited, optional
    )
    agg = reader.mapping(
        doc.get("agregasi"), f"{where}: agregasi", {"urusan", "daerah"} | cited, optional
    )
    agg_mutu = reader.mapping(
        doc.get("agregasi_mutu"), f"{where}: agregasi_mutu", {"cara"} | cited, optional
    )
    cat = reader.mapping(
        doc.get("kategori"), f"{where}: kategori", {"pita"} | cited, optional | {"per_urusan"}
    )
    shown = reader.mapping(
        doc.get("tampilan"), f"{where}: tampilan", set(SCORE_LEVELS) | cited, optional
    )
    if None in (weights, agg, agg_mutu, cat, shown):
        return None
    assert weights is not None and agg is not None and agg_mutu is not None
    assert cat is not None and shown is not None
    sections: dict[str, dict[str, Any]] = {
        "bobot": weights,
        "agregasi": agg,
        "agregasi_mutu": agg_mutu,
        "kategori": cat,
    }
    bands = _read_bands(cat.get("pita"), f"{where}: kategori", reader)
    urusan_bands: list[tuple[str, tuple[Band, ...]]] = []
    per_urusan = cat.get("per_urusan") or {}
    if not isinstance(per_urusan, dict):
        reader.error(f"{where}: kategori.per_urusan", "harus pemetaan kode urusan → kategori")
        per_urusan = {}
    for urusan_code, raw in per_urusan.items():
        u_where = f"{where}: kategori.per_urusan.{urusan_code}"
        if not URUSAN_CODE.match(str(urusan_code)):
            reader.error(u_where, f"kode urusan '{urusan_code}' tidak sah (1.01–1.06)")
        table = reader.mapping(raw, u_where, {"pita"} | cited, optional)
        if table is not None:
            urusan_bands.append((str(urusan_code), _read_bands(table.get("pita"), u_where, reader)))
            sections[f"kategori.{urusan_code}"] = table
    precision = tuple(
        _read_precision(shown.get(level), f"{where}: tampilan.{level}", reader)
        for level in SCORE_LEVELS
    )
    sections["tampilan"] = shown
    w_penerima = reader.decimal(weights, "penerima", f"{where}: bobot")
    w_mutu = reader.decimal(weights, "mutu", f"{where}: bobot")
    code = reader.text(doc, "kode", where)
    name = reader.text(doc, "nama", where)
    valid_from = reader.integer(doc, "berlaku_dari", where)
    valid_until = reader.integer(doc, "berlaku_sampai", where, nullable=True)
    for section, data in sections.items():
        reader.text(data, "sumber", f"{where}: {section}")
        reader.boolean(data, "belum_dikonfirmasi", f"{where}: {section}")
    if None in (w_penerima, w_mutu, code, name, valid_from, *precision):
        return None
    assert w_penerima is not None and w_mutu is not None and code and name and valid_from
    p_jpd, p_urusan, p_daerah = (p for p in precision if p is not None)
    try:
        method = Method(
            code=code,
            name=name,
            weight_penerima=Fraction(w_penerima),
            weight_mutu=Fraction(w_mutu),
            bands=bands,
            aggregation_urusan=str(agg.get("urusan")),
            aggregation_daerah=str(agg.get("daerah")),
            aggregation_mutu=str(agg_mutu.get("cara")),
            precision=(p_jpd, p_urusan, p_daerah),
            urusan_bands=tuple(urusan_bands),
        )
    except ValueError as exc:
        reader.error(where, str(exc))
        return None
    if path.stem != code:
        reader.error(where, f"nama berkas harus {code}.yaml")
    return MethodRef(
        method=method,
        valid_from=valid_from,
        valid_until=valid_until,
        sources={k: " ".join(str(v.get("sumber", "")).split()) for k, v in sections.items()},
        unconfirmed={k: bool(v.get("belum_dikonfirmasi", False)) for k, v in sections.items()},
        base=doc.get("turunan_dari"),
        description=reader.text(doc, "keterangan", where, nullable=True),
    )


def load_catalog(data_dir: Path = DATA_DIR) -> Catalog:
    """Read and validate every catalog file; raise :class:`CatalogError` listing all problems."""
    reader = _Reader()
    urusan = _read_urusan(data_dir / "urusan.yaml", reader)
    jpd: dict[str, JpdRef] = {}
    jpd_files = sorted((data_dir / "jpd").glob("*.yaml"))
    if not jpd_files:
        reader.error("jpd/", "tidak ada berkas JPD")
    for path in jpd_files:
        for ref in _read_jpd_file(path, urusan, reader):
            if ref.code in jpd:
                reader.error(path.name, f"kode JPD '{ref.code}' ganda")
            jpd[ref.code] = ref
    # numbering per urusan and level must run 01, 02, … without gaps
    for u in urusan:
        for letter, level in LEVELS.items():
            numbers = sorted(j.number for j in jpd.values() if j.urusan == u and j.level == level)
            if numbers != list(range(1, len(numbers) + 1)):
                reader.error(
                    f"urusan {u}", f"nomor JPD {letter} tidak berurutan dari 01: {numbers}"
                )
    methods: dict[str, MethodRef] = {}
    for path, doc in _method_docs(sorted((data_dir / "metode").glob("*.yaml")), reader).items():
        method = _read_method(path, doc, reader)
        if method is not None:
            methods[method.code] = method
    if DEFAULT_METHOD not in methods:
        reader.error("metode/", f"metode bawaan '{DEFAULT_METHOD}' tidak ada")
    if reader.errors:
        raise CatalogError(reader.errors)
    ordered = dict(
        sorted(jpd.items(), key=lambda kv: (kv[1].urusan, kv[1].level != "provinsi", kv[1].number))
    )
    return Catalog(urusan=urusan, jpd=ordered, methods=methods)


@lru_cache(maxsize=1)
def get_catalog() -> Catalog:
    """The shipped catalog, read once per process."""
    return load_catalog(DATA_DIR)
