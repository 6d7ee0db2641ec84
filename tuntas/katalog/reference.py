"""Read and validate the SPM catalog and the scoring methods from their data files.

Pure Python (no database): ``tuntas hitung`` uses it directly and ``tuntas init`` copies it into
the database. The file format is described in ``docs/KATALOG-FORMAT.md``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from tuntas.katalog import schema
from tuntas.perhitungan.engine import Band, Method, Precision

M = TypeVar("M", bound=BaseModel)


DATA_DIR = Path(__file__).resolve().parent / "data"
FIRST_YEAR = 2019  # first year of SPM under PP 2/2018

URUSAN_CODE = re.compile(r"^1\.0[1-6]$")
JPD_CODE = re.compile(r"^(1\.0[1-6])\.([PK])(\d{2})$")
LEVELS = {"P": "provinsi", "K": "kabkota"}
MUTU_KINDS = ("barang_jasa", "sdm")
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
    """Collects every problem found, each naming its file and key."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def validate(self, model: type[M], raw: Any, file_name: str) -> M | None:
        """``raw`` as the declared ``model``, or None with its problems recorded."""
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            self.errors.extend(schema.messages(file_name, exc, raw))
            return None


def _load_yaml(path: Path, reader: _Reader) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        reader.error(path.name, f"tidak dapat dibaca: {exc}")
        return None


def _read_urusan(path: Path, reader: _Reader) -> dict[str, UrusanRef]:
    result: dict[str, UrusanRef] = {}
    doc = reader.validate(schema.UrusanFile, _load_yaml(path, reader), path.name)
    if doc is None:
        return result
    for i, u in enumerate(doc.urusan):
        where = f"{path.name}: urusan[{i}]"
        if not URUSAN_CODE.match(u.kode):
            reader.error(where, f"kode urusan '{u.kode}' tidak sah (1.01–1.06)")
        if u.kode in result:
            reader.error(where, f"kode urusan '{u.kode}' ganda")
        subs = tuple(SubUrusan(s.kode, s.nama) for s in u.sub_urusan or [])
        result[u.kode] = UrusanRef(u.kode, u.nama, subs)
    return result


def _need(model: schema.NeedModel | None) -> Need | None:
    if model is None:
        return None
    return Need(model.dasar, model.jumlah, model.unit, model.keterangan, model.sumber)


def _eligibility(model: schema.EligibilityModel | None) -> Eligibility | None:
    if model is None:
        return None
    return Eligibility(
        model.usia_min, model.usia_maks, model.satuan_usia, model.jenis_kelamin, model.age_at,
        model.kelas_min, model.kelas_maks, model.sumber, model.belum_dikonfirmasi,
    )  # fmt: skip


