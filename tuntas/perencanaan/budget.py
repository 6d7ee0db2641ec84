"""Stage 3 and 4 of a JPD in money: the multi-year plan (``PlanYear``), the year's budget lines
(``BudgetLine``, a sub-kegiatan each), their quarterly realisation (``BudgetRealisation``,
cumulative) and the sub-kegiatan a region adds. Reads first, then writes (keyword-only
``<entity>_<verb>`` functions, one transaction each with its audit row), then the demo seed.

The budget against the costed need: per JPD the shortfall in Rupiah and the recipients left
unserved, from the engine (``perhitungan.kebutuhan.budget_shortfall`` /
``unserved_recipients``: the rule is documented there).

The quarterly entry's pagu and realisasi become the sums of the JPD's lines where lines exist:
:func:`entry_budget_for` answers ``pendataan``'s budget interface (registered in
``PerencanaanConfig.ready``); every change of a line or a realisation refreshes the stored
entries of that JPD-year through ``pendataan.services.entry_budget_refresh``, which respects the
workflow's locks."""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from tuntas.core.errors import DomainError
from tuntas.core.formatting import rupiah
from tuntas.core.services import audit_event_create
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda, PerangkatDaerah
from tuntas.organisasi.selectors import pengampu_ids
from tuntas.pendataan.locks import ensure_writable
from tuntas.pendataan.services import entry_budget_refresh
from tuntas.perencanaan.models import (
    BudgetLine,
    BudgetRealisation,
    FundingSource,
    PlanYear,
    SubKegiatan,
)
from tuntas.perencanaan.nomenclature import codes_for_jpd
from tuntas.perencanaan.selectors import JpdNeeds, jpd_needs, pemda_needs, plan_years
from tuntas.perhitungan.batas import COUNT_MAX, RUPIAH_WHOLE_MAX
from tuntas.perhitungan.kebutuhan import (
    budget_shortfall,
    money_total,
    recipients_short,
    unserved_recipients,
)

PLAN_SPAN = 5  # years of a multi-year plan (an RPJMD's span)
VOLUME_MAX = Decimal(10**12) - Decimal("0.01")  # DecimalField(max_digits=14, decimal_places=2)


