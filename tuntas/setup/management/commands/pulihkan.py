"""``tuntas pulihkan --dari FOLDER``: restore a backup made by ``tuntas cadangkan``.

Checks every file against the manifest, restores into the configured database (which must be
empty: a new PostgreSQL database or a missing SQLite file), puts the data key in place (never
over a different key unless ``--ganti-kunci``), migrates, and proves the key opens the restored
personal data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.core.errors import DomainError
from tuntas.setup.cadangan import backup_restore


class Command(BaseCommand):
    help = "Pulihkan basis data dan kunci data pribadi dari cadangan `tuntas cadangkan`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dari", required=True, type=Path, help="folder cadangan")
        parser.add_argument(
            "--ganti-kunci",
            action="store_true",
            help="timpa kunci data yang sudah ada dengan kunci dari cadangan",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(folder=options["dari"], replace_key=options["ganti_kunci"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        for line in report:
            self.stdout.write(line)
