"""Run the develop instance: the reference dispatch server and Home Assistant, kept up together.

scripts/develop runs this inside the project's Python environment. Home Assistant restarts
itself by exiting with code 100 (a restart from its UI, a change that needs one): it is started
again while the dispatch server stays up. Anything else that ends either process ends both,
with a message saying which and why. Ctrl-C (or SIGTERM/SIGHUP) stops Home Assistant first,
then the dispatch server.

Both children run in their own process groups, so a Ctrl-C reaches only this supervisor, which
then signals each child exactly once: Home Assistant stops at once, without saving, on a
second signal.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
import contextlib
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import time
from types import FrameType
import urllib.error
import urllib.request

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "lib"))

from seed_develop import DEMO_PASSWORD, DEMO_USER, RESPONDER, RESPONDER_PASSWORD, seed  # noqa: E402

RESTART_EXIT_CODE = 100
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
HASS, DISPATCH = "hass", "dispatch"
NAMES = {HASS: "Home Assistant", DISPATCH: "the dispatch server"}
HA_STOP_TIMEOUT_S = 120
POLL_S = 0.5


def log(message: str) -> None:
    """One line for the person at the terminal."""
    print(f"[brave] {message}", file=sys.stderr, flush=True)


class Stop(Exception):  # noqa: N818 (a request, not an error)
    """A signal asked everything to stop."""


class _Signals:
    """Stop signals raise Stop, or wait while held (a child is being started)."""

    held = False
    pending: int | None = None

    @classmethod
    def handle(cls, signum: int, _frame: FrameType | None) -> None:
        if cls.held:
            cls.pending = signum
            return
        raise Stop(signal.Signals(signum).name)


@contextlib.contextmanager
def held_signals() -> Iterator[None]:
    """Hold stop signals until the block is done, then act on one that came."""
    _Signals.held = True
    try:
        yield
    finally:
        _Signals.held = False
    if _Signals.pending is not None:
        _Signals.handle(_Signals.pending, None)


def port_free(port: int) -> bool:
    """Whether nothing listens on 127.0.0.1:<port>."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def answers(url: str) -> bool:
    """Whether an HTTP server answers at url (any status)."""
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (a loopback URL)
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def describe(code: int) -> str:
    """An exit status in words."""
    if code < 0:
        return f"was killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


def dispatch_command(port: int, api_key: str, db: Path) -> list[str]:
    """The reference dispatch server on 127.0.0.1:<port>, keeping its data in `db`."""
    return [
        *(sys.executable, "-m", "dispatch_server", "--api-key", api_key, "--port", str(port)),
        *("--db", str(db), "--demo-responder", f"{RESPONDER}:{RESPONDER_PASSWORD}"),
    ]


def hass_command(config: Path) -> list[str]:
    """Home Assistant with this configuration folder.

    Its own launcher, from outside the checkout: with the checkout on the import path, the
    checkout's `custom_components` package would hide the configuration's own (brave_demo).
    """
    return [str(Path(sys.executable).with_name("hass")), "--config", str(config)]


class ChildEnded(Exception):  # noqa: N818 (an event, reported as such)
    """A child process ended."""

    def __init__(self, name: str, code: int) -> None:
        """Which child, and its exit status."""
        super().__init__(name, code)
        self.name = name
        self.code = code


class Children:
    """The processes this supervisor started, each in its own process group."""

    def __init__(self) -> None:
        """None yet."""
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, command: list[str], cwd: Path) -> None:
        """Start a child sharing this terminal's output; a signal cannot lose track of it."""
        with held_signals():
            self.running[name] = subprocess.Popen(  # noqa: S603 (our own commands)
                command, cwd=cwd, stdin=subprocess.DEVNULL, process_group=0
            )

    def wait_until(self, ready: Callable[[], bool]) -> None:
        """Poll until ready(); raises ChildEnded when a child ends first."""
        while not ready():
            for name, proc in list(self.running.items()):
                if (code := proc.poll()) is not None:
                    del self.running[name]
                    raise ChildEnded(name, code)
            time.sleep(POLL_S)

    def stop(self, name: str, timeout: float) -> None:
        """SIGTERM once, then SIGKILL after timeout."""
        if (proc := self.running.pop(name, None)) is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log(f"{NAMES[name]} did not stop within {timeout:.0f} s; killing it")
            proc.kill()
            proc.wait()


