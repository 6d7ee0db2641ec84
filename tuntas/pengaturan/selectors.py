"""Reads for a pemda's settings pages. The first argument is always the pemda already fetched
through the scope check (``tuntas.akun.scope.pemda_get_for_user``); every query stays inside
it. Each function runs a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count

from tuntas.akun.models import Membership
from tuntas.akun.services import is_manageable
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda, PerangkatDaerah
from tuntas.organisasi.selectors import pengampu_opds


@dataclass(frozen=True)
class OpdRow:
    opd: PerangkatDaerah
    assignment_count: int
    member_count: int

    @property
    def in_use(self) -> bool:
        return bool(self.assignment_count or self.member_count)


def opd_list(pemda: Pemda) -> list[PerangkatDaerah]:
    return list(PerangkatDaerah.objects.filter(pemda=pemda).order_by("-is_coordinator", "name"))


def opd_rows(pemda: Pemda) -> list[OpdRow]:
    """The pemda's OPD with how many JPD they are pengampu of and how many memberships they have."""
    qs = (
        PerangkatDaerah.objects.filter(pemda=pemda)
        .annotate(
            n_assignments=Count("assignments", distinct=True),
            n_members=Count("memberships", distinct=True),
        )
        .order_by("-is_coordinator", "name")
    )
    return [OpdRow(o, o.n_assignments, o.n_members) for o in qs]


def opd_get(pemda: Pemda, opd_id: int) -> PerangkatDaerah | None:
    return PerangkatDaerah.objects.filter(pemda=pemda, pk=opd_id).first()


@dataclass(frozen=True)
class AssignmentRow:
    jpd: Jpd
    opd_id: int | None
    opd_name: str
    default_name: str  # the catalog's usual pengampu, for reference

    @property
    def is_default(self) -> bool:
        return self.opd_name == self.default_name


def assignment_rows(pemda: Pemda) -> list[AssignmentRow]:
    """Every JPD of the pemda's level, in catalog order, with its current pengampu."""
    jpd_list = Jpd.objects.filter(level=pemda.level).select_related("urusan").order_by("code")
    assigned = pengampu_opds(pemda=pemda)
    rows = []
    for jpd in jpd_list:
        opd = assigned.get(jpd.code)
        rows.append(
            AssignmentRow(
                jpd=jpd,
                opd_id=opd.pk if opd else None,
                opd_name=opd.name if opd else "",
                default_name=jpd.pengampu,
            )
        )
    return rows


def assignment_row(pemda: Pemda, jpd: Jpd) -> AssignmentRow:
    opd = pengampu_opds(pemda=pemda).get(jpd.code)
    return AssignmentRow(
        jpd=jpd,
        opd_id=opd.pk if opd else None,
        opd_name=opd.name if opd else "",
        default_name=jpd.pengampu,
    )


def jpd_get(pemda: Pemda, code: str) -> Jpd | None:
    return Jpd.objects.filter(level=pemda.level, code=code).select_related("urusan").first()


@dataclass(frozen=True)
class PemdaUser:
    user: User
    memberships: list[Membership]  # those in this pemda
    manageable: bool  # False: has roles elsewhere, a provinsi/pusat role, or is staff


def _pemda_users(pemda: Pemda, user_ids: list[int] | None = None) -> list[PemdaUser]:
    here = Membership.objects.filter(pemda=pemda)
    if user_ids is not None:
        here = here.filter(user_id__in=user_ids)
    every = (
        Membership.objects.filter(user_id__in=here.values("user_id"))
        .select_related("user", "opd")
        .order_by("user__username", "role", "opd__name", "pk")
    )
    grouped: dict[int, tuple[User, list[Membership]]] = {}
    for m in every:
        grouped.setdefault(m.user_id, (m.user, []))[1].append(m)
    return [
        PemdaUser(
            user=user,
            memberships=[m for m in memberships if m.pemda_id == pemda.code],
            manageable=is_manageable(user, memberships, pemda),
        )
        for user, memberships in grouped.values()
    ]


def pemda_users(pemda: Pemda) -> list[PemdaUser]:
    """Everyone with a membership in the pemda (active or not), by username."""
    return _pemda_users(pemda)


def pemda_user_get(pemda: Pemda, user_id: int) -> PemdaUser | None:
    """A user with a membership in the pemda; ``None`` for anyone else (missing or not)."""
    found = _pemda_users(pemda, [user_id])
    return found[0] if found else None


def membership_get(pemda: Pemda, user_id: int, membership_id: int) -> Membership | None:
    return (
        Membership.objects.filter(pemda=pemda, user_id=user_id, pk=membership_id)
        .select_related("user", "opd")
        .first()
    )


@dataclass(frozen=True)
class SettingsSummary:
    opd_count: int
    jpd_count: int
    assigned_count: int
    non_default_count: int
    user_count: int
    active_user_count: int


def settings_summary(pemda: Pemda) -> SettingsSummary:
    rows = assignment_rows(pemda)
    users = set(
        Membership.objects.filter(pemda=pemda).values_list("user_id", "user__is_active").distinct()
    )
    return SettingsSummary(
        opd_count=PerangkatDaerah.objects.filter(pemda=pemda).count(),
        jpd_count=len(rows),
        assigned_count=sum(1 for r in rows if r.opd_id is not None),
        non_default_count=sum(1 for r in rows if r.opd_id is not None and not r.is_default),
        user_count=len(users),
        active_user_count=sum(1 for _, active in users if active),
    )
