"""The sensing adapter: Home Assistant states and Zigbee button events in, engine events out.

Bound entities are followed with one state listener for the whole site. Attribute-only updates
(a radar's distance, once a second) change nothing and stop here, before the engine. An
unavailable sensor is "cannot watch", never "empty".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from homeassistant.const import STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import (
    CALLBACK_TYPE,
    Event as HassEvent,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers.event import async_track_state_change_event

from ..core.buttons import DeviceReport
from ..core.engine.events import (
    DoorChanged,
    MotionChanged,
    PresenceChanged,
    Pressed,
    SensorAvailability,
)
from .learned_buttons import async_listen_learned, is_entity_press
from .station_driver import StationDriver

_GONE = (STATE_UNAVAILABLE, STATE_UNKNOWN)


class Sensing:
    """Feeds every station of a site from the entities and buttons bound to it."""

    def __init__(self, hass: HomeAssistant, drivers: Iterable[StationDriver]) -> None:
        """Index the bound entities."""
        self.hass = hass
        self._drivers = list(drivers)
        self._by_entity: dict[str, list[tuple[StationDriver, str]]] = {}
        for driver in self._drivers:
            b = driver.bindings
            for role, entity_id in (
                ("presence", b.presence),
                ("motion", b.motion),
                ("door", b.door),
            ):
                if entity_id:
                    self._by_entity.setdefault(entity_id, []).append((driver, role))
            for entity_id in b.buttons:
                self._by_entity.setdefault(entity_id, []).append((driver, "button"))

    async def async_listen(self, on_report: Callable[[DeviceReport], None]) -> list[CALLBACK_TYPE]:
        """Start listening (learned buttons' health reports go to on_report)."""
        unsubs: list[CALLBACK_TYPE] = []
        if self._by_entity:
            unsubs.append(
                async_track_state_change_event(self.hass, list(self._by_entity), self._on_change)
            )
        unsubs += await async_listen_learned(
            self.hass,
            [(d, d.bindings.learned_buttons) for d in self._drivers],
            lambda driver, at, action: driver.feed(Pressed(at, action)),
            on_report,
        )
        return unsubs

    @callback
    def sync_all(self, now: datetime) -> None:
        """Feed every bound sensor's current state (at start)."""
        for driver in self._drivers:
            for entity_id in driver.bindings.sensors:
                # An entity not created yet (its integration still loading) is not a loss; its
                # first state arrives as a change.
                if (current := self.hass.states.get(entity_id)) is not None:
                    self._sync(driver, entity_id, current, now)

    @callback
    def _on_change(self, event: HassEvent[EventStateChangedData]) -> None:
        entity_id = event.data["entity_id"]
        old, new = event.data["old_state"], event.data["new_state"]
        for driver, role in self._by_entity.get(entity_id, ()):
            if role == "button":
                self._on_button(driver, old, new, event.time_fired)
            elif old is None or new is None or old.state != new.state:
                self._sync(driver, entity_id, new, event.time_fired)

    @callback
    def _sync(self, driver: StationDriver, entity_id: str, new: State | None, at: datetime) -> None:
        if new is None or new.state in _GONE:
            driver.feed(SensorAvailability(at, entity_id, available=False))
            return
        if entity_id in driver.engine.state.unavailable:
            driver.feed(SensorAvailability(at, entity_id, available=True))
        b = driver.bindings
        if entity_id == b.presence:
            driver.feed(PresenceChanged(at, new.state == STATE_ON))
        elif entity_id == b.door:
            driver.feed(DoorChanged(at, new.state == STATE_ON))
        elif entity_id == b.motion and (moving := b.motion_values.read(new.state)) is not None:
            # Values the radar's profile does not know change nothing.
            driver.feed(MotionChanged(at, moving))

    @callback
    def _on_button(
        self, driver: StationDriver, old: State | None, new: State | None, at: datetime
    ) -> None:
        if not is_entity_press(old, new):
            return
        assert new is not None
        action = driver.bindings.entity_press_action(new.state, new.attributes.get("event_type"))
        driver.feed(Pressed(at, action))
