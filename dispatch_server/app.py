"""The reference server's aiohttp application."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
import hmac
from typing import Any

import aiohttp
from aiohttp import web

from . import responder_page
from .contract import problem
from .keys import API_KEY, SESSION, STORE
from .store import Received, Store

SERVICE_NAME = "Brave reference dispatch"
MAX_KEY_LENGTH = 200
VERSION = "1.0.0"

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


@web.middleware
async def _require_api_key(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/responder"):
        # The responder page is for people at the desk, on loopback.
        return await handler(request)
    expected = f"Bearer {request.app[API_KEY]}"
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return _error(401, "unauthorized", "missing or wrong API key")
    return await handler(request)


async def _valid_body(request: web.Request, schema: str) -> dict[str, Any] | web.Response:
    try:
        body = await request.json()
    except ValueError:
        return _error(400, "invalid_json", "body is not JSON")
    if (found := problem(schema, body)) is not None:
        return _error(422, "invalid_request", found)
    assert isinstance(body, dict)
    return body


async def _write(
    request: web.Request,
    schema: str,
    apply: Callable[[dict[str, Any]], dict[str, Any] | web.Response],
    created: int,
) -> web.Response:
    """Shared path of alert writes: key, validation, idempotency, record."""
    key = request.headers.get("Idempotency-Key")
    if not key or len(key) > MAX_KEY_LENGTH:
        return _error(
            400, "idempotency_key_required", "an Idempotency-Key of 1-200 characters is required"
        )
    body = await _valid_body(request, schema)
    if isinstance(body, web.Response):
        return body
    store = request.app[STORE]
    if (earlier := store.replies.get((request.path, key))) is not None:
        return web.json_response(earlier, status=200)
    reply = apply(body)
    if isinstance(reply, web.Response):
        return reply
    store.replies[(request.path, key)] = reply
    store.received.append(Received(datetime.now(UTC), request.method, request.path, body))
    return web.json_response(reply, status=created)


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "service": SERVICE_NAME, "version": VERSION})


async def _register_site(request: web.Request) -> web.Response:
    body = await _valid_body(request, "SiteRequest")
    if isinstance(body, web.Response):
        return body
    store = request.app[STORE]
    store.received.append(Received(datetime.now(UTC), request.method, request.path, body))
    return web.json_response(store.add_site(body), status=201)


async def _create_alert(request: web.Request) -> web.Response:
    store = request.app[STORE]

    def apply(body: dict[str, Any]) -> dict[str, Any] | web.Response:
        if body["site_id"] not in store.sites:
            return _error(422, "unknown_site", "register the site first")
        return store.add_alert(body)

    return await _write(request, "AlertRequest", apply, created=201)


async def _add_event(request: web.Request) -> web.Response:
    store = request.app[STORE]
    alert_id = request.match_info["alert_id"]
    if alert_id not in store.alerts:
        return _error(404, "not_found", "unknown alert")
    return await _write(
        request, "AlertEvent", lambda body: store.add_event(alert_id, body), created=200
    )


async def _get_alert(request: web.Request) -> web.Response:
    stored = request.app[STORE].alerts.get(request.match_info["alert_id"])
    if stored is None:
        return _error(404, "not_found", "unknown alert")
    return web.json_response(stored.alert)


async def _client_session(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession() as session:
        app[SESSION] = session
        yield


def create_app(api_key: str, store: Store | None = None) -> web.Application:
    """Build the server application accepting one API key."""
    app = web.Application(middlewares=[_require_api_key])
    app[API_KEY] = api_key
    app[STORE] = store if store is not None else Store()
    app.cleanup_ctx.append(_client_session)
    app.router.add_get("/v1/health", _health)
    app.router.add_post("/v1/sites", _register_site)
    app.router.add_post("/v1/alerts", _create_alert)
    app.router.add_post("/v1/alerts/{alert_id}/events", _add_event)
    app.router.add_get("/v1/alerts/{alert_id}", _get_alert)
    app.router.add_get("/responder", responder_page.show)
    app.router.add_post("/responder/alerts/{alert_id}", responder_page.act)
    return app
