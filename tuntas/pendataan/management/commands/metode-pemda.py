"""``tuntas metode-pemda KODE METODE``: the scoring method a pemda's results are computed with."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.core.errors import DomainError
from tuntas.pendataan.services import pemda_method_set


class Command(BaseCommand):
    help = (
        "Tetapkan metode penilaian sebuah pemda (lihat /metode/) dan hitung ulang semua hasilnya."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kode", metavar="KODE", help="kode pemda, mis. 32.75")
        parser.add_argument("metode", metavar="METODE", help="kode metode, mis. espm-3-desimal")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pemda, quarters = pemda_method_set(
                code=options["kode"], method_code=options["metode"], actor=None
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{pemda.code} {pemda.name}: metode {pemda.scoring_method_id}; "
            f"{quarters} triwulan dihitung ulang."
        )
