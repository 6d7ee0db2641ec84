"""A user whose password was set by someone else (an admin's initial or reset password, or
``tuntas pengguna-baru``) must choose their own before anything else: every page redirects to
the password change page until they do. The flag travels in the session (set at sign-in by
``tuntas.akun.signals``), so a request costs no query. The API and static files are left alone
(API tokens are made by the system administrator for machines)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from tuntas.akun.services import MUST_CHANGE_SESSION_KEY


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(MUST_CHANGE_SESSION_KEY):
            allowed = (
                reverse("akun:sandi"),
                reverse("akun:sandi-selesai"),
                reverse("akun:keluar"),
                reverse("set_language"),
            )
            path = request.path
            if path not in allowed and not path.startswith(("/api/", "/static/")):
                return HttpResponseRedirect(reverse("akun:sandi"))
        return self.get_response(request)
