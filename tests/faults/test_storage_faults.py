"""Bad storage through real Home Assistant: wrong contents, old and future versions, a full disk.

Whatever is on disk, the site sets up and every station monitors: a bad station record or
dispatch write is set aside with a repair, the rest is read; a store that cannot be read at all
is kept aside, reported, and every station starts fresh.
"""

from __future__ import annotations

from datetime import timedelta
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import storage
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.file import WriteError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.brave.const import DOMAIN
from custom_components.brave.core.engine.state import StationState, dump_state
from custom_components.brave.core.payloads import idempotency_key

from ..conftest import BUTTON, STATION_ID, RunningServer, alert_request
from ..helpers import advance, setup_site
from .sites import (
    OTHER_BUTTON,
    OTHER_ID,
    issues,
    on_disk,
    phase,
    press,
    saved,
    store_key,
    two_stations,
)


def _in_check_in(prompt_in_s: float = 120) -> dict[str, Any]:
    """A station record in a check-in session whose next prompt is due in `prompt_in_s`."""
    state = StationState(
        check_in_active=True, next_prompt=dt_util.utcnow() + timedelta(seconds=prompt_in_s)
    )
    return {"state": dump_state(state), "settings": {}}


async def _both_call_for_help(hass: HomeAssistant, server: RunningServer) -> None:
    """Both stations monitor: each press is an alert at the dispatch service."""
    for button in (BUTTON, OTHER_BUTTON):
        press(hass, button)
    await hass.async_block_till_done()
    assert phase(hass, STATION_ID) == phase(hass, OTHER_ID) == "alert"
    kinds = sorted(a.request["station"]["id"] for a in server.store.alerts.values())
    assert kinds == [STATION_ID, OTHER_ID]


@pytest.fixture(autouse=True)
def _buttons(hass: HomeAssistant) -> None:
    for button in (BUTTON, OTHER_BUTTON):
        hass.states.async_set(button, "unknown")


# -- one bad station ----------------------------------------------------------------------

BAD_STATIONS = {
    "a list": [1, 2],
    "a string": "station",
    "a flag that is text": {"state": {"present": "yes"}},
    "a count that is a flag": {"state": {"alert_seq": True}},
    "a time that is no time": {"state": {"next_prompt": "soon"}},
    "a time without a zone": {"state": {"next_prompt": "2026-01-01T00:00:00"}},
    "an unknown ladder stage": {
        "state": {
            "ladder": {
                "alert_key": f"{STATION_ID}-1",
                "trigger": "stillness",
                "started_at": "2026-01-01T00:00:00+00:00",
                "stage": "somewhere",
            }
        }
    },
    "an alert that went out, not open": {
        "state": {
            "ladder": {
                "alert_key": f"{STATION_ID}-1",
                "trigger": "help_request",
                "started_at": "2026-01-01T00:00:00+00:00",
                "stage": "alerted",
                "last_update": "2026-01-01T00:00:00+00:00",
            }
        }
    },
    "an alert that went out, never told": {
        "state": {
            "open_alerts": [f"{STATION_ID}-1"],
            "ladder": {
                "alert_key": f"{STATION_ID}-1",
                "trigger": "help_request",
                "started_at": "2026-01-01T00:00:00+00:00",
                "stage": "acknowledged",
            },
        }
    },
    "a time no station wrote": {"state": {"next_prompt": "9999-12-31T23:59:59+00:00"}},
    "settings that are a list": {"state": None, "settings": [300]},
    "a negative timer": {"state": None, "settings": {"countdown": -5}},
}


