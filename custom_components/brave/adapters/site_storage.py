"""A site's store on disk: read back record by record, written within a bounded time.

Home Assistant's `Store.async_delay_save` pushes its write back on every call, so under radars
reporting every second it never writes. Here the first change arms one timer and later changes
ride on it: the whole site is on disk within SAVE_WITHIN whatever the load.

Changes that leave Home Assistant (an alert, a dispatch write, a message to people) go at once
to a small journal: the stations changed since the last full write and the site's bookkeeping,
so its cost follows what changed, not the size of the site; the whole site follows it. A
request for the dispatch service leaves only once its step is in the journal (`durable`), so a
Home Assistant that dies the instant after an alert left still knows the alert: nothing that
left is forgotten, and nothing is sent again under a new key. The journal is read over the
store at start when it is newer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
import logging
from pathlib import Path
import shutil
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.file import WriteError
from homeassistant.util.json import SerializationError

from ..const import DOMAIN
from ..core.records import SEQ, VERSION, SiteRecords, migrate, read_site, sequence, with_journal

_LOGGER = logging.getLogger(__name__)

# What is saved: of these stations (None: all), with the site's bookkeeping.
type Snapshot = Callable[[set[str] | None], dict[str, Any]]

SAVE_WITHIN: Final = 1.0  # seconds
RETRY_WRITE_AFTER: Final = 10.0  # seconds
# A disk this slow must not hold a call for help: the request goes anyway.
DURABLE_WITHIN: Final = 1.0  # seconds
ISSUE_UNREADABLE: Final = "storage_unreadable"
ISSUE_WRITE_FAILED: Final = "storage_write_failed"
ISSUE_STATION: Final = "storage_station"
ISSUE_WRITES: Final = "storage_writes"


class _SiteStore(Store[dict[str, Any]]):
    """The site's Store: migrates version 1, and says whether each write reached the disk."""

    def __init__(self, hass: HomeAssistant, key: str, on_written: Callable[[bool], None]) -> None:
        super().__init__(hass, VERSION, key)
        self._on_written = on_written
        # Version 1's outbox store, once migrated (removed after the new layout is read).
        self.legacy: Store[dict[str, Any]] | None = None

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: Any
    ) -> Any:
        outbox: Any = None
        if old_major_version == 1:
            legacy = Store[dict[str, Any]](self.hass, 1, f"{self.key}.outbox")
            try:
                outbox = await legacy.async_load()
            except (HomeAssistantError, KeyError, TypeError, ValueError) as err:
                # The stations still migrate; the old outbox file stays where it is, and its
                # writes are reported as set aside.
                outbox = {"writes": [{"unreadable_store": legacy.key, "error": repr(err)}]}
            else:
                self.legacy = legacy
        return migrate(old_major_version, old_data, outbox)

    async def _async_write_data(self, data: dict[str, Any]) -> None:
        try:
            await super()._async_write_data(data)
        except WriteError, SerializationError:
            self._on_written(False)
            raise
        self._on_written(True)


class _Journal(Store[dict[str, Any]]):
    """The journal's Store: a write that fails is reported as the site's store reports one.

    Only a full write clears the repair: the journal holds part of the site.
    """

    def __init__(self, hass: HomeAssistant, key: str, on_failed: Callable[[], None]) -> None:
        super().__init__(hass, 1, key)
        self._on_failed = on_failed

    async def _async_write_data(self, data: dict[str, Any]) -> None:
        try:
            await super()._async_write_data(data)
        except WriteError, SerializationError:
            self._on_failed()
            raise


