"""Reminders of the quarter report's deadline, in the app and by e-mail.

``reminders_send(today=...)`` (daily: ``tuntas pengingat``, its task in ``tasks.py``, the systemd
timer ``deploy/tuntas-pengingat.timer``) looks at the quarter being reported (the one that ended
last, ``pendataan.selectors.current_period``: its deadline is the next one or the one just
passed) and, for each registered pemda whose report is not sent yet (``tenggat``: dikirim,
diterima, or sent once), makes one ``Reminder`` per recipient and kind:

* ``h-7`` from seven days before the deadline, ``h-1`` from the day before (the deadline's day
  included), ``terlambat`` once the deadline has passed — each at most once per user, pemda and
  quarter (the table's unique constraint), so the job may run as often as it likes, and a day the
  timer missed is caught up the next run;
* recipients: the pemda's admin_pemda members, and the operators of each OPD that is pengampu of
  a JPD whose entry for the quarter is not complete (their reminder names those JPD); active
  accounts only.

Reminders are e-mailed (Django ``send_mail``; ``TUNTAS_EMAIL_*`` settings, the console when no
host is set) to users with an address, after the reminders are committed; ``emailed_at`` is set
only after a successful send, so a failed one is tried again at the next run.

The reads for the page ``/pengingat/`` and the unread count in the header are here too, with the
one other write: marking reminders read.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext, override

from tuntas.akun.models import Membership, Role
from tuntas.akun.scope import Scope, pemda_readable
from tuntas.alur.models import Reminder, ReportState
from tuntas.alur.tenggat import Tenggat, deadline_for, sent_filter
from tuntas.core.formatting import waktu
from tuntas.core.services import audit_event_create
from tuntas.organisasi.models import JpdAssignment, Pemda
from tuntas.pendataan.models import QuarterEntry
from tuntas.pendataan.selectors import current_period

logger = logging.getLogger(__name__)

H7, H1, TERLAMBAT = "h-7", "h-1", "terlambat"
RECIPIENT_ROLES = (Role.ADMIN_PEMDA, Role.OPERATOR)


def reminder_kind(due: dt.date, today: dt.date) -> str | None:
    """Which reminder is due ``today``: ``h-7`` (2–7 days left), ``h-1`` (the day before and
    the deadline's day), ``terlambat`` (after it), or none."""
    days = (due - today).days
    if days < 0:
        return TERLAMBAT
    if days <= 1:
        return H1
    if days <= 7:
        return H7
    return None


def reminder_text(
    *,
    pemda: Pemda,
    year: int,
    quarter: int,
    kind: str,
    deadline: Tenggat,
    today: dt.date,
    jpd_codes: list[str],
) -> str:
    days = (deadline.due - today).days
    values: dict[str, object] = {
        "pemda": pemda.name,
        "q": quarter,
        "y": year,
        "due": deadline.label,
        "days": days,
    }
    if kind == TERLAMBAT:
        text = (
            gettext(
                "Laporan SPM TW%(q)s %(y)s %(pemda)s terlambat: batas waktu %(due)s sudah lewat "
                "dan laporan belum dikirim."
            )
            % values
        )
    elif values["days"] == 0:
        text = (
            gettext(
                "Laporan SPM TW%(q)s %(y)s %(pemda)s belum dikirim. Batas waktunya hari ini, "
                "%(due)s."
            )
            % values
        )
    else:
        text = (
            ngettext(
                "Laporan SPM TW%(q)s %(y)s %(pemda)s belum dikirim. Batas waktu %(due)s, "
                "%(days)s hari lagi.",
                "Laporan SPM TW%(q)s %(y)s %(pemda)s belum dikirim. Batas waktu %(due)s, "
                "%(days)s hari lagi.",
                days,
            )
            % values
        )
    if jpd_codes:
        text += " " + gettext("JPD perangkat daerah Anda yang isiannya belum lengkap: %(jpd)s.") % {
            "jpd": ", ".join(jpd_codes)
        }
    return text


@dataclass(frozen=True)
class Recipient:
    user_id: int
    jpd_codes: list[str]  # the incomplete JPD of the user's OPD (empty for admin_pemda)


def recipients_by_pemda(
    pemdas: list[Pemda], year: int, quarter: int
) -> dict[str, dict[int, Recipient]]:
    """pemda code → user id → recipient. Three queries."""
    codes = [p.code for p in pemdas]
    complete = set(
        QuarterEntry.objects.filter(
            pemda__in=codes, year=year, quarter=quarter, is_complete=True
        ).values_list("pemda_id", "jpd_id")
    )
    incomplete: dict[tuple[str, int], list[str]] = defaultdict(list)  # (pemda, opd) → JPD
    for pemda_id, jpd_id, opd_id in (
        JpdAssignment.objects.filter(pemda__in=codes, jpd__level=F("pemda__level"))
        .order_by("jpd_id")
        .values_list("pemda_id", "jpd_id", "opd_id")
    ):
        if (pemda_id, jpd_id) not in complete:
            incomplete[(pemda_id, opd_id)].append(jpd_id)
    out: dict[str, dict[int, Recipient]] = defaultdict(dict)
    for pemda_id, user_id, role, opd_id in (
        Membership.objects.filter(pemda__in=codes, role__in=RECIPIENT_ROLES, user__is_active=True)
        .order_by("pk")
        .values_list("pemda_id", "user_id", "role", "opd_id")
    ):
        known = out[pemda_id].get(user_id)
        if role == Role.ADMIN_PEMDA:
            jpd = known.jpd_codes if known else []
        elif (pemda_id, opd_id) in incomplete:
            jpd = sorted({*(known.jpd_codes if known else []), *incomplete[(pemda_id, opd_id)]})
        else:
            continue  # an operator whose OPD has every entry complete
        out[pemda_id][user_id] = Recipient(user_id, jpd)
    return out


def reminders_create(*, today: dt.date) -> tuple[int, int, int]:
    """Make today's reminders (see the module); returns ``(created, year, quarter)``."""
    year, quarter = current_period(today)
    deadline = deadline_for(year, quarter)
    kind = reminder_kind(deadline.due, today)
    if kind is None:
        return 0, year, quarter
    with transaction.atomic():
        sent = set(
            ReportState.objects.filter(year=year, quarter=quarter)
            .filter(sent_filter())
            .values_list("pemda_id", flat=True)
        )
        pemdas = [p for p in Pemda.objects.order_by("code") if p.code not in sent]
        recipients = recipients_by_pemda(pemdas, year, quarter)
        existing = set(
            Reminder.objects.filter(
                pemda__in=[p.code for p in pemdas], year=year, quarter=quarter, kind=kind
            ).values_list("pemda_id", "user_id")
        )
        new: list[Reminder] = []
        with override(settings.LANGUAGE_CODE):  # stored text: in the site's language
            for pemda in pemdas:
                made = 0
                for recipient in recipients.get(pemda.code, {}).values():
                    if (pemda.code, recipient.user_id) in existing:
                        continue
                    text = reminder_text(
                        pemda=pemda,
                        year=year,
                        quarter=quarter,
                        kind=kind,
                        deadline=deadline,
                        today=today,
                        jpd_codes=recipient.jpd_codes,
                    )
                    new.append(
                        Reminder(
                            pemda=pemda,
                            year=year,
                            quarter=quarter,
                            kind=kind,
                            user_id=recipient.user_id,
                            text=text,
                        )
                    )
                    made += 1
                if made:
                    audit_event_create(
                        action="pengingat.buat",
                        pemda=pemda.code,
                        object_type="alur.Reminder",
                        object_id=f"{year}-{quarter}-{kind}",
                        data={
                            "tahun": year,
                            "triwulan": quarter,
                            "jenis": kind,
                            "penerima": made,
                            "batas_waktu": deadline.due.isoformat(),
                        },
                    )
        # a run at the same moment may have made some: the unique constraint keeps one
        Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return len(new), year, quarter


def email_subject(reminder: Reminder) -> str:
    return gettext("[Tuntas] Pengingat laporan SPM TW%(q)s %(y)s — %(pemda)s") % {
        "q": reminder.quarter,
        "y": reminder.year,
        "pemda": reminder.pemda.name,
    }


def email_body(reminder: Reminder) -> str:
    lines = [reminder.text, ""]
    origins = getattr(settings, "CSRF_TRUSTED_ORIGINS", [])
    if origins:
        lines.append(gettext("Semua pengingat Anda: %(url)s") % {"url": f"{origins[0]}/pengingat/"})
    else:
        lines.append(gettext("Semua pengingat Anda ada di menu Pengingat di Tuntas."))
    lines += ["", gettext("Surel ini dikirim otomatis oleh Tuntas; mohon tidak dibalas.")]
    return "\n".join(lines)


def reminders_email(*, year: int, quarter: int) -> int:
    """E-mail the quarter's reminders not e-mailed yet to users with an address; returns how
    many were sent. A failed send is logged and left for the next run."""
    pending = (
        Reminder.objects.filter(year=year, quarter=quarter, emailed_at__isnull=True)
        .exclude(user__email="")
        .filter(user__is_active=True)
        .select_related("user", "pemda")
        .order_by("pk")
    )
    sent = 0
    with override(settings.LANGUAGE_CODE):
        for reminder in pending:
            try:
                send_mail(
                    email_subject(reminder),
                    email_body(reminder),
                    None,  # DEFAULT_FROM_EMAIL (TUNTAS_EMAIL_FROM)
                    [reminder.user.email],
                    fail_silently=False,
                )
            except Exception:  # the mail server refused or is down: try again next run
                logger.exception("Pengingat #%s tidak dapat dikirim lewat surel", reminder.pk)
                continue
            Reminder.objects.filter(pk=reminder.pk).update(emailed_at=timezone.now())
            sent += 1
    return sent


def reminders_send(*, today: dt.date) -> int:
    """The daily job: make today's reminders, then e-mail those not e-mailed yet. Returns the
    number of reminders made."""
    created, year, quarter = reminders_create(today=today)
    reminders_email(year=year, quarter=quarter)
    return created


# --- the user's reminders (page and header) -------------------------------------------------


def reminders_for_user(scope: Scope) -> QuerySet[Reminder]:
    """The user's reminders about pemda they may still read, newest first."""
    return (
        Reminder.objects.filter(user_id=scope.user.pk or 0, pemda__in=pemda_readable(scope))
        .select_related("pemda")
        .order_by("-created_at", "-id")
    )


def unread_count(scope: Scope) -> int:
    """One query."""
    return reminders_for_user(scope).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class ReminderRow:
    reminder: Reminder
    shown_at: str  # when it was made, in its pemda's zone


def reminder_rows(scope: Scope, limit: int = 200) -> list[ReminderRow]:
    return [
        ReminderRow(r, waktu(r.created_at, r.pemda.zona.info))
        for r in reminders_for_user(scope)[:limit]
    ]


@transaction.atomic
def reminders_mark_read(*, user: User, scope: Scope, ids: list[int] | None) -> int:
    """Mark the user's unread reminders read: those of ``ids``, or all of them (``None``).
    Returns how many changed."""
    unread = reminders_for_user(scope).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    rows = list(unread.values_list("pk", "pemda_id"))
    if not rows:
        return 0
    Reminder.objects.filter(pk__in=[pk for pk, _ in rows]).update(read_at=timezone.now())
    for pemda_code in sorted({code for _, code in rows}):
        audit_event_create(
            action="pengingat.baca",
            actor=user,
            pemda=pemda_code,
            object_type="alur.Reminder",
            data={"pengingat": [pk for pk, code in rows if code == pemda_code]},
        )
    return len(rows)
