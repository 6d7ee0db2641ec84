"""Open data, public (no login): the catalogue page ``/data/`` and each dataset as CSV, as JSON
with its metadata, and its metadata alone (``tuntas.laporan.opendata``). Streamed, cached for a
few minutes by browsers and proxies, with an ETag (304 when unchanged)."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from tuntas.laporan import opendata

R = TypeVar("R", bound=HttpResponseBase)
MAX_AGE = 300  # seconds: an approval shows within five minutes


def _dataset(slug: str) -> opendata.Dataset:
    found = opendata.DATASETS.get(slug)
    if found is None:
        raise Http404(gettext("Dataset tidak dikenal."))
    return found


def _cached(response: R, etag: str | None = None) -> R:
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    if etag:
        response["ETag"] = etag
    return response


def _bad_filter(error: opendata.FilterError, as_json: bool) -> HttpResponse:
    if as_json:
        return JsonResponse({"galat": error.message, "kolom": error.field}, status=400)
    return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")


def _not_modified(request: HttpRequest, etag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    return any(tag.strip().removeprefix("W/") == etag for tag in sent.split(","))


def _prepare(
    request: HttpRequest, slug: str, fmt: str
) -> tuple[opendata.Dataset, opendata.Published, str] | HttpResponse:
    dataset = _dataset(slug)
    try:
        filters = opendata.filters_parse(request.GET)
    except opendata.FilterError as error:
        return _bad_filter(error, as_json=fmt != "csv")
    pub = opendata.published(filters)
    etag = pub.etag(slug, fmt)
    if _not_modified(request, etag):
        return _cached(HttpResponse(status=304), etag)
    return dataset, pub, etag


def _filename(dataset: opendata.Dataset, pub: opendata.Published, ext: str) -> str:
    parts = ["tuntas", dataset.slug, *(str(v) for v in pub.filters.as_query().values())]
    return "-".join(parts).replace(".", "") + "." + ext


def _metadata(request: HttpRequest, dataset: opendata.Dataset, pub: opendata.Published) -> dict:
    meta: dict[str, Any] = dataset.metadata(pub)
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    meta["tautan"] = {
        "csv": request.build_absolute_uri(reverse("data-csv", args=[dataset.slug]) + suffix),
        "json": request.build_absolute_uri(reverse("data-json", args=[dataset.slug]) + suffix),
        "katalog": request.build_absolute_uri(reverse("data-katalog")),
    }
    return meta


@require_safe
def catalogue(request: HttpRequest) -> HttpResponseBase:
    """The datasets, the periods published, the licence and how to filter."""
    periods = opendata.published_periods()
    response = render(
        request,
        "laporan/data_katalog.html",
        {
            "datasets": list(opendata.DATASETS.values()),
            "periods": periods,
            "licence": opendata.LICENCE,
            "small_mark": opendata.SMALL_MARK,
            "has_demo": any(p["contoh"] for p in periods),
            "latest": periods[0] if periods else None,
        },
    )
    return _cached(response)


@require_safe
def dataset_csv(request: HttpRequest, dataset: str) -> HttpResponseBase:
    prepared = _prepare(request, dataset, "csv")
    if isinstance(prepared, HttpResponse):
        return prepared
    found, pub, etag = prepared
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in opendata.csv_chunks(found, pub)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(found, pub, "csv")}"'
    return _cached(response, etag)


@require_safe
def dataset_json(request: HttpRequest, dataset: str) -> HttpResponseBase:
    prepared = _prepare(request, dataset, "json")
    if isinstance(prepared, HttpResponse):
        return prepared
    found, pub, etag = prepared
    metadata = _metadata(request, found, pub)  # texts in the request's language, now
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in opendata.json_chunks(found, pub, metadata)),
        content_type="application/json; charset=utf-8",
    )
    return _cached(response, etag)


@require_safe
def dataset_metadata(request: HttpRequest, dataset: str) -> HttpResponseBase:
    prepared = _prepare(request, dataset, "metadata")
    if isinstance(prepared, HttpResponse):
        return prepared
    found, pub, etag = prepared
    body = json.dumps(_metadata(request, found, pub), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _cached(response, etag)
