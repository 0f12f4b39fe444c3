"""The outbox: every dispatch write, kept until the service confirms it.

Pure data and policy (no Home Assistant, no clock, no I/O). Writes of one alert go out in order
(a lane per alert: a later write waits while an earlier one is pending); different alerts never
wait for each other. A write keeps its idempotency key for every retry, so a retry can never
create a second alert or event.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

# Exponential backoff with jitter: about 1 s, 2 s, 4 s ... capped at 5 minutes. A service's
# Retry-After is honoured up to the same cap, so no answer can park an alert for longer.
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 300.0


class WriteKind(StrEnum):
    """What a write does at the service."""

    ALERT = "alert"
    EVENT = "event"


@dataclass(slots=True)
class Write:
    """One pending write."""

    key: str
    alert_key: str
    kind: WriteKind
    body: dict[str, Any]
    queued_at: datetime
    attempts: int = 0
    not_before: datetime | None = None
    # The fallback group was told that the service has not taken this alert (yet).
    fallback_told: bool = False


class InvalidWriteError(ValueError):
    """A stored write that cannot be read back."""


class Outbox:
    """Pending writes, a lane per alert in the order they were made, and the service's ids."""

    def __init__(self) -> None:
        """Start empty."""
        self._lanes: dict[str, deque[Write]] = {}
        self._keys: set[str] = set()
        self.alert_ids: dict[str, str] = {}
        self._by_id: dict[str, str] = {}

    def __len__(self) -> int:
        """How many writes wait."""
        return len(self._keys)

    @property
    def writes(self) -> Iterator[Write]:
        """Every pending write, lane by lane."""
        for lane in self._lanes.values():
            yield from lane

    @property
    def lanes(self) -> list[str]:
        """The alerts with writes pending."""
        return list(self._lanes)

    def add(self, write: Write) -> bool:
        """Queue a write; False when the same step is already queued."""
        if write.key in self._keys:
            return False
        self._keys.add(write.key)
        self._lanes.setdefault(write.alert_key, deque()).append(write)
        return True

    def head(self, alert_key: str) -> Write | None:
        """The write an alert's lane sends next."""
        lane = self._lanes.get(alert_key)
        return lane[0] if lane else None

    def _remove(self, write: Write) -> None:
        lane = self._lanes[write.alert_key]
        lane.remove(write)
        self._keys.discard(write.key)
        if not lane:
            del self._lanes[write.alert_key]

    def delivered(self, write: Write, alert_id: str | None = None) -> None:
        """The service confirmed the write."""
        self._remove(write)
        if alert_id is not None:
            self.remember(write.alert_key, alert_id)

    def remember(self, alert_key: str, alert_id: str) -> None:
        """The service's id for one of our alerts."""
        self.alert_ids[alert_key] = alert_id
        self._by_id[alert_id] = alert_key

    def alert_key_for(self, alert_id: str) -> str | None:
        """Which of our alerts the service calls alert_id."""
        return self._by_id.get(alert_id)

    def dropped(self, write: Write) -> list[Write]:
        """Remove a write the service refused for good; return everything removed.

        When an alert is refused, its later writes go too: the alert never existed there.
        """
        gone = [write]
        if write.kind is WriteKind.ALERT:
            gone = list(self._lanes.get(write.alert_key, ()))
        for w in gone:
            self._remove(w)
        return gone

    def retry_later(
        self,
        write: Write,
        now: datetime,
        retry_after_s: float | None,
        random: Callable[[], float],
    ) -> None:
        """Back off before the next attempt, at least as long as the service asked (capped)."""
        write.attempts += 1
        # "Equal jitter": half the step fixed, half random, so a retry is never immediate.
        step = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** min(write.attempts - 1, 32))
        delay = step / 2 + random() * step / 2
        if retry_after_s is not None:
            delay = max(delay, min(max(retry_after_s, 0.0), BACKOFF_CAP_S))
        write.not_before = now + timedelta(seconds=delay)

    def retry_now(self, earliest: datetime | None = None) -> set[str]:
        """Bring every back-off forward to `earliest`, or to now when None; the alerts moved.

        Used when the service is known to be back; no attempt is ever put later.
        """
        moved: set[str] = set()
        for write in self.writes:
            if write.not_before is not None and (earliest is None or write.not_before > earliest):
                write.not_before = earliest
                moved.add(write.alert_key)
        return moved

    def shift(self, delta: timedelta) -> None:
        """The wall clock was stepped: back-offs keep their remaining length."""
        for write in self.writes:
            if write.not_before is not None:
                write.not_before += delta


def dump_outbox(outbox: Outbox) -> dict[str, Any]:
    """JSON-safe snapshot."""
    return {
        "writes": [
            {
                "key": w.key,
                "alert_key": w.alert_key,
                "kind": w.kind.value,
                "body": w.body,
                "queued_at": w.queued_at.isoformat(),
                "attempts": w.attempts,
                "not_before": w.not_before.isoformat() if w.not_before else None,
                "fallback_told": w.fallback_told,
            }
            for w in outbox.writes
        ],
        "alert_ids": dict(outbox.alert_ids),
    }


def _time(value: Any) -> datetime:
    try:
        when = datetime.fromisoformat(value)
    except (TypeError, ValueError) as err:
        raise InvalidWriteError(f"time: {value!r}") from err
    if when.tzinfo is None:
        raise InvalidWriteError("time without a time zone")
    return when


def load_write(raw: Any, now: datetime) -> Write:
    """One stored write; raise InvalidWriteError when it cannot be sent as it was made.

    Bookkeeping fields missing from older records get safe defaults (sent again at once); the
    key, the alert and the body are what the service saw and must be there.
    """
    if not isinstance(raw, dict):
        raise InvalidWriteError("not an object")
    key, alert_key, body = raw.get("key"), raw.get("alert_key"), raw.get("body")
    if not isinstance(key, str) or not key or not isinstance(alert_key, str) or not alert_key:
        raise InvalidWriteError("no key or alert")
    if not isinstance(body, dict):
        raise InvalidWriteError("no body")
    try:
        kind = WriteKind(str(raw.get("kind")))
    except ValueError as err:
        raise InvalidWriteError(str(err)) from err
    attempts = raw.get("attempts", 0)
    if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 0:
        attempts = 0
    not_before = raw.get("not_before")
    return Write(
        key=key,
        alert_key=alert_key,
        kind=kind,
        body=body,
        queued_at=_time(raw["queued_at"]) if raw.get("queued_at") is not None else now,
        attempts=attempts,
        not_before=None if not_before is None else _time(not_before),
        fallback_told=raw.get("fallback_told") is True,
    )


def load_outbox(data: Any, now: datetime) -> tuple[Outbox, list[Any]]:
    """Rebuild from dump_outbox's output; the writes that could not be read come back apart."""
    outbox, unreadable = Outbox(), []
    if not isinstance(data, dict):
        return outbox, [data]
    writes = data.get("writes") or []
    if not isinstance(writes, list):
        # Another shape altogether: set aside whole, never read piece by piece.
        unreadable.append(writes)
        writes = []
    for raw in writes:
        try:
            outbox.add(load_write(raw, now))
        except InvalidWriteError:
            unreadable.append(raw)
    ids = data.get("alert_ids")
    for alert_key, alert_id in (ids if isinstance(ids, dict) else {}).items():
        if isinstance(alert_key, str) and isinstance(alert_id, str):
            outbox.remember(alert_key, alert_id)
    return outbox, unreadable
