"""The "what's shared" page in plain words: what a station notices, who learns what, and when.

Never the details themselves: it says "your address and access notes", not the address.
"""

from __future__ import annotations

from enum import StrEnum

from . import pick


class Shared(StrEnum):
    """Headings and lines of the page."""

    TITLE = "title"
    NOTICES = "notices"
    HELP_BUTTON = "help_button"
    ANSWER_BUTTON = "answer_button"
    CHECK_INS = "check_ins"
    RADAR = "radar"
    DOOR = "door"
    VOICE = "voice"
    BEFORE = "before"
    NOTHING_LEAVES = "nothing_leaves"
    ALERT_STARTS = "alert_starts"
    RELEASE = "release"
    RELEASE_COUNTDOWN = "release_countdown"
    RELEASE_COUNTDOWN_OR_HELP = "release_countdown_or_help"
    HELP_KEEPS_DETAILS = "help_keeps_details"
    NO_DETAILS_SET = "no_details_set"
    FALLBACK = "fallback"
    OFFLINE = "offline"
    LOCAL_FALLBACK = "local_fallback"
    NO_LOCAL_FALLBACK = "no_local_fallback"
    QUEUED = "queued"
    EMERGENCY = "emergency"
    EMERGENCY_ALLOWED = "emergency_allowed"
    EMERGENCY_NEVER = "emergency_never"
    PAUSE = "pause"
    PAUSE_BUTTON = "pause_button"
    PAUSE_ENDS = "pause_ends"
    PAUSE_STAYS = "pause_stays"
    DEVICES = "devices"
    DEVICE_CONTACTS = "device_contacts"


class Part(StrEnum):
    """Pieces that go into the lines: who, and which details."""

    DISPATCH = "dispatch"
    FIRST_RESPONDERS = "first_responders"
    STAFF = "staff"
    FALLBACK_GROUP = "fallback_group"
    ADDRESS = "address"
    CONTACTS = "contacts"
    NOTES = "notes"
    AND = "and"
    NONE_SET = "none_set"


