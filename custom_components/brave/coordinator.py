"""The shell around the engine.

It feeds stations from Home Assistant, hands their effects to the room and to alerting,
keeps their deadlines with Home Assistant's timers, persists them across restarts, and turns
responders' answers and the dispatch service's status updates into engine inputs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import (
    CALLBACK_TYPE,
    Event as HassEvent,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_state_change_event,
    async_track_time_interval,
)
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .alerting import Alerting
from .const import CONF_CALLBACK_URL, DOMAIN, LANGUAGES
from .devices.buttons import async_listen_learned, is_entity_press
from .devices.lookup import with_radar
from .dispatch.client import DispatchClient, DispatchError
from .dispatch.webhook import SeenEvents
from .engine.effects import Effect
from .engine.events import (
    Acknowledged,
    DoorChanged,
    Event,
    MotionChanged,
    Outcome,
    Pause,
    PresenceChanged,
    PressAction,
    Pressed,
    Resolved,
    SensorAvailability,
    Tick,
)
from .engine.state import Stage, dump_state, load_state
from .engine.station import Station
from .health_monitor import HealthMonitor
from .lifecycle import event_attributes, lifecycle_name
from .room import Room
from .runtime import StationRuntime
from .station_config import DEFAULT_AUTO_RESUME_S, bindings_from, station_config_from

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION = 1
SAVE_DELAY_S = 1
POLL_INTERVAL = timedelta(seconds=5)
_GONE = (STATE_UNAVAILABLE, STATE_UNKNOWN)
# Dispatch statuses that mean a responder has the alert.
_TAKEN = frozenset({"acknowledged", "en_route", "on_scene"})


class BraveCoordinator:
    """Runs every station of one site."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, client: DispatchClient) -> None:
        """Prepare; nothing runs until async_start."""
        self.hass = hass
        self.entry = entry
        self.client = client
        self.stations: dict[str, StationRuntime] = {}
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}"
        )
        self._by_entity: dict[str, list[tuple[StationRuntime, str]]] = {}
        self._unsubs: list[CALLBACK_TYPE] = []
        # The last status seen per dispatch alert id, so each change is handled once.
        self._statuses: dict[str, str] = {}
        self.seen = SeenEvents()
        language = hass.config.language
        self.language = language if language in LANGUAGES else "en"
        self.room = Room(hass, entry, self.language)
        self.alerting = Alerting(hass, entry, client, self.language, self.answer)
        self.health = HealthMonitor(hass, entry, self.alerting.responders, self.language)

    # -- lifecycle ---------------------------------------------------------------------

    async def async_start(self) -> None:
        """Restore stations, listen to their entities and fire what came due while stopped."""
        stored = await self._store.async_load() or {}
        saved_stations = stored.get("stations", {})
        self._statuses = dict(stored.get("statuses", {}))
        self.seen = SeenEvents(dict(stored.get("seen_webhooks", {})))
        self._unsubs += self.alerting.responders.async_start(stored.get("responders", {}))
        await self.alerting.sender.async_start()
        for subentry in self.entry.subentries.values():
            saved = saved_stations.get(subentry.subentry_id, {})
            settings: dict[str, float] = {
                "auto_resume": DEFAULT_AUTO_RESUME_S,
                **saved.get("settings", {}),
            }
            timers = {k: v for k, v in settings.items() if k != "auto_resume"}
            # A radar's movement entity, when not bound, is found once here (docs/devices.md).
            bindings = with_radar(
                self.hass, subentry.subentry_id, bindings_from(dict(subentry.data))
            )
            config = station_config_from(
                subentry.subentry_id, subentry.title, dict(subentry.data), timers, bindings
            )
            state = load_state(saved["state"]) if "state" in saved else None
            runtime = StationRuntime(
                station_id=subentry.subentry_id,
                title=subentry.title,
                bindings=bindings,
                engine=Station(config, state),
                settings=settings,
            )
            self.stations[runtime.station_id] = runtime
            b = runtime.bindings
            for role, entity_id in (
                ("presence", b.presence),
                ("motion", b.motion),
                ("door", b.door),
            ):
                if entity_id:
                    self._by_entity.setdefault(entity_id, []).append((runtime, role))
            for entity_id in b.buttons:
                self._by_entity.setdefault(entity_id, []).append((runtime, "button"))
        if self._by_entity:
            self._unsubs.append(
                async_track_state_change_event(
                    self.hass, list(self._by_entity), self._on_state_change
                )
            )
        # Buttons that show as no entity: ZHA events and Zigbee2MQTT messages.
        self._unsubs += await async_listen_learned(
            self.hass,
            [(r, r.bindings.learned_buttons) for r in self.stations.values()],
            lambda runtime, at, action: self.feed(runtime, Pressed(at, action)),
            self.health.on_report,
        )
        if self.entry.data.get(CONF_CALLBACK_URL) is None:
            # The service cannot call us back: ask it about open alerts instead.
            self._unsubs.append(async_track_time_interval(self.hass, self._poll, POLL_INTERVAL))
        # Device health (docs/devices.md): faults, repairs and the health contacts.
        self._unsubs += self.health.async_start(list(self.stations.values()))
        now = dt_util.utcnow()
        for runtime in self.stations.values():
            # Deadlines that passed while Home Assistant was stopped fire now, marked late.
            self.feed(runtime, Tick(now))
            for entity_id in runtime.bindings.sensors:
                # An entity not created yet (its integration still loading) is not a loss; its
                # first state arrives as a change.
                if (current := self.hass.states.get(entity_id)) is not None:
                    self._sync(runtime, entity_id, current, now)

    async def async_stop(self) -> None:
        """Stop timers and listeners, and save everything now."""
        for unsub in self._unsubs:
            unsub()
        for runtime in self.stations.values():
            if runtime.unsub_timer:
                runtime.unsub_timer()
                runtime.unsub_timer = None
        await self.alerting.sender.async_stop()
        await self._store.async_save(self._snapshot())

    @callback
    def _snapshot(self) -> dict[str, Any]:
        return {
            "stations": {
                sid: {"state": dump_state(r.engine.state), "settings": r.settings}
                for sid, r in self.stations.items()
            },
            "responders": self.alerting.responders.dump(),
            "statuses": self._statuses,
            "seen_webhooks": self.seen.seen,
        }

    @callback
    def _save(self) -> None:
        self._store.async_delay_save(self._snapshot, SAVE_DELAY_S)

    # -- inputs --------------------------------------------------------------------------

    @callback
    def feed(self, runtime: StationRuntime, event: Event) -> None:
        """Give a station one input and carry out what it decides."""
        for effect in runtime.engine.handle(event):
            self._perform(runtime, effect)
        self._schedule(runtime)
        self._save()
        runtime.changed()

    @callback
    def pause(self, runtime: StationRuntime, at: datetime, duration: timedelta | None) -> None:
        """Pause a station; it resumes by itself after duration (the setting when None)."""
        if duration is None:
            auto = runtime.settings["auto_resume"]
            duration = timedelta(seconds=auto) if auto > 0 else None
        self.feed(runtime, Pause(at, None if duration is None else at + duration))

    @callback
    def set_setting(self, runtime: StationRuntime, name: str, value: float) -> None:
        """Change a timer or the auto-resume time; applies from the next deadline on."""
        runtime.settings[name] = value
        timers = {k: v for k, v in runtime.settings.items() if k != "auto_resume"}
        subentry = self.entry.subentries[runtime.station_id]
        runtime.engine.config = station_config_from(
            runtime.station_id, runtime.title, dict(subentry.data), timers, runtime.bindings
        )
        self._save()
        runtime.changed()

    @callback
    def _on_state_change(self, event: HassEvent[EventStateChangedData]) -> None:
        entity_id = event.data["entity_id"]
        old, new = event.data["old_state"], event.data["new_state"]
        for runtime, role in self._by_entity.get(entity_id, ()):
            if role == "button":
                self._on_button(runtime, old, new, event.time_fired)
            elif old is None or new is None or old.state != new.state:
                # Attribute-only updates (a radar's distance, once a second) change nothing.
                self._sync(runtime, entity_id, new, event.time_fired)

    @callback
    def _sync(
        self,
        runtime: StationRuntime,
        entity_id: str,
        new: State | None,
        at: datetime,
    ) -> None:
        """Feed a sensor's state, treating unavailable as 'cannot watch', never as 'empty'."""
        if new is None or new.state in _GONE:
            self.feed(runtime, SensorAvailability(at, entity_id, available=False))
            return
        if entity_id in runtime.engine.state.unavailable:
            self.feed(runtime, SensorAvailability(at, entity_id, available=True))
        b = runtime.bindings
        if entity_id == b.presence:
            self.feed(runtime, PresenceChanged(at, new.state == STATE_ON))
        elif entity_id == b.door:
            self.feed(runtime, DoorChanged(at, new.state == STATE_ON))
        elif entity_id == b.motion and (moving := b.motion_values.read(new.state)) is not None:
            # Values the radar's profile does not know change nothing.
            self.feed(runtime, MotionChanged(at, moving))

    @callback
    def _on_button(
        self, runtime: StationRuntime, old: State | None, new: State | None, at: datetime
    ) -> None:
        if not is_entity_press(old, new):
            return
        assert new is not None
        gesture = runtime.bindings.check_in_gesture
        is_check_in = gesture is not None and gesture in (
            new.state,
            new.attributes.get("event_type"),
        )
        action = PressAction.START_CHECK_IN if is_check_in else PressAction.HELP
        self.feed(runtime, Pressed(at, action))

    # -- time ----------------------------------------------------------------------------

    @callback
    def _schedule(self, runtime: StationRuntime) -> None:
        if runtime.unsub_timer:
            runtime.unsub_timer()
            runtime.unsub_timer = None
        if (deadline := runtime.engine.next_deadline) is not None:
            runtime.unsub_timer = async_track_point_in_utc_time(
                self.hass, partial(self._on_deadline, runtime), deadline
            )

    @callback
    def _on_deadline(self, runtime: StationRuntime, _scheduled: datetime) -> None:
        runtime.unsub_timer = None
        self.feed(runtime, Tick(dt_util.utcnow()))

    # -- effects -------------------------------------------------------------------------

    @callback
    def _perform(self, runtime: StationRuntime, effect: Effect) -> None:
        name = lifecycle_name(effect)
        runtime.lifecycle(name, event_attributes(effect))
        if effect.late:
            _LOGGER.warning(
                "Station %s: %s is late (due while Home Assistant was not running)",
                runtime.station_id,
                name,
            )
        self.room.perform(runtime, effect)
        self.alerting.perform(runtime, effect)

    # -- answers -------------------------------------------------------------------------

    def station_for(self, alert_key: str) -> StationRuntime | None:
        """The station an alert belongs to (alert keys are `<station id>-<number>`)."""
        return self.stations.get(alert_key.rpartition("-")[0])

    @callback
    def answer(self, alert_key: str, responder: str, outcome: Outcome | None) -> None:
        """A responder took an alert (outcome None) or closed it with an outcome."""
        if (runtime := self.station_for(alert_key)) is None:
            return
        now = dt_util.utcnow()
        ladder = runtime.engine.state.ladder
        if ladder is not None and ladder.alert_key == alert_key and ladder.stage is Stage.ALERTED:
            self.feed(runtime, Acknowledged(now, alert_key, responder))
        if outcome is not None:
            self.feed(runtime, Resolved(now, alert_key, outcome))

    @callback
    def dispatch_status(
        self, alert_id: str, status: str, responder: str | None, outcome: str | None
    ) -> bool:
        """Apply a status from the dispatch service (webhook or polling).

        Returns False when the alert is unknown here.
        """
        alert_key = self.alerting.sender.alert_key_for(alert_id)
        if alert_key is None or (runtime := self.station_for(alert_key)) is None:
            return False
        self._save()
        if self._statuses.get(alert_id) == status:
            return True
        self._statuses[alert_id] = status
        who = responder or "A dispatch volunteer"
        if status in _TAKEN:
            self.answer(alert_key, who, None)
            if status != "acknowledged":
                runtime.lifecycle(status, {"alert_key": alert_key, "responder": who})
        elif status == "resolved":
            try:
                closed = Outcome(outcome) if outcome else Outcome.OTHER
            except ValueError:
                closed = Outcome.OTHER
            self.answer(alert_key, who, closed)
        elif status in ("cancelled", "failed"):
            # Nobody is coming from the service: Home Assistant's own responders carry on.
            runtime.lifecycle(f"dispatch_{status}", {"alert_key": alert_key})
            if status == "failed":
                self.alerting.dispatch_failed(alert_key)
        return True

    async def _poll(self, _now: datetime) -> None:
        for runtime in self.stations.values():
            ladder = runtime.engine.state.ladder
            if ladder is None or ladder.stage not in (Stage.ALERTED, Stage.ACKNOWLEDGED):
                continue
            alert_id = self.alerting.sender.outbox.alert_ids.get(ladder.alert_key)
            if alert_id is None:
                continue
            try:
                alert = await self.client.get_alert(alert_id)
            except DispatchError as err:
                _LOGGER.debug("Polling alert %s failed: %s", alert_id, err)
                continue
            self.dispatch_status(alert.alert_id, alert.status, alert.responder, alert.outcome)
