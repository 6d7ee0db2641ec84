from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.core.errors import DomainError
from tuntas.organisasi.services import pemda_register


class Command(BaseCommand):
    help = "Daftarkan provinsi atau kabupaten/kota sebagai pemda beserta OPD dan pengampu bawaan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kode", metavar="KODE", help="kode wilayah Kemendagri, mis. 32.75")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pemda = pemda_register(code=options["kode"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{pemda.code} {pemda.name}: {pemda.opd.count()} perangkat daerah, "
            f"{pemda.assignments.count()} JPD ditugaskan."
        )
