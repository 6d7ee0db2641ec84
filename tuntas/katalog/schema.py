"""The declared shape of the catalog's data files (pydantic models) and the translation of what
pydantic finds into Indonesian messages that name the file and the key.

Only the shape of each file is here: keys, types, choices, and the rules within one mapping (a
quantity where the basis needs one, a note where a version is unconfirmed). Rules across entries
and files (codes, numbering, contiguous versions, carried-over parts, method variants) are in
``reference.py``, which builds the catalog from these models. Format: docs/KATALOG-FORMAT.md.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

VersionPart = Literal["penerima", "penetapan_sasaran", "indikator", "kelayakan", "mutu"]


def _text(value: Any) -> Any:
    """Text with its white space folded (``"a\\n  b"`` → ``"a b"``); empty text is refused."""
    if not isinstance(value, str):
        raise PydanticCustomError("teks", "harus teks yang tidak kosong")
    folded = " ".join(value.split())
    if not folded:
        raise PydanticCustomError("teks", "harus teks yang tidak kosong")
    return folded


def _decimal(value: Any) -> Decimal:
    """A non-negative decimal written as a quoted string (or a whole number)."""
    try:
        number = (
            Decimal(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
        )
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise PydanticCustomError(
            "desimal", "harus bilangan desimal tidak negatif dalam tanda kutip"
        )
    return number


Text = Annotated[str, BeforeValidator(_text)]
DecimalText = Annotated[Decimal, BeforeValidator(_decimal)]


class Model(BaseModel):
    """Unknown keys are errors; no silent coercion of one type into another."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- urusan.yaml ------------------------------------------------------------------------------


class SubUrusanModel(Model):
    kode: Text
    nama: Text


class UrusanModel(Model):
    kode: Text
    nama: Text
    sub_urusan: list[SubUrusanModel] | None = None


class UrusanFile(Model):
    urusan: list[UrusanModel]


# --- jpd/<kode>-<slug>.yaml -------------------------------------------------------------------


class NeedModel(Model):
    dasar: Literal["penerima", "unit_layanan", "tetap", "sesuai_kebutuhan"]
    jumlah: DecimalText | None = None
    unit: Text | None = None
    keterangan: Text | None = None
    sumber: Text | None = None

    @model_validator(mode="after")
    def _quantity_where_needed(self) -> NeedModel:
        if self.dasar == "sesuai_kebutuhan" and self.jumlah is not None:
            raise PydanticCustomError(
                "aturan", "'jumlah' tidak dipakai bila dasar sesuai_kebutuhan"
            )
        if self.dasar != "sesuai_kebutuhan" and self.jumlah is None:
            raise PydanticCustomError(
                "aturan", "'jumlah' harus bilangan desimal tidak negatif dalam tanda kutip"
            )
        if self.dasar == "unit_layanan" and self.unit is None:
            raise PydanticCustomError("aturan", "'unit' harus teks yang tidak kosong")
        return self


class MutuModel(Model):
    kode: Text
    jenis: Literal["barang_jasa", "sdm"]
    nama: Text
    satuan: Text | None = None
    kebutuhan: NeedModel | None = None
    catatan: Text | None = None

    @model_validator(mode="after")
    def _code_of_its_kind(self) -> MutuModel:
        prefix = {"barang_jasa": "B", "sdm": "S"}[self.jenis]
        if not re.fullmatch(rf"{prefix}\d{{2}}", self.kode):
            raise PydanticCustomError(
                "aturan",
                "kode mutu '{kode}' harus {prefix}nn untuk jenis {jenis}",
                {"kode": self.kode, "prefix": prefix, "jenis": self.jenis},
            )
        return self


class IndicatorModel(Model):
    nama: Text
    pembilang: Text
    penyebut: Text
    metode: Literal["rasio", "rata_rata_tahap"] = "rasio"


