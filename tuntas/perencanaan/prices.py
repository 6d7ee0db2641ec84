"""The price list (*Standar Satuan Harga*, SSH) of a pemda and year, and the prices linked to
its needs: reads, writes and the import from Excel or CSV.

The import replaces the year's list as a whole, all or nothing: every bad row is reported by row
and column (in Indonesian) and nothing is stored while any remains. It is idempotent and keeps
links: an item whose code stays in the file keeps its id (so ``NeedItem.price`` and
``ActivityCost.price`` keep pointing at it, with the new price); an item missing from the file
that a need or an activity still uses is **refused by default**, with a message naming each use.
The uploader may instead ask to **unlink explicitly**: the needs lose their price (their cost is
unknown until a price is linked again) and the activities keep the old price as a typed unit
price (their cost does not change). Deleting one price follows the same rule.

Writes are keyword-only ``<entity>_<verb>`` functions, one transaction each, with their
``AuditEvent`` (``ssh.impor``, ``ssh.simpan``, ``ssh.hapus``, ``kebutuhan.harga``)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext

from tuntas.core.errors import DomainError
from tuntas.core.formatting import format_int_id
from tuntas.core.services import audit_event_create
from tuntas.core.tabular import (
    OLE_MAGIC,
    ZIP_MAGIC,
    CountError,
    TableError,
    normalize_header,
    parse_count,
    read_table_bytes,
)
from tuntas.core.upload_guard import MIB, UploadRefused, ZipLimits, check_zip
from tuntas.katalog.models import Jpd
from tuntas.katalog.selectors import jpd_version_for_year
from tuntas.organisasi.models import Pemda
from tuntas.perencanaan.models import ActivityCost, FundingSource, NeedItem, PriceItem, PriceList
from tuntas.perencanaan.selectors import jpd_needs
from tuntas.perhitungan.batas import RUPIAH_WHOLE_MAX

# --- bounds of an uploaded price list --------------------------------------------------------

MAX_UPLOAD_BYTES = 10 * MIB  # an SSH of tens of thousands of rows is a few MB
MAX_ROWS = 50_000  # items in one year's list
SSH = ZipLimits(
    kind="ssh",
    max_parts=200,
    max_part_bytes=64 * MIB,
    max_total_bytes=128 * MIB,
    max_rows=MAX_ROWS + 50,  # the title block and the header above the items
    max_columns=50,
)
EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
CODE_MAX = 60
UNIT_MAX = 60
DESCRIPTION_MAX = 1000
LISTED_LINKS = 20  # uses named in a refusal (then "and N more")

# the columns of the file, by their normalized header (``core.tabular.normalize_header``)
COLUMNS = ("kode", "uraian", "satuan", "harga")
ALIASES = {
    "kode": ("kode", "kode_barang", "kode_ssh"),
    "uraian": ("uraian", "uraian_barang", "nama_barang", "deskripsi"),
    "satuan": ("satuan",),
    "harga": ("harga", "harga_satuan", "harga_(rp)", "harga_satuan_(rp)"),
}


class PriceFileRefused(DomainError):
    """The file cannot be imported; ``details``: each problem, by row and column."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.details = list(details)


class PriceLinked(DomainError):
    """A price still in use by needs or activities cannot go without unlinking them."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.details = list(details)


class PriceItemMissing(DomainError):
    """No such price in the pemda's list for the year."""


class RupiahError(ValueError):
    """A cell or field is not a price in whole Rupiah; the message says why, in Indonesian."""


# --- parsing -----------------------------------------------------------------------------------

_RP = re.compile(r"^rp\.?\s*", re.IGNORECASE)


