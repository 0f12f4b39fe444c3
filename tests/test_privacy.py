"""Anonymous until it matters: what leaves Home Assistant, and when, for a whole ladder.

Each test runs a ladder to its final step and looks at everything that left or showed: the
requests the dispatch service received (on loopback), the log at debug level, diagnostics,
every Brave entity's state and attributes, and what was said in the room.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.brave.const import DOMAIN
from custom_components.brave.diagnostics import async_get_config_entry_diagnostics

from .conftest import (
    ADDRESS,
    BUTTON,
    DOOR,
    PHONE,
    PRESENCE,
    RunningServer,
    site_with_station,
    station_data,
)
from .helpers import advance, device_id, entity_id, setup_site, spoken_fixture, station_state

spoken = spoken_fixture

NOTES = "Friend in 4B has naloxone"
ACCESS = "Code 1234"
CONTACT = "Alex"
RESPONDER_PHONE = "+15555550111"
# Everything personal: none of it may leave before the release point, or ever show in a log,
# diagnostics, an entity or the room.
PERSONAL = (ADDRESS, PHONE, NOTES, ACCESS, RESPONDER_PHONE)
OPTIONS = {
    # An unnamed responder: its number must never become its name.
    "first_responders": f"notify.sms:{RESPONDER_PHONE}",
    "fallback": "Fallback = notify.sms:+15555550199",
}

type Ladder = Callable[[HomeAssistant, FrozenDateTimeFactory], Awaitable[None]]


async def _check_in(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id(hass, "button", "start_check_in")}, blocking=True
    )
    await advance(hass, freezer, 300, 60)


async def _room(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    hass.states.async_set(DOOR, "off")
    hass.states.async_set(PRESENCE, "on")
    await advance(hass, freezer, 3, 180, 60)


async def _help(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat(), {"event_type": "single"})
    await hass.async_block_till_done()


async def _test_alert(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await hass.services.async_call(
        DOMAIN, "test_alert", {"station": device_id(hass)}, blocking=True
    )


def _personal_in(text: str) -> list[str]:
    return [p for p in PERSONAL if p in text]


def _shown(hass: HomeAssistant) -> str:
    """Every Brave entity's state and attributes, as text."""
    registry = er.async_get(hass)
    return repr(
        [
            (state.state, dict(state.attributes))
            for entry in registry.entities.values()
            if entry.platform == DOMAIN and (state := hass.states.get(entry.entity_id))
        ]
    )


async def _ladder(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    server: RunningServer,
    caplog: pytest.LogCaptureFixture,
    *,
    start: Ladder,
    release_on_help: bool = True,
    shared_at_once: bool = False,
) -> MockConfigEntry:
    caplog.set_level(logging.DEBUG, logger="custom_components.brave")
    hass.states.async_set(DOOR, "on")
    hass.states.async_set(PRESENCE, "off")
    hass.states.async_set(BUTTON, "unknown")
    data = station_data(room_sensing=True, door=True, release_on_help=release_on_help)
    entry = site_with_station(server, data, options=OPTIONS)
    await setup_site(hass, entry)
    await start(hass, freezer)
    # Before the release point (the countdown): nothing personal has left, unless the
    # occupant's own help request shares it.
    assert shared_at_once or not _personal_in(repr(server.store.received))
    return entry


def _bodies(server: RunningServer) -> list[dict[str, Any]]:
    return [r.body for r in server.store.received if r.path != "/v1/sites"]


async def _run_to_final(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await advance(hass, freezer, 20, 120, 120, 120)


async def _nothing_personal_anywhere_else(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    spoken: list[ServiceCall],
) -> None:
    ours = "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith("custom_components.brave")
    )
    assert not _personal_in(ours)
    assert CONTACT not in ours
    assert not _personal_in(repr(await async_get_config_entry_diagnostics(hass, entry)))
    assert not _personal_in(_shown(hass))
    assert not _personal_in(repr([c.data for c in spoken]))


