"""Reporting deadlines and timeliness (like DHIS2's reporting rate and reporting rate on time).

* A quarter's deadline is data: the ``Deadline`` row of the year and quarter, else the default,
  the 20th of the month after the quarter (TW4: 20 January of the next year), *unconfirmed*
  (no source confirms it as a rule) and shown everywhere with "(belum dikonfirmasi)".
* A report is **sent** when its state is ``dikirim`` or ``diterima``, or when it was sent once
  (``first_sent_at``: a report returned after sending, ``dikembalikan``, still counts as sent;
  DHIS2 counts completeness the same way). No ``ReportState`` row: not sent.
* It is **on time** when the day of its first sending, in the pemda's time zone (WIB, WITA or
  WIT, ``Pemda.zona``), is on or before the deadline; **late** when after it. An unsent report is
  **missing** once the deadline's day has passed in the pemda's zone, else **not yet due**.
* Rates: reporting rate = sent ÷ expected, on-time rate = sent on time ÷ expected, in percent
  truncated to two decimals like the indices. *Expected* are the pemda registered
  (``organisasi.Pemda``) at that level:
    - a province's rate: its registered kab/kota (the province's own report is shown apart);
    - national, per province: its registered kab/kota **plus the province itself** when it is
      registered (both report to the level above: kab/kota to the province, the province to the
      centre), and the national total over every registered pemda.

Every read here costs a fixed number of queries however many pemda it covers: one for the
deadline, one for the report states (and, nationally, one for the provinces' names).

``deadline_set`` is the one write (with its audit row), used by ``tuntas tenggat`` and the
Django admin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from tuntas.alur.models import Deadline, ReportState, ReportStatus
from tuntas.core.errors import DomainError
from tuntas.core.formatting import tanggal
from tuntas.core.services import audit_event_create
from tuntas.organisasi.models import Pemda
from tuntas.perhitungan.engine import truncate2
from tuntas.wilayah.models import Region

DEFAULT_DAY = 20  # of the month after the quarter
SENT_STATUSES = (ReportStatus.DIKIRIM, ReportStatus.DITERIMA)

# timeliness of one pemda's quarter report
TEPAT_WAKTU = "tepat_waktu"
TERLAMBAT = "terlambat"
BELUM_MENGIRIM = "belum_mengirim"
BELUM_JATUH_TEMPO = "belum_jatuh_tempo"
TIMELINESS_LABELS = {
    TEPAT_WAKTU: gettext_lazy("tepat waktu"),
    TERLAMBAT: gettext_lazy("terlambat"),
    BELUM_MENGIRIM: gettext_lazy("belum mengirim"),
    BELUM_JATUH_TEMPO: gettext_lazy("belum jatuh tempo"),
}


# --- deadlines ---------------------------------------------------------------------------


class Tenggat(NamedTuple):
    """A quarter's deadline: ``(due, confirmed, source)``."""

    due: dt.date
    confirmed: bool
    source: str

    @property
    def label(self) -> str:
        """``20 Juli 2025`` or ``20 Juli 2025 (belum dikonfirmasi)``."""
        if self.confirmed:
            return tanggal(self.due)
        return gettext("%(date)s (belum dikonfirmasi)") % {"date": tanggal(self.due)}


def quarter_end(year: int, quarter: int) -> dt.date:
    """The last day of the quarter."""
    if quarter == 4:
        return dt.date(year, 12, 31)
    return dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)


def default_deadline(year: int, quarter: int) -> dt.date:
    """The 20th of the month after the quarter: TW1 → 20 April, TW4 → 20 January next year."""
    after = quarter_end(year, quarter) + dt.timedelta(days=1)
    return after.replace(day=DEFAULT_DAY)


def _tenggat(row: Deadline | None, year: int, quarter: int) -> Tenggat:
    if row is None:
        return Tenggat(default_deadline(year, quarter), False, "")
    return Tenggat(row.due, row.confirmed, row.source)


def deadline_for(year: int, quarter: int) -> Tenggat:
    """The stored deadline of the quarter, else the default (unconfirmed). One query."""
    row = Deadline.objects.filter(year=year, quarter=quarter).first()
    return _tenggat(row, year, quarter)


def deadlines_for_year(year: int) -> dict[int, Tenggat]:
    """The four deadlines of a year, by quarter. One query."""
    rows = {d.quarter: d for d in Deadline.objects.filter(year=year)}
    return {q: _tenggat(rows.get(q), year, q) for q in (1, 2, 3, 4)}


