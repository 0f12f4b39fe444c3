"""Properties of the engine over random inputs, random times and random station configs.

Each example drives one station through a random plan of inputs at non-decreasing times; "tick"
steps feed a Tick at the station's next deadline, as the shell does.
"""

from __future__ import annotations

from collections.abc import Iterator
import copy
from dataclasses import dataclass, replace
from datetime import datetime
import itertools
import json
from typing import Any

from hypothesis import example, given, settings, strategies as st
import pytest

from custom_components.brave.core.engine.config import StationConfig
from custom_components.brave.core.engine.effects import (
    AlertClosed,
    CountdownStarted,
    Effect,
    Escalate,
    MorePresses,
    Prompt,
    PromptAnswered,
    SendAlert,
    Step,
    Trigger,
)
from custom_components.brave.core.engine.events import (
    Acknowledged,
    DoorChanged,
    EndCheckIn,
    Event,
    ImOk,
    MotionChanged,
    Outcome,
    Pause,
    PresenceChanged,
    PressAction,
    Pressed,
    Reconfigured,
    Resolved,
    Resume,
    SendTest,
    SensorAvailability,
    StartCheckIn,
    Tick,
)
from custom_components.brave.core.engine.state import CANCELLABLE, dump_state, load_state
from custom_components.brave.core.engine.station import MISSED_AFTER, Station

from .helpers import ADDRESS, LOCATION, PHONE, STATION_ID, T0, make_config, sec

# Hypothesis warns about its own global PRNG under this plugin set; nothing here uses it.
pytestmark = pytest.mark.filterwarnings("ignore:It looks like `register_random`")

PROPERTY = settings(max_examples=200, derandomize=True, deadline=None, database=None)
PROMPTED = frozenset({Trigger.STILLNESS, Trigger.DURATION, Trigger.MISSED_CHECK_IN})
DISPATCHED = (SendAlert, Escalate, MorePresses)
BOGUS_KEY = f"{STATION_ID}-999"
OUTCOMES = list(Outcome)

# -- strategies ----------------------------------------------------------------------------

_TIMER_RANGES = {
    "presence_confirm": (1, 5),
    "stillness": (5, 60),
    "duration": (10, 120),
    "duration_repeat": (10, 120),
    "check_in_interval": (5, 60),
    "answer_window": (1, 20),
    "countdown": (1, 20),
    "reminder": (1, 30),
    "help_renotify": (1, 30),
    "help_session": (30, 300),
}


def _config(values: dict[str, Any]) -> StationConfig:
    return make_config(
        **{k: sec(v) if k in _TIMER_RANGES else v for k, v in values.items()},
    )


configs = st.fixed_dictionaries(
    {
        **{flag: st.booleans() for flag in ("room_sensing", "help_button", "check_in")},
        **{flag: st.booleans() for flag in ("has_door", "has_motion", "release_on_help")},
        **{name: st.integers(low, high) for name, (low, high) in _TIMER_RANGES.items()},
        "urgent_at_press": st.integers(1, 3),
        "renotify_every_presses": st.integers(1, 5),
        "fallback_at_reminder": st.integers(1, 3),
        "final_at_reminder": st.integers(1, 4),
    }
).map(_config)

# A plan step: a tag and its parameters; the gap (seconds) moves time forward before it.
type PlanStep = tuple[Any, ...]
_TICK: PlanStep = ("tick",)
# How often each input comes up. Ticks at the next deadline are weighted up, so ladders get
# somewhere; answers are common enough to meet open prompts.
_TAGS = (
    ("tick",) * 8
    + ("wait",) * 2
    + ("press", "ok") * 3
    + ("presence", "motion", "door", "start", "ack", "resolve") * 2
    + ("end", "pause", "resume", "available", "test")
)
# Gaps between inputs, mostly short.
_GAPS = (0, 0, 1, 1, 2, 3, 5, 8, 13, 20, 30, 40)
# Which alert a responder names: the ladder in progress (maybe still a prompt, never sent),
# the oldest or newest alert sent and not yet closed, or one the station never had.
_WHICH = ("current", "oldest", "last", "bogus")


