"""Fix flows for repairs a person closes: saved records that were set aside.

A station's saved state, or dispatch writes, that could not be read were set aside and the
rest started (site_storage.py). Once someone confirms they checked on the room, what was set
aside is dropped.
"""

from __future__ import annotations

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from .types import BraveConfigEntry


class ForgetSetAsideFlow(ConfirmRepairFlow):
    """Confirm, then drop a set-aside station record (or the site's set-aside writes)."""

    def __init__(self, entry_id: str, station_id: str | None) -> None:
        """The site, and the station (None: the site's dispatch writes)."""
        self._entry_id = entry_id
        self._station_id = station_id

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Show what was set aside; on confirmation, drop it."""
        if user_input is not None:
            entry: BraveConfigEntry | None = self.hass.config_entries.async_get_entry(
                self._entry_id
            )
            if entry is not None:
                if entry.state is not ConfigEntryState.LOADED:
                    # The record lives in the site's store, which only the running site writes.
                    return self.async_abort(reason="site_not_running")
                entry.runtime_data.forget_set_aside(self._station_id)
        return await super().async_step_confirm(user_input)


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The fix flow of a set-aside repair (`storage_station_*`, `storage_writes_*`)."""
    entry_id = (data or {}).get("entry_id")
    station_id = (data or {}).get("station_id")
    return ForgetSetAsideFlow(str(entry_id), None if station_id is None else str(station_id))
