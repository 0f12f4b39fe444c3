"""Setting up, unloading and reloading a site."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.brave.adapters.dispatch_client import Health


async def test_setup_unload_reload(hass: HomeAssistant, site_entry: MockConfigEntry) -> None:
    site_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(site_entry.entry_id)
    await hass.async_block_till_done()
    assert site_entry.state is ConfigEntryState.LOADED
    # The loaded site talks to the service it was configured with.
    health = await site_entry.runtime_data.client.health()
    assert health == Health(service="Brave reference dispatch", version="1.0.0")

    assert await hass.config_entries.async_reload(site_entry.entry_id)
    await hass.async_block_till_done()
    assert site_entry.state is ConfigEntryState.LOADED

    assert await hass.config_entries.async_unload(site_entry.entry_id)
    await hass.async_block_till_done()
    assert site_entry.state is ConfigEntryState.NOT_LOADED


async def test_site_loads_while_service_is_down(hass: HomeAssistant, unused_url: str) -> None:
    """Monitoring must not wait for the dispatch service; fallback channels cover outages."""
    entry = MockConfigEntry(
        domain="brave",
        unique_id=unused_url,
        data={
            CONF_URL: unused_url,
            CONF_API_KEY: "key",
            "site_id": "s",
            "webhook_secret": "w",
            "webhook_id": "hook",
            "callback_url": None,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
