"""Writes for accounts, done by a pemda's admin (Bagian Tata Pemerintahan).

An admin manages only the users whose memberships are *all* in their own pemda, with roles
assignable there (operator, verifikator, admin_pemda, pimpinan): never a provinsi or pusat user,
a user of another region, or a Django staff account. That rule is enforced here, not only in the
views. Passwords are generated with :mod:`secrets`, hashed with the configured hasher (Argon2),
returned once to the caller and never written to the audit log.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_variables

from tuntas.akun.models import AccountState, Membership, Role
from tuntas.core.errors import DomainError
from tuntas.core.services import audit_event_create
from tuntas.organisasi.models import Pemda, PerangkatDaerah
from tuntas.organisasi.services import FieldInvalid

ASSIGNABLE_ROLES: tuple[str, ...] = (
    Role.OPERATOR,
    Role.VERIFIKATOR,
    Role.ADMIN_PEMDA,
    Role.PIMPINAN,
)
ROLES_WITHOUT_OPD: frozenset[str] = frozenset({Role.ADMIN_PEMDA, Role.PIMPINAN})

USERNAME_RE = re.compile(r"^[a-z0-9._@+-]{3,150}$")
FULL_NAME_MAX = 150
# No 0/o, 1/l/i: the password is read off a screen and typed in by someone else.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_GROUPS = 4
PASSWORD_GROUP_LENGTH = 4  # 16 characters from 31 ≈ 79 bits


MUST_CHANGE_SESSION_KEY = "tuntas_wajib_ganti_sandi"


def password_change_require(*, user: User, required: bool = True) -> None:
    """Mark (or clear) that ``user`` must choose their own password at the next sign-in."""
    AccountState.objects.update_or_create(user=user, defaults={"must_change_password": required})


@transaction.atomic
def password_changed(*, user: User, session: Any) -> None:
    """The user chose a new password (akun:sandi): the obligation ends, with its audit event."""
    cleared = AccountState.objects.filter(user=user, must_change_password=True).update(
        must_change_password=False
    )
    session.pop(MUST_CHANGE_SESSION_KEY, None)
    audit_event_create(
        action="pengguna.ganti_sandi",
        actor=user,
        object_type="pengguna",
        object_id=str(user.pk),
        data={"pengguna": user.username, "sandi_awal_diganti": bool(cleared)},
    )


def password_generate() -> str:
    """A random password such as ``k7dm-x2qa-9fnt-hw3e``."""
    return "-".join(
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_LENGTH))
        for _ in range(PASSWORD_GROUPS)
    )


def is_manageable(user: User, memberships: list[Membership], pemda: Pemda) -> bool:
    """May the admin of ``pemda`` manage ``user``, whose memberships (all of them) are given?"""
    return (
        not user.is_staff
        and not user.is_superuser
        and bool(memberships)
        and all(m.pemda_id == pemda.code and m.role in ASSIGNABLE_ROLES for m in memberships)
    )


def _require_admin(actor: User, pemda: Pemda) -> None:
    if actor.is_superuser and actor.is_active:
        return
    if not Membership.objects.filter(user=actor, pemda=pemda, role=Role.ADMIN_PEMDA).exists():
        raise PermissionDenied(
            gettext("Hanya admin pemda yang dapat mengelola pengguna pemda ini.")
        )


def _managed_user(*, pemda: Pemda, user: User) -> tuple[User, list[Membership]]:
    """The user, locked for this transaction, with all their memberships; refused when the
    admin of ``pemda`` may not manage them."""
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    if locked is None:
        raise DomainError(gettext("Pengguna tidak ditemukan."))
    memberships = list(Membership.objects.filter(user=locked).select_related("opd"))
    if not any(m.pemda_id == pemda.code for m in memberships):
        raise DomainError(
            gettext("Pengguna %(username)s tidak terdaftar di %(pemda)s.")
            % {"username": locked.username, "pemda": pemda.name}
        )
    if not is_manageable(locked, memberships, pemda):
        raise DomainError(
            gettext(
                "Pengguna %(username)s juga memiliki peran di luar %(pemda)s (atau peran "
                "provinsi/pusat); akun ini hanya dapat diubah oleh administrator sistem."
            )
            % {"username": locked.username, "pemda": pemda.name}
        )
    return locked, memberships


def _role_and_opd_check(*, pemda: Pemda, role: str, opd: PerangkatDaerah | None) -> None:
    if role not in ASSIGNABLE_ROLES:
        raise FieldInvalid(
            field="role",
            label=gettext("Peran"),
            message=gettext(
                "pilih operator, verifikator, admin pemda, atau pimpinan; "
                "peran provinsi dan pusat tidak dapat diberikan di sini."
            ),
        )
    if opd is not None and opd.pemda_id != pemda.code:
        raise FieldInvalid(
            field="opd",
            label=gettext("Perangkat daerah"),
            message=gettext("bukan perangkat daerah %(pemda)s.") % {"pemda": pemda.name},
        )
    if role == Role.OPERATOR and opd is None:
        raise FieldInvalid(
            field="opd",
            label=gettext("Perangkat daerah"),
            message=gettext("wajib dipilih untuk operator."),
        )
    if role in ROLES_WITHOUT_OPD and opd is not None:
        raise FieldInvalid(
            field="opd",
            label=gettext("Perangkat daerah"),
            message=gettext("peran %(role)s berlaku untuk seluruh pemda; kosongkan pilihan ini.")
            % {"role": Role(role).label},
        )


def _membership_data(membership: Membership) -> dict[str, object]:
    return {
        "pemda": membership.pemda_id,
        "pengguna": membership.user.username,
        "peran": membership.role,
        "opd": membership.opd.name if membership.opd else None,
    }


@sensitive_variables("password")
@transaction.atomic
def user_create_with_membership(
    *,
    pemda: Pemda,
    username: str,
    full_name: str,
    role: str,
    opd: PerangkatDaerah | None,
    actor: User,
) -> tuple[User, str]:
    """Create an active user with one membership in ``pemda``; returns the user and the
    generated initial password (to be shown once, never stored in clear)."""
    _require_admin(actor, pemda)
    username = username.strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise FieldInvalid(
            field="username",
            label=gettext("Nama pengguna"),
            message=gettext("3–150 karakter: huruf, angka, dan tanda . _ @ + - saja, tanpa spasi."),
        )
    if User.objects.filter(username__iexact=username).exists():
        raise FieldInvalid(
            field="username",
            label=gettext("Nama pengguna"),
            message=gettext("“%(username)s” sudah dipakai.") % {"username": username},
        )
    full_name = " ".join(full_name.split())
    if not full_name:
        raise FieldInvalid(
            field="full_name", label=gettext("Nama lengkap"), message=gettext("wajib diisi.")
        )
    if len(full_name) > FULL_NAME_MAX:
        raise FieldInvalid(
            field="full_name",
            label=gettext("Nama lengkap"),
            message=gettext("paling panjang %(max)s karakter.") % {"max": FULL_NAME_MAX},
        )
    _role_and_opd_check(pemda=pemda, role=role, opd=opd)
    password = password_generate()
    try:
        with transaction.atomic():
            user = User.objects.create(
                username=username,
                first_name=full_name,
                password=make_password(password),
                is_active=True,
            )
    except IntegrityError as exc:
        raise FieldInvalid(
            field="username",
            label=gettext("Nama pengguna"),
            message=gettext("“%(username)s” sudah dipakai.") % {"username": username},
        ) from exc
    membership = Membership.objects.create(user=user, pemda=pemda, opd=opd, role=role)
    password_change_require(user=user)
    audit_event_create(
        action="pengguna.buat",
        actor=actor,
        object_type="pengguna",
        object_id=str(user.pk),
        data={**_membership_data(membership), "nama": full_name},
    )
    return user, password


@transaction.atomic
def membership_add(
    *, pemda: Pemda, user: User, role: str, opd: PerangkatDaerah | None, actor: User
) -> Membership:
    """Give a user of this pemda another role (or the same role in another OPD)."""
    _require_admin(actor, pemda)
    user, memberships = _managed_user(pemda=pemda, user=user)
    _role_and_opd_check(pemda=pemda, role=role, opd=opd)
    opd_id = opd.pk if opd is not None else None
    if any(m.role == role and m.opd_id == opd_id for m in memberships):
        raise FieldInvalid(
            field="role",
            label=gettext("Peran"),
            message=(
                gettext("%(username)s sudah memiliki peran ini di %(opd)s.")
                % {"username": user.username, "opd": opd.name}
                if opd is not None
                else gettext("%(username)s sudah memiliki peran ini.") % {"username": user.username}
            ),
        )
    membership = Membership.objects.create(user=user, pemda=pemda, opd=opd, role=role)
    audit_event_create(
        action="keanggotaan.tambah",
        actor=actor,
        object_type="pengguna",
        object_id=str(user.pk),
        data=_membership_data(membership),
    )
    return membership


@transaction.atomic
def membership_remove(*, pemda: Pemda, membership: Membership, actor: User) -> None:
    """Take a role away. The last role of a user is not removed (deactivate the user instead),
    and admins cannot take away their own admin role (so a pemda always keeps an admin)."""
    _require_admin(actor, pemda)
    if membership.pemda_id != pemda.code:
        raise DomainError(gettext("Keanggotaan ini bukan milik %(pemda)s.") % {"pemda": pemda.name})
    user, memberships = _managed_user(pemda=pemda, user=membership.user)
    current = next((m for m in memberships if m.pk == membership.pk), None)
    if current is None:
        raise DomainError(gettext("Keanggotaan ini sudah dicabut."))
    if len(memberships) == 1:
        raise DomainError(
            gettext(
                "Ini satu-satunya peran %(username)s. Tambahkan peran lain lebih dulu, atau "
                "nonaktifkan penggunanya bila ia tidak lagi bertugas."
            )
            % {"username": user.username}
        )
    if user.pk == actor.pk and current.role == Role.ADMIN_PEMDA:
        raise DomainError(gettext("Anda tidak dapat mencabut peran admin pemda Anda sendiri."))
    current.user = user
    data = _membership_data(current)
    current.delete()
    audit_event_create(
        action="keanggotaan.cabut",
        actor=actor,
        object_type="pengguna",
        object_id=str(user.pk),
        data=data,
    )


@sensitive_variables("password")
@transaction.atomic
def user_password_reset(*, pemda: Pemda, user: User, actor: User) -> str:
    """Set a new generated password and return it (to be shown once). The user's open sessions
    end, since Django ties a session to the password hash."""
    _require_admin(actor, pemda)
    user, _memberships = _managed_user(pemda=pemda, user=user)
    if user.pk == actor.pk:
        raise DomainError(gettext("Ganti kata sandi Anda sendiri melalui menu Ganti kata sandi."))
    password = password_generate()
    user.password = make_password(password)
    user.save(update_fields=["password"])
    password_change_require(user=user)
    audit_event_create(
        action="pengguna.reset_sandi",
        actor=actor,
        object_type="pengguna",
        object_id=str(user.pk),
        data={"pemda": pemda.code, "pengguna": user.username},
    )
    return password


@transaction.atomic
def user_deactivate(*, pemda: Pemda, user: User, actor: User) -> User:
    """Stop a user from logging in (their memberships stay, for the record)."""
    _require_admin(actor, pemda)
    user, _memberships = _managed_user(pemda=pemda, user=user)
    if user.pk == actor.pk:
        raise DomainError(gettext("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if not user.is_active:
        raise DomainError(
            gettext("Pengguna %(username)s sudah nonaktif.") % {"username": user.username}
        )
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_event_create(
        action="pengguna.nonaktif",
        actor=actor,
        object_type="pengguna",
        object_id=str(user.pk),
        data={"pemda": pemda.code, "pengguna": user.username},
    )
    return user


@transaction.atomic
def user_activate(*, pemda: Pemda, user: User, actor: User) -> User:
    """Undo :func:`user_deactivate`."""
    _require_admin(actor, pemda)
    user, _memberships = _managed_user(pemda=pemda, user=user)
    if user.is_active:
        raise DomainError(
            gettext("Pengguna %(username)s sudah aktif.") % {"username": user.username}
        )
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_event_create(
        action="pengguna.aktif",
        actor=actor,
        object_type="pengguna",
        object_id=str(user.pk),
        data={"pemda": pemda.code, "pengguna": user.username},
    )
    return user


@sensitive_variables("password")
@transaction.atomic
def user_create_by_system(
    *,
    username: str,
    role: str,
    pemda_code: str | None,
    opd_name: str | None,
    full_name: str = "",
) -> tuple[User, str]:
    """``tuntas pengguna-baru``: an account with one membership, made by whoever runs the
    installation (no admin needed: the first admin pemda, a provinsi or pusat user). Returns the
    user and a generated one-time password, which must be changed at the first sign-in. Any
    refusal is a :class:`FieldInvalid` naming the argument, and nothing is created."""
    username = username.strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise FieldInvalid(
            field="username",
            label=gettext("Nama pengguna"),
            message=gettext("3–150 karakter: huruf, angka, dan tanda . _ @ + - saja, tanpa spasi."),
        )
    if User.objects.filter(username__iexact=username).exists():
        raise FieldInvalid(
            field="username",
            label=gettext("Nama pengguna"),
            message=gettext("“%(username)s” sudah dipakai.") % {"username": username},
        )
    if role not in Role.values:
        raise FieldInvalid(
            field="peran",
            label="--peran",
            message=gettext("tidak dikenal; pilih salah satu: %(roles)s.")
            % {"roles": ", ".join(Role.values)},
        )
    pemda: Pemda | None = None
    opd: PerangkatDaerah | None = None
    if role == Role.PUSAT:
        if pemda_code or opd_name:
            raise FieldInvalid(
                field="pemda",
                label="--pemda",
                message=gettext("peran pusat berlaku nasional; jangan isi --pemda atau --opd."),
            )
    else:
        if not pemda_code:
            raise FieldInvalid(
                field="pemda",
                label="--pemda",
                message=gettext("wajib diisi untuk peran %(role)s.") % {"role": role},
            )
        pemda = Pemda.objects.filter(code=pemda_code.strip()).first()
        if pemda is None:
            raise FieldInvalid(
                field="pemda",
                label="--pemda",
                message=gettext(
                    "%(kode)s belum terdaftar sebagai pemda; daftarkan dulu dengan "
                    "`tuntas pemda-baru %(kode)s`."
                )
                % {"kode": pemda_code.strip()},
            )
        if role == Role.PROVINSI and pemda.level != "provinsi":
            raise FieldInvalid(
                field="pemda",
                label="--pemda",
                message=gettext("peran provinsi hanya untuk pemda provinsi (kode 2 digit)."),
            )
        if opd_name:
            opd = PerangkatDaerah.objects.filter(pemda=pemda, name__iexact=opd_name.strip()).first()
            if opd is None:
                raise FieldInvalid(
                    field="opd",
                    label="--opd",
                    message=gettext("“%(opd)s” bukan perangkat daerah %(pemda)s.")
                    % {"opd": opd_name.strip(), "pemda": pemda.name},
                )
        if role == Role.PROVINSI:
            if opd is not None:
                raise FieldInvalid(
                    field="opd",
                    label="--opd",
                    message=gettext("tidak dipakai untuk peran provinsi."),
                )
        else:
            _role_and_opd_check(pemda=pemda, role=role, opd=opd)
    full_name = " ".join(full_name.split()) or username
    if len(full_name) > FULL_NAME_MAX:
        raise FieldInvalid(
            field="nama",
            label="--nama",
            message=gettext("paling panjang %(max)s karakter.") % {"max": FULL_NAME_MAX},
        )
    password = password_generate()
    try:
        with transaction.atomic():
            user = User.objects.create(
                username=username,
                first_name=full_name,
                password=make_password(password),
                is_active=True,
            )
    except IntegrityError as exc:  # the same name made at the same moment by someone else
        raise FieldInvalid(
            field="username",
            label=gettext("Nama pengguna"),
            message=gettext("“%(username)s” sudah dipakai.") % {"username": username},
        ) from exc
    membership = Membership.objects.create(user=user, pemda=pemda, opd=opd, role=role)
    password_change_require(user=user)
    audit_event_create(
        action="pengguna.buat",
        actor=None,
        object_type="pengguna",
        object_id=str(user.pk),
        data={**_membership_data(membership), "nama": full_name, "oleh": "tuntas pengguna-baru"},
    )
    return user, password
