"""Writes of the Excel round trip: keep an upload with its preview, and apply a confirmed one in
one transaction through the entry service (each with its audit row)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tuntas.akun.scope import Scope
from tuntas.core.errors import DomainError
from tuntas.core.services import audit_event_create
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.selectors import pengampu_ids
from tuntas.pendataan.excel.layout import UploadAlreadyApplied, UploadHasErrors
from tuntas.pendataan.excel.preview import Preview, input_from_json
from tuntas.pendataan.excel.read import redownload
from tuntas.pendataan.models import ExcelUpload
from tuntas.pendataan.services import (
    EntryConflict,
    entry_save,
)

# --------------------------------------------------------------------------- services


@transaction.atomic
def excel_upload_create(
    *,
    pemda: Pemda,
    year: int,
    quarter: int,
    file_name: str,
    preview: Preview,
    actor: User,
) -> ExcelUpload:
    """Keep an uploaded workbook's preview until the user confirms it."""
    upload = ExcelUpload.objects.create(
        pemda=pemda,
        year=year,
        quarter=quarter,
        uploaded_by=actor,
        file_name=file_name[:255],
        changes=[c.as_json() for c in preview.changes],
        errors=[p.as_json() for p in preview.problems],
    )
    audit_event_create(
        action="isian.excel_unggah",
        actor=actor,
        object_type="isian",
        object_id=f"{pemda.code}/{year}/TW{quarter}",
        data={
            "unggahan": upload.pk,
            "berkas": upload.file_name,
            "jpd_berubah": [c.jpd for c in preview.changes],
            "kesalahan": len(preview.problems),
        },
    )
    return upload


@transaction.atomic
def excel_upload_apply(*, pemda: Pemda, upload_id: int, scope: Scope, actor: User) -> ExcelUpload:
    """Write every change of a previewed upload in one transaction, or nothing.

    The upload row is locked first, so confirming twice (two clicks, two tabs) applies it once;
    each JPD is saved with the entry version recorded at download time, so a save by someone
    else in between makes the whole confirmation fail and roll back.
    """
    upload = (
        ExcelUpload.objects.select_for_update()
        .filter(pk=upload_id, pemda=pemda, uploaded_by=actor)
        .first()
    )
    if upload is None:
        raise DomainError(gettext("Unggahan tidak ditemukan."))
    if upload.applied_at is not None:
        raise UploadAlreadyApplied(
            gettext("Unggahan ini sudah disimpan sebelumnya; tidak disimpan dua kali.")
        )
    if upload.errors:
        raise UploadHasErrors(
            gettext(
                "Berkas masih memuat kesalahan; perbaiki lalu unggah ulang. "
                "Tidak ada data yang disimpan."
            )
        )
    jpd_objs = {j.code: j for j in Jpd.objects.filter(code__in=[c["jpd"] for c in upload.changes])}
    opd_ids = pengampu_ids(pemda=pemda, jpd_codes=jpd_objs)
    for change in upload.changes:
        where = {"sheet": change["sheet"], "row": change["row"], "jpd": change["jpd"]}
        jpd = jpd_objs.get(change["jpd"])
        if jpd is None or not scope.can_write_jpd(pemda, opd_ids.get(change["jpd"])):
            raise DomainError(
                gettext(
                    "Lembar %(sheet)s, baris %(row)s (JPD %(jpd)s): Anda tidak berhak mengisi JPD "
                    "ini. Tidak ada data yang disimpan."
                )
                % where
            )
        try:
            entry_save(
                pemda=pemda,
                jpd=jpd,
                year=upload.year,
                quarter=upload.quarter,
                data=input_from_json(change["data"]),
                expected_version=change["version"],
                actor=actor,
            )
        except EntryConflict as exc:
            raise DomainError(
                redownload(
                    gettext(
                        "Lembar %(sheet)s, baris %(row)s (JPD %(jpd)s): diubah oleh pengguna lain "
                        "setelah berkas diunduh. Tidak ada data yang disimpan."
                    )
                    % where
                )
            ) from exc
        except DomainError as exc:
            raise DomainError(
                gettext(
                    "Lembar %(sheet)s, baris %(row)s (JPD %(jpd)s): %(error)s Tidak ada data yang "
                    "disimpan."
                )
                % {**where, "error": exc}
            ) from exc
    upload.applied_at = timezone.now()
    upload.save(update_fields=["applied_at"])
    audit_event_create(
        action="isian.excel_simpan",
        actor=actor,
        object_type="isian",
        object_id=f"{pemda.code}/{upload.year}/TW{upload.quarter}",
        data={"unggahan": upload.pk, "jpd": [c["jpd"] for c in upload.changes]},
    )
    return upload
