"""The program's stores through real Home Assistant: saved within a bounded time however busy
the site, and read back record by record (one bad record costs only itself).
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from custom_components.brave.adapters.program_store import SAVE_WITHIN, ProgramStore
from custom_components.brave.const import DOMAIN

from ..conftest import STATION_ID, RunningServer, site_with_station, station_data
from ..helpers import advance, setup_site

SITE = "site0001"
KEY = f"{DOMAIN}.{SITE}.statistics"


def _stored(data: Any) -> dict[str, Any]:
    return {"version": 1, "minor_version": 1, "key": KEY, "data": data}


def _month(alerts: int) -> dict[str, Any]:
    return {"alerts": {"help_request": alerts}, "observed_s": 3600.0}


async def test_a_steady_stream_of_changes_is_on_disk_within_the_bound(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """Store.async_delay_save would wait for a pause that never comes; this store does not."""
    count = 0

    def snapshot() -> dict[str, int]:
        return {"count": count}

    store = ProgramStore(hass, "brave.test.stream", snapshot)
    lags: list[int] = []
    writes: set[int] = set()
    # A change every second for half a minute: each is on disk within SAVE_WITHIN.
    for _ in range(30):
        count += 1
        store.changed()
        await advance(hass, freezer, 1)
        on_disk = hass_storage.get("brave.test.stream", {}).get("data", {}).get("count", 0)
        lags.append(count - on_disk)
        writes.add(on_disk)
    assert max(lags) <= SAVE_WITHIN
    # About one write per SAVE_WITHIN seconds, never one per change.
    assert 30 / (SAVE_WITHIN + 1) <= len(writes - {0}) <= 30 / SAVE_WITHIN
    await store.async_close()
    assert hass_storage["brave.test.stream"]["data"] == {"count": 30}
    # Closed: later changes write nothing.
    count += 1
    store.changed()
    await advance(hass, freezer, SAVE_WITHIN + 1)
    assert hass_storage["brave.test.stream"]["data"] == {"count": 30}


async def test_one_bad_stored_record_costs_only_itself(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    hass_storage[KEY] = _stored(
        {
            "months": {
                "2025-01": {STATION_ID: _month(3), "gone": {"test_alerts": -1}},
                "2025-02": {STATION_ID: _month(2)},
                "2025-03": "not a month",
            },
            "open": {f"{STATION_ID}-9": {"station": STATION_ID}},
            "sums": {"alerts": 5.0, "visits": "five"},
        }
    )
    entry = site_with_station(dispatch_server, station_data(), entry_id=SITE)
    await setup_site(hass, entry)

    table = {(r["month"], r["station"]): r for r in entry.runtime_data.program.table()}
    assert table[("2025-01", STATION_ID)]["alerts"] == 3
    assert table[("2025-02", "all")]["alerts"] == 2
    assert ("2025-01", "gone") not in table
    assert not [month for month, _ in table if month == "2025-03"]
    assert entry.runtime_data.program.stats.sums == {"alerts": 5.0}
    assert (
        "left out stored statistics it could not read: months/2025-01/gone, months/2025-03, "
        f"open/{STATION_ID}-9, sums/visits"
    ) in caplog.text


@pytest.mark.parametrize("data", [["not", "an", "object"], {"months": {"2025-01": []}}])
async def test_statistics_that_cannot_be_read_at_all_start_from_zero(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    data: Any,
) -> None:
    hass_storage[KEY] = _stored(data)
    entry = site_with_station(dispatch_server, station_data(), entry_id=SITE)
    await setup_site(hass, entry)
    # The site runs, and counts from here.
    assert not [r for r in entry.runtime_data.program.table() if r["month"].startswith("2025")]
    assert "statistics" in caplog.text
    assert "could not" in caplog.text
