"""What a button drill says: in the room, to staff, and in its report. Plain and calm.

A drill is never an alert: every text says so, and says that a help press still calls for help.
"""

from __future__ import annotations

from enum import StrEnum

from ..drills import DrillReport, Skip
from . import pick


class DrillMessage(StrEnum):
    """Things a drill says."""

    # In the room.
    ASK_GESTURE = "ask_gesture"
    ASK_ANY = "ask_any"
    HEARD = "heard"
    # To the drill's notify targets (staff).
    STAFF_ASK = "staff_ask"
    # The report.
    TITLE = "title"
    ALL_HEARD = "all_heard"
    SOME_NOT_HEARD = "some_not_heard"
    NOTHING_ASKED = "nothing_asked"
    NOT_HEARD = "not_heard"
    UNANSWERED = "unanswered"
    NOT_ASKED = "not_asked"
    SKIPPED = "skipped"
    HELP_CALLED = "help_called"


_TEXTS: dict[str, dict[DrillMessage, str]] = {
    "en": {
        DrillMessage.ASK_GESTURE: (
            "This is a button drill, not an alert: nobody is being called. Please give each "
            "of your buttons an okay press ({gesture}) in the next {minutes} minutes. A help "
            "press still calls for help."
        ),
        DrillMessage.ASK_ANY: (
            "This is a button drill, not an alert: nobody is being called. Please press each "
            "of your buttons once in the next {minutes} minutes."
        ),
        DrillMessage.HEARD: "Thanks, your button works. Nobody is being called.",
        DrillMessage.STAFF_ASK: (
            "Brave button drill: please press each button within {minutes} minutes, with the "
            "okay press (rooms asked: {rooms}). A help press calls for help for real."
        ),
        DrillMessage.TITLE: "Brave drill {number}: buttons heard {heard}/{asked}",
        DrillMessage.ALL_HEARD: "Every button asked for was heard.",
        DrillMessage.SOME_NOT_HEARD: "Not heard: {items}.",
        DrillMessage.NOTHING_ASKED: "No button could be asked for a press.",
        DrillMessage.NOT_HEARD: "{label} ({buttons})",
        DrillMessage.UNANSWERED: "Rooms that did not answer: {labels}.",
        DrillMessage.NOT_ASKED: (
            "Not asked, every press calls for help (check with a test alert): {labels}."
        ),
        DrillMessage.SKIPPED: "Left out (alert in progress or paused): {labels}.",
        DrillMessage.HELP_CALLED: (
            "A help press during the drill went out as a real call for help: {labels}."
        ),
    },
    "fr": {
        DrillMessage.ASK_GESTURE: (
            "Ceci est un exercice des boutons, pas une alerte : personne n'est appelé. "
            "Faites un appui « ça va » ({gesture}) sur chacun de vos boutons dans les "
            "{minutes} prochaines minutes. Un appui d'aide appelle toujours de l'aide."
        ),
        DrillMessage.ASK_ANY: (
            "Ceci est un exercice des boutons, pas une alerte : personne n'est appelé. "
            "Appuyez une fois sur chacun de vos boutons dans les {minutes} prochaines minutes."
        ),
        DrillMessage.HEARD: "Merci, votre bouton fonctionne. Personne n'est appelé.",
        DrillMessage.STAFF_ASK: (
            "Exercice des boutons Brave : appuyez sur chaque bouton d'ici {minutes} minutes, "
            "avec l'appui « ça va » (pièces demandées : {rooms}). Un appui d'aide appelle "
            "vraiment de l'aide."
        ),
        DrillMessage.TITLE: "Exercice Brave {number} : boutons entendus {heard}/{asked}",
        DrillMessage.ALL_HEARD: "Tous les boutons demandés ont été entendus.",
        DrillMessage.SOME_NOT_HEARD: "Pas entendus : {items}.",
        DrillMessage.NOTHING_ASKED: "Aucun bouton n'a pu être demandé.",
        DrillMessage.NOT_HEARD: "{label} ({buttons})",
        DrillMessage.UNANSWERED: "Pièces sans réponse : {labels}.",
        DrillMessage.NOT_ASKED: (
            "Pas demandés, chaque appui appelle de l'aide (vérifiez avec une alerte d'essai) : "
            "{labels}."
        ),
        DrillMessage.SKIPPED: "Laissées de côté (alerte en cours ou pause) : {labels}.",
        DrillMessage.HELP_CALLED: (
            "Un appui d'aide pendant l'exercice est parti comme un vrai appel à l'aide : {labels}."
        ),
    },
    "es": {
        DrillMessage.ASK_GESTURE: (
            "Esto es una prueba de botones, no una alerta: no se llama a nadie. Haga una "
            "pulsación de estoy bien ({gesture}) en cada uno de sus botones en los próximos "
            "{minutes} minutos. Una pulsación de ayuda sigue pidiendo ayuda."
        ),
        DrillMessage.ASK_ANY: (
            "Esto es una prueba de botones, no una alerta: no se llama a nadie. Presione cada "
            "uno de sus botones una vez en los próximos {minutes} minutos."
        ),
        DrillMessage.HEARD: "Gracias, su botón funciona. No se llama a nadie.",
        DrillMessage.STAFF_ASK: (
            "Prueba de botones Brave: presione cada botón en {minutes} minutos, con la "
            "pulsación de estoy bien (cuartos pedidos: {rooms}). Una pulsación de ayuda pide "
            "ayuda de verdad."
        ),
        DrillMessage.TITLE: "Prueba Brave {number}: botones escuchados {heard}/{asked}",
        DrillMessage.ALL_HEARD: "Se escucharon todos los botones pedidos.",
        DrillMessage.SOME_NOT_HEARD: "No escuchados: {items}.",
        DrillMessage.NOTHING_ASKED: "No se pudo pedir ninguna pulsación.",
        DrillMessage.NOT_HEARD: "{label} ({buttons})",
        DrillMessage.UNANSWERED: "Cuartos que no respondieron: {labels}.",
        DrillMessage.NOT_ASKED: (
            "No pedidos, cada pulsación pide ayuda (revíselos con una alerta de prueba): {labels}."
        ),
        DrillMessage.SKIPPED: "Dejados fuera (alerta en curso o pausa): {labels}.",
        DrillMessage.HELP_CALLED: (
            "Una pulsación de ayuda durante la prueba salió como un pedido de ayuda real: {labels}."
        ),
    },
}


