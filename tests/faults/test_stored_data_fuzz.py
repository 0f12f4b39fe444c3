"""Stored data, fuzzed: the readers raise only their documented errors, valid data round-trips.

What is on disk can be anything (an edit by hand, a disk error, another version). The readers
are the line between the file and the running site: `read_site` raises only InvalidStateError,
`load_state` only InvalidStateError, `load_write` only InvalidWriteError, `load_outbox` and
`migrate` never raise anything else; and whatever `load_state` accepts, the engine can run.
"""

from __future__ import annotations

import contextlib
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings, strategies as st
import orjson
import pytest

from custom_components.brave.core.engine.effects import Trigger, Urgency
from custom_components.brave.core.engine.events import (
    Acknowledged,
    DoorChanged,
    Event,
    ImOk,
    MotionChanged,
    Outcome,
    PresenceChanged,
    PressAction,
    Pressed,
    Resolved,
    SensorAvailability,
    StartCheckIn,
    Tick,
)
from custom_components.brave.core.engine.state import (
    CANCELLABLE,
    Ladder,
    Stage,
    StationState,
    dump_state,
    load_state,
)
from custom_components.brave.core.engine.station import Station
from custom_components.brave.core.outbox import (
    InvalidWriteError,
    Outbox,
    Write,
    WriteKind,
    dump_outbox,
    load_outbox,
    load_write,
)
from custom_components.brave.core.records import InvalidStateError, SiteRecords, migrate, read_site

from ..engine.helpers import STATION_ID, T0, make_config

# Hypothesis warns about its own global PRNG under this plugin set; nothing here uses it.
pytestmark = pytest.mark.filterwarnings("ignore:It looks like `register_random`")

FUZZ = settings(max_examples=200, derandomize=True, deadline=None, database=None)

# -- strategies ----------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
)
# Anything JSON can hold.
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
# What the disk can hold (Home Assistant's Store writes with orjson: 64-bit integers).
storable = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
zones = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
times = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 (bounds; the zone is drawn)
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=zones,
)
# Text that is nearly a time: stored times as a hand edit or another tool might leave them.
time_texts = times.map(datetime.isoformat) | st.sampled_from(
    [
        "0001-01-01T00:00:00+00:00",
        "9999-12-31T23:59:59+00:00",
        "2026-01-01T00:00:00",
        "2026-13-01T00:00:00+00:00",
        "soon",
        "",
    ]
)
keys = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12)

ladders = st.builds(
    Ladder,
    alert_key=keys,
    trigger=st.sampled_from(Trigger),
    started_at=times,
    stage=st.sampled_from(Stage),
    deadline=st.none() | times,
    details=st.dictionaries(keys, st.integers(0, 10**6), max_size=3),
    reminders=st.integers(0, 10),
    urgency=st.sampled_from(Urgency),
    presses=st.integers(0, 100),
    last_update=st.none() | times,
    responder=st.none() | keys,
    released=st.booleans(),
    notified_presses=st.integers(0, 100),
    renotify_pending=st.booleans(),
)


def _consistent(state: StationState) -> StationState:
    """As a station leaves it: an alert that went out is open and has the time it was told."""
    ladder = state.ladder
    if ladder is not None and (ladder.stage not in CANCELLABLE or ladder.renotify_pending):
        ladder.last_update = ladder.last_update or ladder.started_at
        if ladder.stage not in CANCELLABLE and ladder.alert_key not in state.open_alerts:
            state.open_alerts.append(ladder.alert_key)
    return state


states = st.builds(
    StationState,
    **{
        f.name: (
            st.booleans()
            if f.type == "bool"
            else st.none() | times
            if f.type == "datetime | None"
            else st.integers(0, 1000)
            if f.type == "int"
            else st.lists(keys, max_size=3)
            if f.type == "list[str]"
            else st.sets(keys, max_size=3)
            if f.type == "set[str]"
            else st.none() | ladders
        )
        for f in fields(StationState)
    },
).map(_consistent)


@st.composite
def bent(draw: st.DrawFn, valid: st.SearchStrategy[dict[str, Any]]) -> Any:
    """A valid record with some fields replaced by anything, removed, or added."""
    record = dict(draw(valid))
    for name in draw(st.lists(st.sampled_from(sorted(record)), max_size=4, unique=True)):
        match draw(st.integers(0, 2)):
            case 0:
                record[name] = draw(json_values)
            case 1:
                record[name] = draw(time_texts)
            case _:
                del record[name]
    record.update(draw(st.dictionaries(st.text(max_size=6), json_values, max_size=2)))
    return record


