"""Secrets the server hands out or checks: API keys, passwords, sign-in and session tokens.

Nothing here is stored in clear. API keys and tokens are long random values, so one SHA-256
digest is enough to store them and find them again; passwords are chosen by people, so they go
through scrypt with a salt of their own.
"""

from __future__ import annotations

import base64
from functools import cache
import hashlib
import hmac
import json
import secrets
from typing import Any

# scrypt cost: 32 MiB and about 0.1 s per check on a small server, within the common advice
# for interactive sign-in. The parameters travel with each hash so they can be raised later.
_SCRYPT_N = 2**15
_SCRYPT_R = 8
_SCRYPT_P = 1
_SCRYPT_LENGTH = 32
_SCRYPT_MAXMEM = 64 * 1024 * 1024


def new_api_key() -> str:
    """A fresh API key (256 random bits)."""
    return f"bdk_{secrets.token_urlsafe(32)}"


def new_token() -> str:
    """A fresh session, sign-in link or CSRF token (256 random bits)."""
    return secrets.token_urlsafe(32)


def digest(value: str) -> str:
    """How a random key or token is stored and looked up."""
    return hashlib.sha256(value.encode()).hexdigest()


def body_digest(body: Any) -> str:
    """A JSON body's digest, the same whatever its key order or spacing."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=_SCRYPT_LENGTH
    )


def hash_password(password: str) -> str:
    """The stored form of a password: scrypt$n$r$p$salt$hash (salt and hash in base64)."""
    salt = secrets.token_bytes(16)
    derived = _scrypt(password, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(derived)}"


@cache
def _decoy() -> str:
    # Checked when the name is unknown, so a wrong name takes as long as a wrong password.
    return hash_password(secrets.token_urlsafe(16))


def check_password(stored: str | None, password: str) -> bool:
    """Whether password matches a stored hash (None: no such account or no password)."""
    _, n, r, p, salt, expected = (stored or _decoy()).split("$")
    derived = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(derived, base64.b64decode(expected)) and stored is not None


def same(given: str, expected: str) -> bool:
    """Constant-time equality of two tokens."""
    return hmac.compare_digest(given.encode(), expected.encode())
