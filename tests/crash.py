"""A hard crash: a new Home Assistant starts from what was on disk at that instant.

The crashed instance is unloaded only to free its timers; nothing it writes after the crash
counts, because the storage is put back to the crash instant before the new one starts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
import copy
from typing import Any

from homeassistant import loader
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_test_home_assistant


def copy_entry(entry: MockConfigEntry) -> MockConfigEntry:
    """The same site entry, for another Home Assistant instance."""
    return MockConfigEntry(
        domain=entry.domain,
        title=entry.title,
        unique_id=entry.unique_id,
        entry_id=entry.entry_id,
        data=dict(entry.data),
        options=dict(entry.options),
        subentries_data=[
            ConfigSubentryData(
                data=dict(sub.data),
                subentry_id=sub.subentry_id,
                subentry_type=sub.subentry_type,
                title=sub.title,
                unique_id=sub.unique_id,
            )
            for sub in entry.subentries.values()
        ],
    )


@asynccontextmanager
async def crashed(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    entry: MockConfigEntry,
    prepare: Callable[[HomeAssistant], None] | None = None,
) -> AsyncIterator[tuple[HomeAssistant, MockConfigEntry]]:
    """Crash now; yield a new Home Assistant started from the disk, and its site entry.

    `prepare` readies the new instance before the site starts (its devices' states, the
    services responders are reached through), as the rest of a real installation would.
    """
    on_disk = copy.deepcopy(hass_storage)
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    hass_storage.clear()
    hass_storage.update(on_disk)
    async with async_test_home_assistant() as after:
        after.data.pop(loader.DATA_CUSTOM_COMPONENTS)
        await after.config.async_set_time_zone(hass.config.time_zone)
        if prepare is not None:
            prepare(after)
        again = copy_entry(entry)
        again.add_to_hass(after)
        assert await after.config_entries.async_setup(again.entry_id)
        await after.async_block_till_done()
        try:
            yield after, again
        finally:
            await after.config_entries.async_unload(again.entry_id)
            await after.async_block_till_done()
            await after.async_stop(force=True)
