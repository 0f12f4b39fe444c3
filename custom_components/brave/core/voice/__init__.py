"""Requests by voice: the sentences people say in each language, and what their slots hold.

Pure: the sentences are hassil templates (matched by Home Assistant's conversation agent, see
adapters/voice.py); here they are expanded, and the numbers and room names people say are read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
import re
from types import ModuleType
import unicodedata

from . import en, es, fr
from .command import HOURS, MINUTES, Command

_LANGUAGES: dict[str, ModuleType] = {"en": en, "fr": fr, "es": es}
_DURATION = "<duration>"
# Durations people may ask for, in minutes.
SHORTEST, LONGEST = 1, 120


@dataclass(frozen=True, slots=True)
class Sentence:
    """One template and the request it makes."""

    command: Command
    template: str

    @property
    def unit(self) -> str | None:
        """The duration it carries: MINUTES, HOURS or none."""
        return next((u for u in (MINUTES, HOURS) if "{" + u + "}" in self.template), None)


def sentences() -> Iterator[Sentence]:
    """Every sentence of every language, each also with the room named after it.

    Sentences with the room come first: one whose duration is followed by "in <room>" is
    not read as a longer duration.
    """
    plain: list[Sentence] = []
    for module in _LANGUAGES.values():
        for command, templates in module.SENTENCES.items():
            for template in templates:
                for expanded in _expand(template, module.MINUTES, module.HOURS):
                    yield Sentence(command, f"{expanded} {module.ROOM_SUFFIX}")
                    plain.append(Sentence(command, expanded))
    yield from plain


def _expand(template: str, minutes: str, hours: str) -> tuple[str, ...]:
    if _DURATION not in template:
        return (template,)
    return (template.replace(_DURATION, minutes), template.replace(_DURATION, hours))


def example(language: str, command: Command, room: str) -> str:
    """How to ask for `command` in `room`, in a language (English when not offered)."""
    module = _LANGUAGES.get(language, en)
    text: str = module.EXAMPLES[command]
    return text.format(room=room)


# -- numbers said in words ------------------------------------------------------------------

_NUMBERS: dict[str, int] = {
    # English
    **dict.fromkeys(["one"], 1),
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
    # French (accents removed)
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40,
    "cinquante": 50, "soixante": 60, "septante": 70, "huitante": 80, "octante": 80,
    "nonante": 90,
    # Spanish (accents removed)
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14,
    "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
    "veinte": 20, "veintiun": 21, "veintiuno": 21, "veintiuna": 21, "veintidos": 22,
    "veintitres": 23, "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26,
    "veintisiete": 27, "veintiocho": 28, "veintinueve": 29, "treinta": 30, "cuarenta": 40,
    "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90,
}  # fmt: skip
_HUNDREDS = frozenset({"hundred", "cent", "cents", "cien", "ciento"})
_HALVES = frozenset({"half", "demi", "demie", "media", "medio"})
# "an hour", "a hundred"; and the one that goes with a half ("half an hour", "une demi-heure").
_ARTICLES = frozenset({"a", "an"})
_ONE = frozenset({"a", "an", "un", "une", "uno", "una"})
_AND = frozenset({"and", "et", "y"})
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")


def _plain(text: str) -> str:
    """Lower case, without accents."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_amount(text: str) -> float | None:
    """A number said in English, French or Spanish, in words or digits; None when it is none.

    "twenty five", "vingt-cinq", "veinticinco", "25", "an" (1), "half an" (0.5), "1.5".
    """
    words = [w for w in re.split(r"[\s\-']+", _plain(text)) if w]
    joined = any(w in _AND for w in words)
    words = [w for w in words if w not in _AND]
    half = 0.5 if any(w in _HALVES for w in words) else 0.0
    words = [w for w in words if w not in _HALVES]
    if not words:
        return half or None
    if half and not joined and all(w in _ONE for w in words):
        return half
    if all(w in _ARTICLES for w in words):
        return 1.0
    total = 0.0
    previous = ""
    for word in words:
        if _DIGITS.fullmatch(word):
            total += float(word.replace(",", "."))
        elif word in _HUNDREDS:
            total = (total or 1) * 100
        elif word in ("vingt", "vingts") and previous == "quatre":
            total += 80 - 4
        elif word in _NUMBERS:
            total += _NUMBERS[word]
        elif word in _ARTICLES:
            # "a hundred"; in "one and a half" it goes with the half.
            total += 0 if half else 1
        else:
            return None
        previous = word
    return total + half


def duration_minutes(unit: str | None, said: str | None) -> int | None:
    """The minutes a duration slot asks for, within SHORTEST..LONGEST; None when not usable.

    An hours sentence without a number ("every hour") means one hour.
    """
    if unit is None:
        return None
    amount = 1.0 if said is None and unit == HOURS else parse_amount(said or "")
    if amount is None:
        return None
    minutes = amount * 60 if unit == HOURS else amount
    if minutes != int(minutes) or not SHORTEST <= minutes <= LONGEST:
        return None
    return int(minutes)


# -- room names -------------------------------------------------------------------------------

_ARTICLE_WORDS = frozenset({"the", "my", "la", "le", "les", "l", "el", "los", "las", "ma", "mi"})


def room_key(name: str) -> str:
    """A room name as compared with what was said.

    Case, accents, leading articles and number words do not matter: "the room one" is "Room 1".
    """
    words = [w for w in re.split(r"[^\w]+", _plain(name)) if w]
    while words and words[0] in _ARTICLE_WORDS:
        words = words[1:]
    return " ".join(str(_NUMBERS[w]) if w in _NUMBERS else w for w in words)
