"""``tuntas laporan --pemda KODE --tahun YYYY [--triwulan N] --format pdf|docx|xlsx -o FILE``:
the Laporan Penerapan SPM of a pemda's quarter or year as a file; ``tuntas laporan --verifikasi
FILE``: check the fingerprint a report PDF or DOCX carries (exit 0: genuine and current; 1: no
fingerprint or it matches nothing; 3: genuine but the data changed since)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.laporan.files import FORMATS, report_file
from tuntas.laporan.verification import MAX_FILE, verify_file
from tuntas.organisasi.models import Pemda


class Command(BaseCommand):
    help = (
        "Buat Laporan Penerapan SPM satu pemda (triwulan atau tahunan) sebagai PDF, DOCX atau "
        "XLSX, atau periksa sidik berkas laporan (--verifikasi)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pemda", metavar="KODE", help="kode pemda, mis. 32.75")
        parser.add_argument("--tahun", type=int, metavar="TAHUN")
        parser.add_argument("--triwulan", type=int, metavar="N", help="1–4; tanpa: tahunan")
        parser.add_argument("--format", choices=FORMATS, default="pdf")
        parser.add_argument("-o", "--output", metavar="BERKAS", help="berkas tujuan")
        parser.add_argument("--verifikasi", metavar="BERKAS", help="periksa sidik berkas PDF/DOCX")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verifikasi"]:
            self._verify(Path(options["verifikasi"]))
            return
        missing = [f"--{k}" for k in ("pemda", "tahun", "output") if not options[k]]
        if missing:
            raise CommandError(
                "Wajib diisi: " + ", ".join(missing) + " (atau --verifikasi BERKAS)."
            )
        pemda = Pemda.objects.filter(code=options["pemda"]).first()
        if pemda is None:
            raise CommandError(f"Pemda {options['pemda']} tidak dikenal.")
        year, quarter = options["tahun"], options["triwulan"]
        if not 2000 <= year <= 2100:
            raise CommandError(f"Tahun {year} di luar rentang 2000–2100.")
        if quarter is not None and quarter not in (1, 2, 3, 4):
            raise CommandError("--triwulan harus 1, 2, 3 atau 4.")
        content, _name, _mime = report_file(pemda, year, quarter, options["format"])
        target = Path(options["output"])
        try:
            target.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Tidak dapat menulis {target}: {exc.strerror}") from exc
        self.stdout.write(f"{target}: {len(content):,} bita".replace(",", "."))

    def _verify(self, path: Path) -> None:
        try:
            if path.stat().st_size > MAX_FILE:
                raise CommandError(f"{path}: lebih dari {MAX_FILE // 2**20} MB, bukan laporan.")
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Tidak dapat membaca {path}: {exc.strerror}") from exc
        verdict = verify_file(content)
        if verdict.code is None:
            self.stdout.write(
                f"{path}: tidak memuat sidik laporan Tuntas (bukan PDF/DOCX laporan)."
            )
            sys.exit(1)
        seal = verdict.seal
        if seal is None:
            self.stdout.write(f"{path}: sidik {verdict.code} tidak cocok dengan laporan mana pun.")
            sys.exit(1)
        period = f"triwulan {seal.quarter} {seal.year}" if seal.quarter else f"tahun {seal.year}"
        self.stdout.write(
            f"{path}: sidik {seal.code} = laporan {seal.pemda.name} ({seal.pemda_id}), {period}; "
            f"disetujui {seal.approved_at:%Y-%m-%d %H:%M} UTC"
            if seal.approved_at
            else f"{path}: sidik {seal.code} = laporan {seal.pemda.name} ({seal.pemda_id}), {period}"
        )
        if verdict.data_match:
            self.stdout.write(
                "Data periode ini hari ini masih memberi sidik yang sama: sah dan terkini."
            )
            return
        self.stdout.write(
            "Data periode ini telah berubah setelah laporan ini disetujui (sidik hari ini berbeda)."
        )
        sys.exit(3)
