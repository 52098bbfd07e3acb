"""Salted slow hashes for short secrets (staff PINs, voucher check codes)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def new_salt() -> bytes:
    return secrets.token_bytes(16)


def hash_secret(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, **_SCRYPT)


def matches(secret: str, salt: bytes | None, digest: bytes | None) -> bool:
    if not salt or not digest:
        return False
    return hmac.compare_digest(hash_secret(secret, salt), digest)
