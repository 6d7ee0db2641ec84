"""``tuntas init``: migrate, load the regions and the SPM catalog, collect the static files
(idempotent)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.katalog.reference import CatalogError, load_catalog
from tuntas.katalog.services import catalog_sync
from tuntas.pendataan.services import results_recompute_stale
from tuntas.penerima.crypto import data_key_ensure
from tuntas.perencanaan.nomenclature import NomenclatureError, subkegiatan_national_sync
from tuntas.wilayah.loader import RegionDataError
from tuntas.wilayah.services import region_load_all


class Command(BaseCommand):
    help = (
        "Siapkan basis data: migrasi, data wilayah Kemendagri, katalog SPM, dan berkas statis "
        "(aman diulang)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tanpa-wilayah", action="store_true", help="lewati pemuatan data wilayah"
        )
        parser.add_argument(
            "--tanpa-statis",
            action="store_true",
            help="lewati pengumpulan berkas statis (collectstatic)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        try:
            catalog = load_catalog()
        except CatalogError as exc:
            raise CommandError(str(exc)) from exc
        if not options["tanpa_wilayah"]:
            start = time.perf_counter()
            try:
                counts = region_load_all()
            except RegionDataError as exc:
                raise CommandError(f"Data wilayah tidak sah: {exc}") from exc
            self.stdout.write(
                f"Wilayah: {counts.get('provinsi', 0)} provinsi, {counts.get('kabkota', 0)} "
                f"kabupaten/kota, {counts.get('kecamatan', 0)} kecamatan, "
                f"{counts.get('desa', 0)} desa/kelurahan ({time.perf_counter() - start:.1f} detik)"
            )
        start = time.perf_counter()
        counts = catalog_sync(catalog=catalog)
        self.stdout.write(
            f"Katalog SPM: {counts['urusan']} urusan, {counts['jpd']} JPD, {counts['versi']} versi, "
            f"{counts['item_mutu']} item mutu, {counts['metode']} metode penilaian "
            f"({time.perf_counter() - start:.1f} detik)"
        )
        # tuntas.perencanaan: the sub-kegiatan codes Tuntas ships (data/subkegiatan.yaml)
        try:
            sub = subkegiatan_national_sync()
        except NomenclatureError as exc:
            raise CommandError(f"Data sub-kegiatan tidak sah: {exc}") from exc
        self.stdout.write(f"Sub-kegiatan: {sub['jumlah']} kode ({sub['baru']} baru)")
        # stored results computed with a method whose data changed (or before an upgrade)
        recomputed = results_recompute_stale()
        if recomputed:
            self.stdout.write(
                f"Hasil dihitung ulang dengan metode penilaian yang berlaku: {len(recomputed)} "
                f"pemda, {sum(recomputed.values())} triwulan"
            )
        # tuntas.penerima: the key encrypting personal data, when none is configured.
        created = data_key_ensure()
        if created is not None:
            self.stdout.write(
                f"Kunci data pribadi dibuat: {created} (mode 0600). Simpan salinannya di tempat "
                "aman: tanpa kunci ini data penerima by name tidak dapat dibuka."
            )
        if options["tanpa_statis"]:
            return
        # static files for whitenoise: hashed names, gzip and brotli copies (some seconds: every
        # file is compressed again)
        start = time.perf_counter()
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(
            f"Berkas statis disiapkan di {settings.STATIC_ROOT} "
            f"({time.perf_counter() - start:.1f} detik)"
        )
