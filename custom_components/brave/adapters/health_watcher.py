"""Device health in Home Assistant: watch bound devices, raise repairs, tell health contacts.

The policy is in devices/health.py. Here: last report times (state changes and repeated
reports, attribute-only ones included), battery levels, one timer per station, repair issues
and messages to the site's `health_contacts` group. Learned buttons are watched through their
ZHA device's entities, or through Zigbee2MQTT's messages (`on_report`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_BATTERY_LEVEL, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    EventStateReportedData,
    HomeAssistant,
    callback,
)
from homeassistant.helpers import device_registry as dr, entity_registry as er, issue_registry as ir
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_state_change_event,
    async_track_state_report_event,
)
from homeassistant.util import dt as dt_util

from ..const import CONF_OPERATING_HOURS, DOMAIN
from ..core.buttons import SOURCE_ZHA, DeviceReport, LearnedButton
from ..core.health import (
    Device,
    Fault,
    Notice,
    NoticeKind,
    Observation,
    OperatingHours,
    Role,
    StationHealth,
    device_faults,
    next_check,
    silent_after,
)
from ..core.radar import DeviceFacts, profile_for
from ..core.words.health import health_text
from .responders import Responders
from .station_driver import StationDriver

_LOGGER = logging.getLogger(__name__)


_HEALTH_PREFIX = "health_"


def issue_id(station_id: str, device: str, fault: Fault) -> str:
    """The repair issue of one fault of one device."""
    return f"{_HEALTH_PREFIX}{station_id}_{device}_{fault}"


@dataclass(slots=True)
class _Watched:
    """One bound device of one station."""

    device: Device
    entities: set[str]
    battery_entity: str | None = None
    last_report: datetime | None = None
    last_activity: datetime | None = None
    # Learned buttons (no bound entity): the key is an IEEE address or a Zigbee2MQTT topic.
    learned: bool = False
    # What Zigbee2MQTT last said (learned Zigbee2MQTT buttons).
    battery: float | None = None
    available: bool = True


@dataclass(slots=True)
class _Station:
    runtime: StationDriver
    devices: list[_Watched]
    health: StationHealth = field(default_factory=StationHealth)
    unsub: CALLBACK_TYPE | None = None


def _battery_sibling(hass: HomeAssistant, entity_id: str) -> str | None:
    """The battery sensor of the entity's device, if it has one."""
    entry = er.async_get(hass).async_get(entity_id)
    if entry is None or entry.device_id is None:
        return None
    return _device_battery(hass, entry.device_id)


def _device_battery(hass: HomeAssistant, device_id: str) -> str | None:
    """The battery sensor of a device, if it has one."""
    entities = er.async_get(hass)
    for sibling in er.async_entries_for_device(entities, device_id):
        if sibling.domain == "sensor" and "battery" in (
            sibling.device_class,
            sibling.original_device_class,
        ):
            return sibling.entity_id
    return None


def _profile_silence(hass: HomeAssistant, role: Role, entity_id: str) -> Device:
    interval = None
    if role in (Role.PRESENCE, Role.MOTION):
        entry = er.async_get(hass).async_get(entity_id)
        device = (
            dr.async_get(hass).async_get(entry.device_id, include_child_devices=False)
            if entry is not None and entry.device_id
            else None
        )
        facts = DeviceFacts(device.manufacturer, device.model, device.model_id) if device else None
        interval = profile_for(facts).report_interval
    return Device(entity_id, role, silent_after(role, interval))


def _learned(hass: HomeAssistant, button: LearnedButton) -> _Watched | None:
    """What to watch of a learned button; None for a ZHA device not in the registry."""
    device = Device(button.key, Role.BUTTON, silent_after(Role.BUTTON))
    if button.source != SOURCE_ZHA:
        return _Watched(device, set(), learned=True)
    found = next(
        iter(dr.async_get(hass).async_get_devices(identifiers={("zha", button.key)})), None
    )
    if found is None:
        _LOGGER.debug("Learned ZHA button %s has no device: health not watched", button.key)
        return None
    entities = {e.entity_id for e in er.async_entries_for_device(er.async_get(hass), found.id)}
    return _Watched(device, entities, _device_battery(hass, found.id), learned=True)


def _number(value: object) -> float | None:
    try:
        return float(str(value))
    except ValueError:
        return None


