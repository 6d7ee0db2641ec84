"""Tuntas's middleware: the language (below), session refresh for polls, no-store for signed-in pages.

Bahasa Indonesia first: the language is Indonesian unless the user chose another with the
language switch (Django's language cookie). The browser's Accept-Language is ignored on purpose:
many office PCs run an English Windows, and officials must not get an English UI by accident."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch = response.headers.get("Vary", "")
        if "Cookie" not in patch:
            response.headers["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        translation.deactivate()
        return response


# --- sessions ----------------------------------------------------------------------------------
# The idle expiry counts from the last request (SESSION_SAVE_EVERY_REQUEST), so every request
# writes its session row. A poll is not the user's activity, and on SQLite a by-name import holds
# the database's write lock for its whole transaction: a poll that had to refresh its session
# would wait for the lock and fail, so the progress bar would stop. Polls therefore leave the
# session as it is.

_NO_REFRESH = "_tuntas_no_session_refresh"


def no_session_refresh(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view whose htmx polls must not refresh the session (see above)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        setattr(request, _NO_REFRESH, True)
        return view(request, *args, **kwargs)

    return wrapped


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except for htmx polls of views marked :func:`no_session_refresh` that did not
    change the session: those write nothing."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if (
            getattr(request, _NO_REFRESH, False)
            and getattr(request, "htmx", False)
            and not request.session.modified
        ):
            return response
        return super().process_response(request, response)


# --- caching -----------------------------------------------------------------------------------
# A page shown to a signed-in user may carry data of their pemda or personal data: no browser,
# proxy or shared office PC may keep a copy (Cache-Control: no-store). Static files never reach
# this (whitenoise answers them first, with their own far-future cache).


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and "no-store" not in response.get("Cache-Control", "")
        ):
            add_never_cache_headers(response)
        return response
