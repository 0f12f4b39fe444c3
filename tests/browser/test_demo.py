"""The demo in a real browser: Home Assistant and the reference dispatch server as scripts/develop
runs them (on free loopback ports, a copy of config/ seeded by the same code), driven through
Debian's Chromium.

A visitor walks into the washroom and stands still, presses the bedroom's button for help, a
volunteer takes the alert on the responder page, and Home Assistant's UI shows them attending.
Screenshots go to the test's own folder; with BRAVE_SCREENSHOTS_DIR=docs/screenshots they
refresh the README's.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
import contextlib
from dataclasses import dataclass
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

import aiohttp
from playwright.async_api import Browser, Locator, Page, async_playwright, expect
import psutil
import pytest

from custom_components.brave.core.stats import KINDS, OUTCOMES
from scripts.lib.develop import dispatch_command
from scripts.lib.seed_develop import DEMO_PASSWORD, DEMO_USER, RESPONDER, RESPONDER_PASSWORD, seed

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("BRAVE_CHROMIUM", "/usr/bin/chromium"))
# ENVIRONMENT.md: what Debian's Chromium needs here, headless and offline.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
API_KEY = "browser-test-key"
START_TIMEOUT_S = 120
POLL_S = 0.25
# Waits for Home Assistant's UI: its frontend hydrates slowly on a busy machine.
UI_TIMEOUT_MS = 30_000


# The strategy's output for 80 stations whose entities are listed backwards.
GENERATE_80_ROOMS = """async () => {
  const strategy = customElements.get("ll-strategy-dashboard-brave");
  const keys = ["state", "next_deadline", "alert", "device_health", "lifecycle"];
  const entities = {}, devices = {};
  for (let n = 80; n >= 1; n--) {
    devices[`d${n}`] = { id: `d${n}`, name: `Room ${n}` };
    for (const key of keys) {
      const id = `sensor.room_${n}_${key}`;
      entities[id] = { entity_id: id, device_id: `d${n}`, platform: "brave", translation_key: key };
    }
  }
  const dashboard = await strategy.generate({}, { entities, devices, states: {} });
  const attention = dashboard.views[0].sections[0].cards;
  return {
    headings: dashboard.views[0].sections.map((section) => section.cards[0].heading),
    // What each list of the attention section shows: the states it lists, and its title.
    lists: attention
      .filter((card) => card.type === "entity-filter")
      .map((card) => [card.conditions[0].state, card.card.title ?? null]),
  };
}"""


# The statistics view for a site whose statistics are `brave:s_...`, two stations' series
# recorded, the graphs by title with the long-term statistics each shows.
GENERATE_STATISTICS = """async () => {
  const strategy = customElements.get("ll-strategy-dashboard-brave");
  const entity = (id, device, key) => ({
    entity_id: id, device_id: device, platform: "brave", translation_key: key,
  });
  const entities = {
    "sensor.s_summary": entity("sensor.s_summary", "site", "program_summary"),
    "binary_sensor.s_dispatch": entity("binary_sensor.s_dispatch", "site", "dispatch_connected"),
  };
  const states = { "sensor.s_summary": { attributes: { statistic_prefix: "brave:s" } } };
  const recorded = ["brave:s_station_b_alerts", "brave:s_alerts", "brave:s_station_a_alerts",
    "brave:s_station_a_device_faults", "brave:other_station_c_alerts"];
  const callWS = async () => recorded.map((statistic_id) => ({ statistic_id }));
  const dashboard = await strategy.generate(
    {}, { entities, devices: { site: { name: "Site" } }, states, callWS },
  );
  const graphs = {};
  for (const card of dashboard.views[1].sections[0].cards) {
    if (card.type === "statistics-graph") graphs[card.title] = card.entities;
  }
  return { views: dashboard.views.map((view) => view.title), graphs };
}"""


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@dataclass(frozen=True, slots=True)
class Stack:
    """The running demo."""

    ha_url: str
    responder_url: str
    hass_pid: int


def demo_config(target: Path) -> Path:
    """A copy of the committed develop configuration, with the integration linked in."""
    config = target / "config"
    shutil.copytree(ROOT / "config" / "dashboards", config / "dashboards")
    shutil.copytree(
        ROOT / "config" / "custom_components" / "brave_demo",
        config / "custom_components" / "brave_demo",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(ROOT / "config" / "configuration.yaml", config)
    (config / "custom_components" / "brave").symlink_to(ROOT / "custom_components" / "brave")
    return config


class Processes:
    """Children in their own process groups, all of which end with the test."""

    def __init__(self, logs: Path) -> None:
        """Logs go to files in logs/."""
        self.logs = logs
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, command: list[str], cwd: Path) -> subprocess.Popen[bytes]:
        """Start one, its output in <logs>/<name>.log."""
        with (self.logs / f"{name}.log").open("wb") as log:
            proc = subprocess.Popen(  # noqa: S603 (our own commands)
                command,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running[name] = proc
        return proc

    def log_tail(self, name: str) -> str:
        """The end of a child's output, for a failure message."""
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]

    def check(self) -> None:
        """Fail loudly if a child ended."""
        for name, proc in self.running.items():
            if proc.poll() is not None:
                pytest.fail(f"{name} exited with {proc.returncode}:\n{self.log_tail(name)}")

    def stop_all(self) -> None:
        """SIGTERM each process group, then SIGKILL whatever is left."""
        for proc in self.running.values():
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc in self.running.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(max(0.1, deadline - time.monotonic()))
            # Children of the child (none expected) go with the group.
            _signal_group(proc, signal.SIGKILL)
            proc.wait()


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


