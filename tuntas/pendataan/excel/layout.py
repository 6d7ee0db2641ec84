"""Layout of the quarter's workbook: its columns, sheets and metadata names, the values a JPD
holds, and the plan of what a user may edit (no file is touched here)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from tuntas.akun.scope import Scope
from tuntas.core.errors import DomainError
from tuntas.core.formatting import waktu
from tuntas.core.safe_write import TitleBlock
from tuntas.katalog.models import MutuItem
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.models import MutuEntry, QuarterEntry
from tuntas.pendataan.selectors import entry_rows
from tuntas.pendataan.services import (
    mutu_items_for,
)

FORMAT_MARK = "tuntas-isian-spm"
LAYOUT_VERSION = "1"
GUIDE_SHEET = "Petunjuk"
META_SHEET = "_tuntas"
TITLE_ROW, NOTE_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2, 3  # 0-based (Excel rows 1–4)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_META_CHUNK = 30_000  # a cell holds at most 32,767 characters
_SIGN_SALT = "tuntas.pendataan.excel"
_SHEET_NAME_FORBIDDEN = set("[]:*?/\\")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # "key", "info", "count", "money", "text"
    input_on: str  # "" (never), "jpd" (the JPD's row) or "mutu" (a mutu item's row)
    width: int


# The headers (like the sheet names and the metadata keys) are deliberately NOT translated: a
# returned workbook is checked against them, so the layout must not depend on the language.
COLUMNS: tuple[Column, ...] = (
    Column("kode_jpd", "Kode JPD", "key", "", 11),
    Column("kode_mutu", "Kode mutu", "key", "", 9),
    Column("uraian", "Uraian", "info", "", 55),
    Column("pengampu", "Pengampu / satuan", "info", "", 24),
    Column("sasaran", "Sasaran tahunan", "info", "", 13),
    Column("terlayani", "Terlayani kumulatif", "count", "jpd", 13),
    Column("dibutuhkan", "Mutu dibutuhkan", "count", "mutu", 12),
    Column("tersedia", "Mutu tersedia", "count", "mutu", 12),
    Column("pagu", "Pagu anggaran", "money", "jpd", 17),
    Column("realisasi", "Realisasi anggaran", "money", "jpd", 17),
    Column("permasalahan", "Permasalahan", "text", "jpd", 40),
    Column("solusi", "Solusi", "text", "jpd", 40),
    Column("penjelasan", "Penjelasan bila melebihi sasaran", "text", "jpd", 40),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
HEADERS = tuple(c.header for c in COLUMNS)
JPD_INPUTS = tuple(c.key for c in COLUMNS if c.input_on == "jpd")
MUTU_INPUTS = tuple(c.key for c in COLUMNS if c.input_on == "mutu")


def column_letter(index: int) -> str:
    """0 → ``A``, 25 → ``Z``, 26 → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class WorkbookRefused(DomainError):
    """The file cannot be used at all (not a workbook, another region's or quarter's, a changed
    layout); ``details`` lists what was found, in the active language."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.details = list(details)


class UploadAlreadyApplied(DomainError):
    pass


class UploadHasErrors(DomainError):
    pass


# --------------------------------------------------------------------------- values


def _norm_text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _money_key(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


@dataclass(frozen=True)
class JpdValues:
    """What a user edits for one JPD; ``mutu`` maps a mutu item code to (dibutuhkan, tersedia)."""

    terlayani: int | None = None
    pagu: Decimal | None = None
    realisasi: Decimal | None = None
    permasalahan: str = ""
    solusi: str = ""
    penjelasan: str = ""
    mutu: Mapping[str, tuple[int | None, int | None]] = field(default_factory=dict)

    def fingerprint(self) -> str:
        canonical = {
            "terlayani": self.terlayani,
            "pagu": _money_key(self.pagu),
            "realisasi": _money_key(self.realisasi),
            "permasalahan": _norm_text(self.permasalahan),
            "solusi": _norm_text(self.solusi),
            "penjelasan": _norm_text(self.penjelasan),
            "mutu": sorted([code, d, t] for code, (d, t) in self.mutu.items()),
        }
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def get(self, key: str, item: str = "") -> Any:
        if item:
            needed, available = self.mutu.get(item, (None, None))
            return needed if key == "dibutuhkan" else available
        return getattr(self, key)


def stored_values(
    entry: QuarterEntry | None, mutu: Mapping[int, MutuEntry], items: Sequence[MutuItem]
) -> JpdValues:
    if entry is None:
        return JpdValues(mutu={i.code: (None, None) for i in items})
    return JpdValues(
        terlayani=entry.terlayani,
        pagu=entry.pagu,
        realisasi=entry.realisasi,
        permasalahan=entry.permasalahan,
        solusi=entry.solusi,
        penjelasan=entry.over_target_reason,
        mutu={
            i.code: ((mutu[i.pk].dibutuhkan, mutu[i.pk].tersedia) if i.pk in mutu else (None, None))
            for i in items
        },
    )


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class MutuLine:
    code: str
    name: str
    unit: str


@dataclass(frozen=True)
class JpdLine:
    code: str
    name: str
    pengampu: str
    sasaran: int | None
    version: int
    items: tuple[MutuLine, ...]
    values: JpdValues

    def row_keys(self) -> list[tuple[str, str]]:
        return [(self.code, "")] + [(self.code, i.code) for i in self.items]


@dataclass(frozen=True)
class SheetPlan:
    name: str
    urusan_code: str
    urusan_name: str
    jpd: tuple[JpdLine, ...]

    def row_keys(self) -> list[tuple[str, str]]:
        return [key for line in self.jpd for key in line.row_keys()]


@dataclass(frozen=True)
class WorkbookPlan:
    pemda_code: str
    pemda_name: str
    year: int
    quarter: int
    sheets: tuple[SheetPlan, ...]
    created_at: str  # ISO 8601 in the pemda's zone (metadata)
    created_by: str
    heading: TitleBlock  # what, pemda, period, made at (WIB/WITA/WIT), DATA CONTOH for demo

    @property
    def file_name(self) -> str:
        return f"isian-spm-{self.pemda_code}-{self.year}-TW{self.quarter}.xlsx"

    def metadata(self) -> dict[str, Any]:
        return {
            "format": FORMAT_MARK,
            "layout": LAYOUT_VERSION,
            "pemda": self.pemda_code,
            "tahun": self.year,
            "triwulan": self.quarter,
            "headers": list(HEADERS),
            "sheets": [
                {"name": s.name, "urusan": s.urusan_code, "rows": [list(k) for k in s.row_keys()]}
                for s in self.sheets
            ],
            "jpd": {
                line.code: {"versi": line.version, "sidik": line.values.fingerprint()}
                for s in self.sheets
                for line in s.jpd
            },
            "dibuat": self.created_at,
            "oleh": self.created_by,
        }


def sheet_name(urusan_code: str, urusan_name: str) -> str:
    """``1.02 Kesehatan``; cut at a word boundary to Excel's 31 characters."""
    clean = "".join(ch for ch in urusan_name if ch not in _SHEET_NAME_FORBIDDEN)
    name = f"{urusan_code} {clean}".strip()
    if len(name) > 31:
        name = name[:31].rsplit(" ", 1)[0]
    return name.rstrip(" ,.;-'")


