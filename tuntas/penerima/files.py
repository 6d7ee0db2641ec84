"""The files of by-name data, built here and nowhere else: the list template (XLSX, with a
*Petunjuk* sheet) and the exports (CSV streamed, XLSX in a temporary 0600 file removed at once),
every cell through ``core.safe_write``. They hold personal data: the views that serve them check
access and write the access log."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from django.utils import timezone

from tuntas.core.formatting import waktu
from tuntas.core.safe_write import TitleBlock, csv_lines, xlsx_text, xlsx_title
from tuntas.katalog.export import eligibility_text
from tuntas.katalog.models import Jpd, JpdVersion
from tuntas.organisasi.models import Pemda
from tuntas.penerima.parsing import COLUMNS, GRADE_COLUMN, REQUIRED_COLUMNS
from tuntas.penerima.selectors import ListFilter, RecipientRow, recipient_entries, recipient_rows
from tuntas.penerima.validation import Eligibility

EXPORT_BATCH = 2000

_COLUMN_HELP = {
    "nik": "16 digit, sebagai teks (kolom ini sudah berformat Teks; jangan ubah menjadi angka)",
    "nama": "nama lengkap",
    "jenis_kelamin": "L atau P (Laki-laki/Perempuan)",
    "tanggal_lahir": "2010-08-17, 17-08-2010, 17/08/2010 atau 17 Agustus 2010",
    "kode_desa": "kode desa/kelurahan di pemda ini, mis. 32.75.01.1001 atau 3275011001",
    "alamat": "boleh kosong",
    "terlayani_sesuai_standar": "Y atau T (Ya/Tidak, 1/0)",
    "tanggal_pelayanan": "tanggal dalam tahun yang sama; boleh kosong",
    "unit_layanan": "mis. nama puskesmas (paling banyak 200 karakter); boleh kosong",
    "catatan": "boleh kosong",
}


def _grade_help(rule: Eligibility) -> str:
    return (
        f"nomor kelas ({rule.grade_min}–{rule.grade_max}) untuk anak yang bersekolah: memenuhi "
        "syarat berapa pun usianya; kosongkan untuk anak di luar sekolah (berlaku syarat usia)"
    )


def template_columns(version: JpdVersion | None) -> tuple[str, ...]:
    """The list's columns; a JPD with a grade rule (usia pendidikan dasar) adds ``kelas``."""
    rule = Eligibility.from_json(version.eligibility) if version else None
    return (*COLUMNS, GRADE_COLUMN) if rule is not None and rule.has_grade else COLUMNS


def template_xlsx(pemda: Pemda, jpd_obj: Jpd, version: JpdVersion | None) -> bytes:
    """The template workbook of a JPD's list (NIK and the other columns formatted as Text)."""
    penerima = version.penerima if version else ""
    columns = template_columns(version)
    eligibility = version.eligibility if version else None
    rule = Eligibility.from_json(eligibility)
    column_help = dict(_COLUMN_HELP)
    if rule is not None and rule.has_grade:
        column_help[GRADE_COLUMN] = _grade_help(rule)
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F5"})
    text = book.add_format({"num_format": 49})  # the built-in Text format "@"
    sheet = book.add_worksheet("Daftar")
    for col, name in enumerate(columns):
        xlsx_text(sheet, 0, col, name, bold)
        sheet.set_column(col, col, 22 if name in ("nik", "nama", "alamat") else 16, text)
    sheet.data_validation(1, 2, 1048575, 2, {"validate": "list", "source": ["L", "P"]})
    sheet.data_validation(1, 6, 1048575, 6, {"validate": "list", "source": ["Y", "T"]})
    sheet.freeze_panes(1, 0)
    info = book.add_worksheet("Petunjuk")
    info.set_column(0, 0, 26)
    info.set_column(1, 1, 90)
    lines: list[tuple[str, str]] = [
        ("Pemda", f"{pemda.code} {pemda.name}"),
        ("JPD", f"{jpd_obj.code} {jpd_obj.name}"),
        ("Penerima", penerima),
        # the catalog's rule the import checks (kelayakan), in words
        ("Syarat penerima", eligibility_text(eligibility or {}, with_source=False)),
        ("", ""),
        ("Cara mengisi", "Satu baris per orang, mulai baris 2 lembar 'Daftar'. Judul kolom "
         "boleh dalam urutan apa saja. Simpan sebagai XLSX atau CSV lalu unggah di Tuntas."),
        ("", "Kolom wajib: " + ", ".join(REQUIRED_COLUMNS) + "."),
        ("", "Berkas ini memuat data pribadi: simpan dan kirim dengan hati-hati."),
        ("", ""),
    ]  # fmt: skip
    lines += [(name, column_help.get(name, "")) for name in columns]
    for row, (key, value) in enumerate(lines):
        xlsx_text(info, row, 0, key, bold if key else None)
        xlsx_text(info, row, 1, value)
    book.close()
    return output.getvalue()


def export_cells(row: RecipientRow, *, full_nik: bool) -> list[str]:
    return [
        row.nik if full_nik else row.nik_masked,
        row.name,
        row.sex,
        row.birth_date.isoformat() if row.birth_date else "",
        row.village_code,
        row.address,
        "Y" if row.served else "T",
        row.service_date.isoformat() if row.service_date else "",
        row.service_unit,
        row.note,
    ]


def export_rows(
    pemda: Pemda, jpd: Jpd, year: int, filters: ListFilter, *, full_nik: bool
) -> Iterator[list[str]]:
    batch = []
    for entry in recipient_entries(pemda=pemda, jpd=jpd, year=year, filters=filters).iterator(
        chunk_size=EXPORT_BATCH
    ):
        batch.append(entry)
        if len(batch) >= EXPORT_BATCH:
            for row in recipient_rows(pemda=pemda, entries=batch):
                yield export_cells(row, full_nik=full_nik)
            batch = []
    for row in recipient_rows(pemda=pemda, entries=batch):
        yield export_cells(row, full_nik=full_nik)


def export_title(pemda: Pemda, jpd_obj: Jpd, year: int) -> TitleBlock:
    """The title block of an export: which list, whose, which year, made when (the zone active
    for the request: the pemda's). The importer finds the header below it."""
    return TitleBlock(
        title=f"Tuntas — Daftar penerima {jpd_obj.code} {jpd_obj.name}",
        pemda=pemda.name,
        period=f"Tahun {year}",
        made=waktu(timezone.now()),
        demo=pemda.is_demo,
    )


def export_csv(rows: Iterator[list[str]], title: TitleBlock | None = None) -> Iterator[str]:
    """The export as CSV lines (streamed)."""
    return csv_lines(list(COLUMNS), rows, title)


def export_xlsx_file(rows: Iterator[list[str]], title: TitleBlock | None = None) -> Any:
    """Write the rows to an anonymous temporary file (constant memory), opened for reading."""
    folder = Path(settings.VAR_DIR) / "unggahan"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(suffix=".xlsx", dir=folder)  # mode 0600
    os.close(fd)
    try:
        book = xlsxwriter.Workbook(name, {"constant_memory": True})
        sheet = book.add_worksheet("Daftar")
        bold = book.add_format({"bold": True})
        top = xlsx_title(sheet, title, bold)
        for col, heading in enumerate(COLUMNS):
            xlsx_text(sheet, top, col, heading, bold)
        for r, cells in enumerate(rows, start=top + 1):
            for c, value in enumerate(cells):
                if value:
                    xlsx_text(sheet, r, c, value)
        book.close()
        handle = open(name, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        os.unlink(name)  # the open handle keeps the data until the response is sent
    return handle
