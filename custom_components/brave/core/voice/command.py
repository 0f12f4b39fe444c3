"""What a person can ask of their station by voice."""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    """One request; its sentences are in en.py, fr.py and es.py."""

    # "I'm okay": answers a prompt like an answer gesture.
    OK = "ok"
    # "Start a check-in", "check on me every ten minutes".
    CHECK_IN = "check_in"
    STOP_CHECK_IN = "stop_check_in"
    # "Pause monitoring", "pause for twenty minutes".
    PAUSE = "pause"
    RESUME = "resume"
    # "Call for help": always a help request, even during a prompt.
    HELP = "help"


# Slots the sentences may carry (hassil wildcards): a number of minutes or hours, and a room.
MINUTES = "minutes"
HOURS = "hours"
ROOM = "room"
