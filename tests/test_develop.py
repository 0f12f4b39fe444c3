"""scripts/develop without a browser: what it seeds, and how it keeps its processes up.

The supervisor runs as scripts/develop runs it, with the real reference dispatch server and a
stand-in for Home Assistant that behaves as Home Assistant does at its process boundary: it
serves HTTP on the port seeded in .storage/http, exits with 100 to ask for a restart, and stops
on SIGTERM. The real Home Assistant runs the seeded configuration in tests/browser.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from functools import partial
import json
import os
from pathlib import Path
import signal
import socket
import sys
from typing import Any

import bcrypt
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import psutil
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import yaml

from custom_components.brave.const import DOMAIN
from custom_components.brave.core.sites import site_unique_id
from scripts.lib.seed_develop import DEMO_BUTTON_IEEE, DEMO_PASSWORD, DEMO_STATIONS, DEMO_USER, seed

from .conftest import SITE_NAME, RunningServer, site_data
from .helpers import setup_site

ROOT = Path(__file__).parent.parent
TIMEOUT_S = 60

# Home Assistant at its process boundary. Markers in the configuration folder choose what it
# does after its first request: `restart` (exit 100, once), `fail` (exit 3).
FAKE_HASS = """
import http.server, json, os, pathlib, signal, sys
config = pathlib.Path(sys.argv[sys.argv.index("--config") + 1])
port = json.loads((config / ".storage" / "http").read_text())["data"]["stable"]["server_port"]
runs = config / "runs"
run = int(runs.read_text()) + 1 if runs.exists() else 1
runs.write_text(str(run))
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", port), Handler)
server.handle_request()
if (config / "restart").exists() and run == 1:
    sys.exit(100)
if (config / "fail").exists():
    sys.exit(3)
