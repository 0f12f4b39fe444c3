"""Point the develop instance's Brave site at the local reference dispatch server.

Runs before Home Assistant starts (it owns the file while running). The reference server keeps
its sites in memory, so the site is registered again on every start and the entry's site id
and webhook secret follow; everything else in the entry, and any other entry, is kept.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
from pathlib import Path
import secrets
import sys
import time
import urllib.error
import urllib.request
import uuid

HA_URL = "http://127.0.0.1:8123"


def register(url: str, api_key: str, callback_url: str) -> dict[str, str]:
    """POST /v1/sites, waiting for the server to come up."""
    body = json.dumps(
        {"name": "Home", "callback_url": callback_url, "language": "en", "timezone": "UTC"}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (a loopback URL given by scripts/develop)
        f"{url}/v1/sites",
        data=body,
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(request, timeout=5) as resp:  # noqa: S310
                site: dict[str, str] = json.load(resp)
                return site
        except urllib.error.URLError:
            time.sleep(0.1)
    raise SystemExit(f"the reference dispatch server at {url} did not start")


def main(config_dir: str, url: str, api_key: str) -> None:
    """Write or update the entry in <config>/.storage/core.config_entries."""
    path = Path(config_dir) / ".storage" / "core.config_entries"
    if path.exists():
        store = json.loads(path.read_text(encoding="utf-8"))
    else:
        # Home Assistant migrates this oldest 1.x layout to its current one on load.
        store = {"version": 1, "minor_version": 1, "key": "core.config_entries", "data": {}}
    entries = store["data"].setdefault("entries", [])
    entry = next((e for e in entries if e["domain"] == "brave"), None)
    if entry is None:
        now = datetime.now(UTC).isoformat()
        entry = {
            "created_at": now,
            "data": {},
            "disabled_by": None,
            "discovery_keys": {},
            "domain": "brave",
            "entry_id": uuid.uuid4().hex,
            "minor_version": 1,
            "modified_at": now,
            "options": {},
            "pref_disable_new_entities": False,
            "pref_disable_polling": False,
            "source": "user",
            "subentries": [],
            "title": "Local reference dispatch",
            "unique_id": url,
            "version": 1,
        }
        entries.append(entry)
    webhook_id = entry["data"].get("webhook_id") or secrets.token_hex(32)
    callback_url = f"{HA_URL}/api/webhook/{webhook_id}"
    site = register(url, api_key, callback_url)
    entry["data"] = {
        "url": url,
        "api_key": api_key,
        "site_id": site["site_id"],
        "webhook_secret": site["webhook_secret"],
        "webhook_id": webhook_id,
        "callback_url": callback_url,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(store, indent=2), encoding="utf-8")
    print(f"Brave site registered at {url}; responder page: {url}/responder")


if __name__ == "__main__":
    main(*sys.argv[1:4])
