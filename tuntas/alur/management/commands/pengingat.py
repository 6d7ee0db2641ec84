"""``tuntas pengingat [--tanggal YYYY-MM-DD] [--langsung]``: the daily deadline reminders.

By default the job is put in the queue for the worker (``tuntas db_worker``); ``--langsung``
runs it at once in this process. ``deploy/tuntas-pengingat.timer`` starts it daily."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from tuntas.alur.management.commands._common import date_arg
from tuntas.alur.pengingat import reminders_send
from tuntas.alur.tasks import reminders_send_task


class Command(BaseCommand):
    help = (
        "Buat pengingat batas waktu laporan triwulan (H-7, H-1, terlambat) dan kirim lewat "
        "surel; masuk antrean pekerja, atau langsung dengan --langsung."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tanggal", metavar="TTTT-BB-HH", help="hari yang dihitung (bawaan: hari ini, WIB)"
        )
        parser.add_argument(
            "--langsung", action="store_true", help="jalankan sekarang, tanpa antrean"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = (
            date_arg(options["tanggal"], "--tanggal")
            if options["tanggal"]
            else timezone.localdate()
        )
        if options["langsung"]:
            made = reminders_send(today=today)
            self.stdout.write(f"{made} pengingat dibuat untuk {today.isoformat()}.")
            return
        result = reminders_send_task.enqueue(today=today.isoformat())
        self.stdout.write(f"Pengingat {today.isoformat()} masuk antrean (tugas {result.id}).")
