"""Small measuring tools: percentiles, event-loop lag, process CPU time, memory."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
import math
from pathlib import Path
import random
import resource
import statistics
import time


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def paired_difference(a: list[float], b: list[float], scale: float = 1.0) -> dict[str, float]:
    """Median of a[i] - b[i] and its 95 % bootstrap interval (2,000 resamples).

    Brave and the baseline take turns, so pair i saw the same moment's machine; an interval
    that includes 0 means no difference this run can show.
    """
    diffs = [(x - y) * scale for x, y in zip(a, b, strict=True)]
    if not diffs:
        return {"median": math.nan, "low": math.nan, "high": math.nan}
    rng = random.Random(0)
    medians = sorted(statistics.median(rng.choices(diffs, k=len(diffs))) for _ in range(2000))
    return {
        "median": statistics.median(diffs),
        "low": medians[int(0.025 * len(medians))],
        "high": medians[int(0.975 * len(medians)) - 1],
    }


def summary(values: list[float]) -> dict[str, float]:
    """p50, p99, max and count."""
    return {
        "p50": percentile(values, 50),
        "p99": percentile(values, 99),
        "max": max(values) if values else math.nan,
        "n": float(len(values)),
    }


@dataclass
class LoopLag:
    """How late a 10 ms ticker on the event loop wakes up, while it runs."""

    period: float = 0.010
    lags: list[float] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        expected = loop.time() + self.period
        while True:
            await asyncio.sleep(max(0.0, expected - loop.time()))
            now = loop.time()
            self.lags.append(now - expected)
            # The next tick is a period after this one woke: a stall counts once.
            expected = now + self.period

    def start(self) -> None:
        """Start ticking."""
        self.lags = []
        self._task = asyncio.get_running_loop().create_task(self._tick())

    async def stop(self) -> dict[str, float]:
        """Stop; lag p50, p99 and max in seconds, and the ticks over 100 ms."""
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        result = summary(self.lags)
        result["over_100ms"] = float(sum(1 for lag in self.lags if lag > 0.100))
        return result


def cpu_seconds() -> float:
    """CPU time of the whole process (every thread: event loop, recorder, executor)."""
    return time.process_time()


def rss_bytes() -> int:
    """Resident set size now (Linux /proc)."""
    pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
    return pages * resource.getpagesize()


def thread_cpu() -> dict[str, float]:
    """CPU seconds so far of each live thread, by thread name (Linux per-thread clocks)."""
    import threading  # noqa: PLC0415

    times: dict[str, float] = {}
    for thread in threading.enumerate():
        if thread.ident is None:
            continue
        try:
            clock = time.pthread_getcpuclockid(thread.ident)
            times[f"{thread.name}#{thread.ident}"] = time.clock_gettime(clock)
        except OSError:  # the thread ended meanwhile
            continue
    return times


def cpu_by_kind(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU used between two thread_cpu() readings: the event loop, the recorder, the rest."""
    kinds = {"loop": 0.0, "recorder": 0.0, "threads": 0.0}
    for key, value in after.items():
        used = value - before.get(key, 0.0)
        name = key.split("#", 1)[0]
        if name == "MainThread":
            kinds["loop"] += used
        elif name.startswith("Recorder"):
            kinds["recorder"] += used
        else:
            kinds["threads"] += used
    return kinds