@transaction.atomic
def deadline_set(
    *,
    year: int,
    quarter: int,
    due: dt.date,
    confirmed: bool = False,
    source: str = "",
    actor: User | None = None,
) -> Deadline:
    """Store the deadline of a quarter (national). It must fall after the quarter ends."""
    if quarter not in (1, 2, 3, 4):
        raise DomainError(gettext("Triwulan harus 1, 2, 3 atau 4, bukan %(q)s.") % {"q": quarter})
    if not 2000 <= year <= 2100:
        raise DomainError(gettext("Tahun %(y)s di luar rentang 2000–2100.") % {"y": year})
    end = quarter_end(year, quarter)
    if due <= end:
        raise DomainError(
            gettext(
                "Batas waktu TW%(q)s %(y)s harus setelah triwulan berakhir (%(end)s), "
                "bukan %(due)s."
            )
            % {"q": quarter, "y": year, "end": tanggal(end), "due": tanggal(due)}
        )
    source = source.strip()
    before = Deadline.objects.filter(year=year, quarter=quarter).first()
    row, _created = Deadline.objects.update_or_create(
        year=year, quarter=quarter, defaults={"due": due, "confirmed": confirmed, "source": source}
    )
    audit_event_create(
        action="tenggat.atur",
        actor=actor,
        object_type="alur.Deadline",
        object_id=f"{year}-{quarter}",
        data={
            "tahun": year,
            "triwulan": quarter,
            "batas_waktu": due.isoformat(),
            "terkonfirmasi": confirmed,
            "sumber": source,
            "sebelumnya": (
                {"batas_waktu": before.due.isoformat(), "terkonfirmasi": before.confirmed}
                if before
                else None
            ),
        },
    )
    return row


# --- timeliness ----------------------------------------------------------------------------


def local_today(pemda: Pemda, now: dt.datetime | None = None) -> dt.date:
    """Today in the pemda's time zone."""
    return (now or timezone.now()).astimezone(pemda.zona.info).date()


@dataclass(frozen=True)
class ReportTimeliness:
    """Where one pemda's quarter report stands against the deadline."""

    pemda: Pemda
    year: int
    quarter: int
    status: str  # ReportStatus value; "disusun" without a row
    sent_at: dt.datetime | None  # the first sending (UTC)
    sent_on: dt.date | None  # its day in the pemda's zone
    deadline: Tenggat
    state: str  # TEPAT_WAKTU | TERLAMBAT | BELUM_MENGIRIM | BELUM_JATUH_TEMPO

    @property
    def status_label(self) -> str:
        return str(ReportStatus(self.status).label)

    @property
    def state_label(self) -> str:
        return str(TIMELINESS_LABELS[self.state])

    @property
    def sent(self) -> bool:
        return self.state in (TEPAT_WAKTU, TERLAMBAT)

    @property
    def on_time(self) -> bool:
        return self.state == TEPAT_WAKTU

    @property
    def late(self) -> bool:
        return self.state == TERLAMBAT

    @property
    def missing(self) -> bool:
        return self.state == BELUM_MENGIRIM


def first_sending(state: ReportState | None) -> dt.datetime | None:
    """When the report was first sent, or ``None`` if it has not been (see the module)."""
    if state is None:
        return None
    if state.first_sent_at is not None:
        return state.first_sent_at
    if state.status in SENT_STATUSES:
        return state.sent_at or state.updated_at  # sent before first_sent_at was kept
    return None


def classify(
    pemda: Pemda,
    year: int,
    quarter: int,
    state: ReportState | None,
    deadline: Tenggat,
    now: dt.datetime | None = None,
) -> ReportTimeliness:
    sent_at = first_sending(state)
    zone = pemda.zona.info
    sent_on = sent_at.astimezone(zone).date() if sent_at is not None else None
    if sent_on is not None:
        verdict = TEPAT_WAKTU if sent_on <= deadline.due else TERLAMBAT
    elif local_today(pemda, now) > deadline.due:
        verdict = BELUM_MENGIRIM
    else:
        verdict = BELUM_JATUH_TEMPO
    return ReportTimeliness(
        pemda=pemda,
        year=year,
        quarter=quarter,
        status=state.status if state is not None else ReportStatus.DISUSUN.value,
        sent_at=sent_at,
        sent_on=sent_on,
        deadline=deadline,
        state=verdict,
    )


