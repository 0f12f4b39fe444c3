"""The station's monitoring switch: off pauses it (resuming by itself after a set time)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .core.engine.events import Resume
from .entity import BraveStationEntity, add_station_entities
from .types import BraveConfigEntry

PARALLEL_UPDATES = 0

MONITORING = SwitchEntityDescription(key="monitoring", translation_key="monitoring")


async def async_setup_entry(
    hass: HomeAssistant, entry: BraveConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add each station's monitoring switch."""
    add_station_entities(
        entry,
        async_add_entities,
        lambda site, driver: [MonitoringSwitch(site, driver, MONITORING)],
    )


class MonitoringSwitch(BraveStationEntity, SwitchEntity):
    """On while the station watches; off while a person has paused it."""

    @property
    def is_on(self) -> bool:
        """Whether monitoring runs."""
        return not self.driver.engine.state.paused

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """When a pause ends by itself."""
        until = self.driver.engine.state.paused_until
        return {"resumes_at": until.isoformat() if until else None}

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Resume monitoring."""
        self.driver.feed_now(Resume)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Pause monitoring."""
        self.driver.pause(None)
