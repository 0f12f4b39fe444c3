"""What is said in the room, in the site's language. Plain, calm and non-judgmental."""

from __future__ import annotations

from enum import StrEnum


class RoomMessage(StrEnum):
    """Things a station says in the room."""

    PROMPT = "prompt"
    COUNTDOWN = "countdown"
    ANSWERED = "answered"
    HELP_CALLED = "help_called"
    RESPONDER_COMING = "responder_coming"


_TEXTS: dict[str, dict[RoomMessage, str]] = {
    "en": {
        RoomMessage.PROMPT: "Checking in. Are you okay? Press your button to let us know.",
        RoomMessage.COUNTDOWN: (
            "No answer yet. Help will be called in {seconds} seconds. Press your button to stop it."
        ),
        RoomMessage.ANSWERED: "Thanks. Nobody is being called.",
        RoomMessage.HELP_CALLED: "Help has been called and is on the way.",
        RoomMessage.RESPONDER_COMING: "{responder} is on the way.",
    },
    "fr": {
        RoomMessage.PROMPT: (
            "Petite vérification. Ça va ? Appuyez sur votre bouton pour nous le dire."
        ),
        RoomMessage.COUNTDOWN: (
            "Pas encore de réponse. On appelle de l'aide dans {seconds} secondes. "
            "Appuyez sur votre bouton pour arrêter."
        ),
        RoomMessage.ANSWERED: "Merci. Personne n'est appelé.",
        RoomMessage.HELP_CALLED: "De l'aide a été appelée et arrive.",
        RoomMessage.RESPONDER_COMING: "{responder} arrive.",
    },
    "es": {
        RoomMessage.PROMPT: (
            "Solo para saber cómo está. ¿Todo bien? Presione su botón para avisarnos."
        ),
        RoomMessage.COUNTDOWN: (
            "Todavía no hay respuesta. Se pedirá ayuda en {seconds} segundos. "
            "Presione su botón para detenerlo."
        ),
        RoomMessage.ANSWERED: "Gracias. No se llamará a nadie.",
        RoomMessage.HELP_CALLED: "Se pidió ayuda y ya viene en camino.",
        RoomMessage.RESPONDER_COMING: "{responder} viene en camino.",
    },
}


def room_text(language: str, message: RoomMessage, **values: object) -> str:
    """The message in the language, or English when the language is not offered."""
    return _TEXTS.get(language, _TEXTS["en"])[message].format(**values)
