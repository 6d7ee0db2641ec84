"""The e-SPM-ready workbook: the layout file is data (validated, with Indonesian errors naming
the file, sheet and column), the workbook follows it, and opened back (python-calamine) it holds
exactly the numbers entered: sasaran, terlayani, mutu, pagu/realisasi, problems, stage states and
the action plan."""

from __future__ import annotations

import copy
import datetime as dt
import io
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import yaml
from django.test import SimpleTestCase
from python_calamine import CalamineWorkbook

from tuntas.katalog.models import Jpd
from tuntas.laporan.document import report_data
from tuntas.laporan.espm import GETTERS, EspmPeriodInvalid, espm_build, espm_xlsx
from tuntas.laporan.espm_schema import (
    LAYOUT_FILE,
    PATHS,
    SHEET_KEYS,
    EspmLayoutError,
    LayoutFile,
    layout_load,
)
from tuntas.pendataan.models import AnnualTarget, QuarterEntry
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for, target_set
from tuntas.perencanaan.action_plan import ActionData, action_item_create
from tuntas.perencanaan.budget import LineInput, budget_line_create, budget_realisation_set
from tuntas.perencanaan.models import SubKegiatan
from tuntas.perencanaan.nomenclature import subkegiatan_national_sync
from tuntas.testing import PersonaTestCase, opd

