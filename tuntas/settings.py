"""Settings for Tuntas, driven by environment variables.

SQLite (a file under ``var/``) is the embedded default; set ``TUNTAS_DATABASE_URL`` to use another
database, e.g. ``postgres://user@127.0.0.1:5432/tuntas`` or ``sqlite:////abs/path.sqlite3``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TUNTAS_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "ya", "on"}


def _secret_key() -> str:
    """Use TUNTAS_SECRET_KEY; otherwise a random key kept in var/secret_key (created once)."""
    key = os.environ.get("TUNTAS_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Off unless asked for (also in the demo): users only ever see the friendly 403/404/500 pages.
DEBUG = _env_bool("TUNTAS_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("TUNTAS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # runserver serves static files the way production does
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",  # background jobs (by-name recipient imports)
    "tuntas.core.apps.AntreanTugasConfig",  # django_tasks_db, named in Indonesian
    "tuntas.core.apps.PenguncianMasukConfig",  # axes: lockout per username and source address
    "tuntas.core",
    "tuntas.wilayah",
    "tuntas.katalog",
    "tuntas.kalkulator",
    "tuntas.organisasi",
    "tuntas.akun",
    "tuntas.pengaturan",
    "tuntas.pendataan",
    "tuntas.alur",
    "tuntas.perencanaan",
    "tuntas.dasbor",
    "tuntas.laporan",
    "tuntas.api",
    "tuntas.penerima",
    "tuntas.setup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files: compressed, hashed, cached
    # pages compressed too (Django's, with its BREACH mitigation: random padding of each response)
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "tuntas.core.middleware.SessionMiddleware",  # Django's; htmx polls leave the session as is
    "tuntas.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tuntas.core.upload_guard.RequestBodyLimitMiddleware",  # 413 before a huge body is read
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tuntas.akun.middleware.PasswordChangeRequiredMiddleware",  # initial/reset passwords
    "tuntas.akun.middleware.TimeZoneMiddleware",  # WIB/WITA/WIT of the pemda in view
    "tuntas.core.middleware.NoStoreMiddleware",  # pages of a signed-in user stay out of caches
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into its own page
]

# Request bodies (tuntas.core.upload_guard): form fields are held in memory up to 2.5 MB, a file
# above 2.5 MB is streamed to a temporary file, and a body above TUNTAS_UNGGAH_MAKS_MB (a by-name
# list of 512 MB and its fields) is refused with 413 before it is read. Workbook and table limits:
# UPLOAD_LIMITS = {"triwulan" | "penerima" | "tabel": {"max_rows": ..., ...}} (defaults there).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_MAX_REQUEST_BYTES = int(os.environ.get("TUNTAS_UNGGAH_MAKS_MB", 513)) * 1024 * 1024

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username and address
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tuntas.urls"
WSGI_APPLICATION = "tuntas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tuntas.akun.context_processors.tuntas",
                "tuntas.alur.context_processors.pengingat",  # unread reminders in the header
            ],
        },
    },
]

# SQLite: WAL so readers never block the writer, a busy timeout instead of "database is locked",
# and IMMEDIATE transactions so a write transaction takes its lock up front.
SQLITE_OPTIONS: dict[str, Any] = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def _database() -> dict[str, Any]:
    url = os.environ.get("TUNTAS_DATABASE_URL", "").strip()
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "tuntas.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


DATABASES = {"default": _database()}

# Background jobs (django-tasks): queued in the database, run by `tuntas db_worker`. Tests use the
# immediate backend (override_settings) or call the task function directly.
# TUNTAS_TASKS_BACKEND=rq: the same tasks go to RQ over Redis (TUNTAS_REDIS_URL), run by any
# number of `tuntas rqworker --job-class django_tasks_rq.Job` on any number of machines sharing
# the database (README, "Many workers: RQ over Redis"). TUNTAS_RQ_BATAS_DETIK: a job's time limit.
TASKS_BACKEND = os.environ.get("TUNTAS_TASKS_BACKEND", "").strip().lower() or "db"
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    REDIS_URL = os.environ.get("TUNTAS_REDIS_URL", "").strip() or "redis://127.0.0.1:6379/0"
    RQ_QUEUES: dict[str, Any] = {
        "default": {
            "URL": REDIS_URL,
            "DEFAULT_TIMEOUT": int(os.environ.get("TUNTAS_RQ_BATAS_DETIK", "").strip() or 1800),
        }
    }
    TASKS: dict[str, Any] = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
elif TASKS_BACKEND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"TUNTAS_TASKS_BACKEND harus 'db' (bawaan) atau 'rq', bukan {TASKS_BACKEND!r}."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The public address of this installation: printed under every approved report's fingerprint
# ("verifikasi: <address>/verifikasi/<kode>"). Set it in production (https://spm.example.go.id).
# Unset: the first of CSRF_TRUSTED_ORIGINS, as the reminder e-mails do.
TUNTAS_SITE_URL = os.environ.get("TUNTAS_SITE_URL", "").strip().rstrip("/")

# E-mail (the deadline reminders, tuntas pengingat): SMTP when TUNTAS_EMAIL_HOST is set, else
# every mail is written to the console (the log of the worker or the command).
EMAIL_HOST = os.environ.get("TUNTAS_EMAIL_HOST", "").strip()
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("TUNTAS_EMAIL_PORT", "").strip() or 587)
    EMAIL_HOST_USER = os.environ.get("TUNTAS_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("TUNTAS_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("TUNTAS_EMAIL_TLS", True)  # STARTTLS (port 587)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("TUNTAS_EMAIL_FROM", "").strip() or "Tuntas <tuntas@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "akun:masuk"
LOGIN_REDIRECT_URL = "beranda"
LOGOUT_REDIRECT_URL = "akun:masuk"
SESSION_COOKIE_AGE = int(os.environ.get("TUNTAS_SESSION_SECONDS", 8 * 3600))  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True  # the expiry counts from the last request (idle timeout)
SESSION_COOKIE_HTTPONLY = True

# HTTPS (README, "Running it for real"): TUNTAS_HTTPS=1 behind TLS turns on the redirect, secure
# cookies and HSTS (TUNTAS_HSTS_SECONDS, default one year); `tuntas check --deploy` is then clean.
# A reverse proxy that terminates TLS must set X-Forwarded-Proto (TUNTAS_PROXY_SSL_HEADER=1).
HTTPS = _env_bool("TUNTAS_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("TUNTAS_HSTS_SECONDS", 365 * 24 * 3600)) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("TUNTAS_HSTS_SUBDOMAINS", True)
# "preload" only takes effect once the domain is submitted to the browsers' list (hstspreload.org)
SECURE_HSTS_PRELOAD = _env_bool("TUNTAS_HSTS_PRELOAD", True)
if _env_bool("TUNTAS_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = _env_bool("TUNTAS_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("TUNTAS_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): scripts and style sheets only from this site, never
# inline; data for scripts travels in <script type="application/json"> (json_script). Inline
# style *attributes* (bar widths) stay allowed; <style> elements do not.
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login lockout (django-axes): failed attempts are counted per username AND source address, so
# nobody can lock someone else out from another address; a success resets the count. The source
# address is REMOTE_ADDR, or behind TUNTAS_PROXY_COUNT reverse proxies the address the nearest
# proxy saw (tuntas.akun.client_ip).


def _env_count(name: str, default: int, minimum: int) -> int:
    """A whole number from the environment; anything else stops the start with its name (a
    cool-off of 0 would lock for ever in axes, a limit of 0 would refuse every sign-in)."""
    raw = os.environ.get(name, "").strip() or str(default)
    if not raw.isdigit() or int(raw) < minimum:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name} harus bilangan bulat ≥ {minimum}, bukan {raw!r}.")
    return int(raw)


AXES_FAILURE_LIMIT = _env_count("TUNTAS_LOGIN_BATAS_GAGAL", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=_env_count("TUNTAS_LOGIN_KUNCI_MENIT", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tuntas.akun.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "tuntas.akun.client_ip.client_ip"
AXES_VERBOSE = False
PROXY_COUNT = _env_count("TUNTAS_PROXY_COUNT", 0, minimum=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "tuntas" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Whitenoise serves STATIC_ROOT (filled by `tuntas init`, which runs collectstatic) with hashed
# names, gzip and brotli copies and a far-future cache for the hashed files. The test suite uses
# the plain storage (conftest.py), so it needs no collectstatic.
STORAGES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "tuntas.core.storage.StaticStorage"},
}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TUNTAS_LOG_LEVEL", "WARNING")},
    # WeasyPrint warns once per SVG presentation attribute it passes to its SVG renderer
    # (fill, stroke, …: drawn all the same); only its errors are worth a line in the log
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}