_TEXTS: dict[str, dict[Shared, str]] = {
    "en": {
        Shared.TITLE: "What is shared, with whom, and when",
        Shared.NOTICES: "What this station notices",
        Shared.HELP_BUTTON: "Your button: each press calls for help.",
        Shared.ANSWER_BUTTON: "Your button: a press answers a check-in.",
        Shared.CHECK_INS: (
            "Check-ins you start: whether you answer within {answer} seconds. If not, a "
            "{countdown}-second countdown starts, and you can stop it."
        ),
        Shared.RADAR: (
            "A radar: whether someone is in the room and moving. It has no camera and no "
            "microphone."
        ),
        Shared.DOOR: "The door: open or closed.",
        Shared.VOICE: (
            "Voice: if you talk to a voice assistant, Brave only gets the request you said."
        ),
        Shared.BEFORE: "While all is well",
        Shared.NOTHING_LEAVES: "Nothing leaves this Home Assistant.",
        Shared.ALERT_STARTS: (
            "When an alert starts, {who} learn only the room's name ({label}), the kind of "
            "alert and the times."
        ),
        Shared.RELEASE: "When help is needed",
        Shared.RELEASE_COUNTDOWN: (
            "If you don't answer and the countdown ends, {who} also get {details}."
        ),
        Shared.RELEASE_COUNTDOWN_OR_HELP: (
            "When you call for help, or if you don't answer and the countdown ends, {who} also "
            "get {details}."
        ),
        Shared.HELP_KEEPS_DETAILS: (
            "When you call for help, only the room's name goes: you chose to keep your details "
            "here then."
        ),
        Shared.NO_DETAILS_SET: (
            "No address, contact or note is set, so only the room's name ever goes."
        ),
        Shared.FALLBACK: (
            "If nobody answers, the backup group ({count}) hears it at reminder {reminder}, "
            "with the same details."
        ),
        Shared.OFFLINE: "If the internet or the dispatch service is down",
        Shared.LOCAL_FALLBACK: (
            "People in the building ({count}) hear the alert instead, with the same details. "
            "A speaker says only the room's name."
        ),
        Shared.NO_LOCAL_FALLBACK: (
            "Nobody in the building is set up to hear alerts while the internet is down."
        ),
        Shared.QUEUED: ("The alert waits here and reaches the dispatch service once it is back."),
        Shared.EMERGENCY: "Emergency services",
        Shared.EMERGENCY_ALLOWED: "Your plan lets responders call emergency services.",
        Shared.EMERGENCY_NEVER: "Your plan says emergency services are never called.",
        Shared.PAUSE: "When you pause",
        Shared.PAUSE_BUTTON: "Nothing is watched, but your button still calls for help.",
        Shared.PAUSE_ENDS: "A pause ends by itself after {minutes} minutes.",
        Shared.PAUSE_STAYS: "A pause lasts until you turn monitoring back on.",
        Shared.DEVICES: "Device problems",
        Shared.DEVICE_CONTACTS: (
            "If a device needs attention (a low battery, say), the device contacts ({count}) "
            "learn which device, never anything about you."
        ),
    },
    "fr": {
        Shared.TITLE: "Ce qui est partagé, avec qui et quand",
        Shared.NOTICES: "Ce que cette station remarque",
        Shared.HELP_BUTTON: "Votre bouton : chaque appui demande de l'aide.",
        Shared.ANSWER_BUTTON: "Votre bouton : un appui répond à une vérification.",
        Shared.CHECK_INS: (
            "Les vérifications que vous lancez : si vous répondez en {answer} secondes. Sinon, "
            "un compte à rebours de {countdown} secondes commence, et vous pouvez l'arrêter."
        ),
        Shared.RADAR: (
            "Un radar : si quelqu'un est dans la pièce et bouge. Il n'a ni caméra ni micro."
        ),
        Shared.DOOR: "La porte : ouverte ou fermée.",
        Shared.VOICE: (
            "La voix : si vous parlez à un assistant vocal, Brave ne reçoit que la demande "
            "que vous avez dite."
        ),
        Shared.BEFORE: "Tant que tout va bien",
        Shared.NOTHING_LEAVES: "Rien ne quitte ce Home Assistant.",
        Shared.ALERT_STARTS: (
            "Quand une alerte commence, {who} apprennent seulement le nom de la pièce ({label}), "
            "le type d'alerte et les heures."
        ),
        Shared.RELEASE: "Quand il faut de l'aide",
        Shared.RELEASE_COUNTDOWN: (
            "Si vous ne répondez pas et que le compte à rebours se termine, {who} reçoivent "
            "aussi {details}."
        ),
        Shared.RELEASE_COUNTDOWN_OR_HELP: (
            "Quand vous demandez de l'aide, ou si vous ne répondez pas et que le compte à "
            "rebours se termine, {who} reçoivent aussi {details}."
        ),
        Shared.HELP_KEEPS_DETAILS: (
            "Quand vous demandez de l'aide, seul le nom de la pièce part : vous avez choisi de "
            "garder vos informations ici à ce moment-là."
        ),
        Shared.NO_DETAILS_SET: (
            "Aucune adresse, aucun contact ni aucune note n'est saisi : seul le nom de la "
            "pièce part."
        ),
        Shared.FALLBACK: (
            "Si personne ne répond, le groupe de secours ({count}) est averti au rappel "
            "{reminder}, avec les mêmes informations."
        ),
        Shared.OFFLINE: "Si Internet ou le service de répartition est coupé",
        Shared.LOCAL_FALLBACK: (
            "Des personnes dans le bâtiment ({count}) sont averties à la place, avec les mêmes "
            "informations. Un haut-parleur ne dit que le nom de la pièce."
        ),
        Shared.NO_LOCAL_FALLBACK: (
            "Personne dans le bâtiment n'est prévu pour entendre les alertes quand Internet "
            "est coupé."
        ),
        Shared.QUEUED: (
            "L'alerte attend ici et parvient au service de répartition dès son retour."
        ),
        Shared.EMERGENCY: "Services d'urgence",
        Shared.EMERGENCY_ALLOWED: (
            "Votre plan permet aux intervenants d'appeler les services d'urgence."
        ),
        Shared.EMERGENCY_NEVER: "Votre plan dit que les services d'urgence ne sont jamais appelés.",
        Shared.PAUSE: "Quand vous mettez en pause",
        Shared.PAUSE_BUTTON: "Rien n'est surveillé, mais votre bouton demande toujours de l'aide.",
        Shared.PAUSE_ENDS: "Une pause se termine d'elle-même après {minutes} minutes.",
        Shared.PAUSE_STAYS: "Une pause dure jusqu'à ce que vous relanciez le suivi.",
        Shared.DEVICES: "Problèmes d'appareils",
        Shared.DEVICE_CONTACTS: (
            "Si un appareil a besoin d'attention (une pile faible, par exemple), les contacts "
            "des appareils ({count}) apprennent lequel, jamais rien sur vous."
        ),
    },
    "es": {
        Shared.TITLE: "Qué se comparte, con quién y cuándo",
        Shared.NOTICES: "Lo que nota esta estación",
        Shared.HELP_BUTTON: "Su botón: cada pulsación pide ayuda.",
        Shared.ANSWER_BUTTON: "Su botón: una pulsación responde a una revisión.",
        Shared.CHECK_INS: (
            "Las revisiones que usted inicia: si responde en {answer} segundos. Si no, empieza "
            "una cuenta regresiva de {countdown} segundos que usted puede detener."
        ),
        Shared.RADAR: (
            "Un radar: si hay alguien en el cuarto y si se mueve. No tiene cámara ni micrófono."
        ),
        Shared.DOOR: "La puerta: abierta o cerrada.",
        Shared.VOICE: (
            "La voz: si habla con un asistente de voz, Brave solo recibe lo que usted pidió."
        ),
        Shared.BEFORE: "Mientras todo está bien",
        Shared.NOTHING_LEAVES: "Nada sale de este Home Assistant.",
        Shared.ALERT_STARTS: (
            "Cuando empieza una alerta, {who} solo saben el nombre del cuarto ({label}), el "
            "tipo de alerta y las horas."
        ),
        Shared.RELEASE: "Cuando se necesita ayuda",
        Shared.RELEASE_COUNTDOWN: (
            "Si no responde y la cuenta regresiva termina, {who} también reciben {details}."
        ),
        Shared.RELEASE_COUNTDOWN_OR_HELP: (
            "Cuando pide ayuda, o si no responde y la cuenta regresiva termina, {who} también "
            "reciben {details}."
        ),
        Shared.HELP_KEEPS_DETAILS: (
            "Cuando pide ayuda, solo sale el nombre del cuarto: usted eligió guardar sus datos "
            "aquí en ese momento."
        ),
        Shared.NO_DETAILS_SET: (
            "No hay dirección, contacto ni nota, así que solo sale el nombre del cuarto."
        ),
        Shared.FALLBACK: (
            "Si nadie responde, el grupo de respaldo ({count}) recibe el aviso en el "
            "recordatorio {reminder}, con los mismos datos."
        ),
        Shared.OFFLINE: "Si internet o el servicio de despacho no funciona",
        Shared.LOCAL_FALLBACK: (
            "Personas en el edificio ({count}) reciben la alerta en su lugar, con los mismos "
            "datos. Un altavoz solo dice el nombre del cuarto."
        ),
        Shared.NO_LOCAL_FALLBACK: (
            "Nadie en el edificio está configurado para oír alertas cuando no hay internet."
        ),
        Shared.QUEUED: ("La alerta espera aquí y llega al servicio de despacho en cuanto vuelva."),
        Shared.EMERGENCY: "Servicios de emergencia",
        Shared.EMERGENCY_ALLOWED: ("Su plan permite que se llame a los servicios de emergencia."),
        Shared.EMERGENCY_NEVER: "Su plan dice que nunca se llama a los servicios de emergencia.",
        Shared.PAUSE: "Cuando hace una pausa",
        Shared.PAUSE_BUTTON: "No se vigila nada, pero su botón sigue pidiendo ayuda.",
        Shared.PAUSE_ENDS: "Una pausa termina sola después de {minutes} minutos.",
        Shared.PAUSE_STAYS: "Una pausa dura hasta que vuelva a activar el monitoreo.",
        Shared.DEVICES: "Problemas de dispositivos",
        Shared.DEVICE_CONTACTS: (
            "Si un dispositivo necesita atención (una batería baja, por ejemplo), los "
            "contactos de dispositivos ({count}) saben cuál, nunca nada sobre usted."
        ),
    },
}

