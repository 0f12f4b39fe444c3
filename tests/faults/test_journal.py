"""The journal: what leaves Home Assistant is on disk first, and a slow disk never holds it."""

from __future__ import annotations

import asyncio
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import storage
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.brave.adapters.dispatch_client import DispatchClient
from custom_components.brave.core.records import sequence, with_journal

from ..conftest import BUTTON, STATION_ID, RunningServer
from ..helpers import setup_site
from .sites import press, store_key, two_stations


async def test_an_alert_is_in_the_journal_before_its_request_leaves(
    hass: HomeAssistant, hass_storage: dict[str, Any], dispatch_server: RunningServer
) -> None:
    hass.states.async_set(BUTTON, "unknown")
    entry = two_stations(dispatch_server)
    await setup_site(hass, entry)
    journal = f"{store_key(entry)}.journal"
    seen: list[Any] = []
    create_alert = DispatchClient.create_alert

    async def leaving(client: DispatchClient, request: dict[str, Any], key: str) -> Any:
        # What the disk holds as the request leaves (the store, and the journal over it).
        main = hass_storage.get(store_key(entry), {}).get("data", {})
        seen.append(with_journal(main, hass_storage.get(journal, {}).get("data"))["stations"])
        return await create_alert(client, request, key)

    with patch.object(DispatchClient, "create_alert", leaving):
        press(hass, BUTTON)
        await hass.async_block_till_done()
    assert len(dispatch_server.store.alerts) == 1
    [stations] = seen
    assert stations[STATION_ID]["state"]["open_alerts"] == [f"{STATION_ID}-1"]


async def test_a_disk_that_hangs_delays_a_call_for_help_by_a_second_at_most(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hass.states.async_set(BUTTON, "unknown")
    entry = two_stations(dispatch_server)
    await setup_site(hass, entry)
    stuck = asyncio.Event()
    write = storage.Store._async_write_data

    async def hang(store: storage.Store[Any], data: dict[str, Any]) -> None:
        if store.key.endswith(".journal"):
            await stuck.wait()
        await write(store, data)

    with patch.object(storage.Store, "_async_write_data", hang):
        press(hass, BUTTON)
        for _ in range(5):
            await asyncio.sleep(0)
        assert dispatch_server.store.alerts == {}
        freezer.tick(1.1)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        assert len(dispatch_server.store.alerts) == 1
        assert "went before its journal entry" in caplog.text
        stuck.set()
        await hass.async_block_till_done()


@pytest.mark.parametrize(
    ("store", "journal", "stations"),
    [
        ({"seq": 3, "stations": {"a": 1}}, {"seq": 2, "stations": {"a": 2}}, {"a": 1}),
        ({"seq": 3, "stations": {"a": 1}}, {"seq": 4, "stations": {"a": 2}}, {"a": 2}),
        (
            {"seq": 3, "stations": {"a": 1, "b": 1}},
            {"seq": 4, "stations": {"b": 2}},
            {"a": 1, "b": 2},
        ),
        ({}, {"seq": 1, "stations": {"a": 2}}, {"a": 2}),
        ({"stations": {"a": 1}}, {"seq": True, "stations": {"a": 2}}, {"a": 1}),
        ({"seq": 1, "stations": {"a": 1}}, "not a journal", {"a": 1}),
    ],
)
def test_the_newer_of_store_and_journal_wins(
    store: dict[str, Any], journal: Any, stations: dict[str, int]
) -> None:
    assert with_journal(store, journal).get("stations") == stations
    assert sequence(None) == 0
