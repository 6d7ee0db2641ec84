"""Background tasks of the workflow (django-tasks; ``tuntas db_worker`` runs them)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from tuntas.alur.pengingat import reminders_send


@task()
def reminders_send_task(today: str | None = None) -> int:
    """The daily reminders (``pengingat.reminders_send``) for ``today`` (ISO date; by default
    today in the site's zone, WIB). Returns the number of reminders made."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return reminders_send(today=day)
