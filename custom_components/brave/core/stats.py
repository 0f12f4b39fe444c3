"""Program statistics: what a site's stations did, counted for the people who run the program.

Pure: no Home Assistant, no clock, no I/O; every input carries its time. Anonymous by
construction: a station is known by its opaque id (and its modes, in the table), an alert by
its kind; no label, location, name or contact ever enters.

Two views of the same counts (docs/drills-and-statistics.md, "Reading the numbers"):

- months: one tally per calendar month (in the site's time zone) and station. An alert's later
  steps (acknowledgement, on scene, outcome) count in the month the alert began, so a month's
  row speaks of that month's alerts.
- hours: what happened in each hour, kept until it is handed to Home Assistant's long-term
  statistics as one row per series and hour (sums for counts, means for times and uptime).

Test alerts are counted apart and never enter times or outcomes. Uptime is the share of the
time Home Assistant was running during which none of a station's devices had a fault; time it
was not running is not counted either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from statistics import median
from typing import Any, Final

from .alert_steps import step_of
from .engine.events import Outcome
from .engine.state import InvalidStateError

KINDS: Final = ("help_request", "stillness", "duration", "missed_check_in")
TEST_KIND: Final = "test"
OUTCOMES: Final = tuple(o.value for o in Outcome)
# Closed alerts where help was not needed after all: the false-alarm share's numerator.
FALSE_ALARMS: Final = frozenset({Outcome.OCCUPANT_OK.value, Outcome.TEST.value})
# Months kept (a funder's year and the one before it, and the current month).
KEEP_MONTHS: Final = 25
# An alert nobody closed in this long stops being followed (nothing more of it is counted).
FORGET_OPEN_AFTER: Final = timedelta(days=30)
# The table's row for a whole site.
ALL_STATIONS: Final = "all"
VISIT: Final = "visit"
CHECK_IN: Final = "check_in"
_HOUR: Final = timedelta(hours=1)

# Long-term statistics, one series each: counts (sums) for the site...
SUM_SERIES: Final = (
    "alerts",
    *(f"alerts_{kind}" for kind in KINDS),
    "test_alerts",
    "acknowledged",
    "on_scene",
    *(f"outcome_{outcome}" for outcome in OUTCOMES),
    "visits",
    "check_in_sessions",
    "device_faults",
)
# ... and for each station (station_series), and means with their units.
STATION_SUM_SERIES: Final = ("alerts", "device_faults")
MEAN_SERIES: Final = {"time_to_acknowledge": "s", "time_to_on_scene": "s", "uptime": "%"}

# The columns of the exported table, in order (docs/drills-and-statistics.md lists what each means).
COLUMNS: Final = (
    "month",
    "site",
    "station",
    "station_modes",
    "alerts",
    *(f"alerts_{kind}" for kind in KINDS),
    "test_alerts",
    "acknowledged",
    "median_time_to_acknowledge_s",
    "on_scene",
    "median_time_to_on_scene_s",
    *(f"outcome_{outcome}" for outcome in OUTCOMES),
    "outcomes_recorded",
    "false_alarm_percent",
    "visits",
    "check_in_sessions",
    "device_faults",
    "uptime_percent",
)


def _median(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


@dataclass(slots=True)
class Tally:
    """One station's month (or a sum of them)."""

    alerts: dict[str, int] = field(default_factory=dict)
    test_alerts: int = 0
    ack_times: list[float] = field(default_factory=list)
    scene_times: list[float] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    visits: int = 0
    check_in_sessions: int = 0
    device_faults: int = 0
    observed_s: float = 0.0
    faulted_s: float = 0.0

    def add(self, other: Tally) -> None:
        """Add another tally into this one."""
        for kind, n in other.alerts.items():
            self.alerts[kind] = self.alerts.get(kind, 0) + n
        for outcome, n in other.outcomes.items():
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + n
        self.test_alerts += other.test_alerts
        self.ack_times += other.ack_times
        self.scene_times += other.scene_times
        self.visits += other.visits
        self.check_in_sessions += other.check_in_sessions
        self.device_faults += other.device_faults
        self.observed_s += other.observed_s
        self.faulted_s += other.faulted_s

    @property
    def false_alarm_percent(self) -> float | None:
        """Closed real alerts where help was not needed (occupant okay, test), in percent."""
        closed = sum(self.outcomes.values())
        if not closed:
            return None
        needless = sum(n for outcome, n in self.outcomes.items() if outcome in FALSE_ALARMS)
        return round(100 * needless / closed, 1)

    @property
    def uptime_percent(self) -> float | None:
        """The share of observed time with every device healthy, in percent."""
        if self.observed_s <= 0:
            return None
        return round(100 * (1 - self.faulted_s / self.observed_s), 2)

    def figures(self) -> dict[str, int | float | None]:
        """Every figure of the table (COLUMNS past the first four)."""
        return {
            "alerts": sum(self.alerts.values()),
            **{f"alerts_{kind}": self.alerts.get(kind, 0) for kind in KINDS},
            "test_alerts": self.test_alerts,
            "acknowledged": len(self.ack_times),
            "median_time_to_acknowledge_s": _median(self.ack_times),
            "on_scene": len(self.scene_times),
            "median_time_to_on_scene_s": _median(self.scene_times),
            **{f"outcome_{o}": self.outcomes.get(o, 0) for o in OUTCOMES},
            "outcomes_recorded": sum(self.outcomes.values()),
            "false_alarm_percent": self.false_alarm_percent,
            "visits": self.visits,
            "check_in_sessions": self.check_in_sessions,
            "device_faults": self.device_faults,
            "uptime_percent": self.uptime_percent,
        }

    def dump(self) -> dict[str, Any]:
        """JSON-safe data."""
        return {
            "alerts": dict(self.alerts),
            "test_alerts": self.test_alerts,
            "ack_times": list(self.ack_times),
            "scene_times": list(self.scene_times),
            "outcomes": dict(self.outcomes),
            "visits": self.visits,
            "check_in_sessions": self.check_in_sessions,
            "device_faults": self.device_faults,
            "observed_s": self.observed_s,
            "faulted_s": self.faulted_s,
        }

    @classmethod
    def load(cls, data: Any) -> Tally:
        """Read dump()'s output; InvalidStateError when it cannot be."""
        r = _Reader(data)
        return cls(
            alerts=r.counts("alerts"),
            test_alerts=r.count("test_alerts"),
            ack_times=r.numbers("ack_times"),
            scene_times=r.numbers("scene_times"),
            outcomes=r.counts("outcomes"),
            visits=r.count("visits"),
            check_in_sessions=r.count("check_in_sessions"),
            device_faults=r.count("device_faults"),
            observed_s=r.number("observed_s"),
            faulted_s=r.number("faulted_s"),
        )