def _step(tag: int, gap: int, param: int) -> PlanStep:  # noqa: PLR0911
    """Decode three drawn bytes into a plan step (zeros decode to a tick)."""
    name, seconds = _TAGS[tag % len(_TAGS)], _GAPS[gap % len(_GAPS)]
    match name:
        case "tick":
            return _TICK
        case "wait":
            return ("wait", 1 + param + gap % 50)
        case "press":
            return ("press", seconds, list(PressAction)[param % len(PressAction)])
        case "presence" | "motion" | "door":
            return (name, seconds, bool(param % 2))
        case "pause":
            # Until a time after the pause, mostly; now and then one already passed.
            return ("pause", seconds, None if param % 3 == 0 else param - 32)
        case "ack":
            return ("ack", seconds, ("current", "bogus")[param % 2])
        case "resolve":
            which, outcome = divmod(param, len(OUTCOMES))
            return ("resolve", seconds, _WHICH[which % len(_WHICH)], OUTCOMES[outcome])
        case "available":
            return ("available", seconds, ("radar", "door")[param % 2], bool(param // 2 % 2))
        case _:
            return (name, seconds)


# Random plans of 30 to 90 steps. One binary draw for the whole plan (three bytes a step) is
# the cheapest to generate.
plans = st.binary(min_size=3 * 30, max_size=3 * 90).map(
    lambda raw: [_step(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw) - 2, 3)]
)


# -- driving a station ---------------------------------------------------------------------


def _key(station: Station, which: str) -> str:
    s = station.state
    if which == "current" and s.ladder is not None:
        return s.ladder.alert_key
    if which == "oldest" and s.open_alerts:
        return s.open_alerts[0]
    if which == "last" and s.open_alerts:
        return s.open_alerts[-1]
    return BOGUS_KEY


def to_event(  # noqa: PLR0911, PLR0912 (one case per input type)
    step: PlanStep, station: Station, now: datetime
) -> Event | None:
    """The input a plan step stands for, given the station as it is now."""
    tag = step[0]
    if tag == "tick":
        deadline = station.next_deadline
        return None if deadline is None else Tick(max(deadline, now))
    if tag == "wait":
        return Tick(now + sec(step[1]))
    at = now + sec(step[1])
    match step:
        case ("press", _, action):
            return Pressed(at, action)
        case ("ok", _):
            return ImOk(at)
        case ("presence", _, present):
            return PresenceChanged(at, present=present)
        case ("motion", _, moving):
            return MotionChanged(at, moving=moving)
        case ("door", _, is_open):
            return DoorChanged(at, open=is_open)
        case ("start", _):
            return StartCheckIn(at)
        case ("end", _):
            return EndCheckIn(at)
        case ("pause", _, until):
            return Pause(at, until=None if until is None else at + sec(until))
        case ("resume", _):
            return Resume(at)
        case ("ack", _, which):
            return Acknowledged(at, _key(station, which), "responder-a")
        case ("resolve", _, which, outcome):
            return Resolved(at, _key(station, which), outcome)
        case ("available", _, sensor, available):
            return SensorAvailability(at, f"binary_sensor.{sensor}", available=available)
        case ("test", _):
            return SendTest(at)
    raise AssertionError(step)  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Handled:
    """One input and what came of it. `keys` names the alert each ladder effect belongs to."""

    station: Station
    event: Event
    effects: list[Effect]
    keys: list[str | None]


def ladder_keys(
    station_id: str, seq: int, current: str | None, effects: list[Effect]
) -> list[str | None]:
    """The alert key of every effect; Prompt, CountdownStarted and PromptAnswered carry none.

    A ladder gets its key when it starts: at its Prompt, or at its SendAlert when unprompted.
    """
    keys: list[str | None] = []
    for effect in effects:
        if isinstance(effect, Prompt) or (
            isinstance(effect, SendAlert) and effect.trigger not in PROMPTED
        ):
            seq += 1
            current = f"{station_id}-{seq}"
        if isinstance(effect, (Prompt, CountdownStarted, PromptAnswered)):
            keys.append(current)
        else:
            keys.append(getattr(effect, "alert_key", None))
    return keys


def drive(config: StationConfig, plan: list[PlanStep]) -> Iterator[Handled]:
    """Feed the plan to a new station; yield after each input (the station is live)."""
    station = Station(config)
    now = T0
    for step in plan:
        event = to_event(step, station, now)
        if event is None:
            continue
        assert event.at >= now
        now = event.at
        ladder = station.state.ladder
        seq = station.state.alert_seq
        effects = station.handle(event)
        current = None if ladder is None else ladder.alert_key
        keys = ladder_keys(config.station_id, seq, current, effects)
        yield Handled(station, event, effects, keys)


def all_effects(config: StationConfig, plan: list[PlanStep]) -> list[tuple[Effect, str | None]]:
    return [pair for h in drive(config, plan) for pair in zip(h.effects, h.keys, strict=True)]


# -- a. an unanswered prompt reaches the alert -----------------------------------------------


@PROPERTY
@given(config=configs, plan=plans)
def test_unanswered_prompt_alerts_after_answer_window_plus_countdown(
    config: StationConfig, plan: list[PlanStep]
) -> None:
    """Ticks on time from a prompt on bring its alert answer_window + countdown after Prompt.at.

    Prompt.at is when the answer window really started: the deadline, or the time the prompt
    was handled if that was more than MISSED_AFTER late (see g for late runs). When one input
    fires a prompt and its alert, the prompt was not missed and every later step is less late
    than it, so none of them is missed either.
    """
    timers = config.timers
    for h in drive(config, plan):
        for i, effect in enumerate(h.effects):
            if not isinstance(effect, Prompt):
                continue
            key, rest = h.keys[i], h.effects[i + 1 :]
            alerts = [e for e in rest if isinstance(e, SendAlert) and e.alert_key == key]
            if not alerts:
                ladder = h.station.state.ladder
                if ladder is None or ladder.alert_key != key:
                    # The input that fired the prompt also answered or closed it.
                    assert not isinstance(h.event, Tick)
                    continue
                # From here on nothing but ticks at the next deadline.
                twin = copy.deepcopy(h.station)
                for _ in range(20):
                    deadline = twin.next_deadline
                    assert deadline is not None
                    more = twin.handle(Tick(deadline))
                    assert not [e for e in more if isinstance(e, PromptAnswered)]
                    alerts = [e for e in more if isinstance(e, SendAlert)]
                    if alerts:
                        break
            assert alerts, "the prompt never reached an alert"
            assert alerts[0].alert_key == key
            assert alerts[0].at == effect.at + timers.answer_window + timers.countdown


# -- b. nothing is dispatched after an answered prompt -----------------------------------------


@PROPERTY
@given(config=configs, plan=plans)
def test_nothing_is_dispatched_after_an_answered_prompt(
    config: StationConfig, plan: list[PlanStep]
) -> None:
    """From a PromptAnswered until the next Prompt, only a new call for help dispatches.

    PromptAnswered comes from ImOk, any press, a door opening, a pause or the end of the
    check-in session. In that window a SendAlert is allowed only as the direct result of a help
    press (HELP_REQUEST) or SendTest (TEST), at that input's time; its reminders and presses
    may follow. Nothing else (no SendAlert, Escalate or MorePresses) goes out.
    """
    answered = False
    allowed: set[str] = set()
    for h in drive(config, plan):
        for effect in h.effects:
            if isinstance(effect, PromptAnswered):
                answered, allowed = True, set()
            elif isinstance(effect, Prompt):
                answered = False
            elif answered and isinstance(effect, SendAlert):
                called = (
                    effect.trigger is Trigger.HELP_REQUEST
                    and isinstance(h.event, Pressed)
                    and h.event.action is PressAction.HELP
                ) or (effect.trigger is Trigger.TEST and isinstance(h.event, SendTest))
                assert called, f"{effect} after an answered prompt"
                assert effect.at == h.event.at
                allowed.add(effect.alert_key)
            elif answered and isinstance(effect, (Escalate, MorePresses)):
                assert effect.alert_key in allowed, f"{effect} after an answered prompt"


# -- c. one alert per trigger, one ladder per alert ----------------------------------------------


@dataclass(slots=True)
class _Ladder:
    reminder: int = 0
    fallback: bool = False
    final: bool = False


@PROPERTY
@given(config=configs, plan=plans)
def test_no_alert_is_sent_twice_and_each_ladder_climbs_once(
    config: StationConfig, plan: list[PlanStep]
) -> None:
    sent: dict[str, _Ladder] = {}
    previous: Effect | None = None
    for effect, _ in all_effects(config, plan):
        if isinstance(effect, SendAlert):
            assert effect.alert_key not in sent
            sent[effect.alert_key] = _Ladder()
        elif isinstance(effect, MorePresses):
            assert effect.alert_key in sent
        elif isinstance(effect, Escalate):
            ladder = sent[effect.alert_key]
            assert not ladder.final, "nothing follows the final step"
            if effect.step is Step.FALLBACK:
                assert not ladder.fallback
                assert effect.reminder == ladder.reminder == config.fallback_at_reminder
                assert isinstance(previous, Escalate)
                assert (previous.step, previous.reminder) == (Step.REMINDER, effect.reminder)
                ladder.fallback = True
            else:
                assert effect.reminder == ladder.reminder + 1
                ladder.reminder = effect.reminder
                final = effect.reminder >= config.final_at_reminder
                assert (effect.step is Step.FINAL) == final
                ladder.final = final
        previous = effect
    # Keys count up in the order alerts went out.
    numbers = [int(key.rsplit("-", 1)[1]) for key in sent]
    assert all(a < b for a, b in itertools.pairwise(numbers))


# -- d. privacy ----------------------------------------------------------------------------


@PROPERTY
@given(config=configs, plan=plans)
def test_details_are_released_only_past_the_release_point(
    config: StationConfig, plan: list[PlanStep]
) -> None:
    countdown_ends: dict[str, datetime] = {}
    released: set[str] = set()
    for effect, key in all_effects(config, plan):
        if isinstance(effect, CountdownStarted):
            assert key is not None
            countdown_ends[key] = effect.ends_at
        if isinstance(effect, Escalate) and effect.location is not None:
            # New people hear of a released alert: the fallback group, and all at the final.
            assert effect.step in (Step.FALLBACK, Step.FINAL)
            assert effect.alert_key in released
            assert effect.location == config.release.location
            assert effect.contacts == config.release.contacts
            assert effect.notes == config.rescue_plan.notes
            continue
        if not isinstance(effect, SendAlert):
            text = repr(effect)
            assert ADDRESS not in text
            assert PHONE not in text
            assert LOCATION.access_notes not in text
            assert config.rescue_plan.notes not in text
            continue
        assert (effect.location is None) == (effect.contacts is None) == (effect.notes is None)
        if effect.location is not None:
            released.add(effect.alert_key)
        if effect.trigger is Trigger.TEST:
            assert effect.location is None
        elif effect.trigger is Trigger.HELP_REQUEST:
            # The occupant's own call: released with it only if the station says so.
            assert (effect.location is not None) == config.release_on_help
        else:
            # Prompted alerts release only once their countdown has run out.
            assert effect.location is not None
            assert effect.alert_key in countdown_ends
            assert countdown_ends[effect.alert_key] <= effect.at
        if effect.location is not None:
            assert effect.location == config.release.location
            assert effect.contacts == config.release.contacts


# -- e. everything due has fired -------------------------------------------------------------


def _assert_nothing_left_behind(config: StationConfig, plan: list[PlanStep]) -> None:
    for h in drive(config, plan):
        deadline = h.station.next_deadline
        assert deadline is None or deadline >= h.event.at, f"{deadline} after {h.event}"


# A room session; a help press; a responder closes the alert with "safer use" long after the
# stillness deadline that was held while the alert was open.
_STALE_STILLNESS = [
    ("presence", 0, True),
    _TICK,
    ("press", 1, PressAction.HELP),
    ("resolve", 40, "current", Outcome.SAFER_USE),
]
# A check-in session; a help press; "safer use" long after the held check-in prompt.
_STALE_CHECK_IN = [
    ("start", 0),
    ("press", 1, PressAction.HELP),
    ("ack", 1, "current"),
    ("resolve", 40, "current", Outcome.CONFLICT),
    ("wait", 200),
]
# A pause whose end passed before it was asked for.
_PAUSE_IN_THE_PAST = [("start", 0), ("pause", 5, -10), ("pause", 5, 0)]


@PROPERTY
@given(config=configs, plan=plans)
@example(config=make_config(room_sensing=True, stillness=sec(5)), plan=_STALE_STILLNESS)
@example(config=make_config(check_in_interval=sec(5)), plan=_STALE_CHECK_IN)
@example(config=make_config(), plan=_PAUSE_IN_THE_PAST)
def test_next_deadline_is_never_before_the_last_input(
    config: StationConfig, plan: list[PlanStep]
) -> None:
    """Whatever the outcome a responder records, closing an alert leaves nothing overdue."""
    for h in drive(config, plan):
        deadline = h.station.next_deadline
        assert deadline is None or deadline >= h.event.at, f"{deadline} after {h.event}"


# -- f. persistence ------------------------------------------------------------------------


def _restored(station: Station) -> Station:
    return Station(station.config, load_state(json.loads(json.dumps(dump_state(station.state)))))


@PROPERTY
@given(config=configs, plan=plans, split=st.integers(0, 90))
def test_a_restored_station_is_indistinguishable(
    config: StationConfig, plan: list[PlanStep], split: int
) -> None:
    twin: Station | None = None
    for index, h in enumerate(drive(config, plan)):
        copy_now = _restored(h.station)
        assert copy_now.next_deadline == h.station.next_deadline
        assert copy_now.phase is h.station.phase
        assert copy_now.state == h.station.state
        if twin is not None:
            # Restored earlier, fed the same inputs since: the same effects.
            assert twin.handle(h.event) == h.effects
            assert twin.state == h.station.state
        elif index == split:
            twin = copy_now


# -- g. nothing is released without a real chance to answer ----------------------------------

# Check-ins every 20 s with inputs minutes late: a prompt missed, then its release point
# missed; and a prompt heard on time whose countdown start was missed.
_MISSED_PROMPT_AND_RELEASE = [
    ("start", 0),
    ("wait", 60),
    _TICK,
    ("wait", 100),
    _TICK,
    ("wait", 300),
]
_MISSED_COUNTDOWN_START = [("start", 0), _TICK, ("wait", 200), _TICK]


@PROPERTY
@given(config=configs, plan=plans)
@example(config=make_config(check_in_interval=sec(20)), plan=_MISSED_PROMPT_AND_RELEASE)
@example(config=make_config(check_in_interval=sec(20)), plan=_MISSED_COUNTDOWN_START)
def test_in_room_steps_are_never_handled_more_than_missed_after_late(
    config: StationConfig, plan: list[PlanStep]
) -> None:
    """However late inputs come, each in-room step gets its whole window from when it is heard.

    A Prompt, CountdownStarted or prompted SendAlert is handled at most MISSED_AFTER after its
    own time; a countdown starts no earlier than the answer window (or the countdown before it)
    ended; and the alert goes out exactly when the last countdown ends.
    """
    timers = config.timers
    # Per ladder key: when the step before the next one ends.
    step_ends: dict[str, datetime] = {}
    for h in drive(config, plan):
        now = h.event.at
        for effect, key in zip(h.effects, h.keys, strict=True):
            match effect:
                case Prompt():
                    assert key is not None
                    assert now - effect.at <= MISSED_AFTER
                    assert effect.answer_by == effect.at + timers.answer_window
                    step_ends[key] = effect.answer_by
                case CountdownStarted():
                    assert key is not None
                    assert now - effect.at <= MISSED_AFTER
                    assert effect.at >= step_ends[key]
                    assert effect.ends_at == effect.at + timers.countdown
                    step_ends[key] = effect.ends_at
                case SendAlert(trigger=trigger) if trigger in PROMPTED:
                    assert now - effect.at <= MISSED_AFTER
                    assert effect.at == step_ends.pop(effect.alert_key)


# -- h. open alerts and monitoring bookkeeping -------------------------------------------------


def _closed_by(h: Handled, effect: AlertClosed, index: int) -> bool:
    """An alert closes on its responder's outcome, or a help press ends a test for real."""
    match h.event:
        case Resolved(alert_key=key, outcome=outcome):
            return (key, outcome) == (effect.alert_key, effect.outcome)
        case Pressed(action=PressAction.HELP):
            after = h.effects[index + 1 : index + 2]
            return effect.outcome is Outcome.TEST and [
                (type(e), getattr(e, "trigger", None)) for e in after
            ] == [(SendAlert, Trigger.HELP_REQUEST)]
    return False


@PROPERTY
@given(config=configs, plan=plans)
def test_open_alerts_and_monitoring_are_kept_in_step(
    config: StationConfig, plan: list[PlanStep]
) -> None:
    """open_alerts lists every alert sent and not closed, oldest first; only those close.

    And monitoring never quietly stops: a check-in session with no escalation in progress always
    has its next prompt, a still room its stillness window; stillness is marked alerted only as
    a stillness alert is sent.
    """
    sent: list[str] = []
    alerted_before = False
    for h in drive(config, plan):
        # Open when the input itself is applied: deadlines due by then fire first.
        was_open = sent + [e.alert_key for e in h.effects if isinstance(e, SendAlert)]
        for i, effect in enumerate(h.effects):
            if isinstance(effect, SendAlert):
                assert effect.alert_key not in sent
                sent.append(effect.alert_key)
            elif isinstance(effect, AlertClosed):
                assert effect.alert_key in sent
                assert _closed_by(h, effect, i), f"{effect} on {h.event}"
                sent.remove(effect.alert_key)
        state = h.station.state
        assert state.open_alerts == sent
        ladder = state.ladder
        if ladder is not None:
            # The alert in progress can always be closed; a prompt never can.
            assert (ladder.alert_key in sent) == (ladder.stage not in CANCELLABLE)
        if isinstance(h.event, Resolved):
            closed = [e for e in h.effects if isinstance(e, AlertClosed)]
            # A key that was not open (a prompt's, a closed alert's, a stranger's) does nothing.
            assert len(closed) == (h.event.alert_key in was_open)
        if state.check_in_active and ladder is None:
            assert state.next_prompt is not None
        if state.session_start is not None and not (config.has_motion and state.moving):
            assert state.still_since is not None
        if state.stillness_alerted and not alerted_before:
            assert [
                e for e in h.effects if isinstance(e, SendAlert) and e.trigger is Trigger.STILLNESS
            ], f"stillness marked alerted on {h.event} without a stillness alert"
        alerted_before = state.stillness_alerted


# -- i. settings changes at any moment ---------------------------------------------------------

_RETIMABLE = (
    "stillness",
    "duration",
    "check_in_interval",
    "answer_window",
    "countdown",
    "reminder",
)


@PROPERTY
@given(
    config=configs,
    plan=plans,
    changes=st.lists(
        st.tuples(st.integers(0, 89), st.integers(0, 5), st.integers(1, 120)), max_size=8
    ),
)
def test_settings_changes_leave_nothing_overdue_and_send_nothing_twice(
    config: StationConfig, plan: list[PlanStep], changes: list[tuple[int, int, int]]
) -> None:
    """A timer changed at any step: no deadline is left in the past, no alert goes twice,
    and a restored copy still behaves the same."""
    station = Station(config)
    now = T0
    sent: set[str] = set()
    retime = {index: (_RETIMABLE[which], seconds) for index, which, seconds in changes}
    for index, step in enumerate(plan):
        events: list[Event] = []
        if index in retime:
            name, seconds = retime[index]
            timers = replace(station.config.timers, **{name: sec(seconds)})
            events.append(Reconfigured(now, replace(station.config, timers=timers)))
        if (event := to_event(step, station, now)) is not None:
            events.append(event)
        for event in events:
            now = max(now, event.at)
            effects = station.handle(event)
            for effect in effects:
                if isinstance(effect, SendAlert):
                    assert effect.alert_key not in sent
                    sent.add(effect.alert_key)
            deadline = station.next_deadline
            assert deadline is None or deadline >= event.at
            assert _restored(station).state == station.state