@pytest.mark.parametrize("start", [_check_in, _room], ids=["check_in", "room_sensing"])
async def test_prompted_ladders_release_details_only_past_the_countdown(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    spoken: list[ServiceCall],
    start: Ladder,
) -> None:
    sms = async_mock_service(hass, "notify", "sms")
    entry = await _ladder(hass, freezer, dispatch_server, caplog, start=start)
    await _run_to_final(hass, freezer)
    bodies = _bodies(dispatch_server)
    alert = bodies[0]
    # The release point passed: location, contacts and the plan's notes went with the alert.
    assert alert["location"]["address"] == ADDRESS
    assert alert["contacts"][0]["phone"] == PHONE
    assert alert["rescue_plan"]["notes"] == NOTES
    # The events after it repeat none of it.
    assert not _personal_in(repr(bodies[1:]))
    # The responders heard where to go; an unnamed one was never called by its number.
    assert any(ADDRESS in c.data["message"] for c in sms)
    await _nothing_personal_anywhere_else(hass, entry, caplog, spoken)


async def test_a_help_request_that_keeps_details_back_shares_none_of_them(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    spoken: list[ServiceCall],
) -> None:
    sms = async_mock_service(hass, "notify", "sms")
    entry = await _ladder(
        hass, freezer, dispatch_server, caplog, start=_help, release_on_help=False
    )
    await _run_to_final(hass, freezer)
    # Through the final step, nothing personal left: not to the service, not to responders.
    assert not _personal_in(repr(dispatch_server.store.received))
    assert _bodies(dispatch_server)[0]["rescue_plan"]["notes"] is None
    assert not _personal_in(repr([c.data for c in sms if c.data["target"] != [RESPONDER_PHONE]]))
    await _nothing_personal_anywhere_else(hass, entry, caplog, spoken)


async def test_a_test_alert_shares_nothing_personal(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    spoken: list[ServiceCall],
) -> None:
    entry = await _ladder(hass, freezer, dispatch_server, caplog, start=_test_alert)
    await _run_to_final(hass, freezer)
    assert not _personal_in(repr(dispatch_server.store.received))
    await _nothing_personal_anywhere_else(hass, entry, caplog, spoken)


async def test_an_unnamed_responder_is_named_neutrally_everywhere(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    spoken: list[ServiceCall],
) -> None:
    async_mock_service(hass, "notify", "sms")
    entry = await _ladder(hass, freezer, dispatch_server, caplog, start=_help, shared_at_once=True)
    hass.bus.async_fire("twilio_data_received", {"From": RESPONDER_PHONE, "Body": "ok"})
    await hass.async_block_till_done()
    assert station_state(hass) == "responder_attending"
    event = hass.states.get(entity_id(hass, "event", "lifecycle"))
    assert event is not None
    assert event.attributes["responder"] == "Responder 1"
    assert spoken[-1].data["message"] == "Responder 1 is on the way."
    await _nothing_personal_anywhere_else(hass, entry, caplog, spoken)


@pytest.mark.parametrize(
    "display_name", [RESPONDER_PHONE, "call me at 555 0199 1234", "sam@example.org", "   "]
)
async def test_a_dispatch_responder_named_by_a_number_is_not_spoken(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    spoken: list[ServiceCall],
    display_name: str,
) -> None:
    entry = await _ladder(hass, freezer, dispatch_server, caplog, start=_help, shared_at_once=True)
    [alert_id] = dispatch_server.store.alerts
    dispatch_server.store.set_status(alert_id, "en_route", display_name, None)
    await advance(hass, freezer, 5)
    assert station_state(hass) == "responder_attending"
    assert spoken[-1].data["message"] == "A dispatch volunteer is on the way."
    assert display_name.strip() == "" or display_name not in _shown(hass)
    await _nothing_personal_anywhere_else(hass, entry, caplog, spoken)
