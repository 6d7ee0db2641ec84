"""A user whose password was set by someone else (an admin's initial or reset password, or
``tuntas pengguna-baru``) must choose their own before anything else: every page redirects to
the password change page until they do. The flag travels in the session (set at sign-in by
``tuntas.akun.signals``), so a request costs no query. Static files and the API are left to
themselves: an API token request has no such session (tokens are made by the system
administrator for machines), and the API refuses such a browser session with 401
(``tuntas.api.api.BrowserSession``). An htmx request is told to load the password page as a
whole (``HX-Redirect``) rather than have it swapped into a fragment of the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from tuntas.akun.services import MUST_CHANGE_SESSION_KEY
from tuntas.wilayah.zona import zone_of


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
                if request.headers.get("HX-Request") == "true":
                    return HttpResponseClientRedirect(reverse("akun:sandi"))
                return HttpResponseRedirect(reverse("akun:sandi"))
        return self.get_response(request)


ZONE_SESSION_KEY = "tuntas_zona"


class TimeZoneMiddleware:
    """Times are shown in the zone of the pemda in view (WIB, WITA or WIT, from its province:
    tuntas.wilayah.zona): the URL's pemda code, else the signed-in user's own pemda (noted at
    sign-in), else WIB."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        own = session.get(ZONE_SESSION_KEY) if session is not None else None
        timezone.activate(zone_of(own).info)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> None:
        code = kwargs.get("kode")
        if isinstance(code, str) and code[:2].isdigit():
            timezone.activate(zone_of(code).info)
