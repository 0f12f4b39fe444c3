"""The webhook's reading of a request: headers, raw body, secret and clock in, an answer out."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from hypothesis import example, given, strategies as st
import orjson

from custom_components.brave.adapters.dispatch_client import ALERT_STATUSES
from custom_components.brave.adapters.webhook import (
    MAX_BODY_BYTES,
    MAX_SKEW_S,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignedHeaders,
    StatusUpdate,
    check_headers,
    declared_too_large,
    read_update,
    signature,
)
from custom_components.brave.core.engine.events import Outcome

from .strategies import FUZZ, any_text, deep_nesting, json_values, objects, odd_numbers

NOW = 1_790_000_000
ANSWERS = {HTTPStatus.BAD_REQUEST, HTTPStatus.UNAUTHORIZED, HTTPStatus.REQUEST_ENTITY_TOO_LARGE}

updates = objects(
    {
        "event_id": any_text,
        "alert_id": any_text,
        "status": st.sampled_from(sorted(ALERT_STATUSES)),
        "responder": st.one_of(st.none(), objects({"display_name": any_text}, ["display_name"])),
        "outcome": st.one_of(st.none(), st.sampled_from([o.value for o in Outcome])),
        "at": any_text,
    },
    ["event_id", "alert_id", "status", "at"],
)
raw_bodies = st.one_of(
    updates.map(orjson.dumps),
    updates.map(orjson.dumps),  # twice: most requests worth fuzzing look like updates
    json_values.map(orjson.dumps),
    st.binary(max_size=200),
    st.integers(min_value=1, max_value=40_000).map(deep_nesting),
    st.just(b" " * (MAX_BODY_BYTES + 1)),
)
secrets = st.text(min_size=1, max_size=40)  # the service's own; surrogate-free as orjson reads
stamps = st.one_of(
    st.integers(min_value=NOW - 2 * MAX_SKEW_S, max_value=NOW + 2 * MAX_SKEW_S).map(str),
    odd_numbers,
    any_text,
)


@st.composite
def requests(draw: st.DrawFn) -> tuple[dict[str, str], bytes, str]:
    """Headers, body and the site's secret: honestly signed and on time, or not."""
    raw, secret = draw(raw_bodies), draw(secrets)
    if draw(st.booleans()):
        stamp = str(NOW + draw(st.integers(min_value=-MAX_SKEW_S, max_value=MAX_SKEW_S)))
        return (
            {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature(secret, stamp, raw)},
            raw,
            secret,
        )
    stamp = draw(stamps)
    given = draw(
        st.one_of(
            st.just(signature(secret, stamp, raw)),
            st.just(signature(secret + "x", stamp, raw)),  # another site's secret
            st.just(signature(secret, stamp, raw).upper().replace("SHA256", "sha256")),
            any_text,
            st.text("0123456789abcdef", max_size=70).map(lambda h: f"sha256={h}"),
        )
    )
    headers = draw(
        st.fixed_dictionaries(
            {}, optional={TIMESTAMP_HEADER: st.just(stamp), SIGNATURE_HEADER: st.just(given)}
        )
    )
    return headers, raw, secret


def _well_typed(update: StatusUpdate) -> None:
    assert isinstance(update.event_id, str)
    assert update.event_id
    assert isinstance(update.alert_id, str)
    assert update.alert_id
    assert update.status in ALERT_STATUSES
    assert update.responder is None or isinstance(update.responder, str)
    assert update.outcome is None or update.outcome in set(Outcome)
    assert abs(NOW - update.timestamp) <= MAX_SKEW_S


@FUZZ
@given(requests())
@example(({}, b"{}", "s"))
@example(({TIMESTAMP_HEADER: "²", SIGNATURE_HEADER: "sha256=" + "0" * 64}, b"{}", "s"))
def test_answer_is_an_update_or_a_refusal(request: tuple[dict[str, str], bytes, str]) -> None:
    headers, raw, secret = request
    answer = read_update(headers, raw, secret, NOW)
    if isinstance(answer, HTTPStatus):
        assert answer in ANSWERS
        return
    _well_typed(answer)
    # Accepted only when signed with this site's secret over exactly these bytes.
    assert headers[SIGNATURE_HEADER].lower() == signature(secret, headers[TIMESTAMP_HEADER], raw)


@FUZZ
@given(updates, secrets, st.integers(min_value=-MAX_SKEW_S, max_value=MAX_SKEW_S))
def test_an_honest_update_is_read_as_sent(body: dict[str, Any], secret: str, skew: int) -> None:
    raw = orjson.dumps(body)
    stamp = str(NOW + skew)
    headers = {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature(secret, stamp, raw)}
    answer = read_update(headers, raw, secret, NOW)
    if isinstance(answer, HTTPStatus):
        # Only a body that breaks the contract is refused once the signature holds.
        assert answer is HTTPStatus.BAD_REQUEST
        return
    _well_typed(answer)
    assert (answer.event_id, answer.alert_id, answer.status) == (
        body["event_id"],
        body["alert_id"],
        body["status"],
    )


@FUZZ
@given(st.dictionaries(st.sampled_from([TIMESTAMP_HEADER, SIGNATURE_HEADER, "Other"]), any_text))
@example({TIMESTAMP_HEADER: "99999999999999999999", SIGNATURE_HEADER: "sha256=" + "a" * 64})
def test_headers_are_on_time_and_well_formed_or_refused(headers: dict[str, str]) -> None:
    answer = check_headers(headers, NOW)
    if isinstance(answer, HTTPStatus):
        assert answer is HTTPStatus.UNAUTHORIZED
        return
    assert isinstance(answer, SignedHeaders)
    assert abs(NOW - answer.timestamp) <= MAX_SKEW_S


@FUZZ
@given(st.one_of(odd_numbers, any_text, st.integers(min_value=0, max_value=10**40).map(str)))
@example("000000")
@example("0" * 40 + "65537")
def test_declared_size_is_read_strictly(length: str) -> None:
    too_large = declared_too_large({"Content-Length": length})
    assert too_large is (length.isascii() and length.isdigit() and int(length) > MAX_BODY_BYTES)
