"""A dispatch server over real HTTP on 127.0.0.1, and a browser-like client for its desk."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
import uuid

import aiohttp
from aiohttp import web
import pytest

from dispatch_server.app import create_app
from dispatch_server.store import Store

from ..conftest import API_KEY, RESPONDER, RESPONDER_PASSWORD, Serve, alert_request, sign_in

SITE = {"name": "Building A", "callback_url": None, "language": "en", "timezone": "UTC"}


@dataclass(slots=True)
class Desk:
    """A running server, its store, and a client that keeps cookies like a browser."""

    url: str
    store: Store
    http: aiohttp.ClientSession

    async def api(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: str = API_KEY,
        idempotency_key: str | None = None,
    ) -> tuple[int, Any]:
        """Call the API with a key; status and JSON body."""
        headers = {"Authorization": f"Bearer {key}"}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        # A client of its own: no cookies on API calls.
        async with (
            aiohttp.ClientSession() as plain,
            plain.request(method, f"{self.url}{path}", json=body, headers=headers) as resp,
        ):
            return resp.status, await resp.json()

    async def site(self, key: str = API_KEY) -> str:
        """Register a site under key; its id."""
        status, body = await self.api("POST", "/v1/sites", SITE, key=key)
        assert status == 201, body
        return str(body["site_id"])

    async def alert(self, site_id: str, key: str = API_KEY, **fields: Any) -> str:
        """Raise an alert at a site; its id."""
        body = alert_request(site_id) | fields
        status, reply = await self.api(
            "POST", "/v1/alerts", body, key=key, idempotency_key=str(uuid.uuid4())
        )
        assert status == 201, reply
        return str(reply["alert_id"])

    async def event(self, alert_id: str, event: dict[str, Any], key: str = API_KEY) -> Any:
        """Post an event on an alert; the Alert."""
        status, reply = await self.api(
            "POST",
            f"/v1/alerts/{alert_id}/events",
            event,
            key=key,
            idempotency_key=str(uuid.uuid4()),
        )
        assert status == 200, reply
        return reply

    async def sign_in(self, name: str = RESPONDER, password: str = RESPONDER_PASSWORD) -> str:
        """Sign in as a responder; the session's CSRF token."""
        return await sign_in(self.http, self.url, name, password)

    async def page(self, path: str = "/responder") -> str:
        """A page's HTML."""
        async with self.http.get(f"{self.url}{path}") as resp:
            assert resp.status == 200
            return await resp.text()

    async def act(
        self, alert_id: str, csrf_token: str, status: str, **fields: str
    ) -> aiohttp.ClientResponse:
        """Press an action button on the desk (the response, not followed)."""
        form = {"csrf_token": csrf_token, "status": status, **fields}
        async with self.http.post(
            f"{self.url}/responder/alerts/{alert_id}", data=form, allow_redirects=False
        ) as resp:
            await resp.read()
            return resp


@asynccontextmanager
async def running(app: web.Application) -> AsyncIterator[str]:
    """Serve an app on a free loopback port until the block ends (a server one can stop)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def browser() -> aiohttp.ClientSession:
    """A client keeping cookies from 127.0.0.1, as a browser does."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


@pytest.fixture
async def desk(serve: Serve) -> AsyncIterator[Desk]:
    """A server with API_KEY for the default tenant and the responder Sam (all its sites)."""
    store = Store()
    store.set_responder(RESPONDER, RESPONDER_PASSWORD)
    url = await serve(create_app(API_KEY, store))
    async with browser() as http:
        yield Desk(url, store, http)
    store.close()
