"""The dispatch client over real HTTP, including services that break the contract."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
from aiohttp import web
import pytest

from custom_components.brave.adapters.dispatch_client import (
    MAX_RETRY_AFTER_S,
    DispatchAuthError,
    DispatchClient,
    DispatchConnectionError,
    DispatchError,
    DispatchResponseError,
    Health,
    InsecureServiceUrlError,
    InvalidServiceUrlError,
    normalize_service_url,
)
from custom_components.brave.core.outbox import BACKOFF_CAP_S

from ..conftest import RunningServer, Serve, alert_request

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://Dispatch.Example.org/", "https://dispatch.example.org"),
        ("  https://dispatch.example.org/api/  ", "https://dispatch.example.org/api"),
        ("HTTPS://dispatch.example.org:8443", "https://dispatch.example.org:8443"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://127.9.9.9", "http://127.9.9.9"),
        ("http://localhost:8765/", "http://localhost:8765"),
        ("http://[::1]:8765", "http://[::1]:8765"),
    ],
)
def test_normalize_accepts(raw: str, expected: str) -> None:
    assert normalize_service_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "dispatch.example.org",
        "mailto:desk@example.org",
        "https://dispatch.example.org/?token=x",
        "https://dispatch.example.org/#top",
        "https://key@dispatch.example.org",
        "https://[::1",
    ],
)
def test_normalize_rejects(raw: str) -> None:
    with pytest.raises(InvalidServiceUrlError):
        normalize_service_url(raw)


@pytest.mark.parametrize("raw", ["http://dispatch.example.org", "http://10.0.0.5:8765"])
def test_plain_http_only_on_loopback(raw: str) -> None:
    with pytest.raises(InsecureServiceUrlError):
        normalize_service_url(raw)


async def test_health_against_reference_server(
    session: aiohttp.ClientSession, dispatch_server: RunningServer
) -> None:
    client = DispatchClient(session, dispatch_server.url, dispatch_server.api_key)
    assert await client.health() == Health(service="Brave reference dispatch", version="1.0.0")


async def test_refused_key(session: aiohttp.ClientSession, dispatch_server: RunningServer) -> None:
    client = DispatchClient(session, dispatch_server.url, "wrong")
    with pytest.raises(DispatchAuthError):
        await client.health()


async def test_service_under_a_path_prefix(session: aiohttp.ClientSession, serve: Serve) -> None:
    seen: list[str] = []

    async def health(request: web.Request) -> web.Response:
        seen.append(request.path)
        return web.json_response({"status": "ok", "service": "desk", "version": "1.2.3"})

    app = web.Application()
    app.router.add_get("/org/dispatch/v1/health", health)
    client = DispatchClient(session, f"{await serve(app)}/org/dispatch", "key")
    assert await client.health() == Health(service="desk", version="1.2.3")
    assert seen == ["/org/dispatch/v1/health"]


def _answer(status: int, body: str, content_type: str = "application/json") -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, text=body, content_type=content_type)

    return handler


@pytest.mark.parametrize(
    ("handler", "error"),
    [
        (_answer(403, "{}"), DispatchAuthError),
        (_answer(408, "{}"), DispatchConnectionError),
        (_answer(429, "{}"), DispatchConnectionError),
        (_answer(500, "oops", "text/plain"), DispatchConnectionError),
        (_answer(422, '{"error": "bad", "message": "bad"}'), DispatchResponseError),
        (_answer(200, "<html></html>", "text/html"), DispatchResponseError),
        (_answer(200, "[1, 2]"), DispatchResponseError),
        (_answer(200, '{"status": "ok"}'), DispatchResponseError),
        (
            _answer(200, '{"status": "degraded", "service": "x", "version": "1"}'),
            DispatchResponseError,
        ),
    ],
)
async def test_contract_violations_and_failures(
    session: aiohttp.ClientSession, serve: Serve, handler: Handler, error: type[DispatchError]
) -> None:
    app = web.Application()
    app.router.add_get("/v1/health", handler)
    url = await serve(app)
    with pytest.raises(error):
        await DispatchClient(session, url, "key").health()


async def test_slow_service_times_out(session: aiohttp.ClientSession, serve: Serve) -> None:
    release = asyncio.Event()

    async def stalled(request: web.Request) -> web.Response:
        await release.wait()
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/v1/health", stalled)
    url = await serve(app)
    try:
        with pytest.raises(DispatchConnectionError):
            await DispatchClient(session, url, "key", timeout_s=0.05).health()
    finally:
        release.set()


async def test_alert_round_trip(
    session: aiohttp.ClientSession, dispatch_server: RunningServer
) -> None:
    client = DispatchClient(session, dispatch_server.url, dispatch_server.api_key)
    site = await client.register_site("Home", None, "en", "UTC")
    request = alert_request(site.site_id, "test")
    alert = await client.create_alert(request, "key-1")
    assert alert.status == "open"
    assert alert.responder is None
    again = await client.create_alert(request, "key-1")
    assert again.alert_id == alert.alert_id
    resolved = await client.post_event(
        alert.alert_id,
        {"type": "resolved", "at": "2026-11-27T12:05:00+00:00", "outcome": "test"},
        "key-2",
    )
    assert (resolved.status, resolved.outcome) == ("resolved", "test")
    assert await client.get_alert(alert.alert_id) == resolved


async def test_alert_without_an_id_breaks_the_contract(
    session: aiohttp.ClientSession, serve: Serve
) -> None:
    app = web.Application()
    app.router.add_get("/v1/alerts/a1", _answer(200, '{"status": "open"}'))
    with pytest.raises(DispatchResponseError):
        await DispatchClient(session, await serve(app), "key").get_alert("a1")


# Hardening: the client trusts nothing the service sends beyond what the contract allows.


def _recorder(seen: list[str]) -> web.Application:
    """A server on another origin that records every request it receives."""

    async def record(request: web.Request) -> web.Response:
        seen.append(f"{request.method} {request.path} {await request.text()}")
        return web.json_response({"status": "ok", "service": "elsewhere", "version": "1"})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    return app


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirects_are_never_followed(
    session: aiohttp.ClientSession, serve: Serve, status: int
) -> None:
    seen: list[str] = []
    elsewhere = await serve(_recorder(seen))

    async def redirect(request: web.Request) -> web.Response:
        return web.Response(status=status, headers={"Location": f"{elsewhere}{request.path}"})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", redirect)
    client = DispatchClient(session, await serve(app), "secret-key")
    released = alert_request("site-1") | {
        "location": {"label": "Room 1", "address": "12 Example Street", "access_notes": "1234"},
        "contacts": [{"name": "Alex", "phone": "+15555550123", "role": "friend"}],
    }
    calls = [
        client.health(),
        client.register_site("Home", None, "en", "UTC"),
        client.create_alert(released, "key-1"),
        client.post_event("a1", {"type": "details_released", **released}, "key-2"),
        client.get_alert("a1"),
    ]
    for call in calls:
        with pytest.raises(DispatchResponseError):
            await call
    # Nothing reached the other origin: not the key, not the address, not the door code.
    assert seen == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("1000000000000", MAX_RETRY_AFTER_S),
        ("²", None),  # str.isdigit() says yes; it is no delay
        ("-5", None),
        ("1.5", None),
        (" 30 ", 30.0),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
        ("Fri, 31 Dec 9999 23:59:59 GMT", MAX_RETRY_AFTER_S),
        ("Fri, 31 Dec 9999 23:59:59 -0000", MAX_RETRY_AFTER_S),
        ("soon", None),
        ("", None),
    ],
)
@pytest.mark.parametrize("status", [408, 429, 503])
async def test_retry_after_always_ends_in_a_bounded_wait(
    session: aiohttp.ClientSession,
    serve: Serve,
    header: str,
    expected: float | None,
    status: int,
) -> None:
    async def busy(request: web.Request) -> web.Response:
        # A body that breaks the contract too: a retryable status stays retryable.
        return web.Response(status=status, text="[[[", headers={"Retry-After": header})

    app = web.Application()
    app.router.add_post("/v1/alerts", busy)
    client = DispatchClient(session, await serve(app), "key")
    with pytest.raises(DispatchConnectionError) as failure:
        await client.create_alert(alert_request("site-1"), "key-1")
    assert failure.value.retry_after_s == expected


def test_retry_after_never_exceeds_the_outbox_backoff_cap() -> None:
    assert MAX_RETRY_AFTER_S == BACKOFF_CAP_S


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"status": "open"}', id="no-alert-id"),
        pytest.param(b'{"alert_id": "a1"}', id="no-status"),
        pytest.param(b'{"alert_id": ["a1"], "status": "open"}', id="alert-id-list"),
        pytest.param(b'{"alert_id": "a1", "status": 3}', id="status-number"),
        pytest.param(b'{"alert_id": "a1", "status": "on_fire"}', id="status-unknown"),
        pytest.param(b'{"alert_id": "a1", "status": "open", "responder": "Sam"}', id="responder"),
        pytest.param(
            b'{"alert_id": "a1", "status": "open", "responder": {"eta_s": 4}}', id="responder-name"
        ),
        pytest.param(b'{"alert_id": "a1", "status": "resolved", "outcome": 4}', id="outcome-4"),
        pytest.param(
            b'{"alert_id": "a1", "status": "resolved", "outcome": "great"}', id="outcome-unknown"
        ),
        pytest.param(b"[]", id="list"),
        pytest.param(b"null", id="null"),
        pytest.param(b"", id="empty"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="100000-nested-arrays"),
        pytest.param(b"\xff\xfe", id="not-utf-8"),
        pytest.param(
            b'{"alert_id": "a1", "status": "open", "x": "' + b"y" * (1 << 20) + b'"}',
            id="over-1-MiB",
        ),
    ],
)
async def test_alert_bodies_that_break_the_contract(
    session: aiohttp.ClientSession, serve: Serve, body: bytes
) -> None:
    async def answer(request: web.Request) -> web.Response:
        return web.Response(status=200, body=body, content_type="application/json")

    app = web.Application()
    app.router.add_get("/v1/alerts/a1", answer)
    with pytest.raises(DispatchResponseError):
        await DispatchClient(session, await serve(app), "key").get_alert("a1")
