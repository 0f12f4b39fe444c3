"""Contract request bodies built from engine effects, and their idempotency keys.

Keys are derived, not random: the same step of the same alert always has the same key, so a
step repeated after a restart can never create a second alert or event at the service.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
import uuid

from .engine.effects import AlertClosed, DoorOpened, Escalate, MorePresses, OccupantOk, SendAlert
from .notices import AlertEvent

_NAMESPACE = uuid.UUID("7d3f6a52-9a8e-4c1e-b0a6-3f1b1b2e5c11")


def idempotency_key(site_id: str, alert_key: str, step: str) -> str:
    """The key of one write for one alert."""
    return str(uuid.uuid5(_NAMESPACE, f"{site_id}/{alert_key}/{step}"))


def alert_request(
    site_id: str, station_id: str, label: str, language: str, effect: SendAlert
) -> dict[str, Any]:
    """POST /v1/alerts body. Location, contacts and notes only when the engine released them."""
    return {
        "site_id": site_id,
        "station": {"id": station_id, "label": label},
        "kind": effect.trigger.value,
        "urgency": effect.urgency.value,
        "started_at": effect.started_at.isoformat(),
        "details": dict(effect.details),
        "language": language,
        "location": None if effect.location is None else asdict(effect.location),
        "contacts": None
        if effect.contacts is None
        else [{"name": c.name, "phone": c.phone, "role": c.role.value} for c in effect.contacts],
        "rescue_plan": {
            "call_emergency_services": effect.call_emergency_services,
            "notes": effect.notes,
        },
    }


def event_request(effect: AlertEvent) -> tuple[str, dict[str, Any]]:
    """The step name (for the idempotency key) and POST /v1/alerts/{id}/events body."""
    at = effect.at.isoformat()
    match effect:
        case Escalate(step=step, reminder=n):
            return f"{step.value}-{n}", {"type": "reminder", "at": at, "note": f"{step.value} {n}"}
        case MorePresses(presses=presses, urgency=urgency):
            body = {"type": "escalated", "at": at, "note": f"{presses} presses"}
            return f"presses-{presses}-{urgency.value}", body
        case OccupantOk():
            return "occupant_ok", {"type": "occupant_ok", "at": at}
        case DoorOpened():
            return f"door_opened-{at}", {"type": "door_opened", "at": at}
        case AlertClosed(outcome=outcome):
            return "resolved", {"type": "resolved", "at": at, "outcome": outcome.value}
