"""Typed async client for the Volunteer Dispatch API v1.

Free of Home Assistant imports: it takes the caller's aiohttp session (Home Assistant injects
its shared one) so it can be used and tested on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
import ipaddress
import re
from typing import Any, Final, Protocol
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from aiohttp import hdrs
import orjson
from yarl import URL

from ..core.engine.events import Outcome

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

    def __init__(self, message: str, code: str | None = None) -> None:
        """Keep the contract's error code (`{"error": "<code>"}`) when the service gave one."""
        super().__init__(message)
        self.code = code


# The same Idempotency-Key with another body: the service already has a write for this step.
KEY_REUSED: Final = "idempotency_key_reused"


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


# The contract's Alert status values.
ALERT_STATUSES: Final = frozenset(
    {"open", "acknowledged", "en_route", "on_scene", "resolved", "cancelled", "failed"}
)
_OUTCOMES: Final = frozenset(Outcome)

# The outbox never waits longer than its backoff cap (outbox.BACKOFF_CAP_S), so a longer
# Retry-After is worth no more than this.
MAX_RETRY_AFTER_S: Final = 300.0
# Contract bodies are a few hundred bytes; a service that sends more is not followed further.
MAX_RESPONSE_BYTES: Final = 1 << 20
_DELAY_SECONDS = re.compile(r"[0-9]+")  # ASCII only, unlike str.isdigit()

# What a host name may be once IDNA-encoded: dot-separated labels of letters, digits, hyphens
# (underscores too, as private DNS often has them), no label starting or ending with a hyphen.
_LABEL = r"(?!-)[a-z0-9_-]{1,63}(?<!-)"
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_MAX_HOST_NAME = 253


def required_text(body: Mapping[str, Any], key: str) -> str:
    """A required, non-empty string field, or DispatchResponseError."""
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise DispatchResponseError(f"response lacks {key}")
    return value


def _object(body: object) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise DispatchResponseError("body is not a JSON object")
    return body


def decode_body(raw: bytes) -> object:
    """A response body's JSON value, or DispatchResponseError.

    orjson, unlike json, refuses nesting deeper than 1024 levels with a decode error rather
    than a RecursionError, and never yields lone surrogates a secret could not be encoded with.
    """
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise DispatchResponseError("body is not JSON") from err


def parse_health(body: object) -> Health:
    """The answer of GET /v1/health, or DispatchResponseError."""
    body = _object(body)
    if body.get("status") != "ok":
        raise DispatchResponseError("health status is not ok")
    return Health(service=required_text(body, "service"), version=required_text(body, "version"))


def parse_site(body: object) -> Site:
    """The answer of POST /v1/sites, or DispatchResponseError."""
    body = _object(body)
    return Site(
        site_id=required_text(body, "site_id"), webhook_secret=required_text(body, "webhook_secret")
    )


def parse_responder(responder: object) -> str | None:
    """The responder's display name in an Alert or a status update (null: nobody yet)."""
    if responder is None:
        return None
    if not isinstance(responder, dict):
        raise DispatchResponseError("responder is not an object")
    return required_text(responder, "display_name")


def parse_outcome(outcome: object) -> str | None:
    """An Alert's or a status update's outcome, one of the contract's values or null."""
    if outcome is None:
        return None
    if not isinstance(outcome, str) or outcome not in _OUTCOMES:
        raise DispatchResponseError("outcome is not one the contract names")
    return outcome


def parse_status(body: Mapping[str, Any]) -> str:
    """An Alert's or a status update's status, one of the contract's values."""
    status = required_text(body, "status")
    if status not in ALERT_STATUSES:
        raise DispatchResponseError("status is not one the contract names")
    return status


def parse_alert(body: object) -> Alert:
    """An Alert object, or DispatchResponseError when it breaks the contract."""
    body = _object(body)
    return Alert(
        alert_id=required_text(body, "alert_id"),
        status=parse_status(body),
        outcome=parse_outcome(body.get("outcome")),
        responder=parse_responder(body.get("responder")),
    )


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header, within [0, MAX_RETRY_AFTER_S].

    A delay in ASCII digits or an HTTP date; anything else is treated as absent (None), so the
    outbox's own backoff applies.
    """
    if value is None:
        return None
    text = value.strip(" \t")
    if _DELAY_SECONDS.fullmatch(text):
        return min(float(text), MAX_RETRY_AFTER_S)
    if not text.isascii():
        return None
    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)  # "-0000": the time is UTC, the zone unknown
        wait = (when - now).total_seconds()
    except ValueError, TypeError, OverflowError:
        return None
    return min(max(0.0, wait), MAX_RETRY_AFTER_S)


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _canonical_host(host: str) -> str:
    """The host as the canonical URL spells it, or InvalidServiceUrlError when unusable."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        if isinstance(address, ipaddress.IPv6Address):
            if address.scope_id is not None:
                # A zone names an interface of this machine: no address to share with a service.
                raise InvalidServiceUrlError("IPv6 zone")
            return f"[{address}]"
        return str(address)
    try:
        # What aiohttp will send: yarl's IDNA encoding of the name.
        encoded = URL.build(scheme="https", host=host).raw_host or ""
    except ValueError as err:  # UnicodeError included: a name IDNA cannot encode
        raise InvalidServiceUrlError("host name cannot be encoded") from err
    if len(encoded) > _MAX_HOST_NAME or not _HOST_NAME.fullmatch(encoded):
        raise InvalidServiceUrlError("not a host name")
    return host


