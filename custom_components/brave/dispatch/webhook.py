"""Status updates from the dispatch service, pushed to Home Assistant's webhook endpoint.

Each request is signed: X-Dispatch-Signature is sha256=HMAC-SHA256(webhook_secret,
timestamp + "." + raw_body) and X-Dispatch-Timestamp must be within 300 s of our clock. An
(alert_id, event_id) is accepted once. Answers: 204 accepted, 401 bad signature or stale
timestamp, 404 unknown alert, 409 replay, 400 unreadable body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import hashlib
import hmac
from http import HTTPStatus
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..const import CONF_WEBHOOK_ID, CONF_WEBHOOK_SECRET, DOMAIN

if TYPE_CHECKING:
    from ..types import BraveConfigEntry

MAX_SKEW_S = 300


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
    """Check a status update and hand it to the site's coordinator."""
    if (entry := _entry(hass, webhook_id)) is None:
        return _problem(HTTPStatus.NOT_FOUND)
    raw = await request.read()
    timestamp = request.headers.get("X-Dispatch-Timestamp", "")
    given = request.headers.get("X-Dispatch-Signature", "")
    expected = signature(entry.data[CONF_WEBHOOK_SECRET], timestamp, raw)
    if not timestamp.isdigit() or not hmac.compare_digest(given.encode(), expected.encode()):
        return _problem(HTTPStatus.UNAUTHORIZED)
    now = int(dt_util.utcnow().timestamp())
    if abs(now - int(timestamp)) > MAX_SKEW_S:
        return _problem(HTTPStatus.UNAUTHORIZED)
    try:
        body: Any = json.loads(raw)
        alert_id, event_id, status = body["alert_id"], body["event_id"], body["status"]
    except ValueError, TypeError, KeyError:
        return _problem(HTTPStatus.BAD_REQUEST)
    coordinator = entry.runtime_data
    if coordinator.alerting.sender.alert_key_for(str(alert_id)) is None:
        return _problem(HTTPStatus.NOT_FOUND)
    if not coordinator.seen.add(str(alert_id), str(event_id), int(timestamp), now):
        return _problem(HTTPStatus.CONFLICT)
    responder = body.get("responder")
    coordinator.dispatch_status(
        str(alert_id),
        str(status),
        responder.get("display_name") if isinstance(responder, dict) else None,
        body.get("outcome"),
    )
    return web.Response(status=HTTPStatus.NO_CONTENT)