class HealthMonitor:
    """Watches the devices of every station of one site."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        responders: Responders,
        language: str,
    ) -> None:
        """Nothing runs until async_start."""
        self.hass = hass
        self.entry = entry
        self.responders = responders
        self.language = language
        self.hours = OperatingHours.parse(entry.options.get(CONF_OPERATING_HOURS))
        self._stations: dict[str, _Station] = {}
        self._by_entity: dict[str, list[tuple[_Station, _Watched]]] = {}
        self._by_topic: dict[str, list[tuple[_Station, _Watched]]] = {}
        # A radar's entities (presence, movement), each pointing at the radar's presence
        # device: any change in presence, movement or distance shows the radar is alive.
        self._activity: dict[str, list[_Watched]] = {}
        self.stations_with_faults: set[str] = set()
        self._listeners: list[Callable[[], None]] = []

    def faults(self, station_id: str) -> dict[str, frozenset[Fault]]:
        """The current faults of a station's devices."""
        station = self._stations.get(station_id)
        return dict(station.health.faults) if station else {}

    @callback
    def add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call listener when the set of stations with faults changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_start(self, runtimes: list[StationDriver]) -> list[CALLBACK_TYPE]:
        """Start watching; returns the listeners to remove at stop."""
        now = dt_util.utcnow()
        for runtime in runtimes:
            b = runtime.bindings
            bound = [(Role.PRESENCE, b.presence), (Role.MOTION, b.motion), (Role.DOOR, b.door)]
            bound += [(Role.BUTTON, button) for button in b.buttons]
            station = _Station(runtime, [])
            for role, entity_id in bound:
                if entity_id is None:
                    continue
                battery = _battery_sibling(self.hass, entity_id)
                watched = _Watched(
                    _profile_silence(self.hass, role, entity_id),
                    {entity_id} | ({battery} if battery else set()),
                    battery,
                )
                state = self.hass.states.get(entity_id)
                watched.last_report = state.last_reported if state else now
                watched.last_activity = state.last_changed if state else now
                station.devices.append(watched)
                for watched_id in watched.entities:
                    self._by_entity.setdefault(watched_id, []).append((station, watched))
            for button in b.learned_buttons:
                if (learned := _learned(self.hass, button)) is None:
                    continue
                learned.last_report = learned.last_activity = now
                station.devices.append(learned)
                for watched_id in learned.entities:
                    self._by_entity.setdefault(watched_id, []).append((station, learned))
                if button.source != SOURCE_ZHA:
                    self._by_topic.setdefault(button.key, []).append((station, learned))
            presence = next((w for w in station.devices if w.device.role is Role.PRESENCE), None)
            if presence is not None:
                for entity_id in (b.presence, b.motion):
                    if entity_id:
                        self._activity.setdefault(entity_id, []).append(presence)
                presence.last_activity = self._last_activity(b.presence, b.motion, now)
            self._stations[runtime.station_id] = station
        self._restore_told()
        for station in self._stations.values():
            self._check(station)
        self._reconcile_repairs()
        return [
            # Keyed by entity: the cost of any other state change in Home Assistant is nil.
            async_track_state_change_event(self.hass, list(self._by_entity), self._on_changed),
            async_track_state_report_event(self.hass, list(self._by_entity), self._on_reported),
            self._stop_timers,
        ]

    def _last_activity(self, presence: str | None, motion: str | None, now: datetime) -> datetime:
        """A radar's last sign of life before the start.

        A change in presence, movement or distance (an attribute update of the presence
        entity). Counting presence alone, a radar that moves all day would be called stuck
        soon after each restart or reload.
        """
        seen = [
            state.last_updated if entity_id == presence else state.last_changed
            for entity_id in (presence, motion)
            if entity_id and (state := self.hass.states.get(entity_id)) is not None
        ]
        return max(seen, default=now)

    @callback
    def _stop_timers(self) -> None:
        for station in self._stations.values():
            if station.unsub:
                station.unsub()
                station.unsub = None

    @callback
    def _on_reported(self, event: Event[EventStateReportedData]) -> None:
        for station, watched in self._by_entity.get(event.data["entity_id"], ()):
            watched.last_report = event.time_fired
            if station.health.faults.get(watched.device.key):
                self._check(station)

    @callback
    def _on_changed(self, event: Event[EventStateChangedData]) -> None:
        entity_id = event.data["entity_id"]
        old, new = event.data["old_state"], event.data["new_state"]
        changed = old is None or new is None or old.state != new.state
        battery = moved = False
        if old is not None and new is not None and not changed:
            moved = old.attributes.get("distance") != new.attributes.get("distance")
            battery = any(
                old.attributes.get(key) != new.attributes.get(key)
                for key in (ATTR_BATTERY_LEVEL, "battery")
            )
        if changed or moved:
            for presence in self._activity.get(entity_id, ()):
                presence.last_activity = event.time_fired
        for station, watched in self._by_entity.get(entity_id, ()):
            watched.last_report = event.time_fired
            # Silence and a stuck radar are found by the station's timer, which reads the
            # latest report when it fires: a report alone needs no check. A change, a battery
            # level (it can come as an attribute) or a fault that may clear does.
            if changed or battery or station.health.faults.get(watched.device.key):
                self._check(station)

    @callback
    def on_report(self, report: DeviceReport) -> None:
        """Take a learned Zigbee2MQTT button's battery level or availability."""
        for station, watched in self._by_topic.get(report.key, ()):
            watched.last_report = dt_util.utcnow()
            if report.battery is not None:
                watched.battery = report.battery
            if report.available is not None:
                watched.available = report.available
            self._check(station)

    def _observe_learned(self, watched: _Watched) -> Observation:
        battery = watched.battery
        if watched.battery_entity and (level := self.hass.states.get(watched.battery_entity)):
            battery = _number(level.state)
        # ZHA shows a device that is gone by making all its entities unavailable.
        states = [s for e in watched.entities if (s := self.hass.states.get(e)) is not None]
        gone = bool(states) and all(s.state == STATE_UNAVAILABLE for s in states)
        return Observation(
            available=watched.available and not gone,
            last_report=watched.last_report,
            battery=battery,
        )

    def _observe(self, watched: _Watched) -> Observation:
        if watched.learned:
            return self._observe_learned(watched)
        state = self.hass.states.get(watched.device.key)
        battery = None
        if watched.battery_entity and (level := self.hass.states.get(watched.battery_entity)):
            battery = _number(level.state)
        elif state is not None and ATTR_BATTERY_LEVEL in state.attributes:
            battery = _number(state.attributes[ATTR_BATTERY_LEVEL])
        elif state is not None and "battery" in state.attributes:
            battery = _number(state.attributes["battery"])
        return Observation(
            available=state is None or state.state != STATE_UNAVAILABLE,
            last_report=watched.last_report,
            battery=battery,
            occupied=state is not None and state.state == STATE_ON,
            last_activity=watched.last_activity,
        )

    @callback
    def _check(self, station: _Station, _now: datetime | None = None) -> None:
        now = dt_util.as_local(dt_util.utcnow())
        found: dict[str, frozenset[Fault]] = {}
        checks: list[datetime | None] = []
        for watched in station.devices:
            seen = self._observe(watched)
            previous = station.health.faults.get(watched.device.key, frozenset())
            found[watched.device.key] = device_faults(watched.device, seen, now, previous)
            checks.append(next_check(watched.device, seen))
        before = station.health.faults
        notices = station.health.update(found, now, self.hours)
        self._report(station, notices)
        if station.health.faults != before:
            station.runtime.changed()
            had = station.runtime.station_id in self.stations_with_faults
            if had != bool(station.health.faults):
                self.stations_with_faults ^= {station.runtime.station_id}
                for listener in list(self._listeners):
                    listener()
        checks.append(station.health.next_reminder(self.hours))
        if station.unsub:
            station.unsub()
        due = min((c for c in checks if c is not None), default=None)
        station.unsub = (
            async_track_point_in_utc_time(self.hass, partial(self._on_timer, station), due)
            if due is not None
            else None
        )

    @callback
    def _on_timer(self, station: _Station, _now: datetime) -> None:
        station.unsub = None
        self._check(station)

    @callback
    def _restore_told(self) -> None:
        """Faults told before a restart whose repair is still open are not told again as new."""
        registry = ir.async_get(self.hass)
        for (domain, issue), entry in registry.issues.items():
            if domain != DOMAIN or not issue.startswith(_HEALTH_PREFIX):
                continue
            station_id, _, rest = issue.removeprefix(_HEALTH_PREFIX).partition("_")
            if (station := self._stations.get(station_id)) is None:
                continue
            watched = {w.device.key for w in station.devices}
            for fault in Fault:
                device = rest.removesuffix(f"_{fault.value}")
                if device != rest and device in watched:
                    station.health.told[(device, fault)] = entry.created
                    break

    @callback
    def _reconcile_repairs(self) -> None:
        """Repairs mirror the current faults.

        Those of faults that cleared while Brave was stopped, of devices no longer bound, or of
        stations removed, go.
        """
        registry = ir.async_get(self.hass)
        current = {
            issue_id(sid, key, fault)
            for sid, station in self._stations.items()
            for key, faults in station.health.faults.items()
            for fault in faults
        }
        known = {
            subentry_id
            for entry in self.hass.config_entries.async_entries(DOMAIN)
            for subentry_id in entry.subentries
        }
        for domain, issue in list(registry.issues):
            if domain != DOMAIN or not issue.startswith(_HEALTH_PREFIX) or issue in current:
                continue
            station_id = issue.removeprefix(_HEALTH_PREFIX).split("_", 1)[0]
            if station_id in self._stations or station_id not in known:
                ir.async_delete_issue(self.hass, DOMAIN, issue)

    @callback
    def _report(self, station: _Station, notices: list[Notice]) -> None:
        runtime = station.runtime
        for notice in notices:
            key = issue_id(runtime.station_id, notice.device, notice.fault)
            if notice.kind is NoticeKind.FIRST:
                ir.async_create_issue(
                    self.hass,
                    DOMAIN,
                    key,
                    is_fixable=False,
                    severity=ir.IssueSeverity.WARNING,
                    translation_key=f"health_{notice.fault}",
                    translation_placeholders={
                        "station": runtime.title,
                        "device": notice.device,
                        "fault": str(notice.fault),
                    },
                )
            elif notice.kind is NoticeKind.RECOVERED:
                ir.async_delete_issue(self.hass, DOMAIN, key)
            self.responders.send(
                self.responders.targets(["health_contacts"]),
                health_text(self.language, notice, runtime.title),
            )
