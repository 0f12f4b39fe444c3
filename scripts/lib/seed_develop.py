"""Add a Brave site entry for the local reference dispatch server to a develop config.

Runs before Home Assistant starts (it owns the file while running). Does nothing when a Brave
entry already exists, so the develop instance keeps whatever was changed in the UI.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
from pathlib import Path
import sys
import uuid


def main(config_dir: str, url: str, api_key: str) -> None:
    """Write the entry into <config>/.storage/core.config_entries."""
    path = Path(config_dir) / ".storage" / "core.config_entries"
    if path.exists():
        store = json.loads(path.read_text(encoding="utf-8"))
    else:
        # Home Assistant migrates this oldest 1.x layout to its current one on load.
        store = {"version": 1, "minor_version": 1, "key": "core.config_entries", "data": {}}
    entries = store["data"].setdefault("entries", [])
    if any(entry["domain"] == "brave" for entry in entries):
        return
    now = datetime.now(UTC).isoformat()
    entries.append(
        {
            "created_at": now,
            "data": {"url": url, "api_key": api_key},
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
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(store, indent=2), encoding="utf-8")
    print(f"Added a Brave site for {url} to {path}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
