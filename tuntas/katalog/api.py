"""``GET /api/katalog/{tahun}``: the SPM catalog of a year as JSON, the same document as
``tuntas katalog --json``. Reference data, readable without signing in."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from tuntas.core.api_schema import Galat, GalatValidasi
from tuntas.katalog.export import UnknownJpd, catalog_json, year_range
from tuntas.katalog.reference import get_catalog

router = Router(tags=["Katalog"])


@router.get(
    "/katalog/{tahun}",
    auth=None,
    response={200: dict[str, Any], 404: Galat, 422: GalatValidasi},
    summary="Katalog SPM satu tahun",
    operation_id="katalog_tahun",
)
def catalog_year(request: HttpRequest, tahun: int, jpd: str | None = None) -> dict[str, Any]:
    """Setiap urusan dan JPD yang berlaku pada tahun itu: penerima, penetapan sasaran, indikator,
    kelayakan penerima by name, item mutu dengan aturan kebutuhannya (`kebutuhan`: `dasar`,
    `jumlah`, `keterangan`, `unit`, `sumber`), serta sumber dan status konfirmasinya. `jpd`:
    satu JPD saja. Tahun di luar 2019 s.d. tahun depan, atau JPD tak dikenal: 404."""
    if tahun not in year_range():
        raise Http404("Tahun di luar katalog")
    try:
        return catalog_json(get_catalog(), tahun, jpd.strip().upper() if jpd else None)
    except UnknownJpd as exc:
        raise Http404("JPD tidak dikenal") from exc
