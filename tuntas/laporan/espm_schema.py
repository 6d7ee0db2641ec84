"""The declared shape of the e-SPM layout file (``data/espm_layout.yaml``) and its validating
reader.

The ministry publishes no schema for e-SPM's input, so the layout of the e-SPM-ready workbook is
data: which sheets, in which order, with which title rows and columns, each column reading one
value of the report (:func:`tuntas.laporan.document.report_data`) through a *path* from a small
closed vocabulary (:data:`PATHS`). A sheet's rows come from one *row source* (:data:`ROW_SOURCES`):
one row per JPD, per mutu item, per JPD with its sub-kegiatan lines, per stage × JPD, or per
action of the action plan. Each path reads one object of the row (its *scope*); a sheet may only
use paths whose scope its row source has.

Loading refuses, in Indonesian and naming the file, the sheet and the column: an unknown key, an
unknown path, a path its row source cannot fill, a duplicate column, a duplicate or missing sheet,
an unusable sheet name, an unknown placeholder in a title row.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from tuntas.core.errors import DomainError

LAYOUT_FILE = Path(__file__).resolve().parent / "data" / "espm_layout.yaml"

# --- the vocabulary ---------------------------------------------------------------------------

Kind = Literal["teks", "angka", "bilangan", "rupiah", "persen", "tanggal"]
"""How a value is written: text; a plain whole number (no thousands separator: a number, a year);
a count; whole Rupiah; a percentage (0–100); a date."""


@dataclass(frozen=True)
class PathSpec:
    scope: str  # the object of the row the value is read from (see ROW_SOURCES)
    kind: str  # Kind
    keterangan: str


def _paths(scope: str, kind: str, *names: tuple[str, str]) -> dict[str, PathSpec]:
    return {name: PathSpec(scope, kind, text) for name, text in names}


PATHS: dict[str, PathSpec] = {
    # every row: its number in the sheet, the pemda and the period
    **_paths("umum", "angka", ("nomor", "nomor urut baris dalam lembar")),
    **_paths("umum", "teks", ("pemda.kode", "kode wilayah pemda"), ("pemda.nama", "nama pemda")),
    **_paths("umum", "angka", ("periode.tahun", "tahun"), ("periode.triwulan", "triwulan (1–4)")),
    # which JPD (filled in every row that belongs to a JPD, sub-kegiatan lines included)
    **_paths(
        "jpd_id",
        "teks",
        ("urusan.kode", "kode urusan"),
        ("urusan.nama", "nama urusan"),
        ("jpd.kode", "kode JPD (katalog Tuntas)"),
        ("jpd.nama", "nama jenis pelayanan dasar"),
        ("jpd.opd", "perangkat daerah pengampu"),
    ),
    # the JPD's figures of the period
    **_paths(
        "jpd",
        "teks",
        ("jpd.status_nama", "status verifikasi JPD pada triwulan"),
        ("jpd.kategori", "kategori capaian JPD (nama dari metode)"),
        ("jpd.penerima.uraian", "uraian penerima"),
        ("jpd.penerima.satuan", "satuan penerima"),
        ("jpd.permasalahan", "permasalahan"),
        ("jpd.solusi", "solusi / upaya"),
    ),
    **_paths(
        "jpd",
        "persen",
        ("jpd.nilai", "nilai capaian JPD"),
        ("jpd.capaian_penerima", "capaian penerima (%)"),
        ("jpd.capaian_mutu", "capaian mutu (%)"),
        ("jpd.penerima.persen", "persentase penerima terlayani"),
        ("jpd.anggaran.persen", "persentase realisasi anggaran"),
    ),
    **_paths(
        "jpd",
        "bilangan",
        ("jpd.penerima.sasaran", "jumlah yang harus dilayani (sasaran tahunan)"),
        ("jpd.penerima.terlayani", "terlayani sampai akhir triwulan"),
        ("jpd.penerima.belum", "belum terlayani"),
        *((f"jpd.penerima.terlayani_tw{q}", f"terlayani kumulatif TW{q}") for q in range(1, 5)),
    ),
    **_paths(
        "jpd",
        "rupiah",
        ("jpd.anggaran.alokasi", "alokasi anggaran (pagu)"),
        ("jpd.anggaran.realisasi", "realisasi anggaran sampai akhir triwulan"),
        ("jpd.anggaran.selisih", "selisih alokasi dan realisasi"),
        *((f"jpd.anggaran.realisasi_tw{q}", f"realisasi kumulatif TW{q}") for q in range(1, 5)),
        ("jpd.biaya_kebutuhan", "biaya kekurangan kebutuhan"),
    ),
    # one mutu item of a JPD
    **_paths(
        "mutu",
        "teks",
        ("mutu.kode", "kode item mutu (katalog Tuntas)"),
        ("mutu.uraian", "uraian item mutu"),
        ("mutu.satuan", "satuan item mutu"),
        ("mutu.jenis", "jenis: barang/jasa atau SDM"),
    ),
    **_paths(
        "mutu",
        "bilangan",
        ("mutu.dibutuhkan", "jumlah dibutuhkan"),
        ("mutu.tersedia", "jumlah tersedia"),
        ("mutu.belum", "kekurangan"),
    ),
    **_paths("mutu", "persen", ("mutu.persen", "persentase terpenuhi")),
    # one budget line (sub-kegiatan) of a JPD
    **_paths(
        "sub",
        "teks",
        ("sub.kode", "kode sub-kegiatan"),
        ("sub.nama", "nama sub-kegiatan"),
        ("sub.opd", "perangkat daerah pelaksana"),
        ("sub.sumber", "sumber dana"),
    ),
    **_paths(
        "sub",
        "rupiah",
        ("sub.pagu", "pagu sub-kegiatan"),
        ("sub.realisasi", "realisasi sampai akhir triwulan"),
    ),
    # one of the four stages of a JPD
    **_paths("tahap", "angka", ("tahap.nomor", "nomor tahap (1–4)")),
    **_paths(
        "tahap",
        "teks",
        ("tahap.nama", "nama tahap"),
        ("tahap.status", "status: selesai, sebagian, belum"),
        ("tahap.status_nama", "nama status"),
        ("tahap.keterangan", "alasan status"),
    ),
    # one action of the year's action plan
    **_paths("aksi", "angka", ("aksi.nomor", "nomor kegiatan")),
    **_paths(
        "aksi",
        "teks",
        ("aksi.kegiatan", "kegiatan"),
        ("aksi.opd", "perangkat daerah"),
        ("aksi.jpd", "JPD"),
        ("aksi.indikator", "indikator"),
        ("aksi.status", "status"),
    ),
    **_paths(
        "aksi", "tanggal", ("aksi.mulai", "tanggal mulai"), ("aksi.selesai", "tanggal selesai")
    ),
}

RowSource = Literal["jpd", "mutu", "anggaran", "tahapan", "aksi"]
ROW_SOURCES: dict[str, frozenset[str]] = {
    # one row per JPD of the pemda's level
    "jpd": frozenset({"umum", "jpd_id", "jpd"}),
    # one row per mutu item of each JPD
    "mutu": frozenset({"umum", "jpd_id", "jpd", "mutu"}),
    # per JPD: its row (the JPD's figures), then one row per sub-kegiatan line (the line's own)
    "anggaran": frozenset({"umum", "jpd_id", "jpd", "sub"}),
    # one row per stage (1–4) of each JPD
    "tahapan": frozenset({"umum", "jpd_id", "jpd", "tahap"}),
    # one row per action of the year's action plan
    "aksi": frozenset({"umum", "aksi"}),
}

SheetKey = Literal[
    "capaian_penerima",
    "capaian_mutu",
    "penganggaran",
    "permasalahan",
    "tahapan",
    "rencana_aksi",
]
SHEET_KEYS: tuple[str, ...] = SheetKey.__args__  # type: ignore[attr-defined]
"""The five records of e-SPM (capaian as two sheets): every layout has each once."""

PLACEHOLDERS = frozenset({"pemda", "periode", "tahun", "triwulan"})
_SHEET_NAME_FORBIDDEN = set("[]:*?/\\")


# --- the shape ----------------------------------------------------------------------------------


def _text(value: Any) -> Any:
    if not isinstance(value, str):
        raise PydanticCustomError("teks", "harus teks yang tidak kosong")
    folded = " ".join(value.split())
    if not folded:
        raise PydanticCustomError("teks", "harus teks yang tidak kosong")
    return folded


def _path(value: Any) -> Any:
    if not isinstance(value, str) or value.strip() not in PATHS:
        raise _rule(f"isi '{value}' tidak dikenal (lihat daftar isi di espm_schema.PATHS)")
    return value.strip()


def _rule(message: str) -> PydanticCustomError:
    """An error whose message is final text (no placeholders filled by pydantic)."""
    return PydanticCustomError("aturan", message)  # no context: the text is kept as written


Text = Annotated[str, BeforeValidator(_text)]
PathName = Annotated[str, BeforeValidator(_path)]


class Model(BaseModel):
    """Unknown keys are errors; no silent coercion of one type into another."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ColumnModel(Model):
    judul: Text
    isi: PathName
    lebar: Annotated[StrictInt, Field(ge=1, le=100)] = 14

    @property
    def kind(self) -> str:
        return PATHS[self.isi].kind

    @property
    def scope(self) -> str:
        return PATHS[self.isi].scope


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}
    except ValueError:
        return {"{"}


