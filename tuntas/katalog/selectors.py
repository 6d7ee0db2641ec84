from __future__ import annotations

from django.db.models import Q, QuerySet

from tuntas.katalog.models import Jpd, JpdVersion, ScoringMethod


def jpd_list(*, level: str | None = None) -> QuerySet[Jpd]:
    qs = Jpd.objects.select_related("urusan")
    return qs.filter(level=level) if level else qs


def jpd_version_for_year(*, jpd: Jpd, year: int) -> JpdVersion | None:
    return (
        JpdVersion.objects.filter(jpd=jpd, valid_from__lte=year)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=year))
        .prefetch_related("mutu_items")
        .first()
    )


def scoring_method_get(*, code: str) -> ScoringMethod | None:
    return ScoringMethod.objects.filter(code=code).first()
