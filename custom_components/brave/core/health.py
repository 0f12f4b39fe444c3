"""Device health: which bound devices need a person's attention, and when to say so.

Pure policy, no Home Assistant imports and no clock reads: every function takes the times it
needs. `health_monitor.py` feeds it from Home Assistant (docs/devices.md, "Device health").

Faults per device:

- unavailable: Home Assistant shows the entity as unavailable.
- silent: no report (a state change or a repeated report, attributes included) for longer
  than the device's silence limit. Radars: their profile's report interval plus 5 minutes;
  25 hours when the profile does not know it (such radars report on change only, and an empty
  room must not look like a dead sensor; unavailability still shows sooner). Door
  contacts: 24 hours (they report on opening and with their periodic battery report).
  Buttons report only when pressed, so they are never "silent": only their availability and
  battery are checked.
- battery_low: under 20 %; it clears only above 80 % (Brave's hysteresis), so a battery that
  recovers a little in the warmth does not flap.
- stuck: a radar shows someone present with no change in presence, movement or distance for
  12 hours.

Notices: the first notice of a fault goes out at once, whatever the time. Reminders (every 4
hours while the fault lasts) go out only inside the site's operating hours. A recovery is
announced at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Final

GRACE: Final = timedelta(minutes=5)
# For radars that report only on change: a day and an hour, long past any periodic report.
RADAR_UNKNOWN_SILENT_AFTER: Final = timedelta(hours=25)
DOOR_SILENT_AFTER: Final = timedelta(hours=24)
STUCK_AFTER: Final = timedelta(hours=12)
BATTERY_LOW_BELOW: Final = 20.0
BATTERY_OK_ABOVE: Final = 80.0
REMINDER_EVERY: Final = timedelta(hours=4)


class Role(StrEnum):
    """What a device does for its station."""

    PRESENCE = "presence"
    MOTION = "motion"
    DOOR = "door"
    BUTTON = "button"


class Fault(StrEnum):
    """Something wrong with one device."""

    UNAVAILABLE = "unavailable"
    SILENT = "silent"
    BATTERY_LOW = "battery_low"
    STUCK = "stuck"


def silent_after(role: Role, report_interval: timedelta | None = None) -> timedelta | None:
    """How long a device may stay quiet; None when silence says nothing (buttons)."""
    if role in (Role.PRESENCE, Role.MOTION):
        return RADAR_UNKNOWN_SILENT_AFTER if report_interval is None else report_interval + GRACE
    if role is Role.DOOR:
        return DOOR_SILENT_AFTER
    return None


@dataclass(frozen=True, slots=True)
class Device:
    """One bound device (its main entity) and its silence limit."""

    key: str
    role: Role
    silent_after: timedelta | None = None


@dataclass(frozen=True, slots=True)
class Observation:
    """What Home Assistant last showed of one device."""

    available: bool = True
    last_report: datetime | None = None
    battery: float | None = None
    occupied: bool = False
    # The last change in presence, movement or distance (radars only).
    last_activity: datetime | None = None


def battery_low(level: float | None, was_low: bool) -> bool:
    """Low under 20 %; once low, low until above 80 %. Unknown keeps what was known."""
    if level is None:
        return was_low
    if was_low:
        return level <= BATTERY_OK_ABOVE
    return level < BATTERY_LOW_BELOW


def device_faults(
    device: Device, seen: Observation, now: datetime, previous: frozenset[Fault] = frozenset()
) -> frozenset[Fault]:
    """The device's faults now; `previous` carries the battery's hysteresis."""
    faults: set[Fault] = set()
    if not seen.available:
        faults.add(Fault.UNAVAILABLE)
    limit = device.silent_after
    if limit is not None and seen.last_report is not None and now - seen.last_report > limit:
        faults.add(Fault.SILENT)
    if battery_low(seen.battery, Fault.BATTERY_LOW in previous):
        faults.add(Fault.BATTERY_LOW)
    if (
        device.role is Role.PRESENCE
        and seen.occupied
        and seen.last_activity is not None
        and now - seen.last_activity > STUCK_AFTER
    ):
        faults.add(Fault.STUCK)
    return frozenset(faults)


def next_check(device: Device, seen: Observation) -> datetime | None:
    """The earliest time a fault could appear without any new report."""
    times = []
    if device.silent_after is not None and seen.last_report is not None:
        times.append(seen.last_report + device.silent_after + timedelta(seconds=1))
    if device.role is Role.PRESENCE and seen.occupied and seen.last_activity is not None:
        times.append(seen.last_activity + STUCK_AFTER + timedelta(seconds=1))
    return min(times, default=None)


class InvalidHoursError(ValueError):
    """Operating hours could not be read."""


def _time(text: str) -> time:
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError as err:
        raise InvalidHoursError(text) from err


@dataclass(frozen=True, slots=True)
class OperatingHours:
    """When reminders may go out: `HH:MM-HH:MM` (overnight allowed), or always."""

    start: time | None = None
    end: time | None = None

    @classmethod
    def parse(cls, text: str | None) -> OperatingHours:
        """Read `08:00-20:00`; empty means always."""
        if not text or not text.strip():
            return cls()
        start, dash, end = text.partition("-")
        if not dash:
            raise InvalidHoursError(text)
        first, last = _time(start), _time(end)
        if first == last:
            raise InvalidHoursError(text)
        return cls(first, last)

    def is_open(self, at: datetime) -> bool:
        """Whether `at` (in the site's local time) is inside the hours."""
        if self.start is None or self.end is None:
            return True
        now = at.time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def next_open(self, at: datetime) -> datetime:
        """`at` when inside the hours, else the next opening (in `at`'s time zone)."""
        if self.start is None or self.is_open(at):
            return at
        opening = datetime.combine(at.date(), self.start, tzinfo=at.tzinfo)
        return opening if opening > at else opening + timedelta(days=1)


class NoticeKind(StrEnum):
    """Why a health contact is told."""

    FIRST = "first"
    REMINDER = "reminder"
    RECOVERED = "recovered"


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to send about one fault of one device."""

    kind: NoticeKind
    device: str
    fault: Fault


@dataclass(slots=True)
class StationHealth:
    """A station's faults and when each was last told."""

    faults: dict[str, frozenset[Fault]] = field(default_factory=dict)
    told: dict[tuple[str, Fault], datetime] = field(default_factory=dict)

    def update(
        self,
        current: Mapping[str, frozenset[Fault]],
        now: datetime,
        hours: OperatingHours,
        every: timedelta = REMINDER_EVERY,
    ) -> list[Notice]:
        """Take the faults found now; returns what to tell the health contacts."""
        self.faults = {key: faults for key, faults in current.items() if faults}
        active = {(key, fault) for key, faults in self.faults.items() for fault in faults}
        notices = []
        for key, fault in sorted(set(self.told) - active):
            del self.told[(key, fault)]
            notices.append(Notice(NoticeKind.RECOVERED, key, fault))
        for key, fault in sorted(active):
            last = self.told.get((key, fault))
            if last is None:
                notices.append(Notice(NoticeKind.FIRST, key, fault))
            elif now - last >= every and hours.is_open(now):
                notices.append(Notice(NoticeKind.REMINDER, key, fault))
            else:
                continue
            self.told[(key, fault)] = now
        return notices

    def next_reminder(
        self, hours: OperatingHours, every: timedelta = REMINDER_EVERY
    ) -> datetime | None:
        """When the next reminder is due (inside the hours), if any fault lasts."""
        return min((hours.next_open(last + every) for last in self.told.values()), default=None)