_PARTS: dict[str, dict[Part, str]] = {
    "en": {
        Part.DISPATCH: "the volunteer dispatch service",
        Part.FIRST_RESPONDERS: "your first responders ({count})",
        Part.STAFF: "staff ({count})",
        Part.FALLBACK_GROUP: "the backup group ({count})",
        Part.ADDRESS: "your address and access notes",
        Part.CONTACTS: "your contacts ({count})",
        Part.NOTES: "your notes for responders",
        Part.AND: "and",
        Part.NONE_SET: "nobody set yet",
    },
    "fr": {
        Part.DISPATCH: "le service de répartition bénévole",
        Part.FIRST_RESPONDERS: "vos premiers intervenants ({count})",
        Part.STAFF: "le personnel ({count})",
        Part.FALLBACK_GROUP: "le groupe de secours ({count})",
        Part.ADDRESS: "votre adresse et vos consignes d'accès",
        Part.CONTACTS: "vos contacts ({count})",
        Part.NOTES: "vos notes pour les intervenants",
        Part.AND: "et",
        Part.NONE_SET: "personne pour l'instant",
    },
    "es": {
        Part.DISPATCH: "el servicio de despacho voluntario",
        Part.FIRST_RESPONDERS: "sus primeros socorristas ({count})",
        Part.STAFF: "el personal ({count})",
        Part.FALLBACK_GROUP: "el grupo de respaldo ({count})",
        Part.ADDRESS: "su dirección y notas de acceso",
        Part.CONTACTS: "sus contactos ({count})",
        Part.NOTES: "sus notas para quien responda",
        Part.AND: "y",
        Part.NONE_SET: "nadie todavía",
    },
}


def shared_text(language: str, line: Shared, **values: object) -> str:
    """A heading or line of the page in the language (English when not offered)."""
    return pick(_TEXTS, language)[line].format(**values)


def part(language: str, piece: Part, count: int | None = None) -> str:
    """Who or what, with how many people when it is a group."""
    return pick(_PARTS, language)[piece].format(count=how_many(language, count))


def how_many(language: str, count: int | None) -> str:
    """A number of people, or "nobody set yet" for none."""
    return pick(_PARTS, language)[Part.NONE_SET] if count == 0 else str(count)


def listed(language: str, items: list[str]) -> str:
    """Items joined as a sentence says them: "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {pick(_PARTS, language)[Part.AND]} {items[-1]}"
