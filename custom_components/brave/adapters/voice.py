"""Requests by voice through Home Assistant's Assist: "I'm okay", "call for help", "pause...".

The sentences (core/voice) are registered with the conversation agent as trigger sentences, the
mechanism of the `conversation` automation trigger, once Assist is set up. A request reaches the
station of the room the voice device is in (its area is the station's), or the only station, or
the room it names ("... in Room 1"); otherwise the answer asks where. It counts like a press: a
spoken "I'm okay" answers a prompt, "call for help" always calls for help. The room's own words
(help called, paused...) come back from the voice device rather than the room's speaker.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
import logging
from typing import TYPE_CHECKING, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import area_registry as ar, device_registry as dr, entity_registry as er
from homeassistant.setup import async_when_setup

from ..const import CONF_AREA, DOMAIN
from ..core.engine.events import AskedForHelp, EndCheckIn, ImOk, Resume, StartCheckIn
from ..core.engine.state import CANCELLABLE
from ..core.voice import Sentence, duration_minutes, example, room_key, sentences
from ..core.voice.command import HOURS, MINUTES, ROOM, Command
from ..core.words.room import minutes_text
from ..core.words.voice import VoiceReply, voice_text
from .site import BraveSite
from .station_driver import StationDriver

if TYPE_CHECKING:
    from hassil import Intents
    from hassil.recognize import RecognizeResult
    from homeassistant.components.conversation import ConversationInput

_LOGGER = logging.getLogger(__name__)
CONVERSATION: Final = "conversation"


@dataclass(frozen=True, slots=True)
class _Heard:
    """One reading of what was said: the request, its duration and the room it names."""

    sentence: Sentence
    duration: str | None
    room: str | None


@dataclass(frozen=True, slots=True)
class _Station:
    site: BraveSite
    driver: StationDriver


@callback
def async_setup_voice(hass: HomeAssistant) -> None:
    """Offer the sentences to Assist once the conversation integration is set up."""
    async_when_setup(hass, CONVERSATION, _async_register)


async def _async_register(hass: HomeAssistant, _component: str) -> None:
    Voice(hass).register()


class Voice:
    """Hears Brave's sentences and turns them into station inputs."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Read the sentences (registered with register)."""
        self.hass = hass
        self._sentences = {s.template: s for s in sentences()}
        self._intents: Intents | None = None

    @callback
    def register(self) -> CALLBACK_TYPE:
        """Register every sentence with the conversation agent; returns the unregister."""
        from homeassistant.components.conversation.agent_manager import get_agent_manager  # noqa: PLC0415

        return get_agent_manager(self.hass).register_trigger(
            list(self._sentences), self._async_heard
        )

    def _readings(self, text: str, result: RecognizeResult) -> list[_Heard]:
        """Every way the text reads as one of the sentences: the agent's reading first."""
        from hassil import Intents, recognize_all  # noqa: PLC0415 (with conversation only)
        from hassil.intents import WildcardSlotList  # noqa: PLC0415

        if self._intents is None:
            self._intents = Intents.from_dict(
                {
                    "language": "en",
                    "intents": {"brave": {"data": [{"sentences": list(self._sentences)}]}},
                }
            )
            for slot in (MINUTES, HOURS, ROOM):
                self._intents.slot_lists[slot] = WildcardSlotList(slot)
        readings: list[_Heard] = []
        for found in (result, *recognize_all(text, self._intents)):
            template = found.intent_sentence.text if found.intent_sentence else None
            if (sentence := self._sentences.get(template or "")) is None:
                continue  # pragma: no cover (every sentence here is a template of ours)
            values = {name: str(entity.value).strip() for name, entity in found.entities.items()}
            duration = values.get(sentence.unit) if sentence.unit else None
            readings.append(_Heard(sentence, duration, values.get(ROOM)))
        return readings

    async def _async_heard(
        self, user_input: ConversationInput, result: RecognizeResult
    ) -> str | None:
        """Answer one request (the conversation agent speaks the answer)."""
        if not (readings := self._readings(user_input.text, result)):
            return None  # pragma: no cover (the agent matched one of our sentences)
        stations = list(self._stations())
        language = stations[0].site.language if stations else self.hass.config.language
        if not stations:
            return voice_text(language, VoiceReply.NO_STATION)
        valid = [
            (heard, minutes)
            for heard in readings
            if ((minutes := duration_minutes(heard.sentence.unit, heard.duration)) is not None)
            is (heard.sentence.unit is not None)
            and (heard.room is None or self._named(stations, heard.room))
        ]
        if not valid:
            first = readings[0]
            if first.room is not None and not self._named(stations, first.room):
                return self._where(stations, first.sentence.command, first.room)
            return voice_text(language, VoiceReply.BAD_DURATION)
        # A reading that names the room wins over one that reads it as part of a duration.
        heard, minutes = next((v for v in valid if v[0].room is not None), valid[0])
        if heard.room is not None:
            targets = self._named(stations, heard.room)
        else:
            here = self._stations_in_area(stations, user_input.device_id, user_input.satellite_id)
            targets = here or (stations if len(stations) == 1 else [])
        if len(targets) != 1:
            return self._where(stations, heard.sentence.command, None)
        return self._do(targets[0], heard.sentence.command, minutes)

    # -- which station -------------------------------------------------------------------

    def _stations(self) -> Iterable[_Station]:
        for entry in self.hass.config_entries.async_loaded_entries(DOMAIN):
            site: BraveSite = entry.runtime_data
            for driver in site.drivers.values():
                yield _Station(site, driver)

    def _stations_in_area(
        self, stations: list[_Station], device_id: str | None, satellite_id: str | None
    ) -> list[_Station]:
        """The stations in the area of the voice device that heard the request."""
        area = self._speaker_area(device_id, satellite_id)
        if area is None:
            return []
        devices = dr.async_get(self.hass)
        found = []
        for station in stations:
            subentry = station.site.entry.subentries.get(station.driver.station_id)
            device = devices.async_get_device_by_identifier(
                (DOMAIN, station.driver.station_id), station.site.entry.entry_id
            )
            areas = {
                subentry.data.get(CONF_AREA) if subentry else None,
                device.area_id if device else None,
            }
            if area in areas:
                found.append(station)
        return found

    def _speaker_area(self, device_id: str | None, satellite_id: str | None) -> str | None:
        if satellite_id is not None and (entity := er.async_get(self.hass).async_get(satellite_id)):
            if entity.area_id is not None:
                return entity.area_id
            device_id = entity.device_id or device_id
        if device_id is not None and (device := dr.async_get(self.hass).async_get(device_id)):
            return device.area_id
        return None

    def _named(self, stations: list[_Station], room: str) -> list[_Station]:
        """The stations whose name or area is the room that was said."""
        said = room_key(room)
        areas = {a.id: a.name for a in ar.async_get(self.hass).async_list_areas()}
        return [
            s
            for s in stations
            if said
            in {
                room_key(s.driver.title),
                room_key(s.driver.engine.config.release.location.label),
                room_key(areas.get(self._station_area(s) or "", "")),
            }
            - {""}
        ]

    def _station_area(self, station: _Station) -> str | None:
        subentry = station.site.entry.subentries.get(station.driver.station_id)
        area: str | None = subentry.data.get(CONF_AREA) if subentry else None
        return area

    def _where(self, stations: list[_Station], command: Command, room: str | None) -> str:
        language = stations[0].site.language
        names = sorted(s.driver.title for s in stations)
        ask = example(language, command, names[0])
        if room is None:
            return voice_text(language, VoiceReply.WHERE, example=ask)
        return voice_text(language, VoiceReply.NO_SUCH_ROOM, room=room, example=ask)

    # -- doing it ------------------------------------------------------------------------

    def _do(self, station: _Station, command: Command, minutes: int | None) -> str:
        """Feed the request; the answer is what the room says, or an answer of its own."""
        site, driver = station.site, station.driver
        _LOGGER.debug("Station %s: %s asked by voice", driver.station_id, command)
        with site.room.captured(driver.station_id) as said:
            reply = self._act(driver, command, minutes)
        words = list(said)
        if reply is not None:
            words.append(voice_text(site.language, reply, **self._values(site, driver)))
        elif not words:
            # More presses on an open call: the room has nothing new to say.
            words.append(voice_text(site.language, VoiceReply.HELP_AGAIN))
        return " ".join(words)

    def _act(  # noqa: PLR0911 (one case per request)
        self, driver: StationDriver, command: Command, minutes: int | None
    ) -> VoiceReply | None:
        """Feed the request; None when the room's own words answer it."""
        state, config = driver.engine.state, driver.engine.config
        match command:
            case Command.HELP:
                driver.feed_now(AskedForHelp)
                return None
            case Command.OK:
                ladder = state.ladder
                driver.feed_now(ImOk)
                if ladder is None:
                    return (
                        VoiceReply.OK_NEXT_CHECK if state.check_in_active else VoiceReply.OK_NOTED
                    )
                # Before the release point the room thanks them; past it, responders were told.
                return None if ladder.stage in CANCELLABLE else VoiceReply.OK_TOLD
            case Command.PAUSE:
                driver.pause(None if minutes is None else timedelta(minutes=minutes))
                return None
            case Command.RESUME:
                if not state.paused:
                    return VoiceReply.NOT_PAUSED
                driver.feed_now(Resume)
                return None
            case Command.STOP_CHECK_IN:
                if not state.check_in_active:
                    return VoiceReply.NO_CHECK_IN
                driver.feed_now(EndCheckIn)
                return VoiceReply.CHECK_IN_STOPPED
            case Command.CHECK_IN:
                if not config.check_in:
                    return VoiceReply.CHECK_IN_OFF
                return self._check_in(driver, minutes)

    @staticmethod
    def _check_in(driver: StationDriver, minutes: int | None) -> VoiceReply:
        state = driver.engine.state
        running = state.check_in_active
        if state.ladder is not None and state.ladder.stage in CANCELLABLE:
            # Whoever speaks to the room is there: it answers the prompt, as a press would.
            driver.feed_now(ImOk)
        if state.paused:
            # Asking to be checked on is asking to be watched again.
            driver.feed_now(Resume)
        interval = None if minutes is None else timedelta(minutes=minutes)
        driver.feed_now(lambda now: StartCheckIn(now, interval))
        if not running:
            return VoiceReply.CHECK_IN_STARTED
        return VoiceReply.CHECK_IN_RUNNING if interval is None else VoiceReply.CHECK_IN_CHANGED

    @staticmethod
    def _values(site: BraveSite, driver: StationDriver) -> dict[str, str]:
        """What an answer may name: the session's interval, the station."""
        own = driver.engine.state.check_in_every_s
        seconds = own or driver.engine.config.timers.check_in_interval.total_seconds()
        minutes = max(1, round(seconds / 60))
        return {"duration": minutes_text(site.language, minutes), "station": driver.title}
