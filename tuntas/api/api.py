"""The API: one NinjaAPI under ``/api/``, its OpenAPI schema at ``/api/openapi.json`` and
interactive documentation at ``/api/docs`` (Swagger UI served from ``static/vendor``, no CDN).
It reads the dashboards and the catalog, and reads and writes the quarterly entry.

Authentication: ``Authorization: Bearer <token>`` (``tuntas token-baru``) or the browser's Django
session (a write through the session needs its CSRF token; a bearer token needs none). Every
endpoint then applies the same access policy as the pages (``tuntas.akun.scope``): anonymous →
401, outside the user's scope → 404, a role that may read but not write → 403."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import HttpBearer, SessionAuth

from tuntas.akun.services import MUST_CHANGE_SESSION_KEY
from tuntas.alur.api import router as alur_router
from tuntas.api.services import api_token_authenticate
from tuntas.core.formatting import format_int_id
from tuntas.dasbor.api import router as dasbor_router
from tuntas.katalog.api import router as katalog_router
from tuntas.pendataan.api import router as pendataan_router
from tuntas.perencanaan.api import router as perencanaan_router


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; the token's user becomes ``request.user`` so the
    scope helpers (``tuntas.akun.scope``) see the same user as for a session."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(plaintext=token)
        if user is not None:
            request.user = user
        return user


class BrowserSession(SessionAuth):
    """The browser's Django session, unless its user still has to replace a password set by
    someone else (``tuntas.akun.middleware``): the pages send them to the password page, and
    the API answers 401 instead of serving data to whoever knows the one-time password.

    A write through the session needs the CSRF token (``X-CSRFToken``, ninja checks it); a
    request with no signed-in session is not checked for it, so it gets 401, not 403."""

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        if request.session.get(MUST_CHANGE_SESSION_KEY):
            return None
        return super().authenticate(request, key)


class VendoredSwagger(DocsBase):
    """Swagger UI from ``tuntas/core/static/vendor/swagger-ui`` (ninja's own page would need
    ``ninja`` in INSTALLED_APPS or load it from a CDN). Only GET may be tried: the page sends no
    CSRF token, so writes are made by the sector systems with a bearer token."""

    settings: dict[str, Any] = {
        "layout": "BaseLayout",
        "deepLinking": True,
        "validatorUrl": None,  # the default would send the schema to validator.swagger.io
        "supportedSubmitMethods": ["get"],
    }

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": settings})


api = NinjaAPI(
    title="Tuntas API",
    version="1",
    description=(
        "API Tuntas dalam JSON: membaca data dasbor SPM dan katalog, serta membaca dan "
        "menyimpan isian triwulan per JPD (GET/PUT /api/pemda/KODE/isian/TAHUN/TW/KODE_JPD) "
        "agar sistem sektoral dapat mengirim angkanya tanpa diketik ulang. Autentikasi "
        "dengan header `Authorization: Bearer <token>` (buat token dengan "
        "`tuntas token-baru USERNAME`) atau sesi peramban yang sudah masuk (menyimpan lewat "
        "sesi perlu header X-CSRFToken). Cakupan dan hak sama dengan halaman: pemda di luar "
        "cakupan Anda dijawab 404, peran yang hanya boleh membaca 403, isian yang sudah "
        "diubah orang lain atau terkunci 409. Nilai dalam persen, dengan presisi metode "
        "penilaian pemda (bawaan: dipotong dua desimal); katalog SPM (/api/katalog/TAHUN) "
        "terbuka tanpa autentikasi; "
        "kode kategori: paripurna, utama, madya, pratama, muda, belum."
    ),
    urls_namespace="api",
    auth=[BearerToken(), BrowserSession()],
    docs=VendoredSwagger(),
    docs_url="/docs",
)
api.add_router("", dasbor_router)
api.add_router("", katalog_router)
api.add_router("", pendataan_router)
api.add_router("", alur_router)
api.add_router("", perencanaan_router)

# django-ninja's own error bodies, in Indonesian and in the shapes the schema documents
# (tuntas.core.api_schema): 422 {"detail", "galat": [{"lokasi", "pesan"}]}, 401 and 404
# {"detail"}.
_PESAN = {
    "missing": "wajib diisi",
    "int_parsing": "harus bilangan bulat",
    "int_type": "harus bilangan bulat",
    "float_parsing": "harus bilangan",
    "bool_parsing": "harus true atau false",
    "string_too_long": "terlalu panjang",
    "greater_than_equal": "terlalu kecil",
    "less_than_equal": "terlalu besar",
    "json_invalid": "bukan JSON yang sah",
    "extra_forbidden": "kolom tidak dikenal",
    "string_type": "harus teks",
    "list_type": "harus daftar",
    "model_type": "harus objek JSON",
    "too_long": "terlalu banyak",
}


def _message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    limit = (error.get("ctx") or {}).get("le" if kind == "less_than_equal" else "ge")
    if kind in ("less_than_equal", "greater_than_equal") and isinstance(limit, int):
        bound = "paling banyak" if kind == "less_than_equal" else "paling sedikit"
        return f"{_PESAN[kind]} ({bound} {format_int_id(limit)})"
    return _PESAN.get(kind, str(error.get("msg", "tidak sah")))


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = []
    for error in exc.errors:
        location = [part for part in error.get("loc", ()) if isinstance(part, str | int)]
        message = _message(error)
        details.append({"lokasi": location, "pesan": message})
    named = "; ".join(
        f"{'.'.join(str(p) for p in d['lokasi'][1:] or d['lokasi'])}: {d['pesan']}" for d in details
    )
    return api.create_response(
        request, {"detail": f"Parameter tidak sah — {named}.", "galat": details}, status=422
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    session = getattr(request, "session", None)
    if session is not None and session.get(MUST_CHANGE_SESSION_KEY):
        detail = (
            "Kata sandi Anda dibuat oleh orang lain: ganti dulu di /akun/sandi/ sebelum "
            "memakai API lewat peramban."
        )
    else:
        detail = (
            "Belum masuk: kirim header Authorization: Bearer <token> "
            "(tuntas token-baru) atau masuk lewat peramban."
        )
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """ninja's own answer would be ``{"detail": "Not Found"}``. Missing and outside the user's
    scope read the same (``tuntas.akun.scope.pemda_get_for_user``); the reason an endpoint gives
    (e.g. a year outside the catalog) is kept."""
    reason = str(exc).strip().rstrip(".")
    if reason and reason.lower() != "tidak ditemukan":
        detail = f"Tidak ditemukan ({reason})."
    else:
        detail = "Tidak ditemukan, atau di luar cakupan akun Anda."
    return api.create_response(request, {"detail": detail}, status=404)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """A role that may read the pemda but not write this (``tuntas.akun.scope.require_write``):
    403 with the scope's sentence, not Django's HTML page."""
    detail = str(exc).strip() or "Peran Anda tidak mengizinkan tindakan ini."
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals; the one a browser meets (a write without its CSRF token) in
    Indonesian."""
    detail = str(exc)
    if exc.status_code == 403 and "CSRF" in detail:
        detail = (
            "Pemeriksaan CSRF gagal: lewat sesi peramban, kirim header X-CSRFToken berisi "
            "nilai cookie csrftoken (sistem lain memakai token Bearer)."
        )
    return api.create_response(request, {"detail": detail}, status=exc.status_code)
