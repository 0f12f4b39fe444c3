"""What Home Assistant itself shows: its notification while help is called."""

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


def help_called_notification(
    language: str, label: str, kind: str, *, test: bool
) -> tuple[str, str]:
    """Home Assistant's own notice that help was called: its title and message."""
    title, message = pick(_HELP_CALLED, language)
    words = kind_word(language, kind)
    prefix = "[TEST] " if test else ""
    return prefix + title.format(label=label), message.format(label=label, kind=words)
