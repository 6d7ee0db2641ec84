"""Figures the reports print beside the stored scores (pure: standard library only).

The "format SPM Kemendagri" tables show, per JPD, how many recipients are not yet served, how
much of each mutu item is still missing, and how the budget was used: allocated, realised, the
difference and the share realised. They are computed here, once, for the screen, the PDF, the
DOCX, the XLSX and the e-SPM export alike."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

HUNDRED = Fraction(100)


# --- region report: recipients, mutu, budget ------------------------------------------------


def not_yet_served(sasaran: int | None, terlayani: int | None) -> int | None:
    """Recipients of the target not (yet) served per standard: ``max(sasaran − terlayani, 0)``;
    ``None`` when either is unknown."""
    if sasaran is None or terlayani is None:
        return None
    if sasaran < 0 or terlayani < 0:
        raise ValueError("sasaran dan terlayani tidak boleh negatif")
    return max(sasaran - terlayani, 0)


@dataclass(frozen=True)
class BudgetUse:
    """Allocated against realised: ``selisih`` = alokasi − realisasi (negative when more was
    spent than allocated), ``persen`` = realisasi ÷ alokasi × 100 (not capped: an overspend
    shows above 100; ``None`` without an allocation)."""

    alokasi: Decimal | None
    realisasi: Decimal | None
    selisih: Decimal | None
    persen: Fraction | None


def budget_use(alokasi: Decimal | None, realisasi: Decimal | None) -> BudgetUse:
    if (alokasi is not None and alokasi < 0) or (realisasi is not None and realisasi < 0):
        raise ValueError("anggaran tidak boleh negatif")
    if alokasi is None:
        return BudgetUse(None, realisasi, None, None)
    spent = realisasi if realisasi is not None else Decimal(0)
    persen = Fraction(spent) / Fraction(alokasi) * HUNDRED if alokasi > 0 else None
    return BudgetUse(alokasi, realisasi, alokasi - spent, persen)


def share_of(part: int, whole: int) -> Fraction | None:
    """``part`` as a percentage of ``whole`` (``None`` when ``whole`` is 0): reporting and
    completeness rates."""
    if part < 0 or whole < 0:
        raise ValueError("jumlah tidak boleh negatif")
    return Fraction(part, whole) * HUNDRED if whole else None
