"""``tuntas bersihkan-unggahan``: settle by-name import jobs whose worker died (marked failed at
once when the worker's lock is free or its task ended, else after TUNTAS_IMPOR_BASI_MENIT minutes
without a heartbeat) and delete uploaded files and error reports older than
TUNTAS_UNGGAHAN_SIMPAN_HARI days. Safe to run at any time: deploy/tuntas-worker.service runs it
before each worker start, and it can run daily from a timer."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tuntas.penerima.services import uploads_clean


class Command(BaseCommand):
    help = (
        "Tandai impor yang pekerjanya berhenti sebagai gagal; hapus unggahan dan laporan "
        "kesalahan lewat masa simpan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = uploads_clean()
        if options["json"]:
            self.stdout.write(json.dumps(counts))
        else:
            self.stdout.write(
                f"{counts['impor_terhenti']} impor terhenti ditandai gagal; "
                f"{counts['berkas_dihapus']} berkas unggahan dan "
                f"{counts['laporan_dihapus']} laporan kesalahan dihapus."
            )
