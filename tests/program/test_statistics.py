"""A month of a small program, simulated through real Home Assistant and the reference dispatch
service, and every statistic checked against a count made by hand.

Three rooms: a bedroom with a help button (A), a washroom with a radar and a door (B) and a
room where the occupant runs check-in sessions (C). Responders answer on the dispatch
service's side (its store), and Brave hears them by polling, every 5 s: every step of the
simulation is a multiple of 5 s from the start, so each time below is exact.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta
import io
import json
from pathlib import Path
from statistics import median
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import (
    list_statistic_ids,
    statistics_during_period,
)
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.brave.const import DOMAIN
from custom_components.brave.core.stats import COLUMNS

from ..conftest import ADDRESS, PHONE, RunningServer, site_data, station_data
from ..helpers import advance

A, B, C = "station0001", "station0002", "station0003"
BUTTON_A, BUTTON_B, BUTTON_C = "event.bedroom_button", "event.washroom_button", "event.room_c"
RADAR, DOOR = "binary_sensor.washroom_radar", "binary_sensor.washroom_door"
STEP = 5  # seconds: the polling interval
HALF_DAY = timedelta(hours=12)


def _station(title: str, sid: str, data: dict[str, Any]) -> ConfigSubentryData:
    return ConfigSubentryData(
        data=data, subentry_id=sid, subentry_type="station", title=title, unique_id=None
    )


def _site(server: RunningServer) -> MockConfigEntry:
    site = server.store.add_site({"name": "Home", "callback_url": None})
    bedroom, washroom, room_c = (
        station_data(),
        station_data(room_sensing=True, door=True),
        station_data(),
    )
    bedroom["sensors"]["buttons"] = [BUTTON_A]
    washroom["sensors"].update(buttons=[BUTTON_B], presence=RADAR, door=DOOR)
    washroom["modes"].update(help_button=False, check_in=False)
    room_c["sensors"]["buttons"] = [BUTTON_C]
    return MockConfigEntry(
        domain=DOMAIN,
        title="Brave reference dispatch",
        unique_id=server.url,
        data=site_data(server, site),
        subentries_data=[
            _station("Bedroom", A, bedroom),
            _station("Washroom", B, washroom),
            _station("Room C", C, room_c),
        ],
    )


class Program:
    """Drives the month: presses, visits, sessions, and responders at the dispatch service."""

    def __init__(
        self, hass: HomeAssistant, freezer: FrozenDateTimeFactory, server: RunningServer
    ) -> None:
        self.hass, self.freezer, self.server = hass, freezer, server

    async def until(self, at: datetime) -> None:
        """Step 5 s at a time (polling and every station timer run as they would)."""
        steps = int((at - dt_util.utcnow()).total_seconds()) // STEP
        assert steps >= 0
        await advance(self.hass, self.freezer, *[STEP] * steps)
        assert dt_util.utcnow() == at

    async def jump(self, at: datetime) -> None:
        """Jump over a quiet stretch (no station has anything due), half a day at a time."""
        while (left := at - dt_util.utcnow()) > timedelta(0):
            await advance(self.hass, self.freezer, min(left, HALF_DAY).total_seconds())
            # The radar and the door report twice a day, as real ones do (device health).
            for entity in (RADAR, DOOR):
                state = self.hass.states.get(entity)
                assert state is not None
                self.hass.states.async_set(entity, state.state, state.attributes)
            await self.hass.async_block_till_done()

    async def press(self, button: str, gesture: str = "single") -> datetime:
        self.hass.states.async_set(button, dt_util.utcnow().isoformat(), {"event_type": gesture})
        await self.hass.async_block_till_done()
        return dt_util.utcnow()

    async def service(self, name: str, station: str) -> datetime:
        device = er.async_get(self.hass).async_get(
            er.async_get(self.hass).async_get_entity_id("sensor", DOMAIN, f"{station}_state") or ""
        )
        assert device is not None
        await self.hass.services.async_call(
            DOMAIN, name, {"station": device.device_id}, blocking=True
        )
        await self.hass.async_block_till_done()
        return dt_util.utcnow()

    async def respond(
        self, sent: datetime, ack: int | None, scene: int | None, outcome: str
    ) -> None:
        """A volunteer takes the newest alert `ack` s after it was sent, is there at `scene`."""
        await self.hass.async_block_till_done()
        alert_id = list(self.server.store.alerts)[-1]
        for status, after in (("acknowledged", ack), ("on_scene", scene)):
            if after is not None:
                await self.until(sent + timedelta(seconds=after - STEP))
                self.server.store.set_status(alert_id, status, "Sam", None)
                await self.until(sent + timedelta(seconds=after))
        self.server.store.set_status(alert_id, "resolved", "Sam", outcome)
        await advance(self.hass, self.freezer, STEP)

    async def visit(self, stay: int) -> datetime:
        """Someone walks into the washroom and closes the door; the visit begins 3 s later."""
        await advance(self.hass, self.freezer, 2)
        self.hass.states.async_set(RADAR, "on")
        self.hass.states.async_set(DOOR, "off")
        await advance(self.hass, self.freezer, 3)
        start = dt_util.utcnow()
        await self.until(start + timedelta(seconds=stay))
        return start

    async def leave(self) -> None:
        self.hass.states.async_set(DOOR, "on")
        self.hass.states.async_set(RADAR, "off")
        await advance(self.hass, self.freezer, STEP)


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """The recorder's database is prepared before Home Assistant starts (recorder_mock)."""


