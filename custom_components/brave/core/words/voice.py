"""What a voice assistant answers a person who asked their station something.

What the room itself says (help called, monitoring paused...) is words/room.py: a spoken
request gets those words back from the voice device instead of from the room's speaker.
"""

from __future__ import annotations

from enum import StrEnum

from . import pick


class VoiceReply(StrEnum):
    """Answers to spoken requests."""

    OK_NOTED = "ok_noted"
    OK_NEXT_CHECK = "ok_next_check"
    # Past the release point: responders were told; someone may still come.
    OK_TOLD = "ok_told"
    CHECK_IN_STARTED = "check_in_started"
    CHECK_IN_CHANGED = "check_in_changed"
    CHECK_IN_RUNNING = "check_in_running"
    CHECK_IN_OFF = "check_in_off"
    CHECK_IN_STOPPED = "check_in_stopped"
    NO_CHECK_IN = "no_check_in"
    NOT_PAUSED = "not_paused"
    HELP_AGAIN = "help_again"
    BAD_DURATION = "bad_duration"
    WHERE = "where"
    NO_SUCH_ROOM = "no_such_room"
    NO_STATION = "no_station"


_TEXTS: dict[str, dict[VoiceReply, str]] = {
    "en": {
        VoiceReply.OK_NOTED: "Thanks, noted that you're okay.",
        VoiceReply.OK_NEXT_CHECK: "Thanks. I'll check on you again in {duration}.",
        VoiceReply.OK_TOLD: (
            "Thanks. Responders are told you're okay; someone may still come to check."
        ),
        VoiceReply.CHECK_IN_STARTED: "Check-ins started. I'll check on you every {duration}.",
        VoiceReply.CHECK_IN_CHANGED: "Okay. I'll check on you every {duration} from now.",
        VoiceReply.CHECK_IN_RUNNING: "Check-ins are already on, every {duration}.",
        VoiceReply.CHECK_IN_OFF: "Check-ins are turned off for {station}.",
        VoiceReply.CHECK_IN_STOPPED: "Check-ins stopped.",
        VoiceReply.NO_CHECK_IN: "There are no check-ins running.",
        VoiceReply.NOT_PAUSED: "Monitoring is already on.",
        VoiceReply.HELP_AGAIN: "Help is already called. Responders are told you asked again.",
        VoiceReply.BAD_DURATION: "Please say a time from 1 to 120 minutes.",
        VoiceReply.WHERE: "Which room are you in? Ask again with its name, like: {example}.",
        VoiceReply.NO_SUCH_ROOM: (
            "I can't find a room called {room}. Ask again with its name, like: {example}."
        ),
        VoiceReply.NO_STATION: "Brave has no station set up yet.",
    },
    "fr": {
        VoiceReply.OK_NOTED: "Merci, c'est noté que ça va.",
        VoiceReply.OK_NEXT_CHECK: "Merci. Prochaine vérification dans {duration}.",
        VoiceReply.OK_TOLD: (
            "Merci. Les intervenants savent que ça va ; quelqu'un peut quand même passer voir."
        ),
        VoiceReply.CHECK_IN_STARTED: "Vérifications lancées, toutes les {duration}.",
        VoiceReply.CHECK_IN_CHANGED: "D'accord. Vérification toutes les {duration} à partir de "
        "maintenant.",
        VoiceReply.CHECK_IN_RUNNING: "Les vérifications sont déjà en cours, toutes les {duration}.",
        VoiceReply.CHECK_IN_OFF: "Les vérifications sont désactivées pour {station}.",
        VoiceReply.CHECK_IN_STOPPED: "Vérifications arrêtées.",
        VoiceReply.NO_CHECK_IN: "Aucune vérification n'est en cours.",
        VoiceReply.NOT_PAUSED: "Le suivi est déjà actif.",
        VoiceReply.HELP_AGAIN: (
            "L'aide est déjà appelée. Les intervenants savent que vous avez redemandé."
        ),
        VoiceReply.BAD_DURATION: "Dites une durée de 1 à 120 minutes.",
        VoiceReply.WHERE: "Dans quelle pièce êtes-vous ? Redemandez avec son nom, par exemple : "
        "{example}.",
        VoiceReply.NO_SUCH_ROOM: (
            "Je ne trouve pas de pièce appelée {room}. Redemandez avec son nom, par exemple : "
            "{example}."
        ),
        VoiceReply.NO_STATION: "Brave n'a encore aucune station.",
    },
    "es": {
        VoiceReply.OK_NOTED: "Gracias, anotado que está bien.",
        VoiceReply.OK_NEXT_CHECK: "Gracias. La próxima revisión es en {duration}.",
        VoiceReply.OK_TOLD: (
            "Gracias. Se avisó que está bien; alguien puede pasar de todos modos a revisar."
        ),
        VoiceReply.CHECK_IN_STARTED: "Revisiones iniciadas, cada {duration}.",
        VoiceReply.CHECK_IN_CHANGED: "De acuerdo. Revisión cada {duration} a partir de ahora.",
        VoiceReply.CHECK_IN_RUNNING: "Las revisiones ya están activas, cada {duration}.",
        VoiceReply.CHECK_IN_OFF: "Las revisiones están desactivadas para {station}.",
        VoiceReply.CHECK_IN_STOPPED: "Revisiones detenidas.",
        VoiceReply.NO_CHECK_IN: "No hay revisiones activas.",
        VoiceReply.NOT_PAUSED: "El monitoreo ya está activo.",
        VoiceReply.HELP_AGAIN: "Ya se pidió ayuda. Se avisó que la pidió de nuevo.",
        VoiceReply.BAD_DURATION: "Diga un tiempo de 1 a 120 minutos.",
        VoiceReply.WHERE: "¿En qué cuarto está? Pídalo de nuevo con su nombre, por ejemplo: "
        "{example}.",
        VoiceReply.NO_SUCH_ROOM: (
            "No encuentro un cuarto llamado {room}. Pídalo de nuevo con su nombre, por "
            "ejemplo: {example}."
        ),
        VoiceReply.NO_STATION: "Brave todavía no tiene ninguna estación.",
    },
}


def voice_text(language: str, reply: VoiceReply, **values: object) -> str:
    """The answer in the language, or English when the language is not offered."""
    return pick(_TEXTS, language)[reply].format(**values)
