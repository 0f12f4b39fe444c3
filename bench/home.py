"""A real Home Assistant in this process, started as Home Assistant starts itself.

`bootstrap.async_load_base_functionality` loads every registry and the config entries from
`.storage` in a temporary config dir, and saves them there, exactly as an installation does.
Instead of `default_config` (whose frontend is not installed here) only what the benchmark
needs is set up: core, the recorder writing to a SQLite file in the config dir, http on a
loopback port (webhooks need it), automation and rest_command (the baseline), and Brave.
Nothing is mocked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
import contextlib
from datetime import UTC, datetime
import json
import logging
from pathlib import Path
import socket
from typing import Any

from homeassistant import bootstrap, config_entries, loader
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.helpers import recorder as recorder_helper, storage
from homeassistant.setup import async_setup_component

import custom_components.brave  # noqa: F401  (HA finds this checkout's custom_components)

_LOGGER = logging.getLogger(__name__)


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class StorageWrites:
    """Bytes Home Assistant's Store writes to disk, per storage key.

    Wraps the two file writers `homeassistant.helpers.storage` calls, so every Store write is
    counted as it reaches the file (json already encoded).
    """

    def __init__(self) -> None:
        """Start counting."""
        self.bytes: dict[str, int] = {}
        self.writes: dict[str, int] = {}
        self._saved: dict[str, Callable[..., None]] = {}

    def install(self) -> None:
        """Wrap the writers."""
        for name in ("write_utf8_file", "write_utf8_file_atomic"):
            original = getattr(storage, name)
            self._saved[name] = original
            setattr(storage, name, self._wrap(original))

    def uninstall(self) -> None:
        """Put the writers back."""
        for name, original in self._saved.items():
            setattr(storage, name, original)
        self._saved.clear()

    def _wrap(self, original: Callable[..., None]) -> Callable[..., None]:
        def write(filename: str, utf8_data: Any, *args: Any, **kwargs: Any) -> None:
            original(filename, utf8_data, *args, **kwargs)
            key = Path(filename).name
            size = len(utf8_data.encode() if isinstance(utf8_data, str) else utf8_data)
            # Written in an executor thread; dict updates are atomic enough for counting.
            self.bytes[key] = self.bytes.get(key, 0) + size
            self.writes[key] = self.writes.get(key, 0) + 1

        return write

    def total(self, prefix: str) -> tuple[int, int]:
        """(bytes, writes) of the storage keys starting with prefix."""
        keys = [k for k in self.bytes if k.startswith(prefix)]
        return sum(self.bytes[k] for k in keys), sum(self.writes[k] for k in keys)


# One counter per process (the writers are module functions).
STORAGE_WRITES = StorageWrites()


def _http_on_loopback(config_dir: Path) -> None:
    """Home Assistant's stored HTTP settings: a free loopback port, confirmed.

    Settings given in YAML or at set-up would be a pending change that Home Assistant reverts
    (restarting itself) after five minutes; stored as the stable settings they are simply
    used. Written before Home Assistant starts, as a previous run would have left them.
    """
    storage_dir = config_dir / ".storage"
    storage_dir.mkdir(parents=True, exist_ok=True)
    stable = {
        "server_host": ["127.0.0.1"],
        "server_port": free_port(),
        "cors_allowed_origins": ["https://cast.home-assistant.io"],
        "login_attempts_threshold": -1,
        "ip_ban_enabled": True,
        "ssl_profile": "modern",
        "use_x_frame_options": True,
        "created_at": datetime.now(UTC).isoformat(),
        "error": None,
        "error_message": None,
    }
    record = {
        "version": 2,
        "minor_version": 2,
        "key": "http",
        "data": {"stable": stable, "pending": None, "yaml_migration_done": True},
    }
    (storage_dir / "http").write_text(json.dumps(record), encoding="utf-8")


@contextlib.asynccontextmanager
async def running_home(
    config_dir: Path,
    *,
    recorder: bool = True,
    baseline_url: str | None = None,
    api_key: str = "",
    site_id: str = "",
) -> AsyncIterator[HomeAssistant]:
    """A started Home Assistant on config_dir; stopped (and everything saved) on exit.

    baseline_url: the dispatch server for the baseline automation (rest_command).
    """
    _http_on_loopback(config_dir)
    hass = HomeAssistant(str(config_dir))
    loader.async_setup(hass)
    hass.config.skip_pip = True
    hass.config_entries = config_entries.ConfigEntries(hass, {})
    await loader.async_get_custom_components(hass)
    if not await bootstrap.async_load_base_functionality(hass):
        raise RuntimeError("Home Assistant could not load its registries")
    for domain in ("homeassistant", "persistent_notification"):
        assert await async_setup_component(hass, domain, {})
    await async_process_ha_core_config(
        hass,
        {
            "name": "Bench",
            "latitude": 49.28,
            "longitude": -123.12,
            "elevation": 0,
            "unit_system": "metric",
            "time_zone": "UTC",
            "country": "CA",
            "language": "en",
        },
    )
    if recorder:
        # What bootstrap does when the recorder is among the integrations to set up.
        recorder_helper.async_initialize_recorder(hass)
        db_url = f"sqlite:///{config_dir / 'home-assistant_v2.db'}"
        assert await async_setup_component(hass, "recorder", {"recorder": {"db_url": db_url}})
    assert await async_setup_component(hass, "http", {})
    if baseline_url is not None:
        assert await async_setup_component(
            hass, "rest_command", {"rest_command": baseline_rest_command(baseline_url, api_key)}
        )
        assert await async_setup_component(
            hass, "automation", {"automation": [baseline_automation(site_id)]}
        )
    await hass.async_start()
    await hass.async_block_till_done()
    if recorder:
        from homeassistant.helpers.recorder import get_instance  # noqa: PLC0415

        await get_instance(hass).async_db_ready
    try:
        yield hass
    finally:
        await hass.async_stop()


BASELINE_BUTTON = "event.bench_baseline_button"
BASELINE_STATION = "baseline"


def baseline_rest_command(url: str, api_key: str) -> dict[str, Any]:
    """A rest_command that opens an alert at the dispatch server, one per call."""
    return {
        "bench_alert": {
            "url": f"{url}/v1/alerts",
            "method": "post",
            "headers": {
                "Authorization": f"Bearer {api_key}",
                "Idempotency-Key": "{{ key }}",
            },
            "content_type": "application/json",
            "payload": "{{ body | to_json }}",
            "timeout": 10,
        }
    }


def baseline_automation(site_id: str) -> dict[str, Any]:
    """A plain automation: the baseline button's press opens an alert through rest_command.

    It sends what Brave sends for a help request with its release details, so the server does
    the same work for both.
    """
    return {
        "id": "bench_baseline",
        "alias": "Baseline: button opens an alert",
        "mode": "parallel",
        "max": 1000,
        "triggers": [{"trigger": "state", "entity_id": BASELINE_BUTTON}],
        "actions": [
            {
                "action": "rest_command.bench_alert",
                "data": {
                    "key": "baseline-{{ trigger.to_state.state }}",
                    "body": {
                        "site_id": site_id,
                        "station": {"id": BASELINE_STATION, "label": "Baseline"},
                        "kind": "help_request",
                        "urgency": "normal",
                        "started_at": "{{ trigger.to_state.last_changed.isoformat() }}",
                        "details": {"presses": 1},
                        "language": "en",
                        "location": {
                            "label": "Room 1",
                            "address": "12 Example Street",
                            "unit": "1",
                            "access_notes": "Code 1234",
                            "latitude": None,
                            "longitude": None,
                        },
                        "contacts": [
                            {"name": "Alex", "phone": "+15555550123", "role": "naloxone_nearby"}
                        ],
                        "rescue_plan": {
                            "call_emergency_services": False,
                            "notes": "Friend in 4B has naloxone",
                        },
                    },
                },
            }
        ],
    }
