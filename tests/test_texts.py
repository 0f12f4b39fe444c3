"""Responder messages: every language, one SMS segment, plain words."""

from __future__ import annotations

import re

import pytest

from custom_components.brave.dispatch.texts import (
    _TEXTS,
    ResponderMessage,
    one_segment,
    responder_text,
    sms_length,
)
from custom_components.brave.messages import _TEXTS as ROOM_TEXTS

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


STIGMA = re.compile(
    r"\b(addicts?|abusers?|junkies|junkie|clean|toxicomane|drogadict\w*|adict\w*)\b", re.I
)


def test_no_stigmatising_words() -> None:
    for texts in (*_TEXTS.values(), *ROOM_TEXTS.values()):
        for text in texts.values():
            assert not STIGMA.search(text), text
