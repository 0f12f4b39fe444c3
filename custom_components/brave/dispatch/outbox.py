"""The outbox: every dispatch write, kept until the service confirms it.

Pure data and policy (no Home Assistant, no clock, no I/O): the sender stores the outbox before
each send, asks it what is due, and reports each result back. Writes of one alert go out in
order: a later write waits while an earlier one is pending. A write keeps its idempotency key
for every retry, so a retry can never create a second alert or event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

# Exponential backoff with jitter: about 1 s, 2 s, 4 s ... capped at 5 minutes.
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


@dataclass(slots=True)
class Outbox:
    """Pending writes in the order they were made, and the alert ids the service gave."""

    writes: list[Write] = field(default_factory=list)
    alert_ids: dict[str, str] = field(default_factory=dict)

    def add(self, write: Write) -> None:
        """Queue a write; a repeated key (the same step again) is already queued or sent."""
        if all(w.key != write.key for w in self.writes):
            self.writes.append(write)

    def due(self, now: datetime) -> list[Write]:
        """Writes to send now: the first pending write of each alert, if its time has come."""
        heads: dict[str, Write] = {}
        for write in self.writes:
            heads.setdefault(write.alert_key, write)
        return [w for w in heads.values() if w.not_before is None or w.not_before <= now]

    def delivered(self, write: Write, alert_id: str | None = None) -> None:
        """The service confirmed the write."""
        self.writes.remove(write)
        if alert_id is not None:
            self.alert_ids[write.alert_key] = alert_id

    def dropped(self, write: Write) -> list[Write]:
        """Remove a write the service refused for good; return everything removed.

        When an alert is refused, its later writes go too: the alert never existed there.
        """
        gone = [write]
        if write.kind is WriteKind.ALERT:
            gone += [w for w in self.writes if w.alert_key == write.alert_key and w is not write]
        for w in gone:
            self.writes.remove(w)
        return gone

    def retry_later(
        self,
        write: Write,
        now: datetime,
        retry_after_s: float | None,
        random: Callable[[], float],
    ) -> None:
        """Back off before the next attempt, at least as long as the service asked."""
        write.attempts += 1
        # "Equal jitter": half the step fixed, half random, so a retry is never immediate.
        step = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (write.attempts - 1))
        delay = step / 2 + random() * step / 2
        if retry_after_s is not None:
            delay = max(delay, retry_after_s)
        write.not_before = now + timedelta(seconds=delay)

    def retry_now(self) -> None:
        """Forget back-offs (the service is known to be back)."""
        for write in self.writes:
            write.not_before = None

    @property
    def next_attempt(self) -> datetime | None:
        """When the earliest backed-off write may go."""
        times = [w.not_before for w in self.writes if w.not_before is not None]
        return min(times) if times else None


def dump_outbox(outbox: Outbox) -> dict[str, Any]:
    """JSON-safe snapshot."""
    return {
        "writes": [
            {
                **asdict(w),
                "kind": w.kind.value,
                "queued_at": w.queued_at.isoformat(),
                "not_before": w.not_before.isoformat() if w.not_before else None,
            }
            for w in outbox.writes
        ],
        "alert_ids": dict(outbox.alert_ids),
    }


def load_outbox(data: dict[str, Any]) -> Outbox:
    """Rebuild from dump_outbox's output."""
    return Outbox(
        writes=[
            Write(
                key=w["key"],
                alert_key=w["alert_key"],
                kind=WriteKind(w["kind"]),
                body=w["body"],
                queued_at=datetime.fromisoformat(w["queued_at"]),
                attempts=w["attempts"],
                not_before=datetime.fromisoformat(w["not_before"]) if w["not_before"] else None,
            )
            for w in data.get("writes", [])
        ],
        alert_ids=dict(data.get("alert_ids", {})),
    )
