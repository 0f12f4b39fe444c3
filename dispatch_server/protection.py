"""Checks every request passes: the Host allowlist, same-origin form posts, safe headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import ipaddress

from aiohttp import hdrs, web
from aiohttp.typedefs import Middleware
from yarl import URL

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})


def error(status: int, code: str, message: str) -> web.Response:
    """The contract's error body."""
    return web.json_response({"error": code, "message": message}, status=status)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(slots=True)
class HostAllowlist:
    """The Host header values the server answers.

    With no list (the Python API's default, for tests) any loopback name on any port is fine:
    a page elsewhere cannot make a browser send those (DNS rebinding sends the attacker's name).
    """

    hosts: set[str] | None = None

    def allow_bound(self, host: str, port: int) -> None:
        """Add the address the server listens on, and the loopback names when it is loopback."""
        assert self.hosts is not None
        name = f"[{host}]" if ":" in host else host
        self.hosts.add(f"{name}:{port}".lower())
        if _is_loopback(host):
            self.hosts.update(f"{loopback}:{port}" for loopback in LOOPBACK_NAMES)

    def allows(self, host: str) -> bool:
        """Whether a Host header value is one of ours."""
        host = host.lower()
        if self.hosts is not None:
            return host in self.hosts
        name = host if host.endswith("]") else host.rsplit(":", 1)[0]
        return name in LOOPBACK_NAMES


def scheme(request: web.Request, behind_proxy: bool) -> str:
    """The scheme the browser sees (from the proxy's X-Forwarded-Proto if trusted)."""
    if behind_proxy and (forwarded := request.headers.get("X-Forwarded-Proto")):
        return forwarded.split(",")[0].strip().lower()
    return request.scheme


def remote(request: web.Request, behind_proxy: bool) -> str | None:
    """The client's address (the proxy's X-Forwarded-For's last hop if trusted)."""
    if behind_proxy and (forwarded := request.headers.get("X-Forwarded-For")):
        return forwarded.split(",")[-1].strip()
    return request.remote


def same_origin(request: web.Request, behind_proxy: bool) -> bool:
    """Whether a form post comes from our own pages, by Origin or else Referer.

    A request with neither (not a browser) still needs the CSRF token.
    """
    ours = f"{scheme(request, behind_proxy)}://{request.headers.get(hdrs.HOST, '')}".lower()
    if (origin := request.headers.get(hdrs.ORIGIN)) is not None:
        return origin.lower() == ours
    if (referer := request.headers.get(hdrs.REFERER)) is not None:
        try:
            return str(URL(referer).origin()).lower() == ours
        except ValueError:
            return False
    return True


def host_check(hosts: HostAllowlist) -> Middleware:
    """Middleware refusing a Host that is not ours, before anything else runs."""

    @web.middleware
    async def _check_host(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not hosts.allows(request.headers.get(hdrs.HOST, "")):
            return error(421, "wrong_host", "this server does not answer for that host name")
        return await handler(request)

    return _check_host


_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Not "no-referrer": with it, browsers send `Origin: null` on form posts, and the origin
    # check would refuse every sign-in. Within the desk the referrer stays; it never leaves.
    "Referrer-Policy": "same-origin",
    # Alerts and pages carry personal details: no cache keeps a copy.
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


@web.middleware
async def harden(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Headers every answer carries (a page sets its own Content-Security-Policy)."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        for name, value in _HEADERS.items():
            exc.headers.setdefault(name, value)
        raise
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)
    return response
