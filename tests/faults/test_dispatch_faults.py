"""A dispatch service that refuses, resets, hangs, answers garbage or redirects.

Every case asserts the same three things a person relies on: the alert reaches the service
once (or is knowingly given up), nothing is sent twice, and the fallback group hears in time
(at once when the service fails outright, within FALLBACK_AFTER when it just does not answer).
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.brave.adapters.dispatch_sender import FALLBACK_AFTER, MAX_IN_FLIGHT
from custom_components.brave.const import DOMAIN

from .conftest import (
    ALERTS,
    FaultyServer,
    Heard,
    Stopwatch,
    advance_to,
    free_port,
    hang,
    press,
    reset_after_acting,
    run_until,
    spin,
    start_site,
    station_id,
    status,
    tick,
    until,
)

DOWN = "dispatch service is not answering"
QUEUED = "sensor.brave_reference_dispatch_queued_dispatch_writes"


def _down_notices(heard: list[Heard]) -> list[Heard]:
    return [h for h in heard if DOWN in h.message]


def _queued(hass: HomeAssistant) -> str:
    state = hass.states.get(QUEUED)
    assert state is not None
    return state.state


async def _ladder_to_the_end(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, clock: Stopwatch, fallback: list[Heard]
) -> None:
    """Nobody answers: the ladder runs to its final step; the fallback group hears only the
    notice it was given plus the ladder's own fallback and final steps."""
    await advance_to(hass, freezer, clock, 120, 240, 360, 600)
    assert [h.at for h in fallback[1:]] == [240, 360]
    assert "nobody has answered yet" in fallback[1].message
    assert fallback[2].message.startswith("FINAL alert")


async def test_refused_connection_fallback_at_once_then_delivered_once(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    fallback: list[Heard],
) -> None:
    await start_site(hass, server)
    await server.down()
    server.clock.start()
    press(hass)
    await hass.async_block_till_done()
    [notice] = fallback
    assert notice.at == 0
    assert DOWN in notice.message
    # A help request releases the details: the fallback group knows where to go.
    assert "12 Example Street" in notice.message

    await server.up()
    # The first back-off is 0.5-1 s.
    await run_until(hass, freezer, lambda: bool(server.store.alerts), limit=1.5)
    assert _queued(hass) == "0"
    await _ladder_to_the_end(hass, freezer, server.clock, fallback)
    [posted] = server.alert_posts()
    assert len(server.store.alerts) == 1
    assert len(_down_notices(fallback)) == 1
    assert posted.at <= 1.0


async def test_reset_after_the_service_acted_is_retried_with_the_same_key(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    fallback: list[Heard],
) -> None:
    """The service stores the alert, then the connection drops before its answer."""
    await start_site(hass, server)
    server.fault(reset_after_acting, times=1)
    server.clock.start()
    press(hass)
    await hass.async_block_till_done()
    assert len(server.store.alerts) == 1
    assert [h.at for h in _down_notices(fallback)] == [0]

    await run_until(hass, freezer, lambda: len(server.alert_posts()) == 2, limit=1.5)
    first, again = server.alert_posts()
    assert again.key == first.key
    assert 0.5 <= again.at <= 1.0
    await _ladder_to_the_end(hass, freezer, server.clock, fallback)
    assert len(server.store.alerts) == 1
    assert len(server.alert_posts()) == 2
    [stored] = server.store.alerts.values()
    # The reminders reached the one alert there is.
    assert [e["note"] for e in stored.events] == [
        "reminder 1",
        "reminder 2",
        "fallback 2",
        "final 3",
    ]


async def test_5xx_with_garbage_bodies_is_retried_with_backoff(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    fallback: list[Heard],
) -> None:
    await start_site(hass, server)
    server.fault(status(502, b"<html><body>Bad gateway</body></html>"), times=1)
    server.fault(
        status(500, b"\xff\xfe not even text", {"Content-Type": "application/json"}), times=1
    )
    server.clock.start()
    press(hass)
    await hass.async_block_till_done()
    await run_until(hass, freezer, lambda: bool(server.store.alerts), limit=4)
    first, second, third = server.alert_posts()
    assert first.at == 0
    assert 0.5 <= second.at <= 1.0
    # The second back-off is 1-2 s.
    assert 1.0 <= third.at - second.at <= 2.0
    assert len({first.key, second.key, third.key}) == 1
    assert [h.at for h in _down_notices(fallback)] == [0]
    await _ladder_to_the_end(hass, freezer, server.clock, fallback)
    assert len(server.store.alerts) == 1


async def test_2xx_that_breaks_the_contract_is_a_refusal_told_at_once(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    fallback: list[Heard],
    friend: list[Heard],
) -> None:
    """An answer the integration cannot read is not retried (the same key would bring the same
    answer back): the user is told, the fallback group hears at once with the details, and the
    site's own ladder carries on."""
    await start_site(hass, server)
    server.fault(status(201, b'{"alert_id": 42, "status": "open"}'))
    server.clock.start()
    press(hass)
    await hass.async_block_till_done()
    issues = [i for (d, _), i in ir.async_get(hass).issues.items() if d == DOMAIN]
    assert [i.translation_key for i in issues] == ["dispatch_rejected"]
    [notice] = fallback
    assert notice.at == 0
    assert "12 Example Street" in notice.message
    assert _queued(hass) == "0"
    await _ladder_to_the_end(hass, freezer, server.clock, fallback)
    # One attempt, never repeated; the responders' ladder ran in full.
    assert len(server.alert_posts()) == 1
    assert [h.at for h in friend] == [0, 120, 240, 360]


