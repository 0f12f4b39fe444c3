"""Program statistics, counted by hand: alerts, times, outcomes, sessions, faults, uptime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.brave.core.engine.state import InvalidStateError
from custom_components.brave.core.stats import (
    ALL_STATIONS,
    COLUMNS,
    FORGET_OPEN_AFTER,
    KEEP_MONTHS,
    SUM_SERIES,
    ProgramStats,
    Row,
    SeriesRows,
    station_series,
)

PARIS = ZoneInfo("Europe/Paris")
# 30 November 2026, 22:30 in Paris (21:30 UTC): an hour and a half before December there.
T0 = datetime(2026, 11, 30, 21, 30, tzinfo=UTC)


def _s(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _alert(
    stats: ProgramStats, station: str, key: str, at: datetime, kind: str, **extra: Any
) -> None:
    stats.event(station, "alert", {"alert_key": key, "trigger": kind, "late": False, **extra}, at)


def test_an_alert_is_counted_with_its_times_and_outcome() -> None:
    stats = ProgramStats(PARIS, hourly=True)
    _alert(stats, "a", "a-1", T0, "help_request")
    stats.event("a", "responder_attending", {"alert_key": "a-1", "responder": "Sam"}, _s(40))
    # A second acknowledgement (another responder, a webhook replayed) adds nothing.
    stats.event("a", "responder_attending", {"alert_key": "a-1"}, _s(60))
    stats.event("a", "en_route", {"alert_key": "a-1"}, _s(70))
    stats.event("a", "on_scene", {"alert_key": "a-1"}, _s(300))
    stats.event("a", "on_scene", {"alert_key": "a-1"}, _s(310))
    stats.event("a", "resolved", {"alert_key": "a-1", "outcome": "occupant_ok"}, _s(400))
    # Steps of alerts it never saw, and events without a key, are not counted.
    stats.event("a", "resolved", {"alert_key": "a-0", "outcome": "overdose"}, _s(410))
    stats.event("a", "prompt", {}, _s(420))
    figures = stats.summary("2026-11").figures()
    assert figures["alerts"] == figures["alerts_help_request"] == 1
    assert figures["acknowledged"] == figures["on_scene"] == 1
    assert figures["median_time_to_acknowledge_s"] == 40.0
    assert figures["median_time_to_on_scene_s"] == 300.0
    assert figures["outcome_occupant_ok"] == figures["outcomes_recorded"] == 1
    assert figures["outcome_overdose"] == 0
    assert figures["false_alarm_percent"] == 100.0
    assert stats.open == {}


def test_tests_are_counted_apart_and_never_in_times_or_outcomes() -> None:
    stats = ProgramStats(PARIS, hourly=False)
    _alert(stats, "a", "a-1", T0, "test", test=True)
    _alert(stats, "a", "a-1", T0, "test", test=True)
    stats.event("a", "responder_attending", {"alert_key": "a-1"}, _s(10))
    stats.event("a", "on_scene", {"alert_key": "a-1"}, _s(10))
    stats.event("a", "resolved", {"alert_key": "a-1", "outcome": "test"}, _s(20))
    figures = stats.summary("2026-11").figures()
    assert (figures["alerts"], figures["test_alerts"], figures["acknowledged"]) == (0, 1, 0)
    assert figures["outcomes_recorded"] == 0
    assert figures["false_alarm_percent"] is None
    assert figures["median_time_to_acknowledge_s"] is None
    # Without the recorder, no hours are kept.
    assert stats.hours == {}


def test_later_steps_count_in_the_month_the_alert_began() -> None:
    stats = ProgramStats(PARIS, hourly=True)
    # 22:30 in Paris on 30 November; closed at 01:30 on 1 December.
    _alert(stats, "a", "a-1", T0, "stillness")
    stats.event("a", "resolved", {"alert_key": "a-1", "outcome": "safer_use"}, _s(3 * 3600))
    _alert(stats, "a", "a-2", _s(3 * 3600), "missed_check_in")
    assert stats.summary("2026-11").figures()["outcome_safer_use"] == 1
    assert stats.summary("2026-12").figures()["alerts_missed_check_in"] == 1
    assert stats.summary("2026-12").figures()["outcomes_recorded"] == 0


def test_visits_sessions_and_faults() -> None:
    stats = ProgramStats(PARIS, hourly=True)
    stats.session("a", "visit", T0)
    stats.session("a", "check_in", T0)
    stats.session("b", "visit", T0)
    stats.device_faults("a", {"event.x:unavailable"}, T0)
    # The same fault again is not new; a second fault is.
    stats.device_faults("a", {"event.x:unavailable", "event.x:battery_low"}, _s(60))
    stats.device_faults("a", set(), _s(120))
    stats.device_faults("a", {"event.x:unavailable"}, _s(180))
    figures = stats.summary("2026-11").figures()
    assert (figures["visits"], figures["check_in_sessions"], figures["device_faults"]) == (2, 1, 3)
    assert stats.months["2026-11"]["a"].device_faults == 3


def test_uptime_counts_only_observed_time_and_splits_at_hours_and_months() -> None:
    stats = ProgramStats(PARIS, hourly=True)
    stats.observe("a", T0)
    stats.observe("b", T0)
    # "a" has a fault from 22:00 UTC (23:00 in Paris) for two hours.
    stats.device_faults("a", {"radar:stuck"}, _s(1800))
    stats.device_faults("a", set(), _s(1800 + 7200))
    stats.stop(_s(4 * 3600))
    # Not observed while stopped: four hours later nothing was counted.
    stats.observe("a", _s(8 * 3600))
    stats.observe("a", _s(9 * 3600))
    november, december = stats.months["2026-11"], stats.months["2026-12"]
    # Paris: 22:30 to midnight in November, then December.
    assert november["a"].observed_s == november["b"].observed_s == 5400
    assert november["a"].faulted_s == 3600
    assert december["a"].observed_s == 9000 + 3600
    assert december["a"].faulted_s == 3600
    assert december["b"].observed_s == 9000
    assert stats.summary("2026-12").uptime_percent == round(100 * (1 - 3600 / 21600), 2)
    assert stats.summary("2027-01").uptime_percent is None


def test_finished_hours_become_rows_with_running_sums() -> None:
    stats = ProgramStats(PARIS, hourly=True)
    stats.observe("a", T0)
    _alert(stats, "a", "a-1", T0, "help_request")
    stats.event("a", "responder_attending", {"alert_key": "a-1"}, _s(30))
    _alert(stats, "a", "a-2", _s(1200), "help_request")
    stats.event("a", "responder_attending", {"alert_key": "a-2"}, _s(1290))
    # No hour has finished: only the zero rows of every sum series.
    first = stats.drain(T0, ["a"])
    assert {s.series for s in first} == {
        *SUM_SERIES,
        *(station_series("a", n) for n in ("alerts", "device_faults")),
    }
    assert all(s.rows == [Row(datetime(2026, 11, 30, 20, tzinfo=UTC))] for s in first)
    stats.device_faults("a", {"event.x:unavailable"}, _s(900))
    stats.observe("a", _s(3600))
    rows = {s.series: s for s in stats.drain(_s(3600), ["a"])}
    hour = datetime(2026, 11, 30, 21, tzinfo=UTC)
    assert rows["alerts"].rows == [Row(hour, sum=2)]
    assert rows[station_series("a", "alerts")].rows == [Row(hour, sum=2)]
    assert rows["device_faults"].rows == [Row(hour, sum=1)]
    assert rows["time_to_acknowledge"] == SeriesRows(
        "time_to_acknowledge", True, "s", [Row(hour, mean=60, min=30, max=90)]
    )
    assert rows["uptime"].rows == [Row(hour, mean=50, min=50, max=50)]
    # A later hour carries the running sum on; handed over once.
    _alert(stats, "a", "a-3", _s(3700), "duration")
    later = {s.series: s for s in stats.drain(_s(2 * 3600), ["a"])}
    assert later["alerts"].rows == [Row(hour + timedelta(hours=1), sum=3)]
    assert stats.drain(_s(2 * 3600), ["a"]) == []


def test_a_new_station_starts_at_zero_before_its_first_row() -> None:
    stats = ProgramStats(PARIS, hourly=True)
    stats.drain(T0, [])
    _alert(stats, "new", "new-1", T0, "help_request")
    rows = {s.series: s.rows for s in stats.drain(_s(3600), [])}
    hour = datetime(2026, 11, 30, 21, tzinfo=UTC)
    assert rows[station_series("new", "alerts")] == [
        Row(hour - timedelta(hours=1)),
        Row(hour, sum=1),
    ]


def test_prune_forgets_old_open_alerts_and_old_months() -> None:
    stats = ProgramStats(PARIS, hourly=False)
    _alert(stats, "a", "a-1", T0, "help_request")
    for n in range(KEEP_MONTHS + 2):
        stats.session("a", "visit", T0 + timedelta(days=31 * n))
    stats.prune(T0 + FORGET_OPEN_AFTER)
    assert stats.open == {}
    assert len(stats.months) == KEEP_MONTHS
    assert "2026-11" not in stats.months


def test_the_table_has_a_site_row_and_a_row_per_station_each_month() -> None:
    stats = ProgramStats(PARIS, hourly=False)
    _alert(stats, "b", "b-1", T0, "help_request")
    _alert(stats, "a", "a-1", T0, "stillness")
    stats.session("a", "visit", _s(3 * 3600))
    rows = stats.table("site1", {"a": "room_sensing", "b": "help_button"})
    assert [(r["month"], r["station"], r["station_modes"]) for r in rows] == [
        ("2026-11", ALL_STATIONS, ""),
        ("2026-11", "a", "room_sensing"),
        ("2026-11", "b", "help_button"),
        ("2026-12", ALL_STATIONS, ""),
        ("2026-12", "a", "room_sensing"),
    ]
    assert all(tuple(r) == COLUMNS for r in rows)
    assert rows[0]["alerts"] == 2


def test_everything_is_stored_and_read_back() -> None:
    stats = ProgramStats(PARIS, hourly=True)
    stats.observe("a", T0)
    _alert(stats, "a", "a-1", T0, "help_request")
    stats.event("a", "responder_attending", {"alert_key": "a-1"}, _s(30))
    stats.device_faults("a", {"event.x:unavailable"}, _s(60))
    stats.drain(T0, ["a"])
    again = ProgramStats(PARIS, hourly=True)
    again.load(stats.dump())
    assert again.dump() == stats.dump()


@pytest.mark.parametrize(
    ("data", "bad"),
    [
        ({"months": []}, ["months"]),
        ({"months": {"2025-01": []}}, ["months/2025-01"]),
        ({"months": {"2025-01": {"a": {"test_alerts": -1}}}}, ["months/2025-01/a"]),
        ({"months": {"2025-01": {"a": {"observed_s": True}}}}, ["months/2025-01/a"]),
        ({"months": {"2025-01": {"a": {"ack_times": ["1"]}}}}, ["months/2025-01/a"]),
        ({"open": {"a-1": {"station": "a", "at": "2026-11-30T10:00:00"}}}, ["open/a-1"]),
        ({"hours": {"not a time": {}}}, ["hours/not a time"]),
        ({"faults": {"a": [1]}}, ["faults/a"]),
        ({"sums": {"alerts": "1"}}, ["sums/alerts"]),
    ],
)
def test_a_stored_record_that_cannot_be_read_costs_only_itself(
    data: dict[str, Any], bad: list[str]
) -> None:
    stats = ProgramStats(PARIS, hourly=True)
    stats.observe("a", T0)
    stats.observe("b", T0)
    _alert(stats, "b", "b-1", T0, "help_request")
    stats.event("b", "responder_attending", {"alert_key": "b-1"}, _s(30))
    stats.device_faults("b", {"event.x:unavailable"}, _s(60))
    stats.observe("a", _s(90))
    good = stats.dump()
    mangled = {
        section: {**good[section], **data.get(section, {})}
        if isinstance(data.get(section, {}), dict)
        else data[section]
        for section in good
    }
    again = ProgramStats(PARIS, hourly=True)
    assert again.load(mangled) == bad
    # Everything else is as it was.
    if bad != ["months"]:
        month = again.month_of(T0)
        assert again.tally(month, "b").dump() == stats.tally(month, "b").dump()
    assert "b-1" in again.open
    assert again.faults["b"] == {"event.x:unavailable"}
    assert again.hours == stats.hours


def test_stored_statistics_that_are_not_an_object_are_refused() -> None:
    with pytest.raises(InvalidStateError):
        ProgramStats(PARIS, hourly=True).load([])