class BudgetInvalid(DomainError):
    """Field-level problems; ``errors`` maps a field name to an Indonesian message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# --- reads ------------------------------------------------------------------------------------


def subkegiatan_for_pemda(pemda: Pemda) -> list[SubKegiatan]:
    """The codes a pemda's lines may use: those Tuntas ships and the pemda's own, by code."""
    return list(
        SubKegiatan.objects.filter(Q(pemda__isnull=True) | Q(pemda=pemda)).order_by("code", "pk")
    )


def subkegiatan_local(pemda: Pemda) -> list[SubKegiatan]:
    return list(SubKegiatan.objects.filter(pemda=pemda).order_by("code"))


def subkegiatan_national() -> list[SubKegiatan]:
    return list(SubKegiatan.objects.filter(pemda__isnull=True).order_by("code"))


def subkegiatan_get(pemda: Pemda, pk: int) -> SubKegiatan | None:
    """A code the pemda may use (shipped or its own), or ``None``."""
    sub = SubKegiatan.objects.filter(pk=pk).first()
    if sub is None or (sub.pemda_id is not None and sub.pemda_id != pemda.code):
        return None
    return sub


def subkegiatan_local_get(pemda: Pemda, pk: int) -> SubKegiatan | None:
    return SubKegiatan.objects.filter(pk=pk, pemda=pemda).first()


def subkegiatan_used(sub: SubKegiatan) -> bool:
    return BudgetLine.objects.filter(sub_kegiatan=sub).exists()


def opd_choices(pemda: Pemda) -> list[PerangkatDaerah]:
    return list(PerangkatDaerah.objects.filter(pemda=pemda))


def opd_get(pemda: Pemda, pk: int) -> PerangkatDaerah | None:
    return PerangkatDaerah.objects.filter(pemda=pemda, pk=pk).first()


def line_get(pemda: Pemda, year: int, pk: int) -> BudgetLine | None:
    """A budget line of the pemda and year (``None`` otherwise: 404 for the views)."""
    return (
        BudgetLine.objects.filter(pemda=pemda, year=year, pk=pk)
        .select_related("jpd", "sub_kegiatan", "opd")
        .first()
    )


def realisation_at(values: dict[int, Decimal], quarter: int) -> Decimal | None:
    """A line's realisation to a quarter's end from its entries per quarter (cumulative): the
    latest entered at or before the quarter (nothing entered since means nothing more spent);
    ``None`` while nothing is entered up to it."""
    known = [q for q in values if q <= quarter]
    return values[max(known)] if known else None


def _realisations(lines: list[BudgetLine]) -> dict[int, dict[int, Decimal]]:
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for r in BudgetRealisation.objects.filter(line__in=[line.pk for line in lines]):
        out[r.line_id][r.quarter] = r.amount
    return out


def entry_budget_for(
    *, pemda: Pemda, jpd: Jpd, year: int, quarter: int
) -> tuple[Decimal, Decimal | None] | None:
    """``pendataan``'s budget provider: ``(pagu, realisasi)`` of a JPD-quarter as the sums of the
    JPD-year's lines (realisasi ``None`` while no line has any to that quarter), or ``None``
    when the JPD-year has no line."""
    lines = list(BudgetLine.objects.filter(pemda=pemda, jpd=jpd, year=year).only("pk", "amount"))
    if not lines:
        return None
    spent = [realisation_at(v, quarter) for v in _realisations(lines).values()]
    known = [s for s in spent if s is not None]
    return money_total(line.amount for line in lines), (money_total(known) if known else None)


@dataclass
class LineRow:
    line: BudgetLine
    realisation: dict[int, Decimal]  # quarter → cumulative amount entered
    can_write: bool = False
    spent: Decimal | None = None  # to the end of the quarter a page shows (``shown_at``)
    own: bool = False  # entered for that quarter itself (not carried from an earlier one)

    def at(self, quarter: int) -> Decimal | None:
        return realisation_at(self.realisation, quarter)

    @property
    def quarters(self) -> list[tuple[int, Decimal | None, bool]]:
        """(quarter, realisation to its end, entered for that quarter itself)."""
        return [(q, self.at(q), q in self.realisation) for q in (1, 2, 3, 4)]


@dataclass
class JpdBudget:
    """One JPD's year: its costed need, its lines and what the budget leaves uncovered."""

    needs: JpdNeeds
    lines: list[LineRow] = field(default_factory=list)
    can_write: bool = False
    spent: Decimal | None = None  # the lines' realisation to the quarter a page shows

    def shown_at(self, quarter: int) -> None:
        """Fill ``spent`` (and each line's ``spent`` and ``own``) for one quarter."""
        for r in self.lines:
            r.spent, r.own = r.at(quarter), quarter in r.realisation
        self.spent = self.realisation(quarter)

    @property
    def jpd(self) -> Jpd:
        return self.needs.jpd

    @property
    def need_cost(self) -> Decimal:
        return self.needs.cost

    @property
    def budget(self) -> Decimal:
        return money_total(r.line.amount for r in self.lines)

    @property
    def shortfall(self) -> Decimal:
        return budget_shortfall(self.need_cost, self.budget)

    @property
    def recipients_short(self) -> int | None:
        return recipients_short(
            ((r.rule, r.gap) for r in self.needs.rows if r.cost is not None), self.needs.sasaran
        )

    @property
    def unserved(self) -> int | None:
        return unserved_recipients(
            sasaran=self.needs.sasaran,
            short=self.recipients_short,
            need_cost=self.need_cost,
            budget=self.budget,
        )

    def realisation(self, quarter: int) -> Decimal | None:
        known = [r.at(quarter) for r in self.lines]
        values = [k for k in known if k is not None]
        return money_total(values) if values else None

    @property
    def by_source(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for r in self.lines:
            out[r.line.funding_source] += r.line.amount
        return {k: out[k] for k in FundingSource.values if k in out}


def budget_overview(pemda: Pemda, year: int) -> list[JpdBudget]:
    """Every JPD of the pemda's level with its costed need and its budget lines (with their
    realisation), in code order."""
    lines = list(
        BudgetLine.objects.filter(pemda=pemda, year=year).select_related(
            "sub_kegiatan", "opd", "jpd"
        )
    )
    spent = _realisations(lines)
    by_jpd: dict[str, list[LineRow]] = defaultdict(list)
    for line in lines:
        by_jpd[line.jpd_id].append(LineRow(line, spent.get(line.pk, {})))
    return [JpdBudget(needs, by_jpd.get(needs.jpd.code, [])) for needs in pemda_needs(pemda, year)]


def budget_totals(jpds: list[JpdBudget]) -> dict[str, object]:
    """The year over every JPD: costed need, budget, shortfall and recipients left unserved."""
    return {
        "need": money_total(j.need_cost for j in jpds),
        "budget": money_total(j.budget for j in jpds),
        "shortfall": money_total(j.shortfall for j in jpds),
        "unserved": sum(j.unserved or 0 for j in jpds),
    }


def jpds_for_pemda(pemda: Pemda) -> list[Jpd]:
    """The JPD of the pemda's level, in code order."""
    return list(Jpd.objects.filter(level=pemda.level).order_by("code"))


def jpd_pengampu(pemda: Pemda) -> dict[str, int]:
    """JPD code → its pengampu OPD's id (who writes its lines besides the SPM team)."""
    return pengampu_ids(pemda=pemda)


@dataclass(frozen=True)
class PlanRow:
    year: int
    stored: PlanYear | None
    need_cost: Decimal  # the costed need of the year (stage 2), beside the planned cost
    sasaran: int | None  # the year's target as stage 2 uses it (annual target or registry)
    budget: Decimal  # the year's budget lines

    @property
    def target(self) -> int | None:
        return self.stored.target if self.stored else None

    @property
    def planned_cost(self) -> Decimal | None:
        return self.stored.planned_cost if self.stored else None

    @property
    def note(self) -> str:
        return self.stored.note if self.stored else ""


def plan_window(start: int | None, today: date | None = None) -> list[int]:
    """The five years of a plan starting at ``start`` (this year when ``None``), all inside the
    years a plan may cover; raises ``ValueError`` outside them."""
    allowed = set(plan_years(today))
    first = (today or date.today()).year if start is None else start
    years = list(range(first, first + PLAN_SPAN))
    if not set(years) <= allowed:
        raise ValueError("tahun rencana di luar jangkauan")
    return years


def plan_starts(today: date | None = None) -> list[int]:
    """The first years a five-year window may start at, newest first."""
    allowed = set(plan_years(today))
    return [y for y in sorted(allowed, reverse=True) if y + PLAN_SPAN - 1 in allowed]


def plan_rows(pemda: Pemda, jpd: Jpd, years: list[int]) -> list[PlanRow]:
    stored = {p.year: p for p in PlanYear.objects.filter(pemda=pemda, jpd=jpd, year__in=years)}
    budgets: dict[int, Decimal] = defaultdict(Decimal)
    for year, amount in BudgetLine.objects.filter(pemda=pemda, jpd=jpd, year__in=years).values_list(
        "year", "amount"
    ):
        budgets[year] += amount
    rows = []
    for year in years:
        needs = jpd_needs(pemda, jpd, year)
        rows.append(PlanRow(year, stored.get(year), needs.cost, needs.sasaran, budgets[year]))
    return rows


# --- writes -----------------------------------------------------------------------------------


def _whole_rupiah(value: Decimal, name: str, errors: dict[str, str]) -> None:
    if value < 0:
        errors[name] = gettext("Nilai rupiah tidak boleh negatif.")
    elif value != value.to_integral_value():
        errors[name] = gettext("Nilai rupiah harus bilangan bulat (rupiah utuh).")
    elif value > RUPIAH_WHOLE_MAX:
        errors[name] = gettext("Nilai rupiah terlalu besar.")


@transaction.atomic
def subkegiatan_create(*, pemda: Pemda, code: str, name: str, actor: User | None) -> SubKegiatan:
    """A sub-kegiatan the region adds (its own code and name, source "daerah")."""
    code, name = code.strip(), " ".join(name.split())
    errors: dict[str, str] = {}
    if not code or len(code) > 40:
        errors["kode"] = gettext("Kode wajib diisi (paling panjang 40 karakter).")
    if not name:
        errors["nama"] = gettext("Nama wajib diisi.")
    if not errors and SubKegiatan.objects.filter(code=code, pemda__isnull=True).exists():
        errors["kode"] = gettext("Kode %(kode)s sudah tersedia dari Tuntas.") % {"kode": code}
    if not errors and SubKegiatan.objects.filter(code=code, pemda=pemda).exists():
        errors["kode"] = gettext("Kode %(kode)s sudah ditambahkan.") % {"kode": code}
    if errors:
        raise BudgetInvalid(errors)
    sub = SubKegiatan.objects.create(
        pemda=pemda, code=code, name=name, source=gettext("ditambahkan daerah")
    )
    audit_event_create(
        action="subkegiatan.tambah",
        actor=actor,
        pemda=pemda.code,
        object_type="subkegiatan",
        object_id=code,
        data={"nama": name},
    )
    return sub


@transaction.atomic
def subkegiatan_delete(*, pemda: Pemda, sub: SubKegiatan, actor: User | None) -> None:
    """Remove a code the region added, unless a budget line uses it."""
    if sub.pemda_id != pemda.code:
        raise DomainError(gettext("Kode dari Tuntas tidak dapat dihapus."))
    if subkegiatan_used(sub):
        raise DomainError(
            gettext("Kode %(kode)s dipakai baris anggaran; hapus barisnya dahulu.")
            % {"kode": sub.code}
        )
    code = sub.code
    sub.delete()
    audit_event_create(
        action="subkegiatan.hapus",
        actor=actor,
        pemda=pemda.code,
        object_type="subkegiatan",
        object_id=code,
    )


@dataclass(frozen=True)
class LineInput:
    sub_kegiatan: SubKegiatan
    amount: Decimal
    funding_source: str = FundingSource.APBD
    opd: PerangkatDaerah | None = None
    volume: Decimal | None = None
    unit: str = ""
    note: str = ""


def _line_validate(pemda: Pemda, data: LineInput, spent: Decimal | None) -> None:
    errors: dict[str, str] = {}
    sub = data.sub_kegiatan
    if sub.pemda_id is not None and sub.pemda_id != pemda.code:
        errors["sub_kegiatan"] = gettext("Sub-kegiatan tidak dikenal.")
    if data.opd is not None and data.opd.pemda_id != pemda.code:
        errors["opd"] = gettext("Perangkat daerah tidak dikenal.")
    if data.funding_source not in FundingSource.values:
        errors["funding_source"] = gettext("Sumber dana tidak dikenal.")
    _whole_rupiah(data.amount, "amount", errors)
    if data.volume is not None and not (0 <= data.volume <= VOLUME_MAX):
        errors["volume"] = gettext("Volume harus 0 sampai %(max)s.") % {"max": COUNT_MAX}
    if len(data.unit) > 60:
        errors["unit"] = gettext("Satuan paling panjang 60 karakter.")
    if "amount" not in errors and spent is not None and data.amount < spent:
        errors["amount"] = gettext(
            "Pagu (%(p)s) tidak boleh di bawah realisasi yang sudah dicatat (%(r)s)."
        ) % {"p": rupiah(data.amount), "r": rupiah(spent)}
    if errors:
        raise BudgetInvalid(errors)


def _line_fields(line: BudgetLine) -> dict[str, object]:
    return {
        "sub_kegiatan": line.sub_kegiatan.code,
        "opd": line.opd_id,
        "pagu": str(line.amount),
        "sumber_dana": line.funding_source,
        "volume": None if line.volume is None else str(line.volume),
        "satuan": line.unit,
        "catatan": line.note,
    }


def _line_key(line: BudgetLine) -> str:
    return f"{line.pemda_id}/{line.year}/{line.jpd_id}/{line.pk}"


def _apply(line: BudgetLine, data: LineInput) -> None:
    line.sub_kegiatan = data.sub_kegiatan
    line.amount = data.amount
    line.funding_source = data.funding_source
    line.opd = data.opd
    line.volume = data.volume
    line.unit = data.unit.strip()
    line.note = data.note.strip()


@transaction.atomic
def budget_line_create(
    *, pemda: Pemda, jpd: Jpd, year: int, data: LineInput, actor: User | None
) -> BudgetLine:
    """Add a budget line to a JPD's year; the stored entries of the JPD-year take the new sums
    (quarters the workflow locks keep what they reported)."""
    if jpd.level != pemda.level:
        raise DomainError(gettext("JPD ini bukan untuk tingkat pemerintahan daerah ini."))
    if year not in plan_years():
        raise DomainError(gettext("Tahun tidak dikenal."))
    _line_validate(pemda, data, None)
    line = BudgetLine(pemda=pemda, jpd=jpd, year=year, sub_kegiatan=data.sub_kegiatan,
                      amount=data.amount)  # fmt: skip
    _apply(line, data)
    line.save()
    audit_event_create(
        action="anggaran.tambah",
        actor=actor,
        pemda=pemda.code,
        object_type="baris_anggaran",
        object_id=_line_key(line),
        data={"baru": _line_fields(line)},
    )
    entry_budget_refresh(pemda=pemda, jpd=jpd, year=year, actor=actor)
    return line


def _spent_max(line: BudgetLine) -> Decimal | None:
    amounts = list(BudgetRealisation.objects.filter(line=line).values_list("amount", flat=True))
    return max(amounts) if amounts else None


@transaction.atomic
def budget_line_update(*, line: BudgetLine, data: LineInput, actor: User | None) -> BudgetLine:
    """Change a line (its JPD and year stay); the pagu may not fall below what it has spent."""
    line = BudgetLine.objects.select_for_update().select_related("sub_kegiatan").get(pk=line.pk)
    pemda = line.pemda
    _line_validate(pemda, data, _spent_max(line))
    before = _line_fields(line)
    _apply(line, data)
    line.save()
    after = _line_fields(line)
    changes = [{"kolom": k, "lama": before[k], "baru": after[k]} for k in after
               if before[k] != after[k]]  # fmt: skip
    if changes:
        audit_event_create(
            action="anggaran.ubah",
            actor=actor,
            pemda=pemda.code,
            object_type="baris_anggaran",
            object_id=_line_key(line),
            data={"perubahan": changes},
        )
        entry_budget_refresh(pemda=pemda, jpd=line.jpd, year=line.year, actor=actor)
    return line


@transaction.atomic
def budget_line_delete(*, line: BudgetLine, actor: User | None) -> None:
    """Remove a line and its realisation; the stored entries take the remaining lines' sums
    (with no line left, they keep their last values and are typed again)."""
    line = BudgetLine.objects.select_for_update().select_related("sub_kegiatan").get(pk=line.pk)
    pemda, jpd, year = line.pemda, line.jpd, line.year
    fields = _line_fields(line)
    key = _line_key(line)
    line.delete()
    audit_event_create(
        action="anggaran.hapus",
        actor=actor,
        pemda=pemda.code,
        object_type="baris_anggaran",
        object_id=key,
        data={"lama": fields},
    )
    entry_budget_refresh(pemda=pemda, jpd=jpd, year=year, actor=actor)


@transaction.atomic
def budget_realisation_set(
    *, line: BudgetLine, quarter: int, amount: Decimal | None, actor: User | None
) -> None:
    """A line's realisation to a quarter's end (cumulative; ``None`` removes it): not above the
    line's pagu, not below an earlier quarter's, not above a later one's. A quarter the workflow
    locks refuses the change with the lock's message (``EntryLocked``); the stored entries of
    the JPD-year take the new sums."""
    if quarter not in (1, 2, 3, 4):
        raise DomainError(gettext("Triwulan harus 1–4."))
    line = BudgetLine.objects.select_related("pemda", "jpd").get(pk=line.pk)
    pemda, jpd = line.pemda, line.jpd
    # the workflow's row locks first (report, JPD), as every write to an entry takes them
    ensure_writable(pemda=pemda, jpd=jpd, year=line.year, quarter=quarter)
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    values = {
        r.quarter: r.amount for r in BudgetRealisation.objects.filter(line=line).order_by("quarter")
    }
    old = values.get(quarter)
    if amount is not None:
        errors: dict[str, str] = {}
        _whole_rupiah(amount, "realisasi", errors)
        if not errors and amount > line.amount:
            errors["realisasi"] = gettext("Realisasi (%(r)s) melebihi pagu baris ini (%(p)s).") % {
                "r": rupiah(amount),
                "p": rupiah(line.amount),
            }
        earlier = [v for q, v in values.items() if q < quarter]
        later = [v for q, v in values.items() if q > quarter]
        if not errors and earlier and amount < max(earlier):
            errors["realisasi"] = gettext(
                "Realisasi kumulatif TW%(q)s (%(r)s) tidak boleh di bawah triwulan sebelumnya "
                "(%(e)s)."
            ) % {"q": quarter, "r": rupiah(amount), "e": rupiah(max(earlier))}
        if not errors and later and amount > min(later):
            errors["realisasi"] = gettext(
                "Realisasi kumulatif TW%(q)s (%(r)s) tidak boleh di atas triwulan sesudahnya "
                "(%(l)s)."
            ) % {"q": quarter, "r": rupiah(amount), "l": rupiah(min(later))}
        if errors:
            raise BudgetInvalid(errors)
    if old == amount:
        return
    if amount is None:
        BudgetRealisation.objects.filter(line=line, quarter=quarter).delete()
    else:
        BudgetRealisation.objects.update_or_create(
            line=line, quarter=quarter, defaults={"pemda": pemda, "amount": amount}
        )
    audit_event_create(
        action="anggaran.realisasi",
        actor=actor,
        pemda=pemda.code,
        object_type="baris_anggaran",
        object_id=_line_key(line),
        data={
            "perubahan": [
                {
                    "kolom": f"realisasi:TW{quarter}",
                    "lama": None if old is None else str(old),
                    "baru": None if amount is None else str(amount),
                }
            ]
        },
    )
    entry_budget_refresh(pemda=pemda, jpd=jpd, year=line.year, actor=actor, quarter=quarter)


@dataclass(frozen=True)
class PlanInput:
    year: int
    target: int | None
    planned_cost: Decimal | None
    note: str = ""


@transaction.atomic
def plan_save(*, pemda: Pemda, jpd: Jpd, rows: list[PlanInput], actor: User | None) -> int:
    """The multi-year plan of a JPD: each year's target, planned cost and note (a year left
    empty removes its row). Returns the number of years changed."""
    if jpd.level != pemda.level:
        raise DomainError(gettext("JPD ini bukan untuk tingkat pemerintahan daerah ini."))
    errors: dict[str, str] = {}
    allowed = set(plan_years())
    for row in rows:
        if row.year not in allowed:
            errors[f"tahun_{row.year}"] = gettext("Tahun %(y)s di luar jangkauan rencana.") % {
                "y": row.year
            }
        if row.target is not None and not (0 <= row.target <= COUNT_MAX):
            errors[f"sasaran_{row.year}"] = gettext("Sasaran di luar batas.")
        if row.planned_cost is not None:
            _whole_rupiah(row.planned_cost, f"biaya_{row.year}", errors)
    if errors:
        raise BudgetInvalid(errors)
    stored = {
        p.year: p
        for p in PlanYear.objects.select_for_update().filter(
            pemda=pemda, jpd=jpd, year__in=[r.year for r in rows]
        )
    }
    changes = []
    for row in rows:
        current = stored.get(row.year)
        old = (current.target, current.planned_cost, current.note) if current else (None, None, "")
        new = (row.target, row.planned_cost, row.note.strip())
        if old == new:
            continue
        if new == (None, None, ""):
            if current is not None:
                current.delete()
        elif current is None:
            PlanYear.objects.create(pemda=pemda, jpd=jpd, year=row.year, target=new[0],
                                    planned_cost=new[1], note=new[2])  # fmt: skip
        else:
            current.target, current.planned_cost, current.note = new
            current.save()
        changes.append(
            {
                "tahun": row.year,
                "lama": [old[0], None if old[1] is None else str(old[1]), old[2]],
                "baru": [new[0], None if new[1] is None else str(new[1]), new[2]],
            }
        )
    if changes:
        audit_event_create(
            action="rencana.simpan",
            actor=actor,
            pemda=pemda.code,
            object_type="rencana",
            object_id=f"{pemda.code}/{jpd.code}",
            data={"perubahan": changes},
        )
    return len(changes)


# --- demo -------------------------------------------------------------------------------------


def _share(pemda: Pemda, jpd: Jpd) -> Decimal:
    """A deterministic share of the costed need, 60–110 %, per pemda and JPD."""
    return Decimal(60 + zlib.crc32(f"{pemda.code}/{jpd.code}".encode()) % 51) / 100


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


# cumulative realisation to the end of TW1–TW3, as a share of a line's pagu
DEMO_SPENT = {1: Decimal("0.20"), 2: Decimal("0.45"), 3: Decimal("0.70")}


@transaction.atomic
def demo_budget_seed(*, pemda: Pemda, year: int) -> dict[str, int]:
    """Synthetic plan and budget for a demo pemda: for every JPD with a target, a five-year
    plan from ``year`` (target +1 % a year, planned cost = the costed need +5 % a year), and for
    ``year`` one budget line per funding source of its costed need, on the first shipped
    sub-kegiatan of the JPD, at a deterministic 60–110 % of that cost, with cumulative
    realisation to TW1–TW3 (20, 45, 70 %). JPD without a costed need or a shipped code get no
    line. Idempotent: a JPD-year that has lines, or a plan year that exists, is left alone.
    Only pemda marked ``is_demo``."""
    if not pemda.is_demo:
        raise DomainError(gettext("Data contoh hanya untuk pemda demo."))
    subs = {s.code: s for s in SubKegiatan.objects.filter(pemda__isnull=True)}
    pengampu = pengampu_ids(pemda=pemda)
    opds = {o.pk: o for o in PerangkatDaerah.objects.filter(pemda=pemda)}
    has_lines = set(
        BudgetLine.objects.filter(pemda=pemda, year=year).values_list("jpd_id", flat=True)
    )
    planned = set(
        PlanYear.objects.filter(pemda=pemda, year__gte=year, year__lt=year + PLAN_SPAN)
        .values_list("jpd_id", "year")
    )  # fmt: skip
    counts = {"rencana": 0, "baris": 0, "realisasi": 0}
    for needs in pemda_needs(pemda, year):
        jpd = needs.jpd
        if needs.sasaran is not None:
            for i in range(PLAN_SPAN):
                if (jpd.code, year + i) in planned:
                    continue
                growth = Decimal("1.01") ** i
                PlanYear.objects.create(
                    pemda=pemda,
                    jpd=jpd,
                    year=year + i,
                    target=int(_whole(needs.sasaran * growth)),
                    planned_cost=_whole(needs.cost * Decimal("1.05") ** i),
                    note=gettext("Data contoh"),
                )
                counts["rencana"] += 1
        codes = [c for c in codes_for_jpd(jpd.code) if c in subs]
        if jpd.code in has_lines or not codes or not needs.cost:
            continue
        share = _share(pemda, jpd)
        opd_id = pengampu.get(jpd.code)
        for source, cost in needs.cost_by_source.items():
            amount = _whole(cost * share)
            if not amount:
                continue
            line = BudgetLine.objects.create(
                pemda=pemda,
                jpd=jpd,
                year=year,
                sub_kegiatan=subs[codes[0]],
                opd=opds.get(opd_id) if opd_id else None,
                amount=amount,
                funding_source=source,
                volume=Decimal(needs.sasaran) if needs.sasaran is not None else None,
                unit=gettext("orang") if needs.sasaran is not None else "",
                note=gettext("Data contoh"),
            )
            counts["baris"] += 1
            for quarter, part in DEMO_SPENT.items():
                BudgetRealisation.objects.create(
                    pemda=pemda, line=line, quarter=quarter, amount=_whole(amount * part)
                )
                counts["realisasi"] += 1
        entry_budget_refresh(pemda=pemda, jpd=jpd, year=year, actor=None)
    audit_event_create(
        action="anggaran.contoh", pemda=pemda.code, object_type="anggaran",
        object_id=f"{pemda.code}/{year}", data=counts,
    )  # fmt: skip
    return counts