def parse_rupiah(value: Any) -> Decimal:
    """A price in whole Rupiah as users type it: ``1.250.000``, ``1250000``, ``Rp 1.250.000``,
    ``Rp1.250.000,00`` or a workbook number; at most :data:`RUPIAH_WHOLE_MAX`. Raises
    :class:`RupiahError` (negative, a fraction of a Rupiah, not a number, too large)."""
    if isinstance(value, str):
        text = value.replace("\u00a0", " ").strip()
        negative = text.startswith("-")
        text = _RP.sub("", text.lstrip("-").strip()).strip()
        if text.startswith("-"):
            negative, text = True, text[1:]
        if negative:
            try:
                parse_count(text)
            except CountError as exc:
                raise RupiahError(str(exc)) from exc
            raise RupiahError(gettext("tidak boleh negatif"))
        value = text
    try:
        number = parse_count(value)
    except CountError as exc:
        raise RupiahError(str(exc)) from exc
    if number > RUPIAH_WHOLE_MAX:
        raise RupiahError(
            gettext("terlalu besar (paling banyak Rp %(max)s)")
            % {"max": format_int_id(RUPIAH_WHOLE_MAX)}
        )
    return Decimal(number)


def _text(value: Any) -> str:
    """A cell as text: a workbook number typed as a code (``1001.0``) back to ``1001``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def column_letter(index: int) -> str:
    """0 → ``A``, 26 → ``AA`` (as the spreadsheet names the column)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class PriceRow:
    row: int  # the spreadsheet's row number
    code: str
    description: str
    unit: str
    price: Decimal


def _header(rows: Sequence[Any]) -> tuple[int, dict[str, int]] | None:
    """The header row (within the first 20: a title block may sit above it) and each column's
    index, by the names of :data:`COLUMNS` or their aliases."""
    for position, row in enumerate(rows[:20]):
        names = [normalize_header(c) for c in row.cells]
        found: dict[str, int] = {}
        for column, aliases in ALIASES.items():
            for i, name in enumerate(names):
                if name in aliases:
                    found[column] = i
                    break
        if len(found) == len(COLUMNS):
            return position, found
    return None


