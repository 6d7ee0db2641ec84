"""The quarterly entry through the API (``GET``/``PUT /api/pemda/{kode}/isian/{tahun}/{tw}/
{kode_jpd}``): the form's rules through the same services — who may write, targets with their
reason, lost updates, the workflow's lock, all or nothing, bounds — and the OpenAPI schema."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.test import Client

from tuntas.alur.models import JpdState, ReportState
from tuntas.api.services import api_token_create
from tuntas.core.models import AuditEvent
from tuntas.katalog.models import Jpd, MutuItem
from tuntas.pendataan.models import (
    AnnualTarget,
    MutuEntry,
    QuarterEntry,
    QuarterResult,
    TargetRevision,
)
from tuntas.pendataan.services import EntryInput, entry_save, mutu_items_for, target_set
from tuntas.perhitungan.batas import COUNT_MAX, RUPIAH_WHOLE_MAX
from tuntas.testing import PersonaTestCase

YEAR, TW = 2025, 2
LANSIA = "1.02.K07"  # Dinas Kesehatan
PAUD = "1.01.K01"  # Dinas Pendidikan
WRITERS = ("operator_kes", "verifikator_kes", "verifikator_tim", "admin_a")
READ_ONLY = ("operator_dik", "pimpinan_a", "provinsi_jabar", "pusat")
OUTSIDERS = ("outsider", "admin_b", "nobody")
ANSWER_KEYS = {
    "kode_pemda", "tahun", "tw", "kode_jpd", "nama_jpd", "sasaran", "terlayani",
    "penjelasan_melebihi_sasaran", "mutu", "pagu", "realisasi", "penjelasan_melebihi_pagu",
    "permasalahan", "solusi", "versi", "capaian_penerima", "capaian_mutu", "nilai", "kategori",
    "kategori_nama", "lengkap", "metode",
}  # fmt: skip


def url(jpd: str = LANSIA, *, pemda: str = "32.75", year: int | str = YEAR, tw: int = TW) -> str:
    return f"/api/pemda/{pemda}/isian/{year}/{tw}/{jpd}"


class IsianApiTestCase(PersonaTestCase):
    lansia: ClassVar[Jpd]
    items: ClassVar[list[MutuItem]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.lansia = Jpd.objects.get(code=LANSIA)
        cls.items = mutu_items_for(jpd=cls.lansia, year=YEAR)

    def body(self, *, needed: int | None = 10, available: int | None = 9, **over: Any) -> dict:
        """A whole entry as a sector system sends it: 3,570 served, every mutu item 9 of 10."""
        return {
            "terlayani": 3570,
            "mutu": [
                {"kode": i.code, "dibutuhkan": needed, "tersedia": available} for i in self.items
            ],
            "pagu": None,
            "realisasi": None,
            "permasalahan": "",
            "solusi": "",
            "versi": 0,
            **over,
        }

    def put(self, body: dict, target: str = "", client: Client | None = None, **headers: str):
        return (client or self.client).put(
            target or url(), body, content_type="application/json", headers=headers
        )

    def set_target(self, sasaran: int = 4900) -> None:
        target_set(
            pemda=self.pemda_a, jpd=self.lansia, year=YEAR, sasaran=sasaran, reason="",
            expected_version=0, actor=None,
        )  # fmt: skip

    def stored(self, quarter: int = TW) -> QuarterEntry | None:
        return QuarterEntry.objects.filter(
            pemda=self.pemda_a, jpd=self.lansia, year=YEAR, quarter=quarter
        ).first()

    def snapshot(self) -> tuple:
        """Everything a refused PUT must leave as it was."""
        return (
            list(AnnualTarget.objects.values_list("jpd_id", "year", "sasaran", "version")),
            list(TargetRevision.objects.values_list("old_value", "new_value")),
            list(QuarterEntry.objects.values_list("jpd_id", "quarter", "terlayani", "version")),
            list(MutuEntry.objects.values_list("item_id", "dibutuhkan", "tersedia")),
            list(QuarterResult.objects.values_list("quarter", "nilai", "jpd_complete")),
            AuditEvent.objects.count(),
        )


class IsianReadTests(IsianApiTestCase):
    def test_an_entry_not_yet_made(self):
        self.login("pimpinan_a")
        response = self.client.get(url())
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(set(data), ANSWER_KEYS)
        self.assertEqual(
            {k: data[k] for k in ("kode_pemda", "tahun", "tw", "kode_jpd", "versi", "metode")},
            {"kode_pemda": "32.75", "tahun": YEAR, "tw": TW, "kode_jpd": LANSIA, "versi": 0,
             "metode": "ipspm-2021"},
        )  # fmt: skip
        for key in ("sasaran", "terlayani", "pagu", "realisasi", "nilai", "capaian_penerima"):
            self.assertIsNone(data[key], key)
        self.assertEqual((data["kategori"], data["lengkap"]), ("", False))
        self.assertEqual([m["kode"] for m in data["mutu"]], [i.code for i in self.items])
        self.assertEqual(
            data["mutu"][0],
            {"kode": "B01", "nama": self.items[0].name, "dibutuhkan": None, "tersedia": None},
        )

    def test_a_stored_entry_with_its_results_at_the_methods_precision(self):
        self.set_target()
        entry_save(
            pemda=self.pemda_a, jpd=self.lansia, year=YEAR, quarter=TW,
            data=EntryInput(
                terlayani=3570, mutu={i.pk: (10, 9) for i in self.items},
                pagu=Decimal("1250000"), realisasi=Decimal("900000.50"),
                permasalahan="Stok strip kurang", solusi="Pengadaan TW3",
            ),
            expected_version=0, actor=None,
        )  # fmt: skip
        self.login("provinsi_jabar")
        data = self.client.get(url()).json()
        self.assertEqual(
            {k: data[k] for k in ANSWER_KEYS - {"mutu", "nama_jpd"}},
            {
                "kode_pemda": "32.75", "tahun": YEAR, "tw": TW, "kode_jpd": LANSIA,
                "sasaran": 4900, "terlayani": 3570, "penjelasan_melebihi_sasaran": "",
                "pagu": 1250000, "realisasi": "900000.50", "penjelasan_melebihi_pagu": "",
                "permasalahan": "Stok strip kurang", "solusi": "Pengadaan TW3", "versi": 1,
                # stored 72.857142, 90, 76.285714: shown truncated to two decimals
                "capaian_penerima": 72.85, "capaian_mutu": 90.0, "nilai": 76.28,
                "kategori": "pratama", "kategori_nama": "Tuntas Pratama", "lengkap": True,
                "metode": "ipspm-2021",
            },
        )  # fmt: skip
        self.assertEqual(
            {(m["kode"], m["dibutuhkan"], m["tersedia"]) for m in data["mutu"]},
            {(i.code, 10, 9) for i in self.items},
        )

    def test_unknown_period_or_jpd_is_404(self):
        self.login("admin_a")
        for target in (
            url("9.99.K99"),
            url("1.02.P01"),  # a provincial JPD, for a kab/kota
            url(year=1990),
            url(year="9" * 25),
            url(tw=5),
            url(tw=0),
        ):
            for method in ("get", "put"):
                with self.subTest(url=target, method=method):
                    if method == "get":
                        response = self.client.get(target)
                    else:
                        response = self.put(self.body(), target)
                    self.assertEqual(response.status_code, 404)
                    self.assertTrue(response.json()["detail"].startswith("Tidak ditemukan"))
        self.assertEqual(self.client.get(url(year="dua-ribu")).status_code, 422)
        self.assertFalse(QuarterEntry.objects.exists())

    def test_a_lower_case_jpd_code_is_the_same_jpd(self):
        self.login("admin_a")
        self.assertEqual(self.client.get(url(LANSIA.lower())).json()["kode_jpd"], LANSIA)


class IsianWriteTests(IsianApiTestCase):
    def test_put_stores_and_computes_what_the_form_does(self):
        """The same numbers through the form (TW2) and through the API (TW3): the same stored
        values and results, and the API's answer is what is stored."""
        self.set_target()
        self.login("operator_kes")
        form = {"version": 0, "terlayani": "3.570", "pagu": "1.250.000", "realisasi": "900000"}
        for item in self.items:
            form[f"mutu_{item.pk}_dibutuhkan"] = "10"
            form[f"mutu_{item.pk}_tersedia"] = "9"
        self.assertEqual(
            self.client.post(f"/pemda/32.75/isian/{YEAR}/2/{LANSIA}/", form).status_code, 302
        )
        response = self.put(self.body(pagu="1250000", realisasi=900000), url(tw=3))
        self.assertEqual(response.status_code, 200, response.content)
        by_form, by_api = self.stored(2), self.stored(3)
        assert by_form is not None and by_api is not None
        columns = ("terlayani", "pagu", "realisasi", "capaian_penerima", "capaian_mutu", "nilai",
                   "kategori", "is_complete", "version", "updated_by_id")  # fmt: skip
        self.assertEqual(
            [getattr(by_api, c) for c in columns], [getattr(by_form, c) for c in columns]
        )
        self.assertEqual(by_api.nilai, Decimal("76.285714"))
        mutu = {
            q: sorted(MutuEntry.objects.filter(entry=e).values_list("item_id", "dibutuhkan", "tersedia"))
            for q, e in ((2, by_form), (3, by_api))
        }  # fmt: skip
        self.assertEqual(mutu[3], mutu[2])
        results = {
            r.quarter: (r.nilai, r.kategori, r.urusan, r.jpd_complete)
            for r in QuarterResult.objects.filter(pemda=self.pemda_a, year=YEAR)
        }
        self.assertEqual(results[3], results[2])
        data = response.json()
        self.assertEqual(data, self.client.get(url(tw=3)).json())
        self.assertEqual((data["versi"], data["nilai"], data["kategori"]), (1, 76.28, "pratama"))
        self.assertEqual((data["pagu"], data["realisasi"]), (1250000, 900000))

    def test_every_put_is_audited_with_its_changes(self):
        self.set_target()
        user = self.login("operator_kes")
        self.assertEqual(self.put(self.body()).status_code, 200)
        body = self.body(terlayani=3600, versi=1)
        body["mutu"][0]["tersedia"] = 10
        self.assertEqual(self.put(body).status_code, 200)
        self.assertEqual(self.put({**body, "versi": 2}).status_code, 200)  # nothing changed
        events = list(AuditEvent.objects.filter(action="isian.simpan").order_by("id"))
        self.assertEqual(len(events), 3)
        self.assertEqual({e.actor_id for e in events}, {user.pk})
        self.assertEqual({e.object_id for e in events}, {f"32.75/{YEAR}/TW{TW}/{LANSIA}"})
        self.assertEqual(
            events[1].data["perubahan"],
            [
                {"kolom": "terlayani", "lama": 3570, "baru": 3600},
                {"kolom": "mutu:B01:tersedia", "lama": 9, "baru": 10},
            ],
        )
        self.assertEqual(events[2].data, {"perubahan": [], "versi": 3})

    def test_the_first_target_needs_no_reason_a_change_does(self):
        self.login("operator_kes")
        response = self.put(self.body(sasaran=4900))
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["sasaran"], response.json()["nilai"]), (4900, 76.28))
        self.assertTrue(AuditEvent.objects.filter(action="sasaran.tetapkan").exists())
        # a change without a reason: refused, and the entry sent with it is not stored either
        before = self.snapshot()
        response = self.put(self.body(sasaran=3570, terlayani=3000, versi=1))
        self.assertEqual(response.status_code, 422)
        galat = response.json()["galat"]
        self.assertEqual(galat[0]["lokasi"], ["body", "isian", "alasan_sasaran"])
        self.assertIn("alasan", galat[0]["pesan"])
        self.assertIn("alasan_sasaran:", response.json()["detail"])
        self.assertEqual(self.snapshot(), before)
        # the same target again needs no reason (nothing changes)
        self.assertEqual(self.put(self.body(sasaran=4900, versi=1)).status_code, 200)
        self.assertFalse(TargetRevision.objects.exists())
        # with a reason: kept as a revision, every result recomputed
        response = self.put(self.body(sasaran=3570, alasan_sasaran="Data riil Dukcapil", versi=2))
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            (response.json()["sasaran"], response.json()["capaian_penerima"]), (3570, 100.0)
        )
        revision = TargetRevision.objects.get()
        self.assertEqual(
            (revision.old_value, revision.new_value, revision.reason),
            (4900, 3570, "Data riil Dukcapil"),
        )
        self.assertTrue(AuditEvent.objects.filter(action="sasaran.ubah").exists())

    def test_a_stale_version_is_409_with_the_current_one(self):
        self.set_target()
        self.login("operator_kes")
        self.assertEqual(self.put(self.body(terlayani=3000)).status_code, 200)
        before = self.snapshot()
        self.login("verifikator_kes")  # opened it at version 0 too
        response = self.put(self.body(terlayani=3570, sasaran=5000, alasan_sasaran="baru"))
        self.assertEqual(response.status_code, 409)
        self.assertEqual(
            response.json(),
            {
                "detail": "Data ini sudah diubah oleh pengguna lain setelah Anda membukanya. "
                "Periksa kedua nilai lalu simpan kembali.",
                "versi": 1,
            },
        )
        self.assertEqual(self.snapshot(), before)  # the target change rolled back too
        # with the current version, it replaces what is stored
        self.assertEqual(self.put(self.body(terlayani=3570, versi=1)).status_code, 200)
        self.assertEqual(self.stored().terlayani, 3570)

    def test_all_or_nothing(self):
        self.set_target()
        self.login("operator_kes")
        self.assertEqual(self.put(self.body()).status_code, 200)
        before = self.snapshot()
        # an unknown mutu code, named
        body = self.body(sasaran=5000, alasan_sasaran="revisi", terlayani=10, versi=1)
        body["mutu"].append({"kode": "X99", "dibutuhkan": 1, "tersedia": 1})
        response = self.put(body)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["galat"][0]["lokasi"], ["body", "isian", "mutu", "X99"])
        self.assertIn("X99", response.json()["detail"])
        self.assertEqual(self.snapshot(), before)
        # the target is accepted by target_set, then the entry is refused (served above the new
        # target without an explanation): the new target is rolled back with it
        response = self.put(self.body(sasaran=3000, alasan_sasaran="revisi", versi=1))
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json()["galat"][0]["lokasi"], ["body", "isian", "penjelasan_melebihi_sasaran"]
        )
        self.assertEqual(self.snapshot(), before)
        target = AnnualTarget.objects.get()
        self.assertEqual((target.sasaran, target.version), (4900, 1))
        # with the explanation both are stored
        response = self.put(
            self.body(
                sasaran=3000, alasan_sasaran="revisi", versi=1,
                penjelasan_melebihi_sasaran="Termasuk lansia dari luar kota",
            )
        )  # fmt: skip
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(AnnualTarget.objects.get().sasaran, 3000)

    def test_mutu_by_code_items_not_sent_keep_their_values(self):
        self.set_target()
        self.login("operator_kes")
        self.assertEqual(self.put(self.body()).status_code, 200)
        response = self.put(
            self.body(versi=1, mutu=[{"kode": "b01", "dibutuhkan": 20, "tersedia": 5}])
        )
        self.assertEqual(response.status_code, 200, response.content)
        values = {m["kode"]: (m["dibutuhkan"], m["tersedia"]) for m in response.json()["mutu"]}
        self.assertEqual(values["B01"], (20, 5))
        self.assertEqual(values["S06"], (10, 9))
        # an item sent with nulls is cleared: the entry is no longer complete
        response = self.put(
            self.body(versi=2, mutu=[{"kode": "B02", "dibutuhkan": None, "tersedia": None}])
        )
        self.assertEqual(response.json()["mutu"][1]["tersedia"], None)
        self.assertEqual((response.json()["lengkap"], response.json()["nilai"]), (False, None))
        before = self.snapshot()
        twice = [{"kode": "B01", "dibutuhkan": 1, "tersedia": 1}] * 2
        response = self.put(self.body(versi=3, mutu=twice))
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["galat"][0]["lokasi"], ["body", "isian", "mutu", "B01"])
        self.assertEqual(self.snapshot(), before)

    def test_bad_values_are_named_and_nothing_is_stored(self):
        self.set_target()
        self.login("operator_kes")
        before = self.snapshot()
        cases = {
            "pagu": ({"pagu": "1.250.000"}, "angka saja"),
            "realisasi": ({"realisasi": 12.5}, "rupiah utuh"),
            "pagu ": ({"pagu": -1}, "terlalu kecil"),
            "pagu  ": ({"pagu": RUPIAH_WHOLE_MAX + 1}, "terlalu besar (paling banyak 9.999"),
            "pagu   ": ({"pagu": "9" * 5000}, "terlalu besar"),
            "terlayani": ({"terlayani": "3570"}, "harus bilangan bulat"),
            "terlayani ": ({"terlayani": COUNT_MAX + 1}, "terlalu besar"),
            "terlayani  ": ({"terlayani": True}, "harus bilangan bulat"),
            "sasaran": ({"sasaran": -5}, "terlalu kecil"),
            "tambahan": ({"tambahan": 1}, "kolom tidak dikenal"),
        }
        for name, (over, message) in cases.items():
            field = name.strip()
            with self.subTest(field=field, value=over):
                response = self.put(self.body(**over))
                self.assertEqual(response.status_code, 422)
                galat = response.json()["galat"]
                self.assertEqual(galat[0]["lokasi"], ["body", "isian", field])
                self.assertIn(message, galat[0]["pesan"])
                self.assertIn(f"isian.{field}:", response.json()["detail"])
        missing = self.body()
        del missing["terlayani"]
        response = self.put(missing)
        self.assertEqual(response.json()["galat"][0]["pesan"], "wajib diisi")
        mutu = self.body()
        mutu["mutu"][2]["tersedia"] = -1
        response = self.put(mutu)
        self.assertEqual(
            response.json()["galat"][0]["lokasi"], ["body", "isian", "mutu", 2, "tersedia"]
        )
        self.assertEqual(self.put(self.body(pagu="1250000")).status_code, 200)  # digits: fine
        after = self.snapshot()
        self.assertEqual(after[2], [(LANSIA, TW, 3570, 1)])
        self.assertEqual(before[0], after[0])

    def test_realisasi_above_pagu_needs_an_explanation(self):
        self.set_target()
        self.login("operator_kes")
        response = self.put(self.body(pagu=1000, realisasi=2000))
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json()["galat"][0]["lokasi"], ["body", "isian", "penjelasan_melebihi_pagu"]
        )
        self.assertIsNone(self.stored())
        response = self.put(
            self.body(pagu=1000, realisasi=2000, penjelasan_melebihi_pagu="Tambahan APBD-P")
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["penjelasan_melebihi_pagu"], "Tambahan APBD-P")

    def test_an_empty_first_entry_is_not_stored(self):
        self.login("operator_kes")
        empty = self.body(terlayani=None, needed=None, available=None)
        response = self.put(empty)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["galat"][0]["lokasi"], ["body", "isian"])
        self.assertIsNone(self.stored())


