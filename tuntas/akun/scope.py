"""Who may read and write what. Every view and endpoint fetches tenant objects through these
helpers: outside the user's scope the answer is 404 (the same as for a missing object); a
read-only role asking to write gets 403."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext

from tuntas.akun.models import Membership, Role
from tuntas.organisasi.models import Pemda


@dataclass(frozen=True)
class Scope:
    user: User | AnonymousUser
    memberships: tuple[Membership, ...]

    @cached_property
    def is_pusat(self) -> bool:
        return any(m.role == Role.PUSAT for m in self.memberships)

    @cached_property
    def own_pemda_codes(self) -> frozenset[str]:
        return frozenset(
            m.pemda_id for m in self.memberships if m.pemda_id and m.role != Role.PROVINSI
        )

    @cached_property
    def province_codes(self) -> frozenset[str]:
        """Provinces whose kab/kota this user oversees (role provinsi)."""
        return frozenset(
            m.pemda_id for m in self.memberships if m.role == Role.PROVINSI and m.pemda_id
        )

    def pemda_filter(self) -> Q:
        if self.is_pusat:
            return Q()
        q = Q(code__in=self.own_pemda_codes | self.province_codes)
        if self.province_codes:
            q |= Q(province_code__in=self.province_codes, level="kabkota")
        return q if (self.own_pemda_codes or self.province_codes) else Q(pk__in=[])

    def can_read(self, pemda: Pemda) -> bool:
        return (
            self.is_pusat
            or pemda.code in self.own_pemda_codes
            or pemda.code in self.province_codes
            or (pemda.level == "kabkota" and pemda.province_code in self.province_codes)
        )

    def roles_in(self, pemda: Pemda) -> set[str]:
        return {m.role for m in self.memberships if m.pemda_id == pemda.code}

    def is_read_only_in(self, pemda: Pemda) -> bool:
        return not (self.roles_in(pemda) & {Role.OPERATOR, Role.VERIFIKATOR, Role.ADMIN_PEMDA})

    def can_admin(self, pemda: Pemda) -> bool:
        return Role.ADMIN_PEMDA in self.roles_in(pemda)

    def writable_opd_ids(self, pemda: Pemda) -> set[int] | None:
        """OPD whose JPD this user may enter data for in ``pemda``; ``None`` means all of them."""
        ids: set[int] = set()
        for m in self.memberships:
            if m.pemda_id != pemda.code:
                continue
            if m.role == Role.ADMIN_PEMDA or (m.role == Role.VERIFIKATOR and m.opd_id is None):
                return None
            if m.role in (Role.OPERATOR, Role.VERIFIKATOR) and m.opd_id is not None:
                ids.add(m.opd_id)
        return ids

    def can_write_jpd(self, pemda: Pemda, opd_id: int | None) -> bool:
        allowed = self.writable_opd_ids(pemda)
        return allowed is None or (opd_id is not None and opd_id in allowed)


def scope_for(user: User | AnonymousUser) -> Scope:
    if not user.is_authenticated:
        return Scope(user, ())
    return Scope(user, tuple(Membership.objects.filter(user=user)))


def request_scope(request: HttpRequest) -> Scope:
    cached = getattr(request, "_tuntas_scope", None)
    if cached is None:
        cached = scope_for(request.user)
        request._tuntas_scope = cached  # type: ignore[attr-defined]
    return cached


def pemda_readable(scope: Scope) -> QuerySet[Pemda]:
    return Pemda.objects.filter(scope.pemda_filter())


def pemda_get_for_user(request: HttpRequest, code: str) -> Pemda:
    """The pemda if the user may read it; 404 otherwise (missing and forbidden look the same)."""
    pemda = Pemda.objects.select_related("scoring_method").filter(code=code).first()
    if pemda is None or not request_scope(request).can_read(pemda):
        raise Http404("Tidak ditemukan")
    return pemda


def require_write(request: HttpRequest, pemda: Pemda, opd_id: int | None = None) -> None:
    """403 for a role that may read ``pemda`` but not write this (call after the 404 check)."""
    if not request_scope(request).can_write_jpd(pemda, opd_id):
        raise PermissionDenied(gettext("Peran Anda hanya dapat membaca data ini."))


def require_admin(request: HttpRequest, pemda: Pemda) -> None:
    if not request_scope(request).can_admin(pemda):
        raise PermissionDenied(gettext("Hanya admin pemda yang dapat mengubah pengaturan ini."))
