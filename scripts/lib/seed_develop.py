"""Prepare the develop instance's configuration folder before Home Assistant starts.

Home Assistant owns these files while it runs, so everything here happens before it starts, in
the stored forms Home Assistant itself writes (it migrates older forms on load). Used by
scripts/develop and by the browser test (on a copy of config/, with other ports).

- HTTP: the stored HTTP configuration listens on 127.0.0.1 only. Home Assistant 2026.x keeps
  it in `.storage/http`; YAML `http:` would be staged as a change that asks for confirmation
  and reverts (and restarts) after five minutes, so the develop instance has none.
- A demo login instead of onboarding (docs/demo.md): user `demo`, password `brave-demo`, on
  the first start only. This instance listens on loopback alone; never seed a real one.
- The Brave site, pointed at the reference dispatch server. That server keeps its sites in
  memory, so the site is registered again on every start and the entry's site id and webhook
  secret follow.
- On the first start, the demo site: a washroom with room sensing and a bedroom with a learned
  button and check-in, bound to the virtual devices of `custom_components/brave_demo`.
  Later starts keep whatever was changed since.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
import json
from pathlib import Path
import time
from typing import Any
import urllib.error
import urllib.request
import uuid

import bcrypt
from homeassistant.auth.const import GROUP_ID_ADMIN
from homeassistant.components.http.config import (
    HTTP_STORAGE_SCHEMA,
    STORAGE_MINOR_VERSION as HTTP_STORAGE_MINOR_VERSION,
    STORAGE_VERSION as HTTP_STORAGE_VERSION,
)
from homeassistant.components.onboarding import STORAGE_VERSION as ONBOARDING_VERSION
from homeassistant.components.onboarding.const import STEPS
from homeassistant.config_entries import (
    STORAGE_VERSION as ENTRIES_VERSION,
    STORAGE_VERSION_MINOR as ENTRIES_MINOR_VERSION,
)
from homeassistant.util.ulid import ulid

DEMO_USER = "demo"
# The demo volunteer at the reference dispatch service (its responder page).
RESPONDER = "Sam"
RESPONDER_PASSWORD = "brave-responder"  # noqa: S105 (the demo only)
DEMO_PASSWORD = "brave-demo"  # noqa: S105 (the documented demo login, loopback only)
DEMO_DOMAIN = "brave_demo"
# The bedroom button's IEEE address (custom_components/brave_demo).
DEMO_BUTTON_IEEE = "a4:c1:38:de:00:00:00:01"
DEMO_ADDRESS = "1 Example Street"

WASHROOM = {
    "modes": {
        "help_button": True,
        "check_in": False,
        "room_sensing": True,
        "release_on_help": True,
    },
    "sensors": {
        "presence": "binary_sensor.washroom_radar_presence",
        "motion": "sensor.washroom_radar_movement",
        "door": "binary_sensor.washroom_door",
    },
    "prompts": {"notify": "notify.washroom_speaker", "light": "light.washroom_light"},
    "rescue_plan": {"responder_groups": ["dispatch", "first_responders"]},
    "release": {
        "address": DEMO_ADDRESS,
        "unit": "Ground floor washroom",
        "access_notes": "Key at the front desk",
    },
}
BEDROOM = {
    "modes": {
        "help_button": True,
        "check_in": True,
        "room_sensing": False,
        "release_on_help": True,
    },
    "sensors": {
        # The stored form of custom_components/brave/core/buttons.py.
        "learned_buttons": [
            {
                "source": "zha",
                "ieee": DEMO_BUTTON_IEEE,
                "help": ["remote_button_short_press"],
                "answer": ["remote_button_double_press"],
                "start_check_in": ["remote_button_long_press"],
            }
        ],
    },
    "prompts": {"notify": "notify.bedroom_speaker", "light": "light.bedroom_light"},
    "rescue_plan": {"responder_groups": ["dispatch", "first_responders"]},
    "release": {"address": DEMO_ADDRESS, "unit": "Room 2"},
}
DEMO_STATIONS = {"Washroom": WASHROOM, "Bedroom": BEDROOM}


@dataclass(frozen=True, slots=True)
class Seeded:
    """What a person needs to know to use the instance."""

    ha_url: str
    responder_url: str
    demo_login: bool  # whether user `demo` with the demo password still exists


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _read(storage: Path, key: str) -> dict[str, Any] | None:
    path = storage / key
    if not path.exists():
        return None
    stored: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return stored


def _write(storage: Path, key: str, version: int, minor: int, data: dict[str, Any]) -> None:
    """Write a store file atomically, readable by its owner only (some hold secrets)."""
    storage.mkdir(parents=True, exist_ok=True)
    body = {"version": version, "minor_version": minor, "key": key, "data": data}
    tmp = storage / f".{key}.tmp"
    tmp.write_text(json.dumps(body, indent=2), encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(storage / key)


def seed_http(storage: Path, port: int) -> None:
    """Listen on 127.0.0.1:<port> only, confirmed, with nothing pending (every start)."""
    stable = {
        **HTTP_STORAGE_SCHEMA({"server_host": ["127.0.0.1"], "server_port": port}),
        "created_at": _now(),
        "error": None,
        "error_message": None,
    }
    data = {"stable": stable, "pending": None, "yaml_migration_done": True}
    _write(storage, "http", HTTP_STORAGE_VERSION, HTTP_STORAGE_MINOR_VERSION, data)


def seed_login(storage: Path) -> None:
    """An owner `demo` and onboarding marked done, unless onboarding already happened."""
    if _read(storage, "onboarding") is not None:
        return
    user_id, credential_id = uuid.uuid4().hex, uuid.uuid4().hex
    auth = {
        "users": [
            {
                "id": user_id,
                "group_ids": [GROUP_ID_ADMIN],
                "is_owner": True,
                "is_active": True,
                "name": "Demo",
                "system_generated": False,
                "local_only": False,
            }
        ],
        # Home Assistant adds its system groups on load.
        "groups": [],
        "credentials": [
            {
                "id": credential_id,
                "user_id": user_id,
                "auth_provider_type": "homeassistant",
                "auth_provider_id": None,
                "data": {"username": DEMO_USER},
            }
        ],
        "refresh_tokens": [],
    }
    # As the homeassistant auth provider stores it: bcrypt, 12 rounds, base64.
    hashed = bcrypt.hashpw(DEMO_PASSWORD.encode(), bcrypt.gensalt(rounds=12))
    provider = {"users": [{"username": DEMO_USER, "password": base64.b64encode(hashed).decode()}]}
    _write(storage, "auth", 1, 1, auth)
    _write(storage, "auth_provider.homeassistant", 1, 1, provider)
    if _read(storage, "core.config") is None:
        # What the onboarding's location step would save; no country raises a repair.
        core = {
            "latitude": 49.2827,
            "longitude": -123.1207,
            "elevation": 0,
            "unit_system_v2": "metric",
            "location_name": "Brave demo",
            "time_zone": "UTC",
            "external_url": None,
            "internal_url": None,
            "currency": "CAD",
            "country": "CA",
            "language": "en",
            "radius": 100,
        }
        _write(storage, "core.config", 1, 4, core)
    # The demo dashboard opens after logging in (config/dashboards/demo.yaml).
    _write(storage, "frontend.system_data", 1, 1, {"core": {"default_panel": "brave-demo"}})
    _write(storage, "onboarding", ONBOARDING_VERSION, 1, {"done": list(STEPS)})


def demo_login_exists(storage: Path) -> bool:
    """Whether user `demo` still signs in with the demo password."""
    provider = _read(storage, "auth_provider.homeassistant")
    for user in (provider or {}).get("data", {}).get("users", []):
        if user.get("username") == DEMO_USER:
            return bcrypt.checkpw(DEMO_PASSWORD.encode(), base64.b64decode(user["password"]))
    return False


def register(url: str, api_key: str, callback_url: str) -> dict[str, str]:
    """POST /v1/sites, waiting for the server to come up."""
    body = json.dumps(
        {"name": "Brave demo", "callback_url": callback_url, "language": "en", "timezone": "UTC"}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (a loopback URL given by the caller)
        f"{url}/v1/sites",
        data=body,
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(request, timeout=5) as resp:  # noqa: S310
                site: dict[str, str] = json.load(resp)
                return site
        except urllib.error.HTTPError as err:
            raise SystemExit(f"the dispatch server at {url} refused the site: {err}") from err
        except urllib.error.URLError:
            time.sleep(0.1)
    raise SystemExit(f"the reference dispatch server at {url} did not answer")


def _entry(domain: str, title: str, unique_id: str | None) -> dict[str, Any]:
    now = _now()
    return {
        "created_at": now,
        "data": {},
        "disabled_by": None,
        "discovery_keys": {},
        "domain": domain,
        "entry_id": ulid(),
        "minor_version": 1,
        "modified_at": now,
        "options": {},
        "pref_disable_new_entities": False,
        "pref_disable_polling": False,
        "source": "user",
        "subentries": [],
        "title": title,
        "unique_id": unique_id,
        "version": 1,
    }


def seed_entries(
    storage: Path, ha_url: str, dispatch_url: str, api_key: str, *, service_is_new: bool
) -> None:
    """The Brave site (registered when the service does not know it), demo devices, stations."""
    store = _read(storage, "core.config_entries") or {
        "version": ENTRIES_VERSION,
        "minor_version": ENTRIES_MINOR_VERSION,
        "data": {},
    }
    entries: list[dict[str, Any]] = store["data"].setdefault("entries", [])
    site = next((e for e in entries if e["domain"] == "brave"), None)
    if site is None:
        site = _entry("brave", "Local reference dispatch", dispatch_url)
        entries.append(site)
    if not any(e["domain"] == DEMO_DOMAIN for e in entries):
        # The demo's first start: its virtual devices and the stations bound to them.
        entries.append(_entry(DEMO_DOMAIN, "Brave demo devices", None))
        site["subentries"] += [
            {
                "data": data,
                "subentry_id": ulid(),
                "subentry_type": "station",
                "title": title,
                # The station file's key (the demo's automation sets its timers by it).
                "unique_id": title.lower(),
            }
            for title, data in DEMO_STATIONS.items()
        ]
    webhook_id = site["data"].get("webhook_id") or uuid.uuid4().hex + uuid.uuid4().hex
    callback_url = f"{ha_url}/api/webhook/{webhook_id}"
    known = site["data"].get("url") == dispatch_url and site["data"].get("site_id")
    if known and not service_is_new and site["data"].get("callback_url") == callback_url:
        # The service keeps its sites: register only where it does not know this one.
        _write(
            storage, "core.config_entries", store["version"], store["minor_version"], store["data"]
        )
        return
    registered = register(dispatch_url, api_key, callback_url)
    site["data"] = {
        "url": dispatch_url,
        "api_key": api_key,
        "site_id": registered["site_id"],
        "webhook_secret": registered["webhook_secret"],
        "webhook_id": webhook_id,
        "callback_url": callback_url,
    }
    site["unique_id"] = dispatch_url
    _write(storage, "core.config_entries", store["version"], store["minor_version"], store["data"])


def seed(
    config_dir: Path, ha_port: int, dispatch_url: str, api_key: str, *, service_is_new: bool
) -> Seeded:
    """Everything above, for Home Assistant on 127.0.0.1:<ha_port>.

    `service_is_new`: the dispatch service starts without its data (its first start, or its
    database was removed), so the site is registered there again.
    """
    storage = config_dir / ".storage"
    ha_url = f"http://127.0.0.1:{ha_port}"
    seed_http(storage, ha_port)
    seed_login(storage)
    seed_entries(storage, ha_url, dispatch_url, api_key, service_is_new=service_is_new)
    return Seeded(ha_url, f"{dispatch_url}/responder", demo_login_exists(storage))
