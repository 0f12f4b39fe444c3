"""A dispatch service that misbehaves on purpose, the sites that use it, and a test clock.

The server is the reference dispatch server over real HTTP on 127.0.0.1, on a fixed port so it
can go down and come back. Every API request is recorded with the time it arrived on the test's
clock (frozen time, which Home Assistant's loop follows); a fault, when set, answers matching
requests instead of (or around) the real handler.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import socket
from typing import Any

import aiohttp
from aiohttp import web
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed_exact,
)

from custom_components.brave.const import DOMAIN
from dispatch_server.app import create_app
from dispatch_server.store import Store

from ..conftest import (
    API_KEY,
    RESPONDER,
    RESPONDER_PASSWORD,
    RunningServer,
    sign_in,
    site_data,
    station_data,
)
from ..helpers import advance, setup_site

ALERTS = "/v1/alerts"
FALLBACK_NUMBER = "+15555550199"
OPTIONS = {
    "fallback": f"Desk = notify.fallback_sms:{FALLBACK_NUMBER}",
    "first_responders": "Friend = notify.friend",
}

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# A fault: answers one request, given the real handler (to act first, then misbehave).
type Respond = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]


class Stopwatch:
    """Seconds on the frozen clock since start()."""

    def __init__(self) -> None:
        self.t0 = dt_util.utcnow()

    def start(self) -> None:
        self.t0 = dt_util.utcnow()

    def __call__(self) -> float:
        return round((dt_util.utcnow() - self.t0).total_seconds(), 3)


@dataclass(frozen=True, slots=True)
class Arrival:
    """One API request as the server received it."""

    at: float
    method: str
    path: str
    key: str | None
    body: Any


@dataclass(slots=True)
class Rule:
    """Requests a fault answers: by method and path, a predicate on the body, how many."""

    respond: Respond
    method: str = "POST"
    path: str = ALERTS
    match: Callable[[Any], bool] = lambda _body: True
    times: int | None = None

    def applies(self, request: web.Request, body: Any) -> bool:
        if request.method != self.method or request.path != self.path or not self.match(body):
            return False
        if self.times is None:
            return True
        if self.times == 0:
            return False
        self.times -= 1
        return True


@dataclass(slots=True)
class FaultyServer:
    """The reference server on a fixed loopback port, with faults a test switches on."""

    port: int
    clock: Stopwatch
    store: Store = field(default_factory=Store)
    arrivals: list[Arrival] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    # Hanging requests wait for this; it is set when the test ends.
    released: asyncio.Event = field(default_factory=asyncio.Event)
    runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> RunningServer:
        return RunningServer(url=self.url, api_key=API_KEY, store=self.store)

    def alert_posts(self) -> list[Arrival]:
        """Every POST /v1/alerts that reached the server, faulted or not."""
        return [a for a in self.arrivals if a.method == "POST" and a.path == ALERTS]

    def fault(self, respond: Respond, **rule: Any) -> None:
        """Answer matching requests with `respond` from now on (see Rule)."""
        self.rules.append(Rule(respond, **rule))

    def heal(self) -> None:
        """Answer everything normally again."""
        self.rules.clear()

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith("/v1/"):
            return await handler(request)
        body = await request.json() if request.can_read_body else None
        self.arrivals.append(
            Arrival(
                self.clock(),
                request.method,
                request.path,
                request.headers.get("Idempotency-Key"),
                body,
            )
        )
        for rule in self.rules:
            if rule.applies(request, body):
                return await rule.respond(request, handler)
        return await handler(request)

    async def up(self) -> None:
        app = create_app(API_KEY, self.store)
        app.middlewares.insert(0, self._record)
        # No grace period on stop: an outage is abrupt.
        self.runner = web.AppRunner(app, shutdown_timeout=0, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def down(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def clock() -> Stopwatch:
    return Stopwatch()


@pytest.fixture
async def server(socket_enabled: None, clock: Stopwatch) -> AsyncIterator[FaultyServer]:
    faulty = FaultyServer(free_port(), clock)
    await faulty.up()
    yield faulty
    faulty.released.set()
    await faulty.down()


# -- answers a fault can give ----------------------------------------------------------------


def status(code: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Respond:
    """Answer with this status, body and headers; the service does nothing."""

    async def respond(request: web.Request, handler: Handler) -> web.StreamResponse:
        return web.Response(status=code, body=body, headers=headers)

    return respond


def hang(server: FaultyServer) -> Respond:
    """Accept the request and never answer (until the test ends)."""

    async def respond(request: web.Request, handler: Handler) -> web.StreamResponse:
        await server.released.wait()
        return web.Response(status=503)

    return respond


async def reset_after_acting(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The service acts, then the connection drops before the answer: the answer is lost."""
    response = await handler(request)
    assert request.transport is not None
    request.transport.abort()
    return response


# -- sites -------------------------------------------------------------------------------------


def button(room: int) -> str:
    """The help button of room `room`."""
    return f"event.room_{room}_button"


def station_id(room: int) -> str:
    return f"station{room:04d}"


def room_data(room: int, **kwargs: Any) -> dict[str, Any]:
    """A station's data whose only button is `button(room)`."""
    data = station_data(**kwargs)
    data["sensors"]["buttons"] = [button(room)]
    return data


