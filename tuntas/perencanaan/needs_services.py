"""Writes of stage 2 (needs) of a JPD and year: the needs table (available quantity, the need
stated where the rule gives no quantity, the funding source) with an optimistic version check
per row, carrying last year's available quantities, the import of available quantities for a
year, the region's local items, and the demo figures. Each write is one transaction with its
audit row, each changed value as ``{"kolom", "lama", "baru"}``."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext

from tuntas.core.errors import DomainError
from tuntas.core.services import audit_event_create
from tuntas.core.tabular import CountError, parse_count
from tuntas.katalog.models import Jpd, MutuItem
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.services import mutu_items_for
from tuntas.perencanaan.models import FundingSource, NeedItem
from tuntas.perencanaan.selectors import pemda_needs, rule_of
from tuntas.perencanaan.units import (
    ImportSummary,
    RowProblem,
    cell_raw,
    cell_text,
    kind_normalise,
    refused_for,
    table_upload_read,
)
from tuntas.perhitungan.batas import COUNT_MAX
from tuntas.perhitungan.kebutuhan import BASES, NeedRule, NeedRuleError

LOCAL_PREFIX = "L"


def local_key(item: NeedItem) -> str:
    """How a local item is named in forms, files and the API: ``L`` and its number."""
    return f"{LOCAL_PREFIX}{item.pk}"


def _object_id(pemda: Pemda, jpd: Jpd, year: int) -> str:
    return f"{pemda.code}/{year}/{jpd.code}"


class NeedsInvalid(DomainError):
    """Field problems; ``errors`` maps a form field name to an Indonesian message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class NeedsConflict(DomainError):
    """Rows saved by someone else after the user opened the page; ``current`` maps their key
    to the version stored now. Nothing was saved."""

    def __init__(self, current: dict[str, int]) -> None:
        super().__init__(
            gettext(
                "Sebagian baris sudah diubah oleh pengguna lain setelah Anda membuka halaman "
                "ini. Tidak ada yang disimpan; periksa nilai tersimpan lalu simpan kembali."
            )
        )
        self.current = current


@dataclass(frozen=True)
class NeedRowInput:
    key: str  # the catalog item's code, or ``L<id>`` for a local item
    version: int
    available: int | None
    stated_required: int | None = None
    funding_source: str = FundingSource.APBD


def _states_need(rule: NeedRule | None) -> bool:
    """The region states the need itself where the rule gives no quantity."""
    return rule is None or rule.basis == "sesuai_kebutuhan"


def _row_values(item: NeedItem | None) -> dict[str, object]:
    if item is None:
        return {"tersedia": None, "ditetapkan": None, "sumber_dana": FundingSource.APBD.value}
    return {
        "tersedia": item.available,
        "ditetapkan": item.stated_required,
        "sumber_dana": item.funding_source,
    }


def _catalog_items(jpd: Jpd, year: int) -> dict[str, MutuItem]:
    return {i.code: i for i in mutu_items_for(jpd=jpd, year=year)}


def _check_jpd(pemda: Pemda, jpd: Jpd) -> None:
    if jpd.level != pemda.level:
        raise DomainError(gettext("JPD ini bukan untuk tingkat pemerintahan daerah ini."))