def report_timeliness(
    pemdas: Iterable[Pemda],
    year: int,
    quarter: int,
    *,
    now: dt.datetime | None = None,
    deadline: Tenggat | None = None,
) -> dict[str, ReportTimeliness]:
    """Timeliness of each pemda's report for the quarter, by pemda code. Two queries (one when
    ``deadline`` is given), however many pemda."""
    pemda_list = list(pemdas)
    deadline = deadline if deadline is not None else deadline_for(year, quarter)
    states = {
        s.pemda_id: s
        for s in ReportState.objects.filter(
            pemda__in=[p.code for p in pemda_list], year=year, quarter=quarter
        ).only("pemda_id", "status", "sent_at", "first_sent_at", "updated_at")
    }
    return {
        p.code: classify(p, year, quarter, states.get(p.code), deadline, now) for p in pemda_list
    }


def pemda_report_timeliness(
    pemda: Pemda, year: int, quarter: int, *, now: dt.datetime | None = None
) -> ReportTimeliness:
    """One pemda's report for the quarter (two queries)."""
    return report_timeliness([pemda], year, quarter, now=now)[pemda.code]


@dataclass(frozen=True)
class ReportingRate:
    """Counts over the expected pemda, and the two rates (percent, two decimals truncated;
    ``None`` when no pemda is expected)."""

    expected: int = 0
    sent: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def rate(self) -> Decimal | None:
        return truncate2(Fraction(100 * self.sent, self.expected)) if self.expected else None

    @property
    def on_time_rate(self) -> Decimal | None:
        return truncate2(Fraction(100 * self.on_time, self.expected)) if self.expected else None


def reporting_rate(rows: Iterable[ReportTimeliness]) -> ReportingRate:
    expected = sent = on_time = late = missing = 0
    for row in rows:
        expected += 1
        sent += row.sent
        on_time += row.on_time
        late += row.late
        missing += row.missing
    return ReportingRate(expected, sent, on_time, late, missing)


@dataclass(frozen=True)
class ProvinceReporting:
    """A province's kab/kota: each one's report and the rates over them; the province's own
    report apart (not in the rates)."""

    deadline: Tenggat
    rows: dict[str, ReportTimeliness]
    rate: ReportingRate
    own: ReportTimeliness | None = None


def province_reporting(
    kabkota: Sequence[Pemda],
    year: int,
    quarter: int,
    *,
    province: Pemda | None = None,
    now: dt.datetime | None = None,
) -> ProvinceReporting:
    """``kabkota``: the registered kab/kota of the province (the expected pemda); ``province``:
    the province itself, whose own report is read in the same query. Two queries."""
    deadline = deadline_for(year, quarter)
    everyone = [*kabkota, *([province] if province is not None else [])]
    rows = report_timeliness(everyone, year, quarter, now=now, deadline=deadline)
    own = rows.pop(province.code) if province is not None else None
    return ProvinceReporting(deadline, rows, reporting_rate(rows.values()), own)


@dataclass(frozen=True)
class ProvinceRate:
    code: str  # the province's code
    name: str
    registered: bool  # the province itself is a registered pemda (and so expected)
    rate: ReportingRate
    province_report: ReportTimeliness | None = None


@dataclass(frozen=True)
class NationalReporting:
    deadline: Tenggat
    provinces: list[ProvinceRate]
    total: ReportingRate
    rows: dict[str, ReportTimeliness] = field(default_factory=dict)


def national_reporting(
    pemdas: Iterable[Pemda], year: int, quarter: int, *, now: dt.datetime | None = None
) -> NationalReporting:
    """Rates per province over ``pemdas`` (every registered pemda the reader may see): each
    province's registered kab/kota plus the province itself when registered; and the national
    total. Three queries (deadline, report states, the provinces' names)."""
    pemda_list = list(pemdas)
    deadline = deadline_for(year, quarter)
    rows = report_timeliness(pemda_list, year, quarter, now=now, deadline=deadline)
    by_province: dict[str, list[ReportTimeliness]] = {}
    registered: set[str] = set()
    for pemda in pemda_list:
        code = pemda.province_code or pemda.code[:2]
        by_province.setdefault(code, []).append(rows[pemda.code])
        if pemda.level == "provinsi":
            registered.add(code)
    names = dict(Region.objects.filter(code__in=list(by_province)).values_list("code", "name"))
    provinces = [
        ProvinceRate(
            code=code,
            name=names.get(code, code),
            registered=code in registered,
            rate=reporting_rate(by_province[code]),
            province_report=rows.get(code) if code in registered else None,
        )
        for code in sorted(by_province)
    ]
    return NationalReporting(deadline, provinces, reporting_rate(rows.values()), rows)


def sent_filter() -> Q:
    """ReportState rows of a sent report (as a query condition)."""
    return Q(first_sent_at__isnull=False) | Q(status__in=SENT_STATUSES)
