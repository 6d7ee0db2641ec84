"""Stage 2 through the API (mounted under ``/api/`` by ``tuntas.api.api``): the same document
as ``tuntas kebutuhan --json``, with the access rules of the pages (404 outside the scope)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from tuntas.akun.scope import pemda_get_for_user
from tuntas.core.api_schema import Galat, GalatValidasi
from tuntas.pendataan.selectors import jpd_get_for_pemda, year_choices
from tuntas.perencanaan.selectors import needs_document

router = Router(tags=["Perencanaan"])


class ItemKebutuhanOut(Schema):
    kode: str
    nama: str
    satuan: str
    aturan: str
    dibutuhkan: int | None
    tersedia: int | None
    kekurangan: int | None
    harga_satuan: str | None
    biaya: str | None


class JpdKebutuhanOut(Schema):
    kode: str
    sasaran: int | None
    sumber_sasaran: str
    item: list[ItemKebutuhanOut]
    biaya_kegiatan: str | None
    biaya: str | None


class KebutuhanOut(Schema):
    pemda: str
    tahun: int
    jpd: list[JpdKebutuhanOut]
    total_biaya: str | None


class KebutuhanQuery(Schema):
    jpd: str | None = None


@router.get(
    "/pemda/{kode}/kebutuhan/{tahun}",
    response={200: KebutuhanOut, 401: Galat, 404: Galat, 422: GalatValidasi},
    summary="Kebutuhan dan biayanya (tahap 2 SPM)",
    operation_id="kebutuhan",
)
def kebutuhan(
    request: HttpRequest, kode: str, tahun: int, q: Query[KebutuhanQuery]
) -> dict[str, object]:
    """Per JPD dan item mutu (dan item lokal): kebutuhan menurut aturan katalog (dibulatkan ke
    atas), tersedia, kekurangan, harga satuan dan biaya kekurangan. Jumlah berupa bilangan bulat,
    rupiah berupa teks rupiah utuh (`null` bila belum ada harga)."""
    pemda = pemda_get_for_user(request, kode)
    if tahun not in year_choices() and tahun != max(year_choices()) + 1:
        raise Http404("tahun tidak dikenal")
    if q.jpd is not None and jpd_get_for_pemda(pemda, q.jpd) is None:
        raise Http404("JPD tidak dikenal")
    return needs_document(pemda, tahun, q.jpd)
