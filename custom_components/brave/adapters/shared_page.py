"""The "what's shared" page over Home Assistant's websocket API.

The Brave dashboard's page per station (frontend/brave-dashboard.js) asks for it in the
reader's language. Any signed-in user may read it: it names kinds of details and counts
people, never the details or who the people are (core/sharing.py).
"""

from __future__ import annotations

from typing import Any

from homeassistant.components import websocket_api
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.decorators import websocket_command
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
import probatio

from ..const import DOMAIN
from ..core.sharing import what_is_shared
from ..core.words import spoken_language
from ..core.words.sharing import Shared, shared_text
from .site import BraveSite

COMMAND = f"{DOMAIN}/what_is_shared"


@callback
def async_setup_shared_page(hass: HomeAssistant) -> None:
    """Offer the command."""
    websocket_api.async_register_command(hass, _what_is_shared)


@websocket_command(
    {
        probatio.Required("type"): COMMAND,
        probatio.Optional("language"): str,
        probatio.Optional("device_id"): str,
    }
)
@callback
def _what_is_shared(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """Every station's page (or the one of `device_id`), in the language asked for."""
    language = spoken_language(msg.get("language") or hass.config.language)
    devices = dr.async_get(hass)
    stations = []
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        site: BraveSite = entry.runtime_data
        people = {group: len(targets) for group, targets in site.responders.groups.items()}
        for driver in site.drivers.values():
            device = devices.async_get_device_by_identifier(
                (DOMAIN, driver.station_id), entry.entry_id
            )
            if device is None or msg.get("device_id", device.id) != device.id:
                continue
            sections = what_is_shared(driver.engine.config, people, language)
            stations.append(
                {
                    "device_id": device.id,
                    "sections": [{"heading": s.heading, "lines": list(s.lines)} for s in sections],
                }
            )
    connection.send_result(
        msg["id"], {"title": shared_text(language, Shared.TITLE), "stations": stations}
    )
