"""What responders receive, in the site's language, and SMS kept to one segment.

Plain and non-judgmental: a safety check for a person, never a verdict about them.
"""

from __future__ import annotations

from enum import StrEnum

from . import pick


class ResponderMessage(StrEnum):
    """Messages to responders."""

    ALERT = "alert"
    REMINDER = "reminder"
    FALLBACK = "fallback"
    FINAL = "final"
    URGENT = "urgent"
    ATTENDING = "attending"
    SURVEY = "survey"
    CLOSED = "closed"
    CANNOT_MONITOR = "cannot_monitor"
    DISPATCH_DOWN = "dispatch_down"
    OCCUPANT_OK = "occupant_ok"


_TEXTS: dict[str, dict[ResponderMessage, str]] = {
    "en": {
        ResponderMessage.ALERT: "{label} needs a SAFETY CHECK ({kind}). On your way? Reply ok.",
        ResponderMessage.REMINDER: "Reminder: {label} still needs a SAFETY CHECK. Reply ok.",
        ResponderMessage.FALLBACK: (
            "{label} needs a SAFETY CHECK and nobody has answered yet. One final alert follows."
        ),
        ResponderMessage.FINAL: "FINAL alert: {label} needs a SAFETY CHECK now. Reply ok.",
        ResponderMessage.URGENT: "URGENT: {label} pressed for help again. Reply ok.",
        ResponderMessage.ATTENDING: "{responder} is attending {label}. Thank you.",
        ResponderMessage.SURVEY: (
            "How did it go at {label}? Reply 1 overdose 2 emergency 3 medical 4 ok "
            "5 empty 6 safer use 7 conflict 9 technical 0 other"
        ),
        ResponderMessage.CLOSED: "{label}: closed ({outcome}). Thank you.",
        ResponderMessage.CANNOT_MONITOR: (
            "{label}: {sensor} stopped reporting during a visit. Please check on the room."
        ),
        ResponderMessage.DISPATCH_DOWN: (
            "{label} needs a SAFETY CHECK ({kind}) and the dispatch service is not answering. "
            "Reply ok."
        ),
        ResponderMessage.OCCUPANT_OK: (
            "{label}: the person there says they are okay. The alert stays open until a "
            "responder closes it."
        ),
    },
    "fr": {
        ResponderMessage.ALERT: (
            "{label} a besoin d'une VÉRIFICATION ({kind}). En route? Répondez ok."
        ),
        ResponderMessage.REMINDER: (
            "Rappel: {label} a toujours besoin d'une VÉRIFICATION. Répondez ok."
        ),
        ResponderMessage.FALLBACK: (
            "{label} a besoin d'une VÉRIFICATION et personne n'a encore répondu. "
            "Une dernière alerte suit."
        ),
        ResponderMessage.FINAL: (
            "ALERTE FINALE: {label} a besoin d'une VÉRIFICATION maintenant. Répondez ok."
        ),
        ResponderMessage.URGENT: "URGENT: {label} a encore demandé de l'aide. Répondez ok.",
        ResponderMessage.ATTENDING: "{responder} s'occupe de {label}. Merci.",
        ResponderMessage.SURVEY: (
            "Comment c'était à {label}? 1 surdose 2 urgence 3 médical 4 ok 5 vide "
            "6 conso à moindre risque 7 conflit 9 technique 0 autre"
        ),
        ResponderMessage.CLOSED: "{label}: terminé ({outcome}). Merci.",
        ResponderMessage.CANNOT_MONITOR: (
            "{label}: {sensor} ne répond plus pendant une visite. Allez voir la pièce."
        ),
        ResponderMessage.DISPATCH_DOWN: (
            "{label} a besoin d'une VÉRIFICATION ({kind}) et le service de répartition "
            "ne répond pas. Répondez ok."
        ),
        ResponderMessage.OCCUPANT_OK: (
            "{label}: la personne dit aller bien. L'alerte reste ouverte jusqu'à sa fermeture "
            "par un intervenant."
        ),
    },
    # SMS keep to GSM characters: Spanish accents other than é would halve the segment.
    "es": {
        ResponderMessage.ALERT: (
            "{label} necesita una REVISION ({kind}). ¿Va en camino? Responda ok."
        ),
        ResponderMessage.REMINDER: (
            "Recordatorio: {label} sigue necesitando una REVISION. Responda ok."
        ),
        ResponderMessage.FALLBACK: (
            "{label} necesita una REVISION y nadie ha respondido. Sigue una ultima alerta."
        ),
        ResponderMessage.FINAL: "ULTIMA alerta: {label} necesita una REVISION ya. Responda ok.",
        ResponderMessage.URGENT: "URGENTE: {label} volvio a pedir ayuda. Responda ok.",
        ResponderMessage.ATTENDING: "{responder} atiende {label}. Gracias.",
        ResponderMessage.SURVEY: (
            "¿Como fue en {label}? 1 sobredosis 2 emergencia 3 médico 4 bien 5 vacio "
            "6 consumo mas seguro 7 conflicto 9 técnico 0 otro"
        ),
        ResponderMessage.CLOSED: "{label}: cerrado ({outcome}). Gracias.",
        ResponderMessage.CANNOT_MONITOR: (
            "{label}: {sensor} dejo de reportar durante una visita. Revise el cuarto."
        ),
        ResponderMessage.DISPATCH_DOWN: (
            "{label} necesita una REVISION ({kind}) y el servicio de despacho no responde. "
            "Responda ok."
        ),
        ResponderMessage.OCCUPANT_OK: (
            "{label}: la persona dice que esta bien. La alerta sigue abierta hasta que "
            "alguien la cierre."
        ),
    },
}

_KINDS: dict[str, dict[str, str]] = {
    "en": {
        "stillness": "no movement",
        "duration": "long stay",
        "help_request": "help button",
        "missed_check_in": "missed check-in",
        "test": "test",
    },
    "fr": {
        "stillness": "aucun mouvement",
        "duration": "long séjour",
        "help_request": "bouton d'aide",
        "missed_check_in": "pas de réponse",
        "test": "test",
    },
    "es": {
        "stillness": "sin movimiento",
        "duration": "estancia larga",
        "help_request": "boton de ayuda",
        "missed_check_in": "sin respuesta",
        "test": "prueba",
    },
}


def kind_word(language: str, kind: str) -> str:
    """An alert kind in plain words."""
    return pick(_KINDS, language).get(kind, kind)


def responder_text(
    language: str, message: ResponderMessage, *, test: bool = False, **values: str
) -> str:
    """A message for responders; test alerts are marked so nobody runs for a drill."""
    texts = pick(_TEXTS, language)
    if "kind" in values:
        values["kind"] = kind_word(language, values["kind"])
    text = texts[message].format(**values)
    return f"[TEST] {text}" if test else text


# Buttons on a responder's phone: take the alert, or close it as okay or empty.
ACTION_TITLES = {
    "en": {"ACK": "On my way", "OK": "Occupant okay", "EMPTY": "Space empty"},
    "fr": {"ACK": "En route", "OK": "La personne va bien", "EMPTY": "Lieu vide"},
    "es": {"ACK": "Voy en camino", "OK": "La persona está bien", "EMPTY": "Lugar vacío"},
}