def price_file_read(data: bytes, file_name: str = "") -> list[PriceRow]:
    """The items of an uploaded price list (Excel or CSV, first sheet) with columns ``kode,
    uraian, satuan, harga``; :class:`PriceFileRefused` with every problem by row and column. No
    database access."""
    if not data or not data.strip():
        raise PriceFileRefused(gettext("Berkas kosong."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise PriceFileRefused(
            gettext("Berkas terlalu besar (lebih dari %(max)d MB).")
            % {"max": MAX_UPLOAD_BYTES // MIB}
        )
    name = file_name.lower()
    if file_name and not name.endswith(EXTENSIONS):
        raise PriceFileRefused(
            gettext("Jenis berkas tidak didukung: unggah Excel (.xlsx, .xls, .ods) atau CSV.")
        )
    if data.startswith(ZIP_MAGIC):
        try:  # sizes, ratio, rows and columns checked before a reader sees the file
            check_zip(io.BytesIO(data), SSH, verify=True)
        except UploadRefused as exc:
            raise PriceFileRefused(str(exc)) from exc
    elif not data.startswith(OLE_MAGIC) and b"\x00" in data[:4096] and not name.endswith(".csv"):
        raise PriceFileRefused(gettext("Berkas bukan Excel atau CSV yang dapat dibaca."))
    try:
        rows = read_table_bytes(data)
    except TableError as exc:
        raise PriceFileRefused(str(exc)) from exc
    found = _header(rows)
    if found is None:
        raise PriceFileRefused(
            gettext(
                "Baris judul kolom tidak ditemukan: berkas harus memiliki kolom kode, uraian, "
                "satuan dan harga (unduh templatnya)."
            )
        )
    position, index = found
    body = [r for r in rows[position + 1 :] if not r.is_blank()]
    if len(body) > MAX_ROWS:
        raise PriceFileRefused(
            gettext("Berkas berisi %(n)s baris harga (paling banyak %(max)s).")
            % {"n": format_int_id(len(body)), "max": format_int_id(MAX_ROWS)}
        )
    problems: list[str] = []
    bad_rows: set[int] = set()
    items: list[PriceRow] = []
    first_row: dict[str, int] = {}

    def problem(row: int, column: str, message: str) -> None:
        bad_rows.add(row)
        problems.append(
            gettext("Baris %(row)d, kolom %(letter)s (%(column)s): %(message)s.")
            % {
                "row": row,
                "letter": column_letter(index[column]),
                "column": column,
                "message": message,
            }
        )

    for r in body:
        cells = {c: (r.cells[i] if i < len(r.cells) else "") for c, i in index.items()}
        code, description, unit = (_text(cells[c]) for c in ("kode", "uraian", "satuan"))
        ok = True
        if not code:
            problem(r.number, "kode", gettext("kode kosong"))
            ok = False
        elif len(code) > CODE_MAX:
            problem(r.number, "kode", gettext("lebih dari %(n)d karakter") % {"n": CODE_MAX})
            ok = False
        elif code in first_row:
            problem(
                r.number,
                "kode",
                gettext("kode %(code)s sudah ada di baris %(row)d")
                % {"code": code, "row": first_row[code]},
            )
            ok = False
        else:
            first_row[code] = r.number
        if not description:
            problem(r.number, "uraian", gettext("uraian kosong"))
            ok = False
        elif len(description) > DESCRIPTION_MAX:
            problem(
                r.number, "uraian", gettext("lebih dari %(n)d karakter") % {"n": DESCRIPTION_MAX}
            )
            ok = False
        if not unit:
            problem(r.number, "satuan", gettext("satuan kosong"))
            ok = False
        elif len(unit) > UNIT_MAX:
            problem(r.number, "satuan", gettext("lebih dari %(n)d karakter") % {"n": UNIT_MAX})
            ok = False
        raw = cells["harga"]
        price: Decimal | None = None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            problem(r.number, "harga", gettext("harga kosong"))
        else:
            try:
                price = parse_rupiah(raw)
            except RupiahError as exc:
                problem(
                    r.number,
                    "harga",
                    gettext("'%(value)s' %(why)s") % {"value": _text(raw), "why": exc},
                )
        if ok and price is not None:
            items.append(PriceRow(r.number, code, description, unit, price))
    if problems:
        raise PriceFileRefused(
            gettext("%(n)s baris bermasalah; tidak ada yang disimpan. Perbaiki lalu unggah ulang.")
            % {"n": format_int_id(len(bad_rows))},
            problems,
        )
    if not items:
        raise PriceFileRefused(gettext("Berkas tidak berisi satu pun baris harga."))
    return items


# --- reads -------------------------------------------------------------------------------------


def price_list_get(pemda: Pemda, year: int) -> PriceList | None:
    return PriceList.objects.filter(pemda=pemda, year=year).first()


def price_items_search(pemda: Pemda, year: int, query: str = "") -> QuerySet[PriceItem]:
    """The year's prices in code order, those whose code or description contains ``query``,
    each with how many needs and activities use it (``need_count``, ``activity_count``)."""
    items = PriceItem.objects.filter(pemda=pemda, price_list__year=year)
    for word in query.split()[:5]:
        items = items.filter(Q(code__icontains=word) | Q(description__icontains=word))
    return items.annotate(
        need_count=Count("needs", distinct=True), activity_count=Count("activities", distinct=True)
    ).order_by("code")


def price_item_get(pemda: Pemda, year: int, item_id: int) -> PriceItem | None:
    return PriceItem.objects.filter(pemda=pemda, price_list__year=year, pk=item_id).first()


def price_item_by_code(pemda: Pemda, year: int, code: str) -> PriceItem | None:
    return PriceItem.objects.filter(pemda=pemda, price_list__year=year, code=code.strip()).first()


def price_items_by_code(pemda: Pemda, year: int, codes: Iterable[str]) -> dict[str, PriceItem]:
    wanted = {c.strip() for c in codes if c and c.strip()}
    if not wanted:
        return {}
    return {
        i.code: i
        for i in PriceItem.objects.filter(pemda=pemda, price_list__year=year, code__in=wanted)
    }


def price_links(items: Iterable[PriceItem]) -> dict[int, list[str]]:
    """Item id → what uses it, in words (``JPD 1.02.K01, item B02``; ``kegiatan JPD 1.02.K01:
    Kunjungan rumah / Transport``): two queries."""
    ids = [i.pk for i in items]
    uses: dict[int, list[str]] = {}
    for n in NeedItem.objects.filter(price_id__in=ids).order_by("jpd_id", "mutu_code", "id"):
        assert n.price_id is not None
        what = (
            gettext("kebutuhan JPD %(jpd)s, item %(item)s") % {"jpd": n.jpd_id, "item": n.mutu_code}
            if n.mutu_code
            else gettext("kebutuhan JPD %(jpd)s, item lokal %(item)s")
            % {"jpd": n.jpd_id, "item": n.local_name}
        )
        uses.setdefault(n.price_id, []).append(what)
    for a in ActivityCost.objects.filter(price_id__in=ids).order_by("jpd_id", "order", "id"):
        assert a.price_id is not None
        uses.setdefault(a.price_id, []).append(
            gettext("kegiatan JPD %(jpd)s: %(step)s / %(component)s")
            % {"jpd": a.jpd_id, "step": a.step, "component": a.component}
        )
    return uses


@dataclass(frozen=True)
class NeedPriceRow:
    """One need of a JPD on the price page: its key in the form (the catalog item's code, or
    ``L`` and the stored row's id for a local item), what it is, and its current link."""

    key: str
    code: str
    name: str
    unit: str
    gap: int | None
    price: PriceItem | None
    funding_source: str
    cost: Decimal | None

    @property
    def source_label(self) -> str:
        return str(FundingSource(self.funding_source).label)


# --- writes ------------------------------------------------------------------------------------


@dataclass
class PriceImportResult:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    unlinked: int = 0
    removed_codes: list[str] = field(default_factory=list)


def _refusal(links: Mapping[int, list[str]], items: Mapping[int, PriceItem]) -> PriceLinked:
    details: list[str] = []
    for item_id, uses in sorted(links.items(), key=lambda kv: items[kv[0]].code):
        details.append(
            gettext("Kode %(code)s (%(what)s) masih dipakai oleh: %(uses)s.")
            % {
                "code": items[item_id].code,
                "what": items[item_id].description,
                "uses": "; ".join(uses),
            }
        )
    shown = details[:LISTED_LINKS]
    if len(details) > LISTED_LINKS:
        shown.append(
            gettext("… dan %(n)s kode lain.") % {"n": format_int_id(len(details) - LISTED_LINKS)}
        )
    return PriceLinked(
        gettext(
            "Harga yang masih dipakai kebutuhan atau kegiatan tidak dapat dihapus. Tautkan harga "
            "lain dahulu, atau pilih 'lepaskan tautan' (kebutuhan kehilangan harganya; kegiatan "
            "menyimpan harga lamanya sebagai harga satuan ketikan)."
        ),
        shown,
    )


def _unlink(item_ids: list[int]) -> int:
    """Unlink the needs and activities using these prices: a need loses its price (its version
    moves on), an activity keeps the old price as a typed unit price. The number unlinked."""
    if not item_ids:
        return 0
    needs = NeedItem.objects.filter(price_id__in=item_ids).update(
        price=None, version=F("version") + 1
    )
    old_price = PriceItem.objects.filter(pk=OuterRef("price_id")).values("price")[:1]
    activities = ActivityCost.objects.filter(price_id__in=item_ids).update(
        unit_price=Subquery(old_price)
    )
    ActivityCost.objects.filter(price_id__in=item_ids).update(price=None)
    return needs + activities


def _price_list_locked(pemda: Pemda, year: int) -> PriceList:
    price_list, _created = PriceList.objects.get_or_create(pemda=pemda, year=year)
    return PriceList.objects.select_for_update().get(pk=price_list.pk)


@transaction.atomic
def price_list_import(
    *,
    pemda: Pemda,
    year: int,
    rows: Sequence[PriceRow],
    file_name: str = "",
    unlink_removed: bool = False,
    actor: User | None = None,
) -> PriceImportResult:
    """Replace the year's price list with ``rows`` (from :func:`price_file_read`): codes that
    stay keep their item (and its links), new codes are added, codes gone are deleted — unless
    a need or activity uses them: then :class:`PriceLinked` names every use and nothing is
    stored, or with ``unlink_removed`` they are unlinked first. Running it again with the same
    rows changes nothing."""
    codes = [r.code for r in rows]
    if len(set(codes)) != len(codes):
        raise PriceFileRefused(gettext("Kode ganda di dalam berkas."))
    price_list = _price_list_locked(pemda, year)
    existing = {i.code: i for i in PriceItem.objects.filter(price_list=price_list)}
    result = PriceImportResult()
    incoming = {r.code: r for r in rows}
    removed = {i.pk: i for code, i in existing.items() if code not in incoming}
    if removed:
        links = price_links(removed.values())
        if links and not unlink_removed:
            raise _refusal(links, removed)
        result.unlinked = _unlink(list(links))
    to_update: list[PriceItem] = []
    to_create: list[PriceItem] = []
    for row in rows:
        item = existing.get(row.code)
        if item is None:
            to_create.append(
                PriceItem(
                    price_list=price_list,
                    pemda=pemda,
                    code=row.code,
                    description=row.description,
                    unit=row.unit,
                    price=row.price,
                )
            )
        elif (item.description, item.unit, item.price) != (row.description, row.unit, row.price):
            item.description, item.unit, item.price = row.description, row.unit, row.price
            to_update.append(item)
        else:
            result.unchanged += 1
    if removed:
        PriceItem.objects.filter(pk__in=list(removed)).delete()
    PriceItem.objects.bulk_update(to_update, ["description", "unit", "price"], batch_size=1000)
    PriceItem.objects.bulk_create(to_create, batch_size=1000)
    result.added, result.changed, result.removed = len(to_create), len(to_update), len(removed)
    result.removed_codes = sorted(i.code for i in removed.values())
    price_list.file_name = file_name[:255]
    price_list.save(update_fields=["file_name", "updated_at"])
    audit_event_create(
        action="ssh.impor",
        actor=actor,
        pemda=pemda.code,
        object_type="perencanaan.pricelist",
        object_id=str(price_list.pk),
        data={
            "tahun": year,
            "berkas": file_name[:255],
            "ditambah": result.added,
            "diubah": result.changed,
            "tetap": result.unchanged,
            "dihapus": result.removed,
            "tautan_dilepas": result.unlinked,
            "kode_dihapus": result.removed_codes[:100],
        },
    )
    return result


def _check_item(code: str, description: str, unit: str, price: Decimal) -> None:
    if not code or len(code) > CODE_MAX:
        raise DomainError(
            gettext("Kode wajib diisi, paling banyak %(n)d karakter.") % {"n": CODE_MAX}
        )
    if not description or len(description) > DESCRIPTION_MAX:
        raise DomainError(
            gettext("Uraian wajib diisi, paling banyak %(n)d karakter.") % {"n": DESCRIPTION_MAX}
        )
    if not unit or len(unit) > UNIT_MAX:
        raise DomainError(
            gettext("Satuan wajib diisi, paling banyak %(n)d karakter.") % {"n": UNIT_MAX}
        )
    if price < 0 or price > RUPIAH_WHOLE_MAX or price != price.to_integral_value():
        raise DomainError(gettext("Harga harus rupiah utuh, tidak negatif."))


@transaction.atomic
def price_item_save(
    *,
    pemda: Pemda,
    year: int,
    code: str,
    description: str,
    unit: str,
    price: Decimal,
    item_id: int | None = None,
    actor: User | None = None,
) -> PriceItem:
    """Add a price to the year's list, or change one (``item_id``): its code stays unique in
    the list; the needs and activities linked to it follow the new price."""
    code, description, unit = code.strip(), " ".join(description.split()), unit.strip()
    _check_item(code, description, unit, price)
    price_list = _price_list_locked(pemda, year)
    item: PriceItem | None = None
    if item_id is not None:
        item = PriceItem.objects.filter(price_list=price_list, pk=item_id).first()
        if item is None:
            raise PriceItemMissing(gettext("Harga tidak ditemukan."))
    clash = PriceItem.objects.filter(price_list=price_list, code=code)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise DomainError(
            gettext("Kode %(code)s sudah ada di SSH %(year)d.") % {"code": code, "year": year}
        )
    before = (
        None
        if item is None
        else {"kode": item.code, "uraian": item.description, "satuan": item.unit,
              "harga": str(item.price)}
    )  # fmt: skip
    if item is None:
        item = PriceItem(price_list=price_list, pemda=pemda)
    item.code, item.description, item.unit, item.price = code, description, unit, price
    item.save()
    after = {"kode": code, "uraian": description, "satuan": unit, "harga": str(price)}
    audit_event_create(
        action="ssh.simpan",
        actor=actor,
        pemda=pemda.code,
        object_type="perencanaan.priceitem",
        object_id=str(item.pk),
        data={
            "tahun": year,
            "perubahan": [
                {"kolom": k, "lama": before[k] if before else None, "baru": v}
                for k, v in after.items()
                if before is None or before[k] != v
            ],
        },
    )
    return item


@transaction.atomic
def price_item_delete(
    *, pemda: Pemda, year: int, item_id: int, unlink: bool = False, actor: User | None = None
) -> int:
    """Delete one price: refused (:class:`PriceLinked`, naming each use) while needs or
    activities use it, unless ``unlink``. The number of uses unlinked."""
    price_list = _price_list_locked(pemda, year)
    item = PriceItem.objects.filter(price_list=price_list, pk=item_id).first()
    if item is None:
        raise PriceItemMissing(gettext("Harga tidak ditemukan."))
    links = price_links([item])
    if links and not unlink:
        raise _refusal(links, {item.pk: item})
    unlinked = _unlink([item.pk]) if links else 0
    audit_event_create(
        action="ssh.hapus",
        actor=actor,
        pemda=pemda.code,
        object_type="perencanaan.priceitem",
        object_id=str(item.pk),
        data={
            "tahun": year,
            "kode": item.code,
            "uraian": item.description,
            "harga": str(item.price),
            "tautan_dilepas": unlinked,
        },
    )
    item.delete()
    return unlinked


# --- prices linked to needs --------------------------------------------------------------------


def need_price_rows(pemda: Pemda, jpd: Jpd, year: int) -> list[NeedPriceRow]:
    """Every need of a JPD in a year (the catalog's items of the version in force, then the
    local ones), with its gap, linked price, funding source and cost (``selectors.jpd_needs``)."""
    rows = []
    for r in jpd_needs(pemda, jpd, year).rows:
        key = r.code if not r.local else f"L{r.stored.pk if r.stored else ''}"
        rows.append(
            NeedPriceRow(
                key=key,
                code=r.code,
                name=r.name,
                unit=r.unit,
                gap=r.gap,
                price=r.stored.price if r.stored else None,
                funding_source=r.funding_source,
                cost=r.cost,
            )
        )
    return rows


@dataclass(frozen=True)
class NeedPriceChoice:
    price_code: str  # "" unlinks
    funding_source: str


@transaction.atomic
def need_prices_set(
    *,
    pemda: Pemda,
    jpd: Jpd,
    year: int,
    choices: Mapping[str, NeedPriceChoice],
    actor: User | None = None,
) -> int:
    """Link each need of the JPD (by key: the catalog item's code, or ``L<id>`` for a local
    item) to a price of the year's list by its SSH code ("" unlinks) and set its funding
    source; a catalog item's row is created when missing. All or nothing: an unknown code or
    item refuses the whole form (:class:`PriceFileRefused` naming each). The number changed."""
    version = jpd_version_for_year(jpd=jpd, year=year)
    catalog = {m.code for m in version.mutu_items.all()} if version else set()
    stored = {
        (n.mutu_code or f"L{n.pk}"): n
        for n in NeedItem.objects.select_for_update(of=("self",))
        .select_related("price")
        .filter(pemda=pemda, jpd=jpd, year=year)
    }
    prices = price_items_by_code(pemda, year, (c.price_code for c in choices.values()))
    problems = []
    for key, choice in sorted(choices.items()):
        if key not in catalog and key not in stored:
            problems.append(gettext("Item %(key)s tidak dikenal untuk JPD ini.") % {"key": key})
        code = choice.price_code.strip()
        if code and code not in prices:
            problems.append(
                gettext("Item %(key)s: kode SSH %(code)s tidak ada di SSH %(year)d.")
                % {"key": key, "code": code, "year": year}
            )
        if choice.funding_source not in FundingSource.values:
            problems.append(gettext("Item %(key)s: sumber dana tidak dikenal.") % {"key": key})
    if problems:
        raise PriceFileRefused(gettext("Tidak ada yang disimpan; periksa isian berikut."), problems)
    changes = []
    for key, choice in sorted(choices.items()):
        code = choice.price_code.strip()
        price = prices.get(code) if code else None
        need = stored.get(key)
        old_code = need.price.code if need is not None and need.price_id and need.price else ""
        old_source = need.funding_source if need is not None else FundingSource.APBD
        if (old_code, old_source) == (code, choice.funding_source):
            continue
        if need is None:
            need = NeedItem.objects.create(
                pemda=pemda,
                jpd=jpd,
                year=year,
                mutu_code=key,
                price=price,
                funding_source=choice.funding_source,
                updated_by=actor if actor is not None and actor.is_authenticated else None,
            )
        else:
            need.price = price
            need.funding_source = choice.funding_source
            need.version = need.version + 1
            need.updated_by = actor if actor is not None and actor.is_authenticated else None
            need.save(
                update_fields=["price", "funding_source", "version", "updated_by", "updated_at"]
            )
        changes.append(
            {"item": key, "lama": old_code, "baru": code, "sumber_lama": old_source,
             "sumber_baru": choice.funding_source}
        )  # fmt: skip
    if changes:
        audit_event_create(
            action="kebutuhan.harga",
            actor=actor,
            pemda=pemda.code,
            object_type="katalog.jpd",
            object_id=jpd.code,
            data={"tahun": year, "perubahan": changes},
        )
    return len(changes)


# --- the import template -----------------------------------------------------------------------


def price_list_xlsx(pemda: Pemda, year: int) -> bytes:
    """The import template: the title block, the header ``kode, uraian, satuan, harga`` and the
    year's current prices (download, edit, upload: the codes that stay keep their links)."""
    import xlsxwriter
    from django.utils import timezone

    from tuntas.core.formatting import waktu
    from tuntas.core.safe_write import TitleBlock, xlsx_text, xlsx_title

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("SSH")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0"})
    top = xlsx_title(
        sheet,
        TitleBlock(
            title=gettext("Tuntas — Standar Satuan Harga (SSH)"),
            pemda=pemda.name,
            period=str(year),
            made=waktu(timezone.now(), pemda.zona.info),
            demo=pemda.is_demo,
        ),
        bold,
    )
    for col, heading in enumerate(COLUMNS):
        xlsx_text(sheet, top, col, heading, bold)
    items = PriceItem.objects.filter(pemda=pemda, price_list__year=year).order_by("code")
    for row, item in enumerate(items.iterator(chunk_size=2000), start=top + 1):
        xlsx_text(sheet, row, 0, item.code)
        xlsx_text(sheet, row, 1, item.description)
        xlsx_text(sheet, row, 2, item.unit)
        if item.price < 10**15:
            sheet.write_number(row, 3, int(item.price), money)
        else:
            xlsx_text(sheet, row, 3, str(item.price))
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, 2, 14)
    sheet.set_column(3, 3, 16)
    sheet.freeze_panes(top + 1, 0)
    book.close()
    return out.getvalue()


# --- demo --------------------------------------------------------------------------------------


@transaction.atomic
def demo_prices_seed(*, pemda: Pemda, year: int) -> dict[str, int]:
    """Demo data (deterministic, idempotent): the SSH of ``prices_demo.DEMO_PRICES`` for ``year``, the
    pemda's needs linked to it by catalog item name (rows created where missing), and the
    activities of :data:`DEMO_ACTIVITIES` for each health JPD (two for most, three for every
    third). Not wired into ``tuntas demo`` here."""
    from tuntas.perencanaan.prices_demo import DEMO_ACTIVITIES, DEMO_LINKS, DEMO_PRICES

    price_list = _price_list_locked(pemda, year)
    if not price_list.name:
        price_list.name = gettext("SSH contoh %(year)d") % {"year": year}
        price_list.save(update_fields=["name", "updated_at"])
    existing = {i.code: i for i in PriceItem.objects.filter(price_list=price_list)}
    for code, description, unit, amount in DEMO_PRICES:
        item = existing.get(code)
        if item is None:
            existing[code] = PriceItem.objects.create(
                price_list=price_list, pemda=pemda, code=code, description=description,
                unit=unit, price=Decimal(amount),
            )  # fmt: skip
        elif (item.description, item.unit, item.price) != (description, unit, amount):
            item.description, item.unit, item.price = description, unit, Decimal(amount)
            item.save(update_fields=["description", "unit", "price"])
    linked = 0
    jpds = (
        Jpd.objects.filter(level=pemda.level)
        .order_by("code")
        .prefetch_related("versions__mutu_items")
    )
    stored = {
        (n.jpd_id, n.mutu_code): n
        for n in NeedItem.objects.filter(pemda=pemda, year=year).exclude(mutu_code="")
    }
    activities = 0
    for jpd in jpds:
        version = jpd_version_for_year(jpd=jpd, year=year)
        for mutu in version.mutu_items.all() if version else ():
            ssh_code = DEMO_LINKS.get(mutu.name.strip().lower())
            if ssh_code is None:
                continue
            price = existing[ssh_code]
            need = stored.get((jpd.code, mutu.code))
            if need is None:
                NeedItem.objects.create(
                    pemda=pemda, jpd=jpd, year=year, mutu_code=mutu.code, price=price,
                    funding_source=FundingSource.APBD,
                )  # fmt: skip
            elif need.price_id != price.pk:
                need.price = price
                need.version += 1
                need.save(update_fields=["price", "version", "updated_at"])
            linked += 1
        if jpd.urusan_id != "1.02" or jpd.level != pemda.level:
            continue
        count = 3 if jpd.number % 3 == 0 else 2
        for order, (step, variable, component, volume, note, unit, code, source) in enumerate(
            DEMO_ACTIVITIES[:count], start=1
        ):
            ActivityCost.objects.update_or_create(
                pemda=pemda, jpd=jpd, year=year, step=step, component=component,
                defaults={"variable": variable, "volume": Decimal(volume), "volume_note": note,
                          "unit": unit, "price": existing[code], "unit_price": None,
                          "funding_source": source, "order": order},
            )  # fmt: skip
            activities += 1
    audit_event_create(
        action="data_contoh.ssh",
        pemda=pemda.code,
        object_type="perencanaan.pricelist",
        object_id=str(price_list.pk),
        data={"tahun": year, "harga": len(DEMO_PRICES), "tautan": linked, "kegiatan": activities},
    )
    return {"harga": len(DEMO_PRICES), "tautan": linked, "kegiatan": activities}
