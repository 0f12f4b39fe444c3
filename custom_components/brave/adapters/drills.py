"""Button drills in Home Assistant: schedule, ask, listen, report (the policy is core/drills.py).

A drill listens to its buttons beside the stations, never in their place: every press still
reaches its station through sensing.py and means what it always means, so a help press during
a drill calls for help. The drill only notes which buttons it heard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
import logging
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import (
    CALLBACK_TYPE,
    Event as HassEvent,
    EventStateChangedData,
    HomeAssistant,
    callback,
)
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_state_change_event,
)
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..core.buttons import ACTION_SUFFIX, SOURCE_MQTT, SOURCE_ZHA, z2m_press, zha_press
from ..core.drills import (
    DEFAULT_WINDOW,
    Ask,
    Drill,
    DrillReport,
    DrillSchedule,
    InvalidScheduleError,
    StationPlan,
    drill_buttons,
)
from ..core.engine.events import PressAction
from ..core.engine.station import Phase
from ..core.words.drills import DrillMessage, drill_text, report_texts, room_ask
from .learned_buttons import ZHA_EVENT, is_entity_press, mqtt_ready
from .program_store import ProgramStore
from .responders import InvalidTargetError, Responders, Target, parse_target
from .room import Room
from .station_driver import StationDriver

if TYPE_CHECKING:
    from homeassistant.components.mqtt import ReceiveMessage

_LOGGER = logging.getLogger(__name__)

# The site's options: a section of drill settings.
SECTION_DRILLS: Final = "drills"
CONF_DRILL_DAYS: Final = "days"
CONF_DRILL_TIME: Final = "time"
CONF_DRILL_WINDOW: Final = "window"
CONF_DRILL_TARGETS: Final = "targets"
# Fired when a drill ends, with its report.
EVENT_DRILL_REPORT: Final = f"{DOMAIN}_drill_report"


def drill_schedule(options: dict[str, Any]) -> DrillSchedule | None:
    """The site's drill schedule, or None; InvalidScheduleError when it cannot be read."""
    drills = options.get(SECTION_DRILLS) or {}
    return DrillSchedule.read(
        drills.get(CONF_DRILL_DAYS) or (),
        drills.get(CONF_DRILL_TIME),
        drills.get(CONF_DRILL_WINDOW),
    )


def drill_targets(text: str) -> list[Target]:
    """Who else is asked and told (staff phones); InvalidTargetError for an unreadable line."""
    lines = [line for line in text.splitlines() if line.strip()]
    return [parse_target(line, f"Drill contact {n}") for n, line in enumerate(lines, start=1)]


def _can_ask(driver: StationDriver) -> bool:
    """Whether the room can be asked: a speaker with a voice, or a screen."""
    b = driver.bindings
    return bool((b.tts and b.media_player) or b.notify)


