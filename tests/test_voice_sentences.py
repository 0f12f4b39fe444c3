"""The voice sentences in English, French and Spanish, and how numbers and rooms are read."""

from __future__ import annotations

from pathlib import Path
import re
from types import ModuleType

from hassil import Intents, recognize_all
from hassil.intents import WildcardSlotList
import pytest

from custom_components.brave.core.voice import (
    Sentence,
    duration_minutes,
    en,
    es,
    example,
    fr,
    parse_amount,
    room_key,
    sentences,
)
from custom_components.brave.core.voice.command import HOURS, MINUTES, ROOM, Command
from custom_components.brave.core.words.voice import _TEXTS, VoiceReply, voice_text

from .test_texts import STIGMA, _hash

SENTENCES = {s.template: s for s in sentences()}
_INTENTS = Intents.from_dict(
    {"language": "en", "intents": {"brave": {"data": [{"sentences": list(SENTENCES)}]}}}
)
for _slot in (MINUTES, HOURS, ROOM):
    _INTENTS.slot_lists[_slot] = WildcardSlotList(_slot)


def readings(text: str) -> list[tuple[Sentence, dict[str, str]]]:
    """Every sentence the text matches, with its slot values."""
    return [
        (
            SENTENCES[str(r.intent_sentence.text)],
            {k: str(v.value).strip() for k, v in r.entities.items()},
        )
        for r in recognize_all(text, _INTENTS)
        if r.intent_sentence is not None
    ]


# What people say, per language and request (docs/occupant.md lists the same).
SAID: dict[str, dict[Command, list[str]]] = {
    "en": {
        Command.OK: ["I'm okay", "I'm fine", "I am ok", "yes I'm alright", "all good", "good"],
        Command.CHECK_IN: [
            "start a check-in",
            "check on me",
            "check on me every ten minutes",
            "start checking on me every 15 minutes",
            "check in on me every hour",
        ],
        Command.STOP_CHECK_IN: ["stop the check-in", "stop checking on me", "end my check-ins"],
        Command.PAUSE: [
            "pause for twenty minutes",
            "pause monitoring",
            "pause my monitoring for half an hour",
            "turn off monitoring",
        ],
        Command.RESUME: ["resume monitoring", "turn monitoring back on", "I'm back"],
        Command.HELP: ["call for help", "help", "help me", "I need help", "I'm not okay"],
    },
    "fr": {
        Command.OK: ["ça va", "je vais bien", "oui tout va bien", "je suis toujours là"],
        Command.CHECK_IN: [
            "commence une vérification",
            "vérifie comment je vais",
            "vérifie comment je vais toutes les dix minutes",
            "lance une vérification toutes les heures",
        ],
        Command.STOP_CHECK_IN: ["arrête la vérification", "arrête de vérifier"],
        Command.PAUSE: [
            "mets le suivi en pause",
            "mets la surveillance en pause pendant vingt minutes",
            "pause de vingt-cinq minutes",
            "pause pendant une demi-heure",
        ],
        Command.RESUME: ["reprends le suivi", "je suis de retour"],
        Command.HELP: [
            "appelle de l'aide",
            "à l'aide",
            "au secours",
            "aide-moi",
            "j'ai besoin d'aide",
            "ça va pas",
        ],
    },
    "es": {
        Command.OK: ["estoy bien", "sí, todo bien", "todo está bien", "sigo aquí"],
        Command.CHECK_IN: [
            "inicia un control",
            "revísame cómo estoy",
            "revísame cada diez minutos",
            "pregúntame cómo estoy cada media hora",
        ],
        Command.STOP_CHECK_IN: ["termina el control", "deja de revisarme"],
        Command.PAUSE: [
            "pausa la vigilancia",
            "pausa la vigilancia por veinte minutos",
            "pausa de quince minutos",
            "pon el monitoreo en pausa durante una hora",
        ],
        Command.RESUME: ["reanuda la vigilancia", "ya volví"],
        Command.HELP: ["pide ayuda", "ayuda", "necesito ayuda", "auxilio", "no estoy bien"],
    },
}
CASES = [
    (language, command, text)
    for language, requests in SAID.items()
    for command, texts in requests.items()
    for text in texts
]


@pytest.mark.parametrize(("language", "command", "text"), CASES)
def test_each_sentence_is_one_request(language: str, command: Command, text: str) -> None:
    found = readings(text)
    assert found, text
    assert {sentence.command for sentence, _ in found} == {command}


