"""What people say in Spanish (hassil templates: `[optional]`, `(a|b)`, `{slot}`).

Written with and without accents, as speech-to-text spells them either way.
"""

from __future__ import annotations

from .command import Command

_WATCH = "[la|el] (vigilancia|supervisión|supervision|monitoreo)"
_CHECK = "[un|el|mi] (control|chequeo|seguimiento)"
_ASK = "(revisa|revísame|revisame|pregúntame|preguntame)"
_HOW_I_AM = "(cómo estoy|como estoy)"
# `<duration>` in a sentence stands for each of these (one sentence per unit).
MINUTES = "{minutes} (minuto|minutos|min)"
HOURS = "[{hours}] (hora|horas)"
_EVERY = "cada <duration>"
_FOR = "(por|durante|de) <duration>"
_START = "(empieza|empezar|inicia|iniciar|comienza|comenzar)"

SENTENCES: dict[Command, tuple[str, ...]] = {
    Command.OK: (
        "[sí|si] (estoy bien|todo bien|sigo bien|estoy ok|estoy okay)",
        "[sí|si] todo (está|esta) bien",
        "sigo (aquí|aqui)",
    ),
    Command.CHECK_IN: (
        f"{_START} {_CHECK}",
        f"{_ASK} {_HOW_I_AM}",
        f"{_ASK} [{_HOW_I_AM}] {_EVERY}",
        f"{_START} {_CHECK} {_EVERY}",
    ),
    Command.STOP_CHECK_IN: (
        f"(termina|terminar|detén|deten|detener|para|parar|cancela|cancelar) {_CHECK}",
        "deja de revisarme",
    ),
    Command.PAUSE: (
        f"(pausa|pausar) {_WATCH}",
        f"pon {_WATCH} en pausa",
        f"(pausa|pausar) [{_WATCH}] {_FOR}",
        f"pon {_WATCH} en pausa {_FOR}",
    ),
    Command.RESUME: (
        f"(reanuda|reanudar|reactiva|reactivar|continúa|continua|continuar) {_WATCH}",
        "ya (volví|volvi)",
    ),
    Command.HELP: (
        "(ayuda|ayúdame|ayudame|auxilio|socorro)",
        "(necesito|quiero) ayuda",
        "(llama|llamen|llamar|pide|pidan|pedir) [a] (ayuda|alguien)",
        "(no estoy bien|estoy mal)",
    ),
}

ROOM_SUFFIX = "(en|desde) {room}"

EXAMPLES: dict[Command, str] = {
    Command.OK: "estoy bien en {room}",
    Command.CHECK_IN: "inicia un control en {room}",
    Command.STOP_CHECK_IN: "termina el control en {room}",
    Command.PAUSE: "pausa la vigilancia en {room}",
    Command.RESUME: "reanuda la vigilancia en {room}",
    Command.HELP: "pide ayuda en {room}",
}
