"""Typed async client for the Volunteer Dispatch API v1.

Free of Home Assistant imports: it takes the caller's aiohttp session (Home Assistant injects
its shared one) so it can be used and tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
import ipaddress
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from yarl import URL

DEFAULT_TIMEOUT_S = 10.0

# Plain HTTP is allowed only where traffic never leaves this machine (contract: "HTTPS; plain
# HTTP only for loopback/test").
_LOOPBACK_NAMES = frozenset({"localhost"})


class DispatchError(Exception):
    """Base class for every failure talking to the dispatch service."""


class InvalidServiceUrlError(DispatchError):
    """The service URL cannot be used."""


class InsecureServiceUrlError(InvalidServiceUrlError):
    """Plain HTTP to a host other than this machine."""


class DispatchConnectionError(DispatchError):
    """The service could not be reached or is temporarily failing; worth retrying."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        """Keep the service's Retry-After, in seconds, when it gave one."""
        super().__init__(message)
        self.retry_after_s = retry_after_s


class DispatchAuthError(DispatchError):
    """The API key was refused (401/403)."""


class DispatchResponseError(DispatchError):
    """The service answered with something that breaks the contract; retrying will not help."""


@dataclass(frozen=True, slots=True)
class Health:
    """Answer of GET /v1/health."""

    service: str
    version: str


@dataclass(frozen=True, slots=True)
class Site:
    """Answer of POST /v1/sites: who this installation is to the service."""

    site_id: str
    webhook_secret: str


@dataclass(frozen=True, slots=True)
class Alert:
    """The service's view of an alert."""

    alert_id: str
    status: str
    outcome: str | None
    responder: str | None


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise DispatchResponseError(f"response lacks {key}")
    return value


def _alert(body: dict[str, Any]) -> Alert:
    responder = body.get("responder")
    outcome = body.get("outcome")
    return Alert(
        alert_id=_text(body, "alert_id"),
        status=_text(body, "status"),
        outcome=outcome if isinstance(outcome, str) else None,
        responder=responder.get("display_name") if isinstance(responder, dict) else None,
    )


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delay in seconds, or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except TypeError, ValueError:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def normalize_service_url(raw: str) -> str:
    """Return the canonical form of a service base URL, or raise InvalidServiceUrlError.

    The canonical form (lower-case scheme and host, no trailing slash, no query) is also what
    identifies a site, so the same service typed two ways is recognised as a duplicate.
    """
    try:
        parts = urlsplit(raw.strip())
        host = parts.hostname
        port = parts.port
    except ValueError as err:
        raise InvalidServiceUrlError(str(err)) from err
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host or parts.query or parts.fragment:
        raise InvalidServiceUrlError(raw)
    if parts.username or parts.password:
        # Credentials belong in the API key field, never in a URL that may be displayed.
        raise InvalidServiceUrlError(raw)
    if scheme == "http" and not _is_loopback(host):
        raise InsecureServiceUrlError(raw)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", ""))


class DispatchClient:
    """Client for one dispatch service, authenticated with one site's API key."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        api_key: str,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        """Bind the client to a service; base_url must be normalized already."""
        self._session = session
        self._base = URL(base_url)
        self._api_key = api_key
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def health(self) -> Health:
        """Check the service is up and accepts our key."""
        body = await self._request("GET", "/v1/health")
        service, version = body.get("service"), body.get("version")
        if (
            body.get("status") != "ok"
            or not isinstance(service, str)
            or not isinstance(version, str)
        ):
            raise DispatchResponseError("health response does not follow the contract")
        return Health(service=service, version=version)

    async def register_site(
        self, name: str, callback_url: str | None, language: str, timezone: str
    ) -> Site:
        """Register this installation (POST /v1/sites)."""
        body = await self._request(
            "POST",
            "/v1/sites",
            {
                "name": name,
                "callback_url": callback_url,
                "language": language,
                "timezone": timezone,
            },
        )
        return Site(site_id=_text(body, "site_id"), webhook_secret=_text(body, "webhook_secret"))

    async def create_alert(self, request: dict[str, Any], idempotency_key: str) -> Alert:
        """Create an alert; repeating the key returns the same alert (POST /v1/alerts)."""
        return _alert(await self._request("POST", "/v1/alerts", request, idempotency_key))

    async def post_event(
        self, alert_id: str, request: dict[str, Any], idempotency_key: str
    ) -> Alert:
        """Add an event to an alert (POST /v1/alerts/{id}/events)."""
        path = f"/v1/alerts/{alert_id}/events"
        return _alert(await self._request("POST", path, request, idempotency_key))

    async def get_alert(self, alert_id: str) -> Alert:
        """Read an alert's status (GET /v1/alerts/{id})."""
        return _alert(await self._request("GET", f"/v1/alerts/{alert_id}"))

    async def _request(
        self,
        method: str,
        path: str,
        json: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        url = self._base.with_path(self._base.path.rstrip("/") + path)
        headers = {"Authorization": f"Bearer {self._api_key}", "Accept": "application/json"}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        try:
            async with self._session.request(
                method, url, headers=headers, json=json, timeout=self._timeout
            ) as resp:
                if resp.status in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN):
                    raise DispatchAuthError(f"{method} {path}: {resp.status}")
                if resp.status in (HTTPStatus.REQUEST_TIMEOUT, HTTPStatus.TOO_MANY_REQUESTS) or (
                    resp.status >= HTTPStatus.INTERNAL_SERVER_ERROR
                ):
                    raise DispatchConnectionError(
                        f"{method} {path}: {resp.status}",
                        _retry_after(resp.headers.get("Retry-After")),
                    )
                if resp.status >= HTTPStatus.BAD_REQUEST:
                    raise DispatchResponseError(f"{method} {path}: {resp.status}")
                body = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as err:
            raise DispatchConnectionError(f"{method} {path}: {err!r}") from err
        except ValueError as err:
            raise DispatchResponseError(f"{method} {path}: body is not JSON") from err
        if not isinstance(body, dict):
            raise DispatchResponseError(f"{method} {path}: body is not a JSON object")
        return body
