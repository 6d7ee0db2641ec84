"""Activity costing (``ActivityCost``: step × variable × component × volume × unit price, as the
technical standards' costing tables lay it out) and the cost totals of a pemda's year: per JPD,
per urusan and for the region, each split per funding source.

Every cost comes from the engine (``perhitungan.kebutuhan``) through ``selectors.jpd_needs``:
the gap of each item × its linked price, and each activity's volume × unit price
(``activity_cost``); nothing here multiplies money itself."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tuntas.core.errors import DomainError
from tuntas.core.formatting import format_int_id, waktu
from tuntas.core.safe_write import TitleBlock, xlsx_text, xlsx_title
from tuntas.core.services import audit_event_create
from tuntas.katalog.models import Jpd
from tuntas.katalog.selectors import urusan_list
from tuntas.organisasi.models import Pemda
from tuntas.perencanaan.models import ActivityCost, FundingSource, PriceItem
from tuntas.perencanaan.prices import price_item_by_code
from tuntas.perencanaan.selectors import JpdNeeds, pemda_needs
from tuntas.perhitungan.batas import RUPIAH_WHOLE_MAX
from tuntas.perhitungan.kebutuhan import money_total

VOLUME_MAX = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)
TEXT_MAX = 200
NOTE_MAX = 120
UNIT_MAX = 60
ORDER_MAX = 32767


class ActivityMissing(DomainError):
    """No such activity for this pemda, JPD and year."""


# --- volumes as users type them ---------------------------------------------------------------

_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def parse_volume(text: str) -> Decimal:
    """A volume with at most 2 decimals: ``24``, ``2,5`` (decimal comma), ``2.5``, ``1.000``
    (thousands); :class:`ValueError` with an Indonesian message otherwise."""
    value = text.replace("\u00a0", "").replace(" ", "").strip()
    if not value:
        raise ValueError(gettext("kosong"))
    if value.startswith("-"):
        raise ValueError(gettext("tidak boleh negatif"))
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif _GROUPED.match(value):
        value = value.replace(".", "")
    if len(value) > 32 or not re.fullmatch(r"\d+(?:\.\d+)?", value):
        raise ValueError(gettext("bukan angka"))
    try:
        number = Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above admits only numbers
        raise ValueError(gettext("bukan angka")) from exc
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(gettext("paling banyak 2 angka desimal"))
    if number > VOLUME_MAX:
        raise ValueError(gettext("terlalu besar"))
    return number.quantize(Decimal("0.01"))


def volume_from_note(note: str) -> Decimal | None:
    """The volume a note like ``2 org × 3 hari × 4 kali`` spells out (the product of its
    numbers, decimal comma allowed); ``None`` when it holds no number or the product is not a
    volume of at most 2 decimals within the bound."""
    numbers = _NUMBER.findall(note)
    if not numbers:
        return None
    product = Fraction(1)
    for n in numbers:
        product *= Fraction(n.replace(",", "."))
    value = Decimal(product.numerator) / Decimal(product.denominator)
    if value != value.quantize(Decimal("0.01")) or value > VOLUME_MAX:
        return None
    return value.quantize(Decimal("0.01"))


# --- writes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityInput:
    step: str
    variable: str
    component: str
    volume: Decimal
    volume_note: str
    unit: str
    price_code: str  # an SSH code of the year's list, or ""
    unit_price: Decimal | None  # typed, when no SSH code
    funding_source: str
    order: int = 0


def _checked(pemda: Pemda, year: int, data: ActivityInput) -> PriceItem | None:
    problems = []
    if not data.step.strip() or len(data.step) > TEXT_MAX:
        problems.append(gettext("Langkah kegiatan wajib diisi (paling banyak 200 karakter)."))
    if len(data.variable) > TEXT_MAX:
        problems.append(gettext("Variabel paling banyak 200 karakter."))
    if not data.component.strip() or len(data.component) > TEXT_MAX:
        problems.append(gettext("Komponen wajib diisi (paling banyak 200 karakter)."))
    if len(data.volume_note) > NOTE_MAX:
        problems.append(gettext("Rincian volume paling banyak 120 karakter."))
    if not data.unit.strip() or len(data.unit) > UNIT_MAX:
        problems.append(gettext("Satuan wajib diisi (paling banyak 60 karakter)."))
    if data.volume < 0 or data.volume > VOLUME_MAX:
        problems.append(gettext("Volume di luar batas."))
    if data.funding_source not in FundingSource.values:
        problems.append(gettext("Sumber dana tidak dikenal."))
    if not 0 <= data.order <= ORDER_MAX:
        problems.append(gettext("Urutan di luar batas."))
    price: PriceItem | None = None
    code = data.price_code.strip()
    if code and data.unit_price is not None:
        problems.append(gettext("Isi kode SSH atau harga satuan, tidak keduanya."))
    elif code:
        price = price_item_by_code(pemda, year, code)
        if price is None:
            problems.append(
                gettext("Kode SSH %(code)s tidak ada di SSH %(year)d.")
                % {"code": code, "year": year}
            )
    elif data.unit_price is None:
        problems.append(gettext("Isi kode SSH atau harga satuan."))
    elif (
        data.unit_price < 0
        or data.unit_price > RUPIAH_WHOLE_MAX
        or data.unit_price != data.unit_price.to_integral_value()
    ):
        problems.append(gettext("Harga satuan harus rupiah utuh, tidak negatif."))
    if problems:
        raise DomainError(" ".join(problems))
    return price


def _snapshot(a: ActivityCost) -> dict[str, str]:
    return {
        "langkah": a.step,
        "variabel": a.variable,
        "komponen": a.component,
        "volume": str(a.volume),
        "rincian_volume": a.volume_note,
        "satuan": a.unit,
        "kode_ssh": a.price.code if a.price else "",
        "harga_satuan": "" if a.unit_price is None else str(a.unit_price),
        "sumber_dana": a.funding_source,
        "urutan": str(a.order),
    }


@transaction.atomic
def activity_cost_save(
    *,
    pemda: Pemda,
    jpd: Jpd,
    year: int,
    data: ActivityInput,
    activity_id: int | None = None,
    actor: User | None = None,
) -> ActivityCost:
    """Add a costed activity to a JPD's year, or change one (``activity_id``). Its unit price
    is an SSH code of the year's list (the activity follows that price) or a typed price."""
    price = _checked(pemda, year, data)
    activity: ActivityCost | None = None
    before: dict[str, str] | None = None
    if activity_id is not None:
        activity = (
            ActivityCost.objects.select_for_update(of=("self",))
            .select_related("price")
            .filter(pemda=pemda, jpd=jpd, year=year, pk=activity_id)
            .first()
        )
        if activity is None:
            raise ActivityMissing(gettext("Kegiatan tidak ditemukan."))
        before = _snapshot(activity)
    else:
        activity = ActivityCost(pemda=pemda, jpd=jpd, year=year)
    activity.step = " ".join(data.step.split())
    activity.variable = " ".join(data.variable.split())
    activity.component = " ".join(data.component.split())
    activity.volume = data.volume
    activity.volume_note = data.volume_note.strip()
    activity.unit = data.unit.strip()
    activity.price = price
    activity.unit_price = None if price is not None else data.unit_price
    activity.funding_source = data.funding_source
    activity.order = data.order
    activity.save()
    after = _snapshot(activity)
    audit_event_create(
        action="biaya_kegiatan.ubah" if before else "biaya_kegiatan.tambah",
        actor=actor,
        pemda=pemda.code,
        object_type="perencanaan.activitycost",
        object_id=str(activity.pk),
        data={
            "jpd": jpd.code,
            "tahun": year,
            "perubahan": [
                {"kolom": k, "lama": before[k] if before else None, "baru": v}
                for k, v in after.items()
                if before is None or before[k] != v
            ],
        },
    )
    return activity


