"""The site's device-health sensor sums up its stations."""

from __future__ import annotations

from homeassistant.core import HomeAssistant

from .conftest import BUTTON, RunningServer, site_with_station, station_data
from .helpers import setup_site

SITE_HEALTH = "binary_sensor.brave_reference_dispatch_device_health"


async def test_site_health_names_the_stations_needing_attention(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    hass.states.async_set(BUTTON, "2026-11-27T11:00:00+00:00")
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    state = hass.states.get(SITE_HEALTH)
    assert state is not None
    assert (state.state, state.attributes["stations"]) == ("off", [])

    hass.states.async_set(BUTTON, "unavailable")
    await hass.async_block_till_done()
    state = hass.states.get(SITE_HEALTH)
    assert state is not None
    assert (state.state, state.attributes["stations"]) == ("on", ["Room 1"])

    hass.states.async_set(BUTTON, "2026-11-27T11:00:00+00:00")
    await hass.async_block_till_done()
    state = hass.states.get(SITE_HEALTH)
    assert state is not None
    assert state.state == "off"
