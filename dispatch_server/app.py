"""The reference server's aiohttp application."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import hmac

from aiohttp import web

SERVICE_NAME = "Brave reference dispatch"
VERSION = "1.0.0"

API_KEY: web.AppKey[str] = web.AppKey("api_key", str)

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


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "service": SERVICE_NAME, "version": VERSION})


def create_app(api_key: str) -> web.Application:
    """Build the server application accepting one API key."""
    app = web.Application(middlewares=[_require_api_key])
    app[API_KEY] = api_key
    app.router.add_get("/v1/health", _health)
    return app