class IsianLockTests(IsianApiTestCase):
    def test_a_submitted_jpd_is_locked(self):
        self.set_target()
        self.login("operator_kes")
        self.assertEqual(self.put(self.body()).status_code, 200)
        JpdState.objects.create(
            pemda=self.pemda_a, jpd=self.lansia, year=YEAR, quarter=TW, status="diajukan"
        )
        before = self.snapshot()
        response = self.put(self.body(terlayani=4000, versi=1))
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["versi"], 1)
        self.assertIn(
            f"JPD {LANSIA} TW{TW} {YEAR} sudah diajukan dan terkunci", response.json()["detail"]
        )
        # the target too: every quarter of the year is computed with it
        response = self.put(self.body(sasaran=5000, alasan_sasaran="revisi", versi=1))
        self.assertEqual(response.status_code, 409)
        self.assertIn("Sasaran tahunan dipakai di setiap triwulan", response.json()["detail"])
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.stored().terlayani, 3570)
        # another quarter of the same JPD is not locked
        self.assertEqual(self.put(self.body(), url(tw=3)).status_code, 200)

    def test_an_approved_report_locks_every_jpd(self):
        self.set_target()
        ReportState.objects.update_or_create(  # the target's lock check made the row
            pemda=self.pemda_a, year=YEAR, quarter=TW, defaults={"status": "disetujui"}
        )
        self.login("admin_a")
        response = self.put(self.body())
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["versi"], 0)
        self.assertIn("semua isiannya terkunci", response.json()["detail"])
        self.assertIsNone(self.stored())


