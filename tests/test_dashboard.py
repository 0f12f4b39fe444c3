"""The Brave dashboard strategy: served by the integration and loaded by every frontend.

What it draws is checked in a real browser (tests/browser).
"""

from __future__ import annotations

from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL
from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.brave.const import DOMAIN
from custom_components.brave.frontend import URL


async def _set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_strategy_loaded_with_the_frontend(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, site_entry: MockConfigEntry
) -> None:
    assert await async_setup_component(hass, "frontend", {})
    await _set_up(hass, site_entry)

    version = (await async_get_integration(hass, DOMAIN)).version
    assert f"{URL}?v={version}" in hass.data[DATA_EXTRA_MODULE_URL].urls
    client = await hass_client()
    resp = await client.get(URL)
    assert resp.status == 200
    script = await resp.text()
    # The element Lovelace looks for `strategy: {type: custom:brave}`, and the entry that
    # offers it in Settings -> Dashboards -> Add dashboard.
    assert 'customElements.define("ll-strategy-dashboard-brave"' in script
    assert 'strategyType: "dashboard"' in script


async def test_strategy_served_without_the_frontend(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, site_entry: MockConfigEntry
) -> None:
    """A headless Home Assistant still serves the module (a frontend elsewhere may load it)."""
    await _set_up(hass, site_entry)

    assert "frontend" not in hass.config.components
    resp = await (await hass_client()).get(URL)
    assert resp.status == 200
