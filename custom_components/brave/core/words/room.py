"""What is said in the room, in the site's language. Plain, calm and non-judgmental."""

from __future__ import annotations

from enum import StrEnum

from . import pick


class RoomMessage(StrEnum):
    """Things a station says in the room."""

    PROMPT = "prompt"
    COUNTDOWN = "countdown"
    # On a station whose button calls for help, the button does not answer: say how to.
    PROMPT_HELP_MODE = "prompt_help_mode"
    COUNTDOWN_HELP_MODE = "countdown_help_mode"
    ANSWERED = "answered"
    HELP_CALLED = "help_called"
    TEST_CALLED = "test_called"
    RESPONDER_COMING = "responder_coming"
    PAUSED_FOR = "paused_for"
    PAUSED_UNTIL_RESUMED = "paused_until_resumed"
    # Said after a pause on a station whose button calls for help.
    HELP_ANY_TIME = "help_any_time"
    RESUMED = "resumed"


_TEXTS: dict[str, dict[RoomMessage, str]] = {
    "en": {
        RoomMessage.PROMPT: "Checking in. Are you okay? Press your button to let us know.",
        RoomMessage.COUNTDOWN: (
            "No answer yet. Help will be called in {seconds} seconds. Press your button to stop it."
        ),
        RoomMessage.PROMPT_HELP_MODE: (
            "Checking in. Are you okay? Answer with your okay button or say you are okay. "
            "Your help button calls for help."
        ),
        RoomMessage.COUNTDOWN_HELP_MODE: (
            "No answer yet. Help will be called in {seconds} seconds. Answer with your okay "
            "button to stop it."
        ),
        RoomMessage.ANSWERED: "Thanks. Nobody is being called.",
        RoomMessage.HELP_CALLED: "Help has been called and is on the way.",
        RoomMessage.TEST_CALLED: "This is a test alert. Responders are told it is only a test.",
        RoomMessage.RESPONDER_COMING: "{responder} is on the way.",
        RoomMessage.PAUSED_FOR: "Monitoring paused for {duration}.",
        RoomMessage.PAUSED_UNTIL_RESUMED: "Monitoring paused until you turn it back on.",
        RoomMessage.HELP_ANY_TIME: "Press for help any time.",
        RoomMessage.RESUMED: "Monitoring is back on.",
    },
    "fr": {
        RoomMessage.PROMPT: (
            "Petite vérification. Ça va ? Appuyez sur votre bouton pour nous le dire."
        ),
        RoomMessage.COUNTDOWN: (
            "Pas encore de réponse. On appelle de l'aide dans {seconds} secondes. "
            "Appuyez sur votre bouton pour arrêter."
        ),
        RoomMessage.PROMPT_HELP_MODE: (
            "Petite vérification. Ça va ? Répondez avec votre bouton « ça va » ou dites que ça "
            "va. Votre bouton d'aide appelle de l'aide."
        ),
        RoomMessage.COUNTDOWN_HELP_MODE: (
            "Pas encore de réponse. On appelle de l'aide dans {seconds} secondes. Répondez avec "
            "votre bouton « ça va » pour arrêter."
        ),
        RoomMessage.ANSWERED: "Merci. Personne n'est appelé.",
        RoomMessage.HELP_CALLED: "De l'aide a été appelée et arrive.",
        RoomMessage.TEST_CALLED: (
            "Ceci est une alerte d'essai. Les intervenants savent que c'est seulement un essai."
        ),
        RoomMessage.RESPONDER_COMING: "{responder} arrive.",
        RoomMessage.PAUSED_FOR: "Suivi en pause pendant {duration}.",
        RoomMessage.PAUSED_UNTIL_RESUMED: "Suivi en pause jusqu'à ce que vous le relanciez.",
        RoomMessage.HELP_ANY_TIME: "Appuyez pour de l'aide à tout moment.",
        RoomMessage.RESUMED: "Le suivi a repris.",
    },
    "es": {
        RoomMessage.PROMPT: (
            "Solo para saber cómo está. ¿Todo bien? Presione su botón para avisarnos."
        ),
        RoomMessage.COUNTDOWN: (
            "Todavía no hay respuesta. Se pedirá ayuda en {seconds} segundos. "
            "Presione su botón para detenerlo."
        ),
        RoomMessage.PROMPT_HELP_MODE: (
            "Solo para saber cómo está. ¿Todo bien? Responda con su botón de estoy bien o diga "
            "que está bien. Su botón de ayuda pide ayuda."
        ),
        RoomMessage.COUNTDOWN_HELP_MODE: (
            "Todavía no hay respuesta. Se pedirá ayuda en {seconds} segundos. Responda con su "
            "botón de estoy bien para detenerlo."
        ),
        RoomMessage.ANSWERED: "Gracias. No se llamará a nadie.",
        RoomMessage.HELP_CALLED: "Se pidió ayuda y ya viene en camino.",
        RoomMessage.TEST_CALLED: "Esta es una alerta de prueba. Se avisa que es solo una prueba.",
        RoomMessage.RESPONDER_COMING: "{responder} viene en camino.",
        RoomMessage.PAUSED_FOR: "Monitoreo en pausa por {duration}.",
        RoomMessage.PAUSED_UNTIL_RESUMED: "Monitoreo en pausa hasta que lo vuelva a activar.",
        RoomMessage.HELP_ANY_TIME: "Presione para pedir ayuda en cualquier momento.",
        RoomMessage.RESUMED: "El monitoreo está activo de nuevo.",
    },
}


def room_text(language: str, message: RoomMessage, **values: object) -> str:
    """The message in the language, or English when the language is not offered."""
    return pick(_TEXTS, language)[message].format(**values)


_MINUTES = {
    "en": ("{n} minute", "{n} minutes"),
    "fr": ("{n} minute", "{n} minutes"),
    "es": ("{n} minuto", "{n} minutos"),
}


def minutes_text(language: str, minutes: int) -> str:
    """A number of minutes in words ("1 minute", "20 minutes")."""
    one, many = pick(_MINUTES, language)
    return (one if minutes == 1 else many).format(n=minutes)


def paused_text(language: str, minutes: int | None, *, help_mode: bool) -> str:
    """What the room says when monitoring is paused (for `minutes`, or until resumed)."""
    if minutes is None:
        said = room_text(language, RoomMessage.PAUSED_UNTIL_RESUMED)
    else:
        said = room_text(language, RoomMessage.PAUSED_FOR, duration=minutes_text(language, minutes))
    if help_mode:
        said += " " + room_text(language, RoomMessage.HELP_ANY_TIME)
    return said
