"""The reference server's aiohttp application: the contract's API and the responder pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import hdrs, web

from . import responder_page
from .contract import problem
from .credentials import body_digest
from .keys import BEHIND_PROXY, CLIENT, HASHING, OWNER, STORE
from .protection import Handler, HostAllowlist, error, harden, host_check
from .store import DEFAULT_TENANT, Received, Store

SERVICE_NAME = "Brave reference dispatch"
MAX_KEY_LENGTH = 200
VERSION = "1.0.0"
_BEARER = "Bearer "


@web.middleware
async def _require_api_key(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith("/v1/"):
        # The responder pages have their own sign-in.
        return await handler(request)
    given = request.headers.get(hdrs.AUTHORIZATION, "")
    owner = None
    if given.startswith(_BEARER):
        owner = request.app[STORE].key_owner(given.removeprefix(_BEARER))
    if owner is None:
        return error(401, "unauthorized", "missing, wrong or revoked API key")
    request[OWNER] = owner
    return await handler(request)


async def _valid_body(request: web.Request, schema: str) -> dict[str, Any] | web.Response:
    try:
        body = await request.json()
    except ValueError:
        return error(400, "invalid_json", "body is not JSON")
    if (found := problem(schema, body)) is not None:
        return error(422, "invalid_request", found)
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
        return error(
            400, "idempotency_key_required", "an Idempotency-Key of 1-200 characters is required"
        )
    body = await _valid_body(request, schema)
    if isinstance(body, web.Response):
        return body
    store, tenant = request.app[STORE], request[OWNER].tenant
    body_sha256 = body_digest(body)
    # No await below: the check and the write cannot interleave with another request.
    with store.transaction():
        if (earlier := store.replay(tenant, request.path, key)) is not None:
            earlier_sha256, reply = earlier
            if earlier_sha256 != body_sha256:
                return error(
                    422,
                    "idempotency_key_reused",
                    "this Idempotency-Key was used with a different body",
                )
            return web.json_response(reply, status=200)
        reply_or_error = apply(body)
        if isinstance(reply_or_error, web.Response):
            return reply_or_error
        store.remember(tenant, request.path, key, body_sha256, reply_or_error)
    store.received.append(Received(datetime.now(UTC), request.method, request.path, body))
    return web.json_response(reply_or_error, status=created)


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "service": SERVICE_NAME, "version": VERSION})


async def _register_site(request: web.Request) -> web.Response:
    body = await _valid_body(request, "SiteRequest")
    if isinstance(body, web.Response):
        return body
    store, owner = request.app[STORE], request[OWNER]
    with store.transaction():
        site = store.add_site(body, owner.tenant)
        store.audit(owner.key_id, "site_registered", detail=site["site_id"])
    store.received.append(Received(datetime.now(UTC), request.method, request.path, body))
    return web.json_response(site, status=201)


def _unknown_site() -> web.Response:
    # The same answer for a site that does not exist and for another tenant's.
    return error(404, "unknown_site", "no such site for this API key; register it first")


def _unknown_alert() -> web.Response:
    return error(404, "not_found", "unknown alert")


async def _create_alert(request: web.Request) -> web.Response:
    store, tenant = request.app[STORE], request[OWNER].tenant

    def apply(body: dict[str, Any]) -> dict[str, Any] | web.Response:
        if not store.site_belongs_to(body["site_id"], tenant):
            return _unknown_site()
        return store.add_alert(body)

    return await _write(request, "AlertRequest", apply, created=201)


async def _add_event(request: web.Request) -> web.Response:
    store = request.app[STORE]
    alert_id = request.match_info["alert_id"]
    if store.alert(alert_id, request[OWNER].tenant) is None:
        return _unknown_alert()
    return await _write(
        request, "AlertEvent", lambda body: store.add_event(alert_id, body), created=200
    )


async def _get_alert(request: web.Request) -> web.Response:
    stored = request.app[STORE].alert(request.match_info["alert_id"], request[OWNER].tenant)
    if stored is None:
        return _unknown_alert()
    return web.json_response(stored.alert)


async def _home(request: web.Request) -> web.Response:
    return web.Response(status=303, headers={hdrs.LOCATION: "/responder"})


async def _resources(app: web.Application) -> AsyncIterator[None]:
    timeout = aiohttp.ClientTimeout(total=10)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="dispatch-hash") as hashing:
        async with aiohttp.ClientSession(timeout=timeout) as client:
            app[CLIENT] = client
            app[HASHING] = hashing
            yield


def create_app(
    api_key: str | None,
    store: Store | None = None,
    *,
    allowed_hosts: HostAllowlist | None = None,
    behind_proxy: bool = False,
) -> web.Application:
    """Build the server application.

    api_key, when given, is added for the default tenant unless the store knows it already
    (a revoked key stays revoked). allowed_hosts defaults to loopback names on any port.
    behind_proxy trusts X-Forwarded-Proto and X-Forwarded-For from a reverse proxy.
    """
    store = store if store is not None else Store()
    if api_key is not None:
        store.ensure_api_key(api_key, DEFAULT_TENANT)
    app = web.Application(
        middlewares=[
            host_check(allowed_hosts if allowed_hosts is not None else HostAllowlist()),
            harden,
            _require_api_key,
        ]
    )
    app[STORE] = store
    app[BEHIND_PROXY] = behind_proxy
    app.cleanup_ctx.append(_resources)
    app.router.add_get("/v1/health", _health)
    app.router.add_post("/v1/sites", _register_site)
    app.router.add_post("/v1/alerts", _create_alert)
    app.router.add_post("/v1/alerts/{alert_id}/events", _add_event)
    app.router.add_get("/v1/alerts/{alert_id}", _get_alert)
    app.router.add_get("/", _home)
    responder_page.add_routes(app.router)
    return app
