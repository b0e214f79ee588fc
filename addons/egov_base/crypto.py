"""Encryption at rest and keyed hashes for exact-match lookup of encrypted values.

Keys come from config (FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys, first encrypts, all decrypt;
FIELD_HASH_KEY: HMAC key). In DEBUG or test runs a key is derived from SECRET_KEY so a fresh checkout works;
production refuses to start encrypting without configured keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _derived_key(label: str) -> bytes:
    digest = hashlib.sha256(f"{label}:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        if not (settings.DEBUG or settings.TESTING):
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be configured to store encrypted data")
        keys = [_derived_key("egov-field-encryption").decode()]
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def _hash_key() -> bytes:
    if settings.FIELD_HASH_KEY:
        return settings.FIELD_HASH_KEY.encode()
    if not (settings.DEBUG or settings.TESTING):
        raise ImproperlyConfigured("FIELD_HASH_KEY must be configured")
    return _derived_key("egov-field-hash")


def encrypt_bytes(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return _fernet().decrypt(token)


def encrypt_str(value: str) -> str:
    return encrypt_bytes(value.encode("utf-8")).decode("ascii")


def decrypt_str(token: str) -> str:
    try:
        return decrypt_bytes(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("cannot decrypt value: wrong key or tampered data") from exc


def keyed_hash(value: str) -> str:
    """Deterministic HMAC-SHA256 of a normalised value, for exact-match search on encrypted columns."""
    return hmac.new(_hash_key(), value.strip().upper().encode("utf-8"), hashlib.sha256).hexdigest()


def rotate_token(token: str) -> str:
    return _fernet().rotate(token.encode("ascii")).decode("ascii")
