"""The ``tuntas`` console command: Django's management commands under the project's name.

Tuntas' own commands: ``tuntas init`` (regions + catalog), ``tuntas hitung FILE`` (stateless
calculator), ``tuntas demo``. Django's (``migrate``, ``runserver``, ...) work too.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuntas.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "tuntas"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