def _day(start: datetime, day: int, hour: int = 8, minute: int = 0) -> datetime:
    return start + timedelta(days=day - 1, hours=hour - 8, minutes=minute)


async def _first_half(p: Program, start: datetime) -> None:
    # Day 1: a help press in the bedroom; a volunteer takes it after 30 s, is there at 120 s:
    # the person was okay.
    await p.respond(await p.press(BUTTON_A), 30, 120, "occupant_ok")
    # Day 2: a test alert, taken after 10 s and closed as a test.
    await p.jump(_day(start, 2))
    await p.respond(await p.service("test_alert", A), 10, None, "test")
    # Day 3: a visit to the washroom goes still: asked at 180 s, the countdown at 240 s, the
    # alert at 260 s. Taken at 45 s, on scene at 180 s: an overdose.
    await p.jump(_day(start, 3))
    visit = await p.visit(260)
    await p.respond(visit + timedelta(seconds=260), 45, 180, "overdose")
    await p.leave()
    # Day 4: a short visit, nothing needed.
    await p.jump(_day(start, 4))
    await p.visit(60)
    await p.leave()
    # Day 5: a check-in session in room C; the 5-minute check-in goes unanswered: the alert
    # at 380 s. Taken at 60 s; the person was okay. The session ends.
    await p.jump(_day(start, 5))
    session = await p.service("start_session", C)
    await p.until(session + timedelta(seconds=380))
    await p.respond(session + timedelta(seconds=380), 60, None, "occupant_ok")
    await p.service("end_session", C)
    # Day 6: help in the bedroom: taken at 20 s, on scene at 300 s, safer use support.
    await p.jump(_day(start, 6))
    await p.respond(await p.press(BUTTON_A), 20, 300, "safer_use")
    # Day 8: help in the bedroom: taken at 90 s; a technical issue.
    await p.jump(_day(start, 8))
    await p.respond(await p.press(BUTTON_A), 90, None, "technical_issue")
    # Day 10: the washroom again: taken at 40 s, on scene at 100 s, the person was okay.
    await p.jump(_day(start, 10))
    visit = await p.visit(260)
    await p.respond(visit + timedelta(seconds=260), 40, 100, "occupant_ok")
    await p.leave()


