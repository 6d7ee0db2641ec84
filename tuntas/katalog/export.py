"""The catalog as a reference others can read: one JSON document per year, built here once for
``tuntas katalog --json`` and ``GET /api/katalog/{tahun}`` (the same shape in both), from the
data files (``katalog.reference``), the source of truth."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from tuntas.core.formatting import format_decimal_id
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


def year_range(today_year: int | None = None) -> range:
    """The years the catalog answers for: 2019 (PP 2/2018) up to next year (planning); this year
    is Jakarta's (``TIME_ZONE``) unless given."""
    year = timezone.localdate().year if today_year is None else today_year
    return range(FIRST_YEAR, year + 2)


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


# --- the readable text (``tuntas katalog`` without --json), from the same document ------------

PART_NAMES = {
    "penerima": "penerima",
    "penetapan_sasaran": "penetapan sasaran",
    "indikator": "indikator",
    "kelayakan": "kelayakan",
    "mutu": "mutu",
}
AGE_AT_NAMES = {"akhir_tahun": "pada 31 Desember", "dalam_tahun": "pada suatu hari dalam tahun"}


def _quantity(text: str) -> str:
    """``"0.15"`` → ``0,15``; ``"90"`` → ``90`` (Indonesian, the places the data has)."""
    value = Decimal(text)
    return format_decimal_id(value, max(0, -int(value.as_tuple().exponent)))


def need_rule_text(basis: str, quantity: str | None, unit: str | None) -> str:
    """A need rule as a phrase: ``90 per penerima``, ``2 per puskesmas``, ``tetap 5``,
    ``sesuai kebutuhan`` (what pages and files show of the catalog's rule)."""
    if basis == "sesuai_kebutuhan" or quantity is None:
        return "sesuai kebutuhan"
    if basis == "unit_layanan":
        return f"{_quantity(quantity)} per {unit}"
    if basis == "tetap":
        return f"tetap {_quantity(quantity)}"
    return f"{_quantity(quantity)} per penerima"


def _need_text(need: dict[str, Any]) -> str:
    rule = need_rule_text(need["dasar"], need["jumlah"], need["unit"])
    if need["keterangan"] and need["keterangan"].lower() != rule:
        rule += f" ({need['keterangan']})"
    return rule + (f"; sumber: {need['sumber']}" if need["sumber"] else "")


def eligibility_text(rule: dict[str, Any], *, with_source: bool = True) -> str:
    """An eligibility rule as JSON (:func:`eligibility_json`, also ``JpdVersion.eligibility``,
    where a copy made before a key existed lacks it) in words: ``usia 12–59 bulan pada 31
    Desember``, ``kelas 1–9 berapa pun usianya, atau usia 7–15 tahun pada 31 Desember``."""
    low, high = rule.get("usia_min"), rule.get("usia_maks")
    unit = rule.get("satuan_usia") or "tahun"
    age_at = rule.get("acuan_usia") or ("akhir_tahun" if unit == "tahun" else "dalam_tahun")
    parts = []
    if low is not None or high is not None:
        if low is not None and high is not None:
            span = f"{low}–{high} {unit}"
        elif low is not None:
            span = f"{low} {unit} ke atas"
        else:
            span = f"sampai {high} {unit}"
        parts.append(f"usia {span} {AGE_AT_NAMES[age_at]}")
    if rule.get("jenis_kelamin"):
        parts.append("perempuan" if rule["jenis_kelamin"] == "P" else "laki-laki")
    text = ", ".join(parts) or "tanpa syarat usia atau jenis kelamin"
    if rule.get("kelas_min") is not None:
        text = f"kelas {rule['kelas_min']}–{rule['kelas_maks']} berapa pun usianya, atau {text}"
    if rule.get("belum_dikonfirmasi"):
        text += " (belum dikonfirmasi)"
    source = rule.get("sumber") if with_source else None
    return text + (f"; sumber: {source}" if source else "")


def catalog_text(doc: dict[str, Any]) -> str:
    """The document of :func:`catalog_json` as readable Indonesian text."""
    lines = [f"Katalog SPM tahun {doc['tahun']}"]
    for urusan in doc["urusan"]:
        lines += ["", f"{urusan['kode']} {urusan['nama']}"]
        for jpd in urusan["jpd"]:
            source, version = jpd["sumber"], jpd["versi"]
            until = version["berlaku_sampai"] or "sekarang"
            status = "belum dikonfirmasi" if source["belum_dikonfirmasi"] else "terkonfirmasi"
            lines += [
                f"  {jpd['kode']} {jpd['nama']}",
                f"    Versi: {version['berlaku_dari']}–{until} ({status}); "
                f"dasar hukum: {', '.join(source['dasar_hukum'])}",
            ]
            if source["dibawa_tanpa_perubahan"]:
                carried = ", ".join(PART_NAMES[p] for p in source["dibawa_tanpa_perubahan"])
                lines.append(f"    Dibawa tanpa perubahan dari versi sebelumnya: {carried}")
            indicator = jpd["indikator"]
            lines += [
                f"    Penerima: {jpd['penerima']}",
                f"    Penetapan sasaran: {jpd['penetapan_sasaran']}",
                f"    Indikator: {indicator['nama']}",
                f"      Pembilang: {indicator['pembilang']}",
                f"      Penyebut: {indicator['penyebut']}",
            ]
            if jpd["kelayakan"] is not None:
                lines.append(f"    Kelayakan by name: {eligibility_text(jpd['kelayakan'])}")
            lines.append("    Mutu:" if jpd["mutu"] else "    Mutu: (tidak dirinci)")
            for item in jpd["mutu"]:
                unit = f" [{item['satuan']}]" if item["satuan"] else ""
                line = f"      {item['kode']} {item['nama']}{unit}"
                if item["kebutuhan"] is not None:
                    line += f" — kebutuhan: {_need_text(item['kebutuhan'])}"
                lines.append(line)
            if source["catatan"]:
                lines.append(f"    Catatan: {source['catatan']}")
    return "\n".join(lines)
