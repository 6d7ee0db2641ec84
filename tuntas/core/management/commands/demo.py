"""``tuntas demo``: a login for the local demo and how to try the calculator."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from tuntas.core.services import audit_event_create


class Command(BaseCommand):
    help = "Buat/perbarui akun admin demo (kata sandi baru setiap kali) dan tampilkan cara masuk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--alamat", default="http://127.0.0.1:8000", help="alamat aplikasi")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        password = secrets.token_urlsafe(9)
        user, created = user_model.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        audit_event_create(
            action="akun.demo", object_type="user", object_id=str(user.pk), data={"baru": created}
        )
        base = settings.BASE_DIR
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Tuntas siap.",
                    f"  Buka       : {options['alamat']}/",
                    "  Pengguna   : admin",
                    f"  Kata sandi : {password}   (dibuat baru setiap `make demo`)",
                    "",
                    "Kalkulator capaian SPM (tanpa basis data), di terminal lain:",
                    f"  {base}/.venv/bin/tuntas hitung {base}/contoh/capaian-kab-contoh.csv",
                    f"  {base}/.venv/bin/tuntas hitung --json {base}/contoh/capaian-kab-contoh.csv",
                    "",
                ]
            )
        )