class SiteStorage:
    """Loads and saves one site's stations, outbox and bookkeeping."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, snapshot: Snapshot) -> None:
        """`snapshot` builds what is saved (of some stations, or all), at each write."""
        self.hass = hass
        self.entry = entry
        self._snapshot = snapshot
        self._store = _SiteStore(hass, f"{DOMAIN}.{entry.entry_id}", self._written)
        self._journal = _Journal(
            hass, f"{DOMAIN}.{entry.entry_id}.journal", lambda: self._written(False)
        )
        self._journal_lock = asyncio.Lock()
        # Every write carries the next number; the newer of store and journal wins at start.
        self._seq = 0
        # Stations changed since the last full write that reached the disk.
        self._unsaved: set[str] = set()
        self._changes = 0
        self._journaled = 0
        # A journal write is waiting for its turn; it will take every change made until then.
        self._journal_queued = False
        self._journaling: set[asyncio.Task[None]] = set()
        self._again = False
        self._unsub_timer: CALLBACK_TYPE | None = None
        self._writing: set[asyncio.Task[None]] = set()
        self._closed = False
        # None until the first write: a repair left by an earlier run goes once a write works.
        self.failing: bool | None = None

    # -- reading -------------------------------------------------------------------------

    async def async_load(self, titles: dict[str, str]) -> SiteRecords:
        """Read what was saved; anything unreadable is set aside and reported, never fatal.

        `titles` names the stations for the repairs.
        """
        now = dt_util.utcnow()
        try:
            data = await self._store.async_load()
            journal = await self._load_journal()
            self._seq = max(sequence(data), sequence(journal))
            records = read_site(with_journal({} if data is None else data, journal), now)
        except (HomeAssistantError, KeyError, TypeError, ValueError) as err:
            kept = await self.hass.async_add_executor_job(_set_aside, Path(self._store.path), now)
            _LOGGER.error(
                "Brave could not read its saved state (%s); stations start fresh%s",
                type(err).__name__,
                f", the file was kept as {kept}" if kept else "",
            )
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                f"{ISSUE_UNREADABLE}_{self.entry.entry_id}",
                is_fixable=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key=ISSUE_UNREADABLE,
                translation_placeholders={"site": self.entry.title, "kept": kept or "-"},
            )
            return SiteRecords()
        if self._store.legacy is not None:
            # Migrated and written in the new layout: the old outbox store is no longer read.
            await self._store.legacy.async_remove()
        self._report_set_aside(records, titles)
        return records

    async def _load_journal(self) -> Any:
        """The journal, or None: an unreadable journal costs its last changes, never the site."""
        try:
            return await self._journal.async_load()
        except (HomeAssistantError, KeyError, TypeError, ValueError) as err:
            _LOGGER.error("Brave could not read its journal of recent changes (%s)", err)
            return None

    @callback
    def _report_set_aside(self, records: SiteRecords, titles: dict[str, str]) -> None:
        for station_id in records.bad_stations:
            _LOGGER.error(
                "The saved state of station %s could not be read: it was set aside and the "
                "station starts fresh",
                station_id,
            )
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                f"{ISSUE_STATION}_{station_id}",
                is_fixable=True,
                is_persistent=True,
                severity=ir.IssueSeverity.ERROR,
                translation_key=ISSUE_STATION,
                translation_placeholders={"station": titles.get(station_id, station_id)},
                data={"entry_id": self.entry.entry_id, "station_id": station_id},
            )
        if records.bad_writes:
            _LOGGER.error(
                "%s saved dispatch writes could not be read and were set aside",
                len(records.bad_writes),
            )
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                f"{ISSUE_WRITES}_{self.entry.entry_id}",
                is_fixable=True,
                is_persistent=True,
                severity=ir.IssueSeverity.ERROR,
                translation_key=ISSUE_WRITES,
                translation_placeholders={
                    "site": self.entry.title,
                    "count": str(len(records.bad_writes)),
                },
                data={"entry_id": self.entry.entry_id},
            )

    # -- writing -------------------------------------------------------------------------

    @callback
    def _mark(self, station_id: str | None) -> None:
        self._changes += 1
        if station_id is not None:
            self._unsaved.add(station_id)

    @callback
    def changed(self, station_id: str | None = None) -> None:
        """Something changed: on disk within SAVE_WITHIN, however often this is called."""
        self._mark(station_id)
        self._arm()

    @callback
    def _arm(self) -> None:
        if self._unsub_timer is None and not self._closed:
            self._unsub_timer = async_call_later(self.hass, SAVE_WITHIN, self._on_timer)

    @callback
    def save_now(self, station_id: str | None = None) -> None:
        """In the journal now, the whole site right after; nothing waits for it.

        For changes that leave Home Assistant (an alert, a dispatch write, a message).

        A burst of calls costs two journal writes and two full writes, not one each.
        """
        self._mark(station_id)
        if self._closed:
            return
        self._arm()
        if self._journal_queued:
            return
        self._journal_queued = True
        # In the background: a disk that hangs holds up nothing but this write (a request
        # waits for it at most DURABLE_WITHIN).
        task = self.hass.async_create_background_task(
            self._journal_now(), f"{DOMAIN} journal", eager_start=False
        )
        self._journaling.add(task)
        task.add_done_callback(self._journaling.discard)

    @callback
    def write_now(self) -> None:
        """Write the whole site now (what the journal does not hold changed)."""
        if self._closed:
            return
        self._cancel_timer()
        if self._writing:
            # One write is on its way; the next one, right after it, takes everything since:
            # a burst of changes costs two writes, not one each.
            self._again = True
            return
        self._start_write()

    @callback
    def _start_write(self) -> None:
        self._again = False
        task = self.hass.async_create_task(self._write(), f"{DOMAIN} save", eager_start=False)
        self._writing.add(task)
        task.add_done_callback(self._written_task)

    @callback
    def _written_task(self, task: asyncio.Task[None]) -> None:
        self._writing.discard(task)
        if self._again and not self._closed:
            self._start_write()

    @callback
    def _on_timer(self, _now: datetime) -> None:
        self._unsub_timer = None
        self.write_now()

    @callback
    def _cancel_timer(self) -> None:
        if self._unsub_timer is not None:
            self._unsub_timer()
            self._unsub_timer = None

    async def _write(self) -> None:
        taken = set(self._unsaved)
        self._seq += 1
        await self._store.async_save({**self._snapshot(None), SEQ: self._seq})
        if self.failing is False:
            self._unsaved -= taken

    async def durable(self) -> None:
        """Every change so far is in the journal (or DURABLE_WITHIN passed: go anyway)."""
        wanted = self._changes
        if self._journaled >= wanted or self._closed:
            return
        write = asyncio.shield(self._write_journal(wanted))
        try:
            async with asyncio.timeout(DURABLE_WITHIN):
                await write
        except TimeoutError:
            _LOGGER.warning("The disk is slow: a request went before its journal entry")

    async def _write_journal(self, wanted: int) -> None:
        """Journal every change up to `wanted` (the number of changes), unless one did."""
        async with self._journal_lock:
            if self._journaled < wanted:
                await self._journal_write()

    async def _journal_now(self) -> None:
        """Journal every change made until this write's turn comes; then the whole site.

        The whole site follows the journal rather than going beside it: a request waiting for
        the journal never waits behind it.
        """
        async with self._journal_lock:
            self._journal_queued = False
            if self._journaled < self._changes and not self._closed:
                await self._journal_write()
        self.write_now()

    async def _journal_write(self) -> None:
        changes = self._changes
        self._seq += 1
        await self._journal.async_save({**self._snapshot(self._unsaved), SEQ: self._seq})
        self._journaled = changes

    @callback
    def _written(self, ok: bool) -> None:
        issue = f"{ISSUE_WRITE_FAILED}_{self.entry.entry_id}"
        if ok:
            if self.failing is not False:
                if self.failing:
                    _LOGGER.info("Brave can save its state again")
                ir.async_delete_issue(self.hass, DOMAIN, issue)
            self.failing = False
            return
        if not self.failing:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue,
                is_fixable=False,
                severity=ir.IssueSeverity.CRITICAL,
                translation_key=ISSUE_WRITE_FAILED,
                translation_placeholders={"site": self.entry.title},
            )
        self.failing = True
        # Monitoring carries on from memory; the write is tried again until it works.
        if not self._closed and self._unsub_timer is None:
            self._unsub_timer = async_call_later(self.hass, RETRY_WRITE_AFTER, self._on_timer)

    async def async_close(self) -> None:
        """Write everything now and stop."""
        # Closed first: a write finishing now starts no other; this one takes everything.
        self._closed = True
        self._cancel_timer()
        if busy := self._writing | self._journaling:
            await asyncio.gather(*busy, return_exceptions=True)
        await self._write()


def _set_aside(path: Path, now: datetime) -> str | None:
    """Copy an unreadable store file next to itself; its new name, or None if none exists."""
    if not path.exists():
        return None
    kept = path.with_name(f"{path.name}.unreadable-{now.strftime('%Y%m%dT%H%M%S')}")
    shutil.copy2(path, kept)
    return str(kept)
