"""The internet is down: the dispatch service refuses connections and every cloud notify service
fails, yet a missed check-in reaches people in the building within seconds of the countdown, and
the queued alert reaches the service once when it is back.

The site's local fallback group is a phone with the Home Assistant app (local push), a speaker
in the staff room, a siren there and the hallway light; its first responder and its fallback
group are cloud services that raise or hang.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError
import pytest

from custom_components.brave.adapters.dispatch_sender import FALLBACK_AFTER
from custom_components.brave.adapters.local_fallback import LOCAL_AFTER
from custom_components.brave.const import DOMAIN

from ..conftest import ADDRESS
from .conftest import (
    FaultyServer,
    Heard,
    Stopwatch,
    advance_to,
    hang,
    listen,
    run_until,
    spin,
    start_site,
    station_device,
    tick,
    until,
)

STAFF_ROOM = "media_player.staff_room"
OPTIONS = {
    "first_responders": "Friend = notify.friend_cloud",
    "fallback": "Desk = notify.desk_sms:+15555550199",
    "local_fallback": "\n".join(
        [
            "Staff phone = notify.mobile_app_staff_phone",
            f"Staff room = tts.piper:{STAFF_ROOM}",
            "siren.staff_room",
            "Hallway = light.hallway",
        ]
    ),
}
INTERVAL, ANSWER, COUNTDOWN = 300, 60, 20
ALERT_AT = INTERVAL + ANSWER + COUNTDOWN


@dataclass(slots=True)
class Building:
    """What people in the building heard, and when (seconds on the test clock)."""

    phone: list[Heard]
    speaker: list[Heard]
    siren: list[float]
    # When the hallway light was told to flash.
    light: list[float]
    cloud_calls: list[str]


def _cloud(hass: HomeAssistant, fail: Callable[[], BaseException] | None) -> list[str]:
    """The first responder's and the fallback group's cloud services: each call fails."""
    calls: list[str] = []
    release = asyncio.Event()

    async def handle(call: ServiceCall) -> None:
        calls.append(call.service)
        if fail is None:
            # A host that cannot be reached: the call hangs.
            await release.wait()
            return
        raise fail()

    for service in ("friend_cloud", "desk_sms"):
        hass.services.async_register("notify", service, handle)
    hass.data["test_release_cloud"] = release
    return calls


def _building(hass: HomeAssistant, clock: Stopwatch) -> Building:
    speaker: list[Heard] = []
    siren: list[float] = []
    light: list[float] = []

    @callback
    def speak(call: ServiceCall) -> None:
        if call.data["media_player_entity_id"] == STAFF_ROOM:
            speaker.append(Heard(clock(), str(call.data["message"])))

    @callback
    def sound(call: ServiceCall) -> None:
        siren.append(clock())

    @callback
    def flash(call: ServiceCall) -> None:
        if call.data.get("flash") == "long":
            light.append(clock())

    hass.services.async_register("tts", "speak", speak)
    hass.services.async_register("siren", "turn_on", sound)
    hass.services.async_register("light", "turn_on", flash)
    phone = listen(hass, "mobile_app_staff_phone", clock)
    return Building(phone, speaker, siren, light, [])


async def _miss_a_check_in(
    hass: HomeAssistant, server: FaultyServer, freezer: FrozenDateTimeFactory
) -> None:
    """A check-in session starts at 0 s on the test clock and nobody answers."""
    server.clock.start()
    await hass.services.async_call(
        DOMAIN, "start_session", {"station": station_device(hass)}, blocking=True
    )
    await advance_to(hass, freezer, server.clock, INTERVAL, INTERVAL + ANSWER, ALERT_AT)


@pytest.mark.parametrize(
    "fail",
    [
        lambda: HomeAssistantError("Cannot connect to host api.example.com"),
        lambda: ConnectionRefusedError(111, "Connection refused"),
    ],
    ids=["home_assistant_error", "connection_refused"],
)
async def test_missed_check_in_reaches_the_building_and_the_service_once_back(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    fail: Callable[[], BaseException],
) -> None:
    building = _building(hass, server.clock)
    building.cloud_calls = _cloud(hass, fail)
    await start_site(hass, server, options=OPTIONS)
    await server.down()

    await _miss_a_check_in(hass, server, freezer)
    # The cloud was tried, and failed; the service refused the connection.
    assert set(building.cloud_calls) == {"friend_cloud", "desk_sms"}
    assert server.alert_posts() == []

    # The staff phone heard the alert (as the first responder would have), where to go and
    # that the service is not answering, at once.
    assert [h.at for h in building.phone] == [ALERT_AT, ALERT_AT]
    alert, service_down = (h.message for h in building.phone)
    assert alert.startswith("Room 1 needs a SAFETY CHECK (missed check-in).")
    assert ADDRESS in alert
    assert "the dispatch service is not answering" in service_down
    # The staff room heard it out loud, without the address; the siren called them.
    assert [h.at for h in building.speaker] == [ALERT_AT, ALERT_AT]
    assert all(ADDRESS not in h.message for h in building.speaker)
    assert building.siren == [ALERT_AT, ALERT_AT]
    assert building.light == [ALERT_AT, ALERT_AT]

    # The connection comes back: the queued alert arrives once, within the next probe.
    back = ALERT_AT + 30
    await advance_to(hass, freezer, server.clock, back)
    await server.up()
    await run_until(hass, freezer, lambda: len(server.store.alerts) == 1, limit=30)
    assert server.clock() <= back + 5.5
    await advance_to(hass, freezer, server.clock, server.clock() + 120)
    [stored] = server.store.alerts.values()
    assert stored.request["kind"] == "missed_check_in"
    assert len(server.alert_posts()) == 1


async def test_a_cloud_service_that_hangs_is_covered_after_a_few_seconds(
    hass: HomeAssistant, server: FaultyServer, freezer: FrozenDateTimeFactory
) -> None:
    """The service is up; the first responder's cloud notify never returns."""
    building = _building(hass, server.clock)
    building.cloud_calls = _cloud(hass, None)
    await start_site(hass, server, options=OPTIONS)

    server.clock.start()
    await hass.services.async_call(
        DOMAIN, "start_session", {"station": station_device(hass)}, blocking=True
    )
    await advance_to(hass, freezer, server.clock, INTERVAL, INTERVAL + ANSWER)
    await tick(hass, freezer, COUNTDOWN)
    assert building.cloud_calls == ["friend_cloud"]
    assert building.phone == []
    # The service took the alert: nothing about it being down.
    assert len(server.store.alerts) == 1

    await tick(hass, freezer, LOCAL_AFTER)
    await spin()
    assert [h.at for h in building.phone] == [ALERT_AT + LOCAL_AFTER]
    assert building.phone[0].message.startswith("Room 1 needs a SAFETY CHECK")
    assert building.siren == [ALERT_AT + LOCAL_AFTER]
    hass.data["test_release_cloud"].set()
    await hass.async_block_till_done()