class SiteDrills:
    """Runs one site's drills: one at a time, from the schedule or a service call."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        drivers: dict[str, StationDriver],
        room: Room,
        responders: Responders,
    ) -> None:
        """Read the schedule and the drill contacts from the site's options."""
        self.hass = hass
        self.entry = entry
        self.drivers = drivers
        self.room = room
        self.responders = responders
        self.language = responders.language
        try:
            self.schedule = drill_schedule(dict(entry.options))
        except InvalidScheduleError:
            _LOGGER.error("The drill schedule of site %s cannot be read: none", entry.title)
            self.schedule = None
        try:
            text = (entry.options.get(SECTION_DRILLS) or {}).get(CONF_DRILL_TARGETS, "")
            self.targets = drill_targets(text)
        except InvalidTargetError:
            _LOGGER.error("A drill contact of site %s cannot be read: none", entry.title)
            self.targets = []
        self.store = ProgramStore(hass, f"{DOMAIN}.{entry.entry_id}.drills", self._dump)
        self.drill: Drill | None = None
        self.last_report: dict[str, Any] | None = None
        self._number = 0
        self._listening: list[CALLBACK_TYPE] = []
        self._unsub_end: CALLBACK_TYPE | None = None
        self._unsub_schedule: CALLBACK_TYPE | None = None
        self._listeners: list[Callable[[], None]] = []

    # -- start and stop ------------------------------------------------------------------

    async def async_start(self) -> None:
        """Restore a drill in progress (ending it now if its time passed) and the schedule."""
        stored = await self.store.async_load()
        if isinstance(stored, dict):
            number = stored.get("number")
            self._number = number if isinstance(number, int) else 0
            last = stored.get("last_report")
            self.last_report = last if isinstance(last, dict) else None
            if stored.get("drill") is not None:
                try:
                    self.drill = Drill.load(stored["drill"])
                except ValueError as err:
                    _LOGGER.error("A drill in progress could not be read back: %s", err)
        if self.drill is not None:
            if self.drill.ends_at <= dt_util.utcnow():
                self._finish(dt_util.utcnow())
            else:
                await self._async_listen(self.drill)
                self._arm_end(self.drill)
        self._arm_schedule()

    async def async_stop(self) -> None:
        """Stop listening and timers; a drill in progress carries on after a restart."""
        self._unlisten()
        for unsub in (self._unsub_end, self._unsub_schedule):
            if unsub is not None:
                unsub()
        self._unsub_end = self._unsub_schedule = None
        await self.store.async_close()

    @callback
    def add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call listener when a drill starts, hears a button or ends."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _changed(self) -> None:
        self.store.save_now()
        for listener in list(self._listeners):
            listener()

    def _dump(self) -> dict[str, Any]:
        return {
            "number": self._number,
            "drill": None if self.drill is None else self.drill.dump(),
            "last_report": self.last_report,
        }

    # -- the schedule --------------------------------------------------------------------

    @callback
    def _arm_schedule(self) -> None:
        if self.schedule is None:
            return
        local = dt_util.as_local(dt_util.utcnow())
        self._unsub_schedule = async_track_point_in_utc_time(
            self.hass, self._on_schedule, self.schedule.next_start(local)
        )

    async def _on_schedule(self, _now: datetime) -> None:
        self._unsub_schedule = None
        self._arm_schedule()
        assert self.schedule is not None
        if self.drill is not None:
            _LOGGER.info("A scheduled drill was skipped: the last one is still running")
            return
        await self.async_start_drill(None, self.schedule.window)

    # -- a drill -------------------------------------------------------------------------

    @property
    def progress(self) -> dict[str, Any] | None:
        """The drill in progress, as a report so far."""
        if self.drill is None:
            return None
        return {**self.drill.report(dt_util.utcnow()).as_dict(), "result": "running"}

    async def async_start_drill(
        self, stations: Iterable[str] | None, window: timedelta | None
    ) -> Drill:
        """Start a drill of some stations (None: all); none may be running."""
        assert self.drill is None
        wanted = list(self.drivers) if stations is None else list(stations)
        now = dt_util.utcnow()
        if window is None:
            window = self.schedule.window if self.schedule else DEFAULT_WINDOW
        self._number += 1
        plans = [self._plan(self.drivers[sid]) for sid in wanted if sid in self.drivers]
        self.drill = drill = Drill.start(self._number, now, window, plans)
        await self._async_listen(drill)
        self._arm_end(drill)
        self._ask(drill, window)
        self._changed()
        return drill

    def _plan(self, driver: StationDriver) -> StationPlan:
        phase = driver.engine.phase
        return StationPlan(
            driver.station_id,
            driver.title,
            drill_buttons(driver.bindings, help_mode=driver.engine.config.help_button),
            _can_ask(driver),
            # Never talk over a prompt, a countdown or an alert.
            busy=driver.engine.state.ladder is not None,
            paused=phase is Phase.PAUSED,
        )

    @callback
    def _ask(self, drill: Drill, window: timedelta) -> None:
        minutes = round(window.total_seconds() / 60)
        for station in drill.stations.values():
            if not station.asked_in_room or not station.asked:
                continue
            gesture = next(
                (b.gesture for b in station.asked if b.ask is Ask.GESTURE and b.gesture), None
            )
            text = room_ask(self.language, gesture, minutes)
            self.room.announce(self.drivers[station.station_id], text, flash=True)
        rooms = sum(1 for s in drill.stations.values() if s.asked)
        if self.targets and rooms:
            text = drill_text(self.language, DrillMessage.STAFF_ASK, rooms=rooms, minutes=minutes)
            self.responders.send(self.targets, text)

    @callback
    def _arm_end(self, drill: Drill) -> None:
        self._unsub_end = async_track_point_in_utc_time(self.hass, self._on_end, drill.ends_at)

    @callback
    def _on_end(self, now: datetime) -> None:
        self._unsub_end = None
        self._finish(now)

    @callback
    def _finish(self, at: datetime) -> None:
        drill = self.drill
        assert drill is not None
        self._unlisten()
        if self._unsub_end is not None:
            self._unsub_end()
            self._unsub_end = None
        self.drill = None
        report = drill.report(min(at, drill.ends_at))
        self.last_report = found = report.as_dict()
        self._tell(report, found)
        self._changed()

    @callback
    def _tell(self, report: DrillReport, found: dict[str, Any]) -> None:
        """The report: a notification, the health contacts, the drill contacts, an event."""
        title, message = report_texts(self.language, report)
        persistent_notification.async_create(
            self.hass,
            message,
            title=title,
            notification_id=f"{DOMAIN}_{self.entry.entry_id}_drill",
        )
        told = self.responders.targets(["health_contacts"])
        told += [t for t in self.targets if t not in told]
        self.responders.send(told, f"{title}. {message}")
        self.hass.bus.async_fire(EVENT_DRILL_REPORT, {"site": self.entry.entry_id, **found})

    # -- listening -----------------------------------------------------------------------

    async def _async_listen(self, drill: Drill) -> None:
        """Listen to every drilled button: entities, ZHA devices and Zigbee2MQTT topics."""
        entities: dict[str, list[str]] = {}
        learned: dict[tuple[str, str], list[str]] = {}
        for station_id, keys in drill.listening().items():
            driver = self.drivers.get(station_id)
            if driver is None:
                continue
            sources = {b.key: b.source for b in driver.bindings.learned_buttons}
            for key in keys:
                if key in sources:
                    learned.setdefault((sources[key], key), []).append(station_id)
                else:
                    entities.setdefault(key, []).append(station_id)
        if entities:
            self._listening.append(
                async_track_state_change_event(
                    self.hass, list(entities), partial(self._on_entity, entities)
                )
            )
        if any(source == SOURCE_ZHA for source, _ in learned):
            self._listening.append(
                self.hass.bus.async_listen(ZHA_EVENT, partial(self._on_zha, learned))
            )
        topics = sorted(key for source, key in learned if source == SOURCE_MQTT)
        if topics and mqtt_ready(self.hass):
            from homeassistant.components import mqtt  # noqa: PLC0415 (only with mqtt set up)

            on_message = partial(self._on_mqtt, learned)
            for topic in topics:
                for suffix in ("", ACTION_SUFFIX):
                    self._listening.append(
                        await mqtt.async_subscribe(self.hass, topic + suffix, on_message)
                    )

    @callback
    def _unlisten(self) -> None:
        for unsub in self._listening:
            unsub()
        self._listening = []

    @callback
    def _on_entity(
        self, stations: dict[str, list[str]], event: HassEvent[EventStateChangedData]
    ) -> None:
        old, new = event.data["old_state"], event.data["new_state"]
        if not is_entity_press(old, new):
            return
        assert new is not None
        key = event.data["entity_id"]
        for station_id in stations.get(key, ()):
            driver = self.drivers[station_id]
            action = driver.bindings.entity_press_action(
                new.state, new.attributes.get("event_type")
            )
            self._heard(driver, key, event.time_fired, action)

    @callback
    def _on_zha(
        self, learned: dict[tuple[str, str], list[str]], event: HassEvent[dict[str, Any]]
    ) -> None:
        if (press := zha_press(event.data)) is not None:
            self._learned_press(learned, press.source, press.key, press.gesture, event.time_fired)

    @callback
    def _on_mqtt(self, learned: dict[tuple[str, str], list[str]], msg: ReceiveMessage) -> None:
        # A retained message is an old press replayed by the broker.
        if not msg.retain and (press := z2m_press(msg.topic, msg.payload)) is not None:
            self._learned_press(learned, press.source, press.key, press.gesture, dt_util.utcnow())

    @callback
    def _learned_press(
        self,
        learned: dict[tuple[str, str], list[str]],
        source: str,
        key: str,
        gesture: str,
        at: datetime,
    ) -> None:
        for station_id in learned.get((source, key), ()):
            driver = self.drivers[station_id]
            button = next(b for b in driver.bindings.learned_buttons if b.key == key)
            # A gesture listed nowhere means nothing to the station, but the button works.
            self._heard(driver, key, at, button.action_for(gesture))

    @callback
    def _heard(
        self, driver: StationDriver, key: str, at: datetime, action: PressAction | None
    ) -> None:
        drill = self.drill
        if drill is None:
            return
        called_for_help = action is PressAction.HELP and driver.engine.config.help_button
        first = drill.hear(driver.station_id, key, at, called_for_help=called_for_help)
        station = drill.stations[driver.station_id]
        if (
            first
            and not called_for_help
            and station.skipped is None
            and driver.engine.state.ladder is None
        ):
            # The room hears its button worked; after a help press it hears help was called.
            self.room.announce(driver, drill_text(self.language, DrillMessage.HEARD))
        if not drill.waiting:
            self._finish(at)
        elif first or called_for_help:
            self._changed()
