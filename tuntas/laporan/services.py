"""Writes of the reports app: the seal of an approved report, the region's texts."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from tuntas.core.errors import DomainError
from tuntas.core.services import audit_event_create
from tuntas.laporan.document import ReportData, digest, summary
from tuntas.laporan.models import ReportText, Seal, TextKey
from tuntas.organisasi.models import Pemda

MAX_TEXT = 20_000  # characters per section: pages, not books


class TextInvalid(DomainError):
    """A report text that cannot be saved; ``field`` names the section."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def report_seal(data: ReportData) -> Seal | None:
    """The seal of an approved report's data (made once per distinct content; the same data
    built again gets the same seal). ``None`` while the period is not approved: a draft carries
    no fingerprint."""
    if not data.approval.approved:
        return None
    full = digest(data)
    found = Seal.objects.filter(digest=full).first()
    if found:
        return found
    try:
        with transaction.atomic():
            seal = Seal.objects.create(
                code=full[:16],
                digest=full,
                pemda=data.pemda,
                year=data.year,
                quarter=data.quarter or 0,
                approved_at=data.approval.approved_at,
                approved_by=data.approval.approved_by[:200],
                status=data.approval.status,
                summary=summary(data),
            )
            audit_event_create(
                action="laporan.sidik",
                pemda=data.pemda.code,
                object_type="sidik",
                object_id=seal.code,
                data={"tahun": data.year, "triwulan": data.quarter or 0, "sidik": full},
            )
            return seal
    except IntegrityError:  # made at the same moment by another build of the same data
        return Seal.objects.get(digest=full)


@transaction.atomic
def report_text_save(
    *, pemda: Pemda, year: int, key: str, text: str, actor: User | None
) -> ReportText | None:
    """Save one section of the narrative; an empty text goes back to the default (the row is
    deleted). Audited in the same transaction."""
    if key not in TextKey.values:
        raise TextInvalid(f"Bagian laporan tidak dikenal: {key[:40]}", "bagian")
    cleaned = "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32).strip()
    if len(cleaned) > MAX_TEXT:
        raise TextInvalid(
            f"Teks {TextKey(key).label} terlalu panjang: {len(cleaned)} karakter (paling banyak "
            f"{MAX_TEXT}).",
            key,
        )
    existing = (
        ReportText.objects.select_for_update().filter(pemda=pemda, year=year, key=key).first()
    )
    before = existing.text if existing else ""
    if cleaned == before:
        return existing
    if not cleaned:
        ReportText.objects.filter(pemda=pemda, year=year, key=key).delete()
        row = None
    elif existing:
        existing.text, existing.updated_by = cleaned, actor
        existing.save(update_fields=["text", "updated_by", "updated_at"])
        row = existing
    else:
        row = ReportText.objects.create(
            pemda=pemda, year=year, key=key, text=cleaned, updated_by=actor
        )
    audit_event_create(
        action="laporan.teks",
        actor=actor,
        pemda=pemda.code,
        object_type="teks_laporan",
        object_id=f"{year}:{key}",
        data={"perubahan": [{"kolom": key, "lama": before, "baru": cleaned}]},
    )
    return row