@dataclass(slots=True)
class OpenAlert:
    """An alert followed until it is closed."""

    station: str
    kind: str
    test: bool
    at: datetime
    month: str
    acknowledged: bool = False
    on_scene: bool = False


@dataclass(slots=True)
class Hour:
    """What happened in one hour, until it is handed to the long-term statistics."""

    counts: dict[str, int] = field(default_factory=dict)
    samples: dict[str, list[float]] = field(default_factory=dict)
    # Per station: seconds observed, and of them seconds with a device fault.
    observed: dict[str, float] = field(default_factory=dict)
    faulted: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Row:
    """One hour of a long-term statistic: a running sum, or a mean with its extremes."""

    start: datetime
    sum: float = 0.0
    mean: float = 0.0
    min: float = 0.0
    max: float = 0.0


@dataclass(frozen=True, slots=True)
class SeriesRows:
    """Rows of one long-term statistic (sums, or means when `mean`)."""

    series: str
    mean: bool
    unit: str | None
    rows: list[Row]


def station_series(station: str, name: str) -> str:
    """A station's own series (one of STATION_SUM_SERIES)."""
    return f"station_{station}_{name}"


def hour_of(at: datetime) -> datetime:
    """The start of `at`'s hour, in UTC."""
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


class ProgramStats:
    """A site's program statistics."""

    def __init__(self, tz: tzinfo, *, hourly: bool) -> None:
        """Count months in `tz`; keep hours for the long-term statistics when `hourly`."""
        self.tz = tz
        self.hourly = hourly
        self.months: dict[str, dict[str, Tally]] = {}
        self.open: dict[str, OpenAlert] = {}
        self.hours: dict[datetime, Hour] = {}
        # The last sum handed over per sum series (rows carry running sums).
        self.sums: dict[str, float] = {}
        # Each station's current device faults (`device:fault`).
        self.faults: dict[str, set[str]] = {}
        # Uptime is counted up to these times; a station is observed only while present here.
        self._since: dict[str, datetime] = {}

    # -- where counts go -----------------------------------------------------------------

    def month_of(self, at: datetime) -> str:
        """The calendar month of `at` in the site's time zone (`2026-11`)."""
        return at.astimezone(self.tz).strftime("%Y-%m")

    def tally(self, month: str, station: str) -> Tally:
        """The tally of one station's month."""
        return self.months.setdefault(month, {}).setdefault(station, Tally())

    def _hour(self, at: datetime) -> Hour | None:
        return self.hours.setdefault(hour_of(at), Hour()) if self.hourly else None

    def _count(self, at: datetime, *series: str, n: int = 1) -> None:
        if (hour := self._hour(at)) is not None:
            for name in series:
                hour.counts[name] = hour.counts.get(name, 0) + n

    def _sample(self, at: datetime, series: str, value: float) -> None:
        if (hour := self._hour(at)) is not None:
            hour.samples.setdefault(series, []).append(value)

    # -- inputs --------------------------------------------------------------------------

    def event(self, station: str, name: str, attributes: Mapping[str, Any], at: datetime) -> None:
        """A station's event (its event entity's type and attributes)."""
        key = attributes.get("alert_key")
        if not isinstance(key, str):
            return
        name, test = step_of(name)
        if name == "alert":
            self._alert(station, key, attributes, at, test=test)
            return
        alert = self.open.get(key)
        if alert is None:
            return
        if name == "resolved":
            del self.open[key]
            outcome = attributes.get("outcome")
            if not alert.test and isinstance(outcome, str):
                outcomes = self.tally(alert.month, alert.station).outcomes
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                self._count(at, f"outcome_{outcome}")
            return
        seconds = max(0.0, (at - alert.at).total_seconds())
        tally = self.tally(alert.month, alert.station)
        if name == "responder_attending" and not alert.acknowledged and not alert.test:
            alert.acknowledged = True
            tally.ack_times.append(seconds)
            self._count(at, "acknowledged")
            self._sample(at, "time_to_acknowledge", seconds)
        elif name == "on_scene" and not alert.on_scene and not alert.test:
            alert.on_scene = True
            tally.scene_times.append(seconds)
            self._count(at, "on_scene")
            self._sample(at, "time_to_on_scene", seconds)

    def _alert(
        self, station: str, key: str, attributes: Mapping[str, Any], at: datetime, *, test: bool
    ) -> None:
        if key in self.open:
            return
        kind = str(attributes.get("trigger", ""))
        test = test or attributes.get("test") is True or kind == TEST_KIND
        month = self.month_of(at)
        self.open[key] = OpenAlert(station, kind, test, at, month)
        tally = self.tally(month, station)
        if test:
            tally.test_alerts += 1
            self._count(at, "test_alerts")
            return
        tally.alerts[kind] = tally.alerts.get(kind, 0) + 1
        self._count(at, "alerts", f"alerts_{kind}", station_series(station, "alerts"))

    def session(self, station: str, kind: str, at: datetime) -> None:
        """A visit (room sensing) or a check-in session began."""
        tally = self.tally(self.month_of(at), station)
        if kind == VISIT:
            tally.visits += 1
            self._count(at, "visits")
        else:
            tally.check_in_sessions += 1
            self._count(at, "check_in_sessions")

    def device_faults(self, station: str, current: set[str], at: datetime) -> None:
        """A station's current device faults; each one new since the last look is counted."""
        self.observe(station, at)
        new = current - self.faults.get(station, set())
        if new:
            self.tally(self.month_of(at), station).device_faults += len(new)
            self._count(at, "device_faults", station_series(station, "device_faults"), n=len(new))
        self.faults[station] = set(current)

    def observe(self, station: str, at: datetime) -> None:
        """Count the station's uptime up to `at` (from now on if it was not observed)."""
        since = self._since.get(station)
        self._since[station] = at
        if since is None or at <= since:
            return
        faulted = bool(self.faults.get(station))
        for start, end in self._pieces(since, at):
            seconds = (end - start).total_seconds()
            tally = self.tally(self.month_of(start), station)
            tally.observed_s += seconds
            if faulted:
                tally.faulted_s += seconds
            if (hour := self._hour(start)) is not None:
                hour.observed[station] = hour.observed.get(station, 0.0) + seconds
                if faulted:
                    hour.faulted[station] = hour.faulted.get(station, 0.0) + seconds

    def stop(self, at: datetime) -> None:
        """Home Assistant stops: uptime is counted to now, and no further until it starts."""
        for station in list(self._since):
            self.observe(station, at)
        self._since.clear()

    def _pieces(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The interval cut at each hour and each month of the site's time zone."""
        while start < end:
            local = start.astimezone(self.tz)
            first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            next_month = (first + timedelta(days=32)).replace(day=1)
            cut = min(end, hour_of(start) + _HOUR, next_month.astimezone(UTC))
            yield start, cut
            start = cut

    # -- housekeeping --------------------------------------------------------------------

    def prune(self, at: datetime) -> None:
        """Forget alerts nobody closed in a month, and months past KEEP_MONTHS."""
        self.open = {k: a for k, a in self.open.items() if at - a.at < FORGET_OPEN_AFTER}
        for month in sorted(self.months)[:-KEEP_MONTHS]:
            del self.months[month]
        if not self.hourly:
            self.hours.clear()

    # -- outputs -------------------------------------------------------------------------

    def drain(self, before: datetime, stations: list[str]) -> list[SeriesRows]:
        """Rows for every hour that ended by `before`, handed over once.

        A sum series seen for the first time (a new site or station) starts with a zero row
        the hour before its first, so graphs of its changes begin at zero.
        """
        done = sorted(h for h in self.hours if h + _HOUR <= before)
        first = min([*done, hour_of(before)]) - _HOUR
        sums: dict[str, list[Row]] = {}
        names = [*SUM_SERIES, *(station_series(s, n) for s in stations for n in STATION_SUM_SERIES)]
        for name in names + sorted({n for h in done for n in self.hours[h].counts}):
            if name not in self.sums:
                self.sums[name] = 0.0
                sums[name] = [Row(first)]
        means: dict[str, list[Row]] = {}
        for start in done:
            hour = self.hours.pop(start)
            for name, n in sorted(hour.counts.items()):
                total = self.sums[name] = self.sums[name] + n
                sums.setdefault(name, []).append(Row(start, sum=total))
            for name, values in hour.samples.items():
                means.setdefault(name, []).append(_mean_row(start, values))
            if uptime := _uptime_row(start, hour):
                means.setdefault("uptime", []).append(uptime)
        return [SeriesRows(name, False, None, rows) for name, rows in sums.items()] + [
            SeriesRows(name, True, MEAN_SERIES[name], rows) for name, rows in means.items()
        ]

    def summary(self, month: str) -> Tally:
        """The whole site's tally of a month."""
        total = Tally()
        for tally in self.months.get(month, {}).values():
            total.add(tally)
        return total

    def table(self, site: str, modes: Mapping[str, str]) -> list[dict[str, Any]]:
        """The exported table: per month, the site's row, then each station's (COLUMNS)."""
        rows: list[dict[str, Any]] = []
        for month in sorted(self.months):
            stations = self.months[month]
            rows.append(
                {
                    "month": month,
                    "site": site,
                    "station": ALL_STATIONS,
                    "station_modes": "",
                    **self.summary(month).figures(),
                }
            )
            rows += [
                {
                    "month": month,
                    "site": site,
                    "station": station,
                    "station_modes": modes.get(station, ""),
                    **stations[station].figures(),
                }
                for station in sorted(stations)
            ]
        return rows

    # -- persistence ---------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        """JSON-safe data for the site's statistics store (uptime counted to the last look)."""
        return {
            "months": {
                month: {station: t.dump() for station, t in stations.items()}
                for month, stations in self.months.items()
            },
            "open": {
                key: {
                    "station": a.station,
                    "kind": a.kind,
                    "test": a.test,
                    "at": a.at.isoformat(),
                    "month": a.month,
                    "acknowledged": a.acknowledged,
                    "on_scene": a.on_scene,
                }
                for key, a in self.open.items()
            },
            "hours": {
                start.isoformat(): {
                    "counts": dict(h.counts),
                    "samples": {k: list(v) for k, v in h.samples.items()},
                    "observed": dict(h.observed),
                    "faulted": dict(h.faulted),
                }
                for start, h in self.hours.items()
            },
            "sums": dict(self.sums),
            "faults": {station: sorted(f) for station, f in self.faults.items()},
        }

    def load(self, data: Any) -> list[str]:
        """Read dump()'s output into this (empty) instance, record by record.

        A record that cannot be read is left out and named in the list returned, so one bad
        record never costs the others; InvalidStateError when `data` is not an object at all.
        """
        r = _Reader(data)
        readers: dict[str, Callable[[str, Any], None]] = {
            "months": self._load_month,
            "open": self._load_open,
            "hours": self._load_hour,
            "sums": self._load_sum,
            "faults": self._load_faults,
        }
        bad: list[str] = []
        for section, read in readers.items():
            try:
                records = r.mapping(section)
            except InvalidStateError:
                bad.append(section)
                continue
            if section == "months":
                # Each station's month is a record of its own (`2026-11/<station>`).
                records = {
                    f"{month}/{station}": tally
                    for month, stations in records.items()
                    for station, tally in (stations.items() if isinstance(stations, dict) else ())
                } | {month: None for month, s in records.items() if not isinstance(s, dict)}
            for key, raw in records.items():
                try:
                    read(key, raw)
                except InvalidStateError, ValueError:
                    bad.append(f"{section}/{key}")
        return bad

    def _load_month(self, key: str, raw: Any) -> None:
        month, _, station = key.partition("/")
        if not station:
            raise InvalidStateError(f"not a month of stations: {key}")
        tally = Tally.load(raw)
        self.tally(month, station).add(tally)

    def _load_open(self, key: str, raw: Any) -> None:
        a = _Reader(raw)
        self.open[key] = OpenAlert(
            a.text("station"),
            a.text("kind"),
            a.flag("test"),
            a.time("at"),
            a.text("month"),
            a.flag("acknowledged"),
            a.flag("on_scene"),
        )

    def _load_hour(self, start: str, raw: Any) -> None:
        h = _Reader(raw)
        self.hours[_Reader({"start": start}).time("start")] = Hour(
            h.counts("counts"),
            {k: _Reader({"v": v}).numbers("v") for k, v in h.mapping("samples").items()},
            h.numbers_by("observed"),
            h.numbers_by("faulted"),
        )

    def _load_sum(self, name: str, raw: Any) -> None:
        self.sums[name] = _Reader({"v": raw}).number("v")

    def _load_faults(self, station: str, raw: Any) -> None:
        self.faults[station] = set(_Reader({"v": raw}).texts("v"))


def _mean_row(start: datetime, values: list[float]) -> Row:
    return Row(start, mean=sum(values) / len(values), min=min(values), max=max(values))


def _uptime_row(start: datetime, hour: Hour) -> Row | None:
    """The site's uptime in an hour; min and max are its least and most healthy stations."""
    observed = sum(hour.observed.values())
    if observed <= 0:
        return None
    each = [
        100 * (1 - hour.faulted.get(station, 0.0) / seconds)
        for station, seconds in hour.observed.items()
        if seconds > 0
    ]
    return Row(
        start, mean=100 * (1 - sum(hour.faulted.values()) / observed), min=min(each), max=max(each)
    )


class _Reader:
    """Typed reads from stored data; a missing field reads as empty."""

    def __init__(self, data: Any) -> None:
        if not isinstance(data, dict):
            raise InvalidStateError("not an object")
        self.data: dict[str, Any] = data

    def _get[T](self, key: str, kind: type[T], default: T) -> T:
        value = self.data.get(key, default)
        if not isinstance(value, kind) or (kind in (int, float) and isinstance(value, bool)):
            raise InvalidStateError(f"{key}: {value!r}")
        return value

    def flag(self, key: str) -> bool:
        return self._get(key, bool, False)

    def text(self, key: str) -> str:
        return self._get(key, str, "")

    def count(self, key: str) -> int:
        value = self._get(key, int, 0)
        if value < 0:
            raise InvalidStateError(f"{key}: {value!r}")
        return value

    def number(self, key: str) -> float:
        value = self.data.get(key, 0.0)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise InvalidStateError(f"{key}: {value!r}")
        return float(value)

    def mapping(self, key: str) -> dict[str, Any]:
        return self._get(key, dict, {})

    def counts(self, key: str) -> dict[str, int]:
        r = _Reader(self.mapping(key))
        return {name: r.count(name) for name in r.data}

    def numbers_by(self, key: str) -> dict[str, float]:
        r = _Reader(self.mapping(key))
        return {name: r.number(name) for name in r.data}

    def numbers(self, key: str) -> list[float]:
        values = self._get(key, list, [])
        return [_Reader({"v": v}).number("v") for v in values]

    def texts(self, key: str) -> list[str]:
        values = self._get(key, list, [])
        if not all(isinstance(v, str) for v in values):
            raise InvalidStateError(f"{key}: {values!r}")
        return list(values)

    def time(self, key: str) -> datetime:
        when = datetime.fromisoformat(self.text(key))
        if when.tzinfo is None:
            raise InvalidStateError(f"{key}: no time zone")
        return when
