"""Turn a read workbook into a preview: every change (old → new per cell) and every problem, named
by sheet, row and column; the service's own rules checked in a trial save that is rolled back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext

from tuntas.akun.scope import Scope
from tuntas.core.errors import DomainError
from tuntas.core.formatting import format_decimal_id, format_int_id
from tuntas.core.tabular import CountError, is_blank, parse_count
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.selectors import pengampu_ids
from tuntas.pendataan.excel.layout import (
    COLUMN_INDEX,
    COLUMNS,
    HEADERS,
    JPD_INPUTS,
    MUTU_INPUTS,
    JpdValues,
    _money_key,
    _norm_text,
    column_letter,
    stored_values,
)
from tuntas.pendataan.excel.read import ParsedWorkbook, SheetRow, redownload
from tuntas.pendataan.models import MutuEntry, QuarterEntry
from tuntas.pendataan.services import (
    EntryConflict,
    EntryInput,
    EntryInvalid,
    entry_save,
    mutu_items_for,
)
from tuntas.perhitungan.batas import COUNT_MAX, RUPIAH_MAX

# --------------------------------------------------------------------------- preview


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: str  # column key
    message: str
    jpd: str = ""  # "1.02.K02 Pelayanan kesehatan ibu bersalin": the JPD the row belongs to

    @property
    def text(self) -> str:
        index = COLUMN_INDEX[self.column]
        values = {
            "sheet": self.sheet,
            "row": self.row,
            "jpd": self.jpd,
            "column": column_letter(index),
            "header": HEADERS[index],  # as the workbook shows it (Indonesian): see COLUMNS
            "message": self.message,
        }
        if self.jpd:
            return (
                gettext(
                    "Lembar %(sheet)s, baris %(row)s (JPD %(jpd)s), kolom %(column)s (%(header)s): "
                    "%(message)s"
                )
                % values
            )
        return (
            gettext("Lembar %(sheet)s, baris %(row)s, kolom %(column)s (%(header)s): %(message)s")
            % values
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": column_letter(COLUMN_INDEX[self.column]),
            "header": HEADERS[COLUMN_INDEX[self.column]],
            "message": self.message,
            "jpd": self.jpd,
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
        "over_budget_reason": data.over_budget_reason,
        "mutu": {str(k): list(v) for k, v in data.mutu.items()},
    }


def input_from_json(data: Mapping[str, Any]) -> EntryInput:
    return EntryInput(
        terlayani=data["terlayani"],
        pagu=None if data["pagu"] is None else Decimal(data["pagu"]),
        realisasi=None if data["realisasi"] is None else Decimal(data["realisasi"]),
        permasalahan=data["permasalahan"],
        solusi=data["solusi"],
        over_target_reason=data["over_target_reason"],
        over_budget_reason=data.get("over_budget_reason", ""),
        mutu={int(k): (v[0], v[1]) for k, v in data["mutu"].items()},
    )


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _value_problem(shown: str, reason: str) -> str:
    """``reason`` is what :func:`tuntas.core.tabular.parse_count` says (translated)."""
    # Translators: %(reason)s is e.g. "bukan angka" / "is not a number".
    return gettext("nilai “%(value)s” %(reason)s.") % {"value": shown, "reason": reason}


def _too_big(shown: str, limit: int) -> str:
    return gettext("nilai “%(value)s” terlalu besar (paling banyak %(max)s).") % {
        "value": shown,
        "max": format_int_id(limit),
    }


def _parse_count_cell(value: Any) -> tuple[int | None, str]:
    if is_blank(value):
        return None, ""
    try:
        count = parse_count(value)
    except CountError as exc:
        return None, _value_problem(_shown(value), str(exc))
    if count > COUNT_MAX:
        return None, _too_big(_shown(value), COUNT_MAX)
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
    if amount > RUPIAH_MAX:
        return None, _too_big(shown, int(RUPIAH_MAX))
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
    opd_ids = pengampu_ids(pemda=pemda, jpd_codes=grouped)
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
                    redownload(
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
    # every error names its JPD (code and name), so a reader of the list knows where to look
    jpd_of_row = {(r.sheet, r.number): r.jpd for r in workbook.rows}
    names = {code: f"{code} {j.name}" for code, j in jpd_objs.items()}
    named = []
    for p in problems:
        row_jpd = jpd_of_row.get((p.sheet, p.row), "")
        named.append(replace(p, jpd=names.get(row_jpd, row_jpd)) if row_jpd else p)
    problems = named
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
            redownload(gettext("Item mutu ini tidak ada lagi di katalog.")),
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
        # the workbook has no column for it: the reason given in the app stays (and without one,
        # realisasi above pagu is refused with the message of the entry form)
        over_budget_reason=entry.over_budget_reason if entry else "",
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
    "over_budget_reason": "realisasi",
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
                        redownload(
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
