from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from tuntas.core.models import AuditEvent


def audit_event_create(
    *,
    action: str,
    actor: User | None = None,
    pemda: str = "",
    object_type: str = "",
    object_id: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record a state change. Call inside the transaction that makes the change. ``pemda`` is
    the code of the tenant the change belongs to (blank for national data). The table is
    append-only: the database refuses UPDATE and DELETE (migration core 0002)."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        pemda=pemda,
        object_type=object_type,
        object_id=object_id,
        data=data or {},
    )
