"""Service units of a pemda (puskesmas, sekolah, posyandu, ... per kecamatan): what a per-unit
need rule ("2 per puskesmas") counts. Reads, writes (each one transaction with its audit row),
the Excel/CSV import (every bad row reported by row and column, nothing stored on any error,
an upsert by kind and name, so a second import of the same file changes nothing), its template
workbook, and the demo units.

The table upload reader here (:func:`table_upload_read`) is shared by the imports of stage 2
(``needs_services``): size, zip structure and extent checked by ``core.upload_guard`` before a
reader opens the file, then read by ``core.tabular``."""

from __future__ import annotations

import io
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext

from tuntas.core.errors import DomainError
from tuntas.core.rows import Row
from tuntas.core.safe_write import xlsx_text
from tuntas.core.services import audit_event_create
from tuntas.core.tabular import TableError, data_rows, find_header, read_table_bytes
from tuntas.core.upload_guard import MIB, UploadRefused, ZipLimits, check_rows, check_zip
from tuntas.organisasi.models import Pemda
from tuntas.perencanaan.models import ServiceUnit
from tuntas.wilayah.models import Level, Region

# --------------------------------------------------------------------------- uploads

# A planning table (service units, available quantities): a few thousand rows at most.
MAX_UPLOAD_BYTES = 5 * MIB
MAX_DATA_ROWS = 20_000
TABLE_LIMITS = ZipLimits(
    kind="perencanaan",
    max_parts=100,
    max_part_bytes=64 * MIB,
    max_total_bytes=128 * MIB,
    max_rows=MAX_DATA_ROWS + 50,
    max_columns=60,
)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SHOWN_ERRORS = 200


@dataclass(frozen=True)
class RowProblem:
    row: int  # spreadsheet row number, 1-based (0: the file as a whole)
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        return gettext("Baris %(row)d, kolom %(col)s: %(msg)s") % {
            "row": self.row,
            "col": self.column,
            "msg": self.message,
        }


