"""In the room: speak, show and flash through whatever the station has bound."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from ..const import DOMAIN
from ..core.engine.effects import (
    CountdownStarted,
    Effect,
    Paused,
    Prompt,
    PromptAnswered,
    ResponderAttending,
    Resumed,
    SendAlert,
    Trigger,
)
from ..core.words.room import RoomMessage, paused_text, room_text
from .station_driver import StationDriver

_LOGGER = logging.getLogger(__name__)


class Room:
    """Carries out the effects that happen in the room."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, language: str) -> None:
        """Speak in the site's language."""
        self.hass = hass
        self.entry = entry
        self.language = language
        # Stations whose words go back to the person who just spoke to a voice device in the
        # room, instead of out of the room's speaker a second time.
        self._captures: dict[str, list[str]] = {}

    @contextmanager
    def captured(self, station_id: str) -> Iterator[list[str]]:
        """Collect what a station would say while the block runs, instead of saying it."""
        said: list[str] = []
        self._captures[station_id] = said
        try:
            yield said
        finally:
            del self._captures[station_id]

    @callback
    def perform(self, driver: StationDriver, effect: Effect) -> None:
        """Say what the effect means for the occupant, if anything."""
        help_mode = driver.engine.config.help_button
        match effect:
            case Prompt():
                message = RoomMessage.PROMPT_HELP_MODE if help_mode else RoomMessage.PROMPT
                self._say(driver, message, flash=True)
            case CountdownStarted(ends_at=ends_at):
                seconds = max(0, round((ends_at - effect.at).total_seconds()))
                message = RoomMessage.COUNTDOWN_HELP_MODE if help_mode else RoomMessage.COUNTDOWN
                self._say(driver, message, flash=True, seconds=seconds)
            case PromptAnswered():
                self._say(driver, RoomMessage.ANSWERED)
            case SendAlert(trigger=Trigger.TEST):
                self._say(driver, RoomMessage.TEST_CALLED)
            case SendAlert():
                self._say(driver, RoomMessage.HELP_CALLED)
            case ResponderAttending(responder=responder):
                self._say(driver, RoomMessage.RESPONDER_COMING, responder=responder)
            case Paused(until=until):
                minutes = (
                    None
                    if until is None
                    else max(1, round((until - effect.at).total_seconds() / 60))
                )
                self.announce(driver, paused_text(self.language, minutes, help_mode=help_mode))
            case Resumed():
                self._say(driver, RoomMessage.RESUMED)

    @callback
    def _say(
        self, driver: StationDriver, message: RoomMessage, *, flash: bool = False, **values: Any
    ) -> None:
        self.announce(driver, room_text(self.language, message, **values), flash=flash)

    @callback
    def announce(self, driver: StationDriver, text: str, *, flash: bool = False) -> None:
        """Say a text in the room through the station's speaker, screen and light."""
        if (said := self._captures.get(driver.station_id)) is not None:
            said.append(text)
            return
        b = driver.bindings
        calls: list[tuple[str, str, dict[str, Any]]] = []
        if b.tts and b.media_player:
            speak = {"entity_id": b.tts, "media_player_entity_id": b.media_player, "message": text}
            calls.append(("tts", "speak", speak))
        if b.notify:
            calls.append(
                (
                    "notify",
                    "send_message",
                    {"entity_id": b.notify, "title": "Brave", "message": text},
                )
            )
        if flash and b.light:
            calls.append(("light", "turn_on", {"entity_id": b.light, "flash": "long"}))
        for domain, service, data in calls:
            self.entry.async_create_task(
                self.hass, self._call(domain, service, data), f"{DOMAIN} {domain}.{service}"
            )

    async def _call(self, domain: str, service: str, data: dict[str, Any]) -> None:
        try:
            await self.hass.services.async_call(domain, service, data, blocking=True)
        except HomeAssistantError as err:
            _LOGGER.warning("In-room %s.%s failed: %s", domain, service, err)
