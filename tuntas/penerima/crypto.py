"""Personal data at rest: a person's NIK, name and address sealed together with AES-256-GCM
(one ciphertext per person, bound to the row's NIK hash as associated data, so a ciphertext cannot
be moved to another row); a keyed hash of the NIK (BLAKE2b in its keyed MAC mode) for matching,
and a keyed fingerprint of all stored values to see a change without decrypting.

The data key (32 random bytes) comes from ``TUNTAS_DATA_KEY`` (base64) or from a key file:
``TUNTAS_DATA_KEY_FILE``, by default ``VAR_DIR/data_key`` (created by ``tuntas init``, mode 0600).
Two sub-keys are derived from it with HKDF and distinct labels, one to encrypt and one to hash,
so neither use can weaken the other. Never log a NIK or a name.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from tuntas.core.errors import DomainError

KEY_BYTES = 32
NONCE_BYTES = 12
ENV_KEY = "TUNTAS_DATA_KEY"
ENV_KEY_FILE = "TUNTAS_DATA_KEY_FILE"


class DataKeyError(DomainError):
    """The data key is missing or unusable (message in Indonesian)."""


NIK_HASH_BYTES = 32
FINGERPRINT_BYTES = 16
# BLAKE2b personalisation: the NIK hash and the fingerprint can never collide with each other.
NIK_PERSON = b"tuntas/nik/v2"
VALUES_PERSON = b"tuntas/nilai/v2"
SEPARATOR = "\x1f"  # between the sealed values; never in a cleaned value (it is whitespace)


@dataclass(frozen=True, slots=True)
class Identity:
    """What is sealed in ``Person.identity_enc``."""

    nik: str
    name: str
    address: str


class DataKeys:
    """The two sub-keys; build once (``data_keys()``) and reuse for a whole import. The keyed
    BLAKE2b states are made once with their key block absorbed: copying one per value is cheaper
    than keying a new hash (an import hashes two values per row)."""

    __slots__ = ("_nik_state", "_values_state", "aead", "hash_key")

    def __init__(self, *, aead: AESGCM, hash_key: bytes) -> None:
        self.aead = aead
        self.hash_key = hash_key
        self._nik_state = blake2b(key=hash_key, digest_size=NIK_HASH_BYTES, person=NIK_PERSON)
        self._values_state = blake2b(
            key=hash_key, digest_size=FINGERPRINT_BYTES, person=VALUES_PERSON
        )

    def nik_hash(self, nik: str) -> bytes:
        """The keyed hash rows are matched on (32 bytes)."""
        h = self._nik_state.copy()
        h.update(nik.encode("ascii"))
        return h.digest()

    def fingerprint(self, *values: str) -> bytes:
        """A keyed hash of several values (to detect change without decrypting)."""
        h = self._values_state.copy()
        h.update(SEPARATOR.join(values).encode("utf-8"))
        return h.digest()

    def seal(self, *, nik_hash: bytes, nik: str, name: str, address: str) -> bytes:
        """NIK, name and address in one ciphertext: nonce ‖ AES-GCM(values, aad=nik_hash)."""
        nonce = os.urandom(NONCE_BYTES)
        plain = SEPARATOR.join((nik, name, address)).encode("utf-8")
        return nonce + self.aead.encrypt(nonce, plain, nik_hash)

    def seal_note(self, *, nik_hash: bytes, note: str) -> str:
        """A person's free-text note (catatan) as text: see :func:`note_seal`."""
        return note_seal(self.aead, self.hash_key, nik_hash, note)

    def open_note(self, *, nik_hash: bytes, sealed: str) -> str:
        return note_open(self.aead, nik_hash, sealed)

    def seal_text(self, value: str, *, purpose: bytes) -> str:
        """Other text worth hiding (an upload's file name): random nonce, bound to ``purpose``."""
        if not value:
            return ""
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self.aead.encrypt(nonce, value.encode("utf-8"), purpose)
        return SEALED_PREFIX + base64.b64encode(sealed).decode("ascii")

    def open_text(self, value: str, *, purpose: bytes) -> str:
        return _open_sealed(self.aead, value, purpose)

    def open(self, *, nik_hash: bytes, blob: bytes | memoryview) -> Identity:
        data = bytes(blob)
        try:
            plain = self.aead.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], bytes(nik_hash))
        except (InvalidTag, ValueError) as exc:
            raise DataKeyError(
                "Data terenkripsi tidak dapat dibuka dengan kunci data ini (kunci berbeda?)."
            ) from exc
        nik, name, address = plain.decode("utf-8").split(SEPARATOR)
        return Identity(nik, name, address)


