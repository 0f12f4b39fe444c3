"""Brave: an overdose safety net built from Zigbee buttons and radar presence sensors."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .dispatch.client import DispatchClient


@dataclass(slots=True)
class BraveData:
    """What a site entry holds while it is loaded."""

    dispatch: DispatchClient


type BraveConfigEntry = ConfigEntry[BraveData]


async def async_setup_entry(hass: HomeAssistant, entry: BraveConfigEntry) -> bool:
    """Set up a site.

    The dispatch service is deliberately not contacted here: monitoring must start even while
    the service is down, and alerts then go out through the fallback channels.
    """
    entry.runtime_data = BraveData(
        dispatch=DispatchClient(
            async_get_clientsession(hass), entry.data[CONF_URL], entry.data[CONF_API_KEY]
        )
    )
    return True


async def async_unload_entry(hass: HomeAssistant, entry: BraveConfigEntry) -> bool:
    """Unload a site."""
    return True