async def wait_for_http(url: str, processes: Processes) -> None:
    """Poll until url answers 200, failing if a child dies or it takes too long."""
    deadline = time.monotonic() + START_TIMEOUT_S
    async with aiohttp.ClientSession() as session:
        while True:
            processes.check()
            try:
                async with session.get(url) as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{url} did not answer within {START_TIMEOUT_S} s")
            await asyncio.sleep(POLL_S)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    """Whatever the test starts is stopped, pass or fail."""
    procs = Processes(tmp_path)
    try:
        yield procs
    finally:
        procs.stop_all()


@pytest.fixture
def started(tmp_path: Path, processes: Processes, socket_enabled: None) -> Stack:
    """The reference dispatch server and Home Assistant on the seeded demo configuration."""
    ha_port, dispatch_port = free_port(), free_port()
    dispatch_url = f"http://127.0.0.1:{dispatch_port}"
    config = demo_config(tmp_path)
    # The same commands and seeding as scripts/develop; the seeding waits for the service.
    processes.start(
        "dispatch",
        dispatch_command(dispatch_port, API_KEY, tmp_path / "dispatch.sqlite3"),
        ROOT,
    )
    seeded = seed(config, ha_port, dispatch_url, API_KEY, service_is_new=True)
    assert seeded.demo_login
    # Home Assistant's own launcher, outside the checkout (see scripts/lib/develop.py).
    hass = str(Path(sys.executable).with_name("hass"))
    proc = processes.start("hass", [hass, "--config", str(config)], config)
    return Stack(seeded.ha_url, seeded.responder_url, proc.pid)


@pytest.fixture
async def stack(started: Stack, processes: Processes) -> Stack:
    """The demo, once Home Assistant serves its UI (on loopback only, with nothing pending)."""
    await wait_for_http(f"{started.ha_url}/manifest.json", processes)
    listening = {
        (c.laddr.ip, c.laddr.port)
        for c in psutil.Process(started.hass_pid).net_connections("inet")
        if c.status == psutil.CONN_LISTEN
    }
    assert listening == {("127.0.0.1", int(started.ha_url.rpartition(":")[2]))}
    return started