@pytest.mark.parametrize(("language", "command", "text"), CASES)
def test_each_sentence_with_the_room_named(language: str, command: Command, text: str) -> None:
    preposition = {"en": "in", "fr": "dans", "es": "en"}[language]
    found = readings(f"{text} {preposition} Room 2")
    assert {sentence.command for sentence, _ in found} == {command}
    assert ("Room 2", command) in {(slots.get(ROOM), s.command) for s, slots in found}


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("command", list(Command))
def test_each_example_reads_as_its_request(language: str, command: Command) -> None:
    said = example(language, command, "Room 1")
    found = readings(said)
    assert {(s.command, slots.get(ROOM)) for s, slots in found} == {(command, "Room 1")}


def test_an_unknown_language_gets_english_examples() -> None:
    assert example("de", Command.HELP, "Room 1") == "call for help in Room 1"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("pause for twenty minutes", 20),
        ("check on me every 10 minutes", 10),
        ("pause for an hour", 60),
        ("pause for 2 hours", 120),
        ("check on me every hour", 60),
        ("pause pendant une demi-heure", 30),
        ("vérifie comment je vais toutes les heures", 60),
        ("pausa por media hora", 30),
        ("revísame cada una hora", 60),
    ],
)
def test_durations_in_sentences(text: str, minutes: int) -> None:
    usable = {
        duration_minutes(s.unit, slots.get(s.unit or ""))
        for s, slots in readings(text)
        if s.unit is not None
    }
    assert minutes in usable


def test_nothing_stays_home_assistant_s_own() -> None:
    """Bare "pause" is the media player's; "stop" and "turn off" are every device's."""
    for text in ("pause", "stop", "turn off", "resume", "start"):
        assert readings(text) == [], text


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("10", 10),
        ("1.5", 1.5),
        ("1,5", 1.5),
        ("ten", 10),
        ("twenty-five", 25),
        ("twenty five", 25),
        ("one hundred and twenty", 120),
        ("a hundred and twenty", 120),
        ("an", 1),
        ("a", 1),
        ("half an", 0.5),
        ("one and a half", 1.5),
        ("vingt", 20),
        ("vingt-cinq", 25),
        ("vingt et un", 21),
        ("soixante-dix", 70),
        ("soixante et onze", 71),
        ("quatre-vingts", 80),
        ("quatre-vingt-dix-neuf", 99),
        ("cent vingt", 120),
        ("une", 1),
        ("une demi-", 0.5),
        ("diez", 10),
        ("veintitrés", 23),
        ("treinta y cinco", 35),
        ("ciento veinte", 120),
        ("media", 0.5),
        ("una y media", 1.5),
        ("Quinze", 15),
    ],
)
def test_numbers_in_words_and_digits(text: str, amount: float) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["", "many", "ten bananas", "-", "and"])
def test_not_numbers(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    ("unit", "said", "minutes"),
    [
        (MINUTES, "twenty", 20),
        (MINUTES, "120", 120),
        (MINUTES, "121", None),
        (MINUTES, "0", None),
        (MINUTES, "1.5", None),
        (MINUTES, "many", None),
        (MINUTES, None, None),
        (HOURS, None, 60),
        (HOURS, "half an", 30),
        (HOURS, "1.5", 90),
        (HOURS, "three", None),
        (None, "ten", None),
    ],
)
def test_duration_minutes(unit: str | None, said: str | None, minutes: int | None) -> None:
    assert duration_minutes(unit, said) == minutes


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("room two", "Room 2"),
        ("the Room 2", "room 2"),
        ("la salle de bain", "Salle de bain"),
        ("l'entrée", "Entrée"),
        ("el baño", "Baño"),
    ],
)
def test_room_names_as_said(said: str, name: str) -> None:
    assert room_key(said) == room_key(name)


def test_rooms_that_differ() -> None:
    assert room_key("Room 2") != room_key("Room 12")


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_every_answer_in_every_language(language: str) -> None:
    for reply in VoiceReply:
        text = voice_text(
            language, reply, duration="10 minutes", station="Room 1", room="x", example="y"
        )
        assert "{" not in text


def test_answers_use_no_stigmatising_words() -> None:
    for texts in _TEXTS.values():
        for text in texts.values():
            words = re.findall(r"\w+", text.lower())
            assert not {_hash(word) for word in words} & STIGMA, text


@pytest.mark.parametrize("module", [en, fr, es], ids=["en", "fr", "es"])
def test_docs_list_every_sentence(module: ModuleType) -> None:
    """docs/occupant.md lists the sentences as the code has them, one per line."""
    docs = (Path(__file__).parents[1] / "docs" / "occupant.md").read_text(encoding="utf-8")
    lines = set(docs.splitlines())
    for templates in module.SENTENCES.values():
        for template in templates:
            assert template in lines, template
    assert f"`{module.ROOM_SUFFIX}`" in docs