def normalize_service_url(raw: str) -> str:
    """Return the canonical form of a service base URL, or raise InvalidServiceUrlError.

    The canonical form (lower-case scheme and host, no trailing slash, no query) is also what
    identifies a site, so the same service typed two ways is recognised as a duplicate. Any
    address that cannot be parsed, IDNA-encoded or requested is refused here, so that nothing
    later has to cope with it.
    """
    text = raw.strip()
    if not text.isprintable() or any(ch.isspace() for ch in text):
        # Control and format characters (NUL, right-to-left overrides) and spaces: urlsplit
        # would drop some of them silently, and no usable address has them.
        raise InvalidServiceUrlError("unexpected characters")
    try:
        parts = urlsplit(text)
        host = parts.hostname
        port = parts.port
    except ValueError as err:
        raise InvalidServiceUrlError("cannot be parsed") from err
    scheme = parts.scheme.lower()
    # The messages never quote the address: it may hold a password typed by mistake.
    if scheme not in ("http", "https") or not host or parts.query or parts.fragment:
        raise InvalidServiceUrlError("not http(s), no host, or a query or fragment")
    if parts.username or parts.password:
        # Credentials belong in the API key field, never in a URL that may be displayed.
        raise InvalidServiceUrlError("user name or password in the address")
    if port == 0:
        raise InvalidServiceUrlError("port 0")
    netloc = _canonical_host(host)
    if scheme == "http" and not _is_loopback(host):
        raise InsecureServiceUrlError("plain http to another machine")
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
        return parse_health(await self._request("GET", "/v1/health"))

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
        return parse_site(body)

    async def create_alert(self, request: dict[str, Any], idempotency_key: str) -> Alert:
        """Create an alert; repeating the key returns the same alert (POST /v1/alerts)."""
        return parse_alert(await self._request("POST", "/v1/alerts", request, idempotency_key))

    async def post_event(
        self, alert_id: str, request: dict[str, Any], idempotency_key: str
    ) -> Alert:
        """Add an event to an alert (POST /v1/alerts/{id}/events)."""
        path = f"/v1/alerts/{alert_id}/events"
        return parse_alert(await self._request("POST", path, request, idempotency_key))

    async def get_alert(self, alert_id: str) -> Alert:
        """Read an alert's status (GET /v1/alerts/{id})."""
        return parse_alert(await self._request("GET", f"/v1/alerts/{alert_id}"))

    async def _request(
        self,
        method: str,
        path: str,
        json: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> object:
        """Send one request; the decoded 2xx body, or the DispatchError that fits the answer."""
        url = self._base.with_path(self._base.path.rstrip("/") + path)
        headers = {"Authorization": f"Bearer {self._api_key}", "Accept": "application/json"}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        try:
            # Never follow a redirect: it would re-send the key and the person's details to
            # wherever the Location header points.
            async with self._session.request(
                method,
                url,
                headers=headers,
                json=json,
                timeout=self._timeout,
                allow_redirects=False,
            ) as resp:
                _check_status(method, path, resp)
                raw = await read_at_most(resp.content, MAX_RESPONSE_BYTES)
                if not HTTPStatus.OK <= resp.status < HTTPStatus.MULTIPLE_CHOICES:
                    raise DispatchResponseError(f"{method} {path}: {resp.status}", _error_code(raw))
        except (aiohttp.ClientError, TimeoutError) as err:
            raise DispatchConnectionError(f"{method} {path}: {err!r}") from err
        if raw is None:
            raise DispatchResponseError(f"{method} {path}: body over {MAX_RESPONSE_BYTES} bytes")
        return decode_body(raw)


def _check_status(method: str, path: str, resp: aiohttp.ClientResponse) -> None:
    """Raise the DispatchError for a status other than 2xx."""
    status = resp.status
    if status in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN):
        raise DispatchAuthError(f"{method} {path}: {status}")
    if status in (HTTPStatus.REQUEST_TIMEOUT, HTTPStatus.TOO_MANY_REQUESTS) or (
        status >= HTTPStatus.INTERNAL_SERVER_ERROR
    ):
        retry_after = parse_retry_after(resp.headers.get(hdrs.RETRY_AFTER), datetime.now(UTC))
        raise DispatchConnectionError(f"{method} {path}: {status}", retry_after)
    if HTTPStatus.MULTIPLE_CHOICES <= status < HTTPStatus.BAD_REQUEST:
        # The contract has no redirects.
        raise DispatchResponseError(f"{method} {path}: {status}")


def _error_code(raw: bytes | None) -> str | None:
    """The contract's error code in a 4xx body, when it has a readable one."""
    if raw is None:
        return None
    try:
        body = decode_body(raw)
    except DispatchResponseError:
        return None
    code = body.get("error") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


class Readable(Protocol):
    """A body being received: aiohttp's StreamReader, or Home Assistant's mock of it."""

    async def read(self, n: int = -1, /) -> bytes:
        """Up to n bytes; b"" at the end."""


async def read_at_most(stream: Readable, limit: int) -> bytes | None:
    """The whole body when it is at most `limit` bytes, else None (reading stops there)."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit and (chunk := await stream.read(limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks) if size <= limit else None
