"""One entry to the region report's files: data → seal → PDF, DOCX or XLSX, with its name.
Used by the download, the command and the background build."""

from __future__ import annotations

from tuntas.laporan.builders import Progress
from tuntas.laporan.document import ReportData, report_data
from tuntas.laporan.models import Seal
from tuntas.laporan.report_charts import charts_for
from tuntas.laporan.services import report_seal
from tuntas.organisasi.models import Pemda

FORMATS = ("pdf", "docx", "xlsx")
MIMES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _quiet(percent: int, step: str) -> None:
    return None


def file_name(pemda: Pemda, year: int, quarter: int | None, fmt: str) -> str:
    period = f"{year}-tw{quarter}" if quarter else f"{year}-tahunan"
    return f"laporan-spm-{pemda.code}-{period}.{fmt}"


def render(data: ReportData, seal: Seal | None, fmt: str) -> bytes:
    if fmt == "pdf":
        from tuntas.laporan.files_pdf import report_pdf

        return report_pdf(data, seal, charts_for(data))
    if fmt == "docx":
        from tuntas.laporan.files_docx import report_docx

        return report_docx(data, seal)
    if fmt == "xlsx":
        from tuntas.laporan.files_xlsx import report_xlsx

        return report_xlsx(data, seal)
    raise ValueError(f"format tidak dikenal: {fmt}")


def report_file(
    pemda: Pemda, year: int, quarter: int | None, fmt: str, progress: Progress = _quiet
) -> tuple[bytes, str, str]:
    """(content, file name, MIME type) of the report of a pemda's period."""
    if fmt not in FORMATS:
        raise ValueError(f"format tidak dikenal: {fmt}")
    progress(5, "Membaca data laporan")
    data = report_data(pemda, year, quarter)
    progress(30, "Menghitung sidik")
    seal = report_seal(data)
    progress(40, f"Menyusun berkas {fmt.upper()}")
    content = render(data, seal, fmt)
    progress(100, "Selesai")
    return content, file_name(pemda, year, quarter, fmt), MIMES[fmt]
