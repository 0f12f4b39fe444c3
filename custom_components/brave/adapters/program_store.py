"""A small store for a site's drills and program statistics, written within a bounded time.

Like site_storage.py (and unlike `Store.async_delay_save`, which a steady stream of changes
pushes back for ever): the first change arms one timer and later ones ride on it, so a
change is on disk within SAVE_WITHIN whatever the load. Stopping writes at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
import logging
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.storage import Store

from ..const import DOMAIN

_LOGGER = logging.getLogger(__name__)

SAVE_WITHIN: Final = 5.0  # seconds


class ProgramStore:
    """One JSON store, saved within SAVE_WITHIN of a change."""

    def __init__(self, hass: HomeAssistant, key: str, snapshot: Callable[[], Any]) -> None:
        """`snapshot` builds what is saved, at each write."""
        self.hass = hass
        self._store = Store[Any](hass, 1, key)
        self._snapshot = snapshot
        self._unsub: CALLBACK_TYPE | None = None
        self._closed = False

    async def async_load(self) -> Any:
        """What was saved (None when nothing was), or None when it cannot be read."""
        try:
            return await self._store.async_load()
        except (HomeAssistantError, ValueError) as err:
            _LOGGER.error("Brave could not read %s (%s); it starts empty", self._store.key, err)
            return None

    @callback
    def changed(self) -> None:
        """Something changed: on disk within SAVE_WITHIN."""
        if self._unsub is None and not self._closed:
            self._unsub = async_call_later(self.hass, SAVE_WITHIN, self._on_timer)

    @callback
    def save_now(self) -> None:
        """Write now (a drill began or ended); nothing waits for it."""
        self._cancel()
        self._on_timer(None)

    @callback
    def _on_timer(self, _now: datetime | None) -> None:
        self._unsub = None
        if not self._closed:
            self.hass.async_create_task(self._write(), f"{DOMAIN} save {self._store.key}")

    async def _write(self) -> None:
        try:
            await self._store.async_save(self._snapshot())
        except HomeAssistantError as err:
            # The next change tries again; the site's own store raises the repair for a disk.
            _LOGGER.error("Brave could not save %s: %s", self._store.key, err)

    @callback
    def _cancel(self) -> None:
        if self._unsub is not None:
            self._unsub()
            self._unsub = None

    async def async_close(self) -> None:
        """Write now and stop."""
        self._cancel()
        self._closed = True
        await self._write()
