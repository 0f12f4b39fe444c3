"""The system clock stepped an hour back or forward (NTP at boot, a dead RTC battery, a time
zone mistake) while a countdown or the reminders run: everything keeps its time.

The wall clock is stepped through the site clock's seam while frozen time, which Home
Assistant's loop clock follows, keeps flowing: that is what a step looks like from inside.
All times below are on the test clock (the monotonic one), not the stepped wall clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from custom_components.brave.adapters.site import POLL_INTERVAL, WEBHOOK_GRACE
from custom_components.brave.const import DOMAIN

from ..conftest import WEBHOOK_ID
from ..helpers import station_state
from .conftest import (
    Desk,
    FaultyServer,
    advance_to,
    free_port,
    listen,
    press,
    run_until,
    start_site,
    station_device,
    status,
)

HOUR = 3600.0


class WallClock:
    """The wall clock as the site reads it: frozen time plus a step."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return dt_util.utcnow() + self.offset

    def step(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@pytest.fixture
def wall() -> Iterator[WallClock]:
    clock = WallClock()
    with patch("custom_components.brave.adapters.clock.wall_now", clock):
        yield clock


async def _check_in(hass: HomeAssistant) -> None:
    await hass.services.async_call(
        DOMAIN, "start_session", {"station": station_device(hass)}, blocking=True
    )


@pytest.mark.parametrize("step", [-HOUR, HOUR], ids=["back", "forward"])
async def test_step_during_the_countdown_keeps_every_step_on_time(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    wall: WallClock,
    step: float,
) -> None:
    """Check-in every 5 min, 60 s to answer, a 20 s countdown, reminders every 2 min: the
    wall clock steps 10 s into the countdown."""
    spoken = listen(hass, "speak", server.clock, domain="tts")
    friend = listen(hass, "friend", server.clock)
    fallback = listen(hass, "fallback_sms", server.clock)
    await start_site(hass, server)
    server.clock.start()
    await _check_in(hass)
    await advance_to(hass, freezer, server.clock, 300, 360, 370)
    assert station_state(hass) == "countdown"
    wall.step(step)
    await advance_to(hass, freezer, server.clock, *range(375, 900, 5))

    # In the room: the prompt, the countdown, then "help is called" when it runs out.
    assert [h.at for h in spoken] == [300, 360, 380]
    [posted] = server.alert_posts()
    assert posted.at == 380
    # Reminders keep their 2-minute rhythm from the alert, none skipped, none twice.
    assert [h.at for h in friend] == [380, 500, 620, 740]
    assert [h.at for h in fallback] == [620, 740]
    [stored] = server.store.alerts.values()
    assert [e["note"] for e in stored.events] == [
        "reminder 1",
        "reminder 2",
        "fallback 2",
        "final 3",
    ]
    assert [a.at for a in server.arrivals if a.path.endswith("/events")] == [500, 620, 620, 740]


@pytest.mark.parametrize("step", [-HOUR, HOUR], ids=["back", "forward"])
async def test_step_between_reminders_keeps_their_rhythm(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    wall: WallClock,
    step: float,
) -> None:
    friend = listen(hass, "friend", server.clock)
    await start_site(hass, server)
    server.clock.start()
    press(hass)
    await hass.async_block_till_done()
    await advance_to(hass, freezer, server.clock, 60)
    wall.step(step)
    await advance_to(hass, freezer, server.clock, *range(65, 600, 5))
    assert [h.at for h in friend] == [0, 120, 240, 360]


async def test_polling_survives_a_step_back(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    wall: WallClock,
    desk: Desk,
) -> None:
    """Webhooks cannot arrive (a private callback address): the clock steps back an hour, and
    a responder's answer still shows within WEBHOOK_GRACE plus one poll, not an hour later."""
    await start_site(
        hass, server, callback_url=f"http://192.168.1.20:8123/api/webhook/{WEBHOOK_ID}"
    )
    [site_id] = server.store.sites
    server.store.set_callback_url(
        site_id, f"http://127.0.0.1:{free_port()}/api/webhook/{WEBHOOK_ID}"
    )
    server.clock.start()
    press(hass)
    await hass.async_block_till_done()
    await advance_to(hass, freezer, server.clock, 10)
    [alert_id] = server.store.alerts
    wall.step(-HOUR)
    await advance_to(hass, freezer, server.clock, 15)
    await desk.act(alert_id, "acknowledged")
    acted = server.clock()
    await run_until(
        hass, freezer, lambda: station_state(hass) == "responder_attending", step=1, limit=HOUR
    )
    assert server.clock() - acted <= (WEBHOOK_GRACE + POLL_INTERVAL).total_seconds()


@pytest.mark.parametrize("step", [-HOUR, HOUR], ids=["back", "forward"])
async def test_step_while_the_service_asked_to_wait_keeps_the_wait(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    wall: WallClock,
    step: float,
) -> None:
    """Retry-After: 120, then the clock steps: the next attempt still comes at 120 s, not an
    hour later nor at once."""
    await start_site(hass, server)
    server.fault(status(503, headers={"Retry-After": "120"}), times=1)
    server.clock.start()
    press(hass)
    await hass.async_block_till_done()
    await advance_to(hass, freezer, server.clock, 30)
    wall.step(step)
    await run_until(hass, freezer, lambda: bool(server.store.alerts), step=1, limit=HOUR)
    first, second = server.alert_posts()
    assert (first.at, second.at) == (0, 120)