def banner(ha_url: str, responder_url: str, demo_login: bool, config: Path) -> None:
    """What to open and how to log in."""
    login = (
        f"log in as {DEMO_USER} / {DEMO_PASSWORD} (the demo login; this instance listens on "
        "127.0.0.1 only)"
        if demo_login
        else "log in with the account made for this instance"
    )
    log(f"Home Assistant is up: {ha_url}  {login}")
    log(
        f"Responder page of the reference dispatch service: {responder_url}  sign in as "
        f"{RESPONDER} / {RESPONDER_PASSWORD} (the demo volunteer)"
    )
    log(f"The demo step by step: docs/demo.md. Log: {config / 'home-assistant.log'}")
    log("Ctrl-C stops both.")


def supervise(children: Children, config: Path, ha_port: int, dispatch_port: int, key: str) -> None:
    """Start both and keep them up; returns never (ChildEnded or Stop end it)."""
    dispatch_url = f"http://127.0.0.1:{dispatch_port}"
    # The service keeps its sites and alerts across starts (config/ is not in git).
    db = config / "dispatch.sqlite3"
    service_is_new = not db.exists()
    children.start(DISPATCH, dispatch_command(dispatch_port, key, db), ROOT)
    children.wait_until(lambda: answers(f"{dispatch_url}/v1/health"))
    seeded = seed(config, ha_port, dispatch_url, key, service_is_new=service_is_new)
    while True:
        log("starting Home Assistant (the first start takes about a minute)")
        children.start(HASS, hass_command(config), config)
        try:
            children.wait_until(lambda: answers(f"{seeded.ha_url}/manifest.json"))
            banner(seeded.ha_url, seeded.responder_url, seeded.demo_login, config)
            children.wait_until(lambda: False)
        except ChildEnded as ended:
            if ended.name != HASS or ended.code != RESTART_EXIT_CODE:
                raise
            log("Home Assistant asked for a restart; starting it again (dispatch stays up)")


def run(config: Path, ha_port: int, dispatch_port: int, api_key: str) -> int:
    """Supervise until something ends it; stop everything; the exit status."""
    for port in (ha_port, dispatch_port):
        if not port_free(port):
            log(f"error: 127.0.0.1:{port} is in use (is scripts/develop already running?)")
            return 1
    children = Children()
    try:
        supervise(children, config, ha_port, dispatch_port, api_key)
    except Stop as why:
        log(f"{why}: stopping Home Assistant, then the dispatch server")
        return 0
    except ChildEnded as ended:
        if ended.name == DISPATCH:
            log(f"error: the reference dispatch server {describe(ended.code)}; stopping")
            return 1
        if ended.code == 0:
            log("Home Assistant was stopped (from its UI or API); stopping the dispatch server")
            return 0
        log(f"error: Home Assistant {describe(ended.code)}; see {config / 'home-assistant.log'}")
        return 1
    finally:
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        children.stop(HASS, HA_STOP_TIMEOUT_S)
        children.stop(DISPATCH, 10)
        log("stopped")


def main() -> int:
    """Parse arguments, take over the stop signals, run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path, help="the configuration folder (config/)")
    parser.add_argument("--port", type=int, default=8123, help="Home Assistant's port")
    parser.add_argument("--dispatch-port", type=int, default=8765)
    parser.add_argument("--api-key", default=os.environ.get("BRAVE_DEMO_API_KEY", "brave-demo-key"))
    args = parser.parse_args()
    for sig in STOP_SIGNALS:
        signal.signal(sig, _Signals.handle)
    return run(args.config.resolve(), args.port, args.dispatch_port, args.api_key)


if __name__ == "__main__":
    sys.exit(main())