@transaction.atomic
def activity_cost_delete(
    *, pemda: Pemda, jpd: Jpd, year: int, activity_id: int, actor: User | None = None
) -> None:
    activity = (
        ActivityCost.objects.select_related("price")
        .filter(pemda=pemda, jpd=jpd, year=year, pk=activity_id)
        .first()
    )
    if activity is None:
        raise ActivityMissing(gettext("Kegiatan tidak ditemukan."))
    audit_event_create(
        action="biaya_kegiatan.hapus",
        actor=actor,
        pemda=pemda.code,
        object_type="perencanaan.activitycost",
        object_id=str(activity.pk),
        data={"jpd": jpd.code, "tahun": year, "lama": _snapshot(activity)},
    )
    activity.delete()


# --- reads -------------------------------------------------------------------------------------


def activity_get(pemda: Pemda, jpd: Jpd, year: int, activity_id: int) -> ActivityCost | None:
    return (
        ActivityCost.objects.select_related("price")
        .filter(pemda=pemda, jpd=jpd, year=year, pk=activity_id)
        .first()
    )


SOURCES = tuple(FundingSource.values)


def _by_source(amounts: dict[str, Decimal]) -> list[Decimal]:
    """The amounts in the order of :data:`SOURCES` (0 where none)."""
    return [amounts.get(s, Decimal(0)) for s in SOURCES]


@dataclass
class CostLine:
    """A line of the totals: a JPD, an urusan or the region."""

    code: str
    name: str
    items: Decimal = Decimal(0)  # gap × linked price, over the items
    activities: Decimal = Decimal(0)  # the costed activities
    sources: dict[str, Decimal] = field(default_factory=dict)
    unpriced: int = 0  # items with a gap but no price: their cost is unknown
    urusan: str = ""

    @property
    def total(self) -> Decimal:
        return money_total([self.items, self.activities])

    @property
    def by_source(self) -> list[Decimal]:
        return _by_source(self.sources)

    def add(self, other: CostLine) -> None:
        self.items = money_total([self.items, other.items])
        self.activities = money_total([self.activities, other.activities])
        for source, amount in other.sources.items():
            self.sources[source] = money_total([self.sources.get(source), amount])
        self.unpriced += other.unpriced


