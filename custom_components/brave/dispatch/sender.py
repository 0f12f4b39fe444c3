"""Delivers the outbox to the dispatch service, and tracks whether the service is reachable."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
import logging
import random

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_point_in_utc_time, async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from .client import DispatchAuthError, DispatchClient, DispatchConnectionError, DispatchError
from .outbox import Outbox, Write, WriteKind, dump_outbox, load_outbox

_LOGGER = logging.getLogger(__name__)

LIVENESS_INTERVAL = timedelta(seconds=60)

# Called when a write could not be delivered (now, or ever): the alert's key and why.
type FailureHandler = Callable[[Write, str], None]


class DispatchSender:
    """Sends queued writes in order, retrying with backoff; nothing is lost across restarts."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: DispatchClient,
        on_failure: FailureHandler,
    ) -> None:
        """Prepare; nothing runs until async_start."""
        self.hass = hass
        self.entry = entry
        self.client = client
        self.outbox = Outbox()
        self.connected: bool | None = None
        self.last_error: str | None = None
        self._on_failure = on_failure
        self._store: Store[dict[str, object]] = Store(hass, 1, f"{DOMAIN}.{entry.entry_id}.outbox")
        self._lock = asyncio.Lock()
        self._auth_refused = False
        self._unsubs: list[CALLBACK_TYPE] = []
        self._unsub_retry: CALLBACK_TYPE | None = None
        self._listeners: list[Callable[[], None]] = []

    @callback
    def add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call listener when connectivity, the queue or the last error change."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    async def async_start(self) -> None:
        """Load what was pending at the last stop and start delivering it."""
        if (data := await self._store.async_load()) is not None:
            self.outbox = load_outbox(data)
            # A restart is a fresh start for back-offs.
            self.outbox.retry_now()
        self._unsubs.append(
            async_track_time_interval(self.hass, self._check_liveness, LIVENESS_INTERVAL)
        )
        self.entry.async_create_task(self.hass, self._drain(), f"{DOMAIN} outbox")

    async def async_stop(self) -> None:
        """Stop timers and save the queue."""
        for unsub in self._unsubs:
            unsub()
        if self._unsub_retry:
            self._unsub_retry()
            self._unsub_retry = None
        await self._store.async_save(dump_outbox(self.outbox))

    @callback
    def enqueue(self, write: Write) -> None:
        """Queue a write; it is stored before it is sent."""
        self.outbox.add(write)
        self._changed()
        if self._auth_refused and write.kind is WriteKind.ALERT:
            # Nothing is sent until a working key is entered: the fallback group hears now.
            self._on_failure(write, "refused_key")
        self.entry.async_create_task(self.hass, self._save_and_drain(), f"{DOMAIN} outbox")

    def alert_key_for(self, alert_id: str) -> str | None:
        """Which of our alerts the service calls alert_id."""
        for key, known in self.outbox.alert_ids.items():
            if known == alert_id:
                return key
        return None

    async def _save_and_drain(self) -> None:
        await self._store.async_save(dump_outbox(self.outbox))
        await self._drain()

    async def _drain(self) -> None:
        async with self._lock:
            while not self._auth_refused and (due := self.outbox.due(dt_util.utcnow())):
                for write in due:
                    await self._send(write)
            await self._store.async_save(dump_outbox(self.outbox))
            self._schedule_retry()
        self._changed()

    @callback
    def _schedule_retry(self) -> None:
        if self._unsub_retry:
            self._unsub_retry()
            self._unsub_retry = None
        if (when := self.outbox.next_attempt) is not None and not self._auth_refused:
            self._unsub_retry = async_track_point_in_utc_time(self.hass, self._retry, when)

    @callback
    def _retry(self, _now: datetime) -> None:
        self._unsub_retry = None
        self.entry.async_create_task(self.hass, self._drain(), f"{DOMAIN} outbox retry")

    async def _send(self, write: Write) -> None:
        try:
            if write.kind is WriteKind.ALERT:
                alert = await self.client.create_alert(write.body, write.key)
                self.outbox.delivered(write, alert.alert_id)
            elif (alert_id := self.outbox.alert_ids.get(write.alert_key)) is None:
                # Its alert was refused for good; the fallback channels already carried it.
                self.outbox.dropped(write)
                return
            else:
                await self.client.post_event(alert_id, write.body, write.key)
                self.outbox.delivered(write)
        except DispatchConnectionError as err:
            self.outbox.retry_later(write, dt_util.utcnow(), err.retry_after_s, random.random)
            self._set_connected(False, str(err))
            if write.attempts == 1:
                self._on_failure(write, "unreachable")
        except DispatchAuthError as err:
            self._auth_refused = True
            self._set_connected(False, str(err))
            self.entry.async_start_reauth(self.hass)
            self._on_failure(write, "refused_key")
        except DispatchError as err:
            # 400/422 or a contract violation: retrying cannot help. Say so, and let the
            # fallback channels carry the alert.
            self.last_error = str(err)
            for gone in self.outbox.dropped(write):
                _LOGGER.error(
                    "Dispatch service rejected %s for %s: %s", gone.kind, gone.alert_key, err
                )
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                f"dispatch_rejected_{write.alert_key}",
                is_fixable=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key="dispatch_rejected",
                translation_placeholders={"error": str(err)},
            )
            self._on_failure(write, "rejected")
        else:
            self._set_connected(True)

    @callback
    def _set_connected(self, connected: bool, error: str | None = None) -> None:
        if connected and self.connected is False:
            _LOGGER.info(
                "Dispatch service reachable again; %s queued writes to send",
                len(self.outbox.writes),
            )
        elif not connected and self.connected is not False:
            _LOGGER.warning(
                "Dispatch service unreachable (%s); alerts are kept and sent when it is back, "
                "and fallback channels are used meanwhile",
                error,
            )
        self.connected = connected
        if error is not None:
            self.last_error = error
        self._changed()

    async def _check_liveness(self, _now: datetime) -> None:
        try:
            await self.client.health()
        except DispatchAuthError as err:
            self._set_connected(False, str(err))
        except DispatchError as err:
            self._set_connected(False, str(err))
        else:
            was_down = self.connected is False
            self._set_connected(True)
            if was_down and self.outbox.writes:
                self.outbox.retry_now()
                await self._drain()
