"""``tuntas pengguna-baru USERNAME --peran PERAN [--pemda KODE] [--opd NAMA] [--nama NAMA]
[--json]``: an account from the command line, so an installation can be set up without the admin
pages. Prints the one-time password (``{"username", "password"}`` with ``--json``); the user must
change it at the first sign-in. Bad input: the reason on standard error, exit 2, nothing made."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tuntas.akun.models import Role
from tuntas.akun.services import user_create_by_system
from tuntas.core.errors import DomainError


class Command(BaseCommand):
    help = "Buat akun pengguna dengan satu peran; cetak kata sandi sekali pakai."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", metavar="USERNAME")
        parser.add_argument("--peran", required=True, help=f"salah satu: {', '.join(Role.values)}")
        parser.add_argument(
            "--pemda", help="kode pemda (mis. 32.75; provinsi: 32); bukan untuk pusat"
        )
        parser.add_argument("--opd", help="nama perangkat daerah (wajib untuk operator)")
        parser.add_argument("--nama", default="", help="nama lengkap (bawaan: USERNAME)")
        parser.add_argument("--json", action="store_true", help='cetak {"username", "password"}')

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user, password = user_create_by_system(
                username=options["username"],
                role=options["peran"],
                pemda_code=options["pemda"],
                opd_name=options["opd"],
                full_name=options["nama"],
            )
        except DomainError as exc:
            self.stderr.write(str(exc))
            sys.exit(2)
        if options["json"]:
            self.stdout.write(json.dumps({"username": user.username, "password": password}))
            return
        self.stdout.write(
            f"Pengguna {user.username} dibuat. Kata sandi sekali pakai: {password}\n"
            "Sampaikan secara pribadi; pengguna wajib menggantinya saat pertama masuk."
        )
