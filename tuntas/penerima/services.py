"""Writes of by-name recipients."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tuntas.core.errors import DomainError
from tuntas.core.services import audit_event_create
from tuntas.katalog.models import Jpd, JpdVersion
from tuntas.organisasi.models import Pemda
from tuntas.penerima.crypto import data_keys
from tuntas.penerima.importer import CHUNK_SIZE, ErrorReport, ImportSummary, Sink, run_import
from tuntas.penerima.parsing import open_table
from tuntas.penerima.validation import Eligibility, RowValidator
from tuntas.wilayah.models import Level, Region


class ImportArgumentError(DomainError):
    """The import cannot start: wrong JPD for the pemda, no catalog version for the year, ..."""


def jpd_version_for_year(*, jpd: Jpd, year: int) -> JpdVersion:
    version = (
        JpdVersion.objects.filter(jpd=jpd, valid_from__lte=year)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=year))
        .order_by("-valid_from")
        .first()
    )
    if version is None:
        raise ImportArgumentError(
            f"JPD {jpd.code} tidak berlaku pada tahun {year} menurut katalog."
        )
    return version


def _validator(*, pemda: Pemda, jpd: Jpd, year: int, today: date) -> RowValidator:
    if jpd.level != pemda.level:
        raise ImportArgumentError(
            f"JPD {jpd.code} adalah JPD {jpd.get_level_display()}, bukan JPD {pemda.name}."
        )
    version = jpd_version_for_year(jpd=jpd, year=year)
    prefix = pemda.code + "."
    villages = {
        code.replace(".", ""): code
        for code in Region.objects.filter(level=Level.DESA, code__startswith=prefix).values_list(
            "code", flat=True
        )
    }
    provinces = set(Region.objects.filter(level=Level.PROVINSI).values_list("code", flat=True))
    return RowValidator(
        jpd_code=jpd.code,
        year=year,
        eligibility=Eligibility.from_json(version.eligibility),
        villages=villages,
        village_prefix=pemda.code.replace(".", ""),
        pemda_name=pemda.name,
        province_codes=provinces,
        today=today,
    )


def recipients_import(
    *,
    pemda: Pemda,
    jpd: Jpd,
    year: int,
    path: Path | str,
    accept_partial: bool = False,
    replace: bool = False,
    actor: User | None = None,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: Callable[[int, ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import a recipient list (CSV or XLSX) of a pemda for a JPD and year, in one transaction.

    Without ``accept_partial`` a file with any error writes nothing (``written`` is False and
    the error report names every problem); with it, the valid rows are written. Rows are matched
    on (pemda, JPD, year, NIK): a second import of the same file changes nothing. ``replace``
    removes the entries of that pemda, JPD and year that are not in the file. Nothing stored is
    lost when the import fails. Raises :class:`DomainError` (arguments, data key) or
    :class:`~tuntas.core.tabular.TableError` (the file cannot be read).
    """
    validator = _validator(pemda=pemda, jpd=jpd, year=year, today=timezone.localdate())
    keys = data_keys()
    table = open_table(path)
    report = ErrorReport(header=table.header.cells, name=f"penerima-{pemda.code}-{jpd.code}-{year}")
    sink = Sink(pemda_code=pemda.code, jpd_code=jpd.code, year=year, replace=replace)
    try:
        with transaction.atomic():
            summary = run_import(
                table=table,
                validator=validator,
                keys=keys,
                sink=sink,
                report=report,
                accept_partial=accept_partial,
                chunk_size=chunk_size,
                on_chunk=on_chunk,
            )
            if summary.written:
                audit_event_create(
                    action="penerima.impor",
                    actor=actor,
                    object_type="pemda",
                    object_id=pemda.code,
                    data={
                        "jpd": jpd.code,
                        "tahun": year,
                        "ganti": replace,
                        "terima_sebagian": accept_partial,
                        **{k: v for k, v in summary.as_json().items() if k != "laporan_kesalahan"},
                        "dihapus": summary.dihapus,
                    },
                )
            else:
                transaction.set_rollback(True)
    except BaseException:
        report.discard()
        raise
    summary.laporan_kesalahan = report.close()
    return summary