def site_entry(
    server: FaultyServer,
    rooms: int = 1,
    *,
    options: dict[str, str] | None = None,
    station: dict[str, Any] | None = None,
    **entry_data: Any,
) -> MockConfigEntry:
    """A site on the server with `rooms` stations (Room 1, Room 2, ...)."""
    site = server.store.add_site({"name": "Home", "callback_url": None})
    return MockConfigEntry(
        domain=DOMAIN,
        title="Brave reference dispatch",
        unique_id=server.url,
        options=OPTIONS if options is None else options,
        data={**site_data(server.running, site), **entry_data},
        subentries_data=[
            ConfigSubentryData(
                data=room_data(n, **(station or {})),
                subentry_id=station_id(n),
                subentry_type="station",
                title=f"Room {n}",
                unique_id=None,
            )
            for n in range(1, rooms + 1)
        ],
    )


async def start_site(
    hass: HomeAssistant, server: FaultyServer, rooms: int = 1, **kwargs: Any
) -> MockConfigEntry:
    """Set up a site whose buttons exist and have not been pressed."""
    for n in range(1, rooms + 1):
        hass.states.async_set(button(n), "unknown")
    for domain, service in (("notify", "fallback_sms"), ("notify", "friend"), ("tts", "speak")):
        # Responders a test does not follow still have a working phone; the room a speaker.
        if not hass.services.has_service(domain, service):
            hass.services.async_register(domain, service, lambda _call: None)
    entry = site_entry(server, rooms, **kwargs)
    await setup_site(hass, entry)
    return entry


def station_device(hass: HomeAssistant, room: int = 1) -> str:
    """The device id of room `room`'s station (what services take as `station`)."""
    registry = er.async_get(hass)
    entity = registry.async_get_entity_id("sensor", DOMAIN, f"{station_id(room)}_state")
    assert entity is not None
    entry = registry.async_get(entity)
    assert entry is not None
    assert entry.device_id is not None
    return entry.device_id


def press(hass: HomeAssistant, room: int = 1) -> None:
    """A press of room `room`'s help button (an event entity's new timestamp)."""
    hass.states.async_set(button(room), dt_util.utcnow().isoformat(), {"event_type": "single"})


# -- who heard what, and when ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heard:
    """One message a responder received."""

    at: float
    message: str


def listen(
    hass: HomeAssistant, service: str, clock: Stopwatch, domain: str = "notify"
) -> list[Heard]:
    """Messages sent through <domain>.<service>, with when each was sent."""
    heard: list[Heard] = []

    @callback
    def handle(call: ServiceCall) -> None:
        heard.append(Heard(clock(), str(call.data["message"])))

    hass.services.async_register(domain, service, handle)
    return heard


@pytest.fixture
def fallback(hass: HomeAssistant, clock: Stopwatch) -> list[Heard]:
    """The site's fallback group (an SMS service)."""
    return listen(hass, "fallback_sms", clock)


@pytest.fixture
def friend(hass: HomeAssistant, clock: Stopwatch) -> list[Heard]:
    """The site's first responder."""
    return listen(hass, "friend", clock)


# -- time ----------------------------------------------------------------------------------------


async def spin(rounds: int = 200) -> None:
    """Let the loop run (real loopback I/O included) without waiting for every task.

    Loopback data is readable as soon as it is written, so this needs loop iterations, not
    wall time. Used where a request hangs on purpose and async_block_till_done would too.
    """
    for _ in range(rounds):
        await asyncio.sleep(0)


async def until(condition: Callable[[], bool], rounds: int = 10_000) -> None:
    """Spin the loop until condition holds."""
    for _ in range(rounds):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the condition never held")


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, *seconds: float) -> None:
    """Let time pass in steps, firing the timers due at the end of each, without waiting for
    tasks that never end (a request that hangs)."""
    for step in seconds:
        freezer.tick(timedelta(seconds=step))
        async_fire_time_changed_exact(hass)
        await spin()


async def run_until(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    condition: Callable[[], bool],
    *,
    step: float = 0.5,
    limit: float = 600,
) -> None:
    """Let time pass in small steps (tasks waited for) until condition holds."""
    elapsed = 0.0
    while not condition():
        assert elapsed < limit, f"still waiting after {limit} s"
        freezer.tick(timedelta(seconds=step))
        async_fire_time_changed_exact(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        elapsed += step


def at(when: datetime, clock: Stopwatch) -> float:
    """A time as seconds on the test clock."""
    return round((when - clock.t0).total_seconds(), 3)


async def advance_to(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, clock: Stopwatch, *marks: float
) -> None:
    """Let time pass to each mark on the test clock in turn (tasks waited for)."""
    for mark in marks:
        assert mark >= clock(), f"{mark} s is past ({clock()} s)"
        await advance(hass, freezer, mark - clock())


# -- the responder desk ----------------------------------------------------------------------


@dataclass(slots=True)
class Desk:
    """A responder signed in at the server's desk, acting on alerts as a browser would."""

    server: FaultyServer
    session: aiohttp.ClientSession
    csrf: str = ""

    async def sign_in(self) -> None:
        self.server.store.set_responder(RESPONDER, RESPONDER_PASSWORD)
        self.csrf = await sign_in(self.session, self.server.url)

    async def act(self, alert_id: str, status: str, outcome: str | None = None) -> None:
        form = {"status": status, "csrf_token": self.csrf}
        if outcome is not None:
            form["outcome"] = outcome
        async with self.session.post(
            f"{self.server.url}/responder/alerts/{alert_id}", data=form, allow_redirects=False
        ) as resp:
            assert resp.status == 303, await resp.text()


@pytest.fixture
async def desk(server: FaultyServer) -> AsyncIterator[Desk]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        signed_in = Desk(server, session)
        await signed_in.sign_in()
        yield signed_in
