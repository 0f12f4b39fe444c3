"""Delivers the outbox to the dispatch service, and tracks whether the service is reachable.

Each alert has its own lane: its writes go in order, and no alert ever waits for another (a
service that accepts connections and never answers holds up each alert by itself, never the
others). A bounded number of retries run at once. Whenever the service has not taken an alert
within FALLBACK_AFTER, or fails on it, the fallback group hears at once, once.

While the service is down and writes wait, it is asked every PROBE_WHILE_DOWN whether it is
back. When it answers, the oldest waiting write goes; once the service takes a write, everything
queued goes at once rather than at each write's back-off (minutes, after a long outage). A
service that answers its health but fails writes gets one write per probe, not the whole queue.
A Retry-After is the service asking for quiet: nothing is probed or flushed before it ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial
import logging
import random
from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later, async_track_time_interval

from ..const import DOMAIN
from ..core.outbox import Outbox, Write, WriteKind
from .dispatch_client import (
    KEY_REUSED,
    DispatchAuthError,
    DispatchClient,
    DispatchConnectionError,
    DispatchError,
    DispatchResponseError,
)

_LOGGER = logging.getLogger(__name__)

LIVENESS_INTERVAL: Final = timedelta(seconds=60)
PROBE_WHILE_DOWN: Final = 5.0  # seconds
# The fallback group hears of an alert the service has not confirmed by then.
FALLBACK_AFTER: Final = 10.0  # seconds
# Retries in flight at once, across all alerts (a queue flushed after an outage goes a few
# at a time); a write's first attempt is never held back by them.
MAX_IN_FLIGHT: Final = 8

# Called when the service has not taken an alert (now, or ever): the write and why.
type FailureHandler = Callable[[Write, str], None]


class DispatchSender:
    """Sends queued writes, a lane per alert, retrying with backoff; nothing is lost."""

    def __init__(  # noqa: PLR0913 (where it sends, what, and three hooks into the site)
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: DispatchClient,
        outbox: Outbox,
        *,
        now: Callable[[], datetime],
        on_failure: FailureHandler,
        save: Callable[[], None],
        save_soon: Callable[[], None],
        durable: Callable[[], Awaitable[None]],
    ) -> None:
        """Prepare; nothing runs until async_start.

        `save` asks for the outbox to be written now, `save_soon` within the bounded time (a
        back-off lost in a crash only means a retry comes sooner, under the same key);
        `durable` returns once it is in the journal, which a write waits for before its first
        attempt.
        """
        self.hass = hass
        self.entry = entry
        self.client = client
        self.outbox = outbox
        self.connected: bool | None = None
        self.last_error: str | None = None
        self._now = now
        self._on_failure = on_failure
        self._save = save
        self._save_soon = save_soon
        self._durable = durable
        self._auth_refused = False
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._lanes: dict[str, asyncio.Task[None]] = {}
        self._retries: dict[str, CALLBACK_TYPE] = {}
        self._fallback_timers: dict[str, CALLBACK_TYPE] = {}
        self._probe: CALLBACK_TYPE | None = None
        # Until when the service asked not to be called (its latest Retry-After).
        self._quiet_until: datetime | None = None
        self._unsubs: list[CALLBACK_TYPE] = []
        self._listeners: list[Callable[[], None]] = []
        self._stopping = False

    @callback
    def add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call listener when connectivity, the queue or the last error change."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    @callback
    def async_start(self) -> None:
        """Deliver what was pending at the last stop; back-offs start afresh."""
        self.outbox.retry_now()
        self._unsubs.append(
            async_track_time_interval(self.hass, self._check_liveness, LIVENESS_INTERVAL)
        )
        for write in self.outbox.writes:
            if write.kind is WriteKind.ALERT and not write.fallback_told:
                self._arm_fallback(write)
        self._wake_all()

    async def async_stop(self) -> None:
        """Stop timers and requests; pending writes stay in the outbox."""
        self._stopping = True
        if self._probe is not None:
            self._probe()
            self._probe = None
        for unsub in [*self._unsubs, *self._retries.values(), *self._fallback_timers.values()]:
            unsub()
        self._unsubs.clear()
        self._retries.clear()
        self._fallback_timers.clear()
        lanes = list(self._lanes.values())
        for lane in lanes:
            lane.cancel()
        await asyncio.gather(*lanes, return_exceptions=True)

    @callback
    def enqueue(self, write: Write) -> None:
        """Queue a write and start its lane; it is written to disk at once, not waited for."""
        if not self.outbox.add(write):
            return
        self._save()
        self._changed()
        if write.kind is WriteKind.ALERT:
            if self._auth_refused:
                # Nothing is sent until a working key is entered: the fallback group hears now.
                self._tell_fallback(write, "refused_key")
            else:
                self._arm_fallback(write)
        self._wake(write.alert_key)

    @callback
    def shift(self, step: timedelta) -> None:
        """The wall clock was stepped: back-offs and asked quiet keep their remaining length."""
        self.outbox.shift(step)
        if self._quiet_until is not None:
            self._quiet_until += step

    def alert_key_for(self, alert_id: str) -> str | None:
        """Which of our alerts the service calls alert_id."""
        return self.outbox.alert_key_for(alert_id)

    def alert_id_for(self, alert_key: str) -> str | None:
        """The service's id for one of our alerts, once it took it."""
        return self.outbox.alert_ids.get(alert_key)

    # -- lanes ---------------------------------------------------------------------------

    @callback
    def _wake_all(self) -> None:
        for alert_key in self.outbox.lanes:
            self._wake(alert_key)

    @callback
    def _wake(self, alert_key: str) -> None:
        if self._stopping or self._auth_refused:
            return
        if (running := self._lanes.get(alert_key)) is not None and not running.done():
            return
        if (unsub := self._retries.pop(alert_key, None)) is not None:
            unsub()
        lane = self.entry.async_create_task(
            self.hass, self._run_lane(alert_key), f"{DOMAIN} dispatch {alert_key}"
        )
        # A lane with nothing to wait for ends before it is even stored (eager start).
        if not lane.done():
            self._lanes[alert_key] = lane

    async def _run_lane(self, alert_key: str) -> None:
        try:
            while not self._auth_refused and (write := self.outbox.head(alert_key)):
                now = self._now()
                if write.not_before is not None and write.not_before > now:
                    delay = (write.not_before - now).total_seconds()
                    self._retries[alert_key] = async_call_later(
                        self.hass, delay, partial(self._on_retry, alert_key)
                    )
                    return
                if write.attempts == 0:
                    # Known on disk before it leaves: a Home Assistant that dies now still
                    # knows this step and never makes it again under another key.
                    await self._durable()
                    # A first attempt never waits for a slot: requests to a service that
                    # hangs hold theirs for the client's whole timeout.
                    await self._send(write)
                    continue
                async with self._in_flight:
                    await self._send(write)
        finally:
            if self._lanes.get(alert_key) is asyncio.current_task():
                del self._lanes[alert_key]
            self._changed()

    @callback
    def _on_retry(self, alert_key: str, _now: datetime) -> None:
        self._retries.pop(alert_key, None)
        self._wake(alert_key)

    async def _send(self, write: Write) -> None:
        try:
            if write.kind is WriteKind.ALERT:
                alert = await self.client.create_alert(write.body, write.key)
                self.outbox.delivered(write, alert.alert_id)
                self._disarm_fallback(write.alert_key)
            elif (alert_id := self.outbox.alert_ids.get(write.alert_key)) is None:
                # Its alert was refused for good; the fallback channels already carried it.
                self.outbox.dropped(write)
            else:
                await self.client.post_event(alert_id, write.body, write.key)
                self.outbox.delivered(write)
        except DispatchConnectionError as err:
            self.outbox.retry_later(write, self._now(), err.retry_after_s, random.random)
            if err.retry_after_s is not None and write.not_before is not None:
                self._quiet_until = max(self._quiet_until or write.not_before, write.not_before)
            self._set_connected(False, str(err))
            if write.kind is WriteKind.ALERT:
                self._tell_fallback(write, "unreachable")
            self._save_soon()
            return
        except DispatchAuthError as err:
            self._auth_refused = True
            self._set_connected(False, str(err))
            self.entry.async_start_reauth(self.hass)
            for pending in self.outbox.writes:
                if pending.kind is WriteKind.ALERT:
                    self._tell_fallback(pending, "refused_key")
        except DispatchError as err:
            self._rejected(write, err)
        else:
            self._set_connected(True)
            # The service takes writes again: nothing queued waits for its back-off.
            self._flush()
        self._save()

    @callback
    def _rejected(self, write: Write, err: DispatchError) -> None:
        """400/422 or a contract violation: retrying cannot help. Say so; fallback carries it."""
        if (
            isinstance(err, DispatchResponseError)
            and err.code == KEY_REUSED
            and write.kind is WriteKind.EVENT
        ):
            # The service already has this step of the alert (sent before a crash, with
            # another time): it is done, not refused.
            _LOGGER.info("The dispatch service already had %s of %s", write.key, write.alert_key)
            self.outbox.delivered(write)
            return
        self.last_error = str(err)
        for gone in self.outbox.dropped(write):
            _LOGGER.error("Dispatch service rejected %s for %s: %s", gone.kind, gone.alert_key, err)
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            f"dispatch_rejected_{write.alert_key}",
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key="dispatch_rejected",
            translation_placeholders={"error": str(err)},
        )
        if write.kind is WriteKind.ALERT:
            self._tell_fallback(write, "rejected")

    # -- the fallback group --------------------------------------------------------------

    @callback
    def _arm_fallback(self, write: Write) -> None:
        if write.alert_key in self._fallback_timers or self._stopping:
            return

        @callback
        def _late(_now: datetime) -> None:
            self._fallback_timers.pop(write.alert_key, None)
            if self.outbox.head(write.alert_key) is write:
                self._tell_fallback(write, "unreachable")

        self._fallback_timers[write.alert_key] = async_call_later(self.hass, FALLBACK_AFTER, _late)

    @callback
    def _disarm_fallback(self, alert_key: str) -> None:
        if (unsub := self._fallback_timers.pop(alert_key, None)) is not None:
            unsub()

    @callback
    def _tell_fallback(self, write: Write, reason: str) -> None:
        self._disarm_fallback(write.alert_key)
        if write.fallback_told:
            return
        write.fallback_told = True
        self._save()
        self._on_failure(write, reason)

    # -- the service's health ------------------------------------------------------------

    @callback
    def _set_connected(self, connected: bool, error: str | None = None) -> None:
        was_down = self.connected is False
        if connected and was_down:
            _LOGGER.info(
                "Dispatch service reachable again; %s queued writes to send", len(self.outbox)
            )
        elif not connected and not was_down:
            _LOGGER.warning(
                "Dispatch service unreachable (%s); alerts are kept and sent when it is back, "
                "and fallback channels are used meanwhile",
                error,
            )
        self.connected = connected
        if error is not None:
            self.last_error = error
        if not connected:
            self._arm_probe()
        self._changed()

    @callback
    def _quiet(self) -> datetime | None:
        """Until when the service asked not to be called, if that is still ahead."""
        if self._quiet_until is not None and self._quiet_until <= self._now():
            self._quiet_until = None
        return self._quiet_until

    @callback
    def _flush(self) -> None:
        """Everything queued goes now (or when the quiet the service asked for ends)."""
        for alert_key in self.outbox.retry_now(self._quiet()):
            self._wake(alert_key)

    @callback
    def _retry_oldest(self) -> None:
        """The oldest write waiting on a back-off goes now, unless the service asked for quiet.

        Answering its health is not taking writes: the rest follow once it takes this one.
        """
        waiting = [w for k in self.outbox.lanes if (w := self.outbox.head(k)) and w.not_before]
        if waiting and self._quiet() is None:
            oldest = min(waiting, key=lambda w: w.queued_at)
            oldest.not_before = None
            self._wake(oldest.alert_key)

    @callback
    def _arm_probe(self) -> None:
        if self._probe is not None or self._stopping or self._auth_refused or not len(self.outbox):
            return
        delay = PROBE_WHILE_DOWN
        if self._quiet_until is not None:
            delay = max(delay, (self._quiet_until - self._now()).total_seconds())
        self._probe = async_call_later(self.hass, delay, self._on_probe)

    @callback
    def _on_probe(self, now: datetime) -> None:
        self._probe = None
        if self.connected is False:
            self.entry.async_create_background_task(
                self.hass, self._check_liveness(now), f"{DOMAIN} dispatch probe"
            )

    async def _check_liveness(self, _now: datetime) -> None:
        try:
            await self.client.health()
        except DispatchError as err:
            self._set_connected(False, str(err))
            return
        self._set_connected(True)
        self._retry_oldest()
