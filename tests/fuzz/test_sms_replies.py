"""Reading a responder's SMS reply."""

from __future__ import annotations

from typing import Any

from hypothesis import given, strategies as st

from custom_components.brave.core.engine.events import Outcome
from custom_components.brave.core.sms import ACK_REPLIES, OUTCOME_REPLIES, SmsReply, parse_sms_reply

from .strategies import FUZZ, any_text, json_values

known = sorted(ACK_REPLIES | set(OUTCOME_REPLIES))
padding = st.text(" \t\r\n\u00a0\u2003", max_size=3)


@FUZZ
@given(st.one_of(any_text, json_values, st.sampled_from(known)))
def test_reply_is_an_answer_or_nothing(body: Any) -> None:
    reply = parse_sms_reply(body)
    assert reply is None or isinstance(reply, SmsReply)
    if reply is not None:
        assert reply.outcome is None or isinstance(reply.outcome, Outcome)


@FUZZ
@given(st.sampled_from(known), padding, padding, st.booleans())
def test_known_replies_in_any_case(word: str, before: str, after: str, up: bool) -> None:
    reply = parse_sms_reply(before + (word.upper() if up else word) + after)
    assert reply == SmsReply(OUTCOME_REPLIES.get(word))


def test_examples() -> None:
    assert parse_sms_reply(" OK ") == SmsReply()
    assert parse_sms_reply("Sí") == SmsReply()
    assert parse_sms_reply("4") == SmsReply(Outcome.OCCUPANT_OK)
    assert parse_sms_reply("0\n") == SmsReply(Outcome.OTHER)
    for nothing in ("okay", "44", "", None, 4, ["ok"], {"Body": "ok"}):
        assert parse_sms_reply(nothing) is None
