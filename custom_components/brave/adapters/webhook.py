"""Status updates from the dispatch service, pushed to Home Assistant's webhook endpoint.

Each request is signed: X-Dispatch-Signature is sha256=HMAC-SHA256(webhook_secret,
timestamp + "." + raw_body) and X-Dispatch-Timestamp must be within 300 s of our clock. An
(alert_id, event_id) is accepted once. Answers: 204 accepted, 401 bad signature or stale
timestamp, 404 unknown alert, 409 replay, 413 body over 64 KiB, 400 unreadable body.

The headers and the declared size are checked before any of the body is read, and no more than
64 KiB + 1 byte of it is ever read, so an unsigned or oversized request costs next to nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import hashlib
import hmac
from http import HTTPStatus
import re
from typing import TYPE_CHECKING, Final

from aiohttp import hdrs, web
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import orjson

from ..const import CONF_WEBHOOK_ID, CONF_WEBHOOK_SECRET, DOMAIN
from .dispatch_client import (
    DispatchResponseError,
    parse_outcome,
    parse_responder,
    parse_status,
    read_at_most,
    required_text,
)

if TYPE_CHECKING:
    from ..types import BraveConfigEntry

MAX_SKEW_S = 300
MAX_BODY_BYTES: Final = 64 * 1024
TIMESTAMP_HEADER: Final = "X-Dispatch-Timestamp"
SIGNATURE_HEADER: Final = "X-Dispatch-Signature"
# ASCII digits only (str.isdigit() also takes "²" and "٣"); 12 digits reach the year 33658.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_LENGTH = re.compile(r"[0-9]+")
_SIGNATURE = re.compile(r"sha256=[0-9a-fA-F]{64}")


def signature(secret: str, timestamp: str, raw_body: bytes) -> str:
    """The signature header value for a body sent at timestamp."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + raw_body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


@dataclass(slots=True)
class SeenEvents:
    """Accepted (alert_id, event_id) pairs with their timestamps.

    Kept while a replay could still pass the timestamp check.
    """

    seen: dict[str, int] = field(default_factory=dict)

    def add(self, alert_id: str, event_id: str, timestamp: int, now: int) -> bool:
        """Record a pair; False when it was already accepted."""
        self.seen = {k: t for k, t in self.seen.items() if now - t <= 2 * MAX_SKEW_S}
        key = f"{alert_id}/{event_id}"
        if key in self.seen:
            return False
        self.seen[key] = timestamp
        return True


@dataclass(frozen=True, slots=True)
class SignedHeaders:
    """The signature headers of a request, well formed and on time."""

    timestamp: int
    stamp: str  # the header as sent: what the service signed
    signature: str  # sha256=<64 lower-case hex digits>


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A signed status update that follows the contract."""

    event_id: str
    alert_id: str
    status: str
    responder: str | None
    outcome: str | None
    timestamp: int


def check_headers(headers: Mapping[str, str], now: int) -> SignedHeaders | HTTPStatus:
    """The signature headers, or 401 when missing, garbled or stale: decided before the body."""
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    given = headers.get(SIGNATURE_HEADER, "")
    if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(given):
        return HTTPStatus.UNAUTHORIZED
    if abs(now - int(timestamp)) > MAX_SKEW_S:
        return HTTPStatus.UNAUTHORIZED
    return SignedHeaders(int(timestamp), timestamp, given.lower())


def declared_too_large(headers: Mapping[str, str]) -> bool:
    """Whether Content-Length announces a body over MAX_BODY_BYTES."""
    length = headers.get(hdrs.CONTENT_LENGTH, "")
    if not _LENGTH.fullmatch(length):
        return False  # aiohttp refuses a garbled length before we run; a mock request has none
    # Compared as text first: more digits than the limit has is over it, however many.
    digits = length.lstrip("0") or "0"
    return len(digits) > len(str(MAX_BODY_BYTES)) or int(digits) > MAX_BODY_BYTES


def read_update(
    headers: Mapping[str, str], raw: bytes, secret: str, now: int
) -> StatusUpdate | HTTPStatus:
    """Check a received update end to end; the update, or the status to answer.

    Pure: headers, body, secret and clock in, an answer out; it never raises.
    """
    signed = check_headers(headers, now)
    if isinstance(signed, HTTPStatus):
        return signed
    if len(raw) > MAX_BODY_BYTES:
        return HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    expected = signature(secret, signed.stamp, raw)
    if not hmac.compare_digest(signed.signature.encode(), expected.encode()):
        return HTTPStatus.UNAUTHORIZED
    try:
        return _update(raw, signed.timestamp)
    except orjson.JSONDecodeError, DispatchResponseError:
        return HTTPStatus.BAD_REQUEST


def _update(raw: bytes, timestamp: int) -> StatusUpdate:
    # orjson refuses nesting over 1024 levels with a JSONDecodeError, never a RecursionError.
    body = orjson.loads(raw)
    if not isinstance(body, dict):
        raise DispatchResponseError("body is not a JSON object")
    return StatusUpdate(
        event_id=required_text(body, "event_id"),
        alert_id=required_text(body, "alert_id"),
        status=parse_status(body),
        responder=parse_responder(body.get("responder")),
        outcome=parse_outcome(body.get("outcome")),
        timestamp=timestamp,
    )


def _entry(hass: HomeAssistant, webhook_id: str) -> BraveConfigEntry | None:
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        if entry.data.get(CONF_WEBHOOK_ID) == webhook_id:
            return entry
    return None


def _problem(status: HTTPStatus) -> web.Response:
    return web.Response(status=status)


async def handle_webhook(  # noqa: PLR0911 (one answer per contract status)
    hass: HomeAssistant, webhook_id: str, request: web.Request
) -> web.Response:
    """Check a status update and hand it to the site."""
    if (entry := _entry(hass, webhook_id)) is None:
        return _problem(HTTPStatus.NOT_FOUND)
    now = int(dt_util.utcnow().timestamp())
    if isinstance(signed := check_headers(request.headers, now), HTTPStatus):
        return _problem(signed)
    if declared_too_large(request.headers):
        return _problem(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    # A chunked body has no declared size: read one byte past the limit, no further.
    if (raw := await read_at_most(request.content, MAX_BODY_BYTES)) is None:
        return _problem(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    update = read_update(request.headers, raw, entry.data[CONF_WEBHOOK_SECRET], now)
    if isinstance(update, HTTPStatus):
        return _problem(update)
    site = entry.runtime_data
    if site.alert_key_for(update.alert_id) is None:
        return _problem(HTTPStatus.NOT_FOUND)
    if not site.seen.add(update.alert_id, update.event_id, update.timestamp, now):
        return _problem(HTTPStatus.CONFLICT)
    site.dispatch_status(update.alert_id, update.status, update.responder, update.outcome)
    return web.Response(status=HTTPStatus.NO_CONTENT)
