"""Reads for quarterly entry. The first argument is always the pemda already fetched through the
scope check (``tuntas.akun.scope.pemda_get_for_user``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import JpdAssignment, Pemda
from tuntas.pendataan.models import AnnualTarget, QuarterEntry

FIRST_YEAR = 2019


def current_period(today: date | None = None) -> tuple[int, int]:
    """The quarter being reported: the one that ended last (reports come after a quarter)."""
    today = today or date.today()
    quarter = (today.month - 1) // 3  # 0 in Jan–Mar: report TW4 of last year
    return (today.year - 1, 4) if quarter == 0 else (today.year, quarter)


def year_choices(today: date | None = None) -> list[int]:
    today = today or date.today()
    return list(range(today.year, FIRST_YEAR - 1, -1))


@dataclass(frozen=True)
class EntryRow:
    jpd: Jpd
    opd_id: int | None
    opd_name: str
    sasaran: int | None
    entry: QuarterEntry | None


def entry_rows(pemda: Pemda, year: int, quarter: int) -> list[EntryRow]:
    """Every JPD of the pemda's level with its pengampu, target and entry (a fixed number of
    queries, whatever the number of JPD)."""
    jpd_list = list(Jpd.objects.filter(level=pemda.level).select_related("urusan").order_by("code"))
    assignments = {
        a.jpd_id: a for a in JpdAssignment.objects.filter(pemda=pemda).select_related("opd")
    }
    targets = dict(
        AnnualTarget.objects.filter(pemda=pemda, year=year).values_list("jpd_id", "sasaran")
    )
    entries = {
        e.jpd_id: e for e in QuarterEntry.objects.filter(pemda=pemda, year=year, quarter=quarter)
    }
    rows = []
    for jpd in jpd_list:
        assignment = assignments.get(jpd.code)
        rows.append(
            EntryRow(
                jpd=jpd,
                opd_id=assignment.opd_id if assignment else None,
                opd_name=assignment.opd.name if assignment else "—",
                sasaran=targets.get(jpd.code),
                entry=entries.get(jpd.code),
            )
        )
    return rows


def jpd_get_for_pemda(pemda: Pemda, code: str) -> Jpd | None:
    return Jpd.objects.filter(code=code, level=pemda.level).select_related("urusan").first()


def assignment_opd_id(pemda: Pemda, jpd: Jpd) -> int | None:
    return (
        JpdAssignment.objects.filter(pemda=pemda, jpd=jpd).values_list("opd_id", flat=True).first()
    )
