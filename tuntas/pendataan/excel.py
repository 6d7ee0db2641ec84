"""The quarter's Excel workbook: build it for what a user may edit (XlsxWriter), read an edited
copy back (python-calamine), turn it into a preview of every change and every error, and apply a
confirmed upload in one transaction.

Layout (documented for users in README.md, "Excel workbook layout"):

* a visible ``Petunjuk`` sheet (instructions), then one sheet per urusan with writable JPD, then
  the hidden, protected ``_tuntas`` metadata sheet;
* urusan sheets: a title in row 1, a note in row 2, the headers of :data:`COLUMNS` in row 3 and,
  from row 4, one row per JPD followed by one row per mutu item of its catalog version;
* the metadata (pemda, year, quarter, layout version, sheets and row keys, each JPD's entry
  version and a fingerprint of its values at download time) is JSON signed with an HMAC of
  ``SECRET_KEY``, so a changed layout or a forged header is detected.

Writes (``excel_upload_create``, ``excel_upload_apply``) follow the services convention and write
their audit rows; every entry is saved through :func:`tuntas.pendataan.services.entry_save`.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext, gettext_lazy

from tuntas.akun.scope import Scope
from tuntas.core.errors import DomainError
from tuntas.core.formatting import format_decimal_id, format_int_id
from tuntas.core.services import audit_event_create
from tuntas.core.tabular import ZIP_MAGIC, CountError, is_blank, parse_count
from tuntas.katalog.models import Jpd, MutuItem
from tuntas.organisasi.models import JpdAssignment, Pemda
from tuntas.pendataan.models import ExcelUpload, MutuEntry, QuarterEntry
from tuntas.pendataan.selectors import entry_rows
from tuntas.pendataan.services import (
    EntryConflict,
    EntryInput,
    EntryInvalid,
    entry_save,
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
    created_at: str
    created_by: str

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
    return WorkbookPlan(
        pemda_code=pemda.code,
        pemda_name=pemda.name,
        year=year,
        quarter=quarter,
        sheets=sheets,
        created_at=timezone.now().isoformat(timespec="seconds"),
        created_by=user.get_username() if user is not None else "",
    )


# --------------------------------------------------------------------------- build


def _sign(payload: str) -> str:
    return salted_hmac(_SIGN_SALT, payload, algorithm="sha256").hexdigest()


CellOverrides = Mapping[tuple[str, str, str], Any]  # (kode JPD, kode mutu or "", column key)


def workbook_build(plan: WorkbookPlan, *, cells: CellOverrides | None = None) -> bytes:
    """The .xlsx bytes for ``plan``. ``cells`` replaces what input cells hold (raw values, text
    kept as text), the way a user's edits would; the metadata always describes ``plan``."""
    import xlsxwriter

    cells = cells or {}
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    workbook.set_properties(
        {
            "title": gettext("Isian SPM TW%(quarter)s %(year)s — %(pemda)s")
            % {"quarter": plan.quarter, "year": plan.year, "pemda": plan.pemda_name},
            "company": plan.pemda_name,
            "comments": gettext("Dibuat oleh Tuntas"),
        }
    )
    base = {"border": 1, "border_color": "#9e9e9e", "valign": "top", "font_size": 10}
    fmt = {
        "title": workbook.add_format({"bold": True, "font_size": 13}),
        "note": workbook.add_format({"italic": True, "font_color": "#555555", "font_size": 9}),
        "header": workbook.add_format(
            {**base, "bold": True, "text_wrap": True, "bg_color": "#1f4e79", "font_color": "white"}
        ),
        "key": workbook.add_format({**base, "bg_color": "#eeeeee"}),
        "key_jpd": workbook.add_format({**base, "bg_color": "#eeeeee", "bold": True}),
        "info": workbook.add_format({**base, "bg_color": "#eeeeee", "text_wrap": True}),
        "info_jpd": workbook.add_format(
            {**base, "bg_color": "#eeeeee", "text_wrap": True, "bold": True}
        ),
        "info_num": workbook.add_format({**base, "bg_color": "#eeeeee", "num_format": "#,##0"}),
        "na": workbook.add_format({**base, "bg_color": "#d0d0d0"}),
        "count": workbook.add_format({**base, "locked": False, "num_format": "#,##0"}),
        "money": workbook.add_format({**base, "locked": False, "num_format": "#,##0.##"}),
        "text": workbook.add_format({**base, "locked": False, "text_wrap": True}),
    }
    _write_guide(workbook, plan, fmt)
    for sheet in plan.sheets:
        _write_sheet(workbook, plan, sheet, cells, fmt)
    _write_metadata(workbook, plan)
    workbook.close()
    return buffer.getvalue()


