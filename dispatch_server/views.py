"""What the responder page shows of an alert, in plain words (also its JSON endpoint)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
import hashlib
import json
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .store import StoredAlert

OUTCOMES = {
    "overdose": "Overdose",
    "emergency": "Emergency",
    "medical": "Medical",
    "occupant_ok": "Occupant okay",
    "space_empty": "Space empty",
    "safer_use": "Safer use",
    "conflict": "Conflict",
    "test": "Test",
    "technical_issue": "Technical issue",
    "other": "Other",
}
KINDS = {
    "stillness": "No movement",
    "duration": "Long stay",
    "help_request": "Help requested",
    "missed_check_in": "Missed check-in",
    "test": "Test",
}
STATUSES = {
    "open": "Waiting for a responder",
    "acknowledged": "Acknowledged",
    "en_route": "En route",
    "on_scene": "On scene",
    "resolved": "Resolved",
    "cancelled": "Cancelled",
    "failed": "No responder sent",
}
_SITE_EVENTS = {
    "reminder": "Reminder: still waiting for a responder",
    "escalated": "Escalated: now urgent",
    "details_released": "Location and contacts released",
    "occupant_ok": "The occupant said they are okay",
    "door_opened": "The door opened",
    "cancelled": "Cancelled at the site",
    "resolved": "Closed at the site",
}
_ACTIONS = {
    "acknowledged": "{} acknowledged",
    "en_route": "{} is en route",
    "on_scene": "{} is on scene",
    "resolved": "{} resolved it",
    "failed": "No responder could be sent",
}


def _zone(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name) if name else UTC
    except ValueError, ZoneInfoNotFoundError:
        return UTC


def _moment(at: datetime | str, zone: tzinfo) -> dict[str, str]:
    when = datetime.fromisoformat(at) if isinstance(at, str) else at
    return {"at": when.isoformat(), "time": when.astimezone(zone).strftime("%H:%M:%S")}


def _line(at: datetime | str, zone: tzinfo, kind: str, text: str) -> dict[str, str]:
    return {**_moment(at, zone), "kind": kind, "text": text}


_LOCATION_FIELDS = ("label", "address", "unit", "access_notes", "latitude", "longitude")


def _details(
    location: dict[str, Any] | None,
    contacts: list[dict[str, Any]] | None,
    notes: str | None,
    released: dict[str, str],
) -> dict[str, Any]:
    return {
        "location": None
        if location is None
        else {name: location.get(name) for name in _LOCATION_FIELDS},
        "contacts": contacts or [],
        "notes": notes,
        "released": released,
    }


def _with_outcome(text: str, outcome: str | None) -> str:
    return f"{text}: {OUTCOMES[outcome]}" if outcome in OUTCOMES else text


def alert_view(stored: StoredAlert) -> dict[str, Any]:
    """One alert for the page: its state, released details, and history in order."""
    alert, request = stored.alert, stored.request
    zone = _zone(stored.timezone)
    kind = KINDS.get(alert["kind"], alert["kind"])
    history = [_line(alert["created_at"], zone, "raised", f"Alert raised: {kind}")]
    details: dict[str, Any] | None = None
    if request.get("location") is not None or request.get("contacts") is not None:
        details = _details(
            request.get("location"),
            request.get("contacts"),
            (request.get("rescue_plan") or {}).get("notes"),
            _moment(alert["created_at"], zone),
        )
    occupant_ok = None
    for step in stored.history:
        body = step.body
        if step.source == "responder":
            text = _ACTIONS[body["type"]].format(step.actor or "The desk")
            history.append(_line(step.at, zone, body["type"], _with_outcome(text, body["outcome"])))
            continue
        text = _with_outcome(_SITE_EVENTS[body["type"]], body.get("outcome"))
        if note := body.get("note"):
            text = f"{text} ({note})"
        history.append(_line(body["at"], zone, body["type"], text))
        if body["type"] == "occupant_ok":
            occupant_ok = _moment(body["at"], zone)
        elif body["type"] == "details_released":
            earlier = details or {"location": None, "contacts": [], "notes": None}
            details = _details(
                body.get("location") or earlier["location"],
                body.get("contacts") or earlier["contacts"],
                body.get("notes") or earlier["notes"],
                _moment(body["at"], zone),
            )
    responder = alert["responder"]
    return {
        "alert_id": alert["alert_id"],
        "station": request["station"]["label"],
        "kind": kind,
        "began": _moment(request["started_at"], zone),
        "urgent": alert["urgency"] == "urgent",
        "status": alert["status"],
        "status_text": STATUSES[alert["status"]],
        "responder": None if responder is None else responder["display_name"],
        "call_emergency_services": bool(
            (request.get("rescue_plan") or {}).get("call_emergency_services")
        ),
        "occupant_ok": occupant_ok,
        "details": details,
        "history": history,
    }


def version(alerts: list[dict[str, Any]]) -> str:
    """Changes whenever anything on the page would."""
    canonical = json.dumps(alerts, sort_keys=True).encode()
    return hashlib.sha256(canonical).hexdigest()[:16]