@transaction.atomic
def needs_save(
    *,
    pemda: Pemda,
    jpd: Jpd,
    year: int,
    rows: list[NeedRowInput],
    actor: User | None,
) -> int:
    """Save the needs table of a JPD and year, all rows or none: refused
    (:class:`NeedsConflict`) when any row was saved by someone else since its ``version`` was
    read. A catalog item gets its ``NeedItem`` row on its first value. Returns the number of
    rows changed."""
    _check_jpd(pemda, jpd)
    catalog = _catalog_items(jpd, year)
    stored = list(NeedItem.objects.select_for_update().filter(pemda=pemda, jpd=jpd, year=year))
    by_code = {n.mutu_code: n for n in stored if n.mutu_code}
    locals_ = {local_key(n): n for n in stored if not n.mutu_code}
    errors: dict[str, str] = {}
    stale: dict[str, int] = {}
    plan: list[tuple[NeedRowInput, NeedItem | None, NeedRule | None, str]] = []
    for row in rows:
        if row.key in catalog:
            mutu = catalog[row.key]
            current = by_code.get(row.key)
            rule = rule_of(mutu.need_basis, mutu.need_quantity, mutu.need_unit)
        elif row.key in locals_:
            current = locals_[row.key]
            rule = rule_of(current.local_basis, current.local_quantity, current.local_service_unit)
        else:
            errors[f"tersedia_{row.key}"] = gettext("Item ini tidak termasuk JPD ini.")
            continue
        for name, value in (("tersedia", row.available), ("ditetapkan", row.stated_required)):
            if value is not None and not 0 <= value <= COUNT_MAX:
                errors[f"{name}_{row.key}"] = gettext("Jumlah di luar batas.")
        if row.stated_required is not None and not _states_need(rule):
            errors[f"ditetapkan_{row.key}"] = gettext(
                "Kebutuhan item ini dihitung dari aturannya; tidak dapat ditetapkan."
            )
        if row.funding_source not in FundingSource.values:
            errors[f"sumber_{row.key}"] = gettext("Sumber dana tidak dikenal.")
        if (current.version if current else 0) != row.version:
            stale[row.key] = current.version if current else 0
        plan.append((row, current, rule, row.key))
    if errors:
        raise NeedsInvalid(errors)
    if stale:
        raise NeedsConflict(stale)
    changes: list[dict[str, object]] = []
    changed = 0
    for row, current, rule, key in plan:
        stated = row.stated_required if _states_need(rule) else None
        after = {"tersedia": row.available, "ditetapkan": stated, "sumber_dana": row.funding_source}
        before = _row_values(current)
        if after == before:
            continue
        item = current or NeedItem(pemda=pemda, jpd=jpd, year=year, mutu_code=key)
        item.available, item.stated_required = row.available, stated
        item.funding_source = row.funding_source
        item.version += 1
        item.updated_by = actor if actor is not None and actor.is_authenticated else None
        item.save()
        changed += 1
        changes += [
            {"kolom": f"{key}.{k}", "lama": before[k], "baru": v}
            for k, v in after.items()
            if before[k] != v
        ]
    if changed:
        audit_event_create(
            action="kebutuhan.simpan",
            actor=actor,
            pemda=pemda.code,
            object_type="kebutuhan",
            object_id=_object_id(pemda, jpd, year),
            data={"perubahan": changes},
        )
    return changed


@transaction.atomic
def needs_available_carry(*, pemda: Pemda, jpd: Jpd, year: int, actor: User | None) -> int:
    """Copy last year's available quantities into this year's rows where this year's is empty:
    catalog items by code (created where missing), local items by name (this year's local items
    only). Returns the number of rows filled."""
    _check_jpd(pemda, jpd)
    catalog = _catalog_items(jpd, year)
    previous = [
        n
        for n in NeedItem.objects.filter(pemda=pemda, jpd=jpd, year=year - 1)
        if n.available is not None
    ]
    current = list(NeedItem.objects.select_for_update().filter(pemda=pemda, jpd=jpd, year=year))
    by_code = {n.mutu_code: n for n in current if n.mutu_code}
    by_name = {n.local_name.casefold(): n for n in current if not n.mutu_code}
    changes: list[dict[str, object]] = []
    for old in previous:
        if old.mutu_code:
            if old.mutu_code not in catalog:
                continue  # no longer an item of this year's version
            item = by_code.get(old.mutu_code) or NeedItem(
                pemda=pemda, jpd=jpd, year=year, mutu_code=old.mutu_code
            )
            key = old.mutu_code
        else:
            found = by_name.get(old.local_name.casefold())
            if found is None:
                continue
            item, key = found, local_key(found)
        if item.available is not None:
            continue
        item.available = old.available
        item.version += 1
        item.updated_by = actor if actor is not None and actor.is_authenticated else None
        item.save()
        changes.append({"kolom": f"{key}.tersedia", "lama": None, "baru": old.available})
    if changes:
        audit_event_create(
            action="kebutuhan.bawa",
            actor=actor,
            pemda=pemda.code,
            object_type="kebutuhan",
            object_id=_object_id(pemda, jpd, year),
            data={"dari_tahun": year - 1, "perubahan": changes},
        )
    return len(changes)