# Human guidance only: translated. Headers, sheet names and metadata keys are not (they are
# the layout a returned file is checked against, whatever the user's language).
GUIDE_LINES = (
    gettext_lazy(
        "Setiap lembar berisi satu urusan. Isi hanya sel berwarna putih; sel abu-abu dikunci."
    ),
    gettext_lazy(
        "Baris JPD: terlayani (kumulatif sampai akhir triwulan), pagu dan realisasi anggaran "
        "(rupiah), permasalahan, solusi, dan penjelasan bila terlayani melebihi sasaran."
    ),
    gettext_lazy("Baris di bawah JPD (dengan kode mutu): jumlah mutu dibutuhkan dan tersedia."),
    gettext_lazy("Angka ditulis sebagai bilangan bulat 0 atau lebih, misalnya 1234 atau 1.234."),
    gettext_lazy("Sasaran tahunan hanya dapat diubah di aplikasi (disertai alasan)."),
    gettext_lazy(
        "Jangan mengubah nama lembar, judul kolom, kode, atau urutan baris, dan jangan menambah "
        "baris; berkas yang tata letaknya berubah akan ditolak."
    ),
    gettext_lazy(
        "Unggah berkas ini di halaman isian triwulan yang sama. Anda akan melihat pratinjau semua "
        "perubahan dan kesalahan; data baru disimpan setelah Anda mengonfirmasi."
    ),
    gettext_lazy(
        "Bila orang lain menyimpan JPD yang sama setelah berkas ini diunduh, perubahan Anda pada "
        "JPD itu ditolak; unduh ulang berkas."
    ),
)


def _write_guide(workbook: Any, plan: WorkbookPlan, fmt: dict[str, Any]) -> None:
    ws = workbook.add_worksheet(GUIDE_SHEET)
    ws.set_column(0, 0, 110)
    ws.write_string(
        0,
        0,
        gettext("Isian SPM triwulan %(quarter)s tahun %(year)s — %(pemda)s")
        % {"quarter": plan.quarter, "year": plan.year, "pemda": plan.pemda_name},
        fmt["title"],
    )
    ws.write_string(
        1,
        0,
        gettext("Diunduh %(at)s oleh %(user)s.")
        % {"at": plan.created_at, "user": plan.created_by or "—"},
        fmt["note"],
    )
    ws.write_string(3, 0, gettext("Cara mengisi"), fmt["title"])
    for row, text in enumerate(GUIDE_LINES, start=4):
        ws.write_string(row, 0, f"{row - 3}. {text}")
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})


def _write_input(ws: Any, row: int, col: int, value: Any, style: Any) -> None:
    if value is None or (isinstance(value, str) and value == ""):
        ws.write_blank(row, col, None, style)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, style)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(row, col, float(value), style)
    else:
        ws.write_string(row, col, str(value), style)


def _write_sheet(
    workbook: Any,
    plan: WorkbookPlan,
    sheet: SheetPlan,
    cells: CellOverrides,
    fmt: dict[str, Any],
) -> None:
    ws = workbook.add_worksheet(sheet.name)
    for index, column in enumerate(COLUMNS):
        ws.set_column(index, index, column.width)
    ws.write_string(
        TITLE_ROW,
        0,
        gettext("Isian SPM TW%(quarter)s %(year)s — %(pemda)s — %(urusan)s")
        % {
            "quarter": plan.quarter,
            "year": plan.year,
            "pemda": plan.pemda_name,
            "urusan": f"{sheet.urusan_code} {sheet.urusan_name}",
        },
        fmt["title"],
    )
    ws.write_string(
        NOTE_ROW,
        0,
        gettext("Isi hanya sel putih. Jangan mengubah judul kolom, kode, atau urutan baris."),
        fmt["note"],
    )
    ws.set_row(HEADER_ROW, 30)
    for index, header in enumerate(HEADERS):
        ws.write_string(HEADER_ROW, index, header, fmt["header"])
    row = FIRST_DATA_ROW
    for line in sheet.jpd:
        _write_jpd_row(ws, row, line, cells, fmt)
        row += 1
        for item in line.items:
            _write_mutu_row(ws, row, line, item, cells, fmt)
            row += 1
    last = max(row - 1, FIRST_DATA_ROW)
    count_rule = {
        "validate": "integer",
        "criteria": ">=",
        "value": 0,
        # Translators: Excel's data validation: the title holds at most 32 characters.
        "error_title": gettext("Angka tidak sah"),
        "error_message": gettext("Isi bilangan bulat 0 atau lebih, tanpa desimal."),
    }
    money_rule = {
        "validate": "decimal",
        "criteria": ">=",
        "value": 0,
        "error_title": gettext("Angka tidak sah"),
        "error_message": gettext("Isi nilai rupiah 0 atau lebih."),
    }
    for column in COLUMNS:
        index = COLUMN_INDEX[column.key]
        if column.kind == "count":
            ws.data_validation(FIRST_DATA_ROW, index, last, index, count_rule)
        elif column.kind == "money":
            ws.data_validation(FIRST_DATA_ROW, index, last, index, money_rule)
    ws.freeze_panes(FIRST_DATA_ROW, 3)
    ws.protect(
        "",
        {
            "select_locked_cells": True,
            "select_unlocked_cells": True,
            "format_columns": True,
            "format_rows": True,
        },
    )


