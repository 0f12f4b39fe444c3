"""Device health policy: faults, hysteresis, operating hours, reminders and recovery."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from custom_components.brave.core.health import (
    DOOR_SILENT_AFTER,
    Device,
    Fault,
    InvalidHoursError,
    NoticeKind,
    Observation,
    OperatingHours,
    Role,
    StationHealth,
    battery_low,
    device_faults,
    next_check,
    silent_after,
)

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
# A radar whose profile reports every 11 minutes (like Brave's own sensor heartbeat).
RADAR = Device(
    "binary_sensor.radar", Role.PRESENCE, silent_after(Role.PRESENCE, timedelta(minutes=11))
)
BUTTON = Device("event.button", Role.BUTTON, silent_after(Role.BUTTON))
DOOR = Device("binary_sensor.door", Role.DOOR, silent_after(Role.DOOR))


def test_silence_limits() -> None:
    # Radars that report only on change: an empty room is not a dead sensor.
    assert silent_after(Role.PRESENCE) == timedelta(hours=25)
    assert silent_after(Role.MOTION, timedelta(seconds=1)) == timedelta(minutes=5, seconds=1)
    assert silent_after(Role.DOOR) == DOOR_SILENT_AFTER == timedelta(hours=24)
    assert silent_after(Role.BUTTON) is None


def test_unavailable() -> None:
    assert device_faults(BUTTON, Observation(available=False), T0) == {Fault.UNAVAILABLE}
    assert device_faults(BUTTON, Observation(), T0) == frozenset()


def test_radar_silent_past_its_limit() -> None:
    seen = Observation(last_report=T0)
    assert device_faults(RADAR, seen, T0 + timedelta(minutes=16)) == frozenset()
    assert device_faults(RADAR, seen, T0 + timedelta(minutes=16, seconds=1)) == {Fault.SILENT}
    assert next_check(RADAR, seen) == T0 + timedelta(minutes=16, seconds=1)


def test_door_silent_and_buttons_never_silent() -> None:
    seen = Observation(last_report=T0)
    assert device_faults(DOOR, seen, T0 + timedelta(hours=25)) == {Fault.SILENT}
    assert device_faults(BUTTON, seen, T0 + timedelta(days=30)) == frozenset()
    assert next_check(BUTTON, seen) is None


@pytest.mark.parametrize(
    ("levels", "low"),
    [
        ([50], False),
        ([19], True),
        ([20], False),
        ([15, 50], True),
        ([15, 80], True),
        ([15, 85], False),
        ([15, None], True),
    ],
)
def test_battery_hysteresis(levels: list[float | None], low: bool) -> None:
    was = False
    for level in levels:
        was = battery_low(level, was)
    assert was is low


def test_battery_fault_uses_previous_faults() -> None:
    seen = Observation(battery=50)
    assert device_faults(BUTTON, seen, T0) == frozenset()
    assert device_faults(BUTTON, seen, T0, frozenset({Fault.BATTERY_LOW})) == {Fault.BATTERY_LOW}


def test_radar_stuck_when_occupied_without_change() -> None:
    seen = Observation(last_report=T0 + timedelta(hours=13), occupied=True, last_activity=T0)
    assert device_faults(RADAR, seen, T0 + timedelta(hours=13)) == {Fault.STUCK}
    empty = Observation(last_report=T0 + timedelta(hours=13), occupied=False, last_activity=T0)
    assert device_faults(RADAR, empty, T0 + timedelta(hours=13)) == frozenset()
    fresh = Observation(last_report=T0, occupied=True, last_activity=T0)
    assert next_check(RADAR, fresh) == T0 + timedelta(minutes=16, seconds=1)


def test_operating_hours() -> None:
    always = OperatingHours.parse("")
    assert always.is_open(T0.replace(hour=3))
    day = OperatingHours.parse("08:00-20:00")
    assert day == OperatingHours(time(8), time(20))
    assert day.is_open(T0.replace(hour=8))
    assert not day.is_open(T0.replace(hour=20))
    assert day.next_open(T0.replace(hour=21)) == T0.replace(hour=8) + timedelta(days=1)
    assert day.next_open(T0.replace(hour=6)) == T0.replace(hour=8)
    night = OperatingHours.parse("20:00-08:00")
    assert night.is_open(T0.replace(hour=23))
    assert night.is_open(T0.replace(hour=7))
    assert not night.is_open(T0.replace(hour=12))
    for bad in ("8-20", "08:00", "25:00-08:00", "08:00-08:00", "nine to five"):
        with pytest.raises(InvalidHoursError):
            OperatingHours.parse(bad)


def test_first_notice_at_once_reminders_inside_hours_then_recovery() -> None:
    hours = OperatingHours.parse("08:00-20:00")
    health = StationHealth()
    night = T0.replace(hour=22)
    silent = {RADAR.key: frozenset({Fault.SILENT})}

    # First notice at night: sent at once.
    [first] = health.update(silent, night, hours)
    assert first.kind is NoticeKind.FIRST
    assert health.update(silent, night + timedelta(hours=1), hours) == []
    # The reminder is due 4 h later but waits for the opening at 08:00.
    opening = T0.replace(hour=8) + timedelta(days=1)
    assert health.next_reminder(hours) == opening
    assert health.update(silent, night + timedelta(hours=5), hours) == []
    [reminder] = health.update(silent, opening, hours)
    assert reminder.kind is NoticeKind.REMINDER
    assert health.next_reminder(hours) == opening + timedelta(hours=4)

    [back] = health.update({RADAR.key: frozenset()}, opening + timedelta(hours=1), hours)
    assert back.kind is NoticeKind.RECOVERED
    assert back.fault is Fault.SILENT
    assert health.faults == {}
    assert health.next_reminder(hours) is None
