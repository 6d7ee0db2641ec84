"""Load the Kemendagri region codes shipped in ``tuntas/wilayah/data`` (ODbL, see SOURCE.md)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# file, level, column naming the parent, code pattern
_FILES = (
    ("provinces.csv", "provinsi", None, re.compile(r"^\d{2}$")),
    ("regencies.csv", "kabkota", "province_code", re.compile(r"^\d{2}\.\d{2}$")),
    ("districts.csv", "kecamatan", "regency_code", re.compile(r"^\d{2}\.\d{2}\.\d{2}$")),
    ("villages.csv", "desa", "district_code", re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")),
)


class RegionDataError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None


def _kind(level: str, code: str, name: str) -> str:
    if level == "kabkota":
        return "kota" if name.upper().startswith("KOTA ") else "kabupaten"
    if level == "desa":
        # Kemendagri numbers kelurahan 1xxx and desa 2xxx within a kecamatan.
        return "kelurahan" if code.rsplit(".", 1)[1].startswith("1") else "desa"
    return level


def read_regions(data_dir: Path = DATA_DIR) -> Iterator[RegionRow]:
    """Yield every region, parents before children; raise RegionDataError on a malformed file."""
    known: set[str] = set()
    for filename, level, parent_column, pattern in _FILES:
        path = data_dir / filename
        with path.open(newline="", encoding="utf-8") as handle:
            for line_no, record in enumerate(csv.DictReader(handle), start=2):
                code = (record.get("code") or "").strip()
                name = (record.get("name") or "").strip()
                parent = (record.get(parent_column) or "").strip() if parent_column else None
                if not pattern.match(code) or not name:
                    raise RegionDataError(f"{filename} baris {line_no}: kode/nama tidak sah")
                if parent is not None and (parent not in known or not code.startswith(parent)):
                    raise RegionDataError(f"{filename} baris {line_no}: induk {parent} tidak ada")
                if code in known:
                    raise RegionDataError(f"{filename} baris {line_no}: kode {code} ganda")
                known.add(code)
                yield RegionRow(code, name, level, _kind(level, code, name), parent)
