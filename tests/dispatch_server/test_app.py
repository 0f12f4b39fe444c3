"""The reference dispatch server's API: what it answers."""

from __future__ import annotations

import aiohttp

from ..conftest import RunningServer, alert_request


async def test_health_needs_the_key(dispatch_server: RunningServer) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{dispatch_server.url}/v1/health") as resp:
            assert resp.status == 401
            assert (await resp.json())["error"] == "unauthorized"
        headers = {"Authorization": f"Bearer {dispatch_server.api_key}"}
        async with session.get(f"{dispatch_server.url}/v1/health", headers=headers) as resp:
            assert resp.status == 200
            assert await resp.json() == {
                "status": "ok",
                "service": "Brave reference dispatch",
                "version": "1.0.0",
            }


async def test_alert_writes_follow_the_contract(dispatch_server: RunningServer) -> None:
    auth = {"Authorization": f"Bearer {dispatch_server.api_key}"}
    base = dispatch_server.url
    async with aiohttp.ClientSession(headers=auth) as session:
        async with session.post(f"{base}/v1/sites", json={"callback_url": None}) as resp:
            assert resp.status == 422
        async with session.post(f"{base}/v1/sites", data="not json") as resp:
            assert resp.status == 400
        site = {"name": "Home", "callback_url": None, "language": "en", "timezone": "UTC"}
        async with session.post(f"{base}/v1/sites", json=site) as resp:
            assert resp.status == 201
            site_id = (await resp.json())["site_id"]
        alert = alert_request(site_id)
        key = {"Idempotency-Key": "k1"}
        async with session.post(f"{base}/v1/alerts", json=alert) as resp:
            assert resp.status == 400
            assert (await resp.json())["error"] == "idempotency_key_required"
        async with session.post(
            f"{base}/v1/alerts", json={**alert, "site_id": "other"}, headers=key
        ) as resp:
            assert resp.status == 404
            assert (await resp.json())["error"] == "unknown_site"
        for bad in (
            {**alert, "station": {}},
            {**alert, "kind": "unknown"},
            {**alert, "urgency": "very"},
        ):
            async with session.post(f"{base}/v1/alerts", json=bad, headers=key) as resp:
                assert resp.status == 422
        async with session.post(f"{base}/v1/alerts", json=[1], headers=key) as resp:
            assert resp.status == 422
        async with session.post(f"{base}/v1/alerts", json=alert, headers=key) as resp:
            assert resp.status == 201
            created = await resp.json()
        # The same key never creates a second alert.
        async with session.post(f"{base}/v1/alerts", json=alert, headers=key) as resp:
            assert resp.status == 200
            assert (await resp.json())["alert_id"] == created["alert_id"]
        assert len(dispatch_server.store.alerts) == 1

        events = f"{base}/v1/alerts/{created['alert_id']}/events"
        cancelled = {"type": "cancelled", "at": "2026-11-27T12:00:00+00:00"}
        async with session.post(events, json={"type": "nope", "at": "x"}, headers=key) as resp:
            assert resp.status == 422
        async with session.post(
            f"{base}/v1/alerts/missing/events", json=cancelled, headers=key
        ) as resp:
            assert resp.status == 404
        async with session.post(events, json=cancelled, headers=key) as resp:
            assert resp.status == 200
            assert (await resp.json())["status"] == "cancelled"
        async with session.get(f"{base}/v1/alerts/{created['alert_id']}") as resp:
            assert (await resp.json())["status"] == "cancelled"
        async with session.get(f"{base}/v1/alerts/missing") as resp:
            assert resp.status == 404
