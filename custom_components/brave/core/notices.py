"""Who hears which step of an alert, and what: pure policy, from an effect and the rescue plan.

Groups are the site's responder groups (first_responders, staff, fallback, health_contacts), in
the order the occupant's plan names them, plus two audiences that depend on the alert's history:
everyone told about it so far, and the responder who took it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, TypeIs

from .engine.effects import (
    AlertClosed,
    CannotMonitor,
    DoorOpened,
    Effect,
    Escalate,
    MorePresses,
    OccupantOk,
    ResponderAttending,
    SendAlert,
    Step,
)
from .words.responders import ResponderMessage

DISPATCH: Final = "dispatch"
FALLBACK: Final = "fallback"
HEALTH: Final = "health_contacts"
# Everyone told about the alert so far; of them, the responder who took it, and the others.
TOLD: Final = "told"
TAKER: Final = "taker"
OTHERS: Final = "others"

# Effects that are events of an alert at the dispatch service.
type AlertEvent = Escalate | MorePresses | OccupantOk | DoorOpened | AlertClosed


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to some audiences."""

    audiences: tuple[str, ...]
    message: ResponderMessage
    # Follow the text with the released location, contacts and notes.
    details: bool = False
    # Phones get the answer buttons; replies refer to this alert.
    actions: bool = False


def plan_groups(groups: tuple[str, ...]) -> tuple[str, ...]:
    """The groups Home Assistant itself alerts (the dispatch service is told apart)."""
    return tuple(g for g in groups if g != DISPATCH)


def notices(effect: Effect, groups: tuple[str, ...]) -> list[Notice]:  # noqa: PLR0911 (one case per effect)
    """What the site's own responders hear of an effect; `groups` is the plan's order."""
    own = plan_groups(groups)
    match effect:
        case SendAlert():
            return [Notice(own, ResponderMessage.ALERT, details=True, actions=True)]
        case Escalate(step=Step.REMINDER):
            return [Notice(own, ResponderMessage.REMINDER, actions=True)]
        case Escalate(step=Step.FALLBACK):
            return [Notice((FALLBACK,), ResponderMessage.FALLBACK, details=True, actions=True)]
        case Escalate(step=Step.FINAL):
            return [Notice((*own, FALLBACK), ResponderMessage.FINAL, details=True, actions=True)]
        case MorePresses():
            return [Notice(own, ResponderMessage.URGENT, actions=True)]
        case OccupantOk():
            return [Notice((TOLD,), ResponderMessage.OCCUPANT_OK)]
        case ResponderAttending():
            return [
                Notice((OTHERS,), ResponderMessage.ATTENDING),
                Notice((TAKER,), ResponderMessage.SURVEY, actions=True),
            ]
        case AlertClosed():
            return [Notice((TOLD,), ResponderMessage.CLOSED)]
        case CannotMonitor():
            return [Notice((HEALTH,), ResponderMessage.CANNOT_MONITOR)]
    return []


def uses_dispatch(groups: tuple[str, ...]) -> bool:
    """Whether the plan calls the dispatch service."""
    return DISPATCH in groups


def is_alert_event(effect: Effect) -> TypeIs[AlertEvent]:
    """Whether the dispatch service hears of the effect as an event of its alert."""
    return isinstance(effect, (Escalate, MorePresses, OccupantOk, DoorOpened, AlertClosed))
