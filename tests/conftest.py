"""Shared fixtures: a real dispatch server on 127.0.0.1 and a configured site."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
import socket

from aiohttp import web
from homeassistant.const import CONF_API_KEY, CONF_URL
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.brave.const import DOMAIN
from dispatch_server.app import create_app

API_KEY = "test-api-key"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


@dataclass(frozen=True, slots=True)
class RunningServer:
    """A dispatch server listening on loopback."""

    url: str
    api_key: str


type Serve = Callable[[web.Application], Awaitable[str]]


@pytest.fixture
async def serve(socket_enabled: None) -> AsyncIterator[Serve]:
    """Serve aiohttp apps on free loopback ports (real sockets); returns each base URL."""
    runners: list[web.AppRunner] = []

    async def _serve(app: web.Application) -> str:
        runner = web.AppRunner(app)
        await runner.setup()
        runners.append(runner)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(runner, sock).start()
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    yield _serve
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def dispatch_server(serve: Serve) -> RunningServer:
    """The reference dispatch server, over real HTTP on 127.0.0.1."""
    return RunningServer(url=await serve(create_app(API_KEY)), api_key=API_KEY)


@pytest.fixture
def unused_url(socket_enabled: None) -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def site_entry(dispatch_server: RunningServer) -> MockConfigEntry:
    """A site entry bound to the reference server, not yet added to Home Assistant."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Brave reference dispatch",
        unique_id=dispatch_server.url,
        data={CONF_URL: dispatch_server.url, CONF_API_KEY: dispatch_server.api_key},
    )
