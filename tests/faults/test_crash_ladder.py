"""A restart or a hard crash at every step of the ladder, in every mode, loses and repeats nothing.

Each run goes the whole way (prompt, countdown, release point, reminders, fallback, final,
acknowledged, occupant okay, resolved) with Home Assistant stopped after one step: cleanly
(restart), or by a crash (a new instance starts from what was on disk). It must end exactly as
a run without a stop: one alert, each event once and at its time, each responder told each
thing once, the fallback group at the second reminder.

What a crash can repeat: a step whose messages went out in the instant before its write reached
the disk is done again by the new instance, so responders hear that one message twice; the
dispatch service sees the same idempotency keys and keeps one alert and each event once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.brave.adapters.site_storage import _SiteStore
from custom_components.brave.const import DOMAIN

from ..conftest import STATION_ID, RunningServer, site_with_station
from ..crash import crashed
from ..helpers import advance, setup_site, station_state
from .ladder import (
    CHECK_IN,
    FALLBACK,
    HELP,
    MODES,
    OPTIONS,
    ROOM,
    SAM,
    Action,
    Mode,
    Record,
    expected_events,
    expected_told,
)

HELP_SHOWN = f"{DOMAIN}_{STATION_ID}-1_help"
# Steps after which an alert is open (Home Assistant shows that help was called).
_ALERT_OPEN = {
    "release point",
    "reminder 1",
    "reminder 2 and fallback",
    "final",
    "acknowledged",
    "occupant okay",
}


def _shown(hass: HomeAssistant) -> set[str]:
    return set(hass.data.get(persistent_notification.DOMAIN, {}))


async def _lost(store: _SiteStore, data: dict[str, Any]) -> None:
    """A write that has not reached the disk yet."""


@contextmanager
def _site_writes_lost() -> Iterator[None]:
    """None of the site's writes (its store, its journal) reaches the disk."""
    write = Store._async_write_data

    async def lost(store: Store[Any], data: dict[str, Any]) -> None:
        if not store.key.startswith(f"{DOMAIN}."):
            await write(store, data)

    with patch.object(Store, "_async_write_data", lost):
        yield


@dataclass(slots=True)
class Run:
    """One site through one ladder, across the Home Assistant instances it goes through."""

    hass: HomeAssistant
    hass_storage: dict[str, Any]
    server: RunningServer
    freezer: FrozenDateTimeFactory
    record: Record | None = None
    entry: MockConfigEntry | None = None

    async def start(self, mode: Mode) -> Record:
        """Set up the site; the record starts now."""
        self.record = Record()
        self.record.prepare(self.hass)
        mode.room(self.hass)
        self.entry = site_with_station(self.server, mode.data, options=OPTIONS)
        await setup_site(self.hass, self.entry)
        self.record.start = dt_util.utcnow()
        return self.record

    async def until(self, mode: Mode, last: str) -> list[tuple[str, Action]]:
        """Begin and run the ladder through the step `last`; the steps left."""
        await mode.begin(self.hass, self.freezer)
        steps = list(mode.steps)
        while steps:
            name, act = steps.pop(0)
            await act(self.hass, self.freezer)
            if name == last:
                break
        return steps

    @asynccontextmanager
    async def crash(self, mode: Mode) -> AsyncIterator[HomeAssistant]:
        """Crash now; the new instance, with the room as it is and the responders' phones."""
        assert self.record is not None
        assert self.entry is not None
        record, before = self.record, self.hass

        def prepare(after: HomeAssistant) -> None:
            record.prepare(after)
            mode.room(after, before)

        async with crashed(self.hass, self.hass_storage, self.entry, prepare) as (after, entry):
            self.hass, self.entry = after, entry
            yield after

    async def restart(self) -> None:
        """Stop the site cleanly, then Home Assistant restarts (its notifications are gone)."""
        assert self.entry is not None
        assert await self.hass.config_entries.async_unload(self.entry.entry_id)
        await self.hass.async_block_till_done()
        persistent_notification.async_dismiss(self.hass, HELP_SHOWN)
        await setup_site(self.hass, self.entry)


@pytest.fixture
def run(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
) -> Run:
    return Run(hass, hass_storage, dispatch_server, freezer)


