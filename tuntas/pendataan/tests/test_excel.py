"""The Excel round trip: download the quarter's workbook, edit it (with our builder or at the XML
level, as another program would), upload it for a preview, confirm it in one transaction; and
the files that must be refused (another region's or quarter's, corrupt, changed layout)."""

from __future__ import annotations

import io
import re
import resource
import tempfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from tuntas.akun.scope import scope_for
from tuntas.core.models import AuditEvent
from tuntas.core.tests.zip_bomb import write_bomb
from tuntas.katalog.models import Jpd, MutuItem
from tuntas.pendataan.excel import (
    COLUMN_INDEX,
    HEADERS,
    META_SHEET,
    XLSX_MIME,
    column_letter,
    workbook_build,
    workbook_plan,
)
from tuntas.pendataan.models import ExcelUpload, QuarterEntry
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for, target_set
from tuntas.testing import AccessMatrixMixin, PersonaTestCase

YEAR, TW = 2025, 2
K01, K02, K03, K04 = "1.02.K01", "1.02.K02", "1.02.K03", "1.02.K04"
SHEET = "1.02 Kesehatan"
WRITERS = {"operator_kes": 200, "operator_dik": 200, "verifikator_kes": 200,
           "verifikator_tim": 200, "admin_a": 200}  # fmt: skip
READ_ONLY = {"pimpinan_a": 403, "provinsi_jabar": 403, "pusat": 403}


def label(code: str) -> str:
    """How an Excel error names a JPD: its code and name."""
    return f"{code} {Jpd.objects.get(code=code).name}"


def col(key: str) -> str:
    return column_letter(COLUMN_INDEX[key])


