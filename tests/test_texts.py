"""Responder messages: every language, one SMS segment, plain words."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path
import re

import pytest

from custom_components.brave.core.sms import one_segment, sms_length
from custom_components.brave.core.words import spoken_language
from custom_components.brave.core.words.responders import _TEXTS, ResponderMessage, responder_text
from custom_components.brave.core.words.room import _TEXTS as ROOM_TEXTS

LABEL = "Washroom 2, 3rd floor"  # 21 characters: longer than most station names
VALUES = {
    "label": LABEL,
    "kind": "missed_check_in",
    "responder": "Sam T.",
    "sensor": "radar",
    "outcome": "space_empty",
}


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("message", list(ResponderMessage))
def test_every_message_fits_one_sms_segment(language: str, message: ResponderMessage) -> None:
    text = responder_text(language, message, test=True, **VALUES)
    length, limit = sms_length(text)
    assert length <= limit, text
    assert limit == 160, "keep to GSM characters: one accent outside GSM halves the segment"


def test_one_segment_cuts_from_the_end() -> None:
    text = "Room 1 needs a SAFETY CHECK. Reply ok. " + "12 Example Street " * 20
    cut = one_segment(text)
    assert cut.startswith("Room 1 needs a SAFETY CHECK. Reply ok.")
    assert cut.endswith("...")
    assert sms_length(cut) == (160, 160)
    unicode_text = "Habitación 2 necesita una revisión " * 5
    assert sms_length(one_segment(unicode_text)) <= (70, 70)
    assert sms_length("€") == (2, 160)


def test_unknown_language_falls_back_to_english() -> None:
    assert responder_text("de", ResponderMessage.ATTENDING, label="Room 1", responder="Sam") == (
        "Sam is attending Room 1. Thank you."
    )


# Words the project does not use (the brief's first principle), kept as hashes so that this
# test does not itself carry them: English, French and Spanish forms.
STIGMA = {
    "2aae709020638f2a",
    "2ac2f8b3f5741e81",
    "3b066804f6d1d077",
    "3c7035d8db0270f5",
    "43db77f3f7d856a6",
    "45cd3fa6e7fe21b6",
    "46a11f1333d6b207",
    "4d21d4564aa0fa58",
    "563975957cf7b423",
    "5ec53a2f0108dbe5",
    "801bc3d5656bdae7",
    "88e1c0f35349d846",
    "ac2ffcd7cfa8a497",
    "d4d6f7752759a758",
    "d515f17623064e7c",
}


def _hash(word: str) -> str:
    return hashlib.sha256(word.encode()).hexdigest()[:16]


def test_no_stigmatising_words() -> None:
    for texts in (*_TEXTS.values(), *ROOM_TEXTS.values()):
        for text in texts.values():
            words = re.findall(r"\w+", text.lower())
            assert not {_hash(word) for word in words} & STIGMA, text


# Said of a person, "clean" stigmatises; code says "a clean unload", so only texts for people
# are held to it. Two-word forms are hashed as pairs.
STIGMA_ANYWHERE = STIGMA - {_hash("clean")}
STIGMA_PAIRS = {"e168bc72744556fc", "237983ece208df08"}
ROOT = Path(__file__).parents[1]
_TREES = (
    "bench",
    "blueprints",
    "config/custom_components",
    "config/dashboards",
    "custom_components",
    "dispatch_server",
    "docs",
    "scripts",
    "tests",
)
_SUFFIXES = {
    ".ambr",
    ".html",
    ".js",
    ".json",
    ".md",
    ".py",
    ".sh",
    ".toml",
    ".txt",
    ".yaml",
    ".yml",
}


def _project_texts() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "config" / "configuration.yaml"]
    for tree in _TREES:
        # The scripts at the top of scripts/ have no suffix.
        files += (
            p
            for p in (ROOT / tree).rglob("*")
            if p.is_file() and (p.suffix in _SUFFIXES or p.parent.name == "scripts")
        )
    return files


def test_no_stigmatising_words_anywhere_in_the_project() -> None:
    found = set()
    for path in _project_texts():
        words = re.findall(r"\w+", path.read_text(errors="replace").lower())
        pairs = {_hash(f"{a} {b}") for a, b in itertools.pairwise(words)}
        if {_hash(word) for word in words} & STIGMA_ANYWHERE or pairs & STIGMA_PAIRS:
            found.add(path.relative_to(ROOT))
    assert not found, sorted(found)


@pytest.mark.parametrize(
    ("code", "language"),
    [("en", "en"), ("fr", "fr"), ("fr-CA", "fr"), ("es-419", "es"), ("pt-BR", "en"), ("de", "en")],
)
def test_home_assistant_languages_map_to_the_ones_brave_speaks(code: str, language: str) -> None:
    assert spoken_language(code) == language
