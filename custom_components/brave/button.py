"""Station buttons: I'm OK, start and end a check-in session, send a test alert."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .core.engine.events import EndCheckIn, Event, ImOk, SendTest, StartCheckIn
from .entity import BraveStationEntity, add_station_entities
from .types import BraveConfigEntry

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
    # Tests are run now and then by whoever looks after the site, and brave.test_alert or a
    # drill reaches every station without it: off until enabled, to leave room for 1,000
    # stations in a site (docs/organisations.md).
    StationButtonDescription(
        key="test_alert",
        translation_key="test_alert",
        event=SendTest,
        entity_registry_enabled_default=False,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: BraveConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add each station's buttons."""
    add_station_entities(
        entry,
        async_add_entities,
        lambda site, driver: [StationButton(site, driver, d) for d in BUTTONS],
    )


class StationButton(BraveStationEntity, ButtonEntity):
    """Gives the station one input when pressed."""

    entity_description: StationButtonDescription

    async def async_press(self) -> None:
        """Give the station the input."""
        self.driver.feed_now(self.entity_description.event)
