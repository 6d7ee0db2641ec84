"""The address a login attempt came from, for the lockout (django-axes).

Without a reverse proxy it is REMOTE_ADDR. Behind ``TUNTAS_PROXY_COUNT`` proxies (nginx in
front of gunicorn: 1), REMOTE_ADDR is the proxy itself, and the client is the entry that the
outermost of our proxies appended to X-Forwarded-For: counted from the right, so an address a
client puts in the header itself is never believed."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    count = int(getattr(settings, "PROXY_COUNT", 0))
    remote = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
