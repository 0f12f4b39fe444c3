"""The shell around the engine.

It feeds stations from Home Assistant, performs their effects, keeps their deadlines with Home
Assistant's timers, and persists them across restarts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
import logging
from typing import Any

from homeassistant.components import persistent_notification
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
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_state_change_event,
)
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import CONF_SITE_ID, DOMAIN, LANGUAGES
from .dispatch.client import DispatchClient, DispatchError
from .dispatch.payloads import AlertEvent, alert_request, event_request, idempotency_key
from .engine.effects import (
    AlertClosed,
    CannotMonitor,
    CountdownStarted,
    DoorOpened,
    Effect,
    Escalate,
    MonitoringRestored,
    MorePresses,
    OccupantOk,
    Prompt,
    PromptAnswered,
    ResponderAttending,
    SendAlert,
)
from .engine.events import (
    DoorChanged,
    Event,
    MotionChanged,
    Pause,
    PresenceChanged,
    PressAction,
    Pressed,
    SensorAvailability,
    Tick,
)
from .engine.state import dump_state, load_state
from .engine.station import Station
from .messages import RoomMessage, room_text
from .station_config import DEFAULT_AUTO_RESUME_S, Bindings, bindings_from, station_config_from

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION = 1
SAVE_DELAY_S = 1
_GONE = (STATE_UNAVAILABLE, STATE_UNKNOWN)
# Movement-state values that ZHA and Zigbee2MQTT radars report (see the devices docs).
MOVING_STATES = frozenset({"on", "moving", "move", "movement", "large", "small"})
STILL_STATES = frozenset({"off", "still", "static", "no_movement", "presence", "none"})

type Listener = Callable[[], None]
type EventListener = Callable[[str, dict[str, Any]], None]


@dataclass(slots=True)
class StationRuntime:
    """One station as the shell runs it."""

    station_id: str
    title: str
    bindings: Bindings
    engine: Station
    settings: dict[str, float]
    alert_ids: dict[str, str] = field(default_factory=dict)
    listeners: list[Listener] = field(default_factory=list)
    event_listeners: list[EventListener] = field(default_factory=list)
    unsub_timer: CALLBACK_TYPE | None = None

    @callback
    def add_listener(self, listener: Listener) -> CALLBACK_TYPE:
        """Call listener after every change; returns the unsubscribe callback."""
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    @callback
    def add_event_listener(self, listener: EventListener) -> CALLBACK_TYPE:
        """Call listener with each lifecycle event; returns the unsubscribe callback."""
        self.event_listeners.append(listener)
        return lambda: self.event_listeners.remove(listener)


# Lifecycle event names for the event entity.
def _lifecycle(effect: Effect) -> str:
    match effect:
        case Escalate(step=step):
            return step.value
    return {
        Prompt: "prompt",
        CountdownStarted: "countdown",
        PromptAnswered: "answered",
        SendAlert: "alert",
        MorePresses: "more_presses",
        OccupantOk: "occupant_ok",
        DoorOpened: "door_opened",
        ResponderAttending: "responder_attending",
        AlertClosed: "resolved",
        CannotMonitor: "cannot_monitor",
        MonitoringRestored: "monitoring_restored",
    }[type(effect)]


LIFECYCLE_EVENTS = [
    "prompt",
    "countdown",
    "answered",
    "alert",
    "reminder",
    "fallback",
    "final",
    "more_presses",
    "occupant_ok",
    "door_opened",
    "responder_attending",
    "resolved",
    "cannot_monitor",
    "monitoring_restored",
]


def _event_attributes(effect: Effect) -> dict[str, Any]:
    """What the event entity shows: never location, contacts or plan notes."""
    attrs: dict[str, Any] = {"late": effect.late}
    for name in ("alert_key", "trigger", "reminder", "presses", "outcome", "sensor", "responder"):
        if (value := getattr(effect, name, None)) is not None:
            attrs[name] = str(value) if not isinstance(value, int) else value
    return attrs


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
        # The last dispatch write of each alert, so writes for one alert stay in order.
        self._chains: dict[str, asyncio.Task[None]] = {}
        language = hass.config.language
        self.language = language if language in LANGUAGES else "en"

    # -- lifecycle ---------------------------------------------------------------------

    async def async_start(self) -> None:
        """Restore stations, listen to their entities and fire what came due while stopped."""
        stored = (await self._store.async_load() or {}).get("stations", {})
        for subentry in self.entry.subentries.values():
            saved = stored.get(subentry.subentry_id, {})
            settings: dict[str, float] = {
                "auto_resume": DEFAULT_AUTO_RESUME_S,
                **saved.get("settings", {}),
            }
            timers = {k: v for k, v in settings.items() if k != "auto_resume"}
            config = station_config_from(
                subentry.subentry_id, subentry.title, dict(subentry.data), timers
            )
            state = load_state(saved["state"]) if "state" in saved else None
            runtime = StationRuntime(
                station_id=subentry.subentry_id,
                title=subentry.title,
                bindings=bindings_from(dict(subentry.data)),
                engine=Station(config, state),
                settings=settings,
                alert_ids=dict(saved.get("alert_ids", {})),
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
        now = dt_util.utcnow()
        for runtime in self.stations.values():
            # Deadlines that passed while Home Assistant was stopped fire now, marked late.
            self.feed(runtime, Tick(now))
            for entity_id in runtime.bindings.sensors:
                # An entity not created yet (its integration still loading) is not a loss; its
                # first state arrives as a change.
                if (state := self.hass.states.get(entity_id)) is not None:
                    self._sync(runtime, entity_id, state, now)

    async def async_stop(self) -> None:
        """Stop timers and listeners, and save everything now."""
        for unsub in self._unsubs:
            unsub()
        for runtime in self.stations.values():
            if runtime.unsub_timer:
                runtime.unsub_timer()
                runtime.unsub_timer = None
        await self._store.async_save(self._snapshot())

    @callback
    def _snapshot(self) -> dict[str, Any]:
        return {
            "stations": {
                sid: {
                    "state": dump_state(r.engine.state),
                    "settings": r.settings,
                    "alert_ids": r.alert_ids,
                }
                for sid, r in self.stations.items()
            }
        }

    # -- inputs --------------------------------------------------------------------------

    @callback
    def feed(self, runtime: StationRuntime, event: Event) -> None:
        """Give a station one input and carry out what it decides."""
        for effect in runtime.engine.handle(event):
            self._perform(runtime, effect)
        self._schedule(runtime)
        self._store.async_delay_save(self._snapshot, SAVE_DELAY_S)
        for listener in list(runtime.listeners):
            listener()

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
            runtime.station_id, runtime.title, dict(subentry.data), timers
        )
        self._store.async_delay_save(self._snapshot, SAVE_DELAY_S)
        for listener in list(runtime.listeners):
            listener()

    @callback
    def _on_state_change(self, event: HassEvent[EventStateChangedData]) -> None:
        entity_id = event.data["entity_id"]
        old, new = event.data["old_state"], event.data["new_state"]
        for runtime, role in self._by_entity.get(entity_id, ()):
            if role == "button":
                self._on_button(runtime, old, new, event.time_fired)
            elif old is None or new is None or old.state != new.state:
                # Attribute-only updates (a radar's distance, once a second) change nothing.
                self._sync(runtime, entity_id, new, event.time_fired, old)

    @callback
    def _sync(
        self,
        runtime: StationRuntime,
        entity_id: str,
        new: State | None,
        at: datetime,
        old: State | None = None,
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
        elif entity_id == b.motion:
            value = new.state.lower()
            if value in MOVING_STATES or value in STILL_STATES:
                self.feed(runtime, MotionChanged(at, value in MOVING_STATES))

    @callback
    def _on_button(
        self, runtime: StationRuntime, old: State | None, new: State | None, at: datetime
    ) -> None:
        # A press is a change between real states: not a restore at start-up, not an entity
        # going away or coming back.
        if old is None or new is None or old.state == STATE_UNAVAILABLE or new.state in _GONE:
            return
        if new.state == old.state:
            return
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
        name = _lifecycle(effect)
        for listener in list(runtime.event_listeners):
            listener(name, _event_attributes(effect))
        if effect.late:
            _LOGGER.warning(
                "Station %s: %s is late (due while Home Assistant was not running)",
                runtime.station_id,
                name,
            )
        match effect:
            case Prompt():
                self._say(runtime, RoomMessage.PROMPT, flash=True)
            case CountdownStarted(ends_at=ends_at):
                seconds = max(0, round((ends_at - effect.at).total_seconds()))
                self._say(runtime, RoomMessage.COUNTDOWN, flash=True, seconds=seconds)
            case PromptAnswered():
                self._say(runtime, RoomMessage.ANSWERED)
            case SendAlert():
                self._dispatch_alert(runtime, effect)
                self._say(runtime, RoomMessage.HELP_CALLED)
            case ResponderAttending(responder=responder):
                self._say(runtime, RoomMessage.RESPONDER_COMING, responder=responder)
            case CannotMonitor(sensor=sensor):
                persistent_notification.async_create(
                    self.hass,
                    f"{runtime.title} cannot watch the room: {sensor} is unavailable. "
                    "Check on the person there and the sensor.",
                    title="Brave: cannot monitor",
                    notification_id=f"{DOMAIN}_{runtime.station_id}_{sensor}",
                )
            case MonitoringRestored(sensor=sensor):
                persistent_notification.async_dismiss(
                    self.hass, f"{DOMAIN}_{runtime.station_id}_{sensor}"
                )
            case Escalate() | MorePresses() | OccupantOk() | DoorOpened() | AlertClosed():
                self._dispatch_event(runtime, effect)

    def _run_for_alert(self, alert_key: str, job: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run a dispatch write after the earlier writes of the same alert."""
        previous = self._chains.get(alert_key)

        async def ordered() -> None:
            if previous is not None:
                # Waits without raising: an earlier failure must not stop this write.
                await asyncio.wait([previous])
            try:
                await job()
            except DispatchError as err:
                _LOGGER.error("Dispatch write for alert %s failed: %s", alert_key, err)

        task = self.entry.async_create_task(self.hass, ordered(), f"{DOMAIN} dispatch {alert_key}")
        self._chains[alert_key] = task

        def forget(done: asyncio.Task[None]) -> None:
            if self._chains.get(alert_key) is done:
                del self._chains[alert_key]

        task.add_done_callback(forget)

    @callback
    def _dispatch_alert(self, runtime: StationRuntime, effect: SendAlert) -> None:
        if "dispatch" not in effect.rescue_plan.groups:
            # The occupant's plan does not include the dispatch service.
            return
        site_id = self.entry.data[CONF_SITE_ID]
        body = alert_request(site_id, runtime.station_id, runtime.title, self.language, effect)
        key = idempotency_key(site_id, effect.alert_key, "alert")

        async def send() -> None:
            alert = await self.client.create_alert(body, key)
            runtime.alert_ids[effect.alert_key] = alert.alert_id
            self._store.async_delay_save(self._snapshot, SAVE_DELAY_S)

        self._run_for_alert(effect.alert_key, send)

    @callback
    def _dispatch_event(self, runtime: StationRuntime, effect: AlertEvent) -> None:
        site_id = self.entry.data[CONF_SITE_ID]
        step, body = event_request(effect)
        key = idempotency_key(site_id, effect.alert_key, step)

        async def send() -> None:
            if (alert_id := runtime.alert_ids.get(effect.alert_key)) is None:
                _LOGGER.error("Alert %s never reached the dispatch service", effect.alert_key)
                return
            await self.client.post_event(alert_id, body, key)

        self._run_for_alert(effect.alert_key, send)

    @callback
    def _say(
        self, runtime: StationRuntime, message: RoomMessage, *, flash: bool = False, **values: Any
    ) -> None:
        """Speak, show and flash in the room through whatever the station has bound."""
        b = runtime.bindings
        text = room_text(self.language, message, **values)
        calls: list[tuple[str, str, dict[str, Any]]] = []
        if b.tts and b.media_player:
            calls.append(
                (
                    "tts",
                    "speak",
                    {"entity_id": b.tts, "media_player_entity_id": b.media_player, "message": text},
                )
            )
        if b.notify:
            calls.append(
                (
                    "notify",
                    "send_message",
                    {"entity_id": b.notify, "title": "Brave", "message": text},
                )
            )
        if flash and b.light:
            calls.append(("light", "turn_on", {"entity_id": b.light, "flash": "long"}))
        for domain, service, data in calls:
            self.entry.async_create_task(
                self.hass, self._call(domain, service, data), f"{DOMAIN} {domain}.{service}"
            )

    async def _call(self, domain: str, service: str, data: dict[str, Any]) -> None:
        try:
            await self.hass.services.async_call(domain, service, data, blocking=True)
        except HomeAssistantError as err:
            _LOGGER.warning("In-room %s.%s failed: %s", domain, service, err)