@pytest.fixture
def chromium() -> Path:
    """Debian's Chromium; the test fails (never skips) without it."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: scripts/test installs Debian's chromium into its "
            "root file system; on a host with its own Python install chromium or set "
            "BRAVE_CHROMIUM"
        )
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    """Chromium, headless, driven by Playwright."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


def section(page: Page, heading: str) -> Locator:
    """A dashboard section, by its heading."""
    title = page.locator("hui-heading-card", has_text=re.compile(rf"^\s*{heading}\s*$"))
    return page.locator("hui-section", has=title)


async def log_in(page: Page, ha_url: str) -> None:
    """Sign in with the demo login on Home Assistant's own login page."""
    await page.goto(ha_url)
    await page.locator("input[name=username]").fill(DEMO_USER, timeout=UI_TIMEOUT_MS)
    await page.locator("input[name=password]").fill(DEMO_PASSWORD)
    await page.locator("input[name=password]").press("Enter")
    await expect(page.locator("home-assistant-main")).to_be_attached(timeout=UI_TIMEOUT_MS)


async def take_alert(page: Page, responder_url: str, station: str, shots: Path) -> None:
    """On the responder page, sign in as the demo volunteer and acknowledge the alert."""
    await page.goto(responder_url)
    await page.wait_for_url(re.compile(r"/responder/login"))
    await page.locator("input[name=name]").fill(RESPONDER)
    await page.locator("input[name=password]").fill(RESPONDER_PASSWORD)
    await page.locator("input[name=password]").press("Enter")
    await page.wait_for_url(re.compile(r"/responder(\?.*)?$"))
    alert = page.locator("article.alert", has=page.get_by_role("heading", name=station))
    await expect(alert).to_be_visible(timeout=UI_TIMEOUT_MS)
    await page.set_viewport_size({"width": 420, "height": 900})
    await page.screenshot(path=shots / "responder-page.png", full_page=True)
    await alert.get_by_role("button", name="Acknowledge").click()


