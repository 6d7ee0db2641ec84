"""The approval chain in the demo (``tuntas demo``): past quarters verified, approved, sent and
accepted (a few sent late); in the quarter being reported now, most kab/kota sent and accepted,
one returned by the province with a reason on a value, one sent late and waiting, some not sent
yet; and in the home pemda (Kota Bekasi), a chain in progress made through the real steps with
the demo's own accounts: JPD submitted, one verified, one returned pointing at a value.

Past states are written in bulk (the demo has about 35 pemda × 11 quarters × 29 JPD); what a
user will look at closely (the returns, Kota Bekasi) goes through ``services``. Safe to repeat:
a pemda-quarter that already has a report state is left alone."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from tuntas.akun.scope import scope_for
from tuntas.alur.models import JpdState, JpdStatus, ReportState, ReportStatus
from tuntas.alur.services import jpd_step, report_step
from tuntas.alur.tenggat import deadline_for
from tuntas.core.services import audit_event_create
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.models import AnnualTarget, QuarterEntry

RETURNED = "32.01"  # Kabupaten Bogor: returned by the province, with a reason on a value
LATE = "32.04"  # Kabupaten Bandung: sent after the deadline, waiting for the province


@dataclass(frozen=True)
class WorkflowSeedReport:
    reports: int = 0
    jpd: int = 0
    skipped: int = 0


def _share(code: str, salt: str) -> int:
    """A stable number 0–99 per pemda (the same demo every run)."""
    return zlib.crc32(f"{salt}:{code}".encode()) % 100


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def _accepted(
    pemda: Pemda, year: int, quarter: int, *, late_days: int = 0, decided: bool = True
) -> ReportState:
    due = deadline_for(year, quarter).due
    sent = (
        due + dt.timedelta(days=late_days)
        if late_days
        else due - dt.timedelta(days=1 + _share(pemda.code, f"{year}{quarter}") % 12)
    )
    return ReportState(
        pemda=pemda,
        year=year,
        quarter=quarter,
        status=ReportStatus.DITERIMA if decided else ReportStatus.DIKIRIM,
        approved_at=_at(sent - dt.timedelta(days=2), 3),
        sent_at=_at(sent, 4),
        first_sent_at=_at(sent, 4),
        decided_at=_at(sent + dt.timedelta(days=5), 2) if decided else None,
    )


@transaction.atomic
def demo_workflow_seed(
    *,
    pemda_list: Sequence[Pemda],
    periods: Sequence[tuple[int, int]],
    home: Pemda,
    users: dict[str, User],
) -> WorkflowSeedReport:
    """``users``: the demo's accounts by username (operator, verifikator, pimpinan, admin_pemda,
    provinsi) — the home pemda's chain and the province's return are made as them."""
    if not periods:
        return WorkflowSeedReport()
    current = max(periods)
    codes = [p.code for p in pemda_list]
    done = set(
        ReportState.objects.filter(pemda__in=codes).values_list("pemda_id", "year", "quarter")
    )
    targets: dict[tuple[str, int], list[str]] = {}
    for pemda_id, year, jpd_id in AnnualTarget.objects.filter(pemda__in=codes).values_list(
        "pemda_id", "year", "jpd_id"
    ):
        targets.setdefault((pemda_id, year), []).append(jpd_id)
    reports: list[ReportState] = []
    states: list[JpdState] = []
    skipped = 0
    for pemda in pemda_list:
        for year, quarter in periods:
            if (pemda.code, year, quarter) in done:
                skipped += 1
                continue
            share = _share(pemda.code, f"{year}-{quarter}")
            if (year, quarter) != current:
                report = _accepted(pemda, year, quarter, late_days=3 if share < 8 else 0)
            elif pemda.code == home.code:
                continue  # walked through the real steps below
            elif pemda.code == LATE:
                report = _accepted(pemda, year, quarter, late_days=4, decided=False)
            elif pemda.code == RETURNED or share < 65:
                report = _accepted(pemda, year, quarter, decided=pemda.code != RETURNED)
            else:
                continue  # not sent yet: missing on the dashboards
            reports.append(report)
            for code in targets.get((pemda.code, year), []):
                states.append(
                    JpdState(
                        pemda=pemda,
                        jpd_id=code,
                        year=year,
                        quarter=quarter,
                        status=JpdStatus.DIVERIFIKASI,
                        submitted_at=report.approved_at,
                        verified_at=report.approved_at,
                    )
                )
    ReportState.objects.bulk_create(reports, batch_size=2000, ignore_conflicts=True)
    JpdState.objects.bulk_create(states, batch_size=5000, ignore_conflicts=True)
    _province_returns(pemda_list, current, users)
    _home_chain(home, current, users)
    audit_event_create(
        action="data_contoh.alur",
        object_type="pemda",
        object_id=",".join(codes)[:64],
        data={"laporan": len(reports), "jpd": len(states), "dilewati": skipped},
    )
    return WorkflowSeedReport(reports=len(reports), jpd=len(states), skipped=skipped)


def _province_returns(
    pemda_list: Sequence[Pemda], current: tuple[int, int], users: dict[str, User]
) -> None:
    """The province returns Kabupaten Bogor's current quarter, pointing at one value."""
    returned = next((p for p in pemda_list if p.code == RETURNED), None)
    province = users.get("provinsi")
    if returned is None or province is None:
        return
    year, quarter = current
    report = ReportState.objects.filter(pemda=returned, year=year, quarter=quarter).first()
    if report is None or report.status != ReportStatus.DIKIRIM:
        return
    jpd = (
        Jpd.objects.filter(
            code__in=JpdState.objects.filter(pemda=returned, year=year, quarter=quarter).values(
                "jpd_id"
            )
        )
        .order_by("code")
        .first()
    )
    if jpd is None:
        return
    report_step(
        scope=scope_for(province),
        pemda=returned,
        year=year,
        quarter=quarter,
        step="kembalikan",
        actor=province,
        reason=(
            f"Terlayani {jpd.code} naik tajam dibanding triwulan lalu tanpa penjelasan; "
            "mohon periksa kembali data sumbernya."
        ),
        points=[(jpd, "terlayani")],
    )


def _home_chain(home: Pemda, current: tuple[int, int], users: dict[str, User]) -> None:
    """Kota Bekasi's current quarter, in progress: the health operator submits three complete
    JPD, the SPM team verifies one and returns one pointing at its served count."""
    year, quarter = current
    if JpdState.objects.filter(pemda=home, year=year, quarter=quarter).exists():
        return
    operator, verifier = users.get("operator"), users.get("verifikator")
    if operator is None or verifier is None:
        return
    complete = list(
        QuarterEntry.objects.filter(
            pemda=home, year=year, quarter=quarter, is_complete=True, jpd__code__startswith="1.02."
        )
        .order_by("jpd_id")
        .values_list("jpd_id", flat=True)[:3]
    )
    jpd = {j.code: j for j in Jpd.objects.filter(code__in=complete)}

    def step(
        user: User, code: str, name: str, reason: str = "", fields: list[str] | None = None
    ) -> None:
        jpd_step(scope=scope_for(user), pemda=home, jpd=jpd[code], year=year, quarter=quarter,
                 step=name, actor=user, reason=reason, fields=fields or [])  # fmt: skip

    for code in complete:
        step(operator, code, "ajukan")
    if complete:
        step(verifier, complete[0], "verifikasi")
    if len(complete) > 1:
        step(
            verifier,
            complete[1],
            "kembalikan",
            "Terlayani lebih tinggi dari register kohort puskesmas; mohon dicocokkan.",
            ["terlayani"],
        )
