"""Personal data protection: SM4-GCM encryption, SM3-HMAC blind indexes, normalisers and masking.

Ciphertext format (text, safe in any VARCHAR/TEXT column)::

    v1:<base64(nonce(12) || ciphertext || tag(16))>

The ``v1`` prefix names the key version so keys can rotate: ``decrypt`` looks the version up in
``_keys()``; a new key becomes a new version and old rows stay readable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from storage.settings import get_settings

CURRENT_VERSION = "v1"
_NONCE_BYTES = 12
_TAG_BYTES = 16


class PiiError(ValueError):
    """Bad personal data input (names the field) or undecryptable ciphertext."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _keys() -> dict[str, bytes]:
    """Key versions known to this process (version -> 16-byte SM4 key)."""
    return {CURRENT_VERSION: get_settings().pii_key_bytes()}


def encrypt(plaintext: str, *, key: bytes | None = None) -> str:
    """Encrypt text with SM4-GCM under the current key; returns ``v1:<base64>``."""
    key = key if key is not None else _keys()[CURRENT_VERSION]
    nonce = os.urandom(_NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    blob = nonce + body + encryptor.tag
    return f"{CURRENT_VERSION}:{base64.b64encode(blob).decode('ascii')}"


def decrypt(token: str, *, key: bytes | None = None) -> str:
    """Decrypt a ``v<n>:<base64>`` token; raises PiiError when tampered or under a wrong key."""
    version, sep, payload = token.partition(":")
    if not sep:
        raise PiiError("ciphertext has no version prefix")
    if key is None:
        key = _keys().get(version)
        if key is None:
            raise PiiError(f"unknown PII key version {version!r}")
    try:
        blob = base64.b64decode(payload, validate=True)
    except ValueError as exc:
        raise PiiError("ciphertext is not valid base64") from exc
    if len(blob) < _NONCE_BYTES + _TAG_BYTES:
        raise PiiError("ciphertext is too short")
    nonce, body, tag = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:-_TAG_BYTES], blob[-_TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")
    except InvalidTag as exc:
        raise PiiError("ciphertext failed authentication (tampered or wrong key)") from exc


# --- normalisers ---------------------------------------------------------------------------

_PHONE_JUNK = re.compile(r"[\s\-()（）.]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_phone(value: str, field: str = "phone") -> str:
    """Mainland mobile number -> 11 digits (strips +86/0086, spaces, dashes, parentheses)."""
    digits = _PHONE_JUNK.sub("", value.strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not re.fullmatch(r"1[3-9]\d{9}", digits):
        raise PiiError(f"{field}: {value!r} is not a valid mainland mobile number", field)
    return digits


def normalize_email(value: str, field: str = "email") -> str:
    """Trim and lowercase an e-mail address; rejects values that are not addresses."""
    email = value.strip().lower()
    if not _EMAIL.match(email):
        raise PiiError(f"{field}: {value!r} is not a valid e-mail address", field)
    return email


def normalize_text(value: str, field: str = "value") -> str:
    """Generic normaliser: trim; rejects empty values."""
    text = value.strip()
    if not text:
        raise PiiError(f"{field}: must not be empty", field)
    return text


NORMALIZERS: dict[str, Callable[[str, str], str]] = {
    "phone": normalize_phone,
    "email": normalize_email,
    "text": normalize_text,
}


# --- blind index -----------------------------------------------------------------------------


def blind_index(normalized: str, *, key: bytes | None = None) -> str:
    """SM3-HMAC (hex, 64 chars) of an already normalised value."""
    key = key if key is not None else get_settings().pii_index_key_bytes()
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(normalized.encode("utf-8"))
    return mac.finalize().hex()


def blind_index_phone(value: str) -> str:
    """Blind index of a phone number in any common format."""
    return blind_index(normalize_phone(value))


def blind_index_email(value: str) -> str:
    """Blind index of an e-mail address (case and surrounding spaces ignored)."""
    return blind_index(normalize_email(value))


def blind_index_text(value: str) -> str:
    """Blind index of a generic value (trimmed)."""
    return blind_index(normalize_text(value))


def blind_index_for(kind: str, value: str, field: str | None = None) -> str:
    """Blind index of ``value`` normalised as ``kind`` ('phone' | 'email' | 'text')."""
    return blind_index(NORMALIZERS[kind](value, field or kind))


def identity_kind(namespace: str) -> str:
    """Normaliser kind of a CustomerIdentity namespace."""
    return {"phone": "phone", "email": "email"}.get(namespace, "text")


# --- masking ---------------------------------------------------------------------------------


def mask_phone(value: str | None) -> str:
    """138****8000."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)[-11:]
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_email(value: str | None) -> str:
    """z***@qq.com."""
    if not value:
        return ""
    local, sep, domain = value.partition("@")
    if not sep:
        return local[:1] + "***"
    return f"{local[:1]}***@{domain}"


def mask_name(value: str | None) -> str:
    """张* (two characters), 欧**(three), J*** (latin)."""
    if not value:
        return ""
    value = value.strip()
    return value[:1] + "*" * max(1, len(value) - 1)


def constant_time_equal(a: str, b: str) -> bool:
    """Compare two digests without timing leaks."""
    return hmac.compare_digest(a.encode(), b.encode())


def sha256_hex(value: str) -> str:
    """SHA-256 hex digest (token hashes for sessions and API tokens)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


# --- row helpers -----------------------------------------------------------------------------


def protect_value(kind: str, value: str | None, field: str) -> tuple[str | None, str | None]:
    """Normalise a PII value of ``kind``; returns (normalised plaintext, blind index) or (None, None)."""
    if value is None:
        return None, None
    normalized = NORMALIZERS[kind](str(value), field)
    return normalized, blind_index(normalized)
