"""The reference dispatch server in its own process, reporting each write it receives.

The server runs as a separate process, as a real dispatch service would, so Home Assistant's
process CPU time never includes the server's work. It keeps its `Store()` in memory for the
whole run; `down` closes its listening socket and every open connection (clients get
"connection refused", as when the service is down) and `up` listens again on the same port.

For every POST under /v1/alerts it prints one JSON line on stdout: when the request reached
the server (CLOCK_MONOTONIC and wall time, read before anything else handles it), the path,
the station, the body's `type` and `at` (an event's time: a reminder's `at` is its deadline),
and the HTTP status. CLOCK_MONOTONIC is system-wide on Linux, so the parent compares it with
its own readings.

Child:  python -m bench.peer API_KEY PORT   (commands on stdin: up, down)
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from dataclasses import dataclass, field
import json
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Middleware

from dispatch_server.app import create_app
from dispatch_server.store import Store

API_KEY = "bench-api-key"
_ARRIVAL = "A "
_ACK = "K "

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# -- the child -------------------------------------------------------------------------


def _say(prefix: str, payload: Any) -> None:
    sys.stdout.write(prefix + json.dumps(payload) + "\n")
    sys.stdout.flush()


def _observer(store: Store) -> Middleware:
    @web.middleware
    async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
        mono, wall = time.monotonic(), time.time()
        response = await handler(request)
        if request.method == "POST" and request.path.startswith("/v1/alerts"):
            body = await request.json()
            if request.path == "/v1/alerts":
                station = body.get("station", {}).get("id")
            else:
                stored = store.alert(request.match_info.get("alert_id", ""))
                station = stored.request["station"]["id"] if stored else None
            _say(
                _ARRIVAL,
                {
                    "mono": mono,
                    "wall": wall,
                    "path": request.path,
                    "station": station,
                    "type": body.get("type", "alert"),
                    "at": body.get("at"),
                    "status": response.status,
                    "key": request.headers.get("Idempotency-Key"),
                },
            )
        return response

    return observe


async def _summary(request: web.Request) -> web.Response:
    """What the store holds: alerts, and alerts per station (duplicates show as > 1)."""
    store: Store = request.app["bench_store"]
    per_station: dict[str, int] = {}
    for alert in store.alerts.values():
        station = alert.request["station"]["id"]
        per_station[station] = per_station.get(station, 0) + 1
    return web.json_response({"alerts": sum(per_station.values()), "per_station": per_station})


async def _serve(api_key: str, port: int) -> None:
    store = Store()
    app = create_app(api_key, store)
    # First in line: the arrival time is read before any other middleware or handler runs.
    app.middlewares.insert(0, _observer(store))
    app["bench_store"] = store
    app.router.add_get("/bench/summary", _summary)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    site: web.TCPSite | None = None
    try:
        while command := (await reader.readline()).decode().strip():
            if command == "up" and site is None:
                site = web.TCPSite(runner, "127.0.0.1", port, reuse_address=True)
                await site.start()
                _say(_ACK, {"up": time.monotonic()})
            elif command == "down" and site is not None:
                await site.stop()
                site = None
                # Open keep-alive connections go too: the service is gone, not just busy.
                assert runner.server is not None
                await runner.server.shutdown(0.1)
                _say(_ACK, {"down": time.monotonic()})
            else:
                _say(_ACK, {"ignored": command})
    finally:
        await runner.cleanup()


def main() -> None:
    """Serve until stdin closes."""
    parser = argparse.ArgumentParser()
    parser.add_argument("api_key")
    parser.add_argument("port", type=int)
    args = parser.parse_args()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    asyncio.run(_serve(args.api_key, args.port))


# -- the parent's handle ----------------------------------------------------------------


@dataclass(slots=True)
class Arrival:
    """One write the server received."""

    mono: float
    wall: float
    path: str
    station: str | None
    type: str
    at: str | None
    status: int
    key: str | None


@dataclass(slots=True)
class _Waiter:
    match: Callable[[Arrival], bool]
    future: asyncio.Future[Arrival]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Peer:
    """A dispatch server process and what it has received."""

    api_key: str = API_KEY
    port: int = field(default_factory=_free_port)
    arrivals: list[Arrival] = field(default_factory=list)
    _proc: asyncio.subprocess.Process | None = None
    _reader: asyncio.Task[None] | None = None
    _waiters: list[_Waiter] = field(default_factory=list)
    _acks: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)

    @property
    def url(self) -> str:
        """The service's base URL."""
        return f"http://127.0.0.1:{self.port}"

    async def launch(self) -> None:
        """Start the process (not yet listening)."""
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.peer",
            self.api_key,
            str(self.port),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            limit=1 << 20,
        )
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _command(self, command: str) -> dict[str, Any]:
        assert self._proc is not None
        assert self._proc.stdin is not None
        self._proc.stdin.write(f"{command}\n".encode())
        await self._proc.stdin.drain()
        async with asyncio.timeout(30):
            return await self._acks.get()

    async def up(self) -> float:
        """Listen; returns the monotonic time it began listening."""
        ack = await self._command("up")
        return float(ack["up"])

    async def down(self) -> float:
        """Stop listening and drop every connection; returns when (monotonic)."""
        ack = await self._command("down")
        return float(ack["down"])

    async def _read(self) -> None:
        assert self._proc is not None
        assert self._proc.stdout is not None
        while line := (await self._proc.stdout.readline()).decode():
            if line.startswith(_ACK):
                self._acks.put_nowait(json.loads(line[len(_ACK) :]))
                continue
            if not line.startswith(_ARRIVAL):
                continue
            arrival = Arrival(**json.loads(line[len(_ARRIVAL) :]))
            self.arrivals.append(arrival)
            for waiter in list(self._waiters):
                if not waiter.future.done() and waiter.match(arrival):
                    waiter.future.set_result(arrival)
                    self._waiters.remove(waiter)

    async def wait_for(
        self, match: Callable[[Arrival], bool], since: int = 0, within: float = 30.0
    ) -> Arrival:
        """The first arrival from index `since` on (received or still to come) that matches.

        TimeoutError when none comes `within` seconds.
        """
        for arrival in self.arrivals[since:]:
            if match(arrival):
                return arrival
        future: asyncio.Future[Arrival] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(match, future)
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(within):
                return await future
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    async def get(self, path: str) -> Any:
        """GET a path of the server (JSON)."""
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{self.url}{path}") as resp,
        ):
            return await resp.json()

    async def register_site(self) -> dict[str, Any]:
        """POST /v1/sites, as the config flow does: the site's id and webhook secret."""
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"{self.url}/v1/sites",
                json={"name": "Bench", "callback_url": None, "language": "en", "timezone": "UTC"},
                headers={"Authorization": f"Bearer {self.api_key}"},
            ) as resp,
        ):
            resp.raise_for_status()
            site: dict[str, Any] = await resp.json()
            return site

    async def close(self) -> None:
        """Stop the process."""
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            try:
                async with asyncio.timeout(10):
                    await self._proc.wait()
            except TimeoutError:
                self._proc.kill()
                await self._proc.wait()
            self._proc = None
        if self._reader is not None:
            await self._reader
            self._reader = None


@contextlib.asynccontextmanager
async def running_peer(*, up: bool = True) -> AsyncIterator[Peer]:
    """A dispatch server process (listening, or down until `up`)."""
    peer = Peer()
    await peer.launch()
    try:
        if up:
            await peer.up()
        yield peer
    finally:
        await peer.close()


if __name__ == "__main__":
    main()
