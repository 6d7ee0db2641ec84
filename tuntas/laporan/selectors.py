"""Reads of the reports app: fingerprints (sidik) and the region's narrative texts."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from tuntas.akun.scope import Scope
from tuntas.laporan.models import ReportBuild, ReportText, Seal, TextKey
from tuntas.organisasi.models import Pemda

SEAL_CODE = re.compile(r"^[0-9a-f]{16}$")


def seal_lookup(code: str) -> Seal | None:
    """The seal of a printed code (16 hex digits; dashes, spaces and case ignored), or None."""
    cleaned = re.sub(r"[\s-]", "", code or "").lower()[:64]
    if len(cleaned) == 64:
        cleaned = cleaned[:16]
    if not SEAL_CODE.match(cleaned):
        return None
    return Seal.objects.select_related("pemda").filter(code=cleaned).first()


def seal_latest(pemda: Pemda, year: int, quarter: int) -> Seal | None:
    """The most recent seal of a pemda's period (quarter 0: the annual report)."""
    return (
        Seal.objects.filter(pemda=pemda, year=year, quarter=quarter)
        .order_by("-created_at", "-pk")
        .first()
    )


def seal_is_current(seal: Seal | None) -> bool | None:
    """Whether a seal is still the latest of its period (None when there is no seal): a later
    seal means the data changed after this copy was approved and printed."""
    if seal is None:
        return None
    latest = seal_latest(seal.pemda, seal.year, seal.quarter)
    return latest is None or latest.pk == seal.pk


def report_texts(pemda: Pemda, year: int) -> dict[str, str]:
    """The texts the pemda wrote for the year, by key (missing keys: use the defaults)."""
    return dict(
        ReportText.objects.filter(pemda=pemda, year=year, key__in=TextKey.values).values_list(
            "key", "text"
        )
    )


def site_url() -> str:
    """The address a printed verification link starts with: ``TUNTAS_SITE_URL`` when set,
    else the first trusted origin (as the reminder e-mails do), else nothing (a relative
    path)."""
    site = str(getattr(settings, "TUNTAS_SITE_URL", "") or "").strip()
    if not site:
        origins = getattr(settings, "CSRF_TRUSTED_ORIGINS", None) or []
        site = str(origins[0]).strip() if origins else ""
    return site.rstrip("/")


def verification_url(code: str) -> str:
    """Where anyone checks a printed fingerprint: ``<site>/verifikasi/<code>/``."""
    return f"{site_url()}/verifikasi/{code}/"


# --- background builds ------------------------------------------------------------------------


def can_read_national(scope: Scope) -> bool:
    """The national summary: pusat and the system administrator only."""
    user: User | AnonymousUser = scope.user
    return scope.is_pusat or bool(user.is_authenticated and user.is_superuser)


def report_build_for_user(*, scope: Scope, build_id: int) -> ReportBuild | None:
    """A build (without its file) if the user may read its pemda (the national summary: pusat
    and the administrator); None otherwise, so that missing and forbidden look the same."""
    build = (
        ReportBuild.objects.select_related("pemda", "requested_by")
        .defer("content")
        .filter(pk=build_id)
        .first()
    )
    if build is None:
        return None
    if build.pemda is None:
        return build if can_read_national(scope) else None
    return build if scope.can_read(build.pemda) else None


def report_build_content(build: ReportBuild) -> bytes:
    """The built file (read only for a download)."""
    data = ReportBuild.objects.filter(pk=build.pk).values_list("content", flat=True).first()
    return bytes(data) if data is not None else b""


def report_builds_recent(*, pemda: Pemda | None, limit: int = 10) -> QuerySet[ReportBuild]:
    """The latest builds of a pemda (None: the national summaries), newest first."""
    builds = ReportBuild.objects.defer("content").select_related("requested_by")
    builds = builds.filter(pemda=pemda) if pemda else builds.filter(pemda__isnull=True)
    return builds.order_by("-created_at", "-pk")[:limit]


# --- end background builds ---
