"""The workflow's answer to ``pendataan``'s lock interface (``tuntas.pendataan.locks``), and its
reaction to a changed value (a returned JPD goes back to ``draf``).

Row locks, always in this order, so writes and transitions made at the same moment queue up
instead of deadlocking: the report's state row (``ReportState``, created when missing), then
the JPD's state, then the entry (``entry_save`` locks it after asking here)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from tuntas.alur.models import JpdState, JpdStatus, ReportState, ReportStatus
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.locks import entry_changed, lock_check_register

LOCKED_REPORT = (ReportStatus.DISETUJUI, ReportStatus.DIKIRIM, ReportStatus.DITERIMA)
LOCKED_JPD = (JpdStatus.DIAJUKAN, JpdStatus.DIVERIFIKASI)


def report_state_lock(*, pemda: Pemda, year: int, quarter: int) -> ReportState:
    """The report's state row, locked for the rest of the transaction (created if missing)."""
    state, _ = ReportState.objects.select_for_update().get_or_create(
        pemda=pemda, year=year, quarter=quarter
    )
    return state


def locked_reason(
    *, report: ReportState, jpd_state: JpdState | None, jpd: Jpd, quarter: int, year: int
) -> str | None:
    """Why this JPD's values cannot change now, or ``None``."""
    if report.status in LOCKED_REPORT:
        return gettext(
            "Laporan TW%(q)s %(y)s sudah %(status)s, semua isiannya terkunci. Perubahan hanya "
            "setelah JPD %(jpd)s dibuka dengan alasan (oleh tim SPM sebelum dikirim, atau oleh "
            "penerima laporan setelah dikirim)."
        ) % {
            "q": quarter,
            "y": year,
            "status": ReportStatus(report.status).label.lower(),
            "jpd": jpd.code,
        }
    if jpd_state is not None and jpd_state.status in LOCKED_JPD:
        return gettext(
            "JPD %(jpd)s TW%(q)s %(y)s sudah %(status)s dan terkunci. Minta verifikator "
            "mengembalikannya bila ada yang perlu diubah."
        ) % {
            "jpd": jpd.code,
            "q": quarter,
            "y": year,
            "status": JpdStatus(jpd_state.status).label.lower(),
        }
    return None


def entry_lock_check(*, pemda: Pemda, jpd: Jpd, year: int, quarter: int | None) -> str | None:
    """Registered with ``pendataan``: a quarter's entry, or (``quarter`` None) the annual target,
    which every quarter of the year is computed with."""
    for q in (quarter,) if quarter is not None else (1, 2, 3, 4):
        report = report_state_lock(pemda=pemda, year=year, quarter=q)
        jpd_state = JpdState.objects.filter(pemda=pemda, jpd=jpd, year=year, quarter=q).first()
        reason = locked_reason(report=report, jpd_state=jpd_state, jpd=jpd, quarter=q, year=year)
        if reason:
            if quarter is None:
                return gettext("Sasaran tahunan dipakai di setiap triwulan. %(reason)s") % {
                    "reason": reason
                }
            return reason
    return None


def on_entry_changed(
    sender: Any, *, pemda: Pemda, jpd: Jpd, year: int, quarter: int | None, **kwargs: Any
) -> None:
    """A returned JPD whose values changed is a draft again (its flags stay until resolved)."""
    if not kwargs.get("changes"):
        return
    states = JpdState.objects.filter(pemda=pemda, jpd=jpd, year=year, status=JpdStatus.DIKEMBALIKAN)
    if quarter is not None:
        states = states.filter(quarter=quarter)
    states.update(status=JpdStatus.DRAF)


def connect() -> None:
    """Answer ``pendataan``'s lock interface and hear its changes (``AlurConfig.ready``)."""
    lock_check_register(entry_lock_check)
    entry_changed.connect(on_entry_changed, dispatch_uid="alur.on_entry_changed")
