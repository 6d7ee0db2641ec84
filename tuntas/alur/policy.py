"""Who may take which workflow step: plain functions over the caller's scope (the same rule for
pages and API). The SPM team of a pemda is its admin pemda (Bagian Tata Pemerintahan) and its
pemda-wide verifiers; the receiving level is the province for a kab/kota and the ministry
(pusat) for a province."""

from __future__ import annotations

from tuntas.akun.models import Role
from tuntas.akun.scope import Scope
from tuntas.organisasi.models import Pemda


def is_spm_team(scope: Scope, pemda: Pemda) -> bool:
    return any(
        m.pemda_id == pemda.code
        and (m.role == Role.ADMIN_PEMDA or (m.role == Role.VERIFIKATOR and m.opd_id is None))
        for m in scope.memberships
    )


def may_submit(scope: Scope, pemda: Pemda, opd_id: int | None) -> bool:
    """The JPD's own OPD (operator or OPD verifier) or the SPM team: who may enter its data."""
    return not scope.is_read_only_in(pemda) and scope.can_write_jpd(pemda, opd_id)


def may_approve(scope: Scope, pemda: Pemda) -> bool:
    """The head (pimpinan) approves; an admin pemda may approve "atas nama" with a note."""
    return bool(scope.roles_in(pemda) & {Role.PIMPINAN, Role.ADMIN_PEMDA})


def approves_on_behalf(scope: Scope, pemda: Pemda) -> bool:
    return Role.PIMPINAN not in scope.roles_in(pemda)


def may_send(scope: Scope, pemda: Pemda) -> bool:
    return bool(scope.roles_in(pemda) & {Role.PIMPINAN, Role.ADMIN_PEMDA})


def is_receiver(scope: Scope, pemda: Pemda) -> bool:
    """The level the report is sent to: the province (pembina) for a kab/kota, pusat for a
    province."""
    if pemda.level == "kabkota":
        return pemda.province_code in scope.province_codes
    return scope.is_pusat