def _line(needs: JpdNeeds) -> CostLine:
    return CostLine(
        code=needs.jpd.code,
        name=needs.jpd.name,
        items=money_total(r.cost for r in needs.rows),
        activities=money_total(c for _, c in needs.activity_rows),
        sources=dict(needs.cost_by_source),
        unpriced=sum(1 for r in needs.rows if r.gap and r.cost is None),
        urusan=needs.jpd.urusan_id,
    )


@dataclass
class CostTotals:
    year: int
    jpd: list[CostLine]
    urusan: list[CostLine]
    region: CostLine

    @property
    def sources(self) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in FundingSource.choices]

    @property
    def region_split(self) -> list[tuple[str, str, Decimal]]:
        """(source, its name, the region's amount) per funding source."""
        return [
            (v, label, a) for (v, label), a in zip(self.sources, self.region.by_source, strict=True)
        ]


def cost_totals(pemda: Pemda, year: int) -> CostTotals:
    """The cost of every JPD of the pemda's level in a year (items' gap cost and activities),
    summed per urusan and for the region, each split per funding source. The number of queries
    does not grow with the needs, prices or activities stored."""
    lines = [_line(n) for n in pemda_needs(pemda, year)]
    names = {u.code: u.name for u in urusan_list()}
    per_urusan: dict[str, CostLine] = {}
    region = CostLine(code=pemda.code, name=pemda.name)
    for line in lines:
        group = per_urusan.setdefault(
            line.urusan, CostLine(code=line.urusan, name=names.get(line.urusan, line.urusan))
        )
        group.add(line)
        region.add(line)
    return CostTotals(year, lines, [per_urusan[k] for k in sorted(per_urusan)], region)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXACT_IN_A_NUMBER = 10**15  # a spreadsheet number holds 15 significant digits


def _money_cell(sheet: object, row: int, col: int, value: Decimal, fmt: object) -> None:
    """Whole Rupiah as a number cell (``#,##0``), or as text beyond what a spreadsheet number
    holds exactly."""
    if abs(value) < EXACT_IN_A_NUMBER:
        sheet.write_number(row, col, int(value), fmt)  # type: ignore[attr-defined]
    else:
        xlsx_text(sheet, row, col, format_int_id(int(value)))


def cost_totals_xlsx(pemda: Pemda, year: int) -> bytes:
    """The totals as a workbook: a sheet per JPD, per urusan and the region's line, each
    amount per funding source, under the title block every Tuntas file carries."""
    import xlsxwriter

    totals = cost_totals(pemda, year)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0"})
    money_bold = book.add_format({"num_format": "#,##0", "bold": True})
    title = TitleBlock(
        title=gettext("Tuntas — Biaya pemenuhan SPM per JPD, urusan dan daerah"),
        pemda=pemda.name,
        period=str(year),
        made=waktu(timezone.now(), pemda.zona.info),
        demo=pemda.is_demo,
    )
    header_tail = [
        gettext("Biaya kekurangan barang (Rp)"),
        gettext("Biaya kegiatan (Rp)"),
        gettext("Jumlah (Rp)"),
        *[gettext("%(source)s (Rp)") % {"source": label} for _, label in totals.sources],
    ]
    sheets = (
        (gettext("Per JPD"), [gettext("Kode JPD"), gettext("Jenis pelayanan dasar")], totals.jpd),
        (gettext("Per urusan"), [gettext("Kode urusan"), gettext("Urusan")], totals.urusan),
    )
    for sheet_name, head, lines in sheets:
        sheet = book.add_worksheet(sheet_name)
        top = xlsx_title(sheet, title, bold)
        for col, heading in enumerate([*head, *header_tail]):
            xlsx_text(sheet, top, col, heading, bold)
        row = top
        for row, line in enumerate([*lines, totals.region], start=top + 1):
            is_total = line is totals.region
            xlsx_text(sheet, row, 0, line.code if not is_total else "", bold if is_total else None)
            xlsx_text(
                sheet,
                row,
                1,
                line.name if not is_total else gettext("Jumlah %(pemda)s") % {"pemda": pemda.name},
                bold if is_total else None,
            )
            amounts = [line.items, line.activities, line.total, *line.by_source]
            for col, amount in enumerate(amounts, start=2):
                _money_cell(sheet, row, col, amount, money_bold if is_total else money)
        sheet.set_column(0, 0, 14)
        sheet.set_column(1, 1, 60)
        sheet.set_column(2, 2 + len(header_tail), 20)
        sheet.freeze_panes(top + 1, 2)
    book.close()
    return out.getvalue()
