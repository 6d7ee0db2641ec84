"""One test per validation rule, and files made the way users make them."""

from __future__ import annotations

import codecs
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from python_calamine import CalamineWorkbook

from tuntas.penerima import crypto
from tuntas.penerima.models import Person, RecipientEntry
from tuntas.penerima.parsing import CellError, parse_date
from tuntas.penerima.tests.helpers import (
    DESA_A,
    HEADER,
    YEAR,
    PenerimaTestCase,
    csv_text,
    identity_of,
    nik,
    row,
    write_xlsx,
)


class RuleTests(PenerimaTestCase):
    def problems(self, *rows: dict[str, Any], jpd: str = "1.02.K06", **kw: Any) -> list[list[Any]]:
        """Import (refused or partial) and return the report's rows as [row, column: message…]."""
        code, doc, err = self.run_import(self.write_csv(list(rows)), jpd=jpd, **kw)
        self.assertIn(code, (0, 1), err)
        if doc["laporan_kesalahan"] is None:
            return []
        table = (
            CalamineWorkbook.from_path(doc["laporan_kesalahan"]).get_sheet_by_index(0).to_python()
        )
        head = table[0]
        return [[r[0], r[head.index("kesalahan")], r[head.index("peringatan")]] for r in table[1:]]

    def assert_error(self, expected: str, **over: Any) -> None:
        jpd = over.pop("jpd", "1.02.K06")
        before = RecipientEntry.objects.count()
        found = self.problems(row(1, **over), jpd=jpd)
        self.assertEqual(len(found), 1, found)
        self.assertEqual(found[0][0], 2)
        self.assertIn(expected, found[0][1])
        self.assertEqual(RecipientEntry.objects.count(), before)

    def test_nik_must_be_16_digits(self):
        self.assert_error(
            "nik: NIK harus tepat 16 angka (terisi 15 karakter)", nik="327501150590001"
        )
        self.assert_error("nik: NIK harus tepat 16 angka", nik="32750115059000A1")

    def test_nik_apostrophe_and_spaces_are_accepted(self):
        code, doc, _ = self.run_import(
            self.write_csv([row(1, nik="'" + nik(1)), row(2, nik=" 3275 0115 0590 0002 ")])
        )
        self.assertEqual((code, doc["diterima"]), (0, 2))
        self.assertTrue(Person.objects.filter(nik_hash=crypto.nik_hash(nik(2))).exists())

    def test_nik_in_scientific_notation_tells_to_format_as_text(self):
        self.assert_error("format kolom NIK sebagai Teks", nik="3.27501E+15")

    def test_nik_province_must_exist(self):
        self.assert_error("kode provinsi NIK “99” tidak ada", nik="9975011505900001")

    def test_nik_day_part(self):
        self.assert_error("harus 01–31 (laki-laki) atau 41–71 (perempuan)", nik="3275013505900001")
        self.assert_error("harus 01–31", nik="3275017505900001")

    def test_nik_month_part(self):
        self.assert_error("bulan lahir di NIK “13” harus 01–12", nik="3275011513900001")

    def test_nik_last_four_digits(self):
        self.assert_error("empat digit terakhir NIK tidak boleh 0000", nik=nik(0))

    def test_required_fields(self):
        for column in ("nik", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa",
                       "terlayani_sesuai_standar"):  # fmt: skip
            with self.subTest(column):
                self.assert_error(f"{column}: wajib diisi", **{column: ""})

    def test_optional_fields_may_be_empty(self):
        code, doc, _ = self.run_import(
            self.write_csv([row(1, alamat="", tanggal_pelayanan="", unit_layanan="")])
        )
        self.assertEqual((code, doc["diterima"]), (0, 1))

    def test_sex_values(self):
        rows = [row(1, jenis_kelamin="l"), row(2, jenis_kelamin="Laki-laki"),
                row(3, sex="P", jenis_kelamin="PEREMPUAN"), row(4, sex="P", jenis_kelamin="p")]  # fmt: skip
        self.assertEqual(self.run_import(self.write_csv(rows))[1]["diterima"], 4)
        self.assert_error("jenis_kelamin: “X” tidak dikenal", jenis_kelamin="X")

    def test_served_values(self):
        values = ["Y", "T", "ya", "Tidak", "1", "0"]
        rows = [row(i + 1, terlayani_sesuai_standar=v) for i, v in enumerate(values)]
        self.assertEqual(self.run_import(self.write_csv(rows))[1]["diterima"], 6)
        self.assertEqual(RecipientEntry.objects.filter(served=True).count(), 3)
        self.assert_error("terlayani_sesuai_standar: “mungkin” tidak dikenal",
                          terlayani_sesuai_standar="mungkin")  # fmt: skip

    def test_village_code_with_or_without_dots(self):
        rows = [row(1, kode_desa=DESA_A), row(2, kode_desa="3275011001")]
        self.assertEqual(self.run_import(self.write_csv(rows))[1]["diterima"], 2)
        self.assertEqual(
            set(RecipientEntry.objects.values_list("village_code", flat=True)), {DESA_A}
        )

    def test_village_must_be_of_this_pemda(self):
        self.assert_error(
            "desa/kelurahan 36.74.01.1001 bukan wilayah Kota Bekasi", kode_desa="36.74.01.1001"
        )
        self.assert_error("kode desa/kelurahan 3275019999 tidak dikenal", kode_desa="3275019999")
        self.assert_error("bukan kode desa/kelurahan", kode_desa="32.75.01")

    def test_province_pemda_takes_every_desa_of_the_province(self):
        code, _, err = self.run_import(
            self.write_csv([row(1, nik=nik(1, region="367401"))]), pemda="32", jpd="1.01.P01"
        )
        # 1.01.P01 is for ages 16–18: the row is refused for age, not for the desa of Bekasi
        self.assertEqual(code, 1, err)
        found = self.problems(row(1, born=date(YEAR - 17, 5, 15)), pemda="32", jpd="1.01.P01")
        self.assertEqual(found, [])
        self.assertEqual(RecipientEntry.objects.filter(pemda_id="32").count(), 1)

    def test_dates_in_every_form(self):
        forms = ["1990-05-15", "15-05-1990", "15/05/1990", "15 Mei 1990", "15 mei 1990",
                 "15 Agustus 1990", "15 Agu 1990", "15-Agt-1990", "33008"]  # fmt: skip
        expected = [date(1990, 5, 15)] * 5 + [date(1990, 8, 15)] * 3 + [date(1990, 5, 15)]
        self.assertEqual([parse_date(f) for f in forms], expected)
        self.assertEqual(parse_date(33008.0), date(1990, 5, 15))
        for bad in ("31-02-1990", "15 Mai 1990", "kemarin", "1990/05/15x"):
            with self.subTest(bad), self.assertRaises(CellError):
                parse_date(bad)
        self.assert_error("tanggal_lahir: “31-02-1990”: tanggal tidak ada di kalender",
                          tanggal_lahir="31-02-1990")  # fmt: skip

    def test_birth_date_in_the_future(self):
        tomorrow = timezone.localdate() + timedelta(days=1)
        self.assert_error("belum terjadi", tanggal_lahir=tomorrow.isoformat())

    def test_not_eligible_by_age(self):
        # 1.02.K06 usia produktif 15–59 at 31 December of the year
        self.assert_error("tidak memenuhi syarat JPD 1.02.K06 (usia 15–59 tahun; usia 14 tahun",
                          born=date(YEAR - 14, 12, 31))  # fmt: skip
        self.assert_error("usia 60 tahun pada 31 Desember", born=date(YEAR - 60, 12, 31))
        edge = [row(1, born=date(YEAR - 15, 12, 31)), row(2, born=date(YEAR - 59, 1, 1))]
        self.assertEqual(self.run_import(self.write_csv(edge))[1]["diterima"], 2)

    def test_not_eligible_by_age_for_the_elderly(self):
        self.assert_error("usia 60 tahun ke atas", jpd="1.02.K07", born=date(YEAR - 59, 6, 1))
        found = self.problems(
            row(1, born=date(YEAR - 60, 12, 31), tanggal_pelayanan=""), jpd="1.02.K07"
        )
        self.assertEqual(found, [])

    def test_not_eligible_by_sex(self):
        # 1.02.K01 pelayanan kesehatan ibu hamil: women only
        self.assert_error("JPD 1.02.K01 hanya untuk perempuan", jpd="1.02.K01")
        self.assertEqual(self.problems(row(1, sex="P"), jpd="1.02.K01"), [])

    def test_newborn_eligibility_in_days(self):
        # 1.02.K03 bayi baru lahir 0–28 hari: born late in the previous year still counts
        self.assertEqual(self.problems(row(1, born=date(YEAR - 1, 12, 20)), jpd="1.02.K03"), [])
        self.assert_error("usia 0–28 hari", jpd="1.02.K03", born=date(YEAR - 1, 11, 1))

    def test_balita_are_12_to_59_months_old_at_31_december(self):
        # 1.02.K04: the regulation's formula counts children 12–59 months at the year's end
        self.assert_error(
            "tidak memenuhi syarat JPD 1.02.K04 (usia 12–59 bulan; usia 11 bulan pada 31 Desember",
            jpd="1.02.K04", born=date(YEAR, 1, 15),
        )  # fmt: skip
        self.assert_error("usia 60 bulan pada 31 Desember", jpd="1.02.K04",
                          born=date(YEAR - 5, 12, 31))  # fmt: skip
        edge = [row(1, born=date(YEAR - 1, 12, 31)), row(2, born=date(YEAR - 4, 1, 1))]
        self.assertEqual(self.run_import(self.write_csv(edge), jpd="1.02.K04")[1]["diterima"], 2)

    def test_basic_education_age_by_grade_or_by_age_out_of_school(self):
        # 1.02.K05: a child in grade 1–9 whatever the age; out of school (no kelas) 7–15
        header = [*HEADER, "kelas"]
        cases = [
            row(1, born=date(YEAR - 17, 3, 1), kelas="9"),  # grade 9 at 17: eligible
            row(2, born=date(YEAR - 10, 3, 1), kelas=""),  # out of school at 10: eligible
            row(3, born=date(YEAR - 17, 3, 1), kelas=""),  # out of school at 17: refused
            row(4, born=date(YEAR - 15, 3, 1), kelas="10"),  # grade 10: refused
            row(5, born=date(YEAR - 9, 3, 1), kelas="tiga"),  # not a grade: refused
            row(6, born=date(YEAR - 17, 3, 1), kelas="3"),  # grade 3 at 17: eligible
        ]
        path = self.write_csv(cases, header=header)
        code, doc, err = self.run_import(path, "--terima-sebagian", jpd="1.02.K05")
        self.assertEqual((code, doc["diterima"], doc["ditolak"]), (0, 3, 3), err)
        table = CalamineWorkbook.from_path(doc["laporan_kesalahan"]).get_sheet_by_index(0)
        rows = table.to_python()
        errors = {int(r[0]): r[rows[0].index("kesalahan")] for r in rows[1:]}
        self.assertIn("usia 7–15 tahun, atau kelas 1–9; usia 17 tahun", errors[4])
        self.assertIn("kelas: kelas 10 tidak termasuk JPD 1.02.K05 (kelas 1–9", errors[5])
        self.assertIn("kelas: “tiga” bukan nomor kelas", errors[6])
        # without the column the age rule applies to everyone
        code, doc, _ = self.run_import(self.write_csv([row(7, born=date(YEAR - 17, 3, 1))]),
                                       jpd="1.02.K05")  # fmt: skip
        self.assertEqual((code, doc["ditolak"]), (1, 1))

    def test_grade_is_ignored_where_the_jpd_has_no_grade_rule(self):
        path = self.write_csv([row(1, kelas="99")], header=[*HEADER, "kelas"])
        self.assertEqual(self.run_import(path)[1]["diterima"], 1)  # 1.02.K06: ages only

    def test_social_children_under_18_and_elderly_60_and_over(self):
        self.assert_error("usia sampai 17 tahun; usia 18 tahun", jpd="1.06.K02",
                          born=date(YEAR - 18, 6, 1))  # fmt: skip
        self.assertEqual(self.problems(row(1, born=date(YEAR - 17, 6, 1)), jpd="1.06.K02"), [])
        self.assert_error("usia 60 tahun ke atas; usia 59 tahun", jpd="1.06.K03",
                          born=date(YEAR - 59, 6, 1))  # fmt: skip
        self.assertEqual(self.problems(row(1, born=date(YEAR - 60, 6, 1)), jpd="1.06.K03"), [])

    def test_service_date_outside_the_year(self):
        self.assert_error(f"tanggal_pelayanan: 31 Desember {YEAR - 1} di luar tahun {YEAR}",
                          tanggal_pelayanan=f"{YEAR - 1}-12-31")  # fmt: skip

    def test_same_nik_again_names_the_first_row(self):
        found = self.problems(row(1), row(2), row(1, nama="Lagi"), row(1, nama="Dan lagi"))
        self.assertEqual([f[0] for f in found], [4, 5])
        for f in found:
            self.assertIn("NIK sudah ada di baris 2 untuk JPD yang sama", f[1])

    def test_warnings_keep_the_row(self):
        rows = [row(1, tanggal_lahir="1990-06-15"), row(2, jenis_kelamin="P")]
        code, doc, _ = self.run_import(self.write_csv(rows))
        self.assertEqual((code, doc["diterima"], doc["peringatan"], doc["ditolak"]), (0, 2, 2, 0))
        found = self.problems(*rows)
        self.assertIn("tanggal_lahir: berbeda dengan NIK (NIK menunjukkan 15-05-90)", found[0][2])
        self.assertIn("jenis_kelamin: berbeda dengan NIK (NIK menunjukkan laki-laki)", found[1][2])
        self.assertEqual(found[0][1], "")


