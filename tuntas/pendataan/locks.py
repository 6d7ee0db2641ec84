"""What may refuse a write to the quarterly entry, asked by every write path (``entry_save``,
``target_set``, and so the form, the Excel upload, the by-name counts copied into the form and
the API). ``pendataan`` owns this small interface and knows nothing of who answers: the
workflow app (``tuntas.alur``, a floor above) registers its lock check at start-up, so this app
never imports it (docs/ARCHITECTURE.md, "Which way imports point").

A check is called inside the writing transaction, before the entry row is locked, and must
itself take the row locks that make its answer hold until the transaction ends (so a write and
a transition made at the same moment are serialised). It returns ``None`` (writable) or the
Indonesian reason the value is locked.

The entry page also shows where the JPD stands and the values a return pointed at: it asks
:func:`entry_notes`, which the workflow answers the same way (``entry_notes_register``).

The other direction, telling the workflow that a value changed, is the ``entry_changed``
signal: sent in the same transaction after an entry or a target is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.dispatch import Signal

from tuntas.core.errors import DomainError
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda


class EntryLocked(DomainError):
    """The value is locked by the workflow; the message says by what and who can open it."""


class LockCheck(Protocol):
    def __call__(self, *, pemda: Pemda, jpd: Jpd, year: int, quarter: int | None) -> str | None: ...


_checks: list[LockCheck] = []

# sent with pemda, jpd, year, quarter (None for the annual target) and actor
entry_changed = Signal()


def lock_check_register(check: LockCheck) -> Callable[[], None]:
    """Add a check (once); returns the function that removes it again."""
    if check not in _checks:
        _checks.append(check)
    return lambda: _checks.remove(check) if check in _checks else None


def ensure_writable(*, pemda: Pemda, jpd: Jpd, year: int, quarter: int | None) -> None:
    """Raise :class:`EntryLocked` if a registered check refuses; ``quarter`` None asks for the
    annual target (every quarter of the year that uses it)."""
    for check in _checks:
        reason = check(pemda=pemda, jpd=jpd, year=year, quarter=quarter)
        if reason:
            raise EntryLocked(reason)


@dataclass(frozen=True)
class FlagNote:
    """A value a return pointed at (``key`` as in ``pendataan.values``) and its thread."""

    key: str
    label: str
    comments: tuple[str, ...]


@dataclass(frozen=True)
class EntryNotes:
    status: str  # the JPD's workflow status, as shown
    locked: str | None  # why it cannot be changed now, or None
    reason: str  # the last return's reason, if returned
    flags: tuple[FlagNote, ...]
    link: str  # the JPD's workflow page


class NotesProvider(Protocol):
    def __call__(self, *, pemda: Pemda, jpd: Jpd, year: int, quarter: int) -> EntryNotes | None: ...


_notes: list[NotesProvider] = []


def entry_notes_register(provider: NotesProvider) -> None:
    if provider not in _notes:
        _notes.append(provider)


def entry_notes(*, pemda: Pemda, jpd: Jpd, year: int, quarter: int) -> EntryNotes | None:
    """What the workflow says about this JPD-quarter (None when no workflow is installed)."""
    for provider in _notes:
        notes = provider(pemda=pemda, jpd=jpd, year=year, quarter=quarter)
        if notes is not None:
            return notes
    return None


# --- the budget lines' pagu and realisasi ------------------------------------------------------
#
# Where a JPD-year has budget lines (``tuntas.perencanaan``, a floor above), the quarterly
# entry's pagu and realisasi are their sums, not typed: the planning app registers a provider
# at start-up (``PerencanaanConfig.ready``) and ``entry_save`` takes its values; when lines or
# their realisation change, it calls ``services.entry_budget_refresh`` for the stored entries.


class BudgetProvider(Protocol):
    def __call__(
        self, *, pemda: Pemda, jpd: Jpd, year: int, quarter: int
    ) -> tuple[Decimal, Decimal | None] | None: ...


_budget_providers: list[BudgetProvider] = []


def budget_provider_register(provider: BudgetProvider) -> Callable[[], None]:
    """Add a provider (once); returns the function that removes it again."""
    if provider not in _budget_providers:
        _budget_providers.append(provider)
    return lambda: _budget_providers.remove(provider) if provider in _budget_providers else None


def budget_from_lines(
    *, pemda: Pemda, jpd: Jpd, year: int, quarter: int
) -> tuple[Decimal, Decimal | None] | None:
    """``(pagu, realisasi)`` of a JPD-quarter from its budget lines (realisasi ``None`` while no
    line has any), or ``None`` where the JPD-year has no lines (the values are typed)."""
    for provider in _budget_providers:
        values = provider(pemda=pemda, jpd=jpd, year=year, quarter=quarter)
        if values is not None:
            return values
    return None
