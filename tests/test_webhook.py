"""Status updates from the dispatch service: the signed webhook, the responder page that sends
it, and polling when Home Assistant cannot be called back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import hmac
import json
import logging
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from dispatch_server.webhooks import signed_headers

from .conftest import (
    BUTTON,
    RESPONDER,
    RESPONDER_PASSWORD,
    WEBHOOK_ID,
    RunningServer,
    sign_in,
    site_with_station,
    station_data,
)
from .helpers import advance, setup_site, station_state

type ClientFactory = Any


async def _alert(hass: HomeAssistant, server: RunningServer) -> str:
    """A help request that reached the server; its alert id."""
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(hass, site_with_station(server, station_data()))
    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat())
    await hass.async_block_till_done()
    [alert_id] = server.store.alerts
    return alert_id


def _update(alert_id: str, status: str = "acknowledged", event_id: str = "e1") -> dict[str, Any]:
    return {
        "event_id": event_id,
        "alert_id": alert_id,
        "status": status,
        "responder": {"display_name": "Sam from the desk", "eta_s": 240},
        "outcome": None,
        "at": dt_util.utcnow().isoformat(),
    }


async def _post(
    client: TestClient, secret: str, body: dict[str, Any], timestamp: int | None = None
) -> int:
    raw = json.dumps(body).encode()
    if timestamp is None:
        timestamp = int(dt_util.utcnow().timestamp())
    headers = signed_headers(secret, raw, timestamp)
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=raw, headers=headers)
    return response.status


@pytest.fixture
async def client(hass: HomeAssistant, hass_client_no_auth: ClientFactory) -> TestClient:
    return await hass_client_no_auth()


def _secret(server: RunningServer) -> str:
    [site] = server.store.sites.values()
    return str(site["webhook_secret"])


async def test_signed_update_reaches_the_station(
    hass: HomeAssistant, dispatch_server: RunningServer, hass_client_no_auth: ClientFactory
) -> None:
    alert_id = await _alert(hass, dispatch_server)
    client = await hass_client_no_auth()
    secret = _secret(dispatch_server)
    assert await _post(client, secret, _update(alert_id)) == 204
    await hass.async_block_till_done()
    assert station_state(hass) == "responder_attending"
    # The same event again is a replay.
    assert await _post(client, secret, _update(alert_id)) == 409
    # En route is news for the event entity.
    assert await _post(client, secret, _update(alert_id, "en_route", "e2")) == 204
    await hass.async_block_till_done()
    event = hass.states.get("event.room_1_alert_steps")
    assert event is not None
    assert event.attributes["event_type"] == "en_route"
    update = _update(alert_id, "resolved", "e3") | {"outcome": "occupant_ok"}
    assert await _post(client, secret, update) == 204
    await hass.async_block_till_done()
    assert station_state(hass) == "idle"


async def test_forged_stale_unknown_and_unreadable_updates_are_refused(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    hass_client_no_auth: ClientFactory,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Time stands still, so "301 s off" is exactly that whenever the second turns.
    alert_id = await _alert(hass, dispatch_server)
    client = await hass_client_no_auth()
    secret = _secret(dispatch_server)
    now = int(dt_util.utcnow().timestamp())
    assert await _post(client, "not-the-secret", _update(alert_id)) == 401
    assert await _post(client, secret, _update(alert_id), now - 301) == 401
    assert await _post(client, secret, _update(alert_id), now + 301) == 401
    assert await _post(client, secret, _update("someone-else")) == 404
    raw = b"not json"
    headers = signed_headers(secret, raw, now)
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=raw, headers=headers)
    assert response.status == 400
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=b"{}")
    assert response.status == 401
    assert station_state(hass) == "alert"


async def test_responder_page_drives_the_webhook_end_to_end(
    hass: HomeAssistant, dispatch_server: RunningServer, hass_client_no_auth: ClientFactory
) -> None:
    """A responder at the desk acts on the page; the site hears it through its webhook."""
    alert_id = await _alert(hass, dispatch_server)
    client = await hass_client_no_auth()
    [site_id] = dispatch_server.store.sites
    dispatch_server.store.set_callback_url(
        site_id, str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    )
    dispatch_server.store.set_responder(RESPONDER, RESPONDER_PASSWORD)
    csrf = await sign_in(client.session, dispatch_server.url)
    async with client.session.get(f"{dispatch_server.url}/responder") as page:
        html = await page.text()
    assert "Room 1" in html
    assert "12 Example Street" in html
    form = {"status": "en_route", "csrf_token": csrf}
    async with client.session.post(
        f"{dispatch_server.url}/responder/alerts/{alert_id}", data=form, allow_redirects=False
    ) as resp:
        assert resp.status == 303
    await hass.async_block_till_done()
    assert dispatch_server.store.webhooks[-1][2] == 204
    assert station_state(hass) == "responder_attending"

    form = {"status": "resolved", "outcome": "space_empty", "csrf_token": csrf}
    async with client.session.post(
        f"{dispatch_server.url}/responder/alerts/{alert_id}", data=form, allow_redirects=False
    ) as resp:
        assert resp.status == 303
    await hass.async_block_till_done()
    assert station_state(hass) == "idle"
    async with client.session.get(f"{dispatch_server.url}/responder") as page:
        assert "No open alerts" in await page.text()
    for bad in ({"status": "lost"}, {"status": "resolved"}):
        async with client.session.post(
            f"{dispatch_server.url}/responder/alerts/{alert_id}", data=bad | {"csrf_token": csrf}
        ) as resp:
            assert resp.status == 400
    async with client.session.post(
        f"{dispatch_server.url}/responder/alerts/missing", data=form
    ) as resp:
        assert resp.status == 404


async def test_polling_when_the_service_cannot_call_back(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    alert_id = await _alert(hass, dispatch_server)
    dispatch_server.store.set_status(alert_id, "acknowledged", "Riley", None)
    await advance(hass, freezer, 5)
    assert station_state(hass) == "responder_attending"
    dispatch_server.store.set_status(alert_id, "resolved", "Riley", "safer_use")
    await advance(hass, freezer, 5)
    assert station_state(hass) == "idle"
    [stored] = dispatch_server.store.alerts.values()
    # Closing here is echoed to the service once, with the same outcome.
    assert [e.get("outcome") for e in stored.events] == ["safer_use"]


async def test_dispatch_failed_tells_the_fallback_group(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    from pytest_homeassistant_custom_component.common import async_mock_service  # noqa: PLC0415

    desk = async_mock_service(hass, "notify", "desk")
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(
        hass,
        site_with_station(
            dispatch_server, station_data(), options={"fallback": "Desk = notify.desk"}
        ),
    )
    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat())
    await hass.async_block_till_done()
    [alert_id] = dispatch_server.store.alerts
    dispatch_server.store.set_status(alert_id, "failed", None, None)
    await advance(hass, freezer, 5)
    assert "nobody has answered yet" in desk[-1].data["message"]
    assert station_state(hass) == "alert"


# Hardening: outside input decides nothing before it is signed, and costs nothing when it is not.

MiB = 1024 * 1024
CHUNK = 64 * 1024


class HeldBody:
    """A request body that sends its first chunk, then waits until the answer has arrived.

    A handler that read the whole body before answering would never answer: the test would time
    out. What was sent before the answer is what the server could have read.
    """

    def __init__(self, size: int, first: int = CHUNK) -> None:
        self.size = size
        self.first = first
        self.sent = 0
        self.sent_before_answer: int | None = None
        self.answered = asyncio.Event()

    async def chunks(self) -> AsyncIterator[bytes]:
        yield b"[" * self.first
        self.sent = self.first
        await self.answered.wait()
        # The server may drain the rest (aiohttp discards it without keeping it).
        while self.sent < self.size:
            step = min(MiB, self.size - self.sent)
            yield b" " * step
            self.sent += step

    def signed(self, secret: str) -> dict[str, str]:
        """Signature headers that match the whole body, as an honest service would send."""
        stamp = str(int(dt_util.utcnow().timestamp()))
        digest = hmac.new(secret.encode(), f"{stamp}.".encode() + b"[" * self.first, "sha256")
        for start in range(self.first, self.size, MiB):
            digest.update(b" " * min(MiB, self.size - start))
        return {
            "X-Dispatch-Timestamp": stamp,
            "X-Dispatch-Signature": f"sha256={digest.hexdigest()}",
        }

    async def post(
        self, client: TestClient, headers: dict[str, str], *, declared: bool = True
    ) -> int:
        if declared:
            headers = {**headers, "Content-Length": str(self.size)}
        async with asyncio.timeout(20):
            response = await client.post(
                f"/api/webhook/{WEBHOOK_ID}", data=self.chunks(), headers=headers
            )
            self.sent_before_answer = self.sent
            self.answered.set()
            status = response.status
            response.release()
        return status


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def test_unsigned_20_mb_body_is_refused_before_it_is_read(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    hass_client_no_auth: ClientFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _alert(hass, dispatch_server)
    client = await hass_client_no_auth()
    body = HeldBody(20 * MiB)
    assert await body.post(client, {"Content-Type": "application/json"}) == 401
    assert body.sent_before_answer == CHUNK
    _no_tracebacks(caplog)
    assert station_state(hass) == "alert"


async def test_signed_oversized_bodies_are_refused_unread(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    hass_client_no_auth: ClientFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _alert(hass, dispatch_server)
    client = await hass_client_no_auth()
    secret = _secret(dispatch_server)
    # Declared too large: refused on the Content-Length alone.
    declared = HeldBody(64 * 1024 + 1)
    assert await declared.post(client, declared.signed(secret)) == 413
    assert declared.sent_before_answer == CHUNK
    # Chunked, no declared size: read up to the limit and one byte more, then refused.
    chunked = HeldBody(20 * MiB, first=2 * CHUNK)
    assert await chunked.post(client, chunked.signed(secret), declared=False) == 413
    assert chunked.sent_before_answer == 2 * CHUNK
    _no_tracebacks(caplog)
    assert station_state(hass) == "alert"


def _raw_signed(secret: str, raw: bytes, stamp: str) -> dict[str, str]:
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + raw, "sha256").hexdigest()
    return {"X-Dispatch-Timestamp": stamp, "X-Dispatch-Signature": f"sha256={digest}"}


@pytest.mark.parametrize(
    "stamp",
    [
        "",
        "²",  # str.isdigit() is True
        "\u0661\u0667" + "\u0660" * 8,  # Arabic-Indic digits
        "+{now}",
        "-{now}",
        "{now}.0",
        "1e9",
        "{now} 1",
        "99999999999999999999999999999999",
        "0x10",
    ],
)
async def test_odd_timestamps_are_refused(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    hass_client_no_auth: ClientFactory,
    caplog: pytest.LogCaptureFixture,
    stamp: str,
) -> None:
    alert_id = await _alert(hass, dispatch_server)
    client = await hass_client_no_auth()
    raw = json.dumps(_update(alert_id)).encode()
    stamp = stamp.format(now=int(dt_util.utcnow().timestamp()))
    # Signed over exactly what was sent, so only the timestamp's form is at fault.
    headers = _raw_signed(_secret(dispatch_server), raw, stamp)
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=raw, headers=headers)
    assert response.status == 401
    _no_tracebacks(caplog)
    assert station_state(hass) == "alert"


@pytest.mark.parametrize(
    "change",
    [
        {"alert_id": ["a", "b"]},
        {"alert_id": ""},
        {"event_id": None},
        {"event_id": 7},
        {"status": 3},
        {"status": "on_fire"},
        {"status": None},
        {"responder": "Sam"},
        {"responder": ["Sam"]},
        {"responder": {"display_name": 5}},
        {"responder": {"eta_s": 240}},
        {"outcome": 4},
        {"outcome": ["overdose"]},
        {"outcome": "unheard_of"},
    ],
    ids=repr,
)
async def test_fields_of_the_wrong_type_are_refused(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    hass_client_no_auth: ClientFactory,
    caplog: pytest.LogCaptureFixture,
    change: dict[str, Any],
) -> None:
    alert_id = await _alert(hass, dispatch_server)
    client = await hass_client_no_auth()
    assert await _post(client, _secret(dispatch_server), _update(alert_id) | change) == 400
    await hass.async_block_till_done()
    _no_tracebacks(caplog)
    assert station_state(hass) == "alert"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"[" * 30_000 + b"]" * 30_000, id="30000-nested-arrays"),
        pytest.param(b'{"a": ' * 5_000 + b"1" + b"}" * 5_000, id="5000-nested-objects"),
        pytest.param(b"\xff\xfe not utf-8", id="not-utf-8"),
        pytest.param(b"null", id="null"),
        pytest.param(b'"text"', id="string"),
        pytest.param(b"", id="empty"),
        pytest.param(b'{"event_id": "e1", "alert_id": "a", "status": "open", "x": NaN}', id="nan"),
    ],
)
async def test_unreadable_signed_bodies_are_refused(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    hass_client_no_auth: ClientFactory,
    caplog: pytest.LogCaptureFixture,
    raw: bytes,
) -> None:
    await _alert(hass, dispatch_server)
    client = await hass_client_no_auth()
    headers = signed_headers(_secret(dispatch_server), raw, int(dt_util.utcnow().timestamp()))
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=raw, headers=headers)
    assert response.status == 400
    _no_tracebacks(caplog)
    assert station_state(hass) == "alert"


async def test_a_body_of_exactly_64_kib_is_read(
    hass: HomeAssistant, dispatch_server: RunningServer, hass_client_no_auth: ClientFactory
) -> None:
    alert_id = await _alert(hass, dispatch_server)
    client = await hass_client_no_auth()
    update = json.dumps(_update(alert_id)).encode()
    raw = update + b" " * (64 * 1024 - len(update))
    headers = signed_headers(_secret(dispatch_server), raw, int(dt_util.utcnow().timestamp()))
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=raw, headers=headers)
    assert response.status == 204
    await hass.async_block_till_done()
    assert station_state(hass) == "responder_attending"


async def test_update_through_the_websocket_webhook_command(
    hass: HomeAssistant, dispatch_server: RunningServer, hass_ws_client: Any
) -> None:
    """Home Assistant can also hand a webhook a request of its own making (no socket, no size)."""
    alert_id = await _alert(hass, dispatch_server)
    raw = json.dumps(_update(alert_id)).encode()
    headers = signed_headers(_secret(dispatch_server), raw, int(dt_util.utcnow().timestamp()))
    ws = await hass_ws_client(hass)
    await ws.send_json_auto_id(
        {
            "type": "webhook/handle",
            "webhook_id": WEBHOOK_ID,
            "method": "POST",
            "body": raw.decode(),
            "headers": headers,
        }
    )
    answer = await ws.receive_json()
    assert answer["result"]["status"] == 204
    await hass.async_block_till_done()
    assert station_state(hass) == "responder_attending"