class FileFormatTests(PenerimaTestCase):
    def test_csv_with_bom_semicolons_title_rows_and_blank_rows(self):
        text = "Daftar penerima usia produktif;;;\n;;;\n" + csv_text([row(1), row(2)]) + ";;;\n\n"
        path = self.tmp / "excel.csv"
        path.write_bytes(codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode())
        code, doc, err = self.run_import(path)
        self.assertEqual((code, doc["baris"], doc["diterima"]), (0, 2, 2), err)

    def test_csv_utf16_tabs_as_excel_unicode_text(self):
        # Excel's "Unicode Text (*.txt)": UTF-16 LE with its BOM, tab-separated, CRLF
        text = csv_text([row(1, nama="Ni Luh Putu Ayu"), row(2, alamat="Jl. Kenari “B”")], sep="\t")
        path = self.tmp / "unicode.txt"
        path.write_bytes(codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le"))
        code, doc, err = self.run_import(path)
        self.assertEqual((code, doc["baris"], doc["diterima"]), (0, 2, 2), err)
        names = sorted(identity_of(p).name for p in Person.objects.all())
        self.assertEqual(names, ["Ni Luh Putu Ayu", "Warga Uji 2"])

    def test_csv_commas_any_header_order_and_case_windows_1252(self):
        header = list(reversed([h.upper() for h in HEADER]))
        text = csv_text([row(1, nama="José Müller")], sep=",", header=header)
        text = text.replace(row(1)["nik"], row(1)["nik"])  # values follow the header
        lines = text.splitlines()
        values = [row(1, nama="José Müller")[h] for h in HEADER]
        lines[1] = ",".join(str(v) for v in reversed(values))
        path = self.tmp / "ansi.csv"
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
        code, doc, err = self.run_import(path)
        self.assertEqual((code, doc["diterima"]), (0, 1), err)
        self.assertEqual(identity_of(Person.objects.get()).name, "José Müller")

    def test_xlsx_with_merged_title_dates_serials_and_trailing_rows(self):
        r1, r2 = row(1), row(2, sex="P")
        cells = [
            HEADER,
            [
                r1["nik"],
                r1["nama"],
                "L",
                date(1990, 5, 15),
                DESA_A,
                "",
                "Ya",
                date(YEAR, 3, 1),
                "PKM",
            ],
            [r2["nik"], r2["nama"], "P", 33008, "3275011001", "", 1, 45717, ""],
            [None] * 9,
            ["", "", "", "", "", "", "", "", ""],
        ]
        path = write_xlsx(self.tmp / "daftar.xlsx", cells, title="DAFTAR PENERIMA SPM 2025")
        code, doc, err = self.run_import(path)
        self.assertEqual((code, doc["baris"], doc["diterima"]), (0, 2, 2), err)
        dates = set(RecipientEntry.objects.values_list("service_date", flat=True))
        self.assertEqual(dates, {date(YEAR, 3, 1), date(2025, 3, 1)})
        self.assertEqual(
            set(Person.objects.values_list("birth_date", flat=True)), {date(1990, 5, 15)}
        )

    def test_xlsx_numeric_nik_is_an_error_with_its_excel_row(self):
        r1 = row(1)
        cells = [HEADER, [int(r1["nik"]), r1["nama"], "L", "1990-05-15", DESA_A, "", "Y", "", ""]]
        path = write_xlsx(self.tmp / "angka.xlsx", cells, title="Judul")
        code, doc, _ = self.run_import(path)
        self.assertEqual((code, doc["ditolak"]), (1, 1))
        table = (
            CalamineWorkbook.from_path(doc["laporan_kesalahan"]).get_sheet_by_index(0).to_python()
        )
        self.assertEqual(table[1][0], 5)  # title rows 1–2, blank row 3, header row 4, data row 5
        self.assertIn("format kolom NIK sebagai Teks", table[1][table[0].index("kesalahan")])
