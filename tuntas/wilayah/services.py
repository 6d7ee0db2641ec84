from __future__ import annotations

from collections import Counter
from itertools import islice
from pathlib import Path

from django.db import transaction

from tuntas.core.services import audit_event_create
from tuntas.wilayah.loader import DATA_DIR, read_regions
from tuntas.wilayah.models import Region

BATCH_SIZE = 2000


def region_load_all(*, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Insert or update every region from the shipped data in one transaction.

    Idempotent: a second run changes nothing but rewrites the same values. Regions no longer in
    the data are kept (other rows may refer to them) and counted as ``tidak_ada_di_data``.
    Returns the number of rows per level.
    """
    counts: Counter[str] = Counter()
    rows = read_regions(data_dir)
    with transaction.atomic():
        while batch := list(islice(rows, BATCH_SIZE)):
            Region.objects.bulk_create(
                [
                    Region(
                        code=r.code,
                        name=r.name,
                        level=r.level,
                        kind=r.kind,
                        parent_id=r.parent_code,
                    )
                    for r in batch
                ],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "level", "kind", "parent"],
            )
            counts.update(r.level for r in batch)
        stale = Region.objects.count() - sum(counts.values())
        result = {**dict(counts), "tidak_ada_di_data": stale}
        audit_event_create(action="wilayah.muat", object_type="wilayah", data=result)
    return result