async def _ladder(
    run: Run,
    mode: Mode,
    stop_after: str | None,
    how: str,
    *,
    unsaved: bool = False,
    check: Callable[[HomeAssistant], None] | None = None,
) -> Record:
    """Run a mode's ladder to its end, stopping Home Assistant once after `stop_after`.

    `unsaved`: the stop comes before the step's writes (store and journal) reached the disk
    (a slow disk), so the new instance starts from the state before the step. `check` looks at
    the instance that carries on, right after the stop.
    """
    record = await run.start(mode)
    async with AsyncExitStack() as stack:
        await mode.begin(run.hass, run.freezer)
        for name, act in mode.steps:
            if name != stop_after:
                await act(run.hass, run.freezer)
                continue
            if unsaved:
                with _site_writes_lost():
                    await act(run.hass, run.freezer)
            else:
                await act(run.hass, run.freezer)
            if how == "restart":
                await run.restart()
            else:
                await stack.enter_async_context(run.crash(mode))
            if not unsaved:
                # Home Assistant shows again that help was called while the alert is open.
                assert (HELP_SHOWN in _shown(run.hass)) == (name in _ALERT_OPEN)
            if check is not None:
                check(run.hass)
        # Long after the end nothing more happens.
        await advance(run.hass, run.freezer, 600, 600)
        assert HELP_SHOWN not in _shown(run.hass)
    return record


def _as_without_a_stop(record: Record, server: RunningServer, mode: Mode) -> None:
    assert len(server.store.alerts) == 1
    assert record.events(server) == expected_events(mode.alert_at)
    for who, told in expected_told(mode.alert_at).items():
        assert record.to(who) == told, who
    # The fallback group first hears at the second reminder.
    assert record.to(FALLBACK)[0] == (mode.alert_at + 240, "fallback")


@pytest.mark.parametrize("mode", MODES, ids=[mode.name for mode in MODES])
async def test_the_ladder_without_a_stop(run: Run, mode: Mode) -> None:
    """What every run with a stop is held to."""
    record = await _ladder(run, mode, None, "none")
    _as_without_a_stop(record, run.server, mode)


@pytest.mark.parametrize("how", ["restart", "crash"])
@pytest.mark.parametrize(
    ("mode", "stop_after"),
    [(mode, name) for mode in MODES for name, _ in mode.steps],
    ids=[f"{mode.name}, {name}" for mode in MODES for name, _ in mode.steps],
)
async def test_a_stop_at_any_step_loses_and_repeats_nothing(
    run: Run, mode: Mode, stop_after: str, how: str
) -> None:
    record = await _ladder(run, mode, stop_after, how)
    _as_without_a_stop(record, run.server, mode)


# What a step that leaves Home Assistant tells responders (seconds after the alert, messages).
_STEP_MESSAGES = {
    "release point": (0, {"alert"}),
    "reminder 1": (120, {"reminder"}),
    "reminder 2 and fallback": (240, {"reminder", "fallback"}),
    "final": (360, {"final"}),
}
_WINDOWS = [
    (mode, step)
    for mode in MODES
    for step in _STEP_MESSAGES
    # A press is an input, not a deadline: see the journal test below.
    if (mode, step) != (HELP, "release point")
]


@pytest.mark.parametrize(
    ("mode", "stop_after"), _WINDOWS, ids=[f"{mode.name}, {step}" for mode, step in _WINDOWS]
)
async def test_a_crash_before_the_write_reached_the_disk_repeats_only_that_message(
    run: Run, mode: Mode, stop_after: str
) -> None:
    """The crash window: a step went out (messages sent, the request made) and Home Assistant
    died before its write reached the disk. The new instance does the step again: responders
    hear that message twice, the dispatch service sees the same idempotency keys (one alert,
    each event once), and everything after keeps its time."""
    record = await _ladder(run, mode, stop_after, "crash", unsaved=True)
    assert len(run.server.store.alerts) == 1
    assert record.events(run.server) == expected_events(mode.alert_at)
    after_alert, kinds = _STEP_MESSAGES[stop_after]
    at = mode.alert_at + after_alert
    for who, told in expected_told(mode.alert_at).items():
        repeated = [(t, kind) for t, kind in told if t == at and kind in kinds]
        assert sorted(record.to(who)) == sorted(told + repeated), who