server.serve_forever()
"""
# scripts/lib/develop.py with the stand-in as Home Assistant.
DRIVER = """
import sys
sys.path.insert(0, sys.argv.pop(1))
import develop
fake = sys.argv.pop(1)
develop.hass_command = lambda config: [sys.executable, fake, "--config", str(config)]
sys.exit(develop.main())
"""


def _store(config: Path, key: str) -> Any:
    return json.loads((config / ".storage" / key).read_text())["data"]


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_seed_first_start(tmp_path: Path, dispatch_server: RunningServer) -> None:
    config = tmp_path / "config"
    seeded = await asyncio.to_thread(
        partial(seed, service_is_new=True),
        config,
        18123,
        dispatch_server.url,
        dispatch_server.api_key,
    )

    assert seeded.ha_url == "http://127.0.0.1:18123"
    assert seeded.responder_url == f"{dispatch_server.url}/responder"
    assert seeded.demo_login
    # Loopback only, already confirmed: nothing for a person to confirm or to revert.
    http = _store(config, "http")
    assert http["stable"]["server_host"] == ["127.0.0.1"]
    assert http["stable"]["server_port"] == 18123
    assert http["pending"] is None
    assert http["yaml_migration_done"] is True
    # The demo login as Home Assistant's own auth provider stores it, onboarding done.
    (user,) = _store(config, "auth")["users"]
    assert user["is_owner"]
    assert user["group_ids"] == ["system-admin"]
    (login,) = _store(config, "auth_provider.homeassistant")["users"]
    assert login["username"] == DEMO_USER
    assert bcrypt.checkpw(DEMO_PASSWORD.encode(), base64.b64decode(login["password"]))
    assert _store(config, "onboarding")["done"] == [
        "user",
        "core_config",
        "analytics",
        "integration",
    ]
    assert _store(config, "core.config")["country"] == "CA"

    entries = {e["domain"]: e for e in _store(config, "core.config_entries")["entries"]}
    assert set(entries) == {"brave", "brave_demo"}
    site = entries["brave"]
    (registered,) = dispatch_server.store.sites.values()
    assert site["data"]["site_id"] == registered["site_id"]
    assert site["data"]["callback_url"] == (
        f"http://127.0.0.1:18123/api/webhook/{site['data']['webhook_id']}"
    )
    stations = {s["title"]: s["data"] for s in site["subentries"]}
    assert set(stations) == {"Washroom", "Bedroom"}
    assert stations["Washroom"]["modes"]["room_sensing"] is True
    assert stations["Washroom"]["sensors"]["door"] == "binary_sensor.washroom_door"
    (button,) = stations["Bedroom"]["sensors"]["learned_buttons"]
    assert button["ieee"] == DEMO_BUTTON_IEEE
    assert button["start_check_in"] == ["remote_button_long_press"]


async def test_seed_later_starts_keep_changes(
    tmp_path: Path, dispatch_server: RunningServer
) -> None:
    """Stations and the login are the person's after the first start; the site follows the
    server, and the HTTP server is always loopback only."""
    config = tmp_path / "config"
    first = partial(seed, service_is_new=True)
    await asyncio.to_thread(first, config, 18123, dispatch_server.url, dispatch_server.api_key)
    path = config / ".storage" / "core.config_entries"
    store = json.loads(path.read_text())
    site = next(e for e in store["data"]["entries"] if e["domain"] == "brave")
    site["subentries"] = [s for s in site["subentries"] if s["title"] == "Bedroom"]
    site["subentries"][0]["title"] = "Room 2"
    path.write_text(json.dumps(store))
    provider = config / ".storage" / "auth_provider.homeassistant"
    provider.write_text(provider.read_text().replace(DEMO_USER, "someone"))
    http = config / ".storage" / "http"
    http.write_text(http.read_text().replace('"127.0.0.1"', '"0.0.0.0"'))

    # Home Assistant on another port: the site is registered again with its new address.
    later = partial(seed, service_is_new=False)
    seeded = await asyncio.to_thread(
        later, config, 18124, dispatch_server.url, dispatch_server.api_key
    )

    site = next(
        e for e in _store(config, "core.config_entries")["entries"] if e["domain"] == "brave"
    )
    assert [s["title"] for s in site["subentries"]] == ["Room 2"]
    assert len(dispatch_server.store.sites) == 2
    assert site["data"]["site_id"] == list(dispatch_server.store.sites.values())[-1]["site_id"]
    assert not seeded.demo_login
    assert _store(config, "http")["stable"]["server_host"] == ["127.0.0.1"]
    # The service keeps its sites: an unchanged start registers nothing more.
    await asyncio.to_thread(later, config, 18124, dispatch_server.url, dispatch_server.api_key)
    assert len(dispatch_server.store.sites) == 2
    assert _store(config, "http")["stable"]["server_port"] == 18124


class Supervisor:
    """scripts/lib/develop.py running in its own session, its output read line by line."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        """Wrap the process."""
        self.proc = proc
        self.lines: list[str] = []

    async def wait_for(self, text: str) -> None:
        """Read the output until a line contains text."""
        assert self.proc.stderr is not None
        async with asyncio.timeout(TIMEOUT_S):
            while not self.lines or text not in self.lines[-1]:
                line = await self.proc.stderr.readline()
                assert line, f"ended before {text!r}: {self.lines}"
                self.lines.append(line.decode())

    def child(self, word: str) -> psutil.Process:
        """The running child whose command line has word."""
        return next(
            c for c in psutil.Process(self.proc.pid).children() if word in " ".join(c.cmdline())
        )

    async def exit_code(self) -> int:
        """Read the rest of the output; the exit status."""
        assert self.proc.stderr is not None
        async with asyncio.timeout(TIMEOUT_S):
            self.lines += (await self.proc.stderr.read()).decode().splitlines(keepends=True)
            return await self.proc.wait()


type Start = Callable[..., Awaitable[Supervisor]]


@pytest.fixture
async def develop(tmp_path: Path, socket_enabled: None) -> AsyncIterator[Start]:
    """Start the supervisor on free ports with the stand-in's markers; it and everything it
    started end with the test."""
    fake = tmp_path / "fake_hass.py"
    fake.write_text(FAKE_HASS)
    config = tmp_path / "config"
    config.mkdir()
    running: list[asyncio.subprocess.Process] = []
    started: list[psutil.Process] = []

    async def start(*markers: str) -> Supervisor:
        for marker in markers:
            (config / marker).touch()
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            DRIVER,
            str(ROOT / "scripts" / "lib"),
            str(fake),
            str(config),
            "--port",
            str(free_port()),
            "--dispatch-port",
            str(free_port()),
            cwd=ROOT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        running.append(proc)
        supervisor = Supervisor(proc)
        await supervisor.wait_for("Home Assistant is up")
        started.extend(psutil.Process(proc.pid).children())
        return supervisor

    try:
        yield start
    finally:
        for proc in running:
            for child in [*started, *_alive(proc.pid)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            await proc.wait()


def _alive(pid: int) -> list[psutil.Process]:
    with contextlib.suppress(psutil.NoSuchProcess):
        return psutil.Process(pid).children(recursive=True)
    return []


async def test_restart_then_ctrl_c(tmp_path: Path, develop: Start) -> None:
    supervisor = await develop("restart")
    dispatch = supervisor.child("dispatch_server")
    await supervisor.wait_for("asked for a restart")
    await supervisor.wait_for("Home Assistant is up")
    # The dispatch service stayed up across the restart.
    assert supervisor.child("dispatch_server").pid == dispatch.pid
    hass = supervisor.child("fake_hass")
    assert (tmp_path / "config" / "runs").read_text() == "2"

    # Ctrl-C at the terminal reaches the supervisor's process group only.
    os.killpg(supervisor.proc.pid, signal.SIGINT)

    assert await supervisor.exit_code() == 0
    assert "SIGINT: stopping Home Assistant, then the dispatch server" in "".join(supervisor.lines)
    assert supervisor.lines[-1].strip() == "[brave] stopped"
    for child in (hass, dispatch):
        assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE


async def test_dispatch_server_dies(develop: Start) -> None:
    supervisor = await develop()
    hass = supervisor.child("fake_hass")
    supervisor.child("dispatch_server").kill()

    assert await supervisor.exit_code() == 1
    output = "".join(supervisor.lines)
    assert "error: the reference dispatch server was killed by SIGKILL; stopping" in output
    assert not hass.is_running() or hass.status() == psutil.STATUS_ZOMBIE


async def test_home_assistant_fails(develop: Start) -> None:
    supervisor = await develop("fail")
    dispatch = supervisor.child("dispatch_server")

    assert await supervisor.exit_code() == 1
    output = "".join(supervisor.lines)
    assert "error: Home Assistant exited with code 3; see" in output
    assert not dispatch.is_running() or dispatch.status() == psutil.STATUS_ZOMBIE


async def test_the_demo_automation_shortens_the_timers(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    """config/configuration.yaml's demo automation, run as Home Assistant runs it, sets the
    demo stations' short timers (their number entities are off by default)."""
    site = dispatch_server.store.add_site({"name": SITE_NAME, "callback_url": None})
    entry = MockConfigEntry(
        domain=DOMAIN,
        minor_version=2,
        unique_id=site_unique_id(dispatch_server.url, SITE_NAME),
        data=site_data(dispatch_server, site),
        subentries_data=[
            ConfigSubentryData(
                data=data,
                subentry_type="station",
                title=title,
                # As the seeding gives them.
                unique_id=title.lower(),
            )
            for title, data in DEMO_STATIONS.items()
        ],
    )
    await setup_site(hass, entry)
    configuration = yaml.safe_load((ROOT / "config" / "configuration.yaml").read_text())
    assert await async_setup_component(
        hass, "automation", {"automation": configuration["automation"]}
    )
    (automation,) = hass.states.async_entity_ids("automation")

    await hass.services.async_call(
        "automation", "trigger", {"entity_id": automation}, blocking=True
    )
    await hass.async_block_till_done()

    response = await hass.services.async_call(
        DOMAIN,
        "export_stations",
        {"site": entry.entry_id, "format": "yaml"},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    stations = {s["station"]: s for s in yaml.safe_load(str(response["text"]))["stations"]}
    assert {k: stations["washroom"][k] for k in ("stillness", "answer_window", "countdown")} == {
        "stillness": 60,
        "answer_window": 20,
        "countdown": 10,
    }
    assert stations["bedroom"]["check_in_interval"] == 60
    assert stations["bedroom"]["reminder"] == 30
