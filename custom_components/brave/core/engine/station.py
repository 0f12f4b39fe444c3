"""The station state machine: events in, effects out, next deadline as an absolute time.

Sans-IO: no clock, no I/O, no Home Assistant. The caller feeds every input with its time and
calls `handle(Tick(now))` at `next_deadline`. Deadlines that passed before an event (or while
nothing was running) fire first, in order, each marked late when it fires after its time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum

from .config import StationConfig
from .effects import (
    AlertClosed,
    CannotMonitor,
    CountdownStarted,
    DoorOpened,
    Effect,
    Escalate,
    MonitoringRestored,
    MorePresses,
    OccupantOk,
    Paused,
    Prompt,
    PromptAnswered,
    ResponderAttending,
    Resumed,
    SendAlert,
    Step,
    Trigger,
    Urgency,
)
from .events import (
    ENDING_OUTCOMES,
    Acknowledged,
    AskedForHelp,
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
from .state import CANCELLABLE, Ladder, Stage, StationState

# A deadline handled more than this after its time is reported as late.
LATE_AFTER = timedelta(seconds=1)
# An in-room step this late was never heard (Home Assistant was not running): the occupant
# gets its full window from now, so nothing is released without a real chance to answer.
MISSED_AFTER = timedelta(seconds=10)
# Triggers that first ask the occupant in the room; the others alert at once.
_PROMPTED = frozenset({Trigger.STILLNESS, Trigger.DURATION, Trigger.MISSED_CHECK_IN})
# A bound on deadlines fired for one input; every firing moves a deadline forward or clears it.
_MAX_FIRINGS = 10_000

# A firing gets its deadline and the time it actually runs.
type Firing = Callable[[datetime, datetime], list[Effect]]


class Phase(StrEnum):
    """What a station shows, most pressing first."""

    ALERT = "alert"
    RESPONDER_ATTENDING = "responder_attending"
    # A test alert on its way: visibly not a real one anywhere it shows.
    TEST = "test"
    COUNTDOWN = "countdown"
    PROMPTING = "prompting"
    CANNOT_MONITOR = "cannot_monitor"
    PAUSED = "paused"
    CHECK_IN = "check_in"
    OCCUPIED = "occupied"
    IDLE = "idle"


_LADDER_PHASES = {
    Stage.ALERTED: Phase.ALERT,
    Stage.ACKNOWLEDGED: Phase.RESPONDER_ATTENDING,
    Stage.COUNTDOWN: Phase.COUNTDOWN,
    Stage.PROMPT: Phase.PROMPTING,
}


class Station:
    """One station's safety logic."""

    def __init__(self, config: StationConfig, state: StationState | None = None) -> None:
        """Start from a stored state, or idle."""
        self.config = config
        self.state = state if state is not None else StationState()

    # -- queries -------------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        """The station's visible state."""
        s = self.state
        if s.ladder is not None:
            test = s.ladder.trigger is Trigger.TEST and s.ladder.stage not in CANCELLABLE
            return Phase.TEST if test else _LADDER_PHASES[s.ladder.stage]
        shown = (
            (bool(s.cannot_monitor), Phase.CANNOT_MONITOR),
            (s.paused, Phase.PAUSED),
            (s.check_in_active, Phase.CHECK_IN),
            (s.session_start is not None, Phase.OCCUPIED),
        )
        return next((phase for flag, phase in shown if flag), Phase.IDLE)

    @property
    def next_deadline(self) -> datetime | None:
        """When the station next needs a Tick, if ever."""
        due = self._due()
        return None if due is None else due[0]

    # -- input ---------------------------------------------------------------------------

    def handle(self, event: Event) -> list[Effect]:  # noqa: PLR0912 (one case per event type)
        """Apply one input; return what must be done, in order."""
        effects = self._fire_due(event.at)
        match event:
            case Reconfigured(config=config):
                self._replan(event.at, config)
                effects += self._fire_due(event.at)
            case Tick():
                pass
            case PresenceChanged(present=present):
                effects += self._on_presence(event.at, present)
            case MotionChanged(moving=moving):
                self._on_motion(event.at, moving)
            case DoorChanged(open=is_open):
                effects += self._on_door(event.at, is_open)
            case Pressed(action=action):
                calls_for_help = action is PressAction.HELP and self.config.help_button
                effects += self._on_press(event.at, action, calls_for_help=calls_for_help)
            case AskedForHelp():
                effects += self._on_press(event.at, PressAction.HELP, calls_for_help=True)
            case ImOk():
                effects += self._on_im_ok(event.at)
            case StartCheckIn(interval=interval):
                self._start_check_in(event.at, interval)
            case EndCheckIn():
                effects += self._end_check_in(event.at)
            case Acknowledged(alert_key=key, responder=responder):
                effects += self._on_acknowledged(event.at, key, responder)
            case Resolved(alert_key=key, outcome=outcome):
                effects += self._on_resolved(event.at, key, outcome)
            case SensorAvailability(sensor=sensor, available=available):
                effects += self._on_availability(event.at, sensor, available=available)
            case Pause(until=until):
                effects += self._pause(event.at, until)
            case Resume():
                effects += self._resume(event.at)
            case SendTest():
                if self.state.ladder is None:
                    effects += self._alert(event.at, Trigger.TEST, event.at, {})
        return effects

    # -- deadlines -----------------------------------------------------------------------

    def _due(self) -> tuple[datetime, int, Firing] | None:
        s, t = self.state, self.config.timers
        candidates: list[tuple[datetime, int, Firing]] = []
        if s.ladder is not None and s.ladder.deadline is not None:
            candidates.append((s.ladder.deadline, 0, self._fire_ladder))
        if s.ladder is not None and s.ladder.renotify_pending:
            assert s.ladder.last_update is not None
            candidates.append((s.ladder.last_update + t.help_renotify_min, 0, self._fire_renotify))
        if s.paused and s.paused_until is not None:
            candidates.append((s.paused_until, 1, self._fire_resume))
        if s.present_since is not None and not s.presence_confirmed:
            candidates.append((s.present_since + t.presence_confirm, 2, self._fire_presence))
        monitoring = not s.paused and s.ladder is None
        if s.session_start is not None and not s.paused:
            if monitoring and s.still_since is not None and not s.stillness_alerted:
                candidates.append((s.still_since + t.stillness, 3, self._fire_stillness))
            if s.next_duration is not None:
                candidates.append((s.next_duration, 4, self._fire_duration))
        if monitoring and s.check_in_active and s.next_prompt is not None:
            candidates.append((s.next_prompt, 5, self._fire_check_in))
        return min(candidates, key=lambda c: (c[0], c[1])) if candidates else None

    def _fire_due(self, now: datetime) -> list[Effect]:
        effects: list[Effect] = []
        for _ in range(_MAX_FIRINGS):
            due = self._due()
            if due is None or due[0] > now:
                return effects
            when, _, fire = due
            effects += fire(when, now)
        raise RuntimeError("station deadlines did not settle")  # pragma: no cover

    def _fire_ladder(self, when: datetime, now: datetime) -> list[Effect]:
        ladder, cfg = self.state.ladder, self.config
        assert ladder is not None
        late = now - when > LATE_AFTER
        # In-room steps that were never heard start again from now.
        missed = now - when > MISSED_AFTER
        start = now if missed else when
        match ladder.stage:
            case Stage.PROMPT:
                ladder.stage = Stage.COUNTDOWN
                ladder.deadline = start + cfg.timers.countdown
                return [CountdownStarted(start, late, ladder.trigger, ladder.deadline)]
            case Stage.COUNTDOWN if missed:
                ladder.deadline = now + cfg.timers.countdown
                return [CountdownStarted(now, late, ladder.trigger, ladder.deadline)]
            case Stage.COUNTDOWN:
                # The release point: nobody answered and the countdown ran out.
                if ladder.trigger is Trigger.MISSED_CHECK_IN:
                    self.state.missed_check_ins += 1
                    ladder.details["missed_check_ins"] = self.state.missed_check_ins
                elif ladder.trigger is Trigger.STILLNESS:
                    # One stillness alert per visit, until the visit ends or someone re-arms.
                    self.state.stillness_alerted = True
                return [self._send(ladder, when, late, release=True)]
            case _:
                ladder.reminders += 1
                n = ladder.reminders
                if n >= cfg.final_at_reminder:
                    ladder.deadline = None
                    return [self._escalate_step(ladder, when, late, Step.FINAL)]
                ladder.deadline = when + cfg.timers.reminder
                effects: list[Effect] = [Escalate(when, late, ladder.alert_key, Step.REMINDER, n)]
                if n == cfg.fallback_at_reminder:
                    effects.append(self._escalate_step(ladder, when, late, Step.FALLBACK))
                return effects

    def _escalate_step(self, ladder: Ladder, when: datetime, late: bool, step: Step) -> Escalate:
        """The fallback notice or the final alert: new people, so the released details too."""
        if not ladder.released:
            return Escalate(when, late, ladder.alert_key, step, ladder.reminders)
        release = self.config.release
        return Escalate(
            when,
            late,
            ladder.alert_key,
            step,
            ladder.reminders,
            location=release.location,
            contacts=release.contacts,
            notes=self.config.rescue_plan.notes or None,
        )

    def _fire_renotify(self, when: datetime, now: datetime) -> list[Effect]:
        ladder = self.state.ladder
        assert ladder is not None
        return [self._notify_presses(ladder, when)]

    def _fire_resume(self, when: datetime, now: datetime) -> list[Effect]:
        return self._resume(when, late=now - when > LATE_AFTER)

    def _fire_presence(self, when: datetime, now: datetime) -> list[Effect]:
        s = self.state
        s.presence_confirmed = True
        if s.session_start is None and (not self.config.has_door or not s.door_open):
            self._start_session(when)
        return []

    def _fire_stillness(self, when: datetime, now: datetime) -> list[Effect]:
        s = self.state
        assert s.still_since is not None
        assert s.session_start is not None
        details = {"occupied_for_s": int((when - s.session_start).total_seconds())}
        return self._escalate(when, now, Trigger.STILLNESS, s.still_since, details)

    def _fire_duration(self, when: datetime, now: datetime) -> list[Effect]:
        s = self.state
        assert s.session_start is not None
        repeat = self.config.timers.duration_repeat
        # Repeats missed while nothing ran are one late alert, not one each: the next comes
        # on the repeat's rhythm after now.
        s.next_duration = when + repeat * ((now - when) // repeat + 1)
        if s.ladder is not None:
            # One escalation at a time; the open one already has everyone's attention.
            return []
        details = {"occupied_for_s": int((when - s.session_start).total_seconds())}
        return self._escalate(when, now, Trigger.DURATION, s.session_start, details)

    def _fire_check_in(self, when: datetime, now: datetime) -> list[Effect]:
        self.state.next_prompt = None
        return self._escalate(when, now, Trigger.MISSED_CHECK_IN, when, {})

    # -- escalation ----------------------------------------------------------------------

    def _new_ladder(
        self, trigger: Trigger, started_at: datetime, details: dict[str, int]
    ) -> Ladder:
        s = self.state
        s.alert_seq += 1
        ladder = Ladder(
            alert_key=f"{self.config.station_id}-{s.alert_seq}",
            trigger=trigger,
            started_at=started_at,
            stage=Stage.PROMPT,
            deadline=None,
            details=details,
            # The alert itself is the first call for help; presses on it count from there.
            presses=1,
        )
        s.ladder = ladder
        return ladder

    def _escalate(
        self,
        when: datetime,
        now: datetime,
        trigger: Trigger,
        started_at: datetime,
        details: dict[str, int],
    ) -> list[Effect]:
        """Start at the in-room prompt (its answer window from now if it was never heard)."""
        assert trigger in _PROMPTED
        ladder = self._new_ladder(trigger, started_at, details)
        start = now if now - when > MISSED_AFTER else when
        ladder.deadline = start + self.config.timers.answer_window
        return [Prompt(start, now - when > LATE_AFTER, trigger, ladder.deadline)]

    def _alert(
        self,
        when: datetime,
        trigger: Trigger,
        started_at: datetime,
        details: dict[str, int],
    ) -> list[Effect]:
        """Alert at once (help requests and tests skip the prompt)."""
        ladder = self._new_ladder(trigger, started_at, details)
        if trigger is Trigger.HELP_REQUEST and ladder.presses >= self.config.urgent_at_press:
            ladder.urgency = Urgency.URGENT
        release = trigger is Trigger.HELP_REQUEST and self.config.release_on_help
        return [self._send(ladder, when, False, release=release)]

    def _send(self, ladder: Ladder, when: datetime, late: bool, *, release: bool) -> SendAlert:
        ladder.stage = Stage.ALERTED
        ladder.deadline = when + self.config.timers.reminder
        ladder.last_update = when
        ladder.released = release
        ladder.notified_presses = ladder.presses
        self.state.open_alerts.append(ladder.alert_key)
        details, plan = self.config.release, self.config.rescue_plan
        return SendAlert(
            when,
            late,
            alert_key=ladder.alert_key,
            trigger=ladder.trigger,
            urgency=ladder.urgency,
            started_at=ladder.started_at,
            details=dict(ladder.details),
            location=details.location if release else None,
            contacts=details.contacts if release else None,
            call_emergency_services=plan.call_emergency_services,
            # Notes are personal ("neighbour in 4B has naloxone"): they travel with the location.
            notes=(plan.notes or None) if release else None,
        )

    def _cancel_prompt(self, at: datetime) -> list[Effect]:
        """The occupant showed they are responsive before the release point."""
        s = self.state
        assert s.ladder is not None
        trigger = s.ladder.trigger
        s.ladder = None
        self._sign_of_life(at)
        return [PromptAnswered(at, False, trigger)]

    def _check_in_interval(self) -> timedelta:
        """The session's own interval, or the station's."""
        own = self.state.check_in_every_s
        return timedelta(seconds=own) if own else self.config.timers.check_in_interval

    def _sign_of_life(self, at: datetime) -> None:
        s = self.state
        if s.check_in_active:
            s.next_prompt = at + self._check_in_interval()
        if s.session_start is not None and not s.moving:
            s.still_since = at

    # -- inputs --------------------------------------------------------------------------

    def _start_session(self, at: datetime) -> None:
        s = self.state
        s.session_start = at
        s.stillness_alerted = False
        s.still_since = None if (self.config.has_motion and s.moving) else at
        s.next_duration = at + self.config.timers.duration

    def _end_session(self) -> None:
        s = self.state
        s.session_start = s.still_since = s.next_duration = None
        s.stillness_alerted = False

    def _on_presence(self, at: datetime, present: bool) -> list[Effect]:
        s, cfg = self.state, self.config
        if not cfg.room_sensing or present == s.present:
            return []
        s.present = present
        s.presence_confirmed = False
        s.present_since = at if present else None
        if not cfg.has_motion and s.session_start is not None:
            s.still_since = at
        if not present and not cfg.has_door:
            # Without a door contact, presence alone delimits the session.
            self._end_session()
        return []

    def _on_motion(self, at: datetime, moving: bool) -> None:
        s, cfg = self.state, self.config
        if not cfg.room_sensing:
            return
        if not cfg.has_motion:
            if s.session_start is not None:
                s.still_since = at
            return
        if moving == s.moving:
            return
        s.moving = moving
        if s.session_start is not None:
            s.still_since = None if moving else at

    def _on_door(self, at: datetime, is_open: bool) -> list[Effect]:
        s, cfg = self.state, self.config
        if not cfg.room_sensing or is_open == s.door_open:
            return []
        s.door_open = is_open
        if not is_open:
            if s.present and s.session_start is None:
                # Someone must be seen for the confirm time after the door closes, not just
                # before it (they may have been leaving).
                s.present_since = at
                s.presence_confirmed = False
            return []
        self._end_session()
        ladder = s.ladder
        if ladder is None:
            return []
        if ladder.stage in CANCELLABLE:
            if ladder.trigger is Trigger.MISSED_CHECK_IN:
                return []
            return self._cancel_prompt(at)
        return [DoorOpened(at, False, ladder.alert_key)]

    def _on_press(  # noqa: PLR0911 (one case per gesture)
        self, at: datetime, action: PressAction, *, calls_for_help: bool
    ) -> list[Effect]:
        s, cfg = self.state, self.config
        ladder = s.ladder
        if action is PressAction.PAUSE:
            # The person is there and chose: pausing answers a prompt; pressed again, resumes.
            return self._resume(at) if s.paused else self._pause(at, None)
        if ladder is not None and ladder.stage in CANCELLABLE:
            if not calls_for_help:
                # Any other gesture answers a prompt or stops the countdown.
                return self._cancel_prompt(at)
            # A help gesture never cancels a call for help: the person is responsive, so the
            # prompt ends, and their own call for help goes out at once.
            s.ladder = None
            self._sign_of_life(at)
            return self._alert(at, Trigger.HELP_REQUEST, at, {"presses": 1})
        if action is PressAction.ANSWER:
            return self._on_im_ok(at)
        if action is PressAction.START_CHECK_IN:
            self._start_check_in(at, None)
            return []
        if not calls_for_help:
            self._sign_of_life(at)
            return []
        effects: list[Effect] = []
        if ladder is not None and ladder.trigger is Trigger.TEST:
            # A real call for help ends the test.
            effects += self._close(at, ladder.alert_key, Outcome.TEST)
        elif ladder is not None and at - ladder.started_at < cfg.timers.help_session:
            return self._more_presses(at, ladder)
        # A new help request (one past the help session starts over; the old alert stays open
        # at the service for responders to close).
        return effects + self._alert(at, Trigger.HELP_REQUEST, at, {"presses": 1})

    def _more_presses(self, at: datetime, ladder: Ladder) -> list[Effect]:
        cfg, every = self.config, self.config.renotify_every_presses
        ladder.presses += 1
        presses = ladder.details["presses"] = ladder.presses
        assert ladder.last_update is not None
        became_urgent = presses >= cfg.urgent_at_press and ladder.urgency is Urgency.NORMAL
        since = at - ladder.last_update
        due = (
            became_urgent
            or presses // every > ladder.notified_presses // every
            or since >= cfg.timers.help_renotify
        )
        if became_urgent:
            ladder.urgency = Urgency.URGENT
        if not due:
            return []
        if not became_urgent and since < cfg.timers.help_renotify_min:
            # Told too recently: responders hear the count when the limit allows.
            ladder.renotify_pending = True
            return []
        return [self._notify_presses(ladder, at)]

    def _notify_presses(self, ladder: Ladder, at: datetime) -> MorePresses:
        ladder.last_update = at
        ladder.notified_presses = ladder.presses
        ladder.renotify_pending = False
        return MorePresses(at, False, ladder.alert_key, ladder.urgency, ladder.presses)

    def _on_im_ok(self, at: datetime) -> list[Effect]:
        s = self.state
        ladder = s.ladder
        if ladder is None:
            self._sign_of_life(at)
            return []
        if ladder.stage in CANCELLABLE:
            return self._cancel_prompt(at)
        # Past the release point the alert stays open for responders to close; the reminders
        # stop and monitoring resumes, stillness included.
        s.ladder = None
        s.stillness_alerted = False
        self._sign_of_life(at)
        return [OccupantOk(at, False, ladder.alert_key)]

    def _start_check_in(self, at: datetime, interval: timedelta | None) -> None:
        s = self.state
        if not self.config.check_in:
            return
        if s.check_in_active:
            if interval is not None:
                # A new rhythm for the session in progress, counted from now.
                s.check_in_every_s = max(1, round(interval.total_seconds()))
                if s.next_prompt is not None:
                    s.next_prompt = at + self._check_in_interval()
            return
        s.check_in_active = True
        s.missed_check_ins = 0
        s.check_in_every_s = 0 if interval is None else max(1, round(interval.total_seconds()))
        s.next_prompt = at + self._check_in_interval()

    def _end_check_in(self, at: datetime) -> list[Effect]:
        s = self.state
        s.check_in_active = False
        s.next_prompt = None
        s.check_in_every_s = 0
        if (
            s.ladder is not None
            and s.ladder.trigger is Trigger.MISSED_CHECK_IN
            and s.ladder.stage in CANCELLABLE
        ):
            return self._cancel_prompt(at)
        return []

    def _on_acknowledged(self, at: datetime, key: str, responder: str) -> list[Effect]:
        ladder = self.state.ladder
        if ladder is None or ladder.alert_key != key or ladder.stage is not Stage.ALERTED:
            # Only the first acknowledgement owns an alert.
            return []
        ladder.stage = Stage.ACKNOWLEDGED
        ladder.deadline = None
        ladder.responder = responder
        return [ResponderAttending(at, False, key, responder)]

    def _on_resolved(self, at: datetime, key: str, outcome: Outcome) -> list[Effect]:
        if key not in self.state.open_alerts:
            # Only alerts that were sent can be closed (not a prompt, not a stranger's key).
            return []
        return self._close(at, key, outcome)

    def _close(self, at: datetime, key: str, outcome: Outcome) -> list[Effect]:
        s = self.state
        s.open_alerts.remove(key)
        if s.ladder is not None and s.ladder.alert_key == key:
            s.ladder = None
        if outcome in ENDING_OUTCOMES:
            self._end_session()
            s.check_in_active = False
            s.next_prompt = None
            s.check_in_every_s = 0
        else:
            if outcome is Outcome.OCCUPANT_OK:
                s.stillness_alerted = False
            # Monitoring carries on from now: no deadline is left behind in the past.
            self._sign_of_life(at)
        return [AlertClosed(at, False, key, outcome)]

    def _on_availability(self, at: datetime, sensor: str, *, available: bool) -> list[Effect]:
        s = self.state
        if available:
            s.unavailable.discard(sensor)
            if sensor in s.cannot_monitor:
                s.cannot_monitor.discard(sensor)
                return [MonitoringRestored(at, False, sensor)]
            return []
        s.unavailable.add(sensor)
        in_session = s.session_start is not None or s.present
        if in_session and sensor not in s.cannot_monitor:
            s.cannot_monitor.add(sensor)
            return [CannotMonitor(at, False, sensor)]
        return []

    def _pause(self, at: datetime, until: datetime | None) -> list[Effect]:
        s = self.state
        if until is not None and until <= at:
            # A pause that has already ended changes nothing.
            return []
        s.paused = True
        s.paused_at = at
        s.pause_default = until is None
        s.paused_until = until if until is not None else self._default_resume(at)
        effects: list[Effect] = []
        if s.ladder is not None and s.ladder.stage in CANCELLABLE:
            effects += self._cancel_prompt(at)
        # The room says so: nobody should believe they are watched while they are not.
        return [*effects, Paused(at, False, s.paused_until)]

    def _resume(self, at: datetime, *, late: bool = False) -> list[Effect]:
        s = self.state
        if not s.paused:
            return []
        s.paused = False
        s.paused_until = s.paused_at = None
        s.pause_default = False
        self._sign_of_life(at)
        if s.next_duration is not None and s.next_duration <= at:
            s.next_duration = at + self.config.timers.duration_repeat
        return [Resumed(at, late)]

    def _default_resume(self, paused_at: datetime) -> datetime | None:
        auto = self.config.timers.auto_resume
        return paused_at + auto if auto > timedelta(0) else None

    # -- settings --------------------------------------------------------------------------

    def _replan(self, at: datetime, config: StationConfig) -> None:
        """Take new settings; every pending step moves by its timer's change, none into the past.

        A step the new settings bring before now fires now (on time: it was not missed).
        """
        old, new = self.config.timers, config.timers
        self.config = config
        s = self.state

        def moved(when: datetime | None, before: timedelta, after: timedelta) -> datetime | None:
            return None if when is None else max(at, when + after - before)

        if (ladder := s.ladder) is not None and ladder.deadline is not None:
            timer = {
                Stage.PROMPT: "answer_window",
                Stage.COUNTDOWN: "countdown",
            }.get(ladder.stage, "reminder")
            ladder.deadline = moved(ladder.deadline, getattr(old, timer), getattr(new, timer))
        if not s.check_in_every_s:
            # A session with its own interval keeps it.
            s.next_prompt = moved(s.next_prompt, old.check_in_interval, new.check_in_interval)
        if s.session_start is not None and s.next_duration is not None:
            if s.next_duration == s.session_start + old.duration:
                s.next_duration = moved(s.next_duration, old.duration, new.duration)
            else:
                s.next_duration = moved(s.next_duration, old.duration_repeat, new.duration_repeat)
        if s.paused and s.pause_default and s.paused_at is not None:
            resume = self._default_resume(s.paused_at)
            s.paused_until = None if resume is None else max(at, resume)
