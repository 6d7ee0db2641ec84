"""Indonesia's three time zones per province, from the data file ``data/zona_waktu.json``
(Keputusan Presiden 41/1987; provinces formed since follow the province they came from).

Times are stored in UTC and shown in the zone of the pemda they belong to (WIB, WITA or WIT);
WIB where no pemda is in view. The shape of the file is declared (pydantic) and checked when
read: every zone a province names must be defined."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, model_validator

DATA_FILE = Path(__file__).resolve().parent / "data" / "zona_waktu.json"

Abbreviation = Literal["WIB", "WITA", "WIT"]


class ZoneFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    judul: str
    sumber: str
    bawaan: Abbreviation
    zona: dict[Abbreviation, str]
    provinsi: dict[str, Abbreviation]

    @model_validator(mode="after")
    def _consistent(self) -> ZoneFile:
        for name in self.zona.values():
            ZoneInfo(name)  # an unknown IANA name fails here, when the file is read
        if self.bawaan not in self.zona:
            raise ValueError(f"zona bawaan {self.bawaan} tidak didefinisikan")
        for code, zone in self.provinsi.items():
            if len(code) != 2 or not code.isdigit():
                raise ValueError(f"kode provinsi {code!r} harus 2 angka")
            if zone not in self.zona:
                raise ValueError(f"provinsi {code}: zona {zone} tidak didefinisikan")
        return self


@dataclass(frozen=True)
class Zone:
    abbreviation: str  # WIB, WITA, WIT
    name: str  # the IANA name, e.g. Asia/Makassar

    @property
    def info(self) -> ZoneInfo:
        return ZoneInfo(self.name)


@lru_cache(maxsize=1)
def zone_file() -> ZoneFile:
    return ZoneFile.model_validate(json.loads(DATA_FILE.read_text(encoding="utf-8")))


def zone_of(code: str | None) -> Zone:
    """The zone of a province, kab/kota, kecamatan or desa code (its first two digits); the
    default zone (WIB) for no code or an unknown one."""
    data = zone_file()
    abbreviation = data.provinsi.get((code or "")[:2], data.bawaan)
    return Zone(abbreviation, data.zona[abbreviation])


def zone_names() -> dict[str, str]:
    """IANA name → abbreviation (``{"Asia/Makassar": "WITA", ...}``), for the formatter."""
    return {name: abbreviation for abbreviation, name in zone_file().zona.items()}


def default_zone() -> Zone:
    return zone_of(None)