def _ladder_dump(state: StationState) -> dict[str, Any]:
    dumped = dump_state(state)
    return (
        dumped["ladder"]
        or dump_state(
            StationState(
                ladder=Ladder("k-1", Trigger.HELP_REQUEST, T0, Stage.ALERTED, None, last_update=T0)
            )
        )["ladder"]
    )


state_dumps = states.map(dump_state)
bent_states = bent(state_dumps) | st.builds(
    lambda dumped, ladder: {**dumped, "ladder": ladder},
    state_dumps,
    bent(states.map(_ladder_dump)),
)

writes = st.builds(
    Write,
    key=keys,
    alert_key=keys,
    kind=st.sampled_from(WriteKind),
    body=st.dictionaries(keys, storable, max_size=3),
    queued_at=times,
    attempts=st.integers(0, 50),
    not_before=st.none() | times,
    fallback_told=st.booleans(),
)
write_dumps = st.lists(writes, max_size=4).map(
    lambda ws: dump_outbox(_outbox(ws))["writes"] or [dump_outbox(_outbox([_WRITE]))["writes"][0]]
)
_WRITE = Write("key", "k-1", WriteKind.ALERT, {"kind": "help_request"}, T0)


def _outbox(ws: list[Write], ids: dict[str, str] | None = None) -> Outbox:
    outbox = Outbox()
    for write in ws:
        outbox.add(write)
    for alert_key, alert_id in (ids or {}).items():
        outbox.remember(alert_key, alert_id)
    return outbox


def _json(value: Any) -> Any:
    """Through the disk and back, as Home Assistant's Store does it."""
    return orjson.loads(orjson.dumps(value))


# -- the engine's state ----------------------------------------------------------------------


@FUZZ
@given(data=json_values | bent_states)
def test_load_state_raises_only_invalid_state(data: Any) -> None:
    with contextlib.suppress(InvalidStateError):
        load_state(data)


@FUZZ
@given(state=states)
def test_a_valid_state_round_trips_exactly(state: StationState) -> None:
    stored = _json(dump_state(state))
    assert load_state(stored) == state
    assert dump_state(load_state(stored)) == stored


def _inputs(now: datetime, key: str) -> list[Event]:
    return [
        Tick(now),
        PresenceChanged(now, present=True),
        MotionChanged(now, moving=False),
        DoorChanged(now, open=False),
        SensorAvailability(now, "binary_sensor.radar", available=False),
        StartCheckIn(now),
        Pressed(now, PressAction.HELP),
        Acknowledged(now, key, "Sam"),
        ImOk(now),
        Resolved(now, key, Outcome.OCCUPANT_OK),
        Tick(now + timedelta(days=1)),
    ]


@FUZZ
@given(data=bent_states, config=st.builds(make_config, room_sensing=st.booleans()))
def test_whatever_load_state_accepts_the_engine_can_run(data: Any, config: Any) -> None:
    """A station restored from disk is fed at start: a state it cannot run would stop the
    whole site from starting."""
    try:
        state = load_state(data)
    except InvalidStateError:
        return
    station = Station(config, state)
    key = state.ladder.alert_key if state.ladder else f"{STATION_ID}-1"
    latest = max((v for v in _all_times(state) if v is not None), default=T0)
    for event in _inputs(latest + timedelta(seconds=1), key):
        station.handle(event)
        assert station.next_deadline is None or isinstance(station.next_deadline, datetime)


def _all_times(state: StationState) -> list[datetime | None]:
    found = [v for f in fields(state) if isinstance(v := getattr(state, f.name), datetime)]
    if state.ladder is not None:
        found += [
            v
            for f in fields(state.ladder)
            if isinstance(v := getattr(state.ladder, f.name), datetime)
        ]
    return found


# -- the outbox ------------------------------------------------------------------------------


@FUZZ
@given(raw=json_values | write_dumps.flatmap(lambda ws: bent(st.just(ws[0]))))
def test_load_write_raises_only_invalid_write(raw: Any) -> None:
    with contextlib.suppress(InvalidWriteError):
        load_write(raw, T0)


@FUZZ
@given(
    data=json_values
    | st.fixed_dictionaries({"writes": json_values, "alert_ids": json_values})
    | write_dumps.map(lambda ws: {"writes": ws, "alert_ids": {}})
)
def test_load_outbox_never_raises_and_keeps_every_write(data: Any) -> None:
    outbox, unreadable = load_outbox(data, T0)
    # Each stored write is sent or set aside (a repeated key is the same write).
    if isinstance(data, dict) and isinstance(data.get("writes"), list):
        stored = data["writes"]
        keys_read = {w.key for w in outbox.writes}
        assert len(outbox) + len(unreadable) <= len(stored)
        for raw in stored:
            assert raw in unreadable or (isinstance(raw, dict) and raw.get("key") in keys_read)