def workbook_plan(
    *, pemda: Pemda, year: int, quarter: int, scope: Scope, user: User | None = None
) -> WorkbookPlan:
    """The JPD ``scope`` may write in ``pemda``, grouped by urusan, with their current values."""
    rows = [r for r in entry_rows(pemda, year, quarter) if scope.can_write_jpd(pemda, r.opd_id)]
    entry_ids = [r.entry.pk for r in rows if r.entry is not None]
    mutu_by_entry: dict[int, dict[int, MutuEntry]] = {}
    for m in MutuEntry.objects.filter(entry_id__in=entry_ids):
        mutu_by_entry.setdefault(m.entry_id, {})[m.item_id] = m
    by_urusan: dict[str, list[JpdLine]] = {}
    urusan_names: dict[str, str] = {}
    for row in rows:
        items = mutu_items_for(jpd=row.jpd, year=year)
        stored = mutu_by_entry.get(row.entry.pk, {}) if row.entry else {}
        line = JpdLine(
            code=row.jpd.code,
            name=row.jpd.name,
            pengampu=row.opd_name,
            sasaran=row.sasaran,
            version=row.entry.version if row.entry else 0,
            items=tuple(MutuLine(i.code, i.name, i.unit) for i in items),
            values=stored_values(row.entry, stored, items),
        )
        by_urusan.setdefault(row.jpd.urusan_id, []).append(line)
        urusan_names[row.jpd.urusan_id] = row.jpd.urusan.name
    sheets = tuple(
        SheetPlan(sheet_name(code, urusan_names[code]), code, urusan_names[code], tuple(lines))
        for code, lines in sorted(by_urusan.items())
    )
    now, zone = timezone.now(), pemda.zona.info
    return WorkbookPlan(
        pemda_code=pemda.code,
        pemda_name=pemda.name,
        year=year,
        quarter=quarter,
        sheets=sheets,
        created_at=now.astimezone(zone).isoformat(timespec="seconds"),
        created_by=user.get_username() if user is not None else "",
        heading=TitleBlock(
            title=gettext("Isian SPM triwulan %(quarter)s tahun %(year)s — %(pemda)s")
            % {"quarter": quarter, "year": year, "pemda": pemda.name},
            pemda=pemda.name,
            period=f"TW{quarter} {year}",
            made=waktu(now, zone),
            demo=pemda.is_demo,
        ),
    )


def sign(payload: str) -> str:
    return salted_hmac(_SIGN_SALT, payload, algorithm="sha256").hexdigest()
