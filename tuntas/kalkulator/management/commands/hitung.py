"""``tuntas hitung FILE [--json] [--metode KODE]``: the stateless SPM calculator."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tuntas.core.tabular import TableError, read_table
from tuntas.kalkulator.input import CalculatorInputError, read_calculator_rows
from tuntas.kalkulator.report import result_to_dict, result_to_text
from tuntas.katalog.reference import DEFAULT_METHOD, get_catalog
from tuntas.perhitungan.engine import hitung

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Hitung capaian SPM dari berkas CSV/XLSX berkolom kode_jpd, sasaran, terlayani, "
        "mutu_tersedia, mutu_dibutuhkan (satu baris per JPD, satu daerah dan periode)."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="berkas CSV (koma/titik koma) atau XLSX")
        parser.add_argument("--json", action="store_true", help="keluaran JSON")
        parser.add_argument(
            "--metode",
            default=DEFAULT_METHOD,
            metavar="KODE",
            help=f"metode penilaian (bawaan: {DEFAULT_METHOD})",
        )

    def fail(self, lines: list[str]) -> None:
        for line in lines:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()
        raise SystemExit(EXIT_BAD_INPUT)

    def handle(self, *args: Any, **options: Any) -> None:
        catalog = get_catalog()
        method = catalog.methods.get(options["metode"])
        if method is None:
            self.fail(
                [
                    f"Metode '{options['metode']}' tidak dikenal. Tersedia: {', '.join(sorted(catalog.methods))}."
                ]
            )
            return
        try:
            rows = read_table(options["file"])
            inputs = read_calculator_rows(rows, catalog)
        except TableError as exc:
            self.fail([f"Berkas tidak dapat dibaca: {exc}"])
            return
        except CalculatorInputError as exc:
            self.fail(
                [f"Berkas {options['file']} tidak dapat dihitung ({len(exc.problems)} masalah):"]
                + [f"  {p}" for p in exc.problems]
            )
            return
        order = {code: i for i, code in enumerate(catalog.jpd)}
        inputs.sort(key=lambda item: order[item.kode])
        result = hitung(inputs, method.method)
        if options["json"]:
            self.stdout.write(
                json.dumps(result_to_dict(result, catalog), ensure_ascii=False, indent=2)
            )
        else:
            self.stdout.write(result_to_text(result, catalog))
