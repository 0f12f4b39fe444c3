"""What a status from the dispatch service means for the station. Pure policy."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import re
from typing import Final

from .engine.events import Outcome

# Statuses that mean a volunteer has the alert.
TAKEN: Final = frozenset({"acknowledged", "en_route", "on_scene"})
# Said in the room and shown in Home Assistant when the service names nobody usable.
SOMEONE: Final = "A dispatch volunteer"
_NAME_LIMIT = 40
# A phone number or an address has no place in an entity or in speech.
_PERSONAL = re.compile(r"@|(?:\d[\s().+-]*){5,}")


class Reaction(StrEnum):
    """What the site does with a status."""

    ATTENDING = "attending"  # a responder took it (acknowledge in the engine)
    CLOSED = "closed"  # resolved with an outcome
    NOBODY_COMING = "nobody_coming"  # cancelled or failed: Home Assistant's responders carry on
    NOTHING = "nothing"  # open, or a status this version does not know


@dataclass(frozen=True, slots=True)
class StatusMeaning:
    """A status read against the contract."""

    reaction: Reaction
    outcome: Outcome | None = None
    # The event entity's event type, when the status has one of its own.
    event: str | None = None
    # The fallback group hears of it now (the service could not send anyone).
    tell_fallback: bool = False


def meaning(status: str, outcome: str | None) -> StatusMeaning:
    """Read a status (and a resolved alert's outcome)."""
    if status in TAKEN:
        return StatusMeaning(Reaction.ATTENDING, event=None if status == "acknowledged" else status)
    if status == "resolved":
        try:
            closed = Outcome(outcome) if outcome else Outcome.OTHER
        except ValueError:
            closed = Outcome.OTHER
        return StatusMeaning(Reaction.CLOSED, outcome=closed)
    if status in ("cancelled", "failed"):
        return StatusMeaning(
            Reaction.NOBODY_COMING, event=f"dispatch_{status}", tell_fallback=status == "failed"
        )
    return StatusMeaning(Reaction.NOTHING)


def display_name(raw: object) -> str:
    """A responder's name as the room hears it: never a number or an address."""
    if not isinstance(raw, str):
        return SOMEONE
    name = " ".join(raw.split())[:_NAME_LIMIT]
    if not name or _PERSONAL.search(name):
        return SOMEONE
    return name
