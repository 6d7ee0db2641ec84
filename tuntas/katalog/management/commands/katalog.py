"""``tuntas katalog --tahun YYYY [--jpd KODE] [--json]``: the SPM catalog of a year, read from the
data files (no database needed). The JSON is the document of ``GET /api/katalog/{tahun}``; the
text is the same document made readable."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from tuntas.katalog.export import UnknownJpd, catalog_json, catalog_text, year_range
from tuntas.katalog.reference import CatalogError, get_catalog

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Katalog SPM untuk satu tahun: urusan, JPD, penerima, kelayakan, item mutu dengan aturan "
        "kebutuhannya, dan sumbernya. --json untuk JSON (bentuk sama dengan GET /api/katalog/TAHUN)."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        # read as text so that a wrong year gets this command's Indonesian message (exit 2)
        parser.add_argument("--tahun", required=True, metavar="YYYY", help="mis. 2025")
        parser.add_argument("--jpd", metavar="KODE", help="satu JPD saja, mis. 1.02.K01")
        parser.add_argument("--json", action="store_true", help="keluaran JSON")

    def _fail(self, message: str) -> NoReturn:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
        raise SystemExit(EXIT_BAD_INPUT)

    def handle(self, *args: Any, **options: Any) -> None:
        years = year_range()
        text = str(options["tahun"]).strip()
        if not (text.isascii() and text.isdigit()):
            self._fail(f"Tahun harus angka, mis. {years.stop - 2} (terisi “{text}”).")
        year = int(text)
        if year not in years:
            self._fail(f"Tahun {year} di luar katalog ({years.start}–{years.stop - 1}).")
        code = options["jpd"].strip().upper() if options["jpd"] else None
        try:
            doc = catalog_json(get_catalog(), year, code)
        except CatalogError as exc:
            self._fail(str(exc))
        except UnknownJpd:
            self._fail(f"JPD {code} tidak ada di katalog (contoh kode: 1.02.K01).")
        if options["json"]:
            self.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(catalog_text(doc))
