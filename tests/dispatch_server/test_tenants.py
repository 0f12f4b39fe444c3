"""API keys belong to organisations; an organisation sees only its own sites and alerts."""

from __future__ import annotations

from typing import Any

from dispatch_server.store import Store

from ..conftest import API_KEY, alert_request
from .conftest import Desk


def _other_key(store: Store) -> str:
    return store.add_api_key("other-org", "their desk")[1]


async def test_a_key_reaches_only_its_own_sites_and_alerts(desk: Desk) -> None:
    theirs = _other_key(desk.store)
    mine = await desk.site()
    their_site = await desk.site(key=theirs)
    their_alert = await desk.alert(their_site, key=theirs)
    my_alert = await desk.alert(mine)

    # Someone else's site is refused exactly like a site that does not exist.
    for site_id in (their_site, "site-000000000000"):
        status, body = await desk.api(
            "POST", "/v1/alerts", alert_request(site_id), idempotency_key="k"
        )
        assert (status, body["error"]) == (404, "unknown_site")
    for alert_id in (their_alert, "alert-000000000000"):
        status, body = await desk.api("GET", f"/v1/alerts/{alert_id}")
        assert (status, body["error"]) == (404, "not_found")
        cancelled = {"type": "cancelled", "at": "2026-11-27T12:00:00+00:00"}
        status, _ = await desk.api(
            "POST", f"/v1/alerts/{alert_id}/events", cancelled, idempotency_key="k"
        )
        assert status == 404
    assert desk.store.alerts[their_alert].alert["status"] == "open"

    # Each reads its own.
    assert (await desk.api("GET", f"/v1/alerts/{my_alert}"))[0] == 200
    assert (await desk.api("GET", f"/v1/alerts/{their_alert}", key=theirs))[0] == 200
    assert desk.store.sites[their_site]["tenant"] == "other-org"


async def test_several_keys_and_sites_per_organisation(desk: Desk) -> None:
    second_key = desk.store.add_api_key(label="second building")[1]
    first_site, second_site = await desk.site(), await desk.site(key=second_key)
    # Keys of one organisation share its sites.
    await desk.alert(second_site)
    await desk.alert(first_site, key=second_key)
    assert len(desk.store.alerts) == 2


async def test_a_revoked_key_is_refused_at_once(desk: Desk) -> None:
    key_id, key = desk.store.add_api_key(label="old")
    assert (await desk.api("GET", "/v1/health", key=key))[0] == 200
    assert desk.store.revoke_api_key(key_id)
    status, body = await desk.api("GET", "/v1/health", key=key)
    assert (status, body["error"]) == (401, "unauthorized")
    assert not desk.store.revoke_api_key(key_id)
    async with desk.http.get(f"{desk.url}/v1/health", headers={"Authorization": key}) as resp:
        # Not a bearer token at all.
        assert resp.status == 401


async def test_idempotency_keys_follow_the_contract(desk: Desk) -> None:
    site_id = await desk.site()
    body = alert_request(site_id)

    async def create(payload: dict[str, Any], key: str = API_KEY) -> tuple[int, Any]:
        return await desk.api("POST", "/v1/alerts", payload, key=key, idempotency_key="same")

    status, first = await create(body)
    assert status == 201
    # The same body again (even with its fields in another order): the same answer, 200.
    assert await create(dict(reversed(body.items()))) == (200, first)
    status, reused = await create(body | {"urgency": "urgent"})
    assert (status, reused["error"]) == (422, "idempotency_key_reused")
    assert len(desk.store.alerts) == 1

    # Events too: scoped by path, so the same key on an event is a new write.
    events = f"/v1/alerts/{first['alert_id']}/events"
    reminder = {"type": "reminder", "at": "2026-11-27T12:00:00+00:00"}
    assert (await desk.api("POST", events, reminder, idempotency_key="same"))[0] == 200
    assert (await desk.api("POST", events, reminder, idempotency_key="same"))[0] == 200
    status, reused = await desk.api(
        "POST", events, reminder | {"note": "changed"}, idempotency_key="same"
    )
    assert (status, reused["error"]) == (422, "idempotency_key_reused")
    assert desk.store.alerts[first["alert_id"]].events == [reminder]

    # Another organisation's key value never collides with ours.
    theirs = _other_key(desk.store)
    their_site = await desk.site(key=theirs)
    status, their_alert = await create(alert_request(their_site), key=theirs)
    assert status == 201
    assert their_alert["alert_id"] != first["alert_id"]
