from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tuntas.akun.scope import request_scope
from tuntas.alur.pengingat import RECIPIENT_ROLES, unread_count


def pengingat(request: HttpRequest) -> dict[str, Any]:
    """The header's link to /pengingat/ with the unread count, for the roles that get reminders
    (admin_pemda, operator: one query); nothing for the others (no query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = request_scope(request)
    if not any(m.role in RECIPIENT_ROLES for m in scope.memberships):
        return {}
    return {"pengingat_tampil": True, "pengingat_belum_dibaca": unread_count(scope)}
