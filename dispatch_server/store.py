"""In-memory state of the reference server: sites, alerts and what was received."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
import secrets
from typing import Any


def now_iso() -> str:
    """The server's clock, RFC 3339 with offset."""
    return datetime.now(UTC).isoformat()


@dataclass(slots=True)
class Received:
    """One write the server accepted, for tests and the responder page."""

    at: datetime
    method: str
    path: str
    body: dict[str, Any]


@dataclass(slots=True)
class StoredAlert:
    """An alert and its history."""

    alert: dict[str, Any]
    request: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def site_id(self) -> str:
        """The site that raised the alert."""
        return str(self.request["site_id"])


@dataclass(slots=True)
class Store:
    """Everything the server holds."""

    sites: dict[str, dict[str, Any]] = field(default_factory=dict)
    alerts: dict[str, StoredAlert] = field(default_factory=dict)
    # Idempotency-Key -> response body, per path.
    replies: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    # Status updates sent to sites: (callback URL, update, the receiver's status code).
    webhooks: list[tuple[str, dict[str, Any], int | None]] = field(default_factory=list)

    def add_site(self, request: dict[str, Any]) -> dict[str, Any]:
        """Register a site; return its id and webhook secret."""
        site_id = f"site-{secrets.token_hex(6)}"
        reply = {"site_id": site_id, "webhook_secret": secrets.token_urlsafe(32)}
        self.sites[site_id] = {**request, **reply}
        return reply

    def add_alert(self, request: dict[str, Any]) -> dict[str, Any]:
        """Open an alert from a contract request."""
        alert_id = f"alert-{secrets.token_hex(6)}"
        now = now_iso()
        alert = {
            "alert_id": alert_id,
            "status": "open",
            "kind": request["kind"],
            "urgency": request["urgency"],
            "responder": None,
            "outcome": None,
            "created_at": now,
            "updated_at": now,
        }
        self.alerts[alert_id] = StoredAlert(alert=alert, request=request)
        return alert

    def add_event(self, alert_id: str, event: dict[str, Any]) -> dict[str, Any]:
        """Record an event on an alert and apply it to the alert's status."""
        stored = self.alerts[alert_id]
        stored.events.append(event)
        alert = stored.alert
        match event["type"]:
            case "escalated":
                alert["urgency"] = "urgent"
            case "resolved":
                alert["status"] = "resolved"
                alert["outcome"] = event.get("outcome")
            case "cancelled":
                alert["status"] = "cancelled"
        alert["updated_at"] = now_iso()
        return alert

    def set_status(
        self, alert_id: str, status: str, responder: str | None, outcome: str | None
    ) -> dict[str, Any]:
        """A responder changed an alert's status; returns the status update for the site."""
        alert = self.alerts[alert_id].alert
        alert["status"] = status
        if responder:
            alert["responder"] = {"display_name": responder, "eta_s": None}
        if outcome:
            alert["outcome"] = outcome
        alert["updated_at"] = now_iso()
        return {
            "event_id": f"event-{secrets.token_hex(6)}",
            "alert_id": alert_id,
            "status": status,
            "responder": alert["responder"],
            "outcome": alert["outcome"],
            "at": alert["updated_at"],
        }
