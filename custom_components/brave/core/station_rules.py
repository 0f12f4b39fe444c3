"""The rules every station must meet, whether it comes from the station form or from a file.

A station is checked in its stored form (a subentry's data, docs/organisations.md). Each
problem names its form error (the translation key) and the station-file fields it is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..const import (
    CONF_CHECK_IN,
    CONF_CONTACTS,
    CONF_LIGHT,
    CONF_MEDIA_PLAYER,
    CONF_NO_PROMPT,
    CONF_NOTIFY,
    CONF_PRESENCE,
    CONF_RESPONDER_GROUPS,
    CONF_ROOM_SENSING,
    CONF_TTS,
    SECTION_MODES,
    SECTION_PROMPTS,
    SECTION_RELEASE,
    SECTION_RESCUE_PLAN,
    SECTION_SENSORS,
)
from .stations import InvalidContactsError, parse_contacts


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """A rule a station breaks: the form's error key and the fields concerned."""

    code: str
    fields: tuple[str, ...]


def _section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = data.get(name)
    return section if isinstance(section, Mapping) else {}


def station_problems(data: Mapping[str, Any]) -> list[RuleProblem]:
    """Every rule the station breaks, in the order the form has always checked them."""
    problems: list[RuleProblem] = []
    modes, sensors = _section(data, SECTION_MODES), _section(data, SECTION_SENSORS)
    prompts, plan = _section(data, SECTION_PROMPTS), _section(data, SECTION_RESCUE_PLAN)
    room_sensing = bool(modes.get(CONF_ROOM_SENSING, False))
    if room_sensing and not sensors.get(CONF_PRESENCE):
        problems.append(RuleProblem("presence_required", (CONF_ROOM_SENSING, CONF_PRESENCE)))
    if bool(prompts.get(CONF_TTS)) != bool(prompts.get(CONF_MEDIA_PLAYER)):
        # A voice needs both an engine and a speaker; one alone reaches nobody.
        problems.append(RuleProblem("speaker_incomplete", (CONF_TTS, CONF_MEDIA_PLAYER)))
    elif (
        (bool(modes.get(CONF_CHECK_IN, True)) or room_sensing)
        and not any(prompts.get(key) for key in (CONF_TTS, CONF_LIGHT, CONF_NOTIFY))
        and not prompts.get(CONF_NO_PROMPT)
    ):
        # Check-ins and room sensing ask the occupant first: without a way to ask, every
        # prompt goes unanswered and becomes an alert.
        problems.append(
            RuleProblem(
                "prompt_channel_required",
                (CONF_TTS, CONF_MEDIA_PLAYER, CONF_LIGHT, CONF_NOTIFY, CONF_NO_PROMPT),
            )
        )
    if not plan.get(CONF_RESPONDER_GROUPS):
        problems.append(RuleProblem("responders_required", (CONF_RESPONDER_GROUPS,)))
    try:
        parse_contacts(str(_section(data, SECTION_RELEASE).get(CONF_CONTACTS) or ""))
    except InvalidContactsError:
        problems.append(RuleProblem("invalid_contacts", (CONF_CONTACTS,)))
    return problems