async def test_html_where_json_belongs_is_a_refusal_told_at_once(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    fallback: list[Heard],
) -> None:
    await start_site(hass, server)
    server.fault(status(200, b"<html>Welcome to the hotel wifi</html>"))
    server.clock.start()
    press(hass)
    await hass.async_block_till_done()
    assert [h.at for h in fallback] == [0]
    await advance_to(hass, freezer, server.clock, 60)
    assert len(server.alert_posts()) == 1


async def test_redirect_is_not_followed_and_details_stay_put(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    fallback: list[Heard],
    socket_enabled: None,
) -> None:
    """A 3xx would re-send the key, the address and the contacts to whatever origin it names."""
    elsewhere = FaultyServer(free_port(), server.clock)
    await elsewhere.up()
    try:
        await start_site(hass, server)
        server.fault(status(307, headers={"Location": f"{elsewhere.url}{ALERTS}"}))
        server.clock.start()
        press(hass)
        await hass.async_block_till_done()
        await advance_to(hass, freezer, server.clock, 60)
        assert elsewhere.arrivals == []
        assert len(server.alert_posts()) == 1
        assert [h.at for h in fallback] == [0]
        issues = [i for (d, _), i in ir.async_get(hass).issues.items() if d == DOMAIN]
        assert [i.translation_key for i in issues] == ["dispatch_rejected"]
    finally:
        await elsewhere.down()


async def test_service_that_never_answers_three_rooms_each_fallback_on_time(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    fallback: list[Heard],
) -> None:
    """Accepts connections and never answers: each room's fallback group hears at
    FALLBACK_AFTER, none waits for another's request to time out."""
    await start_site(hass, server, rooms=3)
    server.fault(hang(server))
    server.clock.start()
    for room in (1, 2, 3):
        press(hass, room)
    await until(lambda: len(server.alert_posts()) == 3)
    await tick(hass, freezer, FALLBACK_AFTER - 0.1)
    assert fallback == []
    await tick(hass, freezer, 0.1)
    await until(lambda: len(fallback) == 3)
    assert [h.at for h in fallback] == [FALLBACK_AFTER] * 3
    assert sorted(h.message.split(" needs")[0] for h in fallback) == ["Room 1", "Room 2", "Room 3"]

    # The client gives up on each request after its 10 s timeout and tries again, with the
    # same key; the service is back by then.
    server.heal()
    for _ in range(8):
        await tick(hass, freezer, 0.5)
    await until(lambda: len(server.store.alerts) == 3)
    posts = server.alert_posts()
    assert len(posts) == 6
    assert all(p.at <= 12.0 for p in posts)
    assert len({p.key for p in posts}) == 3
    await tick(hass, freezer, 60)
    assert len(server.store.alerts) == 3
    assert len(fallback) == 3


async def test_one_hanging_alert_does_not_hold_up_another(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    fallback: list[Heard],
) -> None:
    await start_site(hass, server, rooms=2)
    server.fault(hang(server), match=lambda body: body["station"]["id"] == station_id(1))
    server.clock.start()
    press(hass, 1)
    await spin()
    press(hass, 2)
    # Room 2's alert is taken at once (its answer read), while Room 1's request hangs.
    await until(lambda: len(server.store.alerts) == 1 and _queued(hass) == "1")
    [stored] = server.store.alerts.values()
    assert stored.request["station"]["id"] == station_id(2)
    assert server.clock() == 0
    await tick(hass, freezer, FALLBACK_AFTER)
    await until(lambda: len(fallback) == 1)
    [notice] = fallback
    assert notice.at == FALLBACK_AFTER
    assert notice.message.startswith("Room 1")


async def test_events_of_a_taken_alert_go_while_another_hangs(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Room 2's more presses reach its alert at once while Room 1's alert hangs."""
    await start_site(hass, server, rooms=2)
    server.fault(hang(server), match=lambda body: body["station"]["id"] == station_id(1))
    server.clock.start()
    press(hass, 2)
    await until(lambda: len(server.store.alerts) == 1)
    press(hass, 1)
    await until(lambda: len(server.alert_posts()) == 2)
    await tick(hass, freezer, 1)
    press(hass, 2)
    [stored] = server.store.alerts.values()
    await until(lambda: len(stored.events) == 1)
    assert stored.events[0]["type"] == "escalated"
    assert server.clock() == 1


async def test_hanging_alerts_in_every_slot_do_not_hold_up_a_new_one(
    hass: HomeAssistant, server: FaultyServer, freezer: FrozenDateTimeFactory
) -> None:
    """As many hanging requests as may run at once: the next room's alert still goes at
    once, and its more presses too."""
    rooms = MAX_IN_FLIGHT + 1
    await start_site(hass, server, rooms=rooms)
    server.fault(hang(server), match=lambda body: body["station"]["id"] != station_id(rooms))
    server.clock.start()
    for room in range(1, rooms):
        press(hass, room)
    await until(lambda: len(server.alert_posts()) == MAX_IN_FLIGHT)
    press(hass, rooms)
    await until(lambda: len(server.store.alerts) == 1 and _queued(hass) == str(MAX_IN_FLIGHT))
    await tick(hass, freezer, 1)
    press(hass, rooms)
    [stored] = server.store.alerts.values()
    await until(lambda: len(stored.events) == 1)
    assert server.clock() == 1
