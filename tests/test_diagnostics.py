"""Diagnostics help fix a site without exposing who or where anyone is."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from .conftest import ADDRESS, BUTTON, PHONE, RunningServer, site_with_station, station_data
from .helpers import setup_site


async def test_diagnostics_are_redacted(
    hass: HomeAssistant, dispatch_server: RunningServer, hass_client: Any
) -> None:
    options = {"first_responders": "Sam = notify.sms:+15555550111"}
    entry = site_with_station(dispatch_server, station_data(), options=options)
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(hass, entry)
    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat())
    await hass.async_block_till_done()

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)
    for secret in (
        ADDRESS,
        PHONE,
        "+15555550111",
        "Code 1234",
        "naloxone",
        dispatch_server.api_key,
        entry.data["webhook_secret"],
        entry.data["webhook_id"],
    ):
        assert secret not in text
    [station] = diagnostics["stations"].values()
    assert station["phase"] == "alert"
    assert station["state"]["open_alerts"] == ["station0001-1"]
    assert diagnostics["dispatch"] == {"connected": True, "last_error": None, "queued": []}
