"""Signed status updates from the reference server to a site's callback URL."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

import aiohttp
from yarl import URL

_LOGGER = logging.getLogger(__name__)


def signed_headers(secret: str, raw_body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The contract's signature headers for a body."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + raw_body, hashlib.sha256)
    return {
        "Content-Type": "application/json",
        "X-Dispatch-Timestamp": stamp,
        "X-Dispatch-Signature": f"sha256={digest.hexdigest()}",
    }


async def deliver(
    session: aiohttp.ClientSession, url: str, secret: str, update: dict[str, Any]
) -> int | None:
    """POST one status update; the receiver's status code, or None when unreachable.

    A redirect is not followed (the receiver's answer is the 3xx): an update goes only where
    the site said.
    """
    raw = json.dumps(update).encode()
    try:
        async with session.post(
            url, data=raw, headers=signed_headers(secret, raw), allow_redirects=False
        ) as resp:
            return resp.status
    except (aiohttp.ClientError, TimeoutError) as err:
        # The path holds the site's webhook id, a secret of its own: log the origin only.
        _LOGGER.warning("Webhook to %s failed: %r", URL(url).origin(), err)
        return None
