"""``tuntas bersihkan-unggahan``: settle by-name import jobs whose worker died (marked failed
after TUNTAS_IMPOR_BASI_MENIT minutes without a sign of life) and delete uploaded files older
than TUNTAS_UNGGAHAN_SIMPAN_HARI days. Safe to run at any time (e.g. daily from a timer)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tuntas.penerima.services import uploads_clean


class Command(BaseCommand):
    help = "Tandai impor yang pekerjanya berhenti sebagai gagal; hapus unggahan lewat masa simpan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = uploads_clean()
        if options["json"]:
            self.stdout.write(json.dumps(counts))
        else:
            self.stdout.write(
                f"{counts['impor_terhenti']} impor terhenti ditandai gagal; "
                f"{counts['berkas_dihapus']} berkas unggahan dihapus."
            )
