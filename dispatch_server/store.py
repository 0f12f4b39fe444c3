"""Everything the server keeps, in one SQLite file: tenants, keys, sites, alerts, responders.

Each method is one short transaction on the event loop's thread. For a building's server that
is a handful of indexed rows per request (well under a millisecond, plus the write-ahead log's
sync on a write), so a worker thread would add more than it saves; the slow part of signing in,
the password hash, runs in a worker (see responder_page).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import json
import secrets
import sqlite3
from typing import Any
import weakref

from .credentials import digest, hash_password, new_api_key, new_token
from .db import MEMORY, connect

DEFAULT_TENANT = "default"
OPERATOR = "operator"
CLOSED = ("resolved", "cancelled")
SESSION_LIFETIME = timedelta(hours=12)


def now() -> datetime:
    """The server's clock."""
    return datetime.now(UTC)


def stamp(at: datetime) -> str:
    """RFC 3339 with offset, always with microseconds so stored stamps sort as text."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass(slots=True)
class Received:
    """One write this process accepted (kept in memory, for tests and the curious)."""

    at: datetime
    method: str
    path: str
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Step:
    """One line of an alert's history: a site's event or a responder's action."""

    at: datetime
    source: str
    actor: str | None
    body: dict[str, Any]


_ALERTS = (
    "SELECT a.*, s.registration FROM alerts a JOIN sites s ON s.id = a.site_id"
    " JOIN tenants t ON t.id = s.tenant_id"
)


