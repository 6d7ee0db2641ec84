"""``tuntas impor-penerima --pemda KODE --jpd KODE_JPD --tahun YYYY FILE [--terima-sebagian]
[--ganti] [--json]``: import a by-name recipient list. Exit 0 written, 1 refused because of row
errors (nothing written), 2 the file cannot be read or the arguments are wrong."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tuntas.core.errors import DomainError
from tuntas.core.tabular import TableError
from tuntas.penerima.management.commands._common import EXIT_REFUSED, fail, pemda_and_jpd
from tuntas.penerima.services import recipients_import


class Command(BaseCommand):
    help = (
        "Impor daftar penerima by name (CSV/XLSX berkolom nik, nama, jenis_kelamin, "
        "tanggal_lahir, kode_desa, alamat, terlayani_sesuai_standar, tanggal_pelayanan, "
        "unit_layanan) untuk satu pemda, JPD dan tahun."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="berkas CSV atau XLSX (lembar pertama)")
        parser.add_argument("--pemda", required=True, metavar="KODE", help="mis. 32.75")
        parser.add_argument("--jpd", required=True, metavar="KODE_JPD", help="mis. 1.02.K06")
        parser.add_argument("--tahun", required=True, type=int, metavar="YYYY")
        parser.add_argument(
            "--terima-sebagian", action="store_true", help="simpan baris yang sah saja"
        )
        parser.add_argument(
            "--ganti",
            action="store_true",
            help="ganti seluruh daftar pemda, JPD dan tahun ini dengan isi berkas",
        )
        parser.add_argument("--json", action="store_true", help="ringkasan JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        pemda, jpd = pemda_and_jpd(options["pemda"], options["jpd"])
        try:
            summary = recipients_import(
                pemda=pemda,
                jpd=jpd,
                year=options["tahun"],
                path=options["file"],
                accept_partial=options["terima_sebagian"],
                replace=options["ganti"],
            )
        except TableError as exc:
            fail([f"Berkas tidak dapat dibaca: {exc}"])
        except DomainError as exc:
            fail([str(exc)])
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False))
        else:
            head = f"{pemda.name}, JPD {jpd.code}, tahun {options['tahun']}: "
            if summary.written:
                self.stdout.write(
                    head + f"{summary.baris} baris dibaca, {summary.diterima} diterima "
                    f"({summary.peringatan} dengan peringatan), {summary.ditolak} ditolak; "
                    f"{summary.baru} baru, {summary.diperbarui} diperbarui"
                    + (f", {summary.dihapus} dihapus" if options["ganti"] else "")
                    + "."
                )
            else:
                self.stdout.write(
                    head + f"berkas DITOLAK, tidak ada yang disimpan: {summary.ditolak} dari "
                    f"{summary.baris} baris bermasalah. Perbaiki lalu impor ulang, atau pakai "
                    "--terima-sebagian untuk menyimpan baris yang sah saja."
                )
            for line in summary.problems:
                self.stdout.write(f"  {line}")
            if summary.laporan_kesalahan:
                self.stdout.write(f"Laporan kesalahan: {summary.laporan_kesalahan}")
        if not summary.written:
            raise SystemExit(EXIT_REFUSED)