@pytest.mark.parametrize("bad", BAD_STATIONS.values(), ids=BAD_STATIONS.keys())
async def test_a_bad_station_record_is_set_aside_and_the_rest_runs(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    bad: Any,
) -> None:
    entry = two_stations(dispatch_server)
    on_disk(hass_storage, entry, {"stations": {STATION_ID: bad, OTHER_ID: _in_check_in()}})
    await setup_site(hass, entry)
    assert entry.state is ConfigEntryState.LOADED

    # The bad station starts fresh and says so; the other carries on where it was.
    assert phase(hass, STATION_ID) == "idle"
    assert phase(hass, OTHER_ID) == "check_in"
    issue = issues(hass)[f"storage_station_{STATION_ID}"]
    assert issue.is_fixable
    assert issue.translation_placeholders == {"station": "Room 1"}
    assert issue.data == {"entry_id": entry.entry_id, "station_id": STATION_ID}
    # What was set aside stays on disk for a person to look at.
    await advance(hass, freezer, 1)
    assert saved(hass_storage, entry)["quarantine"]["stations"] == {STATION_ID: bad}

    # Both monitor: the restored session prompts on time, and either button calls for help.
    await advance(hass, freezer, 119)
    assert phase(hass, OTHER_ID) == "prompting"
    await _both_call_for_help(hass, dispatch_server)


# -- a store that cannot be read -------------------------------------------------------------

UNREADABLE = {
    "a list": [{"stations": {}}],
    "a string": "stations",
    "a number": 2,
    "stations that are a list": {"stations": [1]},
    "an outbox that is a list": {"outbox": []},
    "set-aside writes that are an object": {"quarantine": {"writes": {}}},
    "statuses that are a list": {"statuses": ["resolved"]},
}