class EligibilityModel(Model):
    usia_min: StrictInt | None = None
    usia_maks: StrictInt | None = None
    satuan_usia: Literal["tahun", "bulan", "hari"] = "tahun"
    acuan_usia: Literal["akhir_tahun", "dalam_tahun"] | None = None
    jenis_kelamin: Literal["L", "P"] | None = None
    kelas_min: StrictInt | None = None
    kelas_maks: StrictInt | None = None
    sumber: Text | None = None
    belum_dikonfirmasi: StrictBool = False

    @model_validator(mode="after")
    def _ranges(self) -> EligibilityModel:
        ages = (self.usia_min, self.usia_maks)
        if ages[0] is not None and ages[1] is not None and ages[1] < ages[0]:
            raise PydanticCustomError("aturan", "usia_maks lebih kecil dari usia_min")
        grades = (self.kelas_min, self.kelas_maks)
        if (grades[0] is None) != (grades[1] is None) or (
            grades[0] is not None
            and grades[1] is not None
            and not 1 <= grades[0] <= grades[1] <= 12
        ):
            raise PydanticCustomError(
                "aturan", "kelas_min dan kelas_maks diisi berdua, 1 ≤ kelas_min ≤ kelas_maks ≤ 12"
            )
        if self.belum_dikonfirmasi and self.sumber is None:
            raise PydanticCustomError(
                "aturan", "kelayakan yang belum dikonfirmasi harus punya 'sumber'"
            )
        return self

    @property
    def age_at(self) -> str:
        return self.acuan_usia or ("akhir_tahun" if self.satuan_usia == "tahun" else "dalam_tahun")


class VersionModel(Model):
    berlaku_dari: StrictInt
    berlaku_sampai: StrictInt | None
    dasar_hukum: Annotated[list[Text], Field(min_length=1)]
    penerima: Text
    penetapan_sasaran: Text
    indikator: IndicatorModel
    kelayakan: EligibilityModel | None = None
    mutu: list[MutuModel]
    dibawa_tanpa_perubahan: list[VersionPart] = []
    belum_dikonfirmasi: StrictBool = False
    catatan: Text | None = None

    @model_validator(mode="after")
    def _rules(self) -> VersionModel:
        if self.berlaku_sampai is not None and self.berlaku_sampai < self.berlaku_dari:
            raise PydanticCustomError("aturan", "berlaku_sampai sebelum berlaku_dari")
        if self.belum_dikonfirmasi and self.catatan is None:
            raise PydanticCustomError(
                "aturan", "versi yang belum dikonfirmasi harus punya 'catatan' yang menjelaskannya"
            )
        codes = [m.kode for m in self.mutu]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise PydanticCustomError(
                "aturan", "kode mutu '{kode}' ganda dalam versi ini", {"kode": repeated[0]}
            )
        return self


class JpdModel(Model):
    kode: Text
    tingkat: Literal["provinsi", "kabkota"]
    nama: Text
    sub_urusan: Text | None = None
    pengampu: Text
    versi: Annotated[list[VersionModel], Field(min_length=1)]


class JpdFile(Model):
    urusan: Text
    jpd: list[JpdModel]


# --- metode/<kode>.yaml (a variant already merged over its base) -------------------------------


class Cited(Model):
    sumber: Text
    belum_dikonfirmasi: StrictBool = False


class WeightsModel(Cited):
    penerima: DecimalText
    mutu: DecimalText


class AggregationModel(Cited):
    urusan: Literal["mean"]
    daerah: Literal["mean"]


class MutuAggregationModel(Cited):
    cara: Literal["rasio_jumlah", "rata_rata_item"]


class BandModel(Model):
    kode: Text
    nama: Text
    minimal: DecimalText


class BandTableModel(Cited):
    pita: Annotated[list[BandModel], Field(min_length=1)]


class CategoriesModel(BandTableModel):
    per_urusan: dict[Annotated[str, Field(pattern=r"^1\.0[1-6]$")], BandTableModel] = {}


class PrecisionModel(Model):
    desimal: Annotated[StrictInt, Field(ge=0, le=4)]
    pembulatan: Literal["potong", "setengah_ke_atas"]


