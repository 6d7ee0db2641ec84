"""``tuntas katalog --tahun YYYY [--jpd KODE] [--json]``: the SPM catalog of a year, read from the
data files (no database needed)."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tuntas.katalog.export import UnknownJpd, catalog_json, year_range
from tuntas.katalog.reference import CatalogError, get_catalog


class Command(BaseCommand):
    help = (
        "Katalog SPM untuk satu tahun: urusan, JPD, penerima, kelayakan, item mutu dengan aturan "
        "kebutuhannya, dan sumbernya. --json untuk JSON (bentuk sama dengan GET /api/katalog/TAHUN)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tahun", type=int, required=True, metavar="YYYY")
        parser.add_argument("--jpd", metavar="KODE", help="satu JPD saja, mis. 1.02.K01")
        parser.add_argument("--json", action="store_true", help="keluaran JSON")

    def _fail(self, message: str) -> None:
        sys.stderr.write(message + "\n")
        sys.exit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["tahun"]
        years = year_range(date.today().year)
        if year not in years:
            self._fail(f"Tahun {year} di luar katalog ({years.start}–{years.stop - 1}).")
        try:
            doc = catalog_json(get_catalog(), year, options["jpd"])
        except CatalogError as exc:
            self._fail(str(exc))
        except UnknownJpd:
            self._fail(f"JPD {options['jpd']} tidak ada di katalog (contoh kode: 1.02.K01).")
        if options["json"]:
            self.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Katalog SPM tahun {doc['tahun']}")
        for urusan in doc["urusan"]:
            self.stdout.write(f"\n{urusan['kode']} {urusan['nama']}")
            for jpd in urusan["jpd"]:
                status = " (belum dikonfirmasi)" if jpd["sumber"]["belum_dikonfirmasi"] else ""
                self.stdout.write(f"  {jpd['kode']} {jpd['nama']}{status}")
                self.stdout.write(f"    Penerima: {jpd['penerima']}")
                self.stdout.write(f"    Dasar hukum: {', '.join(jpd['sumber']['dasar_hukum'])}")
                for item in jpd["mutu"]:
                    need = item["kebutuhan"]
                    rule = f" — {need['keterangan'] or need['dasar']}" if need else ""
                    self.stdout.write(f"    · {item['kode']} {item['nama']}{rule}")
