"""The catalog as a reference others can read: one JSON document per year, built here once for
``tuntas katalog --json`` and ``GET /api/katalog/{tahun}`` (the same shape in both), from the
data files (``katalog.reference``), the source of truth."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tuntas.katalog.reference import (
    FIRST_YEAR,
    Catalog,
    Eligibility,
    JpdRef,
    JpdVersionRef,
    MutuItemRef,
)


class UnknownJpd(LookupError):
    """The requested JPD is not in the catalog."""


def year_range(today_year: int) -> range:
    """The years the catalog answers for: 2019 (PP 2/2018) up to next year (planning)."""
    return range(FIRST_YEAR, today_year + 2)


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _mutu(item: MutuItemRef) -> dict[str, Any]:
    need = item.need
    return {
        "kode": item.code,
        "nama": item.name,
        "jenis": item.kind,
        "satuan": item.unit,
        "kebutuhan": None
        if need is None
        else {
            "dasar": need.basis,
            "jumlah": _decimal(need.quantity),
            "keterangan": need.note,
            "unit": need.unit,
            "sumber": need.source,
        },
        "catatan": item.note,
    }


def eligibility_json(rule: Eligibility | None) -> dict[str, Any] | None:
    """The eligibility rule as JSON: in the catalog document and in ``JpdVersion.eligibility``."""
    if rule is None:
        return None
    return {
        "usia_min": rule.age_min,
        "usia_maks": rule.age_max,
        "satuan_usia": rule.age_unit,
        "acuan_usia": rule.age_at,
        "jenis_kelamin": rule.sex,
        "kelas_min": rule.grade_min,
        "kelas_maks": rule.grade_max,
        "sumber": rule.source,
        "belum_dikonfirmasi": rule.unconfirmed,
    }


def _jpd(ref: JpdRef, version: JpdVersionRef) -> dict[str, Any]:
    return {
        "kode": ref.code,
        "nama": ref.name,
        "tingkat": ref.level,
        "sub_urusan": ref.sub_urusan,
        "pengampu": ref.pengampu,
        "versi": {"berlaku_dari": version.valid_from, "berlaku_sampai": version.valid_until},
        "penerima": version.penerima,
        "penetapan_sasaran": version.sasaran_rule,
        "indikator": {
            "nama": version.indicator.name,
            "pembilang": version.indicator.numerator,
            "penyebut": version.indicator.denominator,
            "metode": version.indicator.method,
        },
        "kelayakan": eligibility_json(version.eligibility),
        "mutu": [_mutu(item) for item in version.mutu],
        "sumber": {
            "dasar_hukum": list(version.legal_basis),
            "belum_dikonfirmasi": version.unconfirmed,
            "catatan": version.note,
            "dibawa_tanpa_perubahan": list(version.carried_over),
        },
    }


def catalog_json(catalog: Catalog, year: int, jpd_code: str | None = None) -> dict[str, Any]:
    """Every urusan with its JPD in force in ``year`` (or the one ``jpd_code``)."""
    if jpd_code is not None and jpd_code not in catalog.jpd:
        raise UnknownJpd(jpd_code)
    urusan = []
    for u in catalog.urusan.values():
        jpd = []
        for ref in catalog.jpd.values():
            if ref.urusan != u.code or (jpd_code is not None and ref.code != jpd_code):
                continue
            version = ref.version_for(year)
            if version is not None:
                jpd.append(_jpd(ref, version))
        if jpd or jpd_code is None:
            urusan.append({"kode": u.code, "nama": u.name, "jpd": jpd})
    return {"tahun": year, "urusan": urusan}
