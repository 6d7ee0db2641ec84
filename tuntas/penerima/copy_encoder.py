"""Hash, encrypt and encode valid recipient rows as PostgreSQL binary ``COPY`` payloads.

No database: the importer's producer thread calls it for each chunk of valid rows. Each
value in a payload is framed as a 4-byte length and its bytes (PostgreSQL's binary COPY format),
so the server parses no text and nothing needs escaping.

Why it is kept (5 December 2026, this project's 2-core machine, 1,000,000 rows). Encoding and
COPY alone, one after the other (``benchmarks/infrastruktur.py`` (b), same hashing and sealing on
both sides, same stored rows): this encoder 11.3 s median, psycopg 3's ``copy.write_row()`` with
``set_types`` 10.6 s — the library is a little faster when nothing else runs. But in the
importer the encoding runs on the producer thread while the main thread's COPY waits on the
server, and ``write_row`` can only run on the thread holding the connection: with the importer
switched to ``write_row`` (rows hashed and sealed on the producer thread, dumped by psycopg on
the main thread), ``benchmarks/impor_penerima.py`` measured the CSV import at 15.9 s median,
1.49× the raw COPY; with this encoder, in the same hour, 12.7 s, 1.24×. Where it counts it wins
by a fifth, so it stays.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, date, datetime
from hashlib import blake2b
from operator import itemgetter
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tuntas.penerima.crypto import (
    FINGERPRINT_BYTES,
    NIK_HASH_BYTES,
    NIK_PERSON,
    NONCE_BYTES,
    SEPARATOR,
    VALUES_PERSON,
    note_seal,
)

PERSON_COPY_COLUMNS = (
    "pemda_id", "nik_hash", "identity_enc", "fingerprint", "sex", "birth_date", "village_code",
    "created_at", "updated_at",
)  # fmt: skip
ENTRY_COPY_COLUMNS = (
    "pemda_id", "jpd_id", "year", "nik_hash", "village_code", "served", "service_date",
    "service_unit", "note",
)  # fmt: skip
STAGE_COLUMNS = (
    "nik_hash", "identity_enc", "fingerprint", "sex", "birth_date", "village_code", "served",
    "service_date", "service_unit", "note",
)  # fmt: skip

# PostgreSQL binary COPY: a header, then per row the number of fields and each field as a 4-byte
# length (-1 for NULL) and its bytes, then a trailer.
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
COPY_TRAILER = b"\xff\xff"
PG_EPOCH_ORDINAL = date(2000, 1, 1).toordinal()
PG_EPOCH_TZ = datetime(2000, 1, 1, tzinfo=UTC)
NULL = b"\xff\xff\xff\xff"
EMPTY = bytes(4)
HASH_LENGTH = NIK_HASH_BYTES.to_bytes(4, "big")
FINGERPRINT_LENGTH = FINGERPRINT_BYTES.to_bytes(4, "big")
PERSON_FIELDS = len(PERSON_COPY_COLUMNS).to_bytes(2, "big")
ENTRY_FIELDS = len(ENTRY_COPY_COLUMNS).to_bytes(2, "big")
STAGE_FIELDS = len(STAGE_COLUMNS).to_bytes(2, "big")
TEXT_CACHE_SIZE = 100_000


class ValidRow(Protocol):
    """A valid row, cleaned (``tuntas.penerima.validation.CheckedRow`` without problems)."""

    nik: str
    name: str
    address: str
    village_code: str
    sex: str
    birth_date: date | None
    served: bool
    service_date: date | None
    service_unit: str
    note: str


Payloads = tuple[int, bytes | None, bytes | None, bytes | None]
"""(rows, stage, people, entries): the ``COPY`` payloads that were asked for, else None."""


def _text(value: str) -> bytes:
    data = value.encode()
    return len(data).to_bytes(4, "big") + data


class CopyEncoder:
    """Encodes batches of valid rows of one pemda × JPD × year. ``people`` and ``entries``: the
    payloads straight into ``Person`` and ``RecipientEntry`` (a first import); ``stage``: the
    payload of the staging table the importer upserts from."""

    def __init__(
        self,
        *,
        hash_key: bytes,
        aead: AESGCM,
        pemda: str,
        jpd: str,
        year: int,
        now_micros: int,
        people: bool,
        entries: bool,
        stage: bool,
    ) -> None:
        self.want_people, self.want_entries, self.want_stage = people, entries, stage
        self.encrypt = aead.encrypt
        self.aead, self.hash_key = aead, hash_key
        # Keyed BLAKE2b states with the key block already absorbed: copying one is cheaper than
        # keying a new hash for every value.
        self.nik_state = blake2b(key=hash_key, digest_size=NIK_HASH_BYTES, person=NIK_PERSON)
        self.values_state = blake2b(
            key=hash_key, digest_size=FINGERPRINT_BYTES, person=VALUES_PERSON
        )
        stamp = (8).to_bytes(4, "big") + now_micros.to_bytes(8, "big", signed=True)
        self.person_head = PERSON_FIELDS + _text(pemda)
        self.person_tail = stamp + stamp
        self.entry_head = (
            ENTRY_FIELDS
            + _text(pemda)
            + _text(jpd)
            + (2).to_bytes(4, "big")
            + (year.to_bytes(2, "big"))
        )
        self.days: dict[date, tuple[bytes, str]] = {}  # → (framed PG date, ISO text)
        self.villages: dict[str, bytes] = {}
        self.units: dict[str, bytes] = {}

    @staticmethod
    def now_micros(now: datetime) -> int:
        """A timestamp as PostgreSQL's binary ``timestamptz``: microseconds since 2000-01-01."""
        delta = now - PG_EPOCH_TZ
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds

    def _day(self, value: date) -> tuple[bytes, str]:
        known = self.days.get(value)
        if known is None:
            framed = b"\0\0\0\x04" + (value.toordinal() - PG_EPOCH_ORDINAL).to_bytes(
                4, "big", signed=True
            )
            known = self.days[value] = (framed, value.isoformat())
        return known

    @staticmethod
    def _framed(cache: dict[str, bytes], value: str) -> bytes:
        framed = cache.get(value)
        if framed is None:
            framed = _text(value)
            if len(cache) < TEXT_CACHE_SIZE:
                cache[value] = framed
        return framed

    def encode(self, rows: Sequence[ValidRow]) -> Payloads:
        """The payloads of one batch; rows in NIK-hash order, so that each batch walks the
        unique indexes once instead of jumping around."""
        nonces = os.urandom(NONCE_BYTES * len(rows))
        encrypt, nik_state, values_state = self.encrypt, self.nik_state, self.values_state
        day, framed, villages, units = self._day, self._framed, self.villages, self.units
        sep = SEPARATOR
        sealed_extra = NONCE_BYTES + 16  # the nonce and GCM's tag around the plaintext
        sexes = {"L": b"\0\0\0\x01L", "P": b"\0\0\0\x01P"}
        served_values = {True: b"\0\0\0\x01\x01", False: b"\0\0\0\x01\x00"}
        encoded: list[tuple[bytes, bytes, bytes, bytes, bytes, bytes]] = []
        append = encoded.append
        at = 0
        for r in rows:
            nik, name, address, village, sex = r.nik, r.name, r.address, r.village_code, r.sex
            born, service, unit, note = r.birth_date, r.service_date, r.service_unit, r.note
            assert born is not None  # valid rows have one
            h = nik_state.copy()
            h.update(nik.encode())
            nik_hash = h.digest()
            plain = f"{nik}{sep}{name}{sep}{address}".encode()
            born_framed, born_iso = day(born)
            h = values_state.copy()
            h.update(plain)
            h.update(f"{sep}{sex}{sep}{born_iso}{sep}{village}".encode())
            nonce = nonces[at : at + NONCE_BYTES]
            at += NONCE_BYTES
            village_b = villages.get(village) or framed(villages, village)
            append(
                (
                    nik_hash,
                    (len(plain) + sealed_extra).to_bytes(4, "big")
                    + nonce
                    + encrypt(nonce, plain, nik_hash),
                    h.digest(),
                    sexes[sex] + born_framed,
                    village_b,
                    served_values[r.served]
                    + (NULL if service is None else day(service)[0])
                    + (units.get(unit) or framed(units, unit))
                    + (
                        _text(note_seal(self.aead, self.hash_key, nik_hash, note))
                        if note
                        else EMPTY
                    ),
                )
            )
        encoded.sort(key=itemgetter(0))
        people: list[bytes] = [COPY_HEADER]
        entries: list[bytes] = [COPY_HEADER]
        stage: list[bytes] = [COPY_HEADER]
        want_people, want_entries, want_stage = self.want_people, self.want_entries, self.want_stage
        person_head, person_tail, entry_head = self.person_head, self.person_tail, self.entry_head
        for nik_hash, sealed, fingerprint, sex_born, village_b, rest in encoded:
            framed_hash = HASH_LENGTH + nik_hash
            if want_people:
                people += (
                    person_head, framed_hash, sealed, FINGERPRINT_LENGTH, fingerprint, sex_born,
                    village_b, person_tail,
                )  # fmt: skip
            if want_entries:
                entries += (entry_head, framed_hash, village_b, rest)
            if want_stage:
                stage += (
                    STAGE_FIELDS, framed_hash, sealed, FINGERPRINT_LENGTH, fingerprint, sex_born,
                    village_b, rest,
                )  # fmt: skip
        return (
            len(rows),
            b"".join(stage) + COPY_TRAILER if want_stage else None,
            b"".join(people) + COPY_TRAILER if want_people else None,
            b"".join(entries) + COPY_TRAILER if want_entries else None,
        )