def _write_jpd_row(
    ws: Any, row: int, line: JpdLine, cells: CellOverrides, fmt: dict[str, Any]
) -> None:
    ws.write_string(row, COLUMN_INDEX["kode_jpd"], line.code, fmt["key_jpd"])
    ws.write_blank(row, COLUMN_INDEX["kode_mutu"], None, fmt["key"])
    ws.write_string(row, COLUMN_INDEX["uraian"], line.name, fmt["info_jpd"])
    ws.write_string(row, COLUMN_INDEX["pengampu"], line.pengampu, fmt["info"])
    if line.sasaran is None:
        ws.write_blank(row, COLUMN_INDEX["sasaran"], None, fmt["info_num"])
    else:
        ws.write_number(row, COLUMN_INDEX["sasaran"], line.sasaran, fmt["info_num"])
    for column in COLUMNS:
        index = COLUMN_INDEX[column.key]
        if column.input_on == "jpd":
            value = cells.get((line.code, "", column.key), line.values.get(column.key))
            _write_input(ws, row, index, value, fmt[column.kind])
        elif column.input_on == "mutu":
            ws.write_blank(row, index, None, fmt["na"])


def _write_mutu_row(
    ws: Any, row: int, line: JpdLine, item: MutuLine, cells: CellOverrides, fmt: dict[str, Any]
) -> None:
    ws.write_string(row, COLUMN_INDEX["kode_jpd"], line.code, fmt["key"])
    ws.write_string(row, COLUMN_INDEX["kode_mutu"], item.code, fmt["key"])
    ws.write_string(row, COLUMN_INDEX["uraian"], item.name, fmt["info"])
    if item.unit:
        ws.write_string(row, COLUMN_INDEX["pengampu"], item.unit, fmt["info"])
    else:
        ws.write_blank(row, COLUMN_INDEX["pengampu"], None, fmt["info"])
    ws.write_blank(row, COLUMN_INDEX["sasaran"], None, fmt["na"])
    for column in COLUMNS:
        index = COLUMN_INDEX[column.key]
        if column.input_on == "mutu":
            value = cells.get(
                (line.code, item.code, column.key), line.values.get(column.key, item.code)
            )
            _write_input(ws, row, index, value, fmt[column.kind])
        elif column.input_on == "jpd":
            ws.write_blank(row, index, None, fmt["na"])


