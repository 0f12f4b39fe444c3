"""What a station shares, with whom and when, derived from its configuration.

The page a person reads to know exactly what happens with their information. Pure. It names
kinds of details ("your address and access notes") and counts people; it never holds the
details, nor the responders' names or numbers, so it can show on a shared screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from .engine.config import StationConfig
from .words.sharing import Part, Shared, how_many, listed, part, shared_text

_WHO = {
    "dispatch": Part.DISPATCH,
    "first_responders": Part.FIRST_RESPONDERS,
    "staff": Part.STAFF,
}


class _Say(Protocol):
    """A line in the page's language (what what_is_shared passes its helpers)."""

    def __call__(self, line: Shared, **values: object) -> str: ...


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and its lines."""

    heading: str
    lines: tuple[str, ...]


def what_is_shared(
    config: StationConfig, people: Mapping[str, int], language: str
) -> list[Section]:
    """The page for one station; `people` counts the site's responder groups."""

    def say(line: Shared, **values: object) -> str:
        return shared_text(language, line, **values)

    def group(piece: Part, name: str) -> str:
        return part(language, piece, None if name == "dispatch" else people.get(name, 0))

    plan, timers = config.rescue_plan, config.timers
    who = listed(language, [group(_WHO[g], g) for g in plan.groups if g in _WHO])
    return [
        Section(say(Shared.NOTICES), tuple(_notices(config, say))),
        Section(
            say(Shared.BEFORE),
            (
                say(Shared.NOTHING_LEAVES),
                say(Shared.ALERT_STARTS, who=who, label=config.label),
            ),
        ),
        Section(say(Shared.RELEASE), tuple(_release(config, people, who, language))),
        Section(say(Shared.OFFLINE), tuple(_offline(config, people, say))),
        Section(
            say(Shared.EMERGENCY),
            (
                say(
                    Shared.EMERGENCY_ALLOWED
                    if plan.call_emergency_services
                    else Shared.EMERGENCY_NEVER
                ),
            ),
        ),
        Section(
            say(Shared.PAUSE),
            (
                *([say(Shared.PAUSE_BUTTON)] if config.help_button else []),
                say(Shared.PAUSE_ENDS, minutes=round(timers.auto_resume.total_seconds() / 60))
                if timers.auto_resume.total_seconds() > 0
                else say(Shared.PAUSE_STAYS),
            ),
        ),
        Section(
            say(Shared.DEVICES),
            (
                say(
                    Shared.DEVICE_CONTACTS,
                    count=how_many(language, people.get("health_contacts", 0)),
                ),
            ),
        ),
    ]


def _notices(config: StationConfig, say: _Say) -> list[str]:
    timers = config.timers
    lines = [say(Shared.HELP_BUTTON if config.help_button else Shared.ANSWER_BUTTON)]
    if config.check_in:
        lines.append(
            say(
                Shared.CHECK_INS,
                answer=round(timers.answer_window.total_seconds()),
                countdown=round(timers.countdown.total_seconds()),
            )
        )
    if config.room_sensing:
        lines.append(say(Shared.RADAR))
        if config.has_door:
            lines.append(say(Shared.DOOR))
    lines.append(say(Shared.VOICE))
    return lines


def _release(
    config: StationConfig, people: Mapping[str, int], who: str, language: str
) -> list[str]:
    location, contacts = config.release.location, config.release.contacts
    details = [
        *([part(language, Part.ADDRESS)] if location.address or location.access_notes else []),
        *([part(language, Part.CONTACTS, len(contacts))] if contacts else []),
        *([part(language, Part.NOTES)] if config.rescue_plan.notes else []),
    ]
    if not details:
        return [shared_text(language, Shared.NO_DETAILS_SET)]
    release_on_help = config.help_button and config.release_on_help
    when = Shared.RELEASE_COUNTDOWN_OR_HELP if release_on_help else Shared.RELEASE_COUNTDOWN
    lines = [shared_text(language, when, who=who, details=listed(language, details))]
    if config.help_button and not config.release_on_help:
        lines.append(shared_text(language, Shared.HELP_KEEPS_DETAILS))
    if people.get("fallback", 0):
        lines.append(
            shared_text(
                language,
                Shared.FALLBACK,
                count=people["fallback"],
                reminder=config.fallback_at_reminder,
            )
        )
    return lines


def _offline(config: StationConfig, people: Mapping[str, int], say: _Say) -> list[str]:
    local = people.get("local_fallback", 0)
    lines = [say(Shared.LOCAL_FALLBACK, count=local) if local else say(Shared.NO_LOCAL_FALLBACK)]
    if "dispatch" in config.rescue_plan.groups:
        lines.append(say(Shared.QUEUED))
    return lines
