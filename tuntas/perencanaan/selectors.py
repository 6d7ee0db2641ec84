"""Reads of stages 2–4. The first argument is the pemda already fetched through the scope check.
Every figure comes from the engine (``perhitungan.kebutuhan``) applied to the stored rows and
the catalog's rules; nothing computed is stored."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from tuntas.katalog.export import need_rule_text
from tuntas.katalog.models import Jpd, MutuItem
from tuntas.katalog.selectors import jpd_version_for_year
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.models import AnnualTarget
from tuntas.penerima.selectors import registry_counts
from tuntas.perencanaan.models import ActivityCost, FundingSource, NeedItem, ServiceUnit
from tuntas.perhitungan.kebutuhan import (
    NeedRule,
    activity_cost,
    money_total,
    need_cost,
    need_gap,
    need_required,
)


def rule_of(basis: str, quantity: Decimal | None, unit: str | None) -> NeedRule | None:
    if not basis:
        return None
    return NeedRule(basis, Fraction(quantity) if quantity is not None else None, unit or None)


def rule_text(rule: NeedRule | None) -> str:
    """The rule as the catalog pages show it: ``90 per penerima``, ``2 per puskesmas``."""
    if rule is None or rule.quantity is None:
        return need_rule_text("sesuai_kebutuhan", None, None)
    q = rule.quantity
    text = str(Decimal(q.numerator) / Decimal(q.denominator)) if q.denominator != 1 else str(q)
    return need_rule_text(rule.basis, text, rule.unit)


@dataclass(frozen=True)
class NeedRow:
    code: str  # the catalog item's code, or "" for a local item
    name: str
    unit: str
    rule: NeedRule | None
    rule_text: str
    required: int | None
    available: int | None
    gap: int | None
    unit_price: Decimal | None
    cost: Decimal | None
    funding_source: str
    stored: NeedItem | None
    local: bool = False


@dataclass
class JpdNeeds:
    jpd: Jpd
    year: int
    sasaran: int | None
    sasaran_source: str  # "sasaran" (annual target) | "daftar" (by-name registry) | ""
    rows: list[NeedRow]
    activity_rows: list[tuple[ActivityCost, Decimal | None]] = field(default_factory=list)

    @property
    def rows_short(self) -> list[NeedRow]:
        """Items with something still missing."""
        return [r for r in self.rows if r.gap]

    @property
    def cost(self) -> Decimal:
        return money_total([r.cost for r in self.rows] + [c for _, c in self.activity_rows])

    @property
    def cost_by_source(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for r in self.rows:
            if r.cost is not None:
                out[r.funding_source] += r.cost
        for a, c in self.activity_rows:
            if c is not None:
                out[a.funding_source] += c
        return {k: out[k] for k in FundingSource.values if k in out}


def service_unit_counts(pemda: Pemda) -> dict[str, int]:
    """Active service units per kind (``puskesmas`` → 12)."""
    counts: dict[str, int] = defaultdict(int)
    for kind in ServiceUnit.objects.filter(pemda=pemda, active=True).values_list("kind", flat=True):
        counts[kind.strip().lower()] += 1
    return dict(counts)


def _items(jpd: Jpd, year: int) -> list[MutuItem]:
    version = jpd_version_for_year(jpd=jpd, year=year)
    return list(version.mutu_items.all()) if version else []


def jpd_sasaran(pemda: Pemda, jpd: Jpd, year: int) -> tuple[int | None, str]:
    """The target needs are computed from: the year's annual target, else the by-name
    registry's count where the region keeps one; ``(None, "")`` without either."""
    target = (
        AnnualTarget.objects.filter(pemda=pemda, jpd=jpd, year=year)
        .values_list("sasaran", flat=True)
        .first()
    )
    if target is not None:
        return target, "sasaran"
    counts = registry_counts(pemda=pemda, jpd=jpd, year=year, quarter=4)
    if counts is not None:
        return counts.sasaran, "daftar"
    return None, ""


def _row(
    *,
    code: str,
    name: str,
    unit: str,
    rule: NeedRule | None,
    stored: NeedItem | None,
    sasaran: int | None,
    units: dict[str, int],
    local: bool,
) -> NeedRow:
    if rule is None or rule.basis == "sesuai_kebutuhan":
        required = stored.stated_required if stored else None
    else:
        count = (
            units.get((rule.unit or "").strip().lower()) if rule.basis == "unit_layanan" else None
        )
        required = need_required(rule, sasaran=sasaran, units=count)
    available = stored.available if stored else None
    gap = need_gap(required, available)
    price = stored.price.price if stored and stored.price else None
    return NeedRow(
        code=code,
        name=name,
        unit=unit,
        rule=rule,
        rule_text=rule_text(rule),
        required=required,
        available=available,
        gap=gap,
        unit_price=price,
        cost=need_cost(gap, price),
        funding_source=stored.funding_source if stored else FundingSource.APBD,
        stored=stored,
        local=local,
    )