@FUZZ
@given(
    ws=st.lists(writes, max_size=5),
    ids=st.dictionaries(keys, keys, max_size=3),
)
def test_a_valid_outbox_round_trips_exactly(ws: list[Write], ids: dict[str, str]) -> None:
    stored = _json(dump_outbox(_outbox(ws, ids)))
    outbox, unreadable = load_outbox(stored, T0)
    assert unreadable == []
    assert dump_outbox(outbox) == stored


# -- the whole store -------------------------------------------------------------------------

site_dumps = st.fixed_dictionaries(
    {
        "stations": st.dictionaries(
            keys,
            st.fixed_dictionaries(
                {
                    "state": st.none() | state_dumps,
                    "settings": st.dictionaries(
                        st.sampled_from(["countdown", "reminder", "stillness"]),
                        st.floats(0, 10**6),
                    ),
                }
            ),
            max_size=3,
        ),
        "outbox": st.lists(writes, max_size=3).map(lambda ws: dump_outbox(_outbox(ws))),
        "responders": st.fixed_dictionaries(
            {
                "alerts": st.dictionaries(
                    keys,
                    st.fixed_dictionaries(
                        {
                            "label": st.text(max_size=8),
                            "test": st.booleans(),
                            "rids": st.lists(keys, max_size=2),
                            "kind": st.none() | st.sampled_from(Trigger).map(str),
                        }
                    ),
                    max_size=2,
                ),
                "latest": st.dictionaries(keys, keys, max_size=2),
            }
        ),
        "statuses": st.dictionaries(keys, keys, max_size=2),
        "seen_webhooks": st.dictionaries(keys, st.integers(0, 2**40), max_size=2),
        "quarantine": st.fixed_dictionaries(
            {
                "stations": st.dictionaries(keys, storable, max_size=2),
                "writes": st.lists(storable, max_size=2),
            }
        ),
    }
)


def _snapshot(records: SiteRecords) -> dict[str, Any]:
    """What a site built from these records saves (as BraveSite._snapshot does)."""
    return {
        "stations": {
            sid: {
                "state": None if r.state is None else dump_state(r.state),
                "settings": r.settings,
            }
            for sid, r in records.stations.items()
        },
        "outbox": dump_outbox(records.outbox),
        "responders": records.responders,
        "statuses": records.statuses,
        "seen_webhooks": records.seen_webhooks,
        "quarantine": {"stations": records.bad_stations, "writes": records.bad_writes},
    }


@FUZZ
@given(data=json_values | bent(site_dumps))
def test_read_site_raises_only_invalid_state(data: Any) -> None:
    with contextlib.suppress(InvalidStateError):
        read_site(data, T0)


@FUZZ
@given(site=site_dumps)
def test_a_valid_store_round_trips_exactly(site: dict[str, Any]) -> None:
    stored = _json(site)
    assert _json(_snapshot(read_site(stored, T0))) == stored


@FUZZ
@given(
    version=st.integers(-3, 5) | json_values,
    data=json_values | site_dumps,
    outbox=json_values,
)
def test_migrate_raises_only_invalid_state(version: Any, data: Any, outbox: Any) -> None:
    try:
        migrated = migrate(version, data, outbox)
    except InvalidStateError:
        return
    # Whatever migrates can be read, record by record.
    try:
        read_site(migrated, T0)
    except InvalidStateError:
        assert version == 2


@pytest.mark.parametrize(
    ("outbox", "set_aside"),
    [(None, []), ({}, []), ([], [[]]), ("writes", ["writes"]), ({"writes": "x"}, ["x"])],
)
def test_version_1_with_an_outbox_of_another_shape_keeps_its_stations(
    outbox: Any, set_aside: list[Any]
) -> None:
    station = {"state": dump_state(StationState(alert_seq=3)), "settings": {}}
    records = read_site(migrate(1, {"stations": {"a": station}}, outbox), T0)
    assert records.stations["a"].state == StationState(alert_seq=3)
    assert records.bad_writes == set_aside


def test_time_zones_survive() -> None:
    when = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=2)))
    stored = _json(dump_state(StationState(next_prompt=when)))
    assert load_state(stored).next_prompt == when.astimezone(UTC)
    assert stored["next_prompt"] == "2026-03-29T01:30:00+02:00"