# --------------------------------------------------------------------------- import

AVAILABLE_COLUMNS = ("kode_jpd", "kode_item", "tersedia")


@transaction.atomic
def needs_available_import(
    *,
    pemda: Pemda,
    year: int,
    data: bytes,
    file_name: str,
    may_write: Callable[[str], bool],
    actor: User | None,
) -> ImportSummary:
    """Import available quantities of a year (columns ``kode_jpd, kode_item, tersedia``; a
    local item as ``L<number>``): every bad row reported by row and column and nothing stored on
    any error; a blank ``tersedia`` leaves the value as it is. ``may_write(jpd_code)`` says
    whether the user may write that JPD. Importing the same file twice changes nothing the
    second time."""
    rows, index = table_upload_read(data, required=AVAILABLE_COLUMNS)
    jpds = {j.code: j for j in Jpd.objects.filter(level=pemda.level)}
    catalogs: dict[str, dict[str, MutuItem]] = {}
    stored: dict[tuple[str, str], NeedItem] = {}
    for n in NeedItem.objects.select_for_update().filter(pemda=pemda, year=year):
        stored[(n.jpd_id, n.mutu_code or local_key(n))] = n
    problems: list[RowProblem] = []
    wanted: dict[tuple[str, str], tuple[int, int]] = {}  # (jpd, item) → (row, tersedia)
    for row in rows:
        jpd_code = cell_text(row, index, "kode_jpd")
        item_code = cell_text(row, index, "kode_item").upper()
        raw = cell_raw(row, index, "tersedia")
        jpd = jpds.get(jpd_code)
        if jpd is None:
            problems.append(
                RowProblem(
                    row.number,
                    "kode_jpd",
                    gettext("'%(v)s' bukan JPD pemda ini") % {"v": jpd_code[:20]}
                    if jpd_code
                    else gettext("wajib diisi"),
                )
            )
            continue
        if not may_write(jpd.code):
            problems.append(
                RowProblem(
                    row.number,
                    "kode_jpd",
                    gettext("Anda tidak dapat mengubah kebutuhan JPD %(jpd)s") % {"jpd": jpd.code},
                )
            )
            continue
        if jpd.code not in catalogs:
            catalogs[jpd.code] = _catalog_items(jpd, year)
        known = item_code in catalogs[jpd.code] or (
            item_code.startswith(LOCAL_PREFIX) and (jpd.code, item_code) in stored
        )
        if not known:
            problems.append(
                RowProblem(
                    row.number,
                    "kode_item",
                    gettext("'%(v)s' bukan item JPD %(jpd)s tahun %(year)d")
                    % {"v": item_code[:20], "jpd": jpd.code, "year": year}
                    if item_code
                    else gettext("wajib diisi"),
                )
            )
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue  # blank: left as it is
        try:
            amount = parse_count(raw)
        except CountError as exc:
            problems.append(RowProblem(row.number, "tersedia", str(exc)))
            continue
        if amount > COUNT_MAX:
            problems.append(RowProblem(row.number, "tersedia", gettext("terlalu besar")))
            continue
        key = (jpd.code, item_code)
        if key in wanted:
            problems.append(
                RowProblem(
                    row.number,
                    "kode_item",
                    gettext("item ini sudah ada di baris %(row)d") % {"row": wanted[key][0]},
                )
            )
            continue
        wanted[key] = (row.number, amount)
    if problems:
        raise refused_for(problems)
    created = updated = unchanged = 0
    changes: list[dict[str, object]] = []
    for (jpd_code, item_code), (_number, amount) in wanted.items():
        item = stored.get((jpd_code, item_code))
        if item is not None and item.available == amount:
            unchanged += 1
            continue
        before = item.available if item is not None else None
        if item is None:
            item = NeedItem(pemda=pemda, jpd=jpds[jpd_code], year=year, mutu_code=item_code)
            created += 1
        else:
            updated += 1
        item.available = amount
        item.version += 1
        item.updated_by = actor if actor is not None and actor.is_authenticated else None
        item.save()
        changes.append(
            {"kolom": f"{jpd_code}.{item_code}.tersedia", "lama": before, "baru": amount}
        )
    summary = ImportSummary(created, updated, unchanged)
    audit_event_create(
        action="kebutuhan.impor",
        actor=actor,
        pemda=pemda.code,
        object_type="kebutuhan",
        object_id=f"{pemda.code}/{year}",
        data={"berkas": file_name[:255], "perubahan": changes},
    )
    return summary


