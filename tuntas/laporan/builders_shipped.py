"""The shipped builders (imported through ``builders.BUILDER_MODULES`` in the web process and
in every worker): the region's report in three formats, the province's consolidated report and
the national summary (PDF, XLSX), and the e-SPM file."""

from __future__ import annotations

from tuntas.core.errors import DomainError
from tuntas.laporan import konsolidasi_files
from tuntas.laporan.builders import Built, Progress, register
from tuntas.laporan.espm import espm_build
from tuntas.laporan.files import report_file
from tuntas.organisasi.models import Pemda


def _region(pemda: Pemda | None, year: int, quarter: int, progress: Progress, fmt: str) -> Built:
    if pemda is None:
        raise DomainError("Laporan penerapan SPM dibuat untuk satu pemda.")
    return report_file(pemda, year, quarter or None, fmt, progress)


@register("pemda", "pdf")
def region_pdf(pemda: Pemda | None, year: int, quarter: int, progress: Progress) -> Built:
    return _region(pemda, year, quarter, progress, "pdf")


@register("pemda", "docx")
def region_docx(pemda: Pemda | None, year: int, quarter: int, progress: Progress) -> Built:
    return _region(pemda, year, quarter, progress, "docx")


@register("pemda", "xlsx")
def region_xlsx(pemda: Pemda | None, year: int, quarter: int, progress: Progress) -> Built:
    return _region(pemda, year, quarter, progress, "xlsx")


register("provinsi", "pdf")(konsolidasi_files.province_pdf)
register("provinsi", "xlsx")(konsolidasi_files.province_xlsx)
register("nasional", "pdf")(konsolidasi_files.national_pdf)
register("nasional", "xlsx")(konsolidasi_files.national_xlsx)
register("espm", "xlsx")(espm_build)
