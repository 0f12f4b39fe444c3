"""The outbox's retry policy takes the service's Retry-After: whatever it says, bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import math

from hypothesis import example, given, settings, strategies as st
import pytest

from custom_components.brave.core.outbox import BACKOFF_CAP_S, Outbox, Write, WriteKind

POLICY = settings(max_examples=300, derandomize=True, deadline=None, database=None)
NOW = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the suite-wide fixture: the policy needs no Home Assistant instance."""


def _write(key: str = "k", attempts: int = 0) -> Write:
    return Write(key, "station-1", WriteKind.ALERT, {}, NOW, attempts=attempts)


# What a client may hand over: nothing, or any float a header could be read as.
retry_afters = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**20), 10**20)
)


@POLICY
@given(
    attempts=st.integers(0, 10_000),
    retry_after=retry_afters,
    draw=st.floats(0.0, 1.0, exclude_max=True),
)
@example(0, 1e12, 0.0)
@example(0, float("nan"), 0.0)
@example(0, float("inf"), 0.0)
@example(0, -5.0, 0.99)
def test_next_attempt_is_never_immediate_nor_further_than_the_cap(
    attempts: int, retry_after: float | None, draw: float
) -> None:
    write = _write(attempts=attempts)
    Outbox().retry_later(write, NOW, retry_after, lambda: draw)
    assert write.not_before is not None
    wait = (write.not_before - NOW).total_seconds()
    assert 0.5 <= wait <= BACKOFF_CAP_S
    if retry_after is not None and math.isfinite(retry_after):
        # As long as the service asked, up to the cap.
        assert wait >= min(max(retry_after, 0.0), BACKOFF_CAP_S)


@POLICY
@given(
    waits=st.lists(st.one_of(st.none(), st.integers(0, 600)), min_size=1, max_size=20),
    earliest=st.one_of(st.none(), st.integers(0, 600)),
)
def test_a_flush_only_ever_brings_attempts_forward(
    waits: list[int | None], earliest: int | None
) -> None:
    outbox = Outbox()
    for n, wait in enumerate(waits):
        write = _write(str(n))
        write.not_before = None if wait is None else NOW + timedelta(seconds=wait)
        outbox.add(write)
    before = [w.not_before for w in outbox.writes]
    limit = None if earliest is None else NOW + timedelta(seconds=earliest)
    outbox.retry_now(limit)
    for old, write in zip(before, outbox.writes, strict=True):
        if old is None or limit is None:
            assert write.not_before is None
        else:
            assert write.not_before == min(old, limit)