class DisplayModel(Cited):
    jpd: PrecisionModel
    urusan: PrecisionModel
    daerah: PrecisionModel


class MethodFile(Model):
    kode: Text
    nama: Text
    keterangan: Text | None = None
    turunan_dari: Text | None = None
    berlaku_dari: StrictInt
    berlaku_sampai: StrictInt | None = None
    bobot: WeightsModel
    agregasi: AggregationModel
    agregasi_mutu: MutuAggregationModel
    kategori: CategoriesModel
    tampilan: DisplayModel


# --- messages ---------------------------------------------------------------------------------

_NAMES = {"jpd": "kode", "versi": "berlaku_dari", "urusan": "kode", "mutu": "kode"}


def _where(file_name: str, loc: tuple[Any, ...], raw: Any) -> str:
    """``1.02-kesehatan.yaml: 1.02.K01.versi[0].mutu[2]``: list entries named by their code
    where the raw data has one."""
    parts: list[str] = []
    node = raw
    for i, key in enumerate(loc):
        if isinstance(key, int):
            parent = loc[i - 1] if i else ""
            name = node[key].get(_NAMES.get(str(parent), "")) if _indexable(node, key) else None
            if parent == "jpd" and isinstance(name, str):
                parts[-1:] = [name]  # "jpd[0]" → "1.02.K01"
            else:
                parts[-1] = f"{parts[-1]}[{key}]" if parts else f"[{key}]"
        else:
            parts.append(str(key))
        node = node[key] if _indexable(node, key) else None
    return f"{file_name}: {'.'.join(parts)}" if parts else file_name


def _indexable(node: Any, key: Any) -> bool:
    if isinstance(node, dict):
        return key in node
    return isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)


def messages(file_name: str, error: ValidationError, raw: Any) -> list[str]:
    """Every problem pydantic found, in Indonesian, with its place."""
    found = []
    for e in error.errors(include_url=False):
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and "[" in p))
        kind = e["type"]
        last: Any = loc[-1] if loc else ""
        if isinstance(last, int) and len(loc) >= 2:  # an entry of a list: "key[2]"
            last = f"{loc[-2]}[{last}]"
            loc = (*loc[:-2], last)
        if kind == "missing":
            found.append(f"{_where(file_name, loc[:-1], raw)}: kunci wajib '{last}' tidak ada")
        elif kind == "extra_forbidden":
            found.append(f"{_where(file_name, loc[:-1], raw)}: kunci tidak dikenal '{last}'")
        elif kind == "literal_error":
            expected = str(e.get("ctx", {}).get("expected", "")).replace(" or ", " atau ")
            found.append(
                f"{_where(file_name, loc[:-1], raw)}: '{last}' harus salah satu dari {expected}; "
                f"ditemukan {e['input']!r}"
            )
        elif kind in ("teks", "desimal"):
            found.append(f"{_where(file_name, loc[:-1], raw)}: '{last}' {e['msg']}")
        elif kind in ("int_type", "int_parsing"):
            found.append(f"{_where(file_name, loc[:-1], raw)}: '{last}' harus bilangan bulat")
        elif kind == "bool_type":
            found.append(f"{_where(file_name, loc[:-1], raw)}: '{last}' harus true/false")
        elif kind in ("list_type", "too_short"):
            found.append(
                f"{_where(file_name, loc[:-1], raw)}: '{last}' harus daftar yang tidak kosong"
            )
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            found.append(f"{_where(file_name, loc, raw)}: harus berupa pemetaan (kunci: nilai)")
        elif kind in ("less_than_equal", "greater_than_equal"):
            found.append(f"{_where(file_name, loc[:-1], raw)}: '{last}' harus 0–4")
        elif kind == "string_pattern_mismatch":
            found.append(f"{_where(file_name, loc, raw)}: kode urusan tidak sah (1.01–1.06)")
        else:  # our own rules (aturan) and anything else: pydantic's message as written
            found.append(f"{_where(file_name, loc, raw)}: {e['msg']}")
    return found
