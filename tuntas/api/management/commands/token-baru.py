from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.api.services import api_token_create
from tuntas.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Buat token API untuk pengguna. Token dicetak sekali ke keluaran standar; "
        "yang disimpan hanya hash-nya."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", metavar="USERNAME", help="nama pengguna pemilik token")
        parser.add_argument(
            "--nama", default="", metavar="LABEL", help="label untuk mengenali token, mis. 'BI'"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Pengguna '{options['username']}' tidak ditemukan.")
        try:
            token, plaintext = api_token_create(user=user, label=options["nama"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        # Only the token goes to standard output, so TOKEN=$(tuntas token-baru ...) works.
        self.stdout.write(plaintext)
        self.stderr.write(
            f"Token API #{token.pk} untuk {user.username}"
            + (f" ({token.label})" if token.label else "")
            + " dibuat. Simpan sekarang: token ini tidak akan ditampilkan lagi.\n"
            "Pakai sebagai header: Authorization: Bearer <token>",
            style_func=str,  # a notice, not an error: no red
        )
