from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from tuntas.core.services import audit_event_create
from tuntas.katalog.export import eligibility_json
from tuntas.katalog.models import Jpd, JpdVersion, MutuItem, ScoringMethod, Urusan
from tuntas.katalog.reference import Catalog
from tuntas.perhitungan.engine import LEVELS, Band


def _bands(bands: tuple[Band, ...]) -> list[dict[str, str]]:
    return [
        {
            "kode": b.code,
            "nama": b.name,
            "minimal": str(Decimal(b.minimum.numerator) / b.minimum.denominator),
        }
        for b in bands
    ]


@transaction.atomic
def catalog_sync(*, catalog: Catalog) -> dict[str, int]:
    """Make the database catalog equal to the validated data files, in one transaction.

    Rows are matched on their codes (and version start year), so ids stay stable for rows that
    other tables refer to; versions and mutu items no longer in the data are removed.
    """
    for u in catalog.urusan.values():
        Urusan.objects.update_or_create(
            code=u.code,
            defaults={
                "name": u.name,
                "sub_urusan": [{"kode": s.code, "nama": s.name} for s in u.sub_urusan],
            },
        )
    n_versions = n_items = 0
    for ref in catalog.jpd.values():
        jpd, _ = Jpd.objects.update_or_create(
            code=ref.code,
            defaults={
                "urusan_id": ref.urusan,
                "level": ref.level,
                "number": ref.number,
                "name": ref.name,
                "sub_urusan": ref.sub_urusan or "",
                "pengampu": ref.pengampu,
            },
        )
        kept_versions = []
        for v in ref.versions:
            version, _ = JpdVersion.objects.update_or_create(
                jpd=jpd,
                valid_from=v.valid_from,
                defaults={
                    "valid_until": v.valid_until,
                    "legal_basis": list(v.legal_basis),
                    "penerima": v.penerima,
                    "sasaran_rule": v.sasaran_rule,
                    "indicator_name": v.indicator.name,
                    "numerator": v.indicator.numerator,
                    "denominator": v.indicator.denominator,
                    "indicator_method": v.indicator.method,
                    "eligibility": eligibility_json(v.eligibility),
                    "unconfirmed": v.unconfirmed,
                    "note": v.note or "",
                },
            )
            kept_versions.append(version.pk)
            kept_items = []
            for order, item in enumerate(v.mutu, start=1):
                need = item.need
                row, _ = MutuItem.objects.update_or_create(
                    version=version,
                    code=item.code,
                    defaults={
                        "order": order,
                        "kind": item.kind,
                        "name": item.name,
                        "unit": item.unit or "",
                        "need_basis": need.basis if need else "",
                        "need_quantity": need.quantity if need else None,
                        "need_unit": (need.unit or "") if need else "",
                        "need_note": (need.note or "") if need else "",
                        "note": item.note or "",
                    },
                )
                kept_items.append(row.pk)
            MutuItem.objects.filter(version=version).exclude(pk__in=kept_items).delete()
            n_items += len(kept_items)
        JpdVersion.objects.filter(jpd=jpd).exclude(pk__in=kept_versions).delete()
        n_versions += len(kept_versions)
    for m in catalog.methods.values():
        ScoringMethod.objects.update_or_create(
            code=m.code,
            defaults={
                "name": m.method.name,
                "valid_from": m.valid_from,
                "valid_until": m.valid_until,
                "weight_penerima": Decimal(m.method.weight_penerima.numerator)
                / m.method.weight_penerima.denominator,
                "weight_mutu": Decimal(m.method.weight_mutu.numerator)
                / m.method.weight_mutu.denominator,
                "aggregation_urusan": m.method.aggregation_urusan,
                "aggregation_daerah": m.method.aggregation_daerah,
                "aggregation_mutu": m.method.aggregation_mutu,
                "bands": _bands(m.method.bands),
                "urusan_bands": {code: _bands(table) for code, table in m.method.urusan_bands},
                "precision": {
                    level: {"decimals": p.decimals, "rounding": p.rounding}
                    for level, p in zip(LEVELS, m.method.precision, strict=True)
                },
                "base_code": m.base or "",
                "description": m.description or "",
                "sources": m.sources,
                "unconfirmed": m.unconfirmed,
            },
        )
    counts = {
        "urusan": len(catalog.urusan),
        "jpd": len(catalog.jpd),
        "versi": n_versions,
        "item_mutu": n_items,
        "metode": len(catalog.methods),
    }
    audit_event_create(action="katalog.sinkron", object_type="katalog", data=counts)
    return counts
