"""``tuntas pengguna-baru USERNAME --peran PERAN [--pemda KODE] [--opd NAMA] [--nama NAMA]
[--json]``: an account from the command line, so an installation can be set up without the admin
pages. Prints the one-time password (``{"username", "password"}`` with ``--json``); the user must
change it at the first sign-in. Bad input: the reason on standard error, exit 2, nothing made."""

from __future__ import annotations

import json
import re
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.akun.models import Role
from tuntas.akun.services import user_create_by_system
from tuntas.core.errors import DomainError

# argparse's own refusals, said in Indonesian (its messages come in English)
_ARGPARSE = [
    (re.compile(r"the following arguments are required: (.+)"), "wajib diisi: {0}"),
    (re.compile(r"unrecognized arguments: (.+)"), "argumen tidak dikenal: {0}"),
    (re.compile(r"argument (\S+): expected one argument"), "{0} perlu satu nilai"),
    (re.compile(r"argument (\S+): ignored explicit argument (.+)"), "{0} tidak menerima nilai {1}"),
]


def _indonesian(message: str) -> str:
    for pattern, text in _ARGPARSE:
        match = pattern.fullmatch(message)
        if match:
            return text.format(*match.groups())
    return f"argumen tidak sah ({message})"


class Command(BaseCommand):
    help = "Buat akun pengguna dengan satu peran; cetak kata sandi sekali pakai."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message: str) -> NoReturn:
            text = f"{_indonesian(message)}. Lihat: tuntas {subcommand} --help"
            if parser.called_from_command_line:
                parser.exit(2, f"tuntas {subcommand}: {text}\n")
            raise CommandError(text, returncode=2)

        parser.error = error  # type: ignore[method-assign]
        return parser

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
