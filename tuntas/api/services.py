"""Writes for API tokens. A token is ``tuntas_`` followed by 43 random URL-safe characters; the
database keeps its SHA-256 hash and its first characters (to recognise it in lists)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from tuntas.api.models import ApiToken
from tuntas.core.errors import DomainError
from tuntas.core.services import audit_event_create

TOKEN_PREFIX = "tuntas_"
PREFIX_LENGTH = 12
LABEL_MAX = 100
# last_used_at is refreshed at most this often, so reads do not write on every request
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, label: str = "", actor: User | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``: the stored row and the plaintext (returned once, never stored)."""
    label = label.strip()
    if not user.is_active:
        raise DomainError(f"Pengguna {user.username} tidak aktif; token tidak dibuat.")
    if len(label) > LABEL_MAX:
        raise DomainError(f"Label token paling panjang {LABEL_MAX} karakter.")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, label=label, token_hash=token_hash(plaintext), prefix=plaintext[:PREFIX_LENGTH]
    )
    audit_event_create(
        action="token_api.buat",
        actor=actor,
        object_type="token_api",
        object_id=str(token.pk),
        data={"pengguna": user.username, "label": label, "awalan": token.prefix},
    )
    return token, plaintext


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User | None = None) -> ApiToken:
    """Revoke a token for good (a revoked token is refused from the next request on)."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.is_revoked:
        return token
    token.is_revoked = True
    token.save(update_fields=["is_revoked"])
    audit_event_create(
        action="token_api.cabut",
        actor=actor,
        object_type="token_api",
        object_id=str(token.pk),
        data={"pengguna": token.user.username, "label": token.label, "awalan": token.prefix},
    )
    return token


def api_token_authenticate(*, plaintext: str) -> User | None:
    """The active user owning this unrevoked token, or ``None``.

    Records when the token was last used (at most once a minute). That is usage, not a change of
    state, so it writes no audit row."""
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(plaintext), is_revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
