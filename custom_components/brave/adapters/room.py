"""In the room: speak, show and flash through whatever the station has bound."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from ..const import DOMAIN
from ..core.engine.effects import (
    CountdownStarted,
    Effect,
    Prompt,
    PromptAnswered,
    ResponderAttending,
    SendAlert,
    Trigger,
)
from ..core.words.room import RoomMessage, room_text
from .station_driver import StationDriver

_LOGGER = logging.getLogger(__name__)


class Room:
    """Carries out the effects that happen in the room."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, language: str) -> None:
        """Speak in the site's language."""
        self.hass = hass
        self.entry = entry
        self.language = language

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

    @callback
    def _say(
        self, driver: StationDriver, message: RoomMessage, *, flash: bool = False, **values: Any
    ) -> None:
        self.announce(driver, room_text(self.language, message, **values), flash=flash)

    @callback
    def announce(self, driver: StationDriver, text: str, *, flash: bool = False) -> None:
        """Say a text in the room through the station's speaker, screen and light."""
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