def _version(v: schema.VersionModel) -> JpdVersionRef:
    return JpdVersionRef(
        valid_from=v.berlaku_dari,
        valid_until=v.berlaku_sampai,
        legal_basis=tuple(v.dasar_hukum),
        penerima=v.penerima,
        sasaran_rule=v.penetapan_sasaran,
        indicator=Indicator(
            v.indikator.nama, v.indikator.pembilang, v.indikator.penyebut, v.indikator.metode
        ),
        eligibility=_eligibility(v.kelayakan),
        mutu=tuple(
            MutuItemRef(m.kode, m.jenis, m.nama, m.satuan, _need(m.kebutuhan), m.catatan)
            for m in v.mutu
        ),
        unconfirmed=v.belum_dikonfirmasi,
        note=v.catatan,
        carried_over=tuple(v.dibawa_tanpa_perubahan),
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
    raw = _load_yaml(path, reader)
    doc = reader.validate(schema.JpdFile, raw, path.name)
    if doc is None:
        return []
    if doc.urusan not in urusan:
        reader.error(path.name, f"urusan '{doc.urusan}' tidak ada di urusan.yaml")
        return []
    sub_codes = {s.code for s in urusan[doc.urusan].sub_urusan}
    result: list[JpdRef] = []
    for data in doc.jpd:
        where = f"{path.name}: {data.kode}"
        match = JPD_CODE.match(data.kode)
        if not match:
            reader.error(where, f"kode JPD '{data.kode}' tidak sah (contoh: 1.02.K01)")
            continue
        if match.group(1) != doc.urusan:
            reader.error(where, f"kode JPD bukan milik urusan {doc.urusan}")
        if LEVELS[match.group(2)] != data.tingkat:
            reader.error(
                where,
                f"tingkat '{data.tingkat}' tidak cocok dengan huruf {match.group(2)} pada kode",
            )
        if sub_codes and data.sub_urusan not in sub_codes:
            reader.error(where, f"sub_urusan harus salah satu dari {', '.join(sorted(sub_codes))}")
        if not sub_codes and data.sub_urusan is not None:
            reader.error(where, "urusan ini tidak memiliki sub_urusan")
        versions = sorted((_version(v) for v in data.versi), key=lambda v: v.valid_from)
        for before, after in itertools.pairwise(versions):
            if before.valid_until is None or after.valid_from != before.valid_until + 1:
                reader.error(
                    where, f"versi {before.valid_from} dan {after.valid_from} tidak bersambung"
                )
            for part in after.carried_over:
                if _part(before, part) != _part(after, part):
                    reader.error(
                        f"{where}.versi {after.valid_from}",
                        f"'{part}' dinyatakan dibawa tanpa perubahan dari versi "
                        f"{before.valid_from}, tetapi berbeda",
                    )
        if versions[0].carried_over:
            reader.error(where, "versi pertama tidak dapat membawa bagian dari versi sebelumnya")
        if versions[0].valid_from != FIRST_YEAR:
            reader.error(where, f"versi pertama harus berlaku mulai {FIRST_YEAR}")
        if versions[-1].valid_until is not None:
            reader.error(where, "versi terakhir harus masih berlaku (berlaku_sampai: null)")
        result.append(
            JpdRef(
                code=data.kode,
                urusan=doc.urusan,
                level=data.tingkat,
                number=int(match.group(3)),
                name=data.nama,
                sub_urusan=data.sub_urusan,
                pengampu=data.pengampu,
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


def _bands(table: schema.BandTableModel) -> tuple[Band, ...]:
    return tuple(Band(b.kode, b.nama, Fraction(b.minimal)) for b in table.pita)


def _read_method(path: Path, raw: dict[str, Any], reader: _Reader) -> MethodRef | None:
    doc = reader.validate(schema.MethodFile, raw, path.name)
    if doc is None:
        return None
    shown = doc.tampilan
    try:
        method = Method(
            code=doc.kode,
            name=doc.nama,
            weight_penerima=Fraction(doc.bobot.penerima),
            weight_mutu=Fraction(doc.bobot.mutu),
            bands=_bands(doc.kategori),
            aggregation_urusan=doc.agregasi.urusan,
            aggregation_daerah=doc.agregasi.daerah,
            aggregation_mutu=doc.agregasi_mutu.cara,
            precision=tuple(  # type: ignore[arg-type]
                Precision(p.desimal, p.pembulatan) for p in (shown.jpd, shown.urusan, shown.daerah)
            ),
            urusan_bands=tuple(
                (code, _bands(table)) for code, table in doc.kategori.per_urusan.items()
            ),
        )
    except ValueError as exc:
        reader.error(path.name, str(exc))
        return None
    if path.stem != doc.kode:
        reader.error(path.name, f"nama berkas harus {doc.kode}.yaml")
    sections: dict[str, schema.Cited] = {
        "bobot": doc.bobot,
        "agregasi": doc.agregasi,
        "agregasi_mutu": doc.agregasi_mutu,
        "kategori": doc.kategori,
        **{f"kategori.{code}": table for code, table in doc.kategori.per_urusan.items()},
        "tampilan": doc.tampilan,
    }
    return MethodRef(
        method=method,
        valid_from=doc.berlaku_dari,
        valid_until=doc.berlaku_sampai,
        sources={k: v.sumber for k, v in sections.items()},
        unconfirmed={k: v.belum_dikonfirmasi for k, v in sections.items()},
        base=doc.turunan_dari,
        description=doc.keterangan,
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