async def test_demo_ladder_in_the_browser(stack: Stack, browser: Browser, tmp_path: Path) -> None:
    """Visitor, button, responder and Home Assistant, as a person sees each."""
    shots = Path(os.environ.get("BRAVE_SCREENSHOTS_DIR") or tmp_path)
    await asyncio.to_thread(shots.mkdir, parents=True, exist_ok=True)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    await log_in(page, stack.ha_url)

    await page.goto(f"{stack.ha_url}/brave-demo/demo")
    washroom, bedroom = section(page, "Washroom"), section(page, "Bedroom")
    washroom_state = washroom.locator("hui-tile-card", has_text="State")
    bedroom_state = bedroom.locator("hui-tile-card", has_text="State")
    await expect(washroom_state).to_contain_text("Idle", timeout=UI_TIMEOUT_MS)

    # The washroom: someone walks in and stays still; the radar and the door show it.
    await washroom.locator("hui-button-card", has_text="Walk in").click()
    await washroom.locator("hui-button-card", has_text="Stand still").click()
    await expect(washroom.locator("hui-tile-card", has_text="Movement")).to_contain_text(
        "still", ignore_case=True, timeout=UI_TIMEOUT_MS
    )
    await expect(washroom_state).to_contain_text("Occupied", timeout=UI_TIMEOUT_MS)

    # The bedroom: a press on the learned button calls for help at once, and the room hears it.
    await bedroom.locator("hui-button-card", has_text=re.compile(r"^\s*Press\s*$")).click()
    await expect(bedroom_state).to_contain_text("Help called", timeout=UI_TIMEOUT_MS)
    await expect(bedroom.locator("hui-markdown-card")).to_contain_text(
        "Help has been called", timeout=UI_TIMEOUT_MS
    )
    await page.screenshot(path=shots / "demo-dashboard.png", full_page=True)

    # A volunteer takes it on the dispatch service's responder page.
    desk = await context.new_page()
    await take_alert(desk, stack.responder_url, "Bedroom", shots)

    # Home Assistant shows who is coming, and the room hears it.
    await expect(bedroom_state).to_contain_text("Responder attending", timeout=UI_TIMEOUT_MS)
    await expect(bedroom.locator("hui-markdown-card")).to_contain_text(
        f"{RESPONDER} is on the way", timeout=UI_TIMEOUT_MS
    )

    # The Brave dashboard, generated from the stations.
    await page.goto(f"{stack.ha_url}/brave-site/stations")
    brave_bedroom = section(page, "Bedroom")
    await expect(brave_bedroom.locator("hui-tile-card", has_text="State")).to_contain_text(
        "Responder attending", timeout=UI_TIMEOUT_MS
    )
    await expect(
        brave_bedroom.locator("hui-tile-card", has_text=re.compile(r"^\s*Attending"))
    ).to_contain_text(RESPONDER, timeout=UI_TIMEOUT_MS)
    await expect(
        section(page, "Washroom").locator("hui-tile-card", has_text="State")
    ).to_contain_text("Occupied", timeout=UI_TIMEOUT_MS)
    await page.screenshot(path=shots / "brave-dashboard.png", full_page=True)

    # The bedroom's page of what is shared, with whom and when, in plain words.
    await brave_bedroom.locator("hui-button-card", has_text="What is shared").click()
    shared = page.locator("hui-markdown-card")
    await expect(shared).to_contain_text("What this station notices", timeout=UI_TIMEOUT_MS)
    await expect(shared).to_contain_text("Nothing leaves this Home Assistant.")
    await expect(shared).to_contain_text("(Bedroom)")
    await page.screenshot(path=shots / "whats-shared.png", full_page=True)

    # A site with 80 rooms: a section per station, in the order people number rooms.
    generated = await page.evaluate(GENERATE_80_ROOMS)
    assert generated["headings"] == ["Needs attention now", *(f"Room {n}" for n in range(1, 81))]
    # A test alert never needs attention: it is listed apart, as a test.
    assert generated["lists"] == [
        [
            ["alert", "responder_attending", "countdown", "prompting", "cannot_monitor", "paused"],
            None,
        ],
        [["test"], "Test alerts (not a call for help)"],
    ]

    # The program's numbers, as a coordinator shows them to a funder: this month's figures
    # from the summary sensor, and graphs of the site's long-term statistics.
    await page.goto(f"{stack.ha_url}/brave-site/statistics")
    numbers = section(page, "Local reference dispatch: the program's numbers")
    summary = numbers.locator("hui-markdown-card")
    await expect(summary).to_contain_text(
        re.compile(r"Alerts \(tests not included\)\s*\d"), timeout=UI_TIMEOUT_MS
    )
    await expect(summary).to_contain_text(re.compile(r"Acknowledged\s*1"))
    await expect(numbers.locator("hui-statistics-graph-card")).to_have_count(10)
    await page.screenshot(path=shots / "brave-statistics.png", full_page=True)
    assert await page.evaluate(GENERATE_STATISTICS) == {
        "views": ["Stations", "Statistics"],
        "graphs": {
            "Alerts by kind": [f"brave:s_alerts_{k}" for k in KINDS],
            "Alerts by station": ["brave:s_station_a_alerts", "brave:s_station_b_alerts"],
            "Alerts and test alerts": ["brave:s_alerts", "brave:s_test_alerts"],
            "Acknowledged and on scene": ["brave:s_acknowledged", "brave:s_on_scene"],
            "Time to acknowledgement and on scene": [
                "brave:s_time_to_acknowledge",
                "brave:s_time_to_on_scene",
            ],
            "Outcomes": [f"brave:s_outcome_{o}" for o in OUTCOMES],
            "Visits and check-in sessions monitored": [
                "brave:s_visits",
                "brave:s_check_in_sessions",
            ],
            "Device faults": ["brave:s_device_faults"],
            "Device faults by station": ["brave:s_station_a_device_faults"],
            "Device uptime": ["brave:s_uptime"],
        },
    }
    await context.close()
