"""``tuntas kebutuhan --pemda KODE --tahun YYYY [--jpd KODE_JPD] [--json]``: a pemda's needs
(SPM stage 2) per JPD and item — required from the catalog's rules, available, gap, unit price
and cost — as a table, or as JSON (``--json``)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.core.formatting import angka, rupiah
from tuntas.organisasi.models import Pemda
from tuntas.perencanaan.selectors import needs_document


def _rp(value: object) -> str:
    return rupiah(Decimal(str(value))) if value is not None else "—"


class Command(BaseCommand):
    help = "Kebutuhan (tahap 2 SPM) satu pemda per JPD dan item: dibutuhkan, tersedia, kekurangan, biaya."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pemda", required=True, metavar="KODE")
        parser.add_argument("--tahun", required=True, type=int, metavar="YYYY")
        parser.add_argument("--jpd", metavar="KODE_JPD")
        parser.add_argument("--json", action="store_true", help="keluaran JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        pemda = Pemda.objects.select_related("scoring_method").filter(code=options["pemda"]).first()
        if pemda is None:
            raise CommandError(f"Pemda {options['pemda']} belum terdaftar.")
        if not 2019 <= options["tahun"] <= 2100:
            raise CommandError("Tahun harus antara 2019 dan 2100.")
        doc = needs_document(pemda, options["tahun"], options["jpd"])
        if options["jpd"] and not doc["jpd"]:
            raise CommandError(
                f"JPD {options['jpd']} tidak dikenal untuk {pemda.name} (tingkat {pemda.level})."
            )
        if options["json"]:
            self.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2))
            return
        for jpd in doc["jpd"]:  # type: ignore[attr-defined]
            self.stdout.write(
                f"{jpd['kode']}  sasaran {angka(jpd['sasaran'])}  biaya {_rp(jpd['biaya'])}"
            )
            for item in jpd["item"]:
                self.stdout.write(
                    f"  {item['kode']:<5} {item['nama'][:48]:<48} {item['aturan'][:24]:<24} "
                    f"{angka(item['dibutuhkan']):>14} {angka(item['tersedia']):>14} "
                    f"{angka(item['kekurangan']):>14} {_rp(item['biaya']):>18}"
                )
        self.stdout.write(f"Total biaya kekurangan: {_rp(doc['total_biaya'])}")