async def _second_half(p: Program, start: datetime, following: datetime) -> None:
    hass = p.hass
    # Day 12: a check-in session in room C, every check-in answered.
    await p.jump(_day(start, 12))
    session = await p.service("start_session", C)
    for n in (1, 2):
        await p.until(session + timedelta(seconds=300 * n + 10))
        await p.press(BUTTON_C, "double")
    await p.service("end_session", C)
    # Day 14: the bedroom button is unavailable from 10:00 to 16:00.
    await p.jump(_day(start, 14, 10))
    hass.states.async_set(BUTTON_A, "unavailable")
    await p.jump(_day(start, 14, 16))
    hass.states.async_set(BUTTON_A, "2026-01-01T00:00:00+00:00")
    await hass.async_block_till_done()
    # Day 15: help in the bedroom; nobody answers before the first reminder: taken at 150 s,
    # on scene at 400 s: a medical need.
    await p.jump(_day(start, 15))
    await p.respond(await p.press(BUTTON_A), 150, 400, "medical")
    # Day 20: a missed check-in in room C, taken at 35 s: the responder records a test.
    await p.jump(_day(start, 20))
    session = await p.service("start_session", C)
    await p.until(session + timedelta(seconds=380))
    await p.respond(session + timedelta(seconds=380), 35, None, "test")
    await p.service("end_session", C)
    # Day 25: a test alert nobody takes, closed as a test.
    await p.jump(_day(start, 25))
    await p.respond(await p.service("test_alert", A), None, None, "test")
    # Day 27: the washroom radar's battery is low from 12:00 to 14:00.
    await p.jump(_day(start, 27, 12))
    hass.states.async_set(RADAR, "off", {"battery": 10})
    await p.jump(_day(start, 27, 14))
    hass.states.async_set(RADAR, "off", {"battery": 85})
    await hass.async_block_till_done()
    # The last minute of the month: help in the bedroom at 23:59:40, taken 30 s later (in
    # the next month), the person was okay.
    await p.jump(following - timedelta(seconds=20))
    last = await p.press(BUTTON_A)
    await p.respond(last, 30, None, "occupant_ok")
    # The next month: help in the bedroom on its 1st, taken at 10 s, okay.
    await p.jump(following + timedelta(hours=8))
    await p.respond(await p.press(BUTTON_A), 10, None, "occupant_ok")


@dataclass(frozen=True, slots=True)
class Month:
    """The simulated month and the one after it."""

    entry: MockConfigEntry
    start: datetime  # 08:00 on the 1st, when Home Assistant started
    following: datetime  # midnight, the 1st of the next month
    end: datetime

    @property
    def name(self) -> str:
        return self.start.strftime("%Y-%m")

    @property
    def next_name(self) -> str:
        return self.following.strftime("%Y-%m")

    @property
    def observed(self) -> float:
        """Seconds each station was watched during the month."""
        return (self.following - self.start).total_seconds()


async def _simulate(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, server: RunningServer
) -> Month:
    await hass.config.async_set_time_zone("UTC")
    now = dt_util.utcnow()
    # 08:00 on the 1st of next month: the clock only moves forward.
    month_start = (now.replace(day=1) + timedelta(days=32)).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    following = (month_start + timedelta(days=32)).replace(day=1)
    start = month_start + timedelta(hours=8)
    freezer.move_to(start)
    for entity in (BUTTON_A, BUTTON_B, BUTTON_C):
        hass.states.async_set(entity, "unknown")
    hass.states.async_set(RADAR, "off", {"battery": 90})
    hass.states.async_set(DOOR, "on")
    entry = _site(server)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    p = Program(hass, freezer, server)
    await _first_half(p, start)
    await _second_half(p, start, following)
    end = following + timedelta(hours=10)
    await p.jump(end)
    return Month(entry, start, following, end)


