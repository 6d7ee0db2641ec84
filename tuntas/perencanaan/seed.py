"""Stages 2–4 in the demo (``tuntas demo``): for the demo pemda the command names (Kota Bekasi
and Kota Tangerang Selatan, the source documents' regions, by default), service units per
kecamatan, the needs' available quantities, a price list linked to the needs with costed
activities, a five-year plan with the year's budget lines and their realisation, the SK of the
Tim Penerapan SPM and an action plan — so every planning screen has something to show. Each
part is made by its own module's ``demo_*_seed`` and is safe to repeat."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from tuntas.organisasi.models import Pemda
from tuntas.perencanaan.action_plan import demo_action_plan_seed
from tuntas.perencanaan.budget import demo_budget_seed
from tuntas.perencanaan.needs_services import demo_needs_seed
from tuntas.perencanaan.prices import demo_prices_seed
from tuntas.perencanaan.stages import demo_stages_seed
from tuntas.perencanaan.units import demo_units_seed


@dataclass(frozen=True)
class PlanSeedReport:
    pemda: int = 0
    units: int = 0
    needs: int = 0


def demo_plan_seed(*, pemda_list: Sequence[Pemda], year: int) -> PlanSeedReport:
    """Each pemda in its own transaction, in dependency order: units before needs (per-unit
    rules), needs before prices (links), prices before budget lines (costed need)."""
    units = needs = 0
    for pemda in pemda_list:
        with transaction.atomic():
            units += demo_units_seed(pemda=pemda, year=year)
            needs += demo_needs_seed(pemda=pemda, year=year)
            demo_prices_seed(pemda=pemda, year=year)
            demo_budget_seed(pemda=pemda, year=year)
            demo_stages_seed(pemda=pemda, year=year)
            demo_action_plan_seed(pemda=pemda, year=year)
    return PlanSeedReport(pemda=len(pemda_list), units=units, needs=needs)
