"""Reads for quarterly entry. The first argument is always the pemda already fetched through the
scope check (``tuntas.akun.scope.pemda_get_for_user``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

from django.contrib.auth.models import User

from tuntas.katalog.models import Jpd, MutuItem, ScoringMethod
from tuntas.katalog.selectors import jpd_version_for_year
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.selectors import pengampu_opds
from tuntas.pendataan.models import (
    AnnualTarget,
    ExcelUpload,
    MutuEntry,
    QuarterEntry,
    QuarterResult,
)
from tuntas.pendataan.values import entry_values
from tuntas.perhitungan.engine import Method, mutu_items_short_first

FIRST_YEAR = 2019


def current_period(today: date | None = None) -> tuple[int, int]:
    """The quarter being reported: the one that ended last (reports come after a quarter)."""
    today = today or date.today()
    quarter = (today.month - 1) // 3  # 0 in Jan–Mar: report TW4 of last year
    return (today.year - 1, 4) if quarter == 0 else (today.year, quarter)


def year_choices(today: date | None = None) -> list[int]:
    today = today or date.today()
    return list(range(today.year, FIRST_YEAR - 1, -1))


# --- scores as the pemda's scoring method shows them ----------------------------------------


@dataclass(frozen=True)
class Shown:
    """A stored or computed score at the method's display precision, with its category's name
    from the method (never from a copy): what every page, file and API answer shows."""

    capaian_penerima: Decimal | None
    capaian_mutu: Decimal | None
    nilai: Decimal | None
    kategori: str
    kategori_nama: str


class _Scored(Protocol):
    @property
    def capaian_penerima(self) -> Decimal | Fraction | None: ...
    @property
    def capaian_mutu(self) -> Decimal | Fraction | None: ...
    @property
    def nilai(self) -> Decimal | Fraction | None: ...


EMPTY = Shown(None, None, None, "", "")


def jpd_shown(scored: _Scored | None, kategori: str, method: Method) -> Shown:
    """A JPD's capaian and nilai (stored entry or live computation) at the method's precision."""
    if scored is None:
        return EMPTY
    return Shown(
        method.show(scored.capaian_penerima, "jpd"),
        method.show(scored.capaian_mutu, "jpd"),
        method.show(scored.nilai, "jpd"),
        kategori,
        method.band_name(kategori),
    )


def value_shown(
    value: Decimal | Fraction | None, kategori: str, level: str, method: Method
) -> Shown:
    """An urusan (``level="urusan"``) or region (``"daerah"``) value."""
    return Shown(None, None, method.show(value, level), kategori, method.band_name(kategori))


def result_shown(result: QuarterResult | None, method: Method) -> Shown:
    return value_shown(result.nilai, result.kategori, "daerah", method) if result else EMPTY


def urusan_shown(result: QuarterResult | None, code: str, method: Method) -> Shown:
    found = (result.urusan if result else {}).get(code)
    if not found:
        return EMPTY
    return value_shown(Decimal(found["nilai"]), found["kategori"], "urusan", method)


def methods_by_code() -> dict[str, Method]:
    """Every scoring method as the engine uses it (one query; for lists of many pemda)."""
    return {m.code: m.to_method() for m in ScoringMethod.objects.all()}


@dataclass(frozen=True)
class MutuItemShown:
    item: MutuItem
    dibutuhkan: int | None
    tersedia: int | None
    capaian: Decimal | None  # the item's own percentage (capped at 100), at the JPD precision
    kekurangan: int | None


def mutu_items_shown(
    items: list[MutuItem], values: dict[int, tuple[int | None, int | None]], method: Method
) -> list[MutuItemShown]:
    """Each mutu item with its own percentage, the items furthest short of need first (through
    the engine); items not yet filled come last, in catalog order."""
    filled = [i for i in items if None not in values.get(i.pk, (None, None))]
    ranked = mutu_items_short_first([(values[i.pk][1] or 0, values[i.pk][0] or 0) for i in filled])
    rows = [
        MutuItemShown(
            filled[r.index],
            r.dibutuhkan,
            r.tersedia,
            method.show(r.capaian, "jpd"),
            r.kekurangan,
        )
        for r in ranked
    ]
    rows += [
        MutuItemShown(i, *values.get(i.pk, (None, None)), None, None)
        for i in items
        if i not in filled
    ]
    return rows


def entry_mutu_values(entry: QuarterEntry | None) -> dict[int, tuple[int | None, int | None]]:
    """item id → (dibutuhkan, tersedia) of a stored entry."""
    if entry is None:
        return {}
    return {m.item_id: (m.dibutuhkan, m.tersedia) for m in MutuEntry.objects.filter(entry=entry)}


# --- entry list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRow:
    jpd: Jpd
    opd_id: int | None
    opd_name: str
    sasaran: int | None
    entry: QuarterEntry | None
    shown: Shown = EMPTY


def entry_rows(pemda: Pemda, year: int, quarter: int) -> list[EntryRow]:
    """Every JPD of the pemda's level with its pengampu, target, entry and score as shown (a
    fixed number of queries, whatever the number of JPD)."""
    method = pemda.scoring_method.to_method()
    jpd_list = list(Jpd.objects.filter(level=pemda.level).select_related("urusan").order_by("code"))
    opds = pengampu_opds(pemda=pemda)
    targets = dict(
        AnnualTarget.objects.filter(pemda=pemda, year=year).values_list("jpd_id", "sasaran")
    )
    entries = {
        e.jpd_id: e for e in QuarterEntry.objects.filter(pemda=pemda, year=year, quarter=quarter)
    }
    rows = []
    for jpd in jpd_list:
        opd = opds.get(jpd.code)
        rows.append(
            EntryRow(
                jpd=jpd,
                opd_id=opd.pk if opd else None,
                opd_name=opd.name if opd else "—",
                sasaran=targets.get(jpd.code),
                entry=entries.get(jpd.code),
                shown=jpd_shown(
                    entries.get(jpd.code), getattr(entries.get(jpd.code), "kategori", ""), method
                ),
            )
        )
    return rows


def entry_get(pemda: Pemda, jpd: Jpd, year: int, quarter: int) -> QuarterEntry | None:
    return QuarterEntry.objects.filter(pemda=pemda, jpd=jpd, year=year, quarter=quarter).first()


def excel_upload_get(
    pemda: Pemda, upload_id: int, year: int, quarter: int, user: User
) -> ExcelUpload | None:
    """An uploaded workbook awaiting confirmation: only its uploader's, in the pemda and quarter."""
    return ExcelUpload.objects.filter(
        pk=upload_id, pemda=pemda, year=year, quarter=quarter, uploaded_by=user
    ).first()