# --- notes and other text ----------------------------------------------------------------------
# A note (catatan) may say anything about a person (a diagnosis, a family situation): it is
# sealed like the name. Its nonce is derived from the person's NIK hash and the text with the
# hash key (a synthetic IV, as in AES-SIV), so the same note of the same person seals to the
# same text and a repeated import sees no change, while equal notes of two people do not match.

SEALED_PREFIX = "enc1:"
NOTE_PERSON = b"tuntas-catatan"
NOTE_PURPOSE = b"catatan"


def note_seal(aead: AESGCM, hash_key: bytes, nik_hash: bytes, note: str) -> str:
    if not note:
        return ""
    data = note.encode("utf-8")
    nonce = blake2b(
        nik_hash + b"\0" + data, key=hash_key, digest_size=NONCE_BYTES, person=NOTE_PERSON
    ).digest()
    sealed = nonce + aead.encrypt(nonce, data, nik_hash + NOTE_PURPOSE)
    return SEALED_PREFIX + base64.b64encode(sealed).decode("ascii")


def note_open(aead: AESGCM, nik_hash: bytes, sealed: str) -> str:
    return _open_sealed(aead, sealed, bytes(nik_hash) + NOTE_PURPOSE)


def _open_sealed(aead: AESGCM, value: str, associated: bytes) -> str:
    if not value.startswith(SEALED_PREFIX):
        return value  # written before sealing existed (the migration sealed every stored one)
    try:
        raw = base64.b64decode(value[len(SEALED_PREFIX) :], validate=True)
        return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated).decode("utf-8")
    except (InvalidTag, ValueError, binascii.Error) as exc:
        raise DataKeyError(
            "Data terenkripsi tidak dapat dibuka dengan kunci data ini (kunci berbeda?)."
        ) from exc


def _derive(master: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=label).derive(master)


@lru_cache(maxsize=4)
def _keys_for(master: bytes) -> DataKeys:
    return DataKeys(
        aead=AESGCM(_derive(master, b"tuntas/penerima/enkripsi/v1")),
        hash_key=_derive(master, b"tuntas/penerima/hash-nik/v1"),
    )


def key_file_path() -> Path:
    configured = os.environ.get(ENV_KEY_FILE, "").strip()
    return Path(configured) if configured else Path(settings.VAR_DIR) / "data_key"


def _decode_key(text: str, source: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DataKeyError(f"Kunci data di {source} bukan base64 yang sah.") from exc
    if len(raw) != KEY_BYTES:
        raise DataKeyError(f"Kunci data di {source} harus {KEY_BYTES} bita (base64).")
    return raw


def data_keys() -> DataKeys:
    """The configured keys; :class:`DataKeyError` when none is configured or it is malformed."""
    env = os.environ.get(ENV_KEY, "").strip()
    if env:
        return _keys_for(_decode_key(env, ENV_KEY))
    path = key_file_path()
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise DataKeyError(
            f"Kunci data belum ada ({path}): jalankan `tuntas init` atau isi {ENV_KEY}."
        ) from None
    except OSError as exc:
        raise DataKeyError(f"Kunci data {path} tidak dapat dibaca: {exc.strerror}") from exc
    return _keys_for(_decode_key(text, str(path)))


def data_key_ensure() -> Path | None:
    """Create the key file (mode 0600) when no key is configured; the path when created."""
    if os.environ.get(ENV_KEY, "").strip():
        return None
    path = key_file_path()
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return path


def nik_hash(nik: str) -> bytes:
    return data_keys().nik_hash(nik)


def nik_token(nik: str) -> str:
    """The NIK hash as text, for a URL or a form (never the NIK itself)."""
    return nik_hash(nik).hex()


def token_hash(token: str) -> bytes | None:
    """A NIK hash back from :func:`nik_token` text; None when it is not one."""
    try:
        raw = bytes.fromhex(token)
    except ValueError:
        return None
    return raw if len(raw) == NIK_HASH_BYTES else None


def mask_nik(nik: str) -> str:
    """``3275011234560001`` → ``327501******0001`` (the region part and the last four digits)."""
    if len(nik) != 16:
        return "*" * len(nik)
    return f"{nik[:6]}******{nik[-4:]}"
