"""Retry-After in every form a service (or a proxy in front of it) may send.

Whatever the header says, the next attempt comes within a bounded time: as asked when the
value is a usable delay or date (up to the outbox's 5-minute cap), at the ordinary back-off
otherwise. A 503 or 429 is never turned into a refusal, and the fallback group hears of the
alert once, at the first failure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from email.utils import format_datetime

from aiohttp import web
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from custom_components.brave.core.outbox import BACKOFF_CAP_S

from .conftest import FaultyServer, Handler, Heard, press, run_until, start_site

DOWN = "dispatch service is not answering"


def _date(offset_s: float) -> Callable[[], str]:
    return lambda: format_datetime(dt_util.utcnow() + timedelta(seconds=offset_s), usegmt=True)


def _text(value: str) -> Callable[[], str]:
    return lambda: value


# (status, Retry-After, when the second attempt may arrive: earliest, latest)
CASES = {
    "503 seconds": (503, _text("30"), 30.0, 30.0),
    "429 seconds": (429, _text("30"), 30.0, 30.0),
    "408 seconds": (408, _text("7"), 7.0, 7.0),
    "huge": (503, _text("1000000000000"), BACKOFF_CAP_S, BACKOFF_CAP_S),
    "more digits than a float holds": (503, _text("9" * 400), BACKOFF_CAP_S, BACKOFF_CAP_S),
    "negative": (503, _text("-5"), 0.5, 1.0),
    "decimal": (503, _text("1.5"), 0.5, 1.0),
    "superscript two": (503, _text("\u00b2"), 0.5, 1.0),
    "arabic-indic digits": (503, _text("\u0663\u0660"), 0.5, 1.0),
    "fullwidth digits": (503, _text("\uff13\uff10"), 0.5, 1.0),
    "date in the past": (503, _date(-3600), 0.5, 1.0),
    # An HTTP date has whole seconds: the wait is 44-45 s.
    "date in 45 s": (503, _date(45), 44.0, 45.0),
    "date in 45 s, 429": (429, _date(45), 44.0, 45.0),
    "date far ahead": (503, _text("Fri, 31 Dec 9999 23:59:59 GMT"), BACKOFF_CAP_S, BACKOFF_CAP_S),
    "garbage": (503, _text("soon, maybe"), 0.5, 1.0),
    "empty": (503, _text(""), 0.5, 1.0),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES)
async def test_retry_after_ends_in_a_bounded_retry(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    fallback: list[Heard],
    case: tuple[int, Callable[[], str], float, float],
) -> None:
    code, header, earliest, latest = case

    async def busy(request: web.Request, handler: Handler) -> web.StreamResponse:
        return web.json_response(
            {"error": "busy", "message": "try later"},
            status=code,
            headers={"Retry-After": header()},
        )

    await start_site(hass, server)
    server.fault(busy, times=1)
    server.clock.start()
    press(hass)
    await hass.async_block_till_done()
    assert [h.at for h in fallback] == [0]
    assert DOWN in fallback[0].message

    await run_until(hass, freezer, lambda: bool(server.store.alerts), step=0.25, limit=latest + 1)
    first, second = server.alert_posts()
    assert earliest <= second.at <= latest
    assert second.key == first.key
    assert len(server.store.alerts) == 1
    # Told once, at the first failure; the rest is the ladder's own fallback step (at 240 s).
    assert [h.at for h in fallback if DOWN in h.message] == [0]