YEAR, TW = 2025, 2
K01 = "1.02.K01"  # pelayanan kesehatan ibu hamil (Dinas Kesehatan)
D02 = "1.01.K02"  # pendidikan dasar (Dinas Pendidikan)
SUB = "1.02.02.2.02.0001"
PROBLEM = "=SUM(A1) bidan kurang di dua kecamatan"  # a formula-looking text stays text
Mutu = dict[int, tuple[int | None, int | None]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def raw_layout() -> dict[str, Any]:
    with LAYOUT_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
        return data


def sheet_of(raw: dict[str, Any], key: str) -> dict[str, Any]:
    return next(s for s in raw["lembar"] if s["kunci"] == key)


class LayoutCase(SimpleTestCase):
    def load(self, raw: Any) -> LayoutFile:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "espm_layout.yaml"
            path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
            return layout_load(path)

    def refused(self, raw: Any) -> str:
        with self.assertRaises(EspmLayoutError) as caught:
            self.load(raw)
        return "\n".join(caught.exception.errors)


class LayoutFileTests(LayoutCase):
    def test_the_shipped_layout_has_every_record_of_espm_once(self):
        layout = layout_load()
        self.assertEqual({s.kunci for s in layout.lembar}, set(SHEET_KEYS))
        self.assertEqual(len(layout.lembar), 6)
        self.assertEqual(layout.versi, 1)
        self.assertEqual(layout.berlaku_dari, dt.date(2025, 1, 1))
        self.assertIn("belum dikonfirmasi", layout.sumber)
        header = LAYOUT_FILE.read_text(encoding="utf-8").split("\nversi:")[0]
        self.assertIn("KInn", header)
        self.assertIn("BELUM DIKONFIRMASI", header)

    def test_every_path_of_the_vocabulary_is_read(self):
        self.assertEqual(set(GETTERS), set(PATHS))

    def test_unknown_path_names_file_sheet_and_column(self):
        raw = raw_layout()
        sheet_of(raw, "capaian_mutu")["kolom"][3]["isi"] = "mutu.kodee"
        message = self.refused(raw)
        self.assertIn(
            "espm_layout.yaml: lembar '2 Capaian Mutu', kolom 'Kode Mutu': "
            "isi 'mutu.kodee' tidak dikenal",
            message,
        )

    def test_path_its_rows_cannot_fill(self):
        raw = raw_layout()
        sheet_of(raw, "rencana_aksi")["kolom"].append(
            {"judul": "Sasaran", "lebar": 10, "isi": "jpd.penerima.sasaran"}
        )
        self.assertIn(
            "espm_layout.yaml: lembar '6 Rencana Aksi': kolom 'Sasaran': isi "
            "'jpd.penerima.sasaran' tidak tersedia untuk baris 'aksi'",
            self.refused(raw),
        )

    def test_duplicate_column(self):
        raw = raw_layout()
        cols = sheet_of(raw, "capaian_penerima")["kolom"]
        cols.append({"judul": "terlayani", "lebar": 10, "isi": "jpd.penerima.terlayani_tw1"})
        self.assertIn(
            "espm_layout.yaml: lembar '1 Capaian Penerima': kolom 'terlayani': judul kolom ganda",
            self.refused(raw),
        )
        raw = raw_layout()
        cols = sheet_of(raw, "capaian_penerima")["kolom"]
        cols.append({"judul": "Sasaran lagi", "lebar": 10, "isi": "jpd.penerima.sasaran"})
        self.assertIn(
            "kolom 'Sasaran lagi': isi 'jpd.penerima.sasaran' sudah dipakai kolom lain",
            self.refused(raw),
        )

    def test_missing_and_duplicate_sheet(self):
        raw = raw_layout()
        raw["lembar"] = [s for s in raw["lembar"] if s["kunci"] != "tahapan"]
        self.assertIn("espm_layout.yaml: lembar 'tahapan' tidak ada", self.refused(raw))
        raw = raw_layout()
        raw["lembar"].append({**copy.deepcopy(sheet_of(raw, "tahapan")), "nama": "Tahapan 2"})
        self.assertIn("espm_layout.yaml: lembar 'tahapan' ganda", self.refused(raw))

    def test_shape_errors_in_indonesian(self):
        raw = raw_layout()
        sheet = sheet_of(raw, "permasalahan")
        sheet["kolom"][4]["lebarr"] = 3
        sheet_of(raw, "rencana_aksi")["judul"].append("{kabupaten}")
        sheet_of(raw, "tahapan")["nama"] = "Tahapan: 5/6"
        sheet_of(raw, "penganggaran")["baris"] = "sub"
        del raw["sumber"]
        message = self.refused(raw)
        self.assertIn(
            "lembar '4 Permasalahan dan Solusi', kolom 'Permasalahan': kunci tidak dikenal "
            "'lebarr'",
            message,
        )
        self.assertIn("penanda {kabupaten} tidak dikenal", message)
        self.assertIn("lembar '6 Rencana Aksi': baris judul '{kabupaten}': penanda", message)
        self.assertIn("lembar 'Tahapan: 5/6': nama lembar paling panjang 31 karakter", message)
        self.assertIn("lembar '3 Penganggaran': 'baris' harus salah satu dari", message)
        self.assertIn("espm_layout.yaml: kunci wajib 'sumber' tidak ada", message)

    def test_unreadable_file(self):
        with self.assertRaises(EspmLayoutError) as caught:
            layout_load(Path("/nonexistent/espm_layout.yaml"))
        self.assertIn("espm_layout.yaml: tidak dapat dibaca", str(caught.exception))


def _rows(book: CalamineWorkbook, name: str, header: list[str]) -> list[list[Any]]:
    """The data rows under a sheet's header row (found by its text)."""
    rows = book.get_sheet_by_name(name).to_python()
    at = next(i for i, row in enumerate(rows) if [str(c) for c in row[: len(header)]] == header)
    return rows[at + 1 :]


class EspmExportTests(PersonaTestCase):
    """Kota Bekasi, TW2 2025: ibu hamil 640 of 1000 served (300 by TW1), the first mutu item 40 of
    50, a sub-kegiatan line of Rp 2.500.000 realised Rp 1.000.000; pendidikan dasar 450 of 500,
    pagu Rp 800.000 typed, Rp 200.000 realised; two actions in the plan."""

    first_item: ClassVar[str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        pemda = cls.pemda_a
        subkegiatan_national_sync()
        k01, d02 = Jpd.objects.get(code=K01), Jpd.objects.get(code=D02)
        kes, dik = opd(pemda, "Dinas Kesehatan"), opd(pemda, "Dinas Pendidikan")
        for jpd, sasaran in ((k01, 1000), (d02, 500)):
            target_set(pemda=pemda, jpd=jpd, year=YEAR, sasaran=sasaran, reason="",
                       expected_version=0, actor=None)  # fmt: skip
        line = budget_line_create(
            pemda=pemda,
            jpd=k01,
            year=YEAR,
            data=LineInput(
                sub_kegiatan=SubKegiatan.objects.get(code=SUB, pemda__isnull=True),
                amount=Decimal(2_500_000),
                opd=kes,
                volume=Decimal(1000),
                unit="orang",
            ),
            actor=None,
        )
        items = mutu_items_for(jpd=k01, year=YEAR)
        cls.first_item = items[0].code
        mutu: Mutu = {i.pk: ((50, 40) if n == 0 else (10, 10)) for n, i in enumerate(items)}
        for quarter, served in ((1, 300), (2, 640)):
            entry_save(pemda=pemda, jpd=k01, year=YEAR, quarter=quarter,
                       data=EntryInput(terlayani=served, mutu=mutu, permasalahan=PROBLEM,
                                       solusi="Rekrut bidan kontrak"),
                       expected_version=0, actor=None)  # fmt: skip
        budget_realisation_set(line=line, quarter=1, amount=Decimal(400_000), actor=None)
        budget_realisation_set(line=line, quarter=2, amount=Decimal(1_000_000), actor=None)
        d_mutu: Mutu = {i.pk: (10, 10) for i in mutu_items_for(jpd=d02, year=YEAR)}
        entry_save(pemda=pemda, jpd=d02, year=YEAR, quarter=2,
                   data=EntryInput(terlayani=450, mutu=d_mutu, pagu=Decimal(800_000),
                                   realisasi=Decimal(200_000)),
                   expected_version=0, actor=None)  # fmt: skip
        action_item_create(pemda=pemda, year=YEAR, actor=None, data=ActionData(
            activity="Pendataan ibu hamil by name", opd_id=kes.pk, jpd_code=K01,
            start=dt.date(2025, 4, 1), end=dt.date(2025, 6, 30), indicator="Daftar lengkap",
            status="berjalan"))  # fmt: skip
        action_item_create(pemda=pemda, year=YEAR, actor=None, data=ActionData(
            activity="Penyediaan buku teks", opd_id=dik.pk, jpd_code=D02))  # fmt: skip

    def book(self, content: bytes) -> CalamineWorkbook:
        return CalamineWorkbook.from_filelike(io.BytesIO(content))

    def test_the_data_is_as_entered(self):
        # the fixture itself: targets and entries landed (so the file checks below mean something)
        self.assertEqual(AnnualTarget.objects.get(pemda=self.pemda_a, jpd_id=K01).sasaran, 1000)
        entry = QuarterEntry.objects.get(pemda=self.pemda_a, jpd_id=K01, year=YEAR, quarter=TW)
        self.assertEqual((entry.pagu, entry.realisasi), (Decimal(2_500_000), Decimal(1_000_000)))

    def test_every_sheet_follows_the_layout_and_holds_the_numbers(self):
        layout = layout_load()
        book = self.book(espm_xlsx(self.pemda_a, YEAR, TW))
        self.assertEqual(book.sheet_names, [s.nama for s in layout.lembar])
        header = {s.kunci: [c.judul for c in s.kolom] for s in layout.lembar}
        name = {s.kunci: s.nama for s in layout.lembar}

        def table(key: str, by: str) -> dict[str, dict[str, Any]]:
            out: dict[str, dict[str, Any]] = {}
            for row in _rows(book, name[key], header[key]):
                record = dict(zip(header[key], row, strict=False))
                value = record[by]
                out.setdefault(str(int(value)) if isinstance(value, float) else str(value), record)
            return out

        # 1 capaian penerima: the title block, then one row per JPD of the kab/kota level
        rows = book.get_sheet_by_name(name["capaian_penerima"]).to_python()
        self.assertEqual(rows[0][0], "Tuntas — Berkas isian e-SPM: 1 Capaian Penerima")
        self.assertEqual(rows[2][0], "Periode: Triwulan 2 Tahun 2025")
        self.assertNotIn("DATA CONTOH", " ".join(str(r[0]) for r in rows[:8]))
        penerima = table("capaian_penerima", "Kode JPD")
        self.assertEqual(len(penerima), Jpd.objects.filter(level="kabkota").count())
        k01, d02 = penerima[K01], penerima[D02]
        self.assertEqual(
            [k01[h] for h in ("Jumlah yang Harus Dilayani", "Terlayani", "Belum Terlayani")],
            [1000, 640, 360],
        )
        self.assertEqual(k01["Capaian Penerima (%)"], 64)
        self.assertEqual(
            [d02[h] for h in ("Jumlah yang Harus Dilayani", "Terlayani", "Belum Terlayani")],
            [500, 450, 50],
        )
        self.assertEqual(d02["Capaian Penerima (%)"], 90)
        self.assertEqual(k01["Perangkat Daerah Pengampu"], "Dinas Kesehatan")
        data = report_data(self.pemda_a, YEAR, TW)
        k01_data = next(j for j in data.jpd_sections if j.kode == K01)
        self.assertEqual(Decimal(str(k01["Nilai Capaian JPD"])), k01_data.shown.nilai)
        self.assertEqual(k01["Kategori"], k01_data.shown.kategori_nama)
        self.assertEqual(penerima["1.02.K02"]["Terlayani"], "")  # no entry: empty, not 0

        # 2 mutu: one row per item; the first of K01 40 of 50
        mutu = [
            dict(zip(header["capaian_mutu"], r, strict=False))
            for r in _rows(book, name["capaian_mutu"], header["capaian_mutu"])
        ]
        first = next(m for m in mutu if m["Kode JPD"] == K01 and m["Kode Mutu"] == self.first_item)
        self.assertEqual(
            [first[h] for h in ("Jumlah Dibutuhkan", "Jumlah Tersedia", "Kekurangan")], [50, 40, 10]
        )
        self.assertEqual(first["Capaian (%)"], 80)
        self.assertEqual(
            len([m for m in mutu if m["Kode JPD"] == K01]),
            len(mutu_items_for(jpd=Jpd.objects.get(code=K01), year=YEAR)),
        )

        # 3 penganggaran: the JPD's row, then its sub-kegiatan line
        rows = [
            dict(zip(header["penganggaran"], r, strict=False))
            for r in _rows(book, name["penganggaran"], header["penganggaran"])
        ]
        at = next(i for i, r in enumerate(rows) if r["Kode JPD"] == K01)
        jpd_row, line_row = rows[at], rows[at + 1]
        money = ("Alokasi Anggaran JPD (Rp)", "Realisasi JPD (Rp)", "Selisih (Rp)", "Realisasi (%)")
        self.assertEqual([jpd_row[h] for h in money], [2_500_000, 1_000_000, 1_500_000, 40])
        self.assertEqual(jpd_row["Kode Sub-kegiatan"], "")
        self.assertEqual(
            [line_row[h] for h in ("Kode JPD", "Kode Sub-kegiatan", "Perangkat Daerah",
                                   "Pagu Sub-kegiatan (Rp)", "Realisasi Sub-kegiatan (Rp)")],
            [K01, SUB, "Dinas Kesehatan", 2_500_000, 1_000_000],
        )  # fmt: skip
        self.assertEqual(line_row["Alokasi Anggaran JPD (Rp)"], "")  # not counted twice
        self.assertEqual(line_row["No"], jpd_row["No"])
        d02_row = next(r for r in rows if r["Kode JPD"] == D02)
        self.assertEqual([d02_row[h] for h in money], [800_000, 200_000, 600_000, 25])

        # 4 permasalahan: the text as typed (a formula-looking one stays text)
        problems = table("permasalahan", "Kode JPD")
        self.assertEqual(problems[K01]["Permasalahan"], PROBLEM)
        self.assertEqual(problems[K01]["Solusi / Upaya"], "Rekrut bidan kontrak")
        self.assertEqual(problems[D02]["Permasalahan"], "")

        # 5 tahapan: four rows per JPD with the states the stage page derives
        stages = [
            dict(zip(header["tahapan"], r, strict=False))
            for r in _rows(book, name["tahapan"], header["tahapan"])
        ]
        k01_stages = {s["Tahap"]: s for s in stages if s["Kode JPD"] == K01}
        d02_stages = {s["Tahap"]: s for s in stages if s["Kode JPD"] == D02}
        self.assertEqual(sorted(k01_stages), [1, 2, 3, 4])
        self.assertEqual(
            [k01_stages[n]["Status"] for n in (1, 3, 4)], ["Selesai", "Selesai", "Selesai"]
        )
        self.assertEqual(
            [d02_stages[n]["Status"] for n in (1, 3, 4)], ["Selesai", "Belum", "Selesai"]
        )
        self.assertEqual(k01_stages[3]["Nama Tahap"], "Perencanaan")
        self.assertEqual(
            k01_stages[2]["Keterangan"], k01_data.tahapan[1].keterangan
        )  # the stage page's own reason
        self.assertEqual(len(stages), 4 * len(penerima))

        # 6 rencana aksi: the plan's order, dates as dates
        actions = table("rencana_aksi", "No")
        self.assertEqual(
            [actions["1"][h] for h in ("Kegiatan", "Perangkat Daerah", "Mulai", "Selesai",
                                       "Indikator", "Status")],
            ["Pendataan ibu hamil by name", "Dinas Kesehatan", dt.date(2025, 4, 1),
             dt.date(2025, 6, 30), "Daftar lengkap", "Berjalan"],
        )  # fmt: skip
        self.assertTrue(str(actions["1"]["JPD"]).startswith(K01))
        self.assertEqual(actions["2"]["Kegiatan"], "Penyediaan buku teks")
        self.assertEqual(actions["2"]["Mulai"], "")

    def test_no_cell_is_a_formula(self):
        content = espm_xlsx(self.pemda_a, YEAR, TW)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
            self.assertEqual(len(sheets), 6)
            for member in sheets:
                self.assertNotIn(b"<f>", archive.read(member), member)

    def test_a_changed_layout_changes_the_file(self):
        raw = raw_layout()
        sheet = sheet_of(raw, "capaian_penerima")
        sheet["nama"] = "Penerima e-SPM"
        sheet["judul"] = ["Rekap {pemda} TW{triwulan}"]
        cols = sheet["kolom"]
        target = next(c for c in cols if c["isi"] == "jpd.penerima.sasaran")
        cols.remove(target)
        code = next(c for c in cols if c["isi"] == "jpd.kode")
        cols.remove(code)
        cols[:0] = [
            {**target, "judul": "Sasaran Tahunan"},
            {**code, "judul": "KODE"},
            {"judul": "Terlayani TW1", "lebar": 10, "isi": "jpd.penerima.terlayani_tw1"},
        ]
        cols[:] = [c for c in cols if c["isi"] != "jpd.kategori"]
        raw["lembar"].insert(0, raw["lembar"].pop(raw["lembar"].index(sheet_of(raw, "tahapan"))))
        layout = LayoutCase().load(raw)

        book = self.book(espm_xlsx(self.pemda_a, YEAR, TW, layout=layout))
        self.assertEqual(book.sheet_names[:2], ["5 Tahapan Penerapan", "Penerima e-SPM"])
        rows = book.get_sheet_by_name("Penerima e-SPM").to_python()
        self.assertIn(["Rekap Kota Bekasi TW2"], [r[:1] for r in rows[:8]])
        header = [c.judul for c in layout.sheet("capaian_penerima").kolom]
        self.assertEqual(header[:3], ["Sasaran Tahunan", "KODE", "Terlayani TW1"])
        self.assertNotIn("Kategori", header)
        records = {
            r[1]: dict(zip(header, r, strict=False)) for r in _rows(book, "Penerima e-SPM", header)
        }
        self.assertEqual(records[K01]["Sasaran Tahunan"], 1000)
        self.assertEqual(records[K01]["Terlayani TW1"], 300)
        self.assertEqual(records[K01]["Terlayani"], 640)
        self.assertEqual(len(records[K01]), len(header))

    def test_demo_pemda_is_marked(self):
        self.pemda_a.is_demo = True
        self.pemda_a.save(update_fields=["is_demo"])
        book = self.book(espm_xlsx(self.pemda_a, YEAR, TW))
        for name in book.sheet_names:
            top = " ".join(str(r[0]) for r in book.get_sheet_by_name(name).to_python()[:8])
            self.assertIn("DATA CONTOH", top, name)

    def test_builder_shape(self):
        steps: list[tuple[int, str]] = []
        content, file_name, mime = espm_build(
            self.pemda_a, YEAR, TW, lambda p, s: steps.append((p, s))
        )
        self.assertEqual(file_name, "espm-32.75-2025-TW2.xlsx")
        self.assertEqual(mime, XLSX)
        self.assertEqual(len(self.book(content).sheet_names), 6)
        self.assertEqual([p for p, _ in steps], sorted(p for p, _ in steps))
        self.assertTrue(all(0 < p < 100 and s for p, s in steps))
        for quarter in (0, 5):
            with self.assertRaises(EspmPeriodInvalid) as caught:
                espm_build(self.pemda_a, YEAR, quarter, lambda p, s: None)
            self.assertIn("Triwulan", str(caught.exception))

    def test_download_for_readers_404_outside_scope(self):
        url = f"/pemda/32.75/espm/{YEAR}/{TW}.xlsx"
        for persona in ("operator_dik", "provinsi_jabar"):  # every reader: the access matrix
            self.login(persona)
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, persona)
            self.assertEqual(response["Content-Type"], XLSX)
            self.assertIn('filename="espm-32.75-2025-TW2.xlsx"', response["Content-Disposition"])
            self.assertEqual(len(self.book(response.content).sheet_names), 6)
        for persona in ("outsider", "admin_b", "nobody"):
            self.login(persona)
            self.assertEqual(self.client.get(url).status_code, 404, persona)
        self.login("admin_a")
        self.assertEqual(self.client.get(f"/pemda/32.75/espm/{YEAR}/5.xlsx").status_code, 404)
        self.assertEqual(self.client.get(f"/pemda/99.99/espm/{YEAR}/2.xlsx").status_code, 404)
        self.assertEqual(self.client.post(url).status_code, 405)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)

    def test_the_report_page_links_the_file(self):
        self.login("verifikator_tim")
        page = self.client.get(f"/pemda/32.75/persetujuan/{YEAR}/{TW}/")
        self.assertContains(page, f'href="/pemda/32.75/espm/{YEAR}/{TW}.xlsx"')
        self.assertContains(page, "Unduh berkas e-SPM (XLSX)")
