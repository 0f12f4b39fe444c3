"""Station buttons: I'm OK, start and end a check-in session, send a test alert."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from . import BraveConfigEntry
from .coordinator import BraveCoordinator
from .engine.events import EndCheckIn, Event, ImOk, SendTest, StartCheckIn
from .entity import BraveStationEntity, add_station_entities
from .runtime import StationRuntime

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class StationButtonDescription(ButtonEntityDescription):
    """A button and the input it gives its station."""

    event: Callable[[datetime], Event]


BUTTONS = (
    StationButtonDescription(key="im_ok", translation_key="im_ok", event=ImOk),
    StationButtonDescription(
        key="start_check_in", translation_key="start_check_in", event=StartCheckIn
    ),
    StationButtonDescription(key="end_check_in", translation_key="end_check_in", event=EndCheckIn),
    StationButtonDescription(key="test_alert", translation_key="test_alert", event=SendTest),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: BraveConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add each station's buttons."""
    add_station_entities(
        entry,
        async_add_entities,
        lambda c, runtime: [StationButton(c, runtime, d) for d in BUTTONS],
    )


class StationButton(BraveStationEntity, ButtonEntity):
    """Gives the station one input when pressed."""

    entity_description: StationButtonDescription

    def __init__(
        self,
        coordinator: BraveCoordinator,
        runtime: StationRuntime,
        description: StationButtonDescription,
    ) -> None:
        """Bind the description."""
        super().__init__(coordinator, runtime, description.key)
        self.entity_description = description

    async def async_press(self) -> None:
        """Give the station the input."""
        self.coordinator.feed(self.runtime, self.entity_description.event(dt_util.utcnow()))
