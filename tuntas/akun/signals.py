"""At sign-in, note in the session whether the user must change their password first and which
pemda's time zone is theirs (``tuntas.akun.middleware``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from tuntas.akun.middleware import ZONE_SESSION_KEY
from tuntas.akun.models import AccountState, Membership
from tuntas.akun.services import MUST_CHANGE_SESSION_KEY


@receiver(user_logged_in, dispatch_uid="tuntas.akun.must_change_password")
def note_must_change_password(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    # the zone of the user's own pemda (the first membership; pusat: none, so WIB)
    pemda = (
        Membership.objects.filter(user=user, pemda__isnull=False)
        .order_by("pk")
        .values_list("pemda_id", flat=True)
        .first()
    )
    session[ZONE_SESSION_KEY] = pemda
    if AccountState.objects.filter(user=user, must_change_password=True).exists():
        session[MUST_CHANGE_SESSION_KEY] = True
    else:
        session.pop(MUST_CHANGE_SESSION_KEY, None)
