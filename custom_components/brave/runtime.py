"""A station as the shell runs it: its engine, bindings, settings and listeners."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from homeassistant.core import CALLBACK_TYPE, callback

from .engine.station import Station
from .station_config import Bindings

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

    @callback
    def changed(self) -> None:
        """Tell the station's entities."""
        for listener in list(self.listeners):
            listener()

    @callback
    def lifecycle(self, name: str, attributes: dict[str, Any]) -> None:
        """Fire a lifecycle event on the station's event entity."""
        for listener in list(self.event_listeners):
            listener(name, attributes)
