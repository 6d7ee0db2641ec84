from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def tuntas(request: HttpRequest) -> dict[str, Any]:
    from tuntas.akun.scope import request_scope

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"scope": request_scope(request)}
