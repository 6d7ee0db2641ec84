"""Django's ``flush`` (a wipe of every table), which must also empty the append-only audit
table: it opens the maintenance switch of :mod:`tuntas.core.append_only` for the length of the
wipe. Nothing else in Tuntas deletes audit rows."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from tuntas.core.append_only import maintenance


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        with maintenance(connection, "flush"):
            super().handle(**options)
