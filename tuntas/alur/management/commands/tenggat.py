"""``tuntas tenggat --tahun Y [--triwulan N --tanggal YYYY-MM-DD [--terkonfirmasi]
[--sumber TEKS]]``: set a quarter's reporting deadline, or (without ``--tanggal``) print the
year's four deadlines."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.alur.management.commands._common import date_arg
from tuntas.alur.tenggat import deadline_set, deadlines_for_year
from tuntas.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Atur batas waktu laporan satu triwulan, atau tampilkan batas waktu keempat triwulan "
        "satu tahun (tanpa --tanggal)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tahun", type=int, required=True, metavar="TAHUN")
        parser.add_argument("--triwulan", type=int, metavar="N", help="1–4")
        parser.add_argument("--tanggal", metavar="TTTT-BB-HH", help="batas waktu")
        parser.add_argument(
            "--terkonfirmasi", action="store_true", help="batas waktu sudah dipastikan sumbernya"
        )
        parser.add_argument("--sumber", default="", metavar="TEKS", help="dasar batas waktu")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["tahun"]
        if not options["tanggal"]:
            if options["triwulan"] or options["terkonfirmasi"] or options["sumber"]:
                raise CommandError(
                    "--triwulan, --terkonfirmasi dan --sumber dipakai bersama --tanggal; "
                    "tanpa --tanggal hanya --tahun (menampilkan batas waktu)."
                )
            if not 2000 <= year <= 2100:
                raise CommandError(f"Tahun {year} di luar rentang 2000–2100.")
            for quarter, deadline in deadlines_for_year(year).items():
                line = f"TW{quarter} {year}: {deadline.due.isoformat()} ({deadline.label})"
                if deadline.source:
                    line += f" — {deadline.source}"
                self.stdout.write(line)
            return
        if options["triwulan"] is None:
            raise CommandError("--triwulan (1–4) wajib diisi bersama --tanggal.")
        due = date_arg(options["tanggal"], "--tanggal")
        try:
            row = deadline_set(
                year=year,
                quarter=options["triwulan"],
                due=due,
                confirmed=options["terkonfirmasi"],
                source=options["sumber"],
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        state = "terkonfirmasi" if row.confirmed else "belum dikonfirmasi"
        self.stdout.write(
            f"Batas waktu TW{row.quarter} {row.year}: {row.due.isoformat()} ({state})."
        )