def available_template_rows(
    pemda: Pemda, year: int, jpd_codes: set[str] | None
) -> list[tuple[str, str, str, str, str]]:
    """The rows of the import template: every item (catalog, then local) of the JPD the user
    may write (``None``: all), with its name, unit and what is available now."""
    out = []
    for needs in pemda_needs(pemda, year):
        if jpd_codes is not None and needs.jpd.code not in jpd_codes:
            continue
        for r in needs.rows:
            key = r.code or (local_key(r.stored) if r.stored else "")
            available = "" if r.available is None else str(r.available)
            out.append((needs.jpd.code, key, r.name, r.unit, available))
    return out


# --------------------------------------------------------------------------- local items

MAX_LOCAL_NAME = 300
MAX_LOCAL_UNIT = 60
MAX_LOCAL_KIND = 40
QUANTITY_MAX = Decimal("99999999.9999")  # NeedItem.local_quantity: 12 digits, 4 decimals


@dataclass(frozen=True)
class LocalItemInput:
    name: str
    unit: str
    basis: str
    quantity: Decimal | None
    service_unit: str = ""


def _local_problems(data: LocalItemInput) -> tuple[LocalItemInput, dict[str, str]]:
    """The input normalised, and its problems (field → message); the rule is checked by the
    engine (``NeedRule``), whose errors become the fields' errors."""
    clean = LocalItemInput(
        name=" ".join(data.name.split()),
        unit=data.unit.strip(),
        basis=data.basis.strip(),
        quantity=data.quantity,
        service_unit=kind_normalise(data.service_unit) if data.basis == "unit_layanan" else "",
    )
    errors: dict[str, str] = {}
    if not clean.name:
        errors["nama"] = gettext("Nama item wajib diisi.")
    elif len(clean.name) > MAX_LOCAL_NAME:
        errors["nama"] = gettext("Paling banyak %(max)d karakter.") % {"max": MAX_LOCAL_NAME}
    if len(clean.unit) > MAX_LOCAL_UNIT:
        errors["satuan"] = gettext("Paling banyak %(max)d karakter.") % {"max": MAX_LOCAL_UNIT}
    if len(clean.service_unit) > MAX_LOCAL_KIND:
        errors["unit_layanan"] = gettext("Paling banyak %(max)d karakter.") % {
            "max": MAX_LOCAL_KIND
        }
    quantity = clean.quantity
    if quantity is not None:
        try:
            if abs(quantity) > QUANTITY_MAX or quantity != quantity.quantize(Decimal("0.0001")):
                errors["jumlah"] = gettext(
                    "Jumlah paling banyak 99.999.999 dengan paling banyak 4 angka desimal."
                )
        except InvalidOperation:
            errors["jumlah"] = gettext("Jumlah bukan angka.")
    if "jumlah" not in errors:
        try:
            NeedRule(
                clean.basis,
                Fraction(quantity) if quantity is not None else None,
                clean.service_unit or None,
            )
        except NeedRuleError as exc:
            if clean.basis not in BASES:
                errors["dasar"] = str(exc)
            elif clean.basis == "unit_layanan" and quantity is not None and quantity >= 0:
                errors["unit_layanan"] = str(exc)
            else:
                errors["jumlah"] = str(exc)
    return clean, errors


