"""What people say in French (hassil templates: `[optional]`, `(a|b)`, `{slot}`).

Written with and without accents and hyphens, as speech-to-text spells them either way.
"""

from __future__ import annotations

from .command import Command

_CA_VA = "(ça va|ca va)"
_SUIVI = "[la|le] (surveillance|suivi)"
_VERIFICATION = "(vérification|verification|session de vérification|session de suivi)"
_CHECK = "(vérifie|verifie|surveille|regarde)"
_HOW_I_AM = "(comment je vais|que je vais bien)"
# `<duration>` in a sentence stands for each of these (one sentence per unit).
MINUTES = "{minutes} (minute|minutes|min)"
HOURS = "[{hours}][-](heure|heures)"
_EVERY = "toutes les <duration>"
_FOR = "(pendant|pour|de) <duration>"
_START = "(commence|commencer|démarre|démarrer|demarre|demarrer|lance|lancer)"

SENTENCES: dict[Command, tuple[str, ...]] = {
    Command.OK: (
        f"[oui] (je vais bien|{_CA_VA} [bien]|tout va bien)",
        "[oui] je suis (ok|okay|correct|correcte)",
        "je suis toujours là",
        "je suis toujours la",
    ),
    Command.CHECK_IN: (
        f"{_START} [une|la|ma] {_VERIFICATION}",
        f"{_CHECK} {_HOW_I_AM}",
        f"{_CHECK} [{_HOW_I_AM}] {_EVERY}",
        f"{_START} [une|la|ma] {_VERIFICATION} {_EVERY}",
    ),
    Command.STOP_CHECK_IN: (
        f"(arrête|arrêter|arrete|arreter|termine|terminer|annule|annuler) [la|ma] {_VERIFICATION}",
        "(arrête|arrete) de (vérifier|verifier|me surveiller)",
    ),
    Command.PAUSE: (
        f"(mets|mettre|met) {_SUIVI} en pause",
        "pause (de la surveillance|du suivi)",
        f"(mets|mettre|met) {_SUIVI} en pause {_FOR}",
        f"pause [de la surveillance|du suivi] {_FOR}",
    ),
    Command.RESUME: (
        f"(reprends|reprendre|relance|relancer|réactive|réactiver|reactive|reactiver) {_SUIVI}",
        "je suis de retour",
    ),
    Command.HELP: (
        "(à|a) l'aide",
        "au secours",
        "(aide-moi|aide moi|aidez-moi|aidez moi)",
        "(appelle|appelez|appeler|demande|demander) (à l'aide|a l'aide|de l'aide|quelqu'un)",
        "(appelle|appelez|appeler) les secours",
        "j'ai besoin (d'aide|de quelqu'un)",
        f"(je ne vais pas bien|je vais pas bien|{_CA_VA} pas|ça ne va pas|ca ne va pas)",
    ),
}

ROOM_SUFFIX = "(dans|à|a|depuis) {room}"

EXAMPLES: dict[Command, str] = {
    Command.OK: "ça va dans {room}",
    Command.CHECK_IN: "commence une vérification dans {room}",
    Command.STOP_CHECK_IN: "arrête la vérification dans {room}",
    Command.PAUSE: "mets le suivi en pause dans {room}",
    Command.RESUME: "reprends le suivi dans {room}",
    Command.HELP: "appelle de l'aide dans {room}",
}