def _write_metadata(workbook: Any, plan: WorkbookPlan) -> None:
    ws = workbook.add_worksheet(META_SHEET)
    payload = json.dumps(plan.metadata(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    rows: list[tuple[str, str]] = [
        ("format", FORMAT_MARK),
        ("versi_tata_letak", LAYOUT_VERSION),
        ("pemda", plan.pemda_code),
        ("tahun", str(plan.year)),
        ("triwulan", str(plan.quarter)),
        ("tanda_tangan", _sign(payload)),
    ]
    rows += [("data", payload[i : i + _META_CHUNK]) for i in range(0, len(payload), _META_CHUNK)]
    ws.write_string(0, 0, gettext("Metadata Tuntas — jangan diubah"))  # a note, not a key
    for number, (key, value) in enumerate(rows, start=1):
        ws.write_string(number, 0, key)
        ws.write_string(number, 1, value)
    ws.protect("", {"select_locked_cells": False, "select_unlocked_cells": False})
    ws.hide()


# --------------------------------------------------------------------------- read


@dataclass(frozen=True)
class SheetRow:
    sheet: str
    number: int  # 1-based, as Excel shows it
    jpd: str
    item: str
    cells: Mapping[str, Any]  # column key → raw value of the input cells of this row


@dataclass(frozen=True)
class ParsedWorkbook:
    metadata: Mapping[str, Any]
    rows: tuple[SheetRow, ...]


def _cell(grid: Sequence[Sequence[Any]], row: int, col: int) -> Any:
    if row < len(grid) and col < len(grid[row]):
        return grid[row][col]
    return ""


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


# Appended, as a sentence of its own, to the messages about a file that cannot be used.
REDOWNLOAD = gettext_lazy("Unduh ulang buku kerja dari Tuntas lalu isi kembali.")


def _redownload(message: str) -> str:
    """``message`` followed by :data:`REDOWNLOAD`, both in the active language."""
    return f"{message} {REDOWNLOAD}"


def workbook_read(data: bytes, *, pemda: Pemda, year: int, quarter: int) -> ParsedWorkbook:
    """Read an uploaded workbook; refuse (:class:`WorkbookRefused`) what is not ours, another
    region's or quarter's, corrupt, or changed in layout. No database access."""
    from python_calamine import CalamineWorkbook

    if not data:
        raise WorkbookRefused(gettext("Berkas kosong."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkbookRefused(gettext("Berkas terlalu besar (lebih dari 5 MB)."))
    if not data.startswith(ZIP_MAGIC):
        raise WorkbookRefused(
            gettext(
                "Berkas bukan buku kerja Excel (.xlsx). Unggah berkas yang diunduh dari Tuntas, "
                "tanpa disimpan ulang sebagai CSV atau .xls."
            )
        )
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        grids = {}
        for name in names:
            grids[name] = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise WorkbookRefused(
            _redownload(gettext("Berkas Excel rusak atau tidak dapat dibaca.")), [str(exc)]
        ) from exc
    if META_SHEET not in grids:
        raise WorkbookRefused(
            _redownload(
                gettext(
                    "Berkas ini bukan buku kerja isian Tuntas (lembar metadata tidak ditemukan)."
                )
            )
        )
    metadata = _read_metadata(grids[META_SHEET])
    if metadata.get("format") != FORMAT_MARK or metadata.get("layout") != LAYOUT_VERSION:
        raise WorkbookRefused(
            _redownload(
                gettext("Versi tata letak buku kerja (%(layout)s) tidak didukung.")
                % {"layout": metadata.get("layout")}
            )
        )
    if metadata.get("headers") != list(HEADERS):
        raise WorkbookRefused(_redownload(gettext("Buku kerja dibuat dengan tata letak lama.")))
    if metadata.get("pemda") != pemda.code:
        raise WorkbookRefused(
            gettext(
                "Berkas ini milik pemerintah daerah %(other)s, bukan %(pemda)s (%(code)s). "
                "Unggah buku kerja %(pemda)s."
            )
            % {"other": metadata.get("pemda"), "pemda": pemda.name, "code": pemda.code}
        )
    if (metadata.get("tahun"), metadata.get("triwulan")) != (year, quarter):
        raise WorkbookRefused(
            gettext(
                "Berkas ini untuk TW%(file_quarter)s %(file_year)s, bukan TW%(quarter)s "
                "%(year)s. Unggah di halaman isian triwulan yang sesuai."
            )
            % {
                "file_quarter": metadata.get("triwulan"),
                "file_year": metadata.get("tahun"),
                "quarter": quarter,
                "year": year,
            }
        )
    problems: list[str] = []
    rows: list[SheetRow] = []
    for sheet in metadata["sheets"]:
        name = sheet["name"]
        grid = grids.get(name)
        if grid is None:
            problems.append(
                gettext("Lembar %(sheet)s tidak ditemukan (namanya diubah atau dihapus).")
                % {"sheet": name}
            )
            continue
        for index, header in enumerate(HEADERS):
            found = _text(_cell(grid, HEADER_ROW, index))
            if found != header:
                problems.append(
                    gettext(
                        "Lembar %(sheet)s, baris %(row)s, kolom %(column)s: judul kolom "
                        "seharusnya “%(expected)s”, ditemukan “%(found)s”."
                    )
                    % {
                        "sheet": name,
                        "row": HEADER_ROW + 1,
                        "column": column_letter(index),
                        "expected": header,
                        "found": found,
                    }
                )
        for offset, (jpd, item) in enumerate(sheet["rows"]):
            number = FIRST_DATA_ROW + offset
            found_key = (
                _text(_cell(grid, number, COLUMN_INDEX["kode_jpd"])),
                _text(_cell(grid, number, COLUMN_INDEX["kode_mutu"])),
            )
            if found_key != (jpd, item):
                problems.append(
                    gettext(
                        "Lembar %(sheet)s, baris %(row)s: kode seharusnya “%(expected)s”, "
                        "ditemukan “%(found)s”."
                    )
                    % {
                        "sheet": name,
                        "row": number + 1,
                        "expected": " ".join(filter(None, (jpd, item))),
                        "found": " ".join(filter(None, found_key)) or gettext("(kosong)"),
                    }
                )
                continue
            keys = JPD_INPUTS if not item else MUTU_INPUTS
            rows.append(
                SheetRow(
                    name,
                    number + 1,
                    jpd,
                    item,
                    {k: _cell(grid, number, COLUMN_INDEX[k]) for k in keys},
                )
            )
        for number in range(FIRST_DATA_ROW + len(sheet["rows"]), len(grid)):
            if not all(is_blank(c) for c in grid[number]):
                problems.append(
                    gettext("Lembar %(sheet)s, baris %(row)s: baris tambahan di luar tabel.")
                    % {"sheet": name, "row": number + 1}
                )
                break
    if problems:
        raise WorkbookRefused(
            _redownload(
                gettext(
                    "Tata letak buku kerja berubah sehingga isinya tidak dapat dibaca dengan aman."
                )
            ),
            problems[:20],
        )
    return ParsedWorkbook(metadata, tuple(rows))


def _read_metadata(grid: Sequence[Sequence[Any]]) -> dict[str, Any]:
    signature = ""
    chunks: list[str] = []
    for row in grid:
        key = _text(row[0]) if row else ""
        value = row[1] if len(row) > 1 else ""
        if key == "tanda_tangan":
            signature = _text(value)
        elif key == "data" and isinstance(value, str):
            chunks.append(value)
    payload = "".join(chunks)
    if not payload or not signature or not constant_time_compare(signature, _sign(payload)):
        raise WorkbookRefused(
            _redownload(
                gettext(
                    "Metadata buku kerja rusak atau telah diubah, sehingga tata letaknya tidak "
                    "dapat dipastikan."
                )
            )
        )
    metadata: dict[str, Any] = json.loads(payload)
    return metadata


# --------------------------------------------------------------------------- preview


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: str  # column key
    message: str

    @property
    def text(self) -> str:
        index = COLUMN_INDEX[self.column]
        # the header stays as the workbook shows it (Indonesian): see COLUMNS
        return gettext(
            "Lembar %(sheet)s, baris %(row)s, kolom %(column)s (%(header)s): %(message)s"
        ) % {
            "sheet": self.sheet,
            "row": self.row,
            "column": column_letter(index),
            "header": HEADERS[index],
            "message": self.message,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": column_letter(COLUMN_INDEX[self.column]),
            "header": HEADERS[COLUMN_INDEX[self.column]],
            "message": self.message,
            "text": self.text,
        }


@dataclass
class JpdChange:
    jpd: str
    name: str
    sheet: str
    row: int
    expected_version: int
    data: EntryInput
    fields: list[dict[str, Any]]
    item_rows: dict[int, int]  # mutu item id → its row (for error messages)

    def as_json(self) -> dict[str, Any]:
        return {
            "jpd": self.jpd,
            "name": self.name,
            "sheet": self.sheet,
            "row": self.row,
            "version": self.expected_version,
            "data": _input_json(self.data),
            "fields": self.fields,
        }


@dataclass(frozen=True)
class Preview:
    changes: tuple[JpdChange, ...]
    problems: tuple[Problem, ...]


def _input_json(data: EntryInput) -> dict[str, Any]:
    return {
        "terlayani": data.terlayani,
        "pagu": None if data.pagu is None else str(data.pagu),
        "realisasi": None if data.realisasi is None else str(data.realisasi),
        "permasalahan": data.permasalahan,
        "solusi": data.solusi,
        "over_target_reason": data.over_target_reason,
        "mutu": {str(k): list(v) for k, v in data.mutu.items()},
    }


def _input_from_json(data: Mapping[str, Any]) -> EntryInput:
    return EntryInput(
        terlayani=data["terlayani"],
        pagu=None if data["pagu"] is None else Decimal(data["pagu"]),
        realisasi=None if data["realisasi"] is None else Decimal(data["realisasi"]),
        permasalahan=data["permasalahan"],
        solusi=data["solusi"],
        over_target_reason=data["over_target_reason"],
        mutu={int(k): (v[0], v[1]) for k, v in data["mutu"].items()},
    )


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


MAX_COUNT = 10**15  # far above any population; keeps values inside the database's integers
MAX_MONEY = Decimal(10**16)  # pagu/realisasi hold 18 digits, 2 of them decimals


def _value_problem(shown: str, reason: str) -> str:
    """``reason`` is what :func:`tuntas.core.tabular.parse_count` says (translated)."""
    # Translators: %(reason)s is e.g. "bukan angka" / "is not a number".
    return gettext("nilai “%(value)s” %(reason)s.") % {"value": shown, "reason": reason}


def _too_big(shown: str) -> str:
    return gettext("nilai “%(value)s” terlalu besar.") % {"value": shown}


def _parse_count_cell(value: Any) -> tuple[int | None, str]:
    if is_blank(value):
        return None, ""
    try:
        count = parse_count(value)
    except CountError as exc:
        return None, _value_problem(_shown(value), str(exc))
    if count >= MAX_COUNT:
        return None, _too_big(_shown(value))
    return count, ""


def _parse_money_cell(value: Any) -> tuple[Decimal | None, str]:
    if is_blank(value):
        return None, ""
    shown = _shown(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return None, _value_problem(shown, gettext("bukan angka"))
        if not amount.is_finite():
            return None, _value_problem(shown, gettext("bukan angka"))
        if amount < 0:
            return None, _value_problem(shown, gettext("tidak boleh negatif"))
    else:
        try:
            amount = Decimal(parse_count(value))
        except CountError as exc:
            return None, _value_problem(shown, str(exc))
    if amount >= MAX_MONEY:
        return None, _too_big(shown)
    rounded = amount.quantize(Decimal("0.01"))
    if amount != rounded:
        return None, gettext("nilai “%(value)s” paling banyak 2 angka di belakang koma.") % {
            "value": shown
        }
    return rounded, ""


def _parse_text_cell(value: Any) -> str:
    if is_blank(value):
        return ""
    return _norm_text(_shown(value))


def _parse_jpd(rows: Sequence[SheetRow]) -> tuple[JpdValues | None, list[Problem]]:
    """The values of one JPD's rows (its own row first, then its mutu rows)."""
    problems: list[Problem] = []
    head = rows[0]
    parsed: dict[str, Any] = {}
    for key in JPD_INPUTS:
        column = COLUMNS[COLUMN_INDEX[key]]
        raw = head.cells[key]
        message = ""
        if column.kind == "count":
            parsed[key], message = _parse_count_cell(raw)
        elif column.kind == "money":
            parsed[key], message = _parse_money_cell(raw)
        else:
            parsed[key] = _parse_text_cell(raw)
        if message:
            problems.append(Problem(head.sheet, head.number, key, message))
    mutu: dict[str, tuple[int | None, int | None]] = {}
    for row in rows[1:]:
        pair: list[int | None] = []
        for key in ("dibutuhkan", "tersedia"):
            value, message = _parse_count_cell(row.cells[key])
            pair.append(value)
            if message:
                problems.append(Problem(row.sheet, row.number, key, message))
        mutu[row.item] = (pair[0], pair[1])
    if problems:
        return None, problems
    return JpdValues(mutu=mutu, **parsed), []


def _display(key: str, value: Any) -> str:
    if value is None or value == "":
        return gettext("(kosong)")
    if key in ("pagu", "realisasi"):
        amount = Decimal(value)
        if amount == amount.to_integral_value():
            return "Rp " + format_int_id(int(amount))
        return "Rp " + format_decimal_id(amount)
    if isinstance(value, int):
        return format_int_id(value)
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


def workbook_preview(
    *, pemda: Pemda, year: int, quarter: int, workbook: ParsedWorkbook, scope: Scope, actor: User
) -> Preview:
    """Every change (old → new per field) and every error, by sheet, row and column.

    A JPD counts as edited when its values differ from those recorded at download time. Edited
    JPD must be writable by the uploader and unchanged in the database since the download. The
    saves are then tried in a transaction that is rolled back, so the preview reports exactly
    what :func:`entry_save` would refuse on confirmation. Nothing is written.
    """
    grouped: dict[str, list[SheetRow]] = {}
    for row in workbook.rows:
        grouped.setdefault(row.jpd, []).append(row)
    jpd_objs = {j.code: j for j in Jpd.objects.filter(code__in=grouped, level=pemda.level)}
    opd_ids = dict(
        JpdAssignment.objects.filter(pemda=pemda, jpd_id__in=grouped).values_list(
            "jpd_id", "opd_id"
        )
    )
    entries = {
        e.jpd_id: e
        for e in QuarterEntry.objects.filter(
            pemda=pemda, year=year, quarter=quarter, jpd_id__in=grouped
        )
    }
    mutu_by_entry: dict[int, dict[int, MutuEntry]] = {}
    for m in MutuEntry.objects.filter(entry__in=entries.values()):
        mutu_by_entry.setdefault(m.entry_id, {})[m.item_id] = m
    recorded: Mapping[str, Mapping[str, Any]] = workbook.metadata["jpd"]
    problems: list[Problem] = []
    changes: list[JpdChange] = []
    for code, rows in grouped.items():
        head = rows[0]
        values, cell_problems = _parse_jpd(rows)
        if values is None:
            problems += cell_problems
            continue
        if values.fingerprint() == recorded.get(code, {}).get("sidik"):
            continue  # not edited since download: nothing to write
        jpd = jpd_objs.get(code)
        if jpd is None:
            problems.append(
                Problem(
                    head.sheet,
                    head.number,
                    "kode_jpd",
                    gettext("JPD ini tidak dikenal untuk pemda ini."),
                )
            )
            continue
        if not scope.can_write_jpd(pemda, opd_ids.get(code)):
            problems.append(
                Problem(
                    head.sheet,
                    head.number,
                    "kode_jpd",
                    gettext(
                        "Anda tidak berhak mengisi JPD %(code)s; baris ini tidak dapat disimpan."
                    )
                    % {"code": code},
                )
            )
            continue
        entry = entries.get(code)
        current_version = entry.version if entry else 0
        if current_version != recorded.get(code, {}).get("versi"):
            who = (
                entry.updated_by.get_username()
                if entry and entry.updated_by
                else gettext("pengguna lain")
            )
            problems.append(
                Problem(
                    head.sheet,
                    head.number,
                    "kode_jpd",
                    _redownload(
                        gettext(
                            "JPD %(code)s diubah oleh pengguna lain setelah berkas diunduh "
                            "(%(user)s); perubahan Anda pada JPD ini tidak dapat disimpan."
                        )
                        % {"code": code, "user": who}
                    ),
                )
            )
            continue
        change, item_problems = _change_for(
            jpd, rows, values, entry, mutu_by_entry, year, current_version
        )
        problems += item_problems
        if change is not None and change.fields:
            changes.append(change)
    problems += _dry_run(pemda=pemda, year=year, quarter=quarter, changes=changes, actor=actor)
    order = {(r.sheet, r.number): i for i, r in enumerate(workbook.rows)}
    problems.sort(key=lambda p: (order.get((p.sheet, p.row), 0), COLUMN_INDEX[p.column]))
    return Preview(tuple(changes), tuple(problems))


def _change_for(
    jpd: Jpd,
    rows: Sequence[SheetRow],
    values: JpdValues,
    entry: QuarterEntry | None,
    mutu_by_entry: Mapping[int, Mapping[int, MutuEntry]],
    year: int,
    version: int,
) -> tuple[JpdChange | None, list[Problem]]:
    head = rows[0]
    items = mutu_items_for(jpd=jpd, year=year)
    by_code = {i.code: i for i in items}
    stored_mutu = mutu_by_entry.get(entry.pk, {}) if entry else {}
    old = stored_values(entry, stored_mutu, items)
    problems = [
        Problem(
            r.sheet,
            r.number,
            "kode_mutu",
            _redownload(gettext("Item mutu ini tidak ada lagi di katalog.")),
        )
        for r in rows[1:]
        if r.item not in by_code
    ]
    if problems:
        return None, problems
    fields: list[dict[str, Any]] = []

    def compare(row: SheetRow, key: str, before: Any, after: Any) -> None:
        if key in ("pagu", "realisasi"):
            same = _money_key(before) == _money_key(after)
        elif isinstance(before, str) or isinstance(after, str):
            same = _norm_text(before or "") == _norm_text(after or "")
        else:
            same = before == after
        if not same:
            index = COLUMN_INDEX[key]
            fields.append(
                {
                    "sheet": row.sheet,
                    "row": row.number,
                    "column": column_letter(index),
                    "header": HEADERS[index],
                    "item": row.item,
                    "old": _display(key, before),
                    "new": _display(key, after),
                }
            )

    for key in JPD_INPUTS:
        compare(head, key, old.get(key), values.get(key))
    item_rows: dict[int, int] = {}
    for row in rows[1:]:
        item_rows[by_code[row.item].pk] = row.number
        for key in MUTU_INPUTS:
            compare(row, key, old.get(key, row.item), values.get(key, row.item))
    # items missing from the file (none, unless the catalog changed) keep their stored values
    mutu = {i.pk: old.mutu.get(i.code, (None, None)) for i in items}
    mutu.update({by_code[code].pk: pair for code, pair in values.mutu.items()})
    data = EntryInput(
        terlayani=values.terlayani,
        mutu=mutu,
        over_target_reason=values.penjelasan,
        pagu=values.pagu,
        realisasi=values.realisasi,
        permasalahan=values.permasalahan,
        solusi=values.solusi,
    )
    change = JpdChange(
        jpd.code, jpd.name, head.sheet, head.number, version, data, fields, item_rows
    )
    return change, []


_ERROR_COLUMNS = {
    "terlayani": "terlayani",
    "over_target_reason": "penjelasan",
    "pagu": "pagu",
    "realisasi": "realisasi",
    "permasalahan": "permasalahan",
    "solusi": "solusi",
}


def _problems_from_invalid(change: JpdChange, exc: EntryInvalid) -> list[Problem]:
    problems = []
    for name, message in exc.errors.items():
        row, column = change.row, _ERROR_COLUMNS.get(name, "kode_jpd")
        if name.startswith("mutu_"):
            parts = name.split("_")
            item_row = change.item_rows.get(int(parts[1])) if parts[1].isdigit() else None
            if item_row is not None:
                row = item_row
                column = parts[2] if len(parts) > 2 and parts[2] in MUTU_INPUTS else "kode_mutu"
        problems.append(Problem(change.sheet, row, column, message))
    return problems


def _dry_run(
    *, pemda: Pemda, year: int, quarter: int, changes: Sequence[JpdChange], actor: User
) -> list[Problem]:
    problems: list[Problem] = []
    if not changes:
        return problems
    jpd_objs = {j.code: j for j in Jpd.objects.filter(code__in=[c.jpd for c in changes])}
    with transaction.atomic():
        for change in changes:
            try:
                with transaction.atomic():
                    entry_save(
                        pemda=pemda,
                        jpd=jpd_objs[change.jpd],
                        year=year,
                        quarter=quarter,
                        data=change.data,
                        expected_version=change.expected_version,
                        actor=actor,
                    )
            except EntryInvalid as exc:
                problems += _problems_from_invalid(change, exc)
            except EntryConflict:
                problems.append(
                    Problem(
                        change.sheet,
                        change.row,
                        "kode_jpd",
                        _redownload(
                            gettext(
                                "JPD %(code)s diubah oleh pengguna lain setelah berkas diunduh."
                            )
                            % {"code": change.jpd}
                        ),
                    )
                )
            except DomainError as exc:
                problems.append(Problem(change.sheet, change.row, "kode_jpd", str(exc)))
        transaction.set_rollback(True)
    return problems


# --------------------------------------------------------------------------- services


@transaction.atomic
def excel_upload_create(
    *,
    pemda: Pemda,
    year: int,
    quarter: int,
    file_name: str,
    preview: Preview,
    actor: User,
) -> ExcelUpload:
    """Keep an uploaded workbook's preview until the user confirms it."""
    upload = ExcelUpload.objects.create(
        pemda=pemda,
        year=year,
        quarter=quarter,
        uploaded_by=actor,
        file_name=file_name[:255],
        changes=[c.as_json() for c in preview.changes],
        errors=[p.as_json() for p in preview.problems],
    )
    audit_event_create(
        action="isian.excel_unggah",
        actor=actor,
        object_type="isian",
        object_id=f"{pemda.code}/{year}/TW{quarter}",
        data={
            "unggahan": upload.pk,
            "berkas": upload.file_name,
            "jpd_berubah": [c.jpd for c in preview.changes],
            "kesalahan": len(preview.problems),
        },
    )
    return upload


@transaction.atomic
def excel_upload_apply(*, pemda: Pemda, upload_id: int, scope: Scope, actor: User) -> ExcelUpload:
    """Write every change of a previewed upload in one transaction, or nothing.

    The upload row is locked first, so confirming twice (two clicks, two tabs) applies it once;
    each JPD is saved with the entry version recorded at download time, so a save by someone
    else in between makes the whole confirmation fail and roll back.
    """
    upload = (
        ExcelUpload.objects.select_for_update()
        .filter(pk=upload_id, pemda=pemda, uploaded_by=actor)
        .first()
    )
    if upload is None:
        raise DomainError(gettext("Unggahan tidak ditemukan."))
    if upload.applied_at is not None:
        raise UploadAlreadyApplied(
            gettext("Unggahan ini sudah disimpan sebelumnya; tidak disimpan dua kali.")
        )
    if upload.errors:
        raise UploadHasErrors(
            gettext(
                "Berkas masih memuat kesalahan; perbaiki lalu unggah ulang. "
                "Tidak ada data yang disimpan."
            )
        )
    jpd_objs = {j.code: j for j in Jpd.objects.filter(code__in=[c["jpd"] for c in upload.changes])}
    opd_ids = dict(
        JpdAssignment.objects.filter(pemda=pemda, jpd_id__in=jpd_objs).values_list(
            "jpd_id", "opd_id"
        )
    )
    for change in upload.changes:
        where = {"sheet": change["sheet"], "row": change["row"], "jpd": change["jpd"]}
        jpd = jpd_objs.get(change["jpd"])
        if jpd is None or not scope.can_write_jpd(pemda, opd_ids.get(change["jpd"])):
            raise DomainError(
                gettext(
                    "Lembar %(sheet)s, baris %(row)s (JPD %(jpd)s): Anda tidak berhak mengisi JPD "
                    "ini. Tidak ada data yang disimpan."
                )
                % where
            )
        try:
            entry_save(
                pemda=pemda,
                jpd=jpd,
                year=upload.year,
                quarter=upload.quarter,
                data=_input_from_json(change["data"]),
                expected_version=change["version"],
                actor=actor,
            )
        except EntryConflict as exc:
            raise DomainError(
                _redownload(
                    gettext(
                        "Lembar %(sheet)s, baris %(row)s (JPD %(jpd)s): diubah oleh pengguna lain "
                        "setelah berkas diunduh. Tidak ada data yang disimpan."
                    )
                    % where
                )
            ) from exc
        except DomainError as exc:
            raise DomainError(
                gettext(
                    "Lembar %(sheet)s, baris %(row)s (JPD %(jpd)s): %(error)s Tidak ada data yang "
                    "disimpan."
                )
                % {**where, "error": exc}
            ) from exc
    upload.applied_at = timezone.now()
    upload.save(update_fields=["applied_at"])
    audit_event_create(
        action="isian.excel_simpan",
        actor=actor,
        object_type="isian",
        object_id=f"{pemda.code}/{upload.year}/TW{upload.quarter}",
        data={"unggahan": upload.pk, "jpd": [c["jpd"] for c in upload.changes]},
    )
    return upload