@transaction.atomic
def local_need_save(
    *,
    pemda: Pemda,
    jpd: Jpd,
    year: int,
    item_id: int | None,
    data: LocalItemInput,
    actor: User | None,
) -> NeedItem:
    """Add a local item to a JPD's needs of a year (``item_id`` None) or change one."""
    _check_jpd(pemda, jpd)
    clean, errors = _local_problems(data)
    item: NeedItem | None = None
    if item_id is not None:
        item = (
            NeedItem.objects.select_for_update()
            .filter(pemda=pemda, jpd=jpd, year=year, mutu_code="", pk=item_id)
            .first()
        )
        if item is None:
            raise DomainError(gettext("Item lokal tidak ditemukan."))
    if errors:
        raise NeedsInvalid(errors)
    before = _local_values(item) if item is not None else {}
    if item is None:
        item = NeedItem(pemda=pemda, jpd=jpd, year=year, mutu_code="")
    item.local_name, item.local_unit, item.local_basis = clean.name, clean.unit, clean.basis
    item.local_quantity = clean.quantity
    item.local_service_unit = clean.service_unit
    if clean.basis != "sesuai_kebutuhan":
        item.stated_required = None  # computed from the rule now
    item.version += 1
    item.updated_by = actor if actor is not None and actor.is_authenticated else None
    item.save()
    after = _local_values(item)
    audit_event_create(
        action="kebutuhan.lokal_ubah" if before else "kebutuhan.lokal_tambah",
        actor=actor,
        pemda=pemda.code,
        object_type="kebutuhan",
        object_id=f"{_object_id(pemda, jpd, year)}/{local_key(item)}",
        data={
            "perubahan": [
                {"kolom": k, "lama": before.get(k), "baru": v}
                for k, v in after.items()
                if before.get(k) != v
            ]
        },
    )
    return item


def _local_values(item: NeedItem) -> dict[str, object]:
    return {
        "nama": item.local_name,
        "satuan": item.local_unit,
        "dasar": item.local_basis,
        "jumlah": None if item.local_quantity is None else str(item.local_quantity.normalize()),
        "unit_layanan": item.local_service_unit,
        "ditetapkan": item.stated_required,
        "tersedia": item.available,
        "sumber_dana": item.funding_source,
    }


@transaction.atomic
def local_need_delete(
    *, pemda: Pemda, jpd: Jpd, year: int, item_id: int, actor: User | None
) -> None:
    item = (
        NeedItem.objects.select_for_update()
        .filter(pemda=pemda, jpd=jpd, year=year, mutu_code="", pk=item_id)
        .first()
    )
    if item is None:
        raise DomainError(gettext("Item lokal tidak ditemukan."))
    key = local_key(item)
    values = _local_values(item)
    item.delete()
    audit_event_create(
        action="kebutuhan.lokal_hapus",
        actor=actor,
        pemda=pemda.code,
        object_type="kebutuhan",
        object_id=f"{_object_id(pemda, jpd, year)}/{key}",
        data={"perubahan": [{"kolom": k, "lama": v, "baru": None} for k, v in values.items()]},
    )


# --------------------------------------------------------------------------- demo


