"""Secrets the station must keep for a while (device passcodes, a voucher code not yet on
paper), sealed with a key kept OUTSIDE the station file: a copied or backed-up station file
does not give them away.

The key is 32 random bytes in ``<station file>.key`` beside the station file (``station.db.key``),
readable by the station's user only (0600), created on first use. Lose it and the sealed
values cannot be read (the rest of the station is untouched); back it up apart from the file.

The scheme is the standard library's, encrypt-then-MAC: an encryption key and a MAC key are
derived from the key with HMAC-SHA256; each value gets a random 16-byte nonce, is XORed with
the keystream HMAC(enc, nonce || counter) and carries the tag HMAC(mac, version || context ||
nonce || ciphertext). The context (e.g. ``passcode:42``) binds a sealed value to its row, so
it cannot be moved to another order; any change to it is refused, never decrypted to garbage.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

from deskapp.rules.errors import StoreError

PREFIX = "s1:"
KEY_BYTES = 32
_NONCE = 16
_TAG = 32
_lock = threading.Lock()


def key_path(station_path: str | Path) -> Path:
    return Path(f"{station_path}.key")


def _make_key(path: Path) -> None:
    """Write a new key under a temporary name (0600 from the start) and link it into place;
    if another terminal made one first, theirs is used."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secrets.token_bytes(KEY_BYTES))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    except OSError:  # no hard links on this file system
        if not path.exists():
            os.rename(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def station_key(station_path: str | Path, *, create: bool) -> bytes:
    """The key, read from its file each time (32 bytes; a key file put back from a backup, or
    removed, counts at once)."""
    path = key_path(station_path)
    with _lock:
        if not path.exists():
            if not create:
                raise StoreError("error.key_missing", path=str(path))
            _make_key(path)
        try:
            key = path.read_bytes()
        except OSError as exc:
            raise StoreError("error.key_unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc
        if len(key) != KEY_BYTES:
            raise StoreError("error.key_unreadable", path=str(path), detail=f"{len(key)} bytes")
        return key


def _subkeys(key: bytes) -> tuple[bytes, bytes]:
    return (hmac.new(key, b"deskapp seal enc", hashlib.sha256).digest(),
            hmac.new(key, b"deskapp seal mac", hashlib.sha256).digest())


def _keystream(enc: bytes, nonce: bytes, length: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hmac.new(enc, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest()
        counter += 1
    return bytes(out[:length])


def _tag(mac: bytes, context: str, nonce: bytes, body: bytes) -> bytes:
    return hmac.new(mac, PREFIX.encode() + context.encode() + b"\x00" + nonce + body, hashlib.sha256).digest()


def _station_path(store) -> Path:
    return Path(getattr(store, "path", store))


def seal(store, context: str, text: str) -> str:
    """``text`` sealed for the row named by ``context`` (``store``: the Store, or the station
    file's path); the key is made on first use."""
    enc, mac = _subkeys(station_key(_station_path(store), create=True))
    plain = text.encode("utf-8")
    nonce = secrets.token_bytes(_NONCE)
    body = bytes(a ^ b for a, b in zip(plain, _keystream(enc, nonce, len(plain))))
    return PREFIX + base64.urlsafe_b64encode(nonce + body + _tag(mac, context, nonce, body)).decode("ascii")


def is_sealed(value: str) -> bool:
    return str(value).startswith(PREFIX)


def unseal(store, context: str, token: str) -> str:
    """The text of a sealed value; StoreError if the key is missing or the value was changed."""
    if not is_sealed(token):
        return token  # written before values were sealed
    enc, mac = _subkeys(station_key(_station_path(store), create=False))
    try:
        raw = base64.urlsafe_b64decode(token[len(PREFIX):].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise StoreError("error.sealed_damaged", path=str(store.path)) from exc
    if len(raw) < _NONCE + _TAG:
        raise StoreError("error.sealed_damaged", path=str(store.path))
    nonce, body, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    if not hmac.compare_digest(tag, _tag(mac, context, nonce, body)):
        raise StoreError("error.sealed_damaged", path=str(store.path))
    return bytes(a ^ b for a, b in zip(body, _keystream(enc, nonce, len(body)))).decode("utf-8")
