"""What people say in English (hassil templates: `[optional]`, `(a|b)`, `{slot}`).

Every sentence is also heard followed by ROOM_SUFFIX (the room named). `<duration>` is a number
of minutes or of hours (MINUTES, HOURS), as words or digits. Sentences stay clear of Home
Assistant's own: bare "pause" stays the media player's.
"""

from __future__ import annotations

from .command import Command

_I_AM = "(i am|i'm|im)"
_OK_WORD = "(okay|ok|fine|alright|all right|good)"
_CHECK_IN = "(check in|check-in|checkin|check ins|check-ins|checkins)"
_MONITORING = "[my|the] monitoring"
# `<duration>` in a sentence stands for each of these (one sentence per unit).
MINUTES = "{minutes} (minute|minutes|min|mins)"
HOURS = "[{hours}] (hour|hours)"

SENTENCES: dict[Command, tuple[str, ...]] = {
    Command.OK: (
        f"[yes|yeah] [{_I_AM}] [still|doing] {_OK_WORD}",
        "all good",
        f"{_I_AM} still here",
    ),
    Command.CHECK_IN: (
        f"(start|begin) [a|the|my] {_CHECK_IN} [session]",
        "[start|keep] check[ing] on me",
        "[start|keep] check[ing] on me every <duration>",
        f"(start|begin) [a|the|my] {_CHECK_IN} [session] every <duration>",
        "check in [on me|with me] every <duration>",
    ),
    Command.STOP_CHECK_IN: (
        f"(stop|end|cancel) [a|the|my] {_CHECK_IN} [session]",
        "stop checking on me",
    ),
    Command.PAUSE: (
        f"pause {_MONITORING}",
        "pause brave",
        f"(turn off|stop) {_MONITORING}",
        f"pause [{_MONITORING}] for <duration>",
    ),
    Command.RESUME: (
        f"(resume|restart|unpause) {_MONITORING}",
        f"(turn on|start) {_MONITORING} [again]",
        f"turn {_MONITORING} back on",
        f"{_I_AM} back",
    ),
    Command.HELP: (
        "help [me]",
        "[please] (call|get|send) [for] (help|someone|somebody)",
        "i need (help|someone|somebody)",
        f"{_I_AM} not {_OK_WORD}",
    ),
}

ROOM_SUFFIX = "(in|at|from) {room}"

# How to name the room, per request (said when the room is not known).
EXAMPLES: dict[Command, str] = {
    Command.OK: "I'm okay in {room}",
    Command.CHECK_IN: "start a check-in in {room}",
    Command.STOP_CHECK_IN: "stop the check-in in {room}",
    Command.PAUSE: "pause monitoring in {room}",
    Command.RESUME: "resume monitoring in {room}",
    Command.HELP: "call for help in {room}",
}
