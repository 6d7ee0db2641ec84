"""Checking a report file: the fingerprint it carries (PDF keywords or footer; DOCX core
properties or footer), the seal it names, and whether the period's data still give that
fingerprint today."""

from __future__ import annotations

from dataclasses import dataclass

from tuntas.laporan.document import digest, report_data
from tuntas.laporan.models import Seal
from tuntas.laporan.selectors import seal_is_current, seal_lookup

MAX_FILE = 100 * 1024 * 1024  # a report is a few MB at most


@dataclass(frozen=True)
class Verdict:
    code: str | None  # the code the file carries (None: none found)
    seal: Seal | None  # the seal it names (None: it matches nothing)
    latest: bool | None  # the seal is the period's latest
    data_match: bool | None  # today's data of the period give the same fingerprint

    @property
    def ok(self) -> bool:
        return self.seal is not None and bool(self.data_match)


def fingerprint_of(content: bytes) -> str | None:
    if content.startswith(b"%PDF"):
        from tuntas.laporan.files_pdf import fingerprint_from_pdf

        return fingerprint_from_pdf(content)
    if content.startswith(b"PK"):
        from tuntas.laporan.files_docx import fingerprint_from_file

        return fingerprint_from_file(content)
    return None


def verify_file(content: bytes) -> Verdict:
    code = fingerprint_of(content)
    if code is None:
        return Verdict(None, None, None, None)
    seal = seal_lookup(code)
    if seal is None:
        return Verdict(code, None, None, None)
    now = report_data(seal.pemda, seal.year, seal.quarter or None)
    return Verdict(code, seal, seal_is_current(seal), digest(now) == seal.digest)
