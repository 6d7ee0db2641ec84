"""``tuntas rekap-penerima --pemda KODE --jpd KODE_JPD --tahun YYYY [--json]``: target and served
counts from the by-name registry, in total and per kecamatan (aggregates only)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tuntas.core.formatting import angka
from tuntas.penerima.management.commands._common import pemda_and_jpd
from tuntas.penerima.selectors import recipients_recap


class Command(BaseCommand):
    help = "Rekap sasaran dan terlayani dari daftar penerima by name, per kecamatan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pemda", required=True, metavar="KODE")
        parser.add_argument("--jpd", required=True, metavar="KODE_JPD")
        parser.add_argument("--tahun", required=True, type=int, metavar="YYYY")
        parser.add_argument("--json", action="store_true", help="keluaran JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        pemda, jpd = pemda_and_jpd(options["pemda"], options["jpd"])
        recap = recipients_recap(pemda=pemda, jpd=jpd, year=options["tahun"])
        if options["json"]:
            self.stdout.write(json.dumps(recap, ensure_ascii=False))
            return
        self.stdout.write(
            f"{pemda.name}, JPD {jpd.code}, tahun {options['tahun']}: sasaran "
            f"{angka(recap['sasaran'])}, terlayani {angka(recap['terlayani'])}"
        )
        for row in recap["per_kecamatan"]:
            self.stdout.write(
                f"  {row['kode']} {row['nama']}: sasaran {angka(row['sasaran'])}, "
                f"terlayani {angka(row['terlayani'])}"
            )