class IsianAccessTests(IsianApiTestCase):
    def test_each_persona(self):
        self.set_target()
        expected = {**dict.fromkeys(WRITERS, 200), **dict.fromkeys(READ_ONLY, 403),
                    **dict.fromkeys(OUTSIDERS, 404)}  # fmt: skip
        for persona, status in expected.items():
            with self.subTest(persona=persona):
                self.login(persona)
                current = self.stored()
                response = self.put(self.body(versi=current.version if current else 0))
                self.assertEqual(response.status_code, status, response.content)
                reading = self.client.get(url()).status_code
                self.assertEqual(reading, 404 if persona in OUTSIDERS else 200)
                if status == 403:
                    self.assertEqual(
                        response.json(), {"detail": "Peran Anda hanya dapat membaca data ini."}
                    )
        self.assertEqual(self.stored().version, len(WRITERS))
        self.client.logout()
        for method in ("get", "put"):
            with self.subTest(anonymous=method):
                response = self.client.get(url()) if method == "get" else self.put(self.body())
                self.assertEqual(response.status_code, 401)
                self.assertTrue(response.json()["detail"].startswith("Belum masuk"))

    def test_the_operator_of_another_opd_is_refused(self):
        self.login("operator_kes")
        response = self.put(self.body(terlayani=5, mutu=[], sasaran=10), url(PAUD))
        self.assertEqual(response.status_code, 403)
        self.login("operator_dik")
        response = self.put(self.body(terlayani=5, mutu=[], sasaran=10), url(PAUD))
        self.assertEqual(response.status_code, 200, response.content)

    def test_csrf_for_the_session_not_for_a_token(self):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.users["operator_kes"])
        # without the token: refused, in Indonesian, nothing stored
        response = self.put(self.body(sasaran=4900), client=browser)
        self.assertEqual(response.status_code, 403)
        self.assertIn("X-CSRFToken", response.json()["detail"])
        self.assertFalse(AnnualTarget.objects.exists())
        browser.get(f"/pemda/32.75/isian/{YEAR}/{TW}/{LANSIA}/")  # the form sets the cookie
        token = browser.cookies["csrftoken"].value
        response = self.put(self.body(sasaran=4900), client=browser, X_CSRFToken=token)
        self.assertEqual(response.status_code, 200, response.content)
        # a bearer token needs none
        _, plaintext = api_token_create(user=self.users["verifikator_kes"], label="simpus")
        machine = Client(enforce_csrf_checks=True)
        response = self.put(
            self.body(terlayani=3600, versi=1), client=machine, Authorization=f"Bearer {plaintext}"
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(self.stored().updated_by, self.users["verifikator_kes"])
        # and nobody signed in is 401, not a CSRF refusal
        self.assertEqual(
            self.put(self.body(versi=2), client=Client(enforce_csrf_checks=True)).status_code, 401
        )


class IsianOpenApiTests(PersonaTestCase):
    def test_the_schema_lists_the_put_with_its_body_and_answers(self):
        schema = self.client.get("/api/openapi.json").json()
        path = schema["paths"]["/api/pemda/{kode}/isian/{tahun}/{tw}/{kode_jpd}"]
        self.assertEqual(set(path), {"get", "put"})
        put = path["put"]
        self.assertEqual(put["summary"], "Simpan isian triwulan satu JPD")
        self.assertIn("semuanya atau tidak sama sekali", put["description"])
        self.assertEqual(set(put["responses"]), {"200", "401", "403", "404", "409", "422"})
        self.assertEqual(
            put["responses"]["409"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/GalatKonflik",
        )
        ref = put["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        self.assertEqual(
            set(body["properties"]),
            {"sasaran", "alasan_sasaran", "terlayani", "penjelasan_melebihi_sasaran", "mutu",
             "pagu", "realisasi", "penjelasan_melebihi_pagu", "permasalahan", "solusi", "versi"},
        )  # fmt: skip
        self.assertEqual(
            set(body["required"]),
            {"terlayani", "mutu", "pagu", "realisasi", "permasalahan", "solusi", "versi"},
        )
        answer = path["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        self.assertEqual(
            set(schema["components"]["schemas"][answer.rsplit("/", 1)[-1]]["properties"]),
            ANSWER_KEYS,
        )
        self.assertIn("menyimpan isian triwulan", schema["info"]["description"])
