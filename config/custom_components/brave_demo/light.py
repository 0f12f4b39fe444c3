"""A light per room that Brave flashes to ask whether the occupant is okay."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.light import (
    ATTR_FLASH,
    FLASH_LONG,
    ColorMode,
    LightEntity,
    LightEntityFeature,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later

from . import ROOMS, DemoConfigEntry, device

# How long a flash shows; real bulbs breathe for about this long on a long flash.
FLASH_FOR = {FLASH_LONG: timedelta(seconds=15)}
SHORT_FLASH = timedelta(seconds=2)


async def async_setup_entry(
    hass: HomeAssistant, entry: DemoConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a light to each room."""
    async_add_entities(DemoLight(name) for name in ROOMS)


class DemoLight(LightEntity):
    """On, off, or flashing for a while (then back as it was)."""

    _attr_has_entity_name = True
    _attr_name = None
    _attr_should_poll = False
    _attr_color_mode = ColorMode.ONOFF
    _attr_supported_color_modes = {ColorMode.ONOFF}
    _attr_supported_features = LightEntityFeature.FLASH
    _attr_is_on = False

    def __init__(self, name: str) -> None:
        self._attr_unique_id = f"{name}_light"
        self._attr_device_info = device(name, "light", "Virtual light")
        self._steady_on = False
        self._stop_flash: CALLBACK_TYPE | None = None

    @property
    def flashing(self) -> bool:
        """Whether the light is flashing now."""
        return self._stop_flash is not None

    @property
    def icon(self) -> str:
        """An alarm light while flashing."""
        return "mdi:alarm-light" if self.flashing else "mdi:lightbulb"

    @property
    def extra_state_attributes(self) -> dict[str, bool]:
        """Whether it is flashing."""
        return {"flashing": self.flashing}

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn on, or flash when asked to."""
        if (flash := kwargs.get(ATTR_FLASH)) is None:
            self._steady_on = True
        else:
            self._cancel_flash()
            self._stop_flash = async_call_later(
                self.hass, FLASH_FOR.get(flash, SHORT_FLASH), self._flash_done
            )
        self._attr_is_on = True
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn off (and stop flashing)."""
        self._cancel_flash()
        self._steady_on = False
        self._attr_is_on = False
        self.async_write_ha_state()

    async def async_will_remove_from_hass(self) -> None:
        """Stop a flash in progress."""
        self._cancel_flash()

    @callback
    def _flash_done(self, _now: datetime) -> None:
        self._stop_flash = None
        self._attr_is_on = self._steady_on
        self.async_write_ha_state()

    def _cancel_flash(self) -> None:
        if self._stop_flash is not None:
            self._stop_flash()
            self._stop_flash = None
