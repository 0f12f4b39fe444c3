"""The dispatch client's reading of response bodies and Retry-After headers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from hypothesis import example, given, strategies as st
import orjson

from custom_components.brave.adapters.dispatch_client import (
    ALERT_STATUSES,
    MAX_RETRY_AFTER_S,
    Alert,
    DispatchResponseError,
    Health,
    Site,
    decode_body,
    parse_alert,
    parse_health,
    parse_retry_after,
    parse_site,
)
from custom_components.brave.core.engine.events import Outcome

from .strategies import FUZZ, any_text, deep_nesting, json_values, objects, odd_numbers

responders = st.one_of(
    st.none(), objects({"display_name": any_text, "eta_s": st.integers()}, ["display_name"])
)
alerts = objects(
    {
        "alert_id": any_text,
        "status": st.sampled_from(sorted(ALERT_STATUSES)),
        "responder": responders,
        "outcome": st.one_of(st.none(), st.sampled_from([o.value for o in Outcome])),
    },
    ["alert_id", "status"],
)
bodies = st.one_of(alerts, json_values)


@FUZZ
@given(bodies)
def test_alert_is_well_typed_or_a_contract_error(body: Any) -> None:
    try:
        alert = parse_alert(body)
    except DispatchResponseError:
        return
    assert isinstance(alert, Alert)
    assert isinstance(alert.alert_id, str)
    assert alert.alert_id
    assert alert.status in ALERT_STATUSES
    assert alert.outcome is None or alert.outcome in set(Outcome)
    assert alert.responder is None or isinstance(alert.responder, str)


@FUZZ
@given(
    st.one_of(
        alerts.map(orjson.dumps),
        st.binary(max_size=200),
        st.integers(min_value=1, max_value=200_000).map(deep_nesting),
    )
)
@example(b"[" * 100_000 + b"]" * 100_000)
@example(b'"\\ud800"')
def test_raw_alert_body_is_an_alert_or_a_contract_error(raw: bytes) -> None:
    try:
        alert = parse_alert(decode_body(raw))
    except DispatchResponseError:
        return
    assert isinstance(alert, Alert)


healths = objects(
    {"status": st.just("ok"), "service": any_text, "version": any_text},
    ["status", "service", "version"],
)
sites = objects({"site_id": any_text, "webhook_secret": any_text}, ["site_id", "webhook_secret"])


@FUZZ
@given(st.one_of(healths, json_values))
def test_health_is_well_typed_or_a_contract_error(body: Any) -> None:
    try:
        health = parse_health(body)
    except DispatchResponseError:
        return
    assert isinstance(health, Health)
    assert isinstance(health.service, str)
    assert isinstance(health.version, str)


@FUZZ
@given(st.one_of(sites, json_values))
def test_site_is_well_typed_or_a_contract_error(body: Any) -> None:
    try:
        site = parse_site(body)
    except DispatchResponseError:
        return
    assert isinstance(site, Site)
    assert isinstance(site.site_id, str)
    assert site.site_id
    # The secret signs every webhook: it must encode, or no update could ever be checked.
    site.webhook_secret.encode()


# Hypothesis takes naive bounds and applies the time zone to what it draws.
now = st.datetimes(
    min_value=datetime(1970, 1, 1),  # noqa: DTZ001
    max_value=datetime(9000, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
http_dates = st.datetimes(timezones=st.just(UTC)).map(lambda d: format_datetime(d, usegmt=True))
headers = st.one_of(st.none(), any_text, odd_numbers, http_dates)


@FUZZ
@given(headers, now)
@example("1000000000000", datetime(2026, 1, 1, tzinfo=UTC))
@example("²", datetime(2026, 1, 1, tzinfo=UTC))
@example("9" * 5000, datetime(2026, 1, 1, tzinfo=UTC))
@example("Mon, 01 Jan 0001 00:00:00 -2359", datetime(2026, 1, 1, tzinfo=UTC))
@example("Fri, 31 Dec 9999 23:59:59 +2359", datetime(2026, 1, 1, tzinfo=UTC))
@example("Fri, 31 Dec 99999 23:59:59 GMT", datetime(2026, 1, 1, tzinfo=UTC))
def test_retry_after_is_absent_or_bounded(header: str | None, at: datetime) -> None:
    wait = parse_retry_after(header, at)
    assert wait is None or 0.0 <= wait <= MAX_RETRY_AFTER_S


@FUZZ
@given(st.integers(min_value=0, max_value=10**30), now)
def test_retry_after_in_seconds_is_honoured_up_to_the_cap(seconds: int, at: datetime) -> None:
    assert parse_retry_after(str(seconds), at) == min(float(seconds), MAX_RETRY_AFTER_S)


@FUZZ
@given(st.integers(min_value=0, max_value=400), now)
def test_retry_after_as_a_date_is_honoured_up_to_the_cap(seconds: int, at: datetime) -> None:
    at = at.replace(microsecond=0)
    header = format_datetime(at + timedelta(seconds=seconds), usegmt=True)
    assert parse_retry_after(header, at) == min(float(seconds), MAX_RETRY_AFTER_S)
