"""``tuntas cadangkan --ke FOLDER``: a backup of the database and the data key.

PostgreSQL through ``pg_dump`` (custom format), SQLite through SQLite's online backup (safe while
the application runs). The data key goes in the same folder unless ``--tanpa-kunci`` (then keep it
yourself); a ``MANIFEST.json`` lists every file with its SHA-256 so ``tuntas pulihkan`` can refuse
a damaged copy. The folder is created with mode 0700 and must not exist yet or be empty.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.core.errors import DomainError
from tuntas.setup.cadangan import backup_create


class Command(BaseCommand):
    help = "Cadangkan basis data dan kunci data pribadi ke sebuah folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ke", required=True, type=Path, help="folder tujuan (baru/kosong)")
        parser.add_argument(
            "--tanpa-kunci",
            action="store_true",
            help="jangan salin kunci data pribadi (simpan kunci itu sendiri di tempat lain)",
        )
        parser.add_argument("--json", action="store_true", help="ringkasan dalam JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(folder=options["ke"], with_key=not options["tanpa_kunci"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(manifest, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Cadangan dibuat di {options['ke']} ({manifest['mesin']}):")
        for name, info in manifest["berkas"].items():
            self.stdout.write(f"  {name}  {info['ukuran']} bita  sha256 {info['sha256'][:16]}…")
        if "data_key" in manifest["berkas"]:
            self.stdout.write(
                "Kunci data pribadi ikut tersalin: simpan folder ini di tempat aman dan terpisah "
                "dari server (siapa pun yang memegang kunci dan basis data dapat membaca NIK)."
            )
        else:
            self.stdout.write(manifest["catatan_kunci"])