class SheetModel(Model):
    kunci: SheetKey
    nama: Text
    judul: list[Text] = []
    baris: RowSource
    kolom: Annotated[list[ColumnModel], Field(min_length=1)]

    @model_validator(mode="after")
    def _rules(self) -> SheetModel:
        if len(self.nama) > 31 or _SHEET_NAME_FORBIDDEN & set(self.nama) or "'" in self.nama[:1]:
            raise _rule(
                "nama lembar paling panjang 31 karakter, tanpa [ ] : * ? / \\ dan tanpa ' di awal"
            )
        for line in self.judul:
            unknown = _placeholders(line) - PLACEHOLDERS
            if unknown:
                known = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
                raise _rule(
                    f"baris judul '{line}': penanda {{{sorted(unknown)[0]}}} tidak dikenal "
                    f"(yang dikenal: {known})"
                )
        seen_titles: set[str] = set()
        seen_paths: set[str] = set()
        allowed = ROW_SOURCES[self.baris]
        for col in self.kolom:
            key = col.judul.casefold()
            if key in seen_titles:
                raise _rule(f"kolom '{col.judul}': judul kolom ganda")
            if col.isi in seen_paths:
                raise _rule(f"kolom '{col.judul}': isi '{col.isi}' sudah dipakai kolom lain")
            if col.scope not in allowed:
                raise _rule(
                    f"kolom '{col.judul}': isi '{col.isi}' tidak tersedia untuk baris "
                    f"'{self.baris}'"
                )
            seen_titles.add(key)
            seen_paths.add(col.isi)
        return self


