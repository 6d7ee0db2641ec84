"""The binary COPY payloads of the importer, decoded field by field and checked against the keys
of ``tuntas.penerima.crypto``."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from unittest import mock

from django.test import SimpleTestCase

from tuntas.penerima import crypto
from tuntas.penerima.copy_encoder import (
    COPY_HEADER,
    COPY_TRAILER,
    ENTRY_COPY_COLUMNS,
    PERSON_COPY_COLUMNS,
    STAGE_COLUMNS,
    CopyEncoder,
)
from tuntas.penerima.tests.helpers import TEST_KEY
from tuntas.penerima.validation import CheckedRow


def decode(payload: bytes, width: int) -> list[list[bytes | None]]:
    """The rows of a binary COPY payload, each a list of raw field values (None for NULL)."""
    assert payload.startswith(COPY_HEADER) and payload.endswith(COPY_TRAILER)
    at, end, rows = len(COPY_HEADER), len(payload) - len(COPY_TRAILER), []
    while at < end:
        count = int.from_bytes(payload[at : at + 2], "big")
        assert count == width, (count, width)
        at += 2
        fields: list[bytes | None] = []
        for _ in range(count):
            size = int.from_bytes(payload[at : at + 4], "big", signed=True)
            at += 4
            if size < 0:
                fields.append(None)
                continue
            fields.append(payload[at : at + size])
            at += size
        rows.append(fields)
    assert at == end
    return rows


def pg_date(raw: bytes | None) -> date | None:
    if raw is None:
        return None
    return date.fromordinal(date(2000, 1, 1).toordinal() + int.from_bytes(raw, "big", signed=True))


ROWS = [
    CheckedRow(2, "3275015505900002", "Siti Aminah", "P", date(1990, 5, 15), "32.75.01.1001",
               "Jl. Melati 1", True, date(2025, 3, 1), "Puskesmas Bekasi Jaya", ""),
    CheckedRow(3, "3275011505900001", "Budi", "L", date(1990, 5, 15), "32.75.01.1002", "",
               False, None, "", "pindah"),
]  # fmt: skip


class CopyEncoderTests(SimpleTestCase):
    def setUp(self) -> None:
        patcher = mock.patch.dict(os.environ, {crypto.ENV_KEY: TEST_KEY})
        patcher.start()
        self.addCleanup(patcher.stop)
        self.keys = crypto.data_keys()
        self.now = datetime(2025, 6, 1, 8, 30, 15, 123456, tzinfo=UTC)

    def encoder(self, **wanted: bool) -> CopyEncoder:
        return CopyEncoder(
            hash_key=self.keys.hash_key, aead=self.keys.aead, pemda="32.75",
            jpd="1.02.K06", year=2025, now_micros=CopyEncoder.now_micros(self.now),
            people=wanted.get("people", False), entries=wanted.get("entries", False),
            stage=wanted.get("stage", False),
        )  # fmt: skip

    def test_people_payload(self) -> None:
        count, stage, people, entries = self.encoder(people=True).encode(ROWS)
        self.assertEqual((count, stage, entries), (2, None, None))
        assert people is not None
        decoded = decode(people, len(PERSON_COPY_COLUMNS))
        by_hash = {bytes(r[1] or b""): r for r in decoded}
        # in NIK-hash order
        self.assertEqual([r[1] for r in decoded], sorted(r[1] or b"" for r in decoded))
        for row in ROWS:
            nik_hash = self.keys.nik_hash(row.nik)
            pemda, _, sealed, fingerprint, sex, born, village, created, updated = by_hash[nik_hash]
            self.assertEqual(pemda, b"32.75")
            assert sealed is not None
            identity = self.keys.open(nik_hash=nik_hash, blob=sealed)
            self.assertEqual((identity.nik, identity.name, identity.address),
                             (row.nik, row.name, row.address))  # fmt: skip
            assert row.birth_date is not None
            self.assertEqual(
                fingerprint,
                self.keys.fingerprint(row.nik, row.name, row.address, row.sex,
                                      row.birth_date.isoformat(), row.village_code),
            )  # fmt: skip
            self.assertEqual((sex, pg_date(born), village),
                             (row.sex.encode(), row.birth_date, row.village_code.encode()))  # fmt: skip
            micros = int.from_bytes(created or b"", "big", signed=True)
            self.assertEqual(micros, CopyEncoder.now_micros(self.now))
            self.assertEqual(created, updated)
        self.assertEqual(
            CopyEncoder.now_micros(datetime(2000, 1, 2, tzinfo=UTC)), 86_400 * 1_000_000
        )

    def test_entries_and_stage_payloads(self) -> None:
        count, stage, people, entries = self.encoder(entries=True, stage=True).encode(ROWS)
        self.assertEqual((count, people), (2, None))
        assert entries is not None and stage is not None
        first = {bytes(r[3] or b""): r for r in decode(entries, len(ENTRY_COPY_COLUMNS))}
        staged = {bytes(r[0] or b""): r for r in decode(stage, len(STAGE_COLUMNS))}
        for row in ROWS:
            nik_hash = self.keys.nik_hash(row.nik)
            pemda, jpd, year, _, village, served, service, unit, note = first[nik_hash]
            self.assertEqual((pemda, jpd, int.from_bytes(year or b"", "big")),
                             (b"32.75", b"1.02.K06", 2025))  # fmt: skip
            self.assertEqual((village, served, pg_date(service), unit),
                             (row.village_code.encode(), bytes([row.served]), row.service_date,
                              row.service_unit.encode()))  # fmt: skip
            # the note is sealed (it may say anything about the person) and opens again
            if row.note:
                assert note is not None
                self.assertNotIn(row.note.encode(), note)
                self.assertEqual(
                    self.keys.open_note(nik_hash=nik_hash, sealed=note.decode()), row.note
                )
                # the same note of the same person seals to the same text (no false changes)
                self.assertEqual(
                    note.decode(), self.keys.seal_note(nik_hash=nik_hash, note=row.note)
                )
                other = self.keys.nik_hash("3275011505900009")
                self.assertNotEqual(
                    note.decode(), self.keys.seal_note(nik_hash=other, note=row.note)
                )
            else:
                self.assertEqual(note, b"")
            # the staging row carries the person's values and the entry's
            self.assertEqual(staged[nik_hash][5:], [village, served, service, unit, note])
            sealed = staged[nik_hash][1]
            assert sealed is not None
            self.assertEqual(self.keys.open(nik_hash=nik_hash, blob=sealed).nik, row.nik)

    def test_each_seal_has_its_own_nonce(self) -> None:
        encoder = self.encoder(people=True)
        one = decode(encoder.encode(ROWS[:1])[2] or b"", len(PERSON_COPY_COLUMNS))[0][2]
        two = decode(encoder.encode(ROWS[:1])[2] or b"", len(PERSON_COPY_COLUMNS))[0][2]
        assert one is not None and two is not None
        self.assertNotEqual(one[: crypto.NONCE_BYTES], two[: crypto.NONCE_BYTES])
        self.assertNotEqual(one, two)