@transaction.atomic
def demo_needs_seed(*, pemda: Pemda, year: int) -> int:
    """Demo figures for a demo pemda: for every catalog item of every JPD with a target, the
    available quantity is 50–100 % of the required one (where the rule gives no quantity, the
    need is stated as one per recipient of the target first). Deterministic (one seeded
    generator per pemda and year); rows that already have an available quantity are kept.
    Returns the number of rows filled."""
    if not pemda.is_demo:
        raise DomainError(gettext("Hanya pemda data contoh yang dapat diisi data contoh."))
    rng = random.Random(f"tuntas-contoh:kebutuhan:{pemda.code}:{year}")
    new: list[NeedItem] = []
    changed: list[NeedItem] = []
    for needs in pemda_needs(pemda, year):
        if needs.sasaran is None:
            continue
        for row in needs.rows:
            if row.local:
                continue
            share = rng.randint(50, 100)
            stored = row.stored
            if stored is not None and stored.available is not None:
                continue
            required, stated = row.required, None
            if required is None and _states_need(row.rule):
                required = stated = (
                    stored.stated_required
                    if stored and stored.stated_required is not None
                    # staff ("orang"): one per 500 recipients; goods: one per recipient
                    else max(1, -(-needs.sasaran // 500))
                    if needs.sasaran is not None and row.unit == "orang"
                    else needs.sasaran
                )
            if required is None:
                continue  # e.g. a per-unit rule while no unit is counted
            item = stored or NeedItem(pemda=pemda, jpd=needs.jpd, year=year, mutu_code=row.code)
            item.available = required * share // 100
            if stated is not None:
                item.stated_required = stated
            item.version += 1
            (changed if stored else new).append(item)
    NeedItem.objects.bulk_create(new, batch_size=500)
    NeedItem.objects.bulk_update(
        changed, ["available", "stated_required", "version"], batch_size=500
    )
    if new or changed:
        audit_event_create(
            action="kebutuhan.contoh",
            pemda=pemda.code,
            object_type="kebutuhan",
            object_id=f"{pemda.code}/{year}",
            data={"baris": len(new) + len(changed)},
        )
    return len(new) + len(changed)


def available_template_xlsx(pemda: Pemda, year: int, jpd_codes: set[str] | None) -> bytes:
    """The template workbook of the import of available quantities: one row per item of the
    JPD the user may write, ``tersedia`` filled with what is stored (edit it, upload it back);
    ``nama`` and ``satuan`` are for reading only."""
    import io

    import xlsxwriter

    from tuntas.core.safe_write import xlsx_text

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F5"})
    text = book.add_format({"num_format": 49})
    sheet = book.add_worksheet("Tersedia")
    header = ("kode_jpd", "kode_item", "nama", "satuan", "tersedia")
    widths = (12, 10, 60, 14, 14)
    for col, (name, width) in enumerate(zip(header, widths, strict=True)):
        xlsx_text(sheet, 0, col, name, bold)
        sheet.set_column(col, col, width, None if name == "tersedia" else text)
    for number, row in enumerate(available_template_rows(pemda, year, jpd_codes), start=1):
        for col, value in enumerate(row[:4]):
            xlsx_text(sheet, number, col, value)
        if row[4]:
            sheet.write_number(number, 4, int(row[4]))
    sheet.freeze_panes(1, 0)
    info = book.add_worksheet("Petunjuk")
    info.set_column(0, 0, 14)
    info.set_column(1, 1, 100)
    lines = [
        ("Pemda", f"{pemda.code} {pemda.name}"),
        ("Tahun", str(year)),
        ("", ""),
        ("tersedia", "Jumlah yang tersedia (bilangan bulat). Kosong: nilai tersimpan tidak "
                     "diubah."),
        ("kode_item", "Kode item mutu katalog (B01, S01, ...) atau L dan nomor item lokal."),
        ("", "Bila ada baris yang salah, tidak ada yang disimpan."),
    ]  # fmt: skip
    for row_number, (key, value) in enumerate(lines):
        xlsx_text(info, row_number, 0, key, bold if key else None)
        xlsx_text(info, row_number, 1, value)
    book.close()
    return output.getvalue()
