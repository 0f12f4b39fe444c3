"""What Home Assistant itself shows: its notification while help is called (or a test sent)."""

from __future__ import annotations

from . import pick
from .responders import kind_word

_HELP_CALLED: dict[str, tuple[str, str]] = {
    "en": (
        "Brave: help called for {label}",
        "{label}: help was called ({kind}). This clears when a responder closes the alert.",
    ),
    "fr": (
        "Brave : aide appelée pour {label}",
        (
            "{label} : de l'aide a été appelée ({kind}). Ceci disparaît quand un intervenant "
            "ferme l'alerte."
        ),
    ),
    "es": (
        "Brave: se pidió ayuda para {label}",
        "{label}: se pidió ayuda ({kind}). Esto se borra cuando alguien cierra la alerta.",
    ),
}


# A test alert's notice never says that help was called.
_TEST_SENT: dict[str, tuple[str, str]] = {
    "en": (
        "[TEST] Brave: test alert for {label}",
        (
            "{label}: a test alert was sent. This is not a call for help: responders are told "
            "it is only a test. This clears when the test alert is closed."
        ),
    ),
    "fr": (
        "[ESSAI] Brave : alerte d'essai pour {label}",
        (
            "{label} : une alerte d'essai a été envoyée. Ce n'est pas un appel à l'aide : les "
            "intervenants savent que c'est seulement un essai. Ceci disparaît quand l'alerte "
            "d'essai est fermée."
        ),
    ),
    "es": (
        "[PRUEBA] Brave: alerta de prueba para {label}",
        (
            "{label}: se envió una alerta de prueba. No es un pedido de ayuda: se avisa que es "
            "solo una prueba. Esto se borra cuando se cierra la alerta de prueba."
        ),
    ),
}


def help_called_notification(
    language: str, label: str, kind: str, *, test: bool
) -> tuple[str, str]:
    """Home Assistant's own notice that help was called (or a test sent): title and message."""
    if test:
        title, message = pick(_TEST_SENT, language)
        return title.format(label=label), message.format(label=label)
    title, message = pick(_HELP_CALLED, language)
    words = kind_word(language, kind)
    return title.format(label=label), message.format(label=label, kind=words)
