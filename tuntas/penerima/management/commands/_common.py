"""Shared argument handling of the recipient commands."""

from __future__ import annotations

import sys
from typing import NoReturn

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.wilayah.selectors import normalize_region_code

EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2


def fail(lines: list[str], code: int = EXIT_BAD_INPUT) -> NoReturn:
    for line in lines:
        sys.stderr.write(line + "\n")
    sys.stderr.flush()
    raise SystemExit(code)


def pemda_and_jpd(pemda_code: str, jpd_code: str) -> tuple[Pemda, Jpd]:
    code = normalize_region_code(pemda_code)
    pemda = Pemda.objects.filter(code=code).first()
    if pemda is None:
        fail([f"Pemda {code} belum terdaftar (daftarkan dengan `tuntas pemda-baru {code}`)."])
    jpd = Jpd.objects.filter(code=jpd_code.strip().upper()).first()
    if jpd is None:
        fail([f"Kode JPD '{jpd_code}' tidak dikenal."])
    if jpd.level != pemda.level:
        fail([f"JPD {jpd.code} adalah JPD {jpd.get_level_display()}, bukan JPD {pemda.name}."])
    return pemda, jpd
