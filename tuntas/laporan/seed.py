"""The demo's reports: the home pemda's last full year approved and accepted, signed by the demo
head, with its annual report sealed so its fingerprint can be checked at once."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction

from tuntas.alur.models import JpdState, JpdStatus, ReportState, ReportStatus
from tuntas.laporan.document import report_data
from tuntas.laporan.models import Seal
from tuntas.laporan.services import report_seal
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.models import AnnualTarget


@transaction.atomic
def demo_reports_seed(*, home: Pemda, year: int, head: User | None) -> Seal | None:
    """Every quarter of ``year`` of ``home`` accepted (those the workflow seed left otherwise are
    completed the same way: approved by ``head``, sent, accepted), then the annual report's
    seal. Safe to repeat: the same data give the same seal."""
    targets = list(
        AnnualTarget.objects.filter(pemda=home, year=year).values_list("jpd_id", flat=True)
    )
    for quarter in (1, 2, 3, 4):
        approved = dt.datetime(year + (quarter == 4), (quarter * 3) % 12 + 1, 15, 3, tzinfo=dt.UTC)
        state, _created = ReportState.objects.get_or_create(
            pemda=home,
            year=year,
            quarter=quarter,
            defaults={"status": ReportStatus.DITERIMA, "approved_at": approved},
        )
        changed = []
        if state.status != ReportStatus.DITERIMA:
            state.status = ReportStatus.DITERIMA
            changed.append("status")
        if state.approved_at is None:
            state.approved_at = approved
            changed.append("approved_at")
        if head is not None and state.approved_by_id is None:
            state.approved_by = head
            changed.append("approved_by")
        if state.sent_at is None:
            state.sent_at = state.first_sent_at = state.approved_at + dt.timedelta(days=1)
            changed += ["sent_at", "first_sent_at"]
        if state.decided_at is None:
            state.decided_at = state.approved_at + dt.timedelta(days=6)
            changed.append("decided_at")
        if changed:
            state.save(update_fields=changed)
        JpdState.objects.bulk_create(
            [
                JpdState(
                    pemda=home,
                    jpd_id=code,
                    year=year,
                    quarter=quarter,
                    status=JpdStatus.DIVERIFIKASI,
                    verified_at=state.approved_at,
                )
                for code in targets
            ],
            ignore_conflicts=True,
        )
    return report_seal(report_data(home, year))
