"""Delivery to the dispatch service: outages, retries, refusals, restarts. Nothing lost,
nothing sent twice, and Home Assistant's own fallback group hears at once when the service
cannot."""

from __future__ import annotations

from collections.abc import AsyncIterator
import socket

from aiohttp import web
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.brave.const import DOMAIN
from dispatch_server.app import create_app
from dispatch_server.store import Store

from .conftest import API_KEY, BUTTON, RunningServer, site_with_station, station_data
from .helpers import advance, device_id, setup_site

FALLBACK = "notify.fallback_sms"
OPTIONS = {"fallback": f"Desk = {FALLBACK}:+15555550199"}


class SwitchableServer(RunningServer):
    """The reference server on a fixed loopback port, which tests can stop and start."""

    runner: web.AppRunner | None = None

    async def up(self, app: web.Application | None = None) -> None:
        # No grace period on stop: an outage is abrupt.
        runner = web.AppRunner(
            app or create_app(self.api_key, self.store), shutdown_timeout=0, access_log=None
        )
        await runner.setup()
        port = int(self.url.rsplit(":", 1)[1])
        await web.TCPSite(runner, "127.0.0.1", port).start()
        object.__setattr__(self, "runner", runner)

    async def down(self) -> None:
        assert self.runner is not None
        await self.runner.cleanup()


@pytest.fixture
async def server(socket_enabled: None) -> AsyncIterator[SwitchableServer]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    switchable = SwitchableServer(url=f"http://127.0.0.1:{port}", api_key=API_KEY, store=Store())
    await switchable.up()
    yield switchable
    await switchable.down()


@pytest.fixture
def fallback(hass: HomeAssistant) -> list[ServiceCall]:
    """Messages to the fallback group (an SMS service)."""
    return async_mock_service(hass, "notify", "fallback_sms")


def _press(hass: HomeAssistant) -> None:
    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat())


def _site_state(hass: HomeAssistant, key: str) -> str:
    state = hass.states.get(key)
    assert state is not None
    return state.state


async def _help_site(
    hass: HomeAssistant, server: RunningServer, **entry: object
) -> MockConfigEntry:
    hass.states.async_set(BUTTON, "unknown")
    site = site_with_station(server, station_data(), options=OPTIONS)
    if entry:
        site = MockConfigEntry(
            domain=DOMAIN,
            title=site.title,
            unique_id=site.unique_id,
            options=OPTIONS,
            data={**site.data, **entry},
            subentries_data=[
                {
                    "data": s.data,
                    "subentry_id": s.subentry_id,
                    "subentry_type": s.subentry_type,
                    "title": s.title,
                    "unique_id": None,
                }
                for s in site.subentries.values()
            ],
        )
    await setup_site(hass, site)
    return site


