"""The reference server's aiohttp application."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
import hmac
from typing import Any

from aiohttp import web

from .store import Received, Store

SERVICE_NAME = "Brave reference dispatch"
VERSION = "1.0.0"

API_KEY: web.AppKey[str] = web.AppKey("api_key", str)
STORE: web.AppKey[Store] = web.AppKey("store", Store)

KINDS = frozenset({"stillness", "duration", "help_request", "missed_check_in", "test"})
EVENT_TYPES = frozenset(
    {
        "reminder",
        "escalated",
        "details_released",
        "occupant_ok",
        "cancelled",
        "door_opened",
        "resolved",
    }
)

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


@web.middleware
async def _require_api_key(request: web.Request, handler: Handler) -> web.StreamResponse:
    expected = f"Bearer {request.app[API_KEY]}"
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return _error(401, "unauthorized", "missing or wrong API key")
    return await handler(request)


async def _json_object(request: web.Request) -> dict[str, Any] | web.Response:
    try:
        body = await request.json()
    except ValueError:
        return _error(400, "invalid_json", "body is not JSON")
    if not isinstance(body, dict):
        return _error(422, "invalid_request", "body must be a JSON object")
    return body


async def _write(
    request: web.Request,
    validate: Callable[[dict[str, Any]], str | None],
    apply: Callable[[dict[str, Any]], dict[str, Any]],
    created: int,
) -> web.Response:
    """Shared path of every write: parse, validate, idempotency, record."""
    key = request.headers.get("Idempotency-Key")
    if not key:
        return _error(400, "idempotency_key_required", "Idempotency-Key header is required")
    body = await _json_object(request)
    if isinstance(body, web.Response):
        return body
    if (problem := validate(body)) is not None:
        return _error(422, "invalid_request", problem)
    store = request.app[STORE]
    if (reply := store.replies.get((request.path, key))) is not None:
        return web.json_response(reply, status=200)
    reply = apply(body)
    store.replies[(request.path, key)] = reply
    store.received.append(Received(datetime.now(UTC), request.method, request.path, body))
    return web.json_response(reply, status=created)


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "service": SERVICE_NAME, "version": VERSION})


async def _register_site(request: web.Request) -> web.Response:
    body = await _json_object(request)
    if isinstance(body, web.Response):
        return body
    if not isinstance(body.get("name"), str):
        return _error(422, "invalid_request", "name is required")
    store = request.app[STORE]
    store.received.append(Received(datetime.now(UTC), request.method, request.path, body))
    return web.json_response(store.add_site(body), status=201)


def _validate_alert(store: Store, body: dict[str, Any]) -> str | None:
    if body.get("site_id") not in store.sites:
        return "unknown site_id"
    station = body.get("station")
    if not isinstance(station, dict) or not isinstance(station.get("id"), str):
        return "station.id is required"
    if body.get("kind") not in KINDS:
        return "unknown kind"
    if body.get("urgency") not in ("normal", "urgent"):
        return "unknown urgency"
    return None


async def _create_alert(request: web.Request) -> web.Response:
    store = request.app[STORE]
    return await _write(
        request, lambda body: _validate_alert(store, body), store.add_alert, created=201
    )


async def _add_event(request: web.Request) -> web.Response:
    store = request.app[STORE]
    alert_id = request.match_info["alert_id"]
    if alert_id not in store.alerts:
        return _error(404, "not_found", "unknown alert")

    def validate(body: dict[str, Any]) -> str | None:
        return None if body.get("type") in EVENT_TYPES else "unknown event type"

    return await _write(
        request, validate, lambda body: store.add_event(alert_id, body), created=200
    )


async def _get_alert(request: web.Request) -> web.Response:
    stored = request.app[STORE].alerts.get(request.match_info["alert_id"])
    if stored is None:
        return _error(404, "not_found", "unknown alert")
    return web.json_response(stored.alert)


def create_app(api_key: str, store: Store | None = None) -> web.Application:
    """Build the server application accepting one API key."""
    app = web.Application(middlewares=[_require_api_key])
    app[API_KEY] = api_key
    app[STORE] = store if store is not None else Store()
    app.router.add_get("/v1/health", _health)
    app.router.add_post("/v1/sites", _register_site)
    app.router.add_post("/v1/alerts", _create_alert)
    app.router.add_post("/v1/alerts/{alert_id}/events", _add_event)
    app.router.add_get("/v1/alerts/{alert_id}", _get_alert)
    return app
