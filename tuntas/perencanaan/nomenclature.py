"""The sub-kegiatan codes Tuntas ships (``data/subkegiatan.yaml``): their declared shape (a
pydantic model, as the catalog's files have), the validating reader (no database), and the
idempotent load into ``SubKegiatan`` (``pemda`` null) that ``tuntas init`` runs.

Only the codes the domain reference lists down to the sub-kegiatan are shipped, each with the
decree of the nomenclature and its status (``diamati``: seen in regional apps, not yet checked
against the decree's text); a region adds the rest on its sub-kegiatan page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from django.db import transaction
from pydantic import AfterValidator, Field, StrictBool, ValidationError

from tuntas.core.errors import DomainError
from tuntas.core.services import audit_event_create
from tuntas.katalog.schema import Model, Text, messages
from tuntas.perencanaan.models import SubKegiatan

DATA_FILE = Path(__file__).resolve().parent / "data" / "subkegiatan.yaml"
# U.BB.PP.L.KK.SSSS: urusan . bidang . program . level digit . kegiatan . sub-kegiatan
CODE_RE = re.compile(r"^\d\.\d{2}\.\d{2}\.\d\.\d{2}\.\d{4}$")
JPD_RE = re.compile(r"^\d\.\d{2}\.[PK]\d{2}$")
STATUS_LABELS = {
    "diamati": "diamati, belum diverifikasi",
    "terverifikasi": "terverifikasi",
}


class NomenclatureError(DomainError):
    """The shipped file is not as declared; every problem with its place."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _pattern(regex: re.Pattern[str], what: str) -> Any:
    def check(value: str) -> str:
        if not regex.match(value):
            raise ValueError(f"{what} tidak sah: {value!r}")
        return value

    return AfterValidator(check)


SubCode = Annotated[str, _pattern(CODE_RE, "kode sub-kegiatan (U.BB.PP.L.KK.SSSS)")]
JpdCode = Annotated[str, _pattern(JPD_RE, "kode JPD")]


class SubKegiatanModel(Model):
    kode: SubCode
    nama: Text
    jpd: list[JpdCode] = Field(min_length=1)
    status: Literal["diamati", "terverifikasi"]
    nama_ringkas: StrictBool = False


class SubKegiatanFile(Model):
    keputusan: Text
    sub_kegiatan: list[SubKegiatanModel] = Field(min_length=1)


@dataclass(frozen=True)
class ShippedSubKegiatan:
    code: str
    name: str
    jpd: tuple[str, ...]
    source: str  # the decree and the status, as stored in SubKegiatan.source
    short_name: bool


def _source(decree: str, status: str, short: bool) -> str:
    text = f"{decree} · {STATUS_LABELS[status]}"
    if short:
        text += " · nama ringkas"
    return text[:120]


def read_nomenclature(path: Path = DATA_FILE) -> list[ShippedSubKegiatan]:
    """The shipped codes, validated (shape, code format, no code twice); raises
    :class:`NomenclatureError` with every problem found."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise NomenclatureError([f"{path.name}: tidak terbaca: {exc}"]) from exc
    try:
        doc = SubKegiatanFile.model_validate(raw)
    except ValidationError as exc:
        raise NomenclatureError(messages(path.name, exc, raw)) from exc
    seen: set[str] = set()
    errors = []
    for entry in doc.sub_kegiatan:
        if entry.kode in seen:
            errors.append(f"{path.name}: kode {entry.kode} tercantum dua kali")
        seen.add(entry.kode)
    if errors:
        raise NomenclatureError(errors)
    return [
        ShippedSubKegiatan(
            code=e.kode,
            name=e.nama,
            jpd=tuple(e.jpd),
            source=_source(doc.keputusan, e.status, e.nama_ringkas),
            short_name=e.nama_ringkas,
        )
        for e in doc.sub_kegiatan
    ]


@cache
def shipped() -> tuple[ShippedSubKegiatan, ...]:
    """The shipped codes (read once per process)."""
    return tuple(read_nomenclature())


def codes_for_jpd(jpd_code: str) -> list[str]:
    """The shipped sub-kegiatan codes that serve a JPD, in code order."""
    return sorted(s.code for s in shipped() if jpd_code in s.jpd)


@transaction.atomic
def subkegiatan_national_sync(
    entries: list[ShippedSubKegiatan] | None = None,
) -> dict[str, int]:
    """Load the shipped codes into ``SubKegiatan`` (``pemda`` null): new codes added, changed
    names or sources updated, the rest left alone (idempotent). A code no longer shipped stays
    (budget lines may use it). One audit row when something changed."""
    entries = list(shipped()) if entries is None else entries
    existing = {s.code: s for s in SubKegiatan.objects.filter(pemda__isnull=True)}
    created: list[SubKegiatan] = []
    updated: list[SubKegiatan] = []
    for entry in entries:
        row = existing.get(entry.code)
        if row is None:
            created.append(SubKegiatan(pemda=None, code=entry.code, name=entry.name,
                                       source=entry.source))  # fmt: skip
        elif (row.name, row.source) != (entry.name, entry.source):
            row.name, row.source = entry.name, entry.source
            updated.append(row)
    SubKegiatan.objects.bulk_create(created)
    SubKegiatan.objects.bulk_update(updated, ["name", "source"])
    counts = {"baru": len(created), "diubah": len(updated), "jumlah": len(entries)}
    if created or updated:
        audit_event_create(
            action="subkegiatan.muat",
            object_type="subkegiatan",
            object_id="nasional",
            data=counts,
        )
    return counts