async def test_outage_uses_the_fallback_group_then_delivers_exactly_once(
    hass: HomeAssistant,
    server: SwitchableServer,
    freezer: FrozenDateTimeFactory,
    fallback: list[ServiceCall],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _help_site(hass, server)
    await server.down()
    _press(hass)
    await hass.async_block_till_done()
    assert _site_state(hass, "binary_sensor.brave_reference_dispatch_dispatch_service") == "off"
    assert _site_state(hass, "sensor.brave_reference_dispatch_queued_dispatch_writes") == "1"
    # The fallback group hears at once, with where to go (a help request shares details).
    [message] = fallback
    assert message.data["target"] == ["+15555550199"]
    assert "dispatch service is not answering" in message.data["message"]
    assert "12 Example Street" in message.data["message"]
    assert len(message.data["message"]) <= 160

    # More presses while the service is down queue behind the alert, in order.
    await advance(hass, freezer, 3)
    _press(hass)
    await hass.async_block_till_done()
    assert _site_state(hass, "sensor.brave_reference_dispatch_queued_dispatch_writes") == "2"

    await server.up()
    # Back-off after one failed attempt is 0.5-1 s; the liveness check also notices.
    await advance(hass, freezer, 1, 1, 30)
    [stored] = server.store.alerts.values()
    assert [e["type"] for e in stored.events] == ["escalated"]
    assert stored.alert["urgency"] == "urgent"
    assert _site_state(hass, "sensor.brave_reference_dispatch_queued_dispatch_writes") == "0"
    assert _site_state(hass, "binary_sensor.brave_reference_dispatch_dispatch_service") == "on"
    assert caplog.text.count("Dispatch service unreachable") == 1
    assert caplog.text.count("Dispatch service reachable again") == 1
    assert len(fallback) == 1


async def test_retry_after_is_honoured_and_retries_keep_their_key(
    hass: HomeAssistant, server: SwitchableServer, freezer: FrozenDateTimeFactory
) -> None:
    """The service stores the alert but its answer is lost, then asks us to wait 30 s."""
    answers = iter([503, 503])
    keys: list[str] = []

    @web.middleware
    async def flaky(request: web.Request, handler: web.RequestHandler) -> web.StreamResponse:
        response = await handler(request)
        if request.path == "/v1/alerts":
            keys.append(request.headers["Idempotency-Key"])
            if (status := next(answers, None)) is not None:
                return web.json_response({}, status=status, headers={"Retry-After": "30"})
        return response

    await server.down()
    app = create_app(server.api_key, server.store)
    app.middlewares.insert(0, flaky)
    await server.up(app)
    await _help_site(hass, server)
    _press(hass)
    await hass.async_block_till_done()
    assert len(keys) == 1
    await advance(hass, freezer, 29)
    assert len(keys) == 1
    await advance(hass, freezer, 1.5)
    assert len(keys) == 2
    await advance(hass, freezer, 30)
    assert len(keys) == 3
    # Three attempts, one key, one alert.
    assert len(set(keys)) == 1
    assert len(server.store.alerts) == 1
    assert _site_state(hass, "sensor.brave_reference_dispatch_queued_dispatch_writes") == "0"


async def test_refused_key_starts_reauth_and_keeps_the_alert(
    hass: HomeAssistant,
    server: SwitchableServer,
    fallback: list[ServiceCall],
) -> None:
    entry = await _help_site(hass, server, **{CONF_API_KEY: "revoked"})
    _press(hass)
    await hass.async_block_till_done()
    assert len(fallback) == 1
    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == SOURCE_REAUTH
    assert _site_state(hass, "sensor.brave_reference_dispatch_queued_dispatch_writes") == "1"
    # A test alert meanwhile is queued too, and the fallback group hears of it at once.
    await hass.services.async_call(
        DOMAIN, "resolve", {"station": device_id(hass), "outcome": "other"}, blocking=True
    )
    await hass.services.async_call(
        DOMAIN, "test_alert", {"station": device_id(hass)}, blocking=True
    )
    await hass.async_block_till_done()
    messages = [str(call.data["message"]) for call in fallback]
    assert messages[1] == "Room 1: closed (other). Thank you."
    assert messages[2].startswith("[TEST] Room 1 needs a SAFETY CHECK (test)")

    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_API_KEY: server.api_key}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_API_KEY] == server.api_key
    assert len(server.store.alerts) == 2


async def test_rejected_alert_raises_a_repair_and_uses_the_fallback(
    hass: HomeAssistant, server: SwitchableServer, fallback: list[ServiceCall]
) -> None:
    await _help_site(hass, server, site_id="not-registered")
    _press(hass)
    await hass.async_block_till_done()
    issues = [i for (d, _), i in ir.async_get(hass).issues.items() if d == DOMAIN]
    assert [i.translation_key for i in issues] == ["dispatch_rejected"]
    assert len(fallback) == 1
    # Nothing is retried: the queue is empty and later steps for that alert are dropped.
    assert _site_state(hass, "sensor.brave_reference_dispatch_queued_dispatch_writes") == "0"
    last_error = _site_state(hass, "sensor.brave_reference_dispatch_last_dispatch_error")
    # A site the key does not own (here: none) is refused as unknown.
    assert "404" in last_error


async def test_restart_with_queued_alert_delivers_it_once(
    hass: HomeAssistant, server: SwitchableServer, freezer: FrozenDateTimeFactory
) -> None:
    entry = await _help_site(hass, server)
    await server.down()
    _press(hass)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    await server.up()
    await setup_site(hass, entry)
    assert len(server.store.alerts) == 1
    assert _site_state(hass, "sensor.brave_reference_dispatch_queued_dispatch_writes") == "0"
    await advance(hass, freezer, 600)
    assert len(server.store.alerts) == 1