# Left out of a drill for a reason worth telling (a station with no buttons is not).
_LEFT_OUT = (Skip.BUSY, Skip.PAUSED)


def drill_text(language: str, message: DrillMessage, **values: object) -> str:
    """One drill text in the language, or English when the language is not offered."""
    return pick(_TEXTS, language)[message].format(**values)


def report_texts(language: str, report: DrillReport) -> tuple[str, str]:
    """The report's title and message: what was heard, what was not, and why."""
    t = pick(_TEXTS, language)
    title = t[DrillMessage.TITLE].format(
        number=report.number, heard=report.heard, asked=report.asked
    )
    missing = [
        t[DrillMessage.NOT_HEARD].format(label=s.label, buttons=", ".join(s.not_heard))
        for s in report.stations
        if s.not_heard
    ]
    lines = [
        t[DrillMessage.NOTHING_ASKED]
        if report.asked == 0
        else t[DrillMessage.SOME_NOT_HEARD].format(items="; ".join(missing))
        if missing
        else t[DrillMessage.ALL_HEARD]
    ]
    groups = (
        (DrillMessage.UNANSWERED, [s.label for s in report.stations if s.prompt_unanswered]),
        (DrillMessage.NOT_ASKED, [s.label for s in report.stations if s.not_asked]),
        (DrillMessage.SKIPPED, [s.label for s in report.stations if s.skipped in _LEFT_OUT]),
        (DrillMessage.HELP_CALLED, [s.label for s in report.stations if s.help_called]),
    )
    lines += [t[message].format(labels=", ".join(labels)) for message, labels in groups if labels]
    return title, " ".join(lines)


def room_ask(language: str, gesture: str | None, minutes: int) -> str:
    """What the room is asked: the okay gesture by name, or any press."""
    if gesture:
        return drill_text(language, DrillMessage.ASK_GESTURE, gesture=gesture, minutes=minutes)
    return drill_text(language, DrillMessage.ASK_ANY, minutes=minutes)
