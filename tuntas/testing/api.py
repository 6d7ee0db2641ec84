"""Test data for the dashboards, the API and the downloads, made through the real services
(``target_set`` / ``entry_save``), so stored results are what the application computes."""

from __future__ import annotations

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.services import pemda_register
from tuntas.pendataan.models import AnnualTarget, QuarterEntry
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for, target_set
from tuntas.wilayah.models import Region


def entry_fill(
    pemda: Pemda,
    jpd_code: str,
    *,
    year: int,
    quarter: int,
    sasaran: int,
    terlayani: int,
    mutu: tuple[int, int] = (10, 10),
) -> QuarterEntry:
    """Set the year's target (if it differs) and save a complete entry: every quality item
    gets ``mutu`` = (dibutuhkan, tersedia). With mutu fully available the JPD value is
    0,8 × capaian penerima + 20, e.g. 80 of 100 served → 84 (Tuntas Madya)."""
    jpd = Jpd.objects.get(code=jpd_code)
    target = AnnualTarget.objects.filter(pemda=pemda, jpd=jpd, year=year).first()
    if target is None or target.sasaran != sasaran:
        target_set(
            pemda=pemda,
            jpd=jpd,
            year=year,
            sasaran=sasaran,
            reason="data uji",
            expected_version=target.version if target else 0,
            actor=None,
        )
    entry = QuarterEntry.objects.filter(pemda=pemda, jpd=jpd, year=year, quarter=quarter).first()
    items = mutu_items_for(jpd=jpd, year=year)
    return entry_save(
        pemda=pemda,
        jpd=jpd,
        year=year,
        quarter=quarter,
        data=EntryInput(terlayani=terlayani, mutu={i.pk: mutu for i in items}),
        expected_version=entry.version if entry else 0,
        actor=None,
    )


def kabkota_register(code: str, name: str) -> Pemda:
    """Register one more kab/kota (its region is created if the test database lacks it)."""
    Region.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "level": "kabkota",
            "kind": "kota" if name.startswith("KOTA") else "kabupaten",
            "parent_id": code[:2],
        },
    )
    return pemda_register(code=code)