class LayoutFile(Model):
    versi: Annotated[StrictInt, Field(ge=1)]
    berlaku_dari: dt.date
    sumber: Text
    lembar: Annotated[list[SheetModel], Field(min_length=1)]

    @model_validator(mode="after")
    def _every_sheet_once(self) -> LayoutFile:
        keys = [s.kunci for s in self.lembar]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise _rule(f"lembar '{repeated[0]}' ganda")
        names = [s.nama.casefold() for s in self.lembar]
        twice = next((s.nama for s in self.lembar if names.count(s.nama.casefold()) > 1), None)
        if twice:
            raise _rule(f"nama lembar '{twice}' dipakai dua kali")
        missing = [k for k in SHEET_KEYS if k not in keys]
        if missing:
            raise _rule(
                f"lembar '{missing[0]}' tidak ada (setiap tata letak memuat: "
                f"{', '.join(SHEET_KEYS)})"
            )
        return self

    def sheet(self, key: str) -> SheetModel:
        return next(s for s in self.lembar if s.kunci == key)


# --- messages -----------------------------------------------------------------------------------


class EspmLayoutError(DomainError):
    """The layout file cannot be used; ``errors`` lists every problem with its place."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def _entry(raw: Any, key: str, index: int) -> Any:
    items = raw.get(key) if isinstance(raw, dict) else None
    if isinstance(items, list) and 0 <= index < len(items):
        return items[index]
    return None


def _where(file_name: str, loc: tuple[Any, ...], raw: Any) -> tuple[str, tuple[Any, ...]]:
    """``espm_layout.yaml: lembar 'Capaian Mutu', kolom 'Kode Mutu'`` and the rest of ``loc``:
    sheets named by their name (or key), columns by their header text, else by position."""
    parts = [file_name]
    rest = loc
    if len(rest) >= 2 and rest[0] == "lembar" and isinstance(rest[1], int):
        sheet = _entry(raw, "lembar", rest[1])
        name = sheet.get("nama") or sheet.get("kunci") if isinstance(sheet, dict) else None
        parts.append(f"lembar '{name}'" if isinstance(name, str) else f"lembar ke-{rest[1] + 1}")
        rest = rest[2:]
        if len(rest) >= 2 and rest[0] == "kolom" and isinstance(rest[1], int):
            col = _entry(sheet, "kolom", rest[1])
            title = col.get("judul") if isinstance(col, dict) else None
            parts.append(
                f"kolom '{title}'" if isinstance(title, str) else f"kolom ke-{rest[1] + 1}"
            )
            rest = rest[2:]
    return (parts[0] + (": " + ", ".join(parts[1:]) if len(parts) > 1 else "")), rest


def messages(file_name: str, error: ValidationError, raw: Any) -> list[str]:
    """Every problem pydantic found, in Indonesian, with the file, sheet and column."""
    found = []
    for e in error.errors(include_url=False):
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and "[" in p))
        kind = e["type"]
        where, rest = _where(file_name, loc, raw)
        key = ".".join(str(p) for p in rest)
        if kind == "missing":
            text = f"kunci wajib '{key}' tidak ada"
        elif kind == "extra_forbidden":
            text = f"kunci tidak dikenal '{key}'"
        elif kind == "literal_error":
            expected = str(e.get("ctx", {}).get("expected", "")).replace(" or ", " atau ")
            text = f"'{key}' harus salah satu dari {expected}; ditemukan {e['input']!r}"
        elif kind in ("int_type", "int_parsing"):
            text = f"'{key}' harus bilangan bulat"
        elif kind in ("greater_than_equal", "less_than_equal"):
            text = f"'{key}' di luar batas ({e['msg']})"
        elif kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
            text = f"'{key}' harus tanggal TTTT-BB-HH"
        elif kind in ("list_type", "too_short"):
            text = f"'{key}' harus daftar yang tidak kosong"
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            text = f"'{key}' harus berupa pemetaan (kunci: nilai)" if key else "harus pemetaan"
        elif kind == "teks":
            text = f"'{key}' {e['msg']}"
        else:  # our own rules (isi, aturan): the message as written
            text = e["msg"]
        found.append(f"{where}: {text}")
    return found


def layout_parse(raw: Any, file_name: str) -> LayoutFile:
    """Validate already-read data (a mapping) as a layout."""
    try:
        return LayoutFile.model_validate(raw)
    except ValidationError as exc:
        raise EspmLayoutError(messages(file_name, exc, raw)) from None


def layout_load(path: Path | None = None) -> LayoutFile:
    """Read and validate a layout file (the shipped one by default)."""
    path = path or LAYOUT_FILE
    try:
        with path.open(encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise EspmLayoutError([f"{path.name}: tidak dapat dibaca ({exc})"]) from None
    return layout_parse(raw, path.name)


def paths_for(source: str) -> Iterable[str]:
    """The paths a sheet of the given row source may use (for documentation and tests)."""
    return (p for p, spec in PATHS.items() if spec.scope in ROW_SOURCES[source])
