"""Personal data at rest: AES-256-GCM for NIK, name and address; a keyed hash (HMAC-SHA256) of
the NIK for matching.

The data key (32 random bytes) comes from ``TUNTAS_DATA_KEY`` (base64) or from a key file:
``TUNTAS_DATA_KEY_FILE``, by default ``VAR_DIR/data_key`` (created by ``tuntas init``, mode 0600).
Two sub-keys are derived from it with HKDF and distinct labels, one to encrypt and one to hash,
so neither use can weaken the other. Never log a NIK or a name.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
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


FINGERPRINT_PREFIX = b"nilai\x00"


@dataclass(frozen=True, slots=True)
class DataKeys:
    """The two sub-keys; build once (``data_keys()``) and reuse for a whole import."""

    aead: AESGCM
    hash_key: bytes
    # A keyed HMAC to copy (keying once per value would redo the key schedule every time).
    _hmac: hmac.HMAC = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hmac", hmac.new(self.hash_key, digestmod=hashlib.sha256))

    def nik_hash(self, nik: str) -> str:
        mac = self._hmac.copy()
        mac.update(nik.encode("ascii"))
        return mac.hexdigest()

    def fingerprint(self, *values: str) -> str:
        """A keyed hash of several values (to detect change without decrypting)."""
        mac = self._hmac.copy()
        mac.update(FINGERPRINT_PREFIX + "\x1f".join(values).encode("utf-8"))
        return mac.hexdigest()

    def hasher(self) -> hmac.HMAC:
        """A keyed HMAC-SHA256 to ``copy()`` for each value: ``nik_hash`` is
        ``h.copy(); update(nik)``, ``fingerprint`` is ``update(FINGERPRINT_PREFIX + values)``."""
        return self._hmac.copy()

    def encrypt(self, text: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self.aead.encrypt(nonce, text.encode("utf-8"), None)

    def encrypt_with(self, nonce: bytes, data: bytes) -> bytes:
        """Encrypt with a fresh random ``nonce`` the caller drew (``os.urandom`` in bulk for a
        chunk of values: one system call instead of one per value). Never reuse a nonce."""
        return nonce + self.aead.encrypt(nonce, data, None)

    def decrypt(self, blob: bytes | memoryview) -> str:
        data = bytes(blob)
        if not data:
            return ""
        try:
            return self.aead.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], None).decode("utf-8")
        except InvalidTag as exc:
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


def nik_hash(nik: str) -> str:
    return data_keys().nik_hash(nik)


def encrypt(text: str) -> bytes:
    return data_keys().encrypt(text)


def decrypt(blob: bytes | memoryview) -> str:
    return data_keys().decrypt(blob)


def mask_nik(nik: str) -> str:
    """``3275011234560001`` → ``327501******0001`` (the region part and the last four digits)."""
    if len(nik) != 16:
        return "*" * len(nik)
    return f"{nik[:6]}******{nik[-4:]}"
