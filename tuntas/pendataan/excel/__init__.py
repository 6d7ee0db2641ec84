"""The quarter's Excel workbook: build it for what a user may edit (``build``: XlsxWriter), read
an edited copy back (``read``: python-calamine), turn it into a preview of every change and every
error (``preview``), and apply a confirmed upload in one transaction (``services``). What the
workbook holds and what a user may edit is ``layout``.

Layout (documented for users in README.md, "Excel workbook layout"):

* a visible ``Petunjuk`` sheet (instructions), then one sheet per urusan with writable JPD, then
  the hidden, protected ``_tuntas`` metadata sheet;
* urusan sheets: a title in row 1, a note in row 2, the headers of ``layout.COLUMNS`` in row 3
  and, from row 4, one row per JPD followed by one row per mutu item of its catalog version;
* the metadata (pemda, year, quarter, layout version, sheets and row keys, each JPD's entry
  version and a fingerprint of its values at download time) is JSON signed with an HMAC of
  ``SECRET_KEY``, so a changed layout or a forged header is detected.

Writes (``excel_upload_create``, ``excel_upload_apply``) follow the services convention and write
their audit rows; every entry is saved through :func:`tuntas.pendataan.services.entry_save`.
"""

from tuntas.pendataan.excel.build import workbook_build
from tuntas.pendataan.excel.layout import (
    COLUMN_INDEX,
    GUIDE_SHEET,
    HEADER_ROW,
    HEADERS,
    MAX_UPLOAD_BYTES,
    META_SHEET,
    XLSX_MIME,
    UploadAlreadyApplied,
    UploadHasErrors,
    WorkbookRefused,
    column_letter,
    workbook_plan,
)
from tuntas.pendataan.excel.preview import workbook_preview
from tuntas.pendataan.excel.read import workbook_read
from tuntas.pendataan.excel.services import excel_upload_apply, excel_upload_create

__all__ = [
    "COLUMN_INDEX",
    "GUIDE_SHEET",
    "HEADERS",
    "HEADER_ROW",
    "MAX_UPLOAD_BYTES",
    "META_SHEET",
    "XLSX_MIME",
    "UploadAlreadyApplied",
    "UploadHasErrors",
    "WorkbookRefused",
    "column_letter",
    "excel_upload_apply",
    "excel_upload_create",
    "workbook_build",
    "workbook_plan",
    "workbook_preview",
    "workbook_read",
]
