"""Diagnostics for a site: what helps fix it, never who or where anyone is."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant

from .adapters.responders import GROUPS
from .const import (
    CONF_ACCESS_NOTES,
    CONF_ADDRESS,
    CONF_CALLBACK_URL,
    CONF_CONTACTS,
    CONF_LOCATION_LABEL,
    CONF_PLAN_NOTES,
    CONF_UNIT,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_SECRET,
)
from .core.engine.state import dump_state
from .types import BraveConfigEntry

# Secrets, and everything that says who or where someone is.
TO_REDACT = {
    CONF_API_KEY,
    CONF_WEBHOOK_SECRET,
    CONF_WEBHOOK_ID,
    CONF_CALLBACK_URL,
    CONF_ADDRESS,
    CONF_UNIT,
    CONF_ACCESS_NOTES,
    CONF_CONTACTS,
    CONF_LOCATION_LABEL,
    CONF_PLAN_NOTES,
    "location",
    "contacts",
    "body",
    *GROUPS,
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: BraveConfigEntry
) -> dict[str, Any]:
    """The site's configuration, stations' states and the dispatch queue, redacted."""
    site = entry.runtime_data
    sender = site.sender
    return {
        "entry": async_redact_data(
            {"data": dict(entry.data), "options": dict(entry.options)}, TO_REDACT
        ),
        "stations": {
            driver.station_id: {
                "config": async_redact_data(dict(entry.subentries[sid].data), TO_REDACT),
                "phase": driver.engine.phase.value,
                "next_deadline": driver.engine.next_deadline,
                "settings": driver.settings.as_dict(),
                "state": dump_state(driver.engine.state),
            }
            for sid, driver in site.drivers.items()
        },
        "dispatch": {
            "connected": sender.connected,
            "last_error": sender.last_error,
            "queued": [
                {"alert_key": w.alert_key, "kind": w.kind.value, "attempts": w.attempts}
                for w in sender.outbox.writes
            ],
        },
    }
