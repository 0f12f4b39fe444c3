"""The Brave dashboard strategy (brave-dashboard.js), served to and loaded by the frontend."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from homeassistant.components.frontend import add_extra_js_url
from homeassistant.components.http.server import StaticPathConfig
from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration

from ..const import DOMAIN

MODULE: Final = Path(__file__).parent / "brave-dashboard.js"
URL: Final = f"/{DOMAIN}_frontend/{MODULE.name}"


async def async_register_dashboard(hass: HomeAssistant) -> None:
    """Serve the strategy and, when the frontend runs, load it on every page.

    The version in the URL makes browsers fetch the module again after an update.
    """
    await hass.http.async_register_static_paths(
        [StaticPathConfig(URL, str(MODULE), cache_headers=False)]
    )
    if "frontend" in hass.config.components:
        version = (await async_get_integration(hass, DOMAIN)).version
        add_extra_js_url(hass, f"{URL}?v={version}")
