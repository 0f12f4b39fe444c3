"""What a person importing a station file is told about it: each problem, where it is."""

from __future__ import annotations

from collections.abc import Iterable

from ..station_file import Problem
from . import pick

_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "syntax": "the file cannot be read ({0})",
        "too_large": "the file is larger than {0} characters",
        "not_a_list": "expected a list of stations",
        "not_a_station": "expected a station's fields, one `name: value` per line",
        "unknown_field": "unknown field",
        "duplicate_field": "given twice (also on line {0})",
        "not_text": "expected a single value",
        "cell_count": "this line has {0} values, the header has {1}",
        "key_required": "every station needs its key",
        "invalid_key": "a key has at most {0} characters and does not start with #",
        "duplicate_station": "this station is already on line {0}",
        "name_required": "a station needs a name",
        "not_switch": "use true or false, not {0}",
        "not_entity": "{0} is not an entity id",
        "entity_domain": "expected an entity of {0}",
        "unknown_group": "{0} is no responder group (dispatch, first_responders, staff)",
        "contact_line": (
            "contact {0} needs: name, phone, and optionally a role "
            "(naloxone_nearby, friend, staff or other)"
        ),
        "learned_device": "{0} is neither a Zigbee IEEE address nor a Zigbee2MQTT topic",
        "learned_role": "{0}: use help=, answer= or start_check_in=, each once",
        "learned_gestures": "button {0} needs at least one gesture",
        "timer_range": "a number of seconds from {0}",
        "unknown_area": "no area is called {0}",
        "unknown_entity": "{0} does not exist in Home Assistant (yet)",
        "presence_required": "room sensing needs a presence sensor",
        "speaker_incomplete": "a spoken prompt needs both a text-to-speech engine and a speaker",
        "prompt_channel_required": (
            "check-ins and room sensing ask the occupant first: give a speaker with a "
            "text-to-speech engine, a light or a notify entity, or set no_prompt_channel"
        ),
        "responders_required": "choose at least one group to call",
        "invalid_contacts": "each contact line needs: name, phone, and optionally a role",
        "line": "Line {line}",
    },
    "fr": {
        "syntax": "le fichier ne peut pas être lu ({0})",
        "too_large": "le fichier dépasse {0} caractères",
        "not_a_list": "une liste de stations est attendue",
        "not_a_station": "les champs d'une station sont attendus, un `nom: valeur` par ligne",
        "unknown_field": "champ inconnu",
        "duplicate_field": "donné deux fois (aussi ligne {0})",
        "not_text": "une seule valeur est attendue",
        "cell_count": "cette ligne a {0} valeurs, l'en-tête en a {1}",
        "key_required": "chaque station a besoin de sa clé",
        "invalid_key": "une clé a au plus {0} caractères et ne commence pas par #",
        "duplicate_station": "cette station est déjà à la ligne {0}",
        "name_required": "une station a besoin d'un nom",
        "not_switch": "utilisez true ou false, pas {0}",
        "not_entity": "{0} n'est pas un identifiant d'entité",
        "entity_domain": "une entité de {0} est attendue",
        "unknown_group": (
            "{0} n'est pas un groupe d'intervenants (dispatch, first_responders, staff)"
        ),
        "contact_line": (
            "le contact {0} demande : nom, téléphone et, au choix, un rôle "
            "(naloxone_nearby, friend, staff ou other)"
        ),
        "learned_device": "{0} n'est ni une adresse IEEE Zigbee ni un sujet Zigbee2MQTT",
        "learned_role": "{0} : utilisez help=, answer= ou start_check_in=, une fois chacun",
        "learned_gestures": "le bouton {0} a besoin d'au moins un geste",
        "timer_range": "un nombre de secondes de {0}",
        "unknown_area": "aucune pièce ne s'appelle {0}",
        "unknown_entity": "{0} n'existe pas (encore) dans Home Assistant",
        "presence_required": "la détection dans la pièce demande un capteur de présence",
        "speaker_incomplete": (
            "une question parlée demande un moteur de synthèse vocale et un haut-parleur"
        ),
        "prompt_channel_required": (
            "les sessions de vérification et la détection demandent d'abord à l'occupant : "
            "donnez un haut-parleur avec la synthèse vocale, une lampe ou une entité notify, "
            "ou réglez no_prompt_channel"
        ),
        "responders_required": "choisissez au moins un groupe à appeler",
        "invalid_contacts": (
            "chaque ligne de contact demande : nom, téléphone et, au choix, un rôle"
        ),
        "line": "Ligne {line}",
    },
    "es": {
        "syntax": "no se puede leer el archivo ({0})",
        "too_large": "el archivo tiene más de {0} caracteres",
        "not_a_list": "se espera una lista de estaciones",
        "not_a_station": "se esperan los campos de una estación, un `nombre: valor` por línea",
        "unknown_field": "campo desconocido",
        "duplicate_field": "dado dos veces (también en la línea {0})",
        "not_text": "se espera un solo valor",
        "cell_count": "esta línea tiene {0} valores, el encabezado tiene {1}",
        "key_required": "cada estación necesita su clave",
        "invalid_key": "una clave tiene como máximo {0} caracteres y no empieza por #",
        "duplicate_station": "esta estación ya está en la línea {0}",
        "name_required": "una estación necesita un nombre",
        "not_switch": "use true o false, no {0}",
        "not_entity": "{0} no es un id de entidad",
        "entity_domain": "se espera una entidad de {0}",
        "unknown_group": "{0} no es un grupo de respuesta (dispatch, first_responders, staff)",
        "contact_line": (
            "el contacto {0} necesita: nombre, teléfono y, si quiere, un rol "
            "(naloxone_nearby, friend, staff u other)"
        ),
        "learned_device": "{0} no es una dirección IEEE de Zigbee ni un tema de Zigbee2MQTT",
        "learned_role": "{0}: use help=, answer= o start_check_in=, una vez cada uno",
        "learned_gestures": "el botón {0} necesita al menos un gesto",
        "timer_range": "un número de segundos de {0}",
        "unknown_area": "ningún área se llama {0}",
        "unknown_entity": "{0} no existe (todavía) en Home Assistant",
        "presence_required": "la detección en la sala necesita un sensor de presencia",
        "speaker_incomplete": "un aviso hablado necesita un motor de texto a voz y un altavoz",
        "prompt_channel_required": (
            "las sesiones de control y la detección preguntan primero a la persona: indique "
            "un altavoz con texto a voz, una luz o una entidad notify, o active "
            "no_prompt_channel"
        ),
        "responders_required": "elija al menos un grupo al que llamar",
        "invalid_contacts": (
            "cada línea de contacto necesita: nombre, teléfono y, si quiere, un rol"
        ),
        "line": "Línea {line}",
    },
}


def problem_text(language: str, problem: Problem) -> str:
    """One problem, where it is: `Line 12, presence: expected an entity of binary_sensor`."""
    words = pick(_MESSAGES, language)
    message = words[problem.code].format(*problem.detail)
    where = [words["line"].format(line=problem.line)] if problem.line else []
    if problem.field:
        where.append(problem.field)
    return f"{', '.join(where)}: {message}" if where else message


def problems_text(language: str, problems: Iterable[Problem]) -> str:
    """Problems one per line, in the order of the file."""
    ordered = sorted(problems, key=lambda p: p.line)
    return "\n".join(f"- {problem_text(language, p)}" for p in ordered)