@pytest.mark.parametrize("stop_after", ["acknowledged", "occupant okay"])
async def test_an_answer_in_the_instant_before_a_crash_repeats_nothing(
    run: Run, stop_after: str
) -> None:
    """An answer is an input, not a deadline: it is not done again. Its messages went out once;
    the station, started from the state before it, shows the alert as it was before that
    answer (a person may need to answer again). Each answer is written at once, so only the
    last one can be lost this way."""
    before = {"acknowledged": "alert", "occupant okay": "responder_attending"}[stop_after]

    def as_before(after: HomeAssistant) -> None:
        assert station_state(after) == before

    record = await _ladder(run, CHECK_IN, stop_after, "crash", unsaved=True, check=as_before)
    _as_without_a_stop(record, run.server, CHECK_IN)


async def test_a_crash_before_a_resolution_reached_the_disk_raises_no_false_repair(
    run: Run,
) -> None:
    """The service has the resolution; the new instance does not close it again.

    The close went to the journal before its request left, so the new instance knows it; a
    step the service already holds under the same key (answered 422
    idempotency_key_reused) is done, never a refusal with a repair.
    """
    record = await run.start(CHECK_IN)
    [(_, resolve)] = await run.until(CHECK_IN, "occupant okay")
    with patch.object(_SiteStore, "_async_write_data", _lost):
        await resolve(run.hass, run.freezer)
    async with run.crash(CHECK_IN) as after:
        await advance(after, run.freezer, 5, 5)
        # The new instance learnt the resolution from the service (a medical outcome ends
        # the session).
        assert station_state(after) == "idle"
        assert {i for d, i in ir.async_get(after).issues if d == DOMAIN} == set()
    assert record.to(FALLBACK)[-1] == (CHECK_IN.alert_at + 360, "closed")


async def test_a_help_press_in_the_instant_before_a_crash_still_escalates(run: Run) -> None:
    """A press is an input, not a deadline: nothing would do it again. Its alert reached the
    journal before it left, so the new instance carries its ladder on."""
    record = await run.start(HELP)
    with patch.object(_SiteStore, "_async_write_data", _lost):
        await run.until(HELP, "release point")
    assert len(run.server.store.alerts) == 1
    async with run.crash(HELP) as after:
        await advance(after, run.freezer, 120, 120, 120)
    assert record.to(FALLBACK) == [(240, "fallback"), (360, "final")]


@pytest.mark.parametrize("mode", MODES, ids=[mode.name for mode in MODES])
async def test_down_across_the_second_reminder_the_fallback_group_hears_at_restart(
    run: Run, mode: Mode
) -> None:
    """Down from the first reminder to 30 s past the second: at restart the second reminder
    and the fallback notice go at once (late, once); the final keeps its own time."""
    record = await run.start(mode)
    rest = await run.until(mode, "reminder 1")
    run.freezer.tick(150)
    late = mode.alert_at + 270
    async with run.crash(mode) as after:
        assert record.to(FALLBACK) == [(late, "fallback")]
        await advance(after, run.freezer, 90)
        # The final came on its own time; the answers follow.
        for _, act in rest[2:]:
            await act(after, run.freezer)
        await advance(after, run.freezer, 600)
    assert record.events(run.server) == expected_events(mode.alert_at)
    for who, expected in expected_told(mode.alert_at).items():
        moved = [(late if at == mode.alert_at + 240 else at, kind) for at, kind in expected]
        assert record.to(who) == moved, who


@pytest.mark.parametrize("mode", [CHECK_IN, ROOM], ids=["check-in", "room sensing"])
async def test_down_across_the_release_point_the_occupant_gets_a_real_countdown(
    run: Run, mode: Mode
) -> None:
    """The countdown ran out while nothing ran, so nobody in the room could stop it: it runs
    again in full from the restart, then the alert goes out once."""
    record = await run.start(mode)
    await run.until(mode, "countdown")
    countdowns = len(record.said)
    run.freezer.tick(60)
    restart = mode.alert_at + 40
    async with run.crash(mode) as after:
        assert record.said[countdowns:] == [(restart, record.said[countdowns - 1][1])]
        assert "20 seconds" in record.said[-1][1]
        assert run.server.store.alerts == {}
        await advance(after, run.freezer, 19)
        assert run.server.store.alerts == {}
        await advance(after, run.freezer, 1)
        assert station_state(after) == "alert"
    assert record.events(run.server) == [(restart + 20, "alert")]
    assert record.to(SAM) == [(restart + 20, "alert")]
