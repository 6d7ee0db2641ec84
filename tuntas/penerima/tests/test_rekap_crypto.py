"""``tuntas rekap-penerima`` numbers, and the data key handling."""

from __future__ import annotations

import base64
import json
import os
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.test import SimpleTestCase, override_settings

from tuntas.penerima import crypto
from tuntas.penerima.tests.helpers import DESA_B, YEAR, PenerimaTestCase, nik, row
from tuntas.wilayah.models import Region


class RecapTests(PenerimaTestCase):
    def recap(self, *args: str, pemda: str = "32.75") -> str:
        out = StringIO()
        call_command("rekap-penerima", "--pemda", pemda, "--jpd", "1.02.K06", "--tahun",
                     str(YEAR), *args, stdout=out)  # fmt: skip
        return out.getvalue()

    def test_recap_counts_per_kecamatan(self):
        Region.objects.create(code="32.75.02", name="Bekasi Barat", level="kecamatan",
                              kind="kecamatan", parent_id="32.75")  # fmt: skip
        Region.objects.create(code="32.75.02.1002", name="Kranji", level="desa",
                              kind="kelurahan", parent_id="32.75.02")  # fmt: skip
        rows = [
            row(1), row(2, terlayani_sesuai_standar="T", tanggal_pelayanan=""), row(3),
            row(4, kode_desa="3275021002"), row(5, kode_desa="32.75.02.1002", terlayani_sesuai_standar="0"),
        ]  # fmt: skip
        self.assertEqual(self.run_import(self.write_csv(rows))[0], 0)
        tangsel = [row(9, nik=nik(9, region="367401"), kode_desa=DESA_B)]
        self.assertEqual(self.run_import(self.write_csv(tangsel), pemda="36.74")[0], 0)
        self.assertEqual(
            self.run_import(self.write_csv([row(7)]), year=YEAR - 1)[0], 1
        )  # 2024 service date
        doc = json.loads(self.recap("--json"))
        self.assertEqual(
            doc,
            {
                "sasaran": 5,
                "terlayani": 3,
                "per_kecamatan": [
                    {"kode": "32.75.01", "nama": "Bekasi Timur", "sasaran": 3, "terlayani": 2},
                    {"kode": "32.75.02", "nama": "Bekasi Barat", "sasaran": 2, "terlayani": 1},
                ],
            },
        )
        text = self.recap()
        self.assertIn("sasaran 5, terlayani 3", text)
        self.assertIn("32.75.02 Bekasi Barat: sasaran 2, terlayani 1", text)
        self.assertEqual(json.loads(self.recap("--json", pemda="36.74"))["sasaran"], 1)

    def test_recap_of_an_empty_list(self):
        doc = json.loads(self.recap("--json"))
        self.assertEqual(doc, {"sasaran": 0, "terlayani": 0, "per_kecamatan": []})

    def test_recap_of_an_unregistered_pemda_exits_2(self):
        with self.assertRaises(SystemExit) as caught, mock.patch("sys.stderr", new=StringIO()):
            self.recap("--json", pemda="32.01")
        self.assertEqual(caught.exception.code, 2)


class CryptoTests(SimpleTestCase):
    def setUp(self):
        import tempfile

        self._dir = tempfile.TemporaryDirectory()
        self.addCleanup(self._dir.cleanup)
        self.var = Path(self._dir.name)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TUNTAS_DATA_KEY")}
        patcher = mock.patch.dict(os.environ, env, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        settings_override = override_settings(VAR_DIR=self.var)
        settings_override.enable()
        self.addCleanup(settings_override.disable)

    def test_mask_nik(self):
        self.assertEqual(crypto.mask_nik("3275011234560001"), "327501******0001")

    def test_key_file_created_once_with_mode_0600(self):
        with self.assertRaisesRegex(crypto.DataKeyError, "tuntas init"):
            crypto.data_keys()
        path = crypto.data_key_ensure()
        self.assertEqual(path, self.var / "data_key")
        self.assertEqual(path.stat().st_mode & 0o777, 0o600)
        self.assertEqual(len(base64.b64decode(path.read_text().strip())), 32)
        self.assertIsNone(crypto.data_key_ensure())  # kept, never overwritten
        keys = crypto.data_keys()
        digest = keys.nik_hash("3275011234560001")
        blob = keys.seal(nik_hash=digest, nik="3275011234560001", name="Siti", address="")
        self.assertEqual(
            keys.open(nik_hash=digest, blob=blob),
            crypto.Identity("3275011234560001", "Siti", ""),
        )
        again = keys.seal(nik_hash=digest, nik="3275011234560001", name="Siti", address="")
        self.assertNotEqual(again, blob)  # a fresh nonce every time
        # Bound to its row: the same ciphertext under another NIK hash does not open.
        with self.assertRaisesRegex(crypto.DataKeyError, "kunci berbeda"):
            keys.open(nik_hash=keys.nik_hash("3275011234560002"), blob=blob)

    def test_environment_key_wins_and_subkeys_differ(self):
        key = base64.b64encode(b"k" * 32).decode()
        with mock.patch.dict(os.environ, {"TUNTAS_DATA_KEY": key}):
            self.assertIsNone(crypto.data_key_ensure())
            hashed = crypto.nik_hash("3275011234560001")
            self.assertEqual(len(hashed), 32)
            self.assertEqual(hashed, crypto.nik_hash("3275011234560001"))
            self.assertEqual(crypto.token_hash(crypto.nik_token("3275011234560001")), hashed)
            self.assertIsNone(crypto.token_hash("zz"))
            keys = crypto.data_keys()
            self.assertNotEqual(keys.fingerprint("3275011234560001"), hashed[:16])
            blob = keys.seal(nik_hash=hashed, nik="3275011234560001", name="A", address="B")
        self.assertFalse((self.var / "data_key").exists())
        other = base64.b64encode(b"x" * 32).decode()
        with mock.patch.dict(os.environ, {"TUNTAS_DATA_KEY": other}):
            self.assertNotEqual(crypto.nik_hash("3275011234560001"), hashed)
            with self.assertRaisesRegex(crypto.DataKeyError, "kunci berbeda"):
                crypto.data_keys().open(nik_hash=hashed, blob=blob)

    def test_key_file_from_environment_and_malformed_keys(self):
        custom = self.var / "lain" / "kunci"
        with mock.patch.dict(os.environ, {"TUNTAS_DATA_KEY_FILE": str(custom)}):
            self.assertEqual(crypto.data_key_ensure(), custom)
            crypto.data_keys()
        with mock.patch.dict(os.environ, {"TUNTAS_DATA_KEY": "pendek"}), \
                self.assertRaisesRegex(crypto.DataKeyError, "base64|32 bita"):  # fmt: skip
            crypto.data_keys()