def _hand_count(month: Month) -> dict[str, Any]:
    """The month's row for the whole site, counted from the story above."""
    acks = [30, 45, 60, 20, 90, 40, 150, 35, 30]
    scenes = [120, 180, 300, 100, 400]
    return {
        "month": month.name,
        "site": month.entry.entry_id,
        "station": "all",
        "station_modes": "",
        "alerts": 9,
        "alerts_help_request": 5,
        "alerts_stillness": 2,
        "alerts_duration": 0,
        "alerts_missed_check_in": 2,
        "test_alerts": 2,
        "acknowledged": 9,
        "median_time_to_acknowledge_s": float(median(acks)),
        "on_scene": 5,
        "median_time_to_on_scene_s": float(median(scenes)),
        "outcome_overdose": 1,
        "outcome_emergency": 0,
        "outcome_medical": 1,
        "outcome_occupant_ok": 4,
        "outcome_space_empty": 0,
        "outcome_safer_use": 1,
        "outcome_conflict": 0,
        "outcome_test": 1,
        "outcome_technical_issue": 1,
        "outcome_other": 0,
        "outcomes_recorded": 9,
        # Occupant okay (4) and test (1) of 9 closed alerts.
        "false_alarm_percent": round(100 * 5 / 9, 1),
        "visits": 3,
        "check_in_sessions": 3,
        "device_faults": 2,
        # Six hours of the bedroom button and two of the radar's battery, of three stations.
        "uptime_percent": round(100 * (1 - 8 * 3600 / (3 * month.observed)), 2),
    }


def _check_table(hass: HomeAssistant, month: Month, expected: dict[str, Any]) -> None:
    program = month.entry.runtime_data.program
    table = {(r["month"], r["station"]): r for r in program.table()}
    assert table[(month.name, "all")] == expected
    bedroom = table[(month.name, A)]
    assert (bedroom["alerts"], bedroom["alerts_help_request"], bedroom["test_alerts"]) == (5, 5, 2)
    assert bedroom["station_modes"] == "help_button+check_in"
    assert bedroom["device_faults"] == 1
    assert bedroom["uptime_percent"] == round(100 * (1 - 6 * 3600 / month.observed), 2)
    washroom = table[(month.name, B)]
    assert (washroom["alerts_stillness"], washroom["visits"]) == (2, 3)
    assert washroom["station_modes"] == "room_sensing"
    assert washroom["uptime_percent"] == round(100 * (1 - 2 * 3600 / month.observed), 2)
    assert table[(month.name, C)]["alerts_missed_check_in"] == 2
    assert table[(month.name, C)]["check_in_sessions"] == 3
    assert table[(month.next_name, "all")]["alerts"] == 1
    assert table[(month.next_name, "all")]["median_time_to_acknowledge_s"] == 10
    # The site's monthly summary sensor shows the month in progress.
    state = hass.states.get(_summary_sensor(hass, month))
    assert state is not None
    assert state.state == "1"
    assert state.attributes["month"] == month.next_name
    assert state.attributes["acknowledged"] == 1


def _summary_sensor(hass: HomeAssistant, month: Month) -> str:
    found = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{month.entry.entry_id}_program_summary"
    )
    assert found is not None
    return found


