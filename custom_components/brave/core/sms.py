"""SMS: one segment per message, and what a responder's reply means.

A segment is 160 GSM 03.38 characters, or 70 when any character is outside GSM (UCS-2).
Replies: "ok" (or "8") takes the alert; a number records the outcome, as Brave responders do.
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine.events import Outcome

# GSM 03.38 basic characters (one septet each) and extension characters (two each).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


_GSM_EXTENDED = frozenset("^{}\\[~]|€")


GSM_SEGMENT = 160


UCS2_SEGMENT = 70


# SMS replies: "ok" or "8" takes the alert; a number records the outcome.
ACK_REPLIES = frozenset({"ok", "8", "oui", "si", "sí"})


OUTCOME_REPLIES = {
    "1": Outcome.OVERDOSE,
    "2": Outcome.EMERGENCY,
    "3": Outcome.MEDICAL,
    "4": Outcome.OCCUPANT_OK,
    "5": Outcome.SPACE_EMPTY,
    "6": Outcome.SAFER_USE,
    "7": Outcome.CONFLICT,
    "9": Outcome.TECHNICAL_ISSUE,
    "0": Outcome.OTHER,
}


@dataclass(frozen=True, slots=True)
class SmsReply:
    """A responder's SMS answer: it takes the alert, and closes it when it names an outcome."""

    outcome: Outcome | None = None


def parse_sms_reply(body: object) -> SmsReply | None:
    """What an SMS reply's body means; None for anything that is no answer.

    Trimmed and case-insensitive: "ok" (ACK_REPLIES) takes the alert, a survey number
    (OUTCOME_REPLIES) records its outcome.
    """
    if not isinstance(body, str):
        return None
    text = body.strip().lower()
    if text in ACK_REPLIES:
        return SmsReply()
    if (outcome := OUTCOME_REPLIES.get(text)) is not None:
        return SmsReply(outcome)
    return None


def sms_length(text: str) -> tuple[int, int]:
    """Length as an SMS counts it, and the one-segment limit for that encoding."""
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text):
        return sum(2 if ch in _GSM_EXTENDED else 1 for ch in text), GSM_SEGMENT
    return len(text.encode("utf-16-le")) // 2, UCS2_SEGMENT


def one_segment(text: str) -> str:
    """Cut a message to one SMS segment (the end goes first: put what matters first)."""
    while (length := sms_length(text))[0] > length[1]:
        text = text[: -(length[0] - length[1]) - 3].rstrip() + "..."
    return text