def sheets_of(data: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {
        name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for name in book.sheet_names
    }


def row_of(data: bytes, jpd: str, item: str = "", sheet: str = SHEET) -> int:
    """The 1-based row of a JPD (or of one of its mutu items) in a sheet."""
    for number, cells in enumerate(sheets_of(data)[sheet], start=1):
        if cells[0] == jpd and (cells[1] or "") == item:
            return number
    raise AssertionError(f"{jpd} {item} not in {sheet}")


def _sheet_path(zf: zipfile.ZipFile, sheet: str) -> str:
    workbook = zf.read("xl/workbook.xml").decode()
    rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(
        rf'<sheet name="{re.escape(sheet)}" sheetId="\d+"(?: state="\w+")? r:id="(\w+)"', workbook
    )
    assert rid, sheet
    target = re.search(
        rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels
    )
    assert target
    return "xl/" + (target.group(1) or target.group(2)).lstrip("/").removeprefix("xl/")


def rezip(data: bytes, replace: dict[str, str]) -> bytes:
    """A copy of the .xlsx with some of its parts replaced (what another program would save)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = (
                replace[info.filename].encode() if info.filename in replace else source.read(info)
            )
            target.writestr(info.filename, content)
    return out.getvalue()


def set_cells(data: bytes, sheet: str, values: dict[str, Any]) -> bytes:
    """Edit cells of the downloaded bytes in the sheet's XML: numbers as numbers, text inline."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    path = _sheet_path(zf, sheet)
    xml = zf.read(path).decode()
    for ref, value in values.items():
        pattern = re.compile(rf'<c r="{ref}"(?P<s> s="\d+")?(?: t="\w+")?\s*(?:/>|>.*?</c>)')
        assert pattern.search(xml), f"cell {ref} not found"
        if isinstance(value, str):
            cell = rf'<c r="{ref}"\g<s> t="inlineStr"><is><t>{value}</t></is></c>'
        else:
            cell = rf'<c r="{ref}"\g<s>><v>{value}</v></c>'
        xml = pattern.sub(cell, xml, count=1)
    return rezip(data, {path: xml})


def replace_text(data: bytes, part: str, old: str, new: str) -> bytes:
    xml = zipfile.ZipFile(io.BytesIO(data)).read(part).decode()
    assert old in xml, f"{old!r} not in {part}"
    return rezip(data, {part: xml.replace(old, new)})


class ExcelTestCase(PersonaTestCase, AccessMatrixMixin):
    jpd: ClassVar[dict[str, Jpd]]
    items: ClassVar[list[MutuItem]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.jpd = {code: Jpd.objects.get(code=code) for code in (K01, K02, K03, K04)}
        for code, sasaran in ((K01, 1000), (K02, 500), (K03, 800)):
            target_set(pemda=cls.pemda_a, jpd=cls.jpd[code], year=YEAR, sasaran=sasaran,
                       reason="", expected_version=0, actor=None)  # fmt: skip
        cls.items = mutu_items_for(jpd=cls.jpd[K01], year=YEAR)
        entry_save(
            pemda=cls.pemda_a,
            jpd=cls.jpd[K01],
            year=YEAR,
            quarter=TW,
            data=EntryInput(
                terlayani=100,
                mutu={i.pk: (10, 8) for i in cls.items},
                pagu=Decimal("5000000"),
                permasalahan="Kurang bidan",
            ),
            expected_version=0,
            actor=cls.users["verifikator_kes"],
        )

    def base(self, kode: str = "32.75", tw: int = TW, tahun: int = YEAR) -> str:
        return f"/pemda/{kode}/isian/{tahun}/{tw}/"

    def download(self, persona: str = "operator_kes", **kw: Any) -> bytes:
        self.login(persona)
        response = self.client.get(self.base(**kw) + "unduh/")
        self.assertEqual(response.status_code, 200)
        return response.content

    def edited(
        self, cells: dict[tuple[str, str, str], Any], persona: str = "operator_kes"
    ) -> bytes:
        """What the user saves after editing the workbook downloaded now."""
        user = self.users[persona]
        plan = workbook_plan(
            pemda=self.pemda_a, year=YEAR, quarter=TW, scope=scope_for(user), user=user
        )
        return workbook_build(plan, cells=cells)

    def upload(self, data: bytes, persona: str = "operator_kes", **kw: Any) -> Any:
        self.login(persona)
        return self.client.post(
            self.base(**kw) + "unggah/",
            {"berkas": SimpleUploadedFile("isian.xlsx", data, content_type=XLSX_MIME)},
        )

    def preview(self, data: bytes, persona: str = "operator_kes") -> ExcelUpload:
        response = self.upload(data, persona)
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        upload = ExcelUpload.objects.latest("id")
        self.assertEqual(response["Location"], self.base() + f"unggah/{upload.pk}/")
        page = self.client.get(response["Location"])
        self.assertEqual(page.status_code, 200)
        return upload

    def confirm(self, upload: ExcelUpload) -> Any:
        return self.client.post(self.base() + f"unggah/{upload.pk}/")

    def entry(self, code: str) -> QuarterEntry | None:
        return QuarterEntry.objects.filter(
            pemda=self.pemda_a, jpd_id=code, year=YEAR, quarter=TW
        ).first()

    def assertRefused(self, response: Any, *fragments: str) -> None:
        self.assertEqual(response.status_code, 400)
        text = response.content.decode()
        self.assertIn('data-testid="ditolak"', text)
        for fragment in fragments:
            self.assertIn(fragment, text)
        self.assertFalse(ExcelUpload.objects.exists())

    def assertNothingWritten(self) -> None:
        k01 = self.entry(K01)
        assert k01 is not None
        self.assertEqual((k01.terlayani, k01.version), (100, 1))
        self.assertIsNone(self.entry(K02))
        self.assertIsNone(self.entry(K03))
        self.assertIsNone(self.entry(K04))
        self.assertFalse(AuditEvent.objects.filter(action="isian.excel_simpan").exists())


class DownloadTests(ExcelTestCase):
    def test_workbook_for_a_health_operator(self):
        data = self.download()
        sheets = sheets_of(data)
        self.assertEqual(list(sheets), ["Petunjuk", SHEET, META_SHEET])
        grid = sheets[SHEET]
        self.assertEqual(tuple(grid[2][: len(HEADERS)]), HEADERS)
        codes = [r[0] for r in grid[3:] if r[0] and not r[1]]
        health = Jpd.objects.filter(urusan_id="1.02", level="kabkota").order_by("code")
        self.assertEqual(codes, [j.code for j in health])
        # the JPD row carries the current values; the mutu rows follow it
        k01 = grid[row_of(data, K01) - 1]
        self.assertEqual(k01[COLUMN_INDEX["sasaran"]], 1000)
        self.assertEqual(k01[COLUMN_INDEX["terlayani"]], 100)
        self.assertEqual(k01[COLUMN_INDEX["pagu"]], 5000000)
        self.assertEqual(k01[COLUMN_INDEX["permasalahan"]], "Kurang bidan")
        self.assertIn("Dinas Kesehatan", k01[COLUMN_INDEX["pengampu"]])
        first_item = grid[row_of(data, K01, self.items[0].code) - 1]
        self.assertEqual(first_item[COLUMN_INDEX["dibutuhkan"]], 10)
        self.assertEqual(first_item[COLUMN_INDEX["tersedia"]], 8)
        self.assertEqual(first_item[COLUMN_INDEX["uraian"]], self.items[0].name)
        self.assertEqual(row_of(data, K02), row_of(data, K01) + len(self.items) + 1)

    def test_protection_validation_and_hidden_metadata(self):
        data = self.download()
        zf = zipfile.ZipFile(io.BytesIO(data))
        workbook = zf.read("xl/workbook.xml").decode()
        self.assertRegex(workbook, rf'<sheet name="{META_SHEET}" sheetId="\d+" state="hidden"')
        sheet = zf.read(_sheet_path(zf, SHEET)).decode()
        self.assertIn("<sheetProtection", sheet)
        for key in ("terlayani", "dibutuhkan", "tersedia"):
            self.assertRegex(
                sheet,
                rf'<dataValidation type="whole" operator="greaterThanOrEqual"[^>]*sqref="{col(key)}4:{col(key)}\d+"><formula1>0</formula1>',
            )
        self.assertIn("<sheetProtection", zf.read(_sheet_path(zf, META_SHEET)).decode())
        styles = zf.read("xl/styles.xml").decode()
        self.assertIn('<protection locked="0"/>', styles)  # only input cells are unlocked
        self.assertEqual(
            self.client.get(self.base() + "unduh/")["Content-Disposition"],
            f'attachment; filename="isian-spm-32.75-{YEAR}-TW{TW}.xlsx"',
        )

    def test_one_sheet_per_urusan_for_the_whole_pemda(self):
        names = list(sheets_of(self.download("admin_a")))
        self.assertEqual(names[0], "Petunjuk")
        self.assertEqual(names[-1], META_SHEET)
        self.assertEqual(
            [n.split()[0] for n in names[1:-1]], ["1.01", "1.02", "1.03", "1.04", "1.05", "1.06"]
        )
        self.assertTrue(all(len(n) <= 31 for n in names))
        self.assertEqual(list(sheets_of(self.download("operator_dik")))[1:-1], ["1.01 Pendidikan"])

    def test_links_on_the_entry_list_only_for_writers(self):
        self.login("operator_kes")
        self.assertContains(self.client.get(self.base()), self.base() + "unduh/", count=1)
        self.login("pimpinan_a")
        self.assertNotContains(self.client.get(self.base()), self.base() + "unduh/")


class RoundTripTests(ExcelTestCase):
    def test_edit_with_the_builder_preview_then_confirm(self):
        b01 = self.items[0].code
        data = self.edited({
            (K01, "", "terlayani"): 150,
            (K01, b01, "tersedia"): 9,
            (K01, "", "pagu"): "6.500.000",
            (K02, "", "terlayani"): "450",
            (K02, "", "permasalahan"): "Data puskesmas belum masuk",
        })  # fmt: skip
        upload = self.preview(data)
        self.assertEqual(upload.errors, [])
        self.assertEqual([c["jpd"] for c in upload.changes], [K01, K02])
        k01_fields = {
            (f["header"], f["item"]): (f["old"], f["new"]) for f in upload.changes[0]["fields"]
        }
        self.assertEqual(k01_fields, {
            ("Terlayani kumulatif", ""): ("100", "150"),
            ("Pagu anggaran", ""): ("Rp 5.000.000", "Rp 6.500.000"),
            ("Mutu tersedia", b01): ("8", "9"),
        })  # fmt: skip
        page = self.client.get(self.base() + f"unggah/{upload.pk}/").content.decode()
        self.assertIn("Data puskesmas belum masuk", page)
        self.assertIn('data-testid="konfirmasi"', page)
        self.assertNothingWritten()  # nothing is written before the user confirms

        response = self.confirm(upload)
        self.assertRedirects(response, self.base(), fetch_redirect_response=False)
        k01, k02 = self.entry(K01), self.entry(K02)
        assert k01 is not None and k02 is not None
        self.assertEqual((k01.terlayani, k01.pagu, k01.version), (150, Decimal("6500000"), 2))
        self.assertEqual(k01.permasalahan, "Kurang bidan")
        self.assertEqual({m.item.code: m.tersedia for m in k01.mutu.all()}[b01], 9)
        self.assertEqual(
            (k02.terlayani, k02.permasalahan, k02.version), (450, "Data puskesmas belum masuk", 1)
        )
        self.assertEqual(k02.updated_by, self.users["operator_kes"])
        self.assertIsNone(self.entry(K03))  # unchanged rows are not saved
        upload.refresh_from_db()
        self.assertIsNotNone(upload.applied_at)
        self.assertEqual(
            AuditEvent.objects.filter(
                action="isian.simpan", actor=self.users["operator_kes"]
            ).count(),
            2,
        )

    def test_downloaded_bytes_edited_at_the_xml_level(self):
        data = self.download()
        k04 = row_of(data, K04)  # no target yet
        item = mutu_items_for(jpd=self.jpd[K04], year=YEAR)[0]
        item_row = row_of(data, K04, item.code)
        edited = set_cells(data, SHEET, {
            f"{col('terlayani')}{k04}": "1.234",  # typed as text the Indonesian way
            f"{col('dibutuhkan')}{item_row}": 12,
            f"{col('solusi')}{k04}": "Jemput bola",
        })  # fmt: skip
        upload = self.preview(edited)
        self.assertEqual(upload.errors, [])
        fields = {f["header"]: (f["old"], f["new"]) for f in upload.changes[0]["fields"]}
        self.assertEqual(fields, {
            "Terlayani kumulatif": ("(kosong)", "1.234"),
            "Solusi": ("(kosong)", "Jemput bola"),
            "Mutu dibutuhkan": ("(kosong)", "12"),
        })  # fmt: skip
        self.assertEqual(self.confirm(upload).status_code, 302)
        k04_entry = self.entry(K04)
        assert k04_entry is not None
        self.assertEqual((k04_entry.terlayani, k04_entry.solusi), (1234, "Jemput bola"))
        self.assertEqual({m.item_id: m.dibutuhkan for m in k04_entry.mutu.all()}[item.pk], 12)

    def test_unchanged_file_has_nothing_to_confirm(self):
        upload = self.preview(self.download())
        self.assertEqual((upload.changes, upload.errors), ([], []))
        page = self.client.get(self.base() + f"unggah/{upload.pk}/").content.decode()
        self.assertIn('data-testid="tanpa-perubahan"', page)
        self.assertNotIn('data-testid="konfirmasi"', page)

    def test_confirming_twice_applies_once(self):
        upload = self.preview(self.edited({(K01, "", "terlayani"): 160}))
        self.assertEqual(self.confirm(upload).status_code, 302)
        second = self.confirm(upload)
        self.assertEqual(second.status_code, 302)
        messages = [str(m) for m in second.wsgi_request._messages]
        self.assertTrue(any("sudah disimpan" in m for m in messages), messages)
        k01 = self.entry(K01)
        assert k01 is not None
        self.assertEqual((k01.terlayani, k01.version), (160, 2))
        self.assertEqual(AuditEvent.objects.filter(action="isian.excel_simpan").count(), 1)

    def test_only_the_uploader_can_see_or_confirm_an_upload(self):
        upload = self.preview(self.edited({(K01, "", "terlayani"): 160}))
        self.login("verifikator_kes")
        self.assertEqual(self.confirm(upload).status_code, 404)
        self.login("admin_b")
        self.assertEqual(
            self.client.post(f"/pemda/36.74/isian/{YEAR}/{TW}/unggah/{upload.pk}/").status_code, 404
        )
        self.assertNothingWritten()


class BadValueTests(ExcelTestCase):
    def test_bad_values_are_listed_by_sheet_row_and_column_and_nothing_is_written(self):
        b01 = mutu_items_for(jpd=self.jpd[K02], year=YEAR)[0].code
        data = self.edited({
            (K01, "", "terlayani"): -5,
            (K02, "", "terlayani"): "12,5",
            (K02, b01, "tersedia"): "sepuluh",
            (K03, "", "pagu"): "banyak",
            (K04, "", "terlayani"): 10,  # a good row: not written either
        })  # fmt: skip
        upload = self.preview(data)
        rows = {code: row_of(data, code) for code in (K01, K02, K03)}
        item_row = row_of(data, K02, b01)
        texts = [e["text"] for e in upload.errors]
        self.assertEqual(texts, [
            f"Lembar {SHEET}, baris {rows[K01]} (JPD {label(K01)}), kolom F (Terlayani kumulatif): nilai “-5” tidak boleh negatif.",
            f"Lembar {SHEET}, baris {rows[K02]} (JPD {label(K02)}), kolom F (Terlayani kumulatif): nilai “12,5” harus bilangan bulat (pemisah ribuan harus tepat per 3 angka).",
            f"Lembar {SHEET}, baris {item_row} (JPD {label(K02)}), kolom H (Mutu tersedia): nilai “sepuluh” bukan angka.",
            f"Lembar {SHEET}, baris {rows[K03]} (JPD {label(K03)}), kolom I (Pagu anggaran): nilai “banyak” bukan angka.",
        ])  # fmt: skip
        page = self.client.get(self.base() + f"unggah/{upload.pk}/").content.decode()
        self.assertIn('data-testid="kesalahan"', page)
        self.assertNotIn('data-testid="konfirmasi"', page)
        response = self.confirm(upload)
        self.assertEqual(response.status_code, 400)
        self.assertNothingWritten()

    def test_money_and_size_limits(self):
        data = self.edited({
            (K01, "", "realisasi"): 1250000.5,  # cents are fine
            (K02, "", "pagu"): 12.345,
            (K03, "", "terlayani"): 10**16,
        })  # fmt: skip
        upload = self.preview(data)
        self.assertEqual([e["text"] for e in upload.errors], [
            f"Lembar {SHEET}, baris {row_of(data, K02)} (JPD {label(K02)}), kolom I (Pagu anggaran): nilai “12.345” "
            "paling banyak 2 angka di belakang koma.",
            f"Lembar {SHEET}, baris {row_of(data, K03)} (JPD {label(K03)}), kolom F (Terlayani kumulatif): nilai "
            f"“{10**16}” terlalu besar (paling banyak 999.999.999.999.999).",
        ])  # fmt: skip
        self.assertEqual(
            [(f["old"], f["new"]) for f in upload.changes[0]["fields"]],
            [("(kosong)", "Rp 1.250.000,50")],
        )

    def test_a_refused_workbook_shows_its_errors_by_jpd_and_no_change_table(self):
        data = self.edited({(K02, "", "terlayani"): "dua", (K03, "", "terlayani"): 5})
        upload = self.preview(data)
        page = self.client.get(self.base() + f"unggah/{upload.pk}/").content.decode()
        self.assertIn('data-testid="kesalahan"', page)
        self.assertIn(f'<td data-testid="jpd-kesalahan">{label(K02)}</td>', page)
        self.assertNotIn('data-testid="perubahan"', page)  # K03's change cannot be saved anyway
        self.assertNotIn('data-testid="konfirmasi"', page)

    def test_realisasi_above_pagu_needs_the_reason_given_in_the_app(self):
        data = self.edited({(K02, "", "pagu"): 1000000, (K02, "", "realisasi"): 1500000})
        upload = self.preview(data)
        self.assertEqual(
            [e["text"] for e in upload.errors],
            [f"Lembar {SHEET}, baris {row_of(data, K02)} (JPD {label(K02)}), kolom J (Realisasi "
             "anggaran): Realisasi (Rp 1.500.000) melebihi pagu (Rp 1.000.000); jelaskan alasannya."],
        )  # fmt: skip
        self.assertNothingWritten()

    def test_service_rules_are_checked_in_the_preview(self):
        data = self.edited({(K02, "", "terlayani"): 600})  # sasaran 500, no explanation
        upload = self.preview(data)
        self.assertEqual(
            [e["text"] for e in upload.errors],
            [f"Lembar {SHEET}, baris {row_of(data, K02)} (JPD {label(K02)}), kolom M (Penjelasan bila melebihi sasaran): "
             "Terlayani (600) melebihi sasaran (500); jelaskan alasannya."],
        )  # fmt: skip
        self.assertNothingWritten()  # the preview's trial save was rolled back
        self.assertFalse(
            AuditEvent.objects.filter(
                action="isian.simpan", actor=self.users["operator_kes"]
            ).exists()
        )
        upload = self.preview(
            self.edited({(K02, "", "terlayani"): 600, (K02, "", "penjelasan"): "Pendatang"})
        )
        self.assertEqual(upload.errors, [])


class RefusedFileTests(ExcelTestCase):
    def test_another_pemdas_workbook(self):
        foreign = self.download("admin_b", kode="36.74")
        self.assertRefused(self.upload(foreign, "admin_a"), "36.74", "bukan Kota Bekasi (32.75)")

    def test_another_quarters_workbook(self):
        tw1 = self.download(tw=1)
        self.assertRefused(self.upload(tw1), f"Berkas ini untuk TW1 {YEAR}, bukan TW2 {YEAR}")
        self.assertRefused(self.upload(self.download(tahun=YEAR - 1)), f"untuk TW2 {YEAR - 1}")

    def test_corrupt_and_foreign_files(self):
        data = self.download()
        self.assertRefused(
            self.upload(b"kode_jpd;terlayani\n1.02.K01;5\n"), "bukan buku kerja Excel (.xlsx)"
        )
        self.assertRefused(self.upload(data[: len(data) // 2]), "rusak atau tidak dapat dibaca")
        plain = io.BytesIO()
        book = xlsxwriter.Workbook(plain, {"in_memory": True})
        book.add_worksheet(SHEET).write_row(0, 0, HEADERS)
        book.close()
        self.assertRefused(self.upload(plain.getvalue()), "bukan buku kerja isian Tuntas")

    def test_a_zip_bomb_is_refused_before_it_is_opened(self):
        """2 MB that expand to 2 GiB: refused in under a second, memory flat (today: 23 s and
        6 GB in the web process), nothing stored, no change table."""
        with tempfile.TemporaryDirectory() as folder:
            data = write_bomb(Path(folder) / "bom.xlsx").read_bytes()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        response = self.upload(data)
        self.assertLess(time.perf_counter() - start, 1.0)
        self.assertLess(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, 100 * 1024)
        self.assertRefused(response, "Buku kerja ditolak: bagian xl/worksheets/sheet1.xml")
        self.assertNotContains(response, 'data-testid="perubahan"', status_code=400)
        self.assertFalse(ExcelUpload.objects.exists())

    def test_changed_layout(self):
        data = self.download()
        renamed_header = replace_text(
            data, "xl/sharedStrings.xml", "<t>Terlayani kumulatif</t>", "<t>Terlayani</t>"
        )
        self.assertRefused(self.upload(renamed_header), "Tata letak buku kerja berubah",
                           "kolom F: judul kolom seharusnya “Terlayani kumulatif”, ditemukan “Terlayani”")  # fmt: skip
        missing_sheet = replace_text(data, "xl/workbook.xml", f'name="{SHEET}"', 'name="Kesehatan"')
        self.assertRefused(self.upload(missing_sheet), f"Lembar {SHEET} tidak ditemukan")
        changed_key = replace_text(data, "xl/sharedStrings.xml", f"<t>{K03}</t>", "<t>1.02.K99</t>")
        self.assertRefused(
            self.upload(changed_key), f"baris {row_of(data, K03)}: kode seharusnya “{K03}”"
        )
        # the metadata says TW3 now: the signature no longer matches
        forged = replace_text(data, "xl/sharedStrings.xml", '"triwulan":2', '"triwulan":3')
        self.assertRefused(self.upload(forged, tw=3), "Metadata buku kerja rusak atau telah diubah")
        grid_rows = len(sheets_of(data)[SHEET])  # a row added below the table
        path = _sheet_path(zipfile.ZipFile(io.BytesIO(data)), SHEET)
        zf = zipfile.ZipFile(io.BytesIO(data))
        xml = (
            zf.read(path)
            .decode()
            .replace(
                "</sheetData>",
                f'<row r="{grid_rows + 2}"><c r="A{grid_rows + 2}" t="inlineStr"><is><t>1.02.K01</t></is></c></row></sheetData>',
            )
        )
        self.assertRefused(self.upload(rezip(data, {path: xml})), "baris tambahan di luar tabel")


class ConcurrencyTests(ExcelTestCase):
    def save_by_someone_else(self, code: str, terlayani: int) -> None:
        entry = self.entry(code)
        entry_save(pemda=self.pemda_a, jpd=self.jpd[code], year=YEAR, quarter=TW,
                   data=EntryInput(terlayani=terlayani), expected_version=entry.version if entry else 0,
                   actor=self.users["verifikator_tim"])  # fmt: skip

    def test_conflict_since_download(self):
        edited = self.edited({(K01, "", "terlayani"): 200})
        untouched_k01 = self.edited({(K02, "", "terlayani"): 50})
        self.save_by_someone_else(K01, 300)
        upload = self.preview(edited)
        self.assertEqual(len(upload.errors), 1)
        self.assertIn(
            "diubah oleh pengguna lain setelah berkas diunduh (verifikator_tim)",
            upload.errors[0]["text"],
        )
        self.assertEqual(self.confirm(upload).status_code, 400)
        k01 = self.entry(K01)
        assert k01 is not None
        self.assertEqual(k01.terlayani, 300)
        # a JPD the user did not edit is left alone, so the rest of the file can be saved
        upload = self.preview(untouched_k01)
        self.assertEqual((upload.errors, [c["jpd"] for c in upload.changes]), ([], [K02]))
        self.assertEqual(self.confirm(upload).status_code, 302)
        k01.refresh_from_db()
        self.assertEqual(k01.terlayani, 300)
        self.assertEqual(QuarterEntry.objects.get(jpd_id=K02, quarter=TW).terlayani, 50)

    def test_a_failure_on_the_nth_save_rolls_everything_back(self):
        upload = self.preview(self.edited({
            (K01, "", "terlayani"): 200, (K02, "", "terlayani"): 20, (K03, "", "terlayani"): 30,
        }))  # fmt: skip
        self.assertEqual((upload.errors, len(upload.changes)), ([], 3))
        self.save_by_someone_else(K03, 5)  # between preview and confirmation
        response = self.confirm(upload)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, f"(JPD {K03}): diubah oleh pengguna lain", status_code=409)
        self.assertContains(response, "Tidak ada data yang disimpan", status_code=409)
        k01 = self.entry(K01)
        assert k01 is not None
        self.assertEqual((k01.terlayani, k01.version), (100, 1))  # the first two saves rolled back
        self.assertIsNone(self.entry(K02))
        self.assertEqual(QuarterEntry.objects.get(jpd_id=K03, quarter=TW).terlayani, 5)
        upload.refresh_from_db()
        self.assertIsNone(upload.applied_at)
        self.assertFalse(
            AuditEvent.objects.filter(
                action="isian.simpan", actor=self.users["operator_kes"]
            ).exists()
        )

    def test_a_jpd_the_uploader_may_not_write(self):
        kes_file = self.edited({(K01, "", "terlayani"): 200})
        upload = self.preview(kes_file, "operator_dik")
        self.assertEqual(
            [e["text"] for e in upload.errors],
            [f"Lembar {SHEET}, baris {row_of(kes_file, K01)} (JPD {label(K01)}), kolom A (Kode JPD): Anda tidak berhak "
             f"mengisi JPD {K01}; baris ini tidak dapat disimpan."],
        )  # fmt: skip
        self.assertEqual(self.confirm(upload).status_code, 400)
        self.assertNothingWritten()


class AccessTests(ExcelTestCase):
    def test_download_and_upload_form(self):
        for suffix in ("unduh/", "unggah/"):
            self.check_access("get", self.base() + suffix, WRITERS | READ_ONLY)

    def test_upload_post(self):
        # writers get the form back (no file), read-only roles 403, outsiders 404
        self.check_access("post", self.base() + "unggah/", dict.fromkeys(WRITERS, 400) | READ_ONLY)
        self.assertFalse(ExcelUpload.objects.exists())

    def test_confirmation_page(self):
        # an upload with an error: confirming it writes nothing, whoever tries
        upload = self.preview(self.edited({(K01, "", "terlayani"): -1}))
        url = self.base() + f"unggah/{upload.pk}/"
        others = dict.fromkeys(WRITERS, 404)
        self.check_access("get", url, others | {"operator_kes": 200} | READ_ONLY)
        self.check_access("post", url, others | {"operator_kes": 400} | READ_ONLY)
        self.assertNothingWritten()

    def test_unknown_period(self):
        self.check_access("get", self.base(tahun=2010) + "unduh/", {})
        self.check_access("get", self.base(tw=5) + "unggah/", {})