async def _check_csv(
    hass: HomeAssistant, tmp_path: Path, month: Month, expected: dict[str, Any]
) -> None:
    """The export opens as CSV, with the documented columns."""
    hass.config.config_dir = str(tmp_path)
    answer = await hass.services.async_call(
        DOMAIN, "export_statistics", {}, blocking=True, return_response=True
    )
    assert answer is not None
    path = Path(str(answer["path"]))
    assert path.parent == tmp_path / "brave"
    text = await hass.async_add_executor_job(path.read_text, "utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == COLUMNS
    # Two months, each with the site's row and the three stations' (each watched).
    assert answer["rows"] == len(rows) == 4 + 4
    exported = next(r for r in rows if r["month"] == month.name and r["station"] == "all")
    assert exported == {k: "" if v is None else str(v) for k, v in expected.items()}


async def _check_long_term(
    hass: HomeAssistant, recorder: Recorder, month: Month, expected: dict[str, Any]
) -> None:
    """Home Assistant's long-term statistics: each step in the hour it happened.

    The last alert of the month was taken, and closed, in the next one.
    """
    await async_wait_recording_done(hass)
    state = hass.states.get(_summary_sensor(hass, month))
    assert state is not None
    prefix = state.attributes["statistic_prefix"]
    listed = await recorder.async_add_executor_job(list_statistic_ids, hass)
    ours = {s["statistic_id"] for s in listed if s["source"] == DOMAIN}
    assert f"{prefix}_alerts_help_request" in ours
    names = {s["statistic_id"]: s["name"] for s in listed}
    assert names[f"{prefix}_station_{A}_device_faults"] == f"Brave station {A}: device faults"
    # Anonymous: no room's name, no address.
    assert not any("Bedroom" in str(s) or "Example" in str(s) for s in listed)

    def changes(start: datetime, end: datetime) -> dict[str, float]:
        found = statistics_during_period(hass, start, end, ours, "hour", None, {"change"})
        return {
            sid.removeprefix(f"{prefix}_"): sum(row.get("change") or 0 for row in rows)
            for sid, rows in found.items()
        }

    month_start = month.start - timedelta(hours=8)
    this = await recorder.async_add_executor_job(changes, month_start, month.following)
    then = await recorder.async_add_executor_job(changes, month.following, month.end)
    for name in ("alerts", "alerts_help_request", "alerts_stillness", "alerts_missed_check_in"):
        assert this[name] == expected[name], name
    assert this["test_alerts"] == 2
    assert (this["acknowledged"], then["acknowledged"]) == (8, 2)
    assert (this["outcome_occupant_ok"], then["outcome_occupant_ok"]) == (3, 2)
    assert this["on_scene"] == 5
    assert (this["visits"], this["check_in_sessions"], this["device_faults"]) == (3, 3, 2)
    assert (this[f"station_{A}_alerts"], this[f"station_{A}_device_faults"]) == (5, 1)
    assert (then["alerts"], then[f"station_{A}_alerts"]) == (1, 1)

    def hourly(statistic: str, at: datetime) -> dict[str, Any]:
        found = statistics_during_period(
            hass, at, at + timedelta(hours=1), {statistic}, "hour", None, {"mean", "min", "max"}
        )
        [row] = found[statistic]
        return dict(row)

    # The bedroom button's six hours: a third of the site's stations down, one at 0 %.
    down = await recorder.async_add_executor_job(
        hourly, f"{prefix}_uptime", _day(month.start, 14, 12)
    )
    assert (round(down["mean"], 2), down["min"], down["max"]) == (66.67, 0.0, 100.0)
    fine = await recorder.async_add_executor_job(hourly, f"{prefix}_uptime", _day(month.start, 13))
    assert (fine["mean"], fine["min"]) == (100.0, 100.0)
    took = await recorder.async_add_executor_job(
        hourly, f"{prefix}_time_to_acknowledge", _day(month.start, 15)
    )
    assert (took["mean"], took["min"], took["max"]) == (150.0, 150.0, 150.0)


async def test_a_month_of_alerts_counted_by_hand(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    tmp_path: Path,
    hass_storage: dict[str, Any],
) -> None:
    month = await _simulate(hass, freezer, dispatch_server)
    expected = _hand_count(month)
    _check_table(hass, month, expected)
    await _check_csv(hass, tmp_path, month, expected)
    await _check_long_term(hass, recorder_mock, month, expected)
    await _check_anonymous(hass, recorder_mock, tmp_path, month, hass_storage)


async def _check_anonymous(
    hass: HomeAssistant,
    recorder: Recorder,
    tmp_path: Path,
    month: Month,
    hass_storage: dict[str, Any],
) -> None:
    """Nothing the statistics keep or show names a room, a place, a person or a phone."""
    personal = ["Bedroom", "Washroom", "Room C", "Room 1", ADDRESS, PHONE, "Alex", "Friend in"]
    await hass.services.async_call(DOMAIN, "export_statistics", {}, blocking=True)
    exported = [p.read_text("utf-8") for p in (tmp_path / "brave").glob("*.csv")]
    stored = json.dumps(hass_storage[f"{DOMAIN}.{month.entry.entry_id}.statistics"])
    listed = await recorder.async_add_executor_job(list_statistic_ids, hass)
    summary = hass.states.get(_summary_sensor(hass, month))
    assert summary is not None
    shown = [*exported, stored, str(listed), str(dict(summary.attributes))]
    assert exported
    assert "station0001" in stored
    assert not [(word, text[:80]) for text in shown for word in personal if word in text]
