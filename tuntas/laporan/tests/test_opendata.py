"""Open data (/data/): only approved quarters, the exact stored numbers as the method shows
them, no personal data, no count of 1–4 people (nor its complement), metadata, filters, a fixed
number of queries."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any, ClassVar

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuntas.alur.models import ReportState
from tuntas.katalog.models import Jpd
from tuntas.laporan import opendata
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.services import pemda_register
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for, target_set
from tuntas.penerima.models import Person
from tuntas.penerima.services import recipients_import
from tuntas.penerima.tests.helpers import YEAR, PenerimaTestCase, csv_text, identity_of, row

K06, K07, K01 = "1.02.K06", "1.02.K07", "1.01.K01"
SECRET_NAME = "Siti Rahmawati Rahasia"
SECRET_NIK = "3275015505900001"
DATASETS = ("indeks", "jpd", "urusan")


def target(pemda: Pemda, code: str, sasaran: int, year: int = YEAR) -> None:
    target_set(pemda=pemda, jpd=Jpd.objects.get(code=code), year=year, sasaran=sasaran,
               reason="uji", expected_version=0, actor=None)  # fmt: skip


def entry(pemda: Pemda, code: str, tw: int, terlayani: int, year: int = YEAR, **extra: Any) -> None:
    jpd = Jpd.objects.get(code=code)
    items = mutu_items_for(jpd=jpd, year=year)
    entry_save(
        pemda=pemda, jpd=jpd, year=year, quarter=tw,
        data=EntryInput(terlayani=terlayani, mutu={i.pk: (10, 10) for i in items}, **extra),
        expected_version=0, actor=None,
    )  # fmt: skip


def state(pemda: Pemda, tw: int, status: str, year: int = YEAR) -> None:
    ReportState.objects.update_or_create(
        pemda=pemda, year=year, quarter=tw,
        defaults={"status": status, "approved_at": timezone.now(), "reason": SECRET_NAME},
    )  # fmt: skip


class OpenDataTests(PenerimaTestCase):
    bogor: ClassVar[Pemda]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a, b = cls.pemda_a, cls.pemda_b
        cls.bogor = pemda_register(code="32.01", is_demo=True)
        # Kota Bekasi: K07 4900 / 3570 → capaian penerima 72.85, nilai 78.28 (Tuntas Pratama)
        target(a, K07, 4900)
        for tw in (1, 2, 3):
            entry(a, K07, tw, 3570, pagu=Decimal("1500000"), realisasi=Decimal("1250000.50"),
                  permasalahan=f"Kader {SECRET_NAME} sakit", solusi=f"Hubungi {SECRET_NIK}")  # fmt: skip
        # K06: 2 served in TW1 (a small count), 10 in TW2: hidden in every quarter of the year
        target(a, K06, 100)
        entry(a, K06, 1, 2)
        entry(a, K06, 2, 10)
        # Tangerang Selatan: K07 belum terlayani 3 (100 − 97): its complement is hidden too;
        # K06 50 / 50 shown
        target(b, K07, 100)
        entry(b, K07, 2, 97)
        target(b, K06, 50)
        entry(b, K06, 2, 50)
        # Bogor (demo): education 100 / 100
        target(cls.bogor, K01, 100)
        entry(cls.bogor, K01, 2, 100)
        # approval: TW1 of Bekasi returned, TW2 accepted, TW3 compiled again after an unlock
        state(a, 1, "dikembalikan")
        state(a, 2, "diterima")
        state(a, 3, "disusun")
        state(b, 2, "disetujui")
        state(cls.bogor, 2, "dikirim")
        # the by-name registry of Bekasi K06, with a known name and NIK
        path = cls.tmp / "daftar.csv"
        path.write_text(csv_text([row(1, nama=SECRET_NAME, nik=SECRET_NIK), row(2)]), "utf-8")
        summary = recipients_import(pemda=a, jpd=cls.k06, year=YEAR, path=path)
        assert summary.written and summary.ditolak == 0, summary.problems

    # --- helpers -------------------------------------------------------------------------

    def get(self, url: str) -> tuple[int, str, Any]:
        response = self.client.get(url)
        body = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.streaming
            else response.content
        ).decode("utf-8")
        return response.status_code, body, response

    def csv_rows(self, dataset: str, query: str = "") -> list[dict[str, str]]:
        status, body, response = self.get(f"/data/{dataset}.csv{query}")
        self.assertEqual(status, 200, body)
        self.assertTrue(body.startswith("\ufeff"))  # UTF-8 BOM: Excel opens it as UTF-8
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        return list(csv.DictReader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))

    def json_doc(self, dataset: str, query: str = "") -> dict[str, Any]:
        status, body, _ = self.get(f"/data/{dataset}.json{query}")
        self.assertEqual(status, 200, body)
        return json.loads(body, parse_float=Decimal)

    # --- tests ---------------------------------------------------------------------------

    def test_only_approved_quarters_are_published(self):
        for dataset in DATASETS:
            with self.subTest(dataset=dataset):
                rows = self.json_doc(dataset)["data"]
                periods = {(r["kode_pemda"], r["tahun"], r["triwulan"]) for r in rows}
                self.assertIn(("32.75", YEAR, 2), periods)
                self.assertNotIn(("32.75", YEAR, 1), periods)  # dikembalikan
                self.assertNotIn(("32.75", YEAR, 3), periods)  # disusun after an unlock
                csv_periods = {(r["kode_pemda"], r["triwulan"]) for r in self.csv_rows(dataset)}
                self.assertEqual(csv_periods, {(p, str(q)) for p, _, q in periods})
        indeks = {r["kode_pemda"]: r for r in self.json_doc("indeks")["data"]}
        self.assertEqual(set(indeks), {"32.75", "36.74", "32.01"})
        self.assertEqual(indeks["36.74"]["status_laporan"], "disetujui")
        # a quarter is withdrawn when its report is returned
        state(self.pemda_b, 2, "dikembalikan")
        self.assertNotIn("36.74", {r["kode_pemda"] for r in self.json_doc("indeks")["data"]})
        self.assertEqual(opendata.APPROVED_STATUSES, {"disetujui", "dikirim", "diterima"})

    def test_the_exact_numbers_of_an_approved_quarter(self):
        indeks = {r["kode_pemda"]: r for r in self.json_doc("indeks", "?tahun=2025")["data"]}
        bekasi = indeks["32.75"]
        # K07 78.28 (0.8 × 72.857 + 0.2 × 100) and K06 28.00 (0.8 × 10 + 20): mean 53.14
        self.assertEqual(bekasi["indeks"], Decimal("53.14"))
        self.assertEqual(bekasi["kategori"], "Belum Tuntas")
        self.assertEqual(
            (bekasi["tingkat"], bekasi["provinsi"]), ("kabkota", "Provinsi Jawa Barat")
        )
        self.assertEqual(bekasi["status_laporan"], "diterima")
        self.assertTrue(bekasi["disetujui_pada"].endswith("+07:00"))  # WIB
        self.assertIs(bekasi["data_contoh"], False)
        jpd = {(r["kode_pemda"], r["kode_jpd"]): r for r in self.json_doc("jpd")["data"]}
        k07 = jpd[("32.75", K07)]
        self.assertEqual(k07["kategori"], "Tuntas Pratama")
        self.assertEqual((k07["sasaran"], k07["terlayani"]), (4900, 3570))
        self.assertEqual(k07["capaian_penerima"], Decimal("72.85"))
        self.assertEqual(k07["capaian_mutu"], Decimal("100.00"))
        self.assertEqual(k07["nilai"], Decimal("78.28"))
        self.assertEqual(k07["pagu"], Decimal("1500000.00"))
        self.assertEqual(k07["realisasi"], Decimal("1250000.50"))
        self.assertEqual(k07["urusan"], "Kesehatan")
        self.assertIs(k07["jumlah_disamarkan"], False)
        self.assertEqual(jpd[("36.74", K06)]["sasaran"], 50)
        # the CSV: the same numbers, decimal comma
        row_csv = next(r for r in self.csv_rows("jpd") if r["kode_jpd"] == K07
                       and r["kode_pemda"] == "32.75")  # fmt: skip
        self.assertEqual((row_csv["sasaran"], row_csv["nilai"]), ("4900", "78,28"))
        self.assertEqual(row_csv["realisasi"], "1250000,50")
        urusan = {(r["kode_pemda"], r["kode_urusan"]): r for r in self.json_doc("urusan")["data"]}
        self.assertEqual(urusan[("32.75", "1.02")]["nilai"], Decimal("53.14"))
        self.assertEqual(urusan[("32.01", "1.01")]["kategori"], "Tuntas Paripurna")
        self.assertNotIn(("32.75", "1.01"), urusan)  # no education entry in Bekasi

    def test_small_counts_and_their_complement_are_empty(self):
        jpd = {(r["kode_pemda"], r["kode_jpd"]): r for r in self.json_doc("jpd")["data"]}
        # Bekasi K06: 10 of 100 in TW2, but 2 in TW1 (not published): hidden all year
        k06 = jpd[("32.75", K06)]
        self.assertEqual((k06["sasaran"], k06["terlayani"]), (None, None))
        self.assertIs(k06["jumlah_disamarkan"], True)
        self.assertEqual(k06["capaian_penerima"], Decimal("10.00"))  # a ratio: no count
        # Tangerang Selatan K07: 97 of 100: the 3 not served cannot be worked out
        k07 = jpd[("36.74", K07)]
        self.assertEqual((k07["sasaran"], k07["terlayani"]), (None, None))
        rows = {(r["kode_pemda"], r["kode_jpd"]): r for r in self.csv_rows("jpd")}
        self.assertEqual(rows[("36.74", K07)]["sasaran"], "")
        self.assertEqual(rows[("36.74", K07)]["jumlah_disamarkan"], "ya")
        # no published count of people is from 1 to 4 anywhere
        for r in jpd.values():
            for key in ("sasaran", "terlayani"):
                self.assertNotIn(r[key], (1, 2, 3, 4), r)
            if r["sasaran"] is not None and r["terlayani"] is not None:
                self.assertNotIn(r["sasaran"] - r["terlayani"], (1, 2, 3, 4), r)
        definitions = {d["nama"]: d for d in self.json_doc("jpd")["metadata"]["definisi"]}
        self.assertIn("< 5 (disamarkan)", definitions["terlayani"]["keterangan"])

    def test_no_personal_data_nor_free_text_in_any_dataset(self):
        identities = [identity_of(p) for p in Person.objects.filter(pemda=self.pemda_a)]
        self.assertIn(SECRET_NAME, repr(identities))  # the registry holds the known name
        forbidden = (SECRET_NAME, SECRET_NIK, SECRET_NIK[:12], "Warga Uji", "Jl. Uji", "Kader",
                     "Hubungi", "Puskesmas Bekasijaya")  # fmt: skip
        for dataset in DATASETS:
            for url in (f"/data/{dataset}.csv", f"/data/{dataset}.json",
                        f"/data/{dataset}/metadata.json"):  # fmt: skip
                status, body, _ = self.get(url)
                self.assertEqual(status, 200)
                for text in forbidden:
                    with self.subTest(url=url, text=text):
                        self.assertNotIn(text.lower(), body.lower())
            columns = [d["nama"] for d in self.json_doc(dataset)["metadata"]["definisi"]]
            for column in columns:  # no column for a person: only pemda, JPD and urusan names
                self.assertNotRegex(column, r"nik|alamat|penerima_nama|^nama$|permasalahan|solusi")
        status, body, _ = self.get("/data/")
        self.assertNotIn(SECRET_NAME, body)

    def test_json_metadata_in_satu_data_style(self):
        doc = self.json_doc("indeks")
        meta = doc["metadata"]
        for key in ("judul", "produsen_data", "periode", "lisensi", "tanggal_pembaruan",
                    "definisi", "catatan"):  # fmt: skip
            self.assertIn(key, meta)
        self.assertEqual(meta["lisensi"]["nama"], "CC BY 4.0")
        self.assertEqual(meta["produsen_data"], "Tuntas / pemerintah daerah masing-masing")
        self.assertEqual(meta["periode"], f"TW2 {YEAR}")
        names = [d["nama"] for d in meta["definisi"]]
        self.assertEqual(names, list(doc["data"][0]))  # every column defined, in order
        for d in meta["definisi"]:
            self.assertEqual(set(d), {"nama", "tipe", "satuan", "keterangan"})
        self.assertTrue(meta["data_contoh"])  # Bogor is a demo pemda
        self.assertTrue(any("DATA CONTOH" in note for note in meta["catatan"]))
        self.assertIs({r["kode_pemda"]: r for r in doc["data"]}["32.01"]["data_contoh"], True)
        alone = self.json_doc("indeks", "?pemda=32.75")
        self.assertFalse(alone["metadata"]["data_contoh"])
        status, body, _ = self.get("/data/jpd/metadata.json?provinsi=36")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["filter"], {"provinsi": "36"})

    def test_filters(self):
        self.assertEqual({r["kode_pemda"] for r in self.csv_rows("indeks", "?provinsi=32")},
                         {"32.75", "32.01"})  # fmt: skip
        self.assertEqual({r["kode_pemda"] for r in self.csv_rows("indeks", "?pemda=3674")},
                         {"36.74"})  # fmt: skip
        self.assertEqual(self.csv_rows("indeks", "?triwulan=1"), [])
        self.assertEqual(self.json_doc("jpd", "?tahun=2024")["data"], [])

    def test_a_bad_filter_is_400_in_indonesian(self):
        cases = {
            "?tahun=abc": "tahun", "?tahun=1990": "tahun", "?tahun=99999999999999999999": "tahun",
            "?triwulan=5": "triwulan", "?triwulan=-1": "triwulan",
            "?pemda=32.75'%20OR%201=1": "pemda", "?pemda=ab": "pemda", "?provinsi=3": "provinsi",
        }  # fmt: skip
        for query, name in cases.items():
            for url in (f"/data/indeks.csv{query}", f"/data/jpd.json{query}",
                        f"/data/urusan/metadata.json{query}"):  # fmt: skip
                with self.subTest(url=url):
                    status, body, _ = self.get(url)
                    self.assertEqual(status, 400)
                    self.assertIn(
                        f"Filter {name}", body if "csv" in url else json.loads(body)["galat"]
                    )
        status, _, _ = self.get("/data/tidak-ada.csv")
        self.assertEqual(status, 404)

    def test_a_fixed_number_of_queries_whatever_the_rows(self):
        def cost(url: str) -> int:
            with CaptureQueriesContext(connection) as queries:
                status, _, _ = self.get(url)
            self.assertEqual(status, 200)
            return len(queries.captured_queries)

        before = {d: cost(f"/data/{d}.json") for d in DATASETS}
        for code in ("32.75", "36.74"):
            pemda = Pemda.objects.get(code=code)
            for jpd in ("1.01.K01", "1.01.K02", "1.02.K01", "1.02.K02"):
                target(pemda, jpd, 1000, year=YEAR - 1)
                entry(pemda, jpd, 4, 800, year=YEAR - 1)
            state(pemda, 4, "diterima", year=YEAR - 1)
        after = {d: cost(f"/data/{d}.json") for d in DATASETS}
        self.assertEqual(before, after)
        with self.assertNumQueries(5):  # states, methods, JPD, suppressed, entries
            self.get("/data/jpd.csv")
        self.assertGreater(len(self.json_doc("jpd")["data"]), 10)

    def test_cache_headers_and_etag(self):
        _, _, response = self.get("/data/indeks.csv")
        self.assertIn("public", response["Cache-Control"])
        self.assertIn("max-age=300", response["Cache-Control"])
        etag = response["ETag"]
        again = self.client.get("/data/indeks.csv", headers={"If-None-Match": etag})
        self.assertEqual(again.status_code, 304)
        state(self.pemda_b, 2, "dikembalikan")  # the data changed: a new tag
        changed = self.client.get("/data/indeks.csv", headers={"If-None-Match": etag})
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], etag)

    def test_catalogue_page(self):
        status, body, response = self.get("/data/")
        self.assertEqual(status, 200)
        self.assertIn("CC BY 4.0", body)
        self.assertIn("Tuntas / pemerintah daerah masing-masing", body)
        self.assertIn(f"Triwulan 2 {YEAR}", body)
        self.assertNotIn(f"Triwulan 1 {YEAR}", body)
        for d in DATASETS:
            self.assertIn(f'href="/data/{d}.csv"', body)
        self.assertIn('data-testid="data-contoh"', body)
        self.assertIn("public", response["Cache-Control"])
        self.assertEqual(self.client.post("/data/").status_code, 405)
        # linked from every page's footer
        self.assertIn('href="/data/"', self.client.get("/metode/").content.decode())


def test_the_fast_decimal_comma_is_the_csv_format_of_every_download():
    from tuntas.core.formatting import percent_cell

    for text in ("78.28", "100.00", "0.5", "1250000.50", "1500000.00", "97.935", "0", "12"):
        assert opendata.decimal_comma(Decimal(text)) == percent_cell(Decimal(text)), text