async def test_cloud_that_works_leaves_the_building_alone(
    hass: HomeAssistant, server: FaultyServer, freezer: FrozenDateTimeFactory
) -> None:
    building = _building(hass, server.clock)
    friend = listen(hass, "friend_cloud", server.clock)
    await start_site(hass, server, options=OPTIONS)
    await _miss_a_check_in(hass, server, freezer)
    await advance_to(hass, freezer, server.clock, ALERT_AT + 10)
    assert [h.at for h in friend] == [ALERT_AT]
    assert building.phone == []
    assert building.speaker == []
    assert building.siren == []
    assert building.light == []


async def test_only_the_dispatch_service_down_still_calls_the_building(
    hass: HomeAssistant, server: FaultyServer, freezer: FrozenDateTimeFactory
) -> None:
    building = _building(hass, server.clock)
    listen(hass, "friend_cloud", server.clock)
    desk = listen(hass, "desk_sms", server.clock)
    await start_site(hass, server, options=OPTIONS)
    await server.down()
    await _miss_a_check_in(hass, server, freezer)
    assert [h.at for h in desk] == [ALERT_AT]
    assert [h.at for h in building.phone] == [ALERT_AT]
    assert "the dispatch service is not answering" in building.phone[0].message
    await server.up()


async def test_a_drill_never_sounds_the_siren(
    hass: HomeAssistant, server: FaultyServer, freezer: FrozenDateTimeFactory
) -> None:
    building = _building(hass, server.clock)
    building.cloud_calls = _cloud(hass, lambda: HomeAssistantError("offline"))
    await start_site(hass, server, options=OPTIONS)
    await server.down()
    server.clock.start()
    await hass.services.async_call(
        DOMAIN, "test_alert", {"station": station_device(hass)}, blocking=True
    )
    await advance_to(hass, freezer, server.clock, 1)
    assert building.phone
    assert all(h.message.startswith("[TEST]") for h in building.phone)
    assert building.siren == []
    assert building.light == []


async def test_a_network_that_swallows_everything_still_reaches_the_building(
    hass: HomeAssistant, server: FaultyServer, freezer: FrozenDateTimeFactory
) -> None:
    """Nothing outside answers (a route that drops packets): the dispatch service accepts the
    connection and never replies, every cloud notify call hangs. The building hears the
    responder's message within the countdown plus LOCAL_AFTER, the service's silence at
    FALLBACK_AFTER, and the alert reaches the service once when the network is back."""
    building = _building(hass, server.clock)
    building.cloud_calls = _cloud(hass, None)
    await start_site(hass, server, options=OPTIONS)
    server.fault(hang(server))
    server.clock.start()
    await hass.services.async_call(
        DOMAIN, "start_session", {"station": station_device(hass)}, blocking=True
    )
    await advance_to(hass, freezer, server.clock, INTERVAL, INTERVAL + ANSWER)
    await tick(hass, freezer, COUNTDOWN, LOCAL_AFTER - 0.1)
    assert building.phone == []

    await tick(hass, freezer, 0.1)
    assert [h.at for h in building.phone] == [ALERT_AT + LOCAL_AFTER]
    assert building.phone[0].message.startswith("Room 1 needs a SAFETY CHECK (missed check-in).")
    assert ADDRESS in building.phone[0].message
    assert building.siren == [ALERT_AT + LOCAL_AFTER]
    assert building.light == [ALERT_AT + LOCAL_AFTER]

    await tick(hass, freezer, FALLBACK_AFTER - LOCAL_AFTER)
    await until(lambda: len(building.phone) == 2)
    assert building.phone[1].at == ALERT_AT + FALLBACK_AFTER
    assert "the dispatch service is not answering" in building.phone[1].message

    # The network is back: the client gives up on the hanging request after its timeout and
    # sends it again, with the same key.
    server.heal()
    for _ in range(8):
        await tick(hass, freezer, 0.5)
    await until(lambda: len(server.store.alerts) == 1)
    await tick(hass, freezer, 120)
    assert len(server.store.alerts) == 1
    assert len({p.key for p in server.alert_posts()}) == 1
    # Nothing more for the building: each message reached it once.
    assert len(building.phone) == 2
    hass.data["test_release_cloud"].set()
    server.released.set()
    await hass.async_block_till_done()
