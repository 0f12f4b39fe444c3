"""Shared fixtures: a real dispatch server on 127.0.0.1 and a configured site."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
import re
import socket
from typing import Any

import aiohttp
from aiohttp import web
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import CONF_API_KEY, CONF_URL
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.brave.const import (
    CONF_CALLBACK_URL,
    CONF_SITE_ID,
    CONF_SITE_NAME,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_SECRET,
    DOMAIN,
)
from custom_components.brave.core.sites import site_unique_id
from dispatch_server.app import create_app
from dispatch_server.store import Store

API_KEY = "test-api-key"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


@dataclass(frozen=True, slots=True)
class RunningServer:
    """A dispatch server listening on loopback."""

    url: str
    api_key: str
    store: Store


type Serve = Callable[[web.Application], Awaitable[str]]


@pytest.fixture
async def serve(socket_enabled: None) -> AsyncIterator[Serve]:
    """Serve aiohttp apps on free loopback ports (real sockets); returns each base URL."""
    runners: list[web.AppRunner] = []

    async def _serve(app: web.Application) -> str:
        runner = web.AppRunner(app, access_log=None)
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
    store = Store()
    return RunningServer(url=await serve(create_app(API_KEY, store)), api_key=API_KEY, store=store)


RESPONDER = "Sam"
RESPONDER_PASSWORD = "correct horse battery"  # noqa: S105 (a test account)


async def sign_in(
    session: aiohttp.ClientSession,
    url: str,
    name: str = RESPONDER,
    password: str = RESPONDER_PASSWORD,
) -> str:
    """Sign in at the responder desk as a browser would; the session's CSRF token.

    The session's cookie jar must accept cookies from 127.0.0.1 (CookieJar(unsafe=True)).
    """
    async with session.get(f"{url}/responder/login") as resp:
        form_token = csrf_token(await resp.text())
    form = {"name": name, "password": password, "csrf_token": form_token}
    async with session.post(f"{url}/responder/login", data=form) as resp:
        assert resp.url.path == "/responder", await resp.text()
        return csrf_token(await resp.text())


def csrf_token(html: str) -> str:
    """The CSRF token in a page's forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, html
    return found[1]


@pytest.fixture
def unused_url(socket_enabled: None) -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


WEBHOOK_ID = "webhook0001"
SITE_NAME = "Home"


def site_data(server: RunningServer, site: dict[str, Any]) -> dict[str, Any]:
    """A site entry's data for a site registered at the server (polling: no callback URL)."""
    return {
        CONF_SITE_NAME: SITE_NAME,
        CONF_URL: server.url,
        CONF_API_KEY: server.api_key,
        CONF_SITE_ID: site["site_id"],
        CONF_WEBHOOK_SECRET: site["webhook_secret"],
        CONF_WEBHOOK_ID: WEBHOOK_ID,
        CONF_CALLBACK_URL: None,
    }


@pytest.fixture
def site_entry(dispatch_server: RunningServer) -> MockConfigEntry:
    """A site entry bound to the reference server, not yet added to Home Assistant."""
    site = dispatch_server.store.add_site({"name": SITE_NAME, "callback_url": None})
    return MockConfigEntry(
        domain=DOMAIN,
        title="Brave reference dispatch",
        unique_id=site_unique_id(dispatch_server.url, SITE_NAME),
        minor_version=2,
        data=site_data(dispatch_server, site),
    )


PRESENCE = "binary_sensor.room_radar"
MOTION = "sensor.room_radar_movement"
DOOR = "binary_sensor.room_door"
BUTTON = "event.room_button"
TTS = "tts.speech"
SPEAKER = "media_player.room_speaker"
ADDRESS = "12 Example Street"
PHONE = "+15555550123"


def station_data(
    *,
    room_sensing: bool = False,
    door: bool = False,
    motion: bool = False,
    release_on_help: bool = True,
) -> dict[str, Any]:
    """Subentry data for a station, in the config flow's shape."""
    sensors: dict[str, Any] = {
        "buttons": [BUTTON],
        "check_in_gesture": "long_press",
        "answer_gesture": "double",
    }
    if room_sensing:
        sensors["presence"] = PRESENCE
    if door:
        sensors["door"] = DOOR
    if motion:
        sensors["motion"] = MOTION
    return {
        "modes": {
            "help_button": True,
            "check_in": True,
            "room_sensing": room_sensing,
            "release_on_help": release_on_help,
        },
        "sensors": sensors,
        "prompts": {"tts": TTS, "media_player": SPEAKER},
        "rescue_plan": {
            "responder_groups": ["dispatch", "first_responders"],
            "call_emergency_services": False,
            "plan_notes": "Friend in 4B has naloxone",
        },
        "release": {
            "location_label": "Room 1",
            "address": ADDRESS,
            "unit": "1",
            "access_notes": "Code 1234",
            "contacts": f"Alex, {PHONE}, naloxone_nearby",
        },
    }


STATION_ID = "station0001"


def site_with_station(
    server: RunningServer,
    data: dict[str, Any],
    title: str = "Room 1",
    options: dict[str, str] | None = None,
    entry_id: str | None = None,
) -> MockConfigEntry:
    """A site entry on the server with one station subentry (id STATION_ID)."""
    site = server.store.add_site({"name": SITE_NAME, "callback_url": None})
    return MockConfigEntry(
        entry_id=entry_id,
        options=options or {},
        domain=DOMAIN,
        title="Brave reference dispatch",
        unique_id=site_unique_id(server.url, SITE_NAME),
        minor_version=2,
        data=site_data(server, site),
        subentries_data=[
            ConfigSubentryData(
                data=data,
                subentry_id=STATION_ID,
                subentry_type="station",
                title=title,
                unique_id=None,
            )
        ],
    )


def alert_request(site_id: str, kind: str = "help_request") -> dict[str, Any]:
    """A POST /v1/alerts body that follows the contract, before the release point."""
    return {
        "site_id": site_id,
        "station": {"id": "station0001", "label": "Room 1"},
        "kind": kind,
        "urgency": "normal",
        "started_at": "2026-11-27T12:00:00+00:00",
        "details": {"presses": 1},
        "language": "en",
        "location": None,
        "contacts": None,
        "rescue_plan": {"call_emergency_services": False, "notes": ""},
    }
