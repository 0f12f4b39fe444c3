"""A station in Home Assistant: feeds its engine, hands out its effects, keeps its one timer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
from typing import Any, Protocol

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from ..core.alert_steps import event_attributes, event_name, test_step
from ..core.engine.effects import (
    AlertClosed,
    CannotMonitor,
    DoorOpened,
    Effect,
    Escalate,
    MorePresses,
    OccupantOk,
    ResponderAttending,
    SendAlert,
    Trigger,
)
from ..core.engine.events import Event, Pause, Reconfigured, Tick
from ..core.engine.state import dump_state, shift_times
from ..core.engine.station import Station
from ..core.stations import Bindings, StationSettings
from .clock import SiteClock

_LOGGER = logging.getLogger(__name__)

type Listener = Callable[[], None]
# An event of the station's event entity: its type and attributes.
type EventListener = Callable[[str, dict[str, Any]], None]
# Effects that reach people outside the room (responders, health contacts, the dispatch
# service): saved at once, before anything waits, so a crash soon after cannot undo what they
# were told (an acknowledgement undone would bring reminders back to someone on the way).
_LEAVES_HOME = (
    SendAlert,
    Escalate,
    MorePresses,
    ResponderAttending,
    OccupantOk,
    DoorOpened,
    AlertClosed,
    CannotMonitor,
)


class Performer(Protocol):
    """Something that carries out a station's effects (the room, alerting)."""

    def perform(self, driver: StationDriver, effect: Effect) -> None:
        """Do what the effect means here, if anything."""


class Saver(Protocol):
    """Where a station's changes go to disk."""

    def changed(self, station_id: str | None = None) -> None:
        """On disk within the bounded time."""

    def save_now(self, station_id: str | None = None) -> None:
        """On disk now."""


@dataclass(frozen=True, slots=True)
class StationInfo:
    """Who a station is in Home Assistant: its subentry id, name, area and bound devices."""

    station_id: str
    title: str
    bindings: Bindings
    # The area's name, suggested for the station's device.
    area: str | None = None


@dataclass(frozen=True, slots=True)
class SiteServices:
    """What every station of a site shares: its clock, its storage and its performers."""

    clock: SiteClock
    saver: Saver
    performers: list[Performer]


class StationDriver:
    """One station as Home Assistant runs it."""

    def __init__(
        self,
        hass: HomeAssistant,
        info: StationInfo,
        engine: Station,
        settings: StationSettings,
        services: SiteServices,
    ) -> None:
        """Bind the station to the site's clock, storage and performers."""
        self.hass = hass
        self.station_id = info.station_id
        self.title = info.title
        self.area = info.area
        self.bindings = info.bindings
        self.engine = engine
        self.settings = settings
        self._clock = services.clock
        self._saver = services.saver
        self._performers = services.performers
        self._listeners: list[Listener] = []
        self._event_listeners: list[EventListener] = []
        self._unsub_timer: CALLBACK_TYPE | None = None
        self._dump: dict[str, Any] | None = None
        # Test alerts still open, so their every event says so.
        ladder = engine.state.ladder
        self._tests = {ladder.alert_key} if ladder and ladder.trigger is Trigger.TEST else set()

    # -- listeners -----------------------------------------------------------------------

    @callback
    def add_listener(self, listener: Listener) -> CALLBACK_TYPE:
        """Call listener after every change; returns the unsubscribe callback."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def add_event_listener(self, listener: EventListener) -> CALLBACK_TYPE:
        """Call listener with each event of the station; returns the unsubscribe callback."""
        self._event_listeners.append(listener)
        return lambda: self._event_listeners.remove(listener)

    @callback
    def fire_event(self, name: str, attributes: dict[str, Any], *, test: bool = False) -> None:
        """An event of the station (an effect, or a status from the dispatch service).

        Every step of a test alert has a test type (`test_alert`) and `test: true`: drills
        look like drills in every event too.
        """
        if test or attributes.get("alert_key") in self._tests:
            name, attributes = test_step(name), {**attributes, "test": True}
        for listener in list(self._event_listeners):
            listener(name, attributes)

    def is_test(self, alert_key: str) -> bool:
        """Whether an alert of this station still open here is a test."""
        return alert_key in self._tests

    @callback
    def changed(self) -> None:
        """Tell the station's entities (each writes only when its own value changed)."""
        for listener in list(self._listeners):
            listener()

    # -- inputs --------------------------------------------------------------------------

    @callback
    def feed(self, event: Event) -> None:
        """Give the engine one input and carry out what it decides."""
        # A step of the wall clock is noticed (and every stored time moved) before the input.
        self._clock.now()
        effects = self.engine.handle(event)
        self._dump = None
        for effect in effects:
            self._perform(effect)
        if any(isinstance(e, _LEAVES_HOME) for e in effects):
            self._saver.save_now(self.station_id)
        else:
            self._saver.changed(self.station_id)
        self._schedule()
        self.changed()

    @callback
    def feed_now(self, make: Callable[[datetime], Event]) -> None:
        """Feed an input that happens now."""
        self.feed(make(self._clock.now()))

    @callback
    def pause(self, duration: timedelta | None) -> None:
        """Pause; it resumes by itself after `duration`, or the auto-resume setting."""
        now = self._clock.now()
        self.feed(Pause(now, None if duration is None else now + duration))

    @callback
    def reconfigure(self, settings: StationSettings) -> None:
        """New settings: every pending step is planned again at once."""
        self.settings = settings
        now = self._clock.now()
        self.feed(Reconfigured(now, settings.apply(self.engine.config)))

    @callback
    def shift(self, step: timedelta) -> None:
        """The wall clock was stepped: every stored time moves with it."""
        shift_times(self.engine.state, step)
        self._dump = None
        self._saver.changed(self.station_id)

    # -- time ----------------------------------------------------------------------------

    @callback
    def start(self) -> None:
        """Fire what came due while stopped (marked late), and arm the timer."""
        self.feed_now(Tick)

    @callback
    def stop(self) -> None:
        """Disarm the timer."""
        if self._unsub_timer is not None:
            self._unsub_timer()
            self._unsub_timer = None

    @callback
    def _schedule(self) -> None:
        self.stop()
        if (deadline := self.engine.next_deadline) is not None:
            delay = (deadline - self._clock.now()).total_seconds()
            self._unsub_timer = async_call_later(self.hass, max(delay, 0.0), self._on_deadline)

    @callback
    def reschedule(self) -> None:
        """Arm the timer again (after the clock was stepped)."""
        self._schedule()

    @callback
    def _on_deadline(self, _fired: datetime) -> None:
        self._unsub_timer = None
        self.feed_now(Tick)

    # -- effects -------------------------------------------------------------------------

    @callback
    def _perform(self, effect: Effect) -> None:
        name = event_name(effect)
        if effect.late:
            _LOGGER.warning(
                "Station %s: %s is late (due while Home Assistant was not running)",
                self.station_id,
                name,
            )
        if isinstance(effect, SendAlert) and effect.trigger is Trigger.TEST:
            self._tests.add(effect.alert_key)
        self.fire_event(name, event_attributes(effect))
        if isinstance(effect, AlertClosed):
            self._tests.discard(effect.alert_key)
        for performer in self._performers:
            performer.perform(self, effect)

    # -- persistence ---------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """What is saved of the station (built again only after a change)."""
        if self._dump is None:
            self._dump = {
                "state": dump_state(self.engine.state),
                "settings": self.settings.as_dict(),
            }
        return self._dump
