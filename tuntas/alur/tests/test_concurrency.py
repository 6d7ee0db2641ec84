"""Locks hold under two concurrent requests (PostgreSQL: real row locks between two
connections). A save that arrives while a transition holds the report's row waits for it and
then sees the lock; two verifiers at once: one verifies, the other is told it is done. SQLite
serialises every writer for the whole database, so there is nothing to race there."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.conf import settings
from django.db import connections, transaction

from tuntas.akun.scope import scope_for
from tuntas.alur.models import JpdState
from tuntas.alur.services import jpd_step
from tuntas.katalog.models import Jpd
from tuntas.pendataan.locks import EntryLocked
from tuntas.pendataan.models import QuarterEntry
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for

YEAR, TW, K07 = 2025, 2, "1.02.K07"

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="SQLite serialises writers database-wide; row locks are PostgreSQL's",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def bekasi() -> dict[str, Any]:
    from tuntas.katalog.reference import get_catalog
    from tuntas.katalog.services import catalog_sync
    from tuntas.testing import PersonaTestCase
    from tuntas.testing.api import entry_fill

    if not Jpd.objects.exists():  # an earlier transactional test flushed it
        catalog_sync(catalog=get_catalog())

    class Holder:  # the personas, built the way PersonaTestCase builds them
        pass

    PersonaTestCase.setUpTestData.__func__(Holder)  # type: ignore[attr-defined]
    entry_fill(Holder.pemda_a, K07, year=YEAR, quarter=TW, sasaran=100, terlayani=80)  # type: ignore[attr-defined]
    return {"pemda": Holder.pemda_a, "users": Holder.users}  # type: ignore[attr-defined]


def _in_thread(target: Any) -> tuple[threading.Thread, dict[str, Any]]:
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["result"] = target()
        except Exception as exc:
            out["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def test_a_save_during_a_submission_waits_then_is_refused(bekasi):
    pemda, users = bekasi["pemda"], bekasi["users"]
    jpd = Jpd.objects.get(code=K07)
    items = mutu_items_for(jpd=jpd, year=YEAR)
    version = QuarterEntry.objects.get(jpd=jpd, year=YEAR, quarter=TW).version
    holding, release = threading.Event(), threading.Event()

    def submit() -> str:
        with transaction.atomic():
            state = jpd_step(scope=scope_for(users["operator_kes"]), pemda=pemda, jpd=jpd,
                             year=YEAR, quarter=TW, step="ajukan", actor=users["operator_kes"])  # fmt: skip
            holding.set()
            assert release.wait(10)
        return state.status

    def save() -> object:
        return entry_save(pemda=pemda, jpd=jpd, year=YEAR, quarter=TW,
                          data=EntryInput(terlayani=99, mutu={i.pk: (10, 10) for i in items}),
                          expected_version=version, actor=users["operator_kes"])  # fmt: skip

    first, first_out = _in_thread(submit)
    assert holding.wait(10)
    second, second_out = _in_thread(save)
    time.sleep(0.5)
    assert second.is_alive(), "the save must wait for the submission's transaction"
    release.set()
    first.join(10)
    second.join(10)
    assert first_out.get("result") == "diajukan", first_out
    assert isinstance(second_out.get("error"), EntryLocked), second_out
    entry = QuarterEntry.objects.get(jpd=jpd, year=YEAR, quarter=TW)
    assert (entry.terlayani, entry.version) == (80, version)


def test_two_verifiers_at_once_verify_once(bekasi):
    pemda, users = bekasi["pemda"], bekasi["users"]
    jpd = Jpd.objects.get(code=K07)
    jpd_step(scope=scope_for(users["operator_kes"]), pemda=pemda, jpd=jpd, year=YEAR,
             quarter=TW, step="ajukan", actor=users["operator_kes"])  # fmt: skip
    start = threading.Barrier(2)

    def verify(persona: str) -> str:
        start.wait(5)
        return jpd_step(scope=scope_for(users[persona]), pemda=pemda, jpd=jpd, year=YEAR,
                        quarter=TW, step="verifikasi", actor=users[persona]).status  # fmt: skip

    runs = [_in_thread(lambda p=p: verify(p)) for p in ("verifikator_tim", "admin_a")]
    for thread, _ in runs:
        thread.join(10)
    outcomes = sorted("ok" if "result" in out else type(out["error"]).__name__ for _, out in runs)
    assert outcomes == ["StepRefused", "ok"], [out for _, out in runs]
    assert JpdState.objects.get(jpd=jpd, quarter=TW).status == "diverifikasi"