@pytest.mark.parametrize("data", UNREADABLE.values(), ids=UNREADABLE.keys())
async def test_a_store_of_another_shape_starts_every_station_fresh(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    data: Any,
) -> None:
    entry = two_stations(dispatch_server)
    on_disk(hass_storage, entry, data)
    await setup_site(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    issue = issues(hass)[f"storage_unreadable_{entry.entry_id}"]
    assert issue.translation_placeholders == {"site": entry.title, "kept": "-"}
    assert phase(hass, STATION_ID) == phase(hass, OTHER_ID) == "idle"
    await _both_call_for_help(hass, dispatch_server)


@pytest.mark.parametrize(
    "stored",
    [
        {"version": 2},
        {"data": {}},
        {"version": 0, "data": {}},
        {"version": "2", "data": {}},
    ],
    ids=["no data", "no version", "version 0", "version as text"],
)
async def test_a_store_without_its_envelope_starts_every_station_fresh(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    stored: dict[str, Any],
) -> None:
    entry = two_stations(dispatch_server)
    hass_storage[store_key(entry)] = stored
    await setup_site(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert f"storage_unreadable_{entry.entry_id}" in issues(hass)
    await _both_call_for_help(hass, dispatch_server)


async def test_a_future_version_is_kept_aside_and_reported(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
) -> None:
    """A store written by a newer Brave (then downgraded) is copied aside before anything is
    written, and the copy is never touched again."""
    hass.config.config_dir = str(tmp_path)
    entry = two_stations(dispatch_server)
    future = {"stations": {STATION_ID: {"shape": "of things to come"}}}
    on_disk(hass_storage, entry, future, version=3)
    # The real file as the newer version left it (the test harness reads hass_storage).
    path = tmp_path / ".storage" / store_key(entry)
    path.parent.mkdir()
    path.write_text(json.dumps(hass_storage[store_key(entry)]), encoding="utf-8")

    await setup_site(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    issue = issues(hass)[f"storage_unreadable_{entry.entry_id}"]
    [kept] = [p for p in path.parent.iterdir() if p != path]
    assert issue.translation_placeholders == {"site": entry.title, "kept": str(kept)}
    assert json.loads(kept.read_text(encoding="utf-8"))["data"] == future

    await _both_call_for_help(hass, dispatch_server)
    await advance(hass, freezer, 60)
    assert saved(hass_storage, entry)["stations"][STATION_ID]["state"]["open_alerts"]
    assert json.loads(kept.read_text(encoding="utf-8"))["data"] == future


async def test_a_newer_minor_version_is_read(
    hass: HomeAssistant, hass_storage: dict[str, Any], dispatch_server: RunningServer
) -> None:
    entry = two_stations(dispatch_server)
    on_disk(hass_storage, entry, {"stations": {OTHER_ID: _in_check_in()}, "new": "field"})
    hass_storage[store_key(entry)]["minor_version"] = 4
    await setup_site(hass, entry)
    assert phase(hass, OTHER_ID) == "check_in"
    assert issues(hass) == {}


# -- version 1 and its separate outbox store ------------------------------------------------


def _alert_write(entry: MockConfigEntry, alert_key: str) -> dict[str, Any]:
    """A queued alert write as version 1 stored it (no bookkeeping fields yet)."""
    site_id = entry.data["site_id"]
    body = alert_request(site_id)
    body["station"] = {"id": alert_key.rpartition("-")[0], "label": "Room 2"}
    return {
        "key": idempotency_key(site_id, alert_key, "alert"),
        "alert_key": alert_key,
        "kind": "alert",
        "body": body,
    }


async def test_version_1_and_its_outbox_store_are_migrated(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = two_stations(dispatch_server)
    # An older alert the occupant said they were okay to, still open for a responder; and
    # one in progress. Version 1 kept neither's kind with its responders.
    older, alert_key = f"{OTHER_ID}-1", f"{OTHER_ID}-2"
    now = dt_util.utcnow()
    record = _in_check_in()
    record["state"] |= {
        "alert_seq": 2,
        "open_alerts": [older, alert_key],
        "ladder": {
            "alert_key": alert_key,
            "trigger": "missed_check_in",
            "started_at": now.isoformat(),
            "stage": "alerted",
            "deadline": (now + timedelta(seconds=120)).isoformat(),
            "last_update": now.isoformat(),
        },
    }
    told = {"label": "Room 2", "test": False, "rids": []}
    on_disk(
        hass_storage,
        entry,
        {
            "stations": {OTHER_ID: record},
            "responders": {"alerts": {older: told, alert_key: told}},
        },
        version=1,
    )
    legacy = f"{store_key(entry)}.outbox"
    hass_storage[legacy] = {
        "version": 1,
        "key": legacy,
        "data": {"writes": [_alert_write(entry, alert_key)], "alert_ids": {}},
    }
    await setup_site(hass, entry)

    # The alert queued before the upgrade reaches the service, once.
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["station"]["id"] == OTHER_ID
    assert phase(hass, OTHER_ID) == "alert"
    assert legacy not in hass_storage
    await advance(hass, freezer, 1)
    assert hass_storage[store_key(entry)]["version"] == 2
    assert saved(hass_storage, entry)["outbox"]["writes"] == []
    assert issues(hass) == {}
    # Home Assistant shows that help was called for both, as before the upgrade.
    shown = hass.data["persistent_notification"]
    assert shown[f"{DOMAIN}_{alert_key}_help"]["message"].startswith(
        "Room 2: help was called (missed check-in)."
    )
    assert shown[f"{DOMAIN}_{older}_help"]["message"].startswith("Room 2: help was called (alert).")


async def test_version_1_with_an_unreadable_outbox_store_keeps_it(
    hass: HomeAssistant, hass_storage: dict[str, Any], dispatch_server: RunningServer
) -> None:
    entry = two_stations(dispatch_server)
    on_disk(hass_storage, entry, {"stations": {OTHER_ID: _in_check_in()}}, version=1)
    legacy = f"{store_key(entry)}.outbox"
    hass_storage[legacy] = {"version": 1, "key": legacy}
    await setup_site(hass, entry)

    assert phase(hass, OTHER_ID) == "check_in"
    issue = issues(hass)[f"storage_writes_{entry.entry_id}"]
    assert issue.translation_placeholders == {"site": entry.title, "count": "1"}
    # The old outbox file stays for someone to look at.
    assert hass_storage[legacy] == {"version": 1, "key": legacy}
    await _both_call_for_help(hass, dispatch_server)


async def test_version_1_that_is_not_an_object_starts_fresh(
    hass: HomeAssistant, hass_storage: dict[str, Any], dispatch_server: RunningServer
) -> None:
    entry = two_stations(dispatch_server)
    on_disk(hass_storage, entry, ["stations"], version=1)
    await setup_site(hass, entry)
    assert f"storage_unreadable_{entry.entry_id}" in issues(hass)
    await _both_call_for_help(hass, dispatch_server)


# -- dispatch writes and bookkeeping ---------------------------------------------------------


async def test_unreadable_writes_are_set_aside_and_the_rest_delivered(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    hass_client: Any,
) -> None:
    entry = two_stations(dispatch_server)
    alert_key = f"{OTHER_ID}-1"
    good = _alert_write(entry, alert_key)
    no_body = {k: v for k, v in _alert_write(entry, f"{STATION_ID}-1").items() if k != "body"}
    no_key = {k: v for k, v in good.items() if k != "key"}
    bad_time = {**_alert_write(entry, f"{STATION_ID}-2"), "queued_at": "yesterday"}
    on_disk(
        hass_storage,
        entry,
        {
            "stations": {},
            "outbox": {"writes": [no_body, good, no_key, bad_time], "alert_ids": {"x": 1}},
            "responders": {"alerts": {"a": "b", "c": {"label": 3}}, "latest": []},
            "statuses": {"alert-1": 3},
            "seen_webhooks": {"event-1": "yesterday"},
        },
    )
    await setup_site(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["station"]["id"] == OTHER_ID
    issue_id = f"storage_writes_{entry.entry_id}"
    assert issues(hass)[issue_id].translation_placeholders == {
        "site": entry.title,
        "count": "3",
    }
    await advance(hass, freezer, 1)
    assert saved(hass_storage, entry)["quarantine"]["writes"] == [no_body, no_key, bad_time]
    await _both_call_for_help(hass, dispatch_server)

    # A person checked, and confirms: what was set aside goes, and so does the repair.
    result = await _fix(hass, hass_client, issue_id)
    assert result["type"] == "create_entry"
    assert issue_id not in issues(hass)
    await hass.async_block_till_done()
    assert saved(hass_storage, entry)["quarantine"]["writes"] == []


async def _fix(hass: HomeAssistant, hass_client: Any, issue_id: str) -> dict[str, Any]:
    """Open a repair's fix flow as the UI does, and confirm it."""
    assert await async_setup_component(hass, "repairs", {})
    client = await hass_client()
    resp = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert resp.status == 200, await resp.text()
    flow = await resp.json()
    assert flow["step_id"] == "confirm"
    resp = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert resp.status == 200, await resp.text()
    result: dict[str, Any] = await resp.json()
    return result


async def test_a_person_drops_a_set_aside_station_once_they_checked(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    hass_client: Any,
) -> None:
    entry = two_stations(dispatch_server)
    on_disk(hass_storage, entry, {"stations": {STATION_ID: "bad", OTHER_ID: "worse"}})
    await setup_site(hass, entry)
    first, second = f"storage_station_{STATION_ID}", f"storage_station_{OTHER_ID}"
    assert {first, second} <= set(issues(hass))

    result = await _fix(hass, hass_client, first)
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    assert set(issues(hass)) == {second}
    assert saved(hass_storage, entry)["quarantine"]["stations"] == {OTHER_ID: "worse"}

    # While the site is not running its store is not changed: the repair stays.
    assert await hass.config_entries.async_unload(entry.entry_id)
    result = await _fix(hass, hass_client, second)
    assert result == {**result, "type": "abort", "reason": "site_not_running"}
    assert second in issues(hass)
    # It is read again at the next start, and still reported.
    await setup_site(hass, entry)
    assert saved(hass_storage, entry)["quarantine"]["stations"] == {OTHER_ID: "worse"}
    assert second in issues(hass)

    # A site that was deleted has nothing left to drop.
    assert await hass.config_entries.async_remove(entry.entry_id)
    result = await _fix(hass, hass_client, second)
    assert result["type"] == "create_entry"


# -- a full disk ----------------------------------------------------------------------------


async def test_a_full_disk_is_reported_retried_and_cleared(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = two_stations(dispatch_server)
    await setup_site(hass, entry)
    await advance(hass, freezer, 1)
    before = saved(hass_storage, entry)
    attempts: list[str] = []
    write = storage.Store._async_write_data

    async def disk_full(store: storage.Store[Any], data: dict[str, Any]) -> None:
        if store.key == store_key(entry):
            attempts.append(store.key)
            raise WriteError("[Errno 28] No space left on device")
        await write(store, data)

    issue_id = f"storage_write_failed_{entry.entry_id}"
    with patch.object(storage.Store, "_async_write_data", disk_full):
        # Monitoring carries on: a press is an alert at the service.
        press(hass, BUTTON)
        await hass.async_block_till_done()
        assert phase(hass, STATION_ID) == "alert"
        assert len(dispatch_server.store.alerts) == 1
        assert attempts
        issue = issues(hass)[issue_id]
        assert issue.translation_placeholders == {"site": entry.title}
        assert saved(hass_storage, entry) == before
        # Tried again at least every 10 s while the disk is full (other changes may ask for
        # a write in between, and are tried too).
        tried = len(attempts)
        await advance(hass, freezer, 10)
        assert len(attempts) > tried
        tried = len(attempts)
        await advance(hass, freezer, 10)
        assert len(attempts) > tried
        assert issue_id in issues(hass)

    # The disk has room again: the next try writes the alert and the repair goes.
    await advance(hass, freezer, 10)
    assert saved(hass_storage, entry)["stations"][STATION_ID]["state"]["open_alerts"] == [
        f"{STATION_ID}-1"
    ]
    assert issue_id not in issues(hass)
    assert "can save its state again" in caplog.text


async def test_a_repair_of_a_full_disk_left_by_an_earlier_run_goes_at_the_first_write(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = two_stations(dispatch_server)
    await setup_site(hass, entry)
    issue_id = f"storage_write_failed_{entry.entry_id}"

    async def disk_full(store: storage.Store[Any], data: dict[str, Any]) -> None:
        raise WriteError("[Errno 28] No space left on device")

    with patch.object(storage.Store, "_async_write_data", disk_full):
        press(hass, BUTTON)
        await hass.async_block_till_done()
        assert issue_id in issues(hass)
        # Stopped while the disk is full: the repair stays, it is still true.
        assert await hass.config_entries.async_unload(entry.entry_id)
        assert issue_id in issues(hass)

    await setup_site(hass, entry)
    await advance(hass, freezer, 1)
    assert issue_id not in issues(hass)


async def test_a_visit_saved_months_ago_starts_with_one_late_long_stay_prompt(
    hass: HomeAssistant, hass_storage: dict[str, Any], dispatch_server: RunningServer
) -> None:
    """Restored from a backup 200 days old with a visit open: the long-stay repeats missed
    meanwhile (14,400 of them) are one late prompt, not a start that never finishes."""
    entry = two_stations(dispatch_server)
    began = dt_util.utcnow() - timedelta(days=200)
    state = StationState(
        present=True,
        present_since=began,
        presence_confirmed=True,
        session_start=began,
        still_since=began,
        stillness_alerted=True,
        next_duration=began + timedelta(minutes=20),
    )
    on_disk(hass_storage, entry, {"stations": {OTHER_ID: {"state": dump_state(state)}}})
    await setup_site(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert phase(hass, OTHER_ID) == "prompting"
    driver = entry.runtime_data.drivers[OTHER_ID]
    assert driver.engine.state.next_duration is not None
    assert driver.engine.state.next_duration > dt_util.utcnow()


async def test_a_queued_alert_without_its_kind_still_reaches_the_fallback_group(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    unused_url: str,
) -> None:
    """The service is down and a queued alert's body lost its kind: the fallback group still
    hears, 10 s after the start."""
    sms = async_mock_service(hass, "notify", "sms")
    entry = two_stations(
        dispatch_server, options={"fallback": "Fallback = notify.sms:+15555550199"}
    )
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=entry.title,
        unique_id=unused_url,
        data={**entry.data, "url": unused_url},
        options=dict(entry.options),
        subentries_data=[],
    )
    write = _alert_write(entry, f"{OTHER_ID}-1")
    del write["body"]["kind"]
    on_disk(hass_storage, entry, {"outbox": {"writes": [write], "alert_ids": {}}})
    await setup_site(hass, entry)
    await advance(hass, freezer, 10)
    [told] = sms
    assert "dispatch service is not answering" in told.data["message"]