class StoredAlert:
    """A live view of one alert: each read returns what the database holds now."""

    __slots__ = ("_db", "alert_id")

    def __init__(self, db: sqlite3.Connection, alert_id: str) -> None:
        """View the alert alert_id."""
        self._db = db
        self.alert_id = alert_id

    def _row(self) -> sqlite3.Row:
        row: sqlite3.Row = self._db.execute(
            f"{_ALERTS} WHERE a.id = ?", (self.alert_id,)
        ).fetchone()
        return row

    @property
    def alert(self) -> dict[str, Any]:
        """The contract's Alert object."""
        row = self._row()
        return {
            "alert_id": row["id"],
            "status": row["status"],
            "kind": row["kind"],
            "urgency": row["urgency"],
            "responder": None if row["responder"] is None else json.loads(row["responder"]),
            "outcome": row["outcome"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }

    @property
    def request(self) -> dict[str, Any]:
        """The POST /v1/alerts body that opened it."""
        request: dict[str, Any] = json.loads(self._row()["request"])
        return request

    @property
    def timezone(self) -> str | None:
        """The site's time zone, as it registered it."""
        zone: str | None = json.loads(self._row()["registration"]).get("timezone")
        return zone

    @property
    def site_id(self) -> str:
        """The site that raised the alert."""
        return str(self._row()["site_id"])

    @property
    def history(self) -> list[Step]:
        """The site's events and the responders' actions, in order."""
        rows = self._db.execute(
            "SELECT * FROM events WHERE alert_id = ? ORDER BY seq", (self.alert_id,)
        )
        return [
            Step(datetime.fromisoformat(r["at"]), r["source"], r["actor"], json.loads(r["body"]))
            for r in rows
        ]

    @property
    def events(self) -> list[dict[str, Any]]:
        """The site's events (contract bodies), in the order received."""
        return [step.body for step in self.history if step.source == "site"]


@dataclass(frozen=True, slots=True)
class KeyOwner:
    """Who an API key speaks for."""

    key_id: str
    tenant: str


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """An API key as the command line lists it (never the key itself)."""

    key_id: str
    tenant: str
    label: str
    created_at: str
    revoked_at: str | None


@dataclass(frozen=True, slots=True)
class Responder:
    """A responder account; sites is None when they see every site of their tenant."""

    responder_id: int
    name: str
    tenant: str
    sites: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in responder and the session's CSRF token."""

    responder: Responder
    csrf_token: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who did what, when, from where."""

    at: str
    actor: str
    action: str
    alert_id: str | None
    detail: str | None
    remote: str | None


class Store:
    """The server's state in SQLite (a file, or ":memory:" for tests)."""

    def __init__(self, path: str = MEMORY) -> None:
        """Open (and create or migrate) the database at path."""
        self._db = connect(path)
        self._depth = 0
        self._finalizer = weakref.finalize(self, self._db.close)
        self.received: list[Received] = []

    def close(self) -> None:
        """Close the database."""
        self._finalizer()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all (nests)."""
        if self._depth == 0:
            self._db.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self._db.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            self._db.execute("COMMIT")

    def _one(self, sql: str, *params: Any) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._db.execute(sql, params).fetchone()
        return row

    def _tenant_id(self, name: str) -> int:
        with self.transaction():
            self._db.execute(
                "INSERT INTO tenants (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (name, stamp(now())),
            )
            row = self._one("SELECT id FROM tenants WHERE name = ?", name)
        assert row is not None
        return int(row["id"])

    # Audit log.

    def audit(
        self,
        actor: str,
        action: str,
        *,
        alert_id: str | None = None,
        detail: str | None = None,
        remote: str | None = None,
    ) -> None:
        """Append to the audit log."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO audit (at, actor, action, alert_id, detail, remote)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (stamp(now()), actor, action, alert_id, detail, remote),
            )

    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        """The latest entries, oldest first."""
        rows = self._db.execute(
            "SELECT * FROM (SELECT * FROM audit ORDER BY seq DESC LIMIT ?) ORDER BY seq", (limit,)
        )
        return [
            AuditEntry(r["at"], r["actor"], r["action"], r["alert_id"], r["detail"], r["remote"])
            for r in rows
        ]

    # API keys.

    def add_api_key(
        self, tenant: str = DEFAULT_TENANT, label: str = "", key: str | None = None
    ) -> tuple[str, str]:
        """A new key for tenant: its id and the key (shown once, stored only as a digest)."""
        key = key or new_api_key()
        key_id = f"key-{secrets.token_hex(4)}"
        with self.transaction():
            self._db.execute(
                "INSERT INTO api_keys (id, tenant_id, key_sha256, label, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (key_id, self._tenant_id(tenant), digest(key), label, stamp(now())),
            )
            self.audit(OPERATOR, "api_key_added", detail=f"{key_id} for {tenant}")
        return key_id, key

    def ensure_api_key(self, key: str, tenant: str = DEFAULT_TENANT) -> str:
        """Add key unless known: "added", "present" or "revoked" (a revoked key stays so)."""
        row = self._one("SELECT revoked_at FROM api_keys WHERE key_sha256 = ?", digest(key))
        if row is None:
            self.add_api_key(tenant, "given at start", key)
            return "added"
        return "present" if row["revoked_at"] is None else "revoked"

    def revoke_api_key(self, key_id: str) -> bool:
        """Revoke a key at once; False when no such active key."""
        with self.transaction():
            changed = self._db.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (stamp(now()), key_id),
            ).rowcount
            if changed:
                self.audit(OPERATOR, "api_key_revoked", detail=key_id)
        return bool(changed)

    def api_keys(self) -> list[ApiKeyInfo]:
        """Every key, oldest first."""
        rows = self._db.execute(
            "SELECT k.*, t.name AS tenant FROM api_keys k JOIN tenants t ON t.id = k.tenant_id"
            " ORDER BY k.created_at, k.id"
        )
        return [
            ApiKeyInfo(r["id"], r["tenant"], r["label"], r["created_at"], r["revoked_at"])
            for r in rows
        ]

    def key_owner(self, key: str) -> KeyOwner | None:
        """Who an active key belongs to, or None."""
        row = self._one(
            "SELECT k.id, t.name FROM api_keys k JOIN tenants t ON t.id = k.tenant_id"
            " WHERE k.key_sha256 = ? AND k.revoked_at IS NULL",
            digest(key),
        )
        return None if row is None else KeyOwner(row["id"], row["name"])

    # Sites.

    def add_site(self, request: dict[str, Any], tenant: str = DEFAULT_TENANT) -> dict[str, Any]:
        """Register a site for tenant; return its id and webhook secret."""
        site_id = f"site-{secrets.token_hex(6)}"
        secret = secrets.token_urlsafe(32)
        with self.transaction():
            self._db.execute(
                "INSERT INTO sites (id, tenant_id, registration, callback_url, webhook_secret,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    site_id,
                    self._tenant_id(tenant),
                    _json(request),
                    request.get("callback_url"),
                    secret,
                    stamp(now()),
                ),
            )
        return {"site_id": site_id, "webhook_secret": secret}

    _SITES = "SELECT s.*, t.name AS tenant FROM sites s JOIN tenants t ON t.id = s.tenant_id"

    @staticmethod
    def _site(row: sqlite3.Row) -> dict[str, Any]:
        return {
            **json.loads(row["registration"]),
            "site_id": row["id"],
            "webhook_secret": row["webhook_secret"],
            "callback_url": row["callback_url"],
            "tenant": row["tenant"],
        }

    @property
    def sites(self) -> dict[str, dict[str, Any]]:
        """Every site: its registration with its id, secret, callback URL and tenant."""
        rows = self._db.execute(f"{self._SITES} ORDER BY s.rowid")
        return {r["id"]: self._site(r) for r in rows}

    def site(self, site_id: str) -> dict[str, Any] | None:
        """One site, as in sites."""
        row = self._one(f"{self._SITES} WHERE s.id = ?", site_id)
        return None if row is None else self._site(row)

    def set_callback_url(self, site_id: str, url: str | None) -> None:
        """Where the site's status updates go from now on."""
        with self.transaction():
            self._db.execute("UPDATE sites SET callback_url = ? WHERE id = ?", (url, site_id))

    def site_belongs_to(self, site_id: str, tenant: str) -> bool:
        """Whether the site exists and is tenant's."""
        return (
            self._one(
                "SELECT 1 FROM sites s JOIN tenants t ON t.id = s.tenant_id"
                " WHERE s.id = ? AND t.name = ?",
                site_id,
                tenant,
            )
            is not None
        )

    # Alerts.

    def add_alert(self, request: dict[str, Any]) -> dict[str, Any]:
        """Open an alert from a contract request."""
        alert_id = f"alert-{secrets.token_hex(6)}"
        at = stamp(now())
        with self.transaction():
            self._db.execute(
                "INSERT INTO alerts (id, site_id, request, status, kind, urgency, created_at,"
                " updated_at) VALUES (?, ?, ?, 'open', ?, ?, ?, ?)",
                (
                    alert_id,
                    request["site_id"],
                    _json(request),
                    request["kind"],
                    request["urgency"],
                    at,
                    at,
                ),
            )
        alert = self.alert(alert_id)
        assert alert is not None
        return alert.alert

    def alert(self, alert_id: str, tenant: str | None = None) -> StoredAlert | None:
        """One alert, if it exists (and, given a tenant, belongs to one of its sites)."""
        row = self._one(
            f"{_ALERTS} WHERE a.id = ? AND (? IS NULL OR t.name = ?)",
            alert_id,
            tenant,
            tenant,
        )
        return None if row is None else StoredAlert(self._db, alert_id)

    @property
    def alerts(self) -> dict[str, StoredAlert]:
        """Every alert, oldest first."""
        rows = self._db.execute("SELECT id FROM alerts ORDER BY seq").fetchall()
        return {r["id"]: StoredAlert(self._db, r["id"]) for r in rows}

    def visible_alerts(self, responder: Responder) -> list[StoredAlert]:
        """The open alerts of the sites a responder may see, oldest first."""
        rows = self._db.execute(
            f"{_ALERTS} WHERE t.name = ? AND a.status NOT IN (?, ?) AND (? OR a.site_id IN"  # noqa: S608
            " (SELECT site_id FROM responder_sites WHERE responder_id = ?)) ORDER BY a.seq",
            (responder.tenant, *CLOSED, responder.sites is None, responder.responder_id),
        ).fetchall()
        return [StoredAlert(self._db, r["id"]) for r in rows]

    def may_see(self, responder: Responder, alert: StoredAlert) -> bool:
        """Whether an alert is one of the responder's sites'."""
        if responder.sites is not None:
            return alert.site_id in responder.sites
        return self.site_belongs_to(alert.site_id, responder.tenant)

    def _append(
        self, alert_id: str, source: str, actor: str | None, body: dict[str, Any], at: str
    ) -> None:
        self._db.execute(
            "INSERT INTO events (alert_id, source, actor, body, at) VALUES (?, ?, ?, ?, ?)",
            (alert_id, source, actor, _json(body), at),
        )

    def add_event(self, alert_id: str, event: dict[str, Any]) -> dict[str, Any]:
        """Record a site's event on an alert and apply it to the alert's status."""
        at = stamp(now())
        with self.transaction():
            self._append(alert_id, "site", None, event, at)
            match event["type"]:
                case "escalated":
                    self._db.execute(
                        "UPDATE alerts SET urgency = 'urgent' WHERE id = ?", (alert_id,)
                    )
                case "resolved":
                    self._db.execute(
                        "UPDATE alerts SET status = 'resolved', outcome = ? WHERE id = ?",
                        (event.get("outcome"), alert_id),
                    )
                case "cancelled":
                    self._db.execute(
                        "UPDATE alerts SET status = 'cancelled' WHERE id = ?", (alert_id,)
                    )
            self._db.execute("UPDATE alerts SET updated_at = ? WHERE id = ?", (at, alert_id))
        alert = self.alert(alert_id)
        assert alert is not None
        return alert.alert

    def set_status(
        self, alert_id: str, status: str, responder: str | None, outcome: str | None
    ) -> dict[str, Any]:
        """A responder changed an alert's status; returns the status update for the site."""
        at = stamp(now())
        with self.transaction():
            if responder:
                self._db.execute(
                    "UPDATE alerts SET responder = ? WHERE id = ?",
                    (_json({"display_name": responder, "eta_s": None}), alert_id),
                )
            if outcome:
                self._db.execute("UPDATE alerts SET outcome = ? WHERE id = ?", (outcome, alert_id))
            self._db.execute(
                "UPDATE alerts SET status = ?, updated_at = ? WHERE id = ?",
                (status, at, alert_id),
            )
            self._append(alert_id, "responder", responder, {"type": status, "outcome": outcome}, at)
        stored = self.alert(alert_id)
        assert stored is not None
        alert = stored.alert
        return {
            "event_id": f"event-{secrets.token_hex(6)}",
            "alert_id": alert_id,
            "status": status,
            "responder": alert["responder"],
            "outcome": alert["outcome"],
            "at": alert["updated_at"],
        }

    # Webhook deliveries.

    def record_delivery(
        self, alert_id: str, url: str, update: dict[str, Any], code: int | None
    ) -> None:
        """A status update sent to a site, and the receiver's answer (None: unreachable)."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO deliveries (alert_id, url, body, status, at) VALUES (?, ?, ?, ?, ?)",
                (alert_id, url, _json(update), code, stamp(now())),
            )

    @property
    def webhooks(self) -> list[tuple[str, dict[str, Any], int | None]]:
        """Status updates sent to sites: (callback URL, update, the receiver's status code)."""
        rows = self._db.execute("SELECT url, body, status FROM deliveries ORDER BY seq")
        return [(r["url"], json.loads(r["body"]), r["status"]) for r in rows]

    # Idempotency.

    def replay(self, tenant: str, path: str, key: str) -> tuple[str, dict[str, Any]] | None:
        """An earlier write's body digest and reply under this key, if any."""
        row = self._one(
            "SELECT i.body_sha256, i.reply FROM idempotency i JOIN tenants t ON t.id = i.tenant_id"
            " WHERE t.name = ? AND i.path = ? AND i.key = ?",
            tenant,
            path,
            key,
        )
        return None if row is None else (row["body_sha256"], json.loads(row["reply"]))

    def remember(
        self, tenant: str, path: str, key: str, body_sha256: str, reply: dict[str, Any]
    ) -> None:
        """Keep a write's reply for repeats of its key."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO idempotency (tenant_id, path, key, body_sha256, reply, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (self._tenant_id(tenant), path, key, body_sha256, _json(reply), stamp(now())),
            )

    # Responders.

    def _responder(self, row: sqlite3.Row) -> Responder:
        sites = None
        if not row["all_sites"]:
            sites = tuple(
                r["site_id"]
                for r in self._db.execute(
                    "SELECT site_id FROM responder_sites WHERE responder_id = ? ORDER BY site_id",
                    (row["id"],),
                )
            )
        return Responder(row["id"], row["name"], row["tenant"], sites)

    _RESPONDERS = (
        "SELECT r.*, t.name AS tenant FROM responders r JOIN tenants t ON t.id = r.tenant_id"
    )

    def set_responder(
        self,
        name: str,
        password: str | None,
        tenant: str = DEFAULT_TENANT,
        sites: list[str] | None = None,
    ) -> Responder:
        """Create or update a responder (sites None: all of tenant's sites)."""
        for site_id in sites or ():
            if not self.site_belongs_to(site_id, tenant):
                raise ValueError(f"{site_id} is not a site of {tenant}")
        hashed = None if password is None else hash_password(password)
        with self.transaction():
            self._db.execute(
                "INSERT INTO responders (tenant_id, name, password_hash, all_sites, created_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET tenant_id ="
                " excluded.tenant_id, password_hash = coalesce(excluded.password_hash,"
                " password_hash), all_sites = excluded.all_sites",
                (self._tenant_id(tenant), name, hashed, sites is None, stamp(now())),
            )
            row = self._one(f"{self._RESPONDERS} WHERE r.name = ?", name)
            assert row is not None
            self._db.execute("DELETE FROM responder_sites WHERE responder_id = ?", (row["id"],))
            self._db.executemany(
                "INSERT INTO responder_sites (responder_id, site_id) VALUES (?, ?)",
                [(row["id"], site_id) for site_id in sites or ()],
            )
            if hashed is not None:
                # A new password ends the sessions the old one opened.
                self._db.execute("DELETE FROM sessions WHERE responder_id = ?", (row["id"],))
            self.audit(OPERATOR, "responder_saved", detail=name)
        return self._responder(row)

    def remove_responder(self, name: str) -> bool:
        """Delete a responder with their sessions and sign-in links."""
        with self.transaction():
            removed = self._db.execute("DELETE FROM responders WHERE name = ?", (name,)).rowcount
            if removed:
                self.audit(OPERATOR, "responder_removed", detail=name)
        return bool(removed)

    def responders(self) -> list[Responder]:
        """Every responder, by name."""
        rows = self._db.execute(f"{self._RESPONDERS} ORDER BY r.name").fetchall()
        return [self._responder(r) for r in rows]

    def sign_in_candidate(self, name: str) -> tuple[Responder | None, str | None]:
        """The responder of that name and their password hash (None, None when unknown)."""
        row = self._one(f"{self._RESPONDERS} WHERE r.name = ?", name)
        if row is None:
            return None, None
        return self._responder(row), row["password_hash"]

    def new_sign_in_link(self, name: str, lifetime: timedelta) -> str | None:
        """A one-time sign-in token for a responder (stored as a digest), or None if unknown."""
        row = self._one("SELECT id FROM responders WHERE name = ?", name)
        if row is None:
            return None
        token = new_token()
        with self.transaction():
            self._db.execute(
                "INSERT INTO sign_in_links (token_sha256, responder_id, expires_at)"
                " VALUES (?, ?, ?)",
                (digest(token), row["id"], stamp(now() + lifetime)),
            )
            self.audit(OPERATOR, "sign_in_link_made", detail=name)
        return token

    def use_sign_in_link(self, token: str) -> Responder | None:
        """The link's responder if it is valid; a link works once."""
        with self.transaction():
            row = self._one(
                f"{self._RESPONDERS} JOIN sign_in_links l ON l.responder_id = r.id"
                " WHERE l.token_sha256 = ? AND l.expires_at > ?",
                digest(token),
                stamp(now()),
            )
            self._db.execute("DELETE FROM sign_in_links WHERE token_sha256 = ?", (digest(token),))
        return None if row is None else self._responder(row)

    def new_session(self, responder: Responder) -> str:
        """Start a session; the token goes in the cookie, only its digest is stored."""
        token = new_token()
        at = now()
        with self.transaction():
            self._db.execute("DELETE FROM sessions WHERE expires_at <= ?", (stamp(at),))
            self._db.execute("DELETE FROM sign_in_links WHERE expires_at <= ?", (stamp(at),))
            self._db.execute(
                "INSERT INTO sessions (token_sha256, responder_id, csrf_token, created_at,"
                " expires_at) VALUES (?, ?, ?, ?, ?)",
                (
                    digest(token),
                    responder.responder_id,
                    new_token(),
                    stamp(at),
                    stamp(at + SESSION_LIFETIME),
                ),
            )
        return token

    def session(self, token: str) -> Session | None:
        """The live session of a cookie's token, or None."""
        row = self._one(
            "SELECT r.*, t.name AS tenant, s.csrf_token FROM responders r"
            " JOIN tenants t ON t.id = r.tenant_id JOIN sessions s ON s.responder_id = r.id"
            " WHERE s.token_sha256 = ? AND s.expires_at > ?",
            digest(token),
            stamp(now()),
        )
        return None if row is None else Session(self._responder(row), row["csrf_token"])

    def end_session(self, token: str) -> None:
        """Sign out."""
        with self.transaction():
            self._db.execute("DELETE FROM sessions WHERE token_sha256 = ?", (digest(token),))

    # Retention.

    def prune(self, before: datetime) -> int:
        """Forget closed alerts last changed before a time, and old idempotency records."""
        cutoff = stamp(before)
        with self.transaction():
            removed = self._db.execute(
                "DELETE FROM alerts WHERE status IN (?, ?) AND updated_at < ?", (*CLOSED, cutoff)
            ).rowcount
            self._db.execute("DELETE FROM idempotency WHERE created_at < ?", (cutoff,))
            self.audit(OPERATOR, "pruned", detail=f"{removed} closed alerts before {cutoff}")
        return removed