def jpd_get_for_pemda(pemda: Pemda, code: str) -> Jpd | None:
    return Jpd.objects.filter(code=code, level=pemda.level).select_related("urusan").first()


def entry_snapshots(
    pemda: Pemda, year: int, quarter: int, jpd_codes: list[str] | None = None
) -> dict[str, dict[str, object]]:
    """JPD code → every value of its entry and its annual target by field key
    (``pendataan.values``): what the workflow keeps at verification and approval and compares
    with afterwards. A JPD with neither entry nor target has no key."""
    targets = AnnualTarget.objects.filter(pemda=pemda, year=year)
    entries = QuarterEntry.objects.filter(pemda=pemda, year=year, quarter=quarter)
    if jpd_codes is not None:
        targets = targets.filter(jpd_id__in=jpd_codes)
        entries = entries.filter(jpd_id__in=jpd_codes)
    sasaran = dict(targets.values_list("jpd_id", "sasaran"))
    found = {e.jpd_id: e for e in entries.select_related("jpd").prefetch_related("mutu")}
    items: dict[str, list[MutuItem]] = {}
    out: dict[str, dict[str, object]] = {}
    for code in sorted(set(sasaran) | set(found)):
        values: dict[str, object] = {"sasaran": sasaran.get(code)}
        entry = found.get(code)
        if entry is not None:
            if code not in items:
                version = jpd_version_for_year(jpd=entry.jpd, year=year)
                items[code] = list(version.mutu_items.all()) if version else []
            values.update(
                entry_values(entry, items[code], {m.item_id: m for m in entry.mutu.all()})
            )
        out[code] = values
    return out
