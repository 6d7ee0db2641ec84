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


@register("paket", "pdf")
def province_pack_pdf(pemda: Pemda | None, year: int, quarter: int, progress: Progress) -> Built:
    """The province's consolidated report and every kab/kota's profile in one PDF, the profiles
    shared among the workers (``paket.pack_build``)."""
    from tuntas.laporan.paket import pack_build
    from tuntas.laporan.tasks import report_pack_task

    if pemda is None or pemda.level != "provinsi":
        raise DomainError("Paket laporan dibuat untuk satu provinsi.")
    content = pack_build(
        province=pemda,
        year=year,
        quarter=quarter,
        summary=lambda: konsolidasi_files.province_pdf(pemda, year, quarter)[0],
        enqueue=lambda pack_id: report_pack_task.enqueue(pack_id),
        progress=progress,
    )
    period = f"{year}-tw{quarter}" if quarter else f"{year}-tahunan"
    return content, f"paket-laporan-spm-{pemda.code}-{period}.pdf", "application/pdf"
