"""Print the outbox's retry schedule: delay before each attempt, sampled over many runs.

Run from the checkout's root in the test venv (scripts/lib/env.sh):
`python -m bench.retry_schedule [runs]`. Shows the backoff a write gets while the dispatch
service is down (before the 60 s liveness check retries everything once the service answers
again), and the effect of a Retry-After.
"""

from __future__ import annotations

from datetime import UTC, datetime
import random
import statistics
import sys

from custom_components.brave.core.outbox import Outbox, Write, WriteKind

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def delays(attempts: int, retry_after_s: float | None, rng: random.Random) -> list[float]:
    """Seconds waited before attempts 2..attempts+1 for one write."""
    outbox = Outbox()
    write = Write("key", "station-1", WriteKind.ALERT, {}, T0)
    outbox.add(write)
    now, waits = T0, []
    for _ in range(attempts):
        outbox.retry_later(write, now, retry_after_s, rng.random)
        assert write.not_before is not None
        waits.append((write.not_before - now).total_seconds())
        now = write.not_before
    return waits


def main(runs: int) -> None:
    """Sample and print."""
    rng = random.Random(1)
    for label, retry_after in (("no Retry-After", None), ("Retry-After: 30", 30.0)):
        samples = [delays(12, retry_after, rng) for _ in range(runs)]
        print(f"{label} ({runs} runs): attempt, min / median / max delay (s), cumulative median")
        cumulative = 0.0
        for attempt, column in enumerate(zip(*samples, strict=True), start=2):
            median = statistics.median(column)
            cumulative += median
            print(
                f"  {attempt:2d}: {min(column):7.2f} / {median:7.2f} / {max(column):7.2f}"
                f"   {cumulative:8.1f}"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
