"""Shared fixtures of the recipient tests: a data key and a var/ of their own, files as users make
them, and a valid row generator."""

from __future__ import annotations

import base64
import json
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import xlsxwriter
from django.core.management import call_command
from django.test import override_settings

from tuntas.katalog.models import Jpd
from tuntas.testing import PersonaTestCase

TEST_KEY = base64.b64encode(bytes(range(32))).decode()
HEADER = [
    "nik", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa", "alamat",
    "terlayani_sesuai_standar", "tanggal_pelayanan", "unit_layanan",
]  # fmt: skip
DESA_A = "32.75.01.1001"  # Bekasijaya, Kota Bekasi
DESA_B = "36.74.01.1001"  # Ciater, Kota Tangerang Selatan
YEAR = 2025


def nik(n: int, *, born: date = date(1990, 5, 15), sex: str = "L", region: str = "327501") -> str:
    day = born.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{n:04d}"


def row(n: int, **over: Any) -> dict[str, Any]:
    born = over.pop("born", date(1990, 5, 15))
    sex = over.pop("sex", "L")
    values: dict[str, Any] = {
        "nik": nik(n, born=born, sex=sex),
        "nama": f"Warga Uji {n}",
        "jenis_kelamin": sex,
        "tanggal_lahir": born.isoformat(),
        "kode_desa": DESA_A,
        "alamat": f"Jl. Uji No. {n}",
        "terlayani_sesuai_standar": "Y",
        "tanggal_pelayanan": f"{YEAR}-03-01",
        "unit_layanan": "Puskesmas Bekasijaya",
    }
    values.update(over)
    return values


def csv_text(rows: list[dict[str, Any]], *, sep: str = ";", header: list[str] = HEADER) -> str:
    lines = [sep.join(header)]
    lines += [sep.join(str(r.get(c, "")) for c in header) for r in rows]
    return "\n".join(lines) + "\n"


def write_xlsx(path: Path, rows: list[list[Any]], *, title: str | None = None) -> Path:
    """Rows of cells; str cells are written as text, numbers as numbers, dates as date cells."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    start = 0
    if title:
        sheet.merge_range(0, 0, 1, 4, title)  # a merged two-row title above the header
        start = 3
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            if isinstance(value, date):
                sheet.write_datetime(start + r, c, value, dates)
            elif isinstance(value, int | float):
                sheet.write_number(start + r, c, value)
            elif value is None:
                continue
            else:
                sheet.write_string(start + r, c, str(value))
    workbook.close()
    return path


class PenerimaTestCase(PersonaTestCase):
    """Personas plus a data key in the environment and a temporary var/ (reports land there)."""

    tmp: ClassVar[Path]
    k06: ClassVar[Jpd]
    _tmpdir: ClassVar[tempfile.TemporaryDirectory[str]]
    _env: ClassVar[str | None]
    _settings: ClassVar[override_settings]

    @classmethod
    def setUpClass(cls) -> None:
        cls._tmpdir = tempfile.TemporaryDirectory()
        cls.tmp = Path(cls._tmpdir.name)
        cls._env = os.environ.get("TUNTAS_DATA_KEY")
        os.environ["TUNTAS_DATA_KEY"] = TEST_KEY
        cls._settings = override_settings(VAR_DIR=cls.tmp / "var")
        cls._settings.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._settings.disable()
        if cls._env is None:
            os.environ.pop("TUNTAS_DATA_KEY", None)
        else:
            os.environ["TUNTAS_DATA_KEY"] = cls._env
        cls._tmpdir.cleanup()

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.k06 = Jpd.objects.get(code="1.02.K06")  # usia produktif 15–59

    def write_csv(self, rows: list[dict[str, Any]], name: str = "daftar.csv", **kw: Any) -> Path:
        path = self.tmp / name
        path.write_text(csv_text(rows, **kw), encoding="utf-8")
        return path

    def run_import(self, path: Path, *args: str, pemda: str = "32.75", jpd: str = "1.02.K06",
                   year: int = YEAR) -> tuple[int, dict[str, Any], str]:  # fmt: skip
        """Run ``impor-penerima --json``; (exit status, parsed JSON or {}, stderr)."""
        import io

        out, err = io.StringIO(), io.StringIO()
        code = 0
        from contextlib import redirect_stderr

        with redirect_stderr(err):
            try:
                call_command(
                    "impor-penerima", "--pemda", pemda, "--jpd", jpd, "--tahun", str(year),
                    str(path), "--json", *args, stdout=out,
                )  # fmt: skip
            except SystemExit as exc:
                code = int(exc.code or 0)
        text = out.getvalue()
        return code, (json.loads(text) if text.strip() else {}), err.getvalue()


def identity_of(person: Any) -> Any:
    """The NIK, name and address sealed in a stored ``Person``."""
    from tuntas.penerima import crypto

    return crypto.data_keys().open(nik_hash=bytes(person.nik_hash), blob=person.identity_enc)