def jpd_needs(
    pemda: Pemda, jpd: Jpd, year: int, *, units: dict[str, int] | None = None
) -> JpdNeeds:
    """Every need of one JPD in a year: the catalog's mutu items of the version in force, then
    the region's local items; each with required (the engine, rounded up), available, gap and,
    where a price is linked, the cost of the gap; and the JPD's costed activities."""
    units = service_unit_counts(pemda) if units is None else units
    sasaran, source = jpd_sasaran(pemda, jpd, year)
    stored = list(NeedItem.objects.filter(pemda=pemda, jpd=jpd, year=year).select_related("price"))
    by_code = {n.mutu_code: n for n in stored if n.mutu_code}
    rows = [
        _row(
            code=item.code,
            name=item.name,
            unit=item.unit,
            rule=rule_of(item.need_basis, item.need_quantity, item.need_unit),
            stored=by_code.get(item.code),
            sasaran=sasaran,
            units=units,
            local=False,
        )
        for item in _items(jpd, year)
    ]
    rows += [
        _row(
            code="",
            name=n.local_name,
            unit=n.local_unit,
            rule=rule_of(n.local_basis, n.local_quantity, n.local_service_unit),
            stored=n,
            sasaran=sasaran,
            units=units,
            local=True,
        )
        for n in stored
        if not n.mutu_code
    ]
    activities = [
        (a, _activity_cost(a))
        for a in ActivityCost.objects.filter(pemda=pemda, jpd=jpd, year=year).select_related(
            "price"
        )
    ]
    return JpdNeeds(jpd, year, sasaran, source, rows, activities)


def _activity_cost(activity: ActivityCost) -> Decimal | None:
    price = activity.price.price if activity.price else activity.unit_price
    if price is None:
        return None
    return activity_cost([Fraction(activity.volume)], price)


def pemda_needs(pemda: Pemda, year: int, jpd_code: str | None = None) -> list[JpdNeeds]:
    """The needs of every JPD of the pemda's level (or one), in code order."""
    jpds = Jpd.objects.filter(level=pemda.level).order_by("code")
    if jpd_code is not None:
        jpds = jpds.filter(code=jpd_code)
    units = service_unit_counts(pemda)
    return [jpd_needs(pemda, jpd, year, units=units) for jpd in jpds]


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal(1)))


def needs_document(pemda: Pemda, year: int, jpd_code: str | None = None) -> dict[str, object]:
    """The needs as ``tuntas kebutuhan --json`` and ``GET /api/pemda/{kode}/kebutuhan/{tahun}``
    give them: quantities as integers, money as strings of whole Rupiah (``null`` where no
    price is linked); a local item's ``kode`` is ``L`` and its number. A JPD's ``biaya`` is the
    cost of its items' shortfall plus its costed activities (``biaya_kegiatan``)."""
    jpds = []
    for needs in pemda_needs(pemda, year, jpd_code):
        jpds.append(
            {
                "kode": needs.jpd.code,
                "sasaran": needs.sasaran,
                "sumber_sasaran": needs.sasaran_source,
                "item": [
                    {
                        "kode": r.code or f"L{r.stored.pk if r.stored else ''}",
                        "nama": r.name,
                        "satuan": r.unit,
                        "aturan": r.rule_text,
                        "dibutuhkan": r.required,
                        "tersedia": r.available,
                        "kekurangan": r.gap,
                        "harga_satuan": _money(r.unit_price),
                        "biaya": _money(r.cost),
                    }
                    for r in needs.rows
                ],
                # the costed activities (home visits, outreach, ...): part of "biaya"
                "biaya_kegiatan": _money(money_total(c for _, c in needs.activity_rows)),
                "biaya": _money(needs.cost),
            }
        )
    total = money_total(Decimal(j["biaya"]) for j in jpds if j["biaya"] is not None)  # type: ignore[arg-type]
    return {"pemda": pemda.code, "tahun": year, "jpd": jpds, "total_biaya": _money(total)}


def plan_years(today: date | None = None) -> list[int]:
    """The years a plan may cover, newest first: from 2019 to five years ahead (an RPJMD's
    span), so next year's RKPD and a five-year plan can be costed now."""
    today = today or date.today()
    return list(range(today.year + 5, 2018, -1))