class ImportRefused(DomainError):
    """The file cannot be imported; ``problems`` lists every bad row and column. Nothing was
    stored."""

    def __init__(self, message: str, problems: list[RowProblem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []

    @property
    def details(self) -> list[str]:
        shown = [str(p) for p in self.problems[:MAX_SHOWN_ERRORS]]
        if len(self.problems) > MAX_SHOWN_ERRORS:
            shown.append(
                gettext("… dan %(n)d kesalahan lain.")
                % {"n": len(self.problems) - MAX_SHOWN_ERRORS}
            )
        return shown


def refused_for(problems: list[RowProblem]) -> ImportRefused:
    return ImportRefused(
        gettext("Berkas tidak diimpor: %(n)d kesalahan. Tidak ada yang disimpan.")
        % {"n": len(problems)},
        problems,
    )


def table_upload_read(
    data: bytes, *, required: tuple[str, ...]
) -> tuple[list[Row], dict[str, int]]:
    """The data rows of an uploaded CSV or workbook (first sheet) and its column index
    (normalised header → position); :class:`ImportRefused` for a file too large, not a table,
    or without the ``required`` columns."""
    if not data.strip():
        raise ImportRefused(gettext("Berkas kosong."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRefused(
            gettext("Berkas terlalu besar (lebih dari %(max)d MB).")
            % {"max": MAX_UPLOAD_BYTES // MIB}
        )
    try:
        check_zip(io.BytesIO(data), TABLE_LIMITS, verify=True)
        rows = read_table_bytes(data)
    except (UploadRefused, TableError) as exc:
        raise ImportRefused(str(exc)) from exc
    found = find_header(rows, required)
    if found is None:
        raise ImportRefused(
            gettext("Judul kolom tidak ditemukan. Kolom wajib: %(cols)s.")
            % {"cols": ", ".join(required)}
        )
    header, index = found
    body = list(data_rows(rows, header))
    try:
        check_rows(len(body), limit=MAX_DATA_ROWS)
    except UploadRefused as exc:
        raise ImportRefused(str(exc)) from exc
    return body, index


def cell_text(row: Row, index: dict[str, int], name: str) -> str:
    """A cell as text (``12.0`` from a workbook number → ``12``), stripped; ``""`` if absent."""
    position = index.get(name)
    if position is None or position >= len(row.cells):
        return ""
    value: Any = row.cells[position]
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_raw(row: Row, index: dict[str, int], name: str) -> Any:
    position = index.get(name)
    if position is None or position >= len(row.cells):
        return ""
    return row.cells[position]


# --------------------------------------------------------------------------- reads

KIND_SUGGESTIONS = ("puskesmas", "posyandu", "sekolah", "pustu", "rumah_sakit")
MAX_KIND = 40
MAX_NAME = 160
MAX_CODE = 40


def kind_normalise(value: str) -> str:
    """``" Puskesmas "`` → ``puskesmas``; ``"Rumah Sakit"`` → ``rumah_sakit`` (the catalog's
    rules name the kind in lower case, words joined by ``_``)."""
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def kecamatan_of(pemda: Pemda) -> list[Region]:
    """The kecamatan of the pemda (of its kab/kota for a province), in code order."""
    return list(
        Region.objects.filter(code__startswith=pemda.code + ".", level=Level.KECAMATAN).order_by(
            "code"
        )
    )


def kecamatan_code_normalise(value: str) -> str:
    """``327501`` → ``32.75.01`` (the code as many systems write it without dots)."""
    text = value.strip()
    if re.fullmatch(r"\d{6}", text):
        return f"{text[:2]}.{text[2:4]}.{text[4:]}"
    return text


UNITS_PER_PAGE = 100


@dataclass
class UnitOverview:
    units: list[ServiceUnit]  # the page shown (of the filtered units)
    kecamatan: dict[str, str]  # code → name
    counts: dict[str, int]  # active units per kind
    inactive: int
    matrix: list[tuple[str, str, list[int]]]  # kecamatan code, name, active units per kind
    total: int  # filtered units
    page: int
    pages: int
    by_kind: list[tuple[str, list[ServiceUnit]]] = field(default_factory=list)


def units_overview(
    pemda: Pemda, *, kind: str = "", kecamatan: str = "", page: int = 1
) -> UnitOverview:
    """The pemda's service units: active ones counted per kind and per kecamatan × kind (over
    all units, whatever the filter), and one page of the units of a kind and/or kecamatan,
    grouped by kind. A fixed number of queries; the page at most :data:`UNITS_PER_PAGE`
    rows, so a kabupaten with hundreds of posyandu stays a light page."""
    counts: dict[str, int] = defaultdict(int)
    cells: dict[tuple[str, str], int] = defaultdict(int)
    inactive = 0
    for unit_kind, area, active, n in (
        ServiceUnit.objects.filter(pemda=pemda)
        .values_list("kind", "kecamatan", "active")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if active:
            counts[unit_kind] += n
            cells[(area, unit_kind)] += n
        else:
            inactive += n
    names = {r.code: r.name for r in kecamatan_of(pemda)}
    kinds = sorted(counts)
    areas = sorted({area for area, _k in cells})
    matrix = [(a, names.get(a, a), [cells.get((a, k), 0) for k in kinds]) for a in areas]
    query = ServiceUnit.objects.filter(pemda=pemda)
    if kind:
        query = query.filter(kind=kind)
    if kecamatan:
        query = query.filter(kecamatan=kecamatan)
    total = query.count()
    pages = max(1, -(-total // UNITS_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = list(
        query.order_by("kind", "kecamatan", "name")[
            (page - 1) * UNITS_PER_PAGE : page * UNITS_PER_PAGE
        ]
    )
    grouped: dict[str, list[ServiceUnit]] = defaultdict(list)
    for u in shown:
        grouped[u.kind].append(u)
    return UnitOverview(
        units=shown,
        kecamatan=names,
        counts={k: counts[k] for k in kinds},
        inactive=inactive,
        matrix=matrix,
        total=total,
        page=page,
        pages=pages,
        by_kind=sorted(grouped.items()),
    )


def unit_get(pemda: Pemda, unit_id: int) -> ServiceUnit | None:
    return ServiceUnit.objects.filter(pemda=pemda, pk=unit_id).first()


# --------------------------------------------------------------------------- writes


class UnitInvalid(DomainError):
    """Field problems; ``errors`` maps a field (``jenis``, ``kode``, ``nama``,
    ``kode_kecamatan``) to an Indonesian message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class UnitInput:
    kind: str
    code: str
    name: str
    kecamatan: str


def _unit_problems(
    data: UnitInput, pemda: Pemda, kecamatan_codes: set[str]
) -> tuple[UnitInput, dict[str, str]]:
    """The input normalised, and what is wrong with it (field → message)."""
    clean = UnitInput(
        kind=kind_normalise(data.kind),
        code=data.code.strip(),
        name=" ".join(data.name.split()),
        kecamatan=kecamatan_code_normalise(data.kecamatan),
    )
    errors: dict[str, str] = {}
    if not clean.kind:
        errors["jenis"] = gettext("wajib diisi (mis. puskesmas, sekolah, posyandu)")
    elif len(clean.kind) > MAX_KIND or not re.fullmatch(r"[a-z0-9_]+", clean.kind):
        errors["jenis"] = gettext(
            "'%(v)s' tidak dikenal: huruf, angka dan garis bawah, paling banyak %(max)d karakter"
        ) % {"v": data.kind.strip()[:60], "max": MAX_KIND}
    if not clean.name:
        errors["nama"] = gettext("wajib diisi")
    elif len(clean.name) > MAX_NAME:
        errors["nama"] = gettext("paling banyak %(max)d karakter") % {"max": MAX_NAME}
    if len(clean.code) > MAX_CODE:
        errors["kode"] = gettext("paling banyak %(max)d karakter") % {"max": MAX_CODE}
    if not clean.kecamatan:
        errors["kode_kecamatan"] = gettext("wajib diisi")
    elif clean.kecamatan not in kecamatan_codes:
        errors["kode_kecamatan"] = gettext("'%(v)s' bukan kode kecamatan %(pemda)s") % {
            "v": clean.kecamatan[:20],
            "pemda": pemda.name,
        }
    return clean, errors


def _unit_values(unit: ServiceUnit) -> dict[str, object]:
    return {
        "jenis": unit.kind,
        "kode": unit.code,
        "nama": unit.name,
        "kode_kecamatan": unit.kecamatan,
        "aktif": unit.active,
    }


def _changes(before: dict[str, object], after: dict[str, object]) -> list[dict[str, object]]:
    return [
        {"kolom": k, "lama": before.get(k), "baru": v}
        for k, v in after.items()
        if before.get(k) != v
    ]


@transaction.atomic
def service_unit_save(
    *, pemda: Pemda, unit_id: int | None, data: UnitInput, actor: User | None
) -> ServiceUnit:
    """Add a service unit (``unit_id`` None) or change one of the pemda's; the kind and name
    stay unique in the pemda."""
    clean, errors = _unit_problems(data, pemda, {r.code for r in kecamatan_of(pemda)})
    unit: ServiceUnit | None = None
    if unit_id is not None:
        unit = ServiceUnit.objects.select_for_update().filter(pemda=pemda, pk=unit_id).first()
        if unit is None:
            raise DomainError(gettext("Unit layanan tidak ditemukan."))
    if not errors:
        clash = ServiceUnit.objects.filter(pemda=pemda, kind=clean.kind, name=clean.name)
        if unit is not None:
            clash = clash.exclude(pk=unit.pk)
        if clash.exists():
            errors["nama"] = gettext("%(kind)s '%(name)s' sudah ada") % {
                "kind": clean.kind,
                "name": clean.name,
            }
    if errors:
        raise UnitInvalid(errors)
    before = _unit_values(unit) if unit is not None else {}
    if unit is None:
        unit = ServiceUnit(pemda=pemda)
    unit.kind, unit.code, unit.name, unit.kecamatan = (
        clean.kind,
        clean.code,
        clean.name,
        clean.kecamatan,
    )
    unit.save()
    audit_event_create(
        action="unit_layanan.simpan" if before else "unit_layanan.tambah",
        actor=actor,
        pemda=pemda.code,
        object_type="unit_layanan",
        object_id=str(unit.pk),
        data={"perubahan": _changes(before, _unit_values(unit))},
    )
    return unit


@transaction.atomic
def service_unit_active_set(
    *, pemda: Pemda, unit_id: int, active: bool, actor: User | None
) -> ServiceUnit:
    """Deactivate a unit (it no longer counts in per-unit needs) or activate it again."""
    unit = ServiceUnit.objects.select_for_update().filter(pemda=pemda, pk=unit_id).first()
    if unit is None:
        raise DomainError(gettext("Unit layanan tidak ditemukan."))
    if unit.active != active:
        unit.active = active
        unit.save(update_fields=["active", "updated_at"])
        audit_event_create(
            action="unit_layanan.aktif" if active else "unit_layanan.nonaktif",
            actor=actor,
            pemda=pemda.code,
            object_type="unit_layanan",
            object_id=str(unit.pk),
            data={"perubahan": [{"kolom": "aktif", "lama": not active, "baru": active}]},
        )
    return unit


# --------------------------------------------------------------------------- import

UNIT_COLUMNS = ("jenis", "kode", "nama", "kode_kecamatan")
UNIT_REQUIRED = ("jenis", "nama", "kode_kecamatan")


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def units_parse(pemda: Pemda, data: bytes) -> list[tuple[int, UnitInput]]:
    """Every row of an uploaded units table, normalised; :class:`ImportRefused` with every bad
    row and column (a kind and name twice in the file included)."""
    rows, index = table_upload_read(data, required=UNIT_REQUIRED)
    kecamatan_codes = {r.code for r in kecamatan_of(pemda)}
    problems: list[RowProblem] = []
    parsed: list[tuple[int, UnitInput]] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        raw = UnitInput(
            kind=cell_text(row, index, "jenis"),
            code=cell_text(row, index, "kode"),
            name=cell_text(row, index, "nama"),
            kecamatan=cell_text(row, index, "kode_kecamatan"),
        )
        clean, errors = _unit_problems(raw, pemda, kecamatan_codes)
        for column in UNIT_COLUMNS:
            if column in errors:
                problems.append(RowProblem(row.number, column, errors[column]))
        if errors:
            continue
        key = (clean.kind, clean.name.casefold())
        if key in seen:
            problems.append(
                RowProblem(
                    row.number,
                    "nama",
                    gettext("%(kind)s '%(name)s' sudah ada di baris %(row)d")
                    % {"kind": clean.kind, "name": clean.name, "row": seen[key]},
                )
            )
            continue
        seen[key] = row.number
        parsed.append((row.number, clean))
    if problems:
        raise refused_for(problems)
    if not parsed:
        raise ImportRefused(gettext("Berkas tidak berisi baris data."))
    return parsed


@transaction.atomic
def service_units_import(
    *, pemda: Pemda, data: bytes, file_name: str, actor: User | None
) -> ImportSummary:
    """Import a units table: all rows or nothing; each row upserted by (kind, name) — found
    units take the file's code and kecamatan and are active again — so importing the same file
    twice changes nothing the second time."""
    parsed = units_parse(pemda, data)
    existing = {
        (u.kind, u.name.casefold()): u
        for u in ServiceUnit.objects.select_for_update().filter(pemda=pemda)
    }
    created: list[ServiceUnit] = []
    updated: list[ServiceUnit] = []
    unchanged = 0
    for _number, unit_in in parsed:
        unit = existing.get((unit_in.kind, unit_in.name.casefold()))
        if unit is None:
            created.append(
                ServiceUnit(
                    pemda=pemda,
                    kind=unit_in.kind,
                    code=unit_in.code,
                    name=unit_in.name,
                    kecamatan=unit_in.kecamatan,
                )
            )
        elif (unit.code, unit.kecamatan, unit.active) != (unit_in.code, unit_in.kecamatan, True):
            unit.code, unit.kecamatan, unit.active = unit_in.code, unit_in.kecamatan, True
            updated.append(unit)
        else:
            unchanged += 1
    ServiceUnit.objects.bulk_create(created, batch_size=500)
    ServiceUnit.objects.bulk_update(updated, ["code", "kecamatan", "active"], batch_size=500)
    summary = ImportSummary(len(created), len(updated), unchanged)
    audit_event_create(
        action="unit_layanan.impor",
        actor=actor,
        pemda=pemda.code,
        object_type="unit_layanan",
        object_id=pemda.code,
        data={
            "berkas": file_name[:255],
            "baru": summary.created,
            "diubah": summary.updated,
            "tetap": summary.unchanged,
        },
    )
    return summary


def units_template_xlsx(pemda: Pemda) -> bytes:
    """The template workbook of the units import: its columns, the pemda's units so far (so it
    can be edited and uploaded back), and a sheet listing the pemda's kecamatan codes."""
    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F5"})
    text = book.add_format({"num_format": 49})
    sheet = book.add_worksheet("Unit layanan")
    for col, name in enumerate(UNIT_COLUMNS):
        xlsx_text(sheet, 0, col, name, bold)
        sheet.set_column(col, col, 40 if name == "nama" else 18, text)
    for number, unit in enumerate(
        ServiceUnit.objects.filter(pemda=pemda).order_by("kind", "kecamatan", "name"), start=1
    ):
        for col, value in enumerate((unit.kind, unit.code, unit.name, unit.kecamatan)):
            xlsx_text(sheet, number, col, value)
    sheet.freeze_panes(1, 0)
    area = book.add_worksheet("Kecamatan")
    for col, name in enumerate(("kode_kecamatan", "nama")):
        xlsx_text(area, 0, col, name, bold)
    area.set_column(0, 0, 18)
    area.set_column(1, 1, 40)
    for number, region in enumerate(kecamatan_of(pemda), start=1):
        xlsx_text(area, number, 0, region.code)
        xlsx_text(area, number, 1, region.name)
    info = book.add_worksheet("Petunjuk")
    info.set_column(0, 0, 18)
    info.set_column(1, 1, 100)
    lines = [
        ("Pemda", f"{pemda.code} {pemda.name}"),
        ("", ""),
        ("jenis", "Jenis unit, huruf kecil: puskesmas, posyandu, sekolah, ... (aturan kebutuhan "
                  "katalog menghitung per jenis ini, mis. '2 per puskesmas')."),
        ("kode", "Kode unit (opsional), mis. kode puskesmas Kemenkes atau NPSN sekolah."),
        ("nama", "Nama unit; jenis + nama unik di pemda: unit yang sudah ada diperbarui."),
        ("kode_kecamatan", "Kode Kemendagri kecamatan (lembar 'Kecamatan'), mis. 32.75.01."),
        ("", ""),
        ("Cara mengisi", "Satu baris per unit. Simpan sebagai XLSX atau CSV lalu unggah. "
                         "Bila ada baris yang salah, tidak ada yang disimpan."),
    ]  # fmt: skip
    for row, (key, value) in enumerate(lines):
        xlsx_text(info, row, 0, key, bold if key else None)
        xlsx_text(info, row, 1, value)
    book.close()
    return output.getvalue()


# --------------------------------------------------------------------------- demo

DEMO_SCHOOLS = ("SD Negeri", "SMP Negeri")


@transaction.atomic
def demo_units_seed(*, pemda: Pemda, year: int) -> int:
    """Plausible service units for a demo pemda: 1–2 puskesmas, 3–8 posyandu and 2–4 schools
    per kecamatan of the pemda in ``Region``. Deterministic (one seeded generator per pemda)
    and idempotent (existing units are kept); ``year`` names the data set in the audit row.
    Returns the number of units created."""
    if not pemda.is_demo:
        raise DomainError(gettext("Hanya pemda data contoh yang dapat diisi data contoh."))
    rng = random.Random(f"tuntas-contoh:unit:{pemda.code}")
    existing = set(ServiceUnit.objects.filter(pemda=pemda).values_list("kind", "name"))
    new: list[ServiceUnit] = []
    for region in kecamatan_of(pemda):
        place = region.name.title()
        digits = region.code.replace(".", "")
        planned: list[tuple[str, str, str]] = []
        for n in range(rng.randint(1, 2)):
            suffix = "" if n == 0 else " II"
            planned.append(("puskesmas", f"Puskesmas {place}{suffix}", f"P{digits}{n + 1}"))
        for n in range(rng.randint(3, 8)):
            planned.append(("posyandu", f"Posyandu {place} {n + 1:02d}", ""))
        for n in range(rng.randint(2, 4)):
            level = DEMO_SCHOOLS[n % len(DEMO_SCHOOLS)]
            planned.append(("sekolah", f"{level} {n // len(DEMO_SCHOOLS) + 1} {place}", ""))
        for kind, name, code in planned:
            if (kind, name) not in existing:
                existing.add((kind, name))
                new.append(
                    ServiceUnit(pemda=pemda, kind=kind, code=code, name=name, kecamatan=region.code)
                )
    ServiceUnit.objects.bulk_create(new, batch_size=500)
    if new:
        audit_event_create(
            action="unit_layanan.contoh",
            pemda=pemda.code,
            object_type="unit_layanan",
            object_id=pemda.code,
            data={"tahun": year, "baru": len(new)},
        )
    return len(new)
