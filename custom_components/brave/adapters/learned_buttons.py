"""Listen to learned buttons (ZHA events, Zigbee2MQTT messages) and capture a first press.

The reading of payloads is in button_events.py; this module only subscribes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import (
    CALLBACK_TYPE,
    Event as HassEvent,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.util import dt as dt_util

from ..core.buttons import (
    ACTION_SUFFIX,
    AVAILABILITY_SUFFIX,
    SOURCE_MQTT,
    ButtonPress,
    DeviceReport,
    LearnedButton,
    action_for,
    z2m_press,
    z2m_report,
    zha_press,
)
from ..core.engine.events import PressAction

if TYPE_CHECKING:
    from homeassistant.components.mqtt import ReceiveMessage

ZHA_EVENT: Final = "zha_event"
SOURCE_ENTITY: Final = "entity"
LEARN_TIMEOUT_S = 30.0  # seconds; tests shorten it


def is_entity_press(old: State | None, new: State | None) -> bool:
    """Whether an entity's change is a press.

    A press is a change between real states: not a restore at start-up, not the entity going
    away or coming back.
    """
    return (
        old is not None
        and new is not None
        and old.state != STATE_UNAVAILABLE
        and new.state not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
        and new.state != old.state
    )


def mqtt_ready(hass: HomeAssistant) -> bool:
    """Whether the mqtt integration is loaded (Zigbee2MQTT buttons can be heard)."""
    return "mqtt" in hass.config.components


async def _async_subscribe(
    hass: HomeAssistant,
    topics: Iterable[str],
    on_press: Callable[[ButtonPress], None],
    on_report: Callable[[DeviceReport], None] | None = None,
) -> list[CALLBACK_TYPE]:
    from homeassistant.components import mqtt  # noqa: PLC0415 (only with mqtt set up)

    @callback
    def _on_message(msg: ReceiveMessage) -> None:
        # Retained battery levels and availability are still true: health takes them.
        if on_report is not None and (report := z2m_report(msg.topic, msg.payload)) is not None:
            on_report(report)
        # A retained message is an old press replayed by the broker, not a press now.
        if not msg.retain and (press := z2m_press(msg.topic, msg.payload)) is not None:
            on_press(press)

    return [await mqtt.async_subscribe(hass, topic, _on_message) for topic in topics]


async def async_listen_learned[T](
    hass: HomeAssistant,
    stations: Iterable[tuple[T, tuple[LearnedButton, ...]]],
    press: Callable[[T, datetime, PressAction], None],
    on_report: Callable[[DeviceReport], None] | None = None,
) -> list[CALLBACK_TYPE]:
    """Call `press` for each press of a station's learned buttons; returns the unsubscribers.

    `on_report` gets the battery levels and availability of learned Zigbee2MQTT buttons.
    """
    listening = [(station, buttons) for station, buttons in stations if buttons]
    if not listening:
        return []

    @callback
    def _dispatch(found: ButtonPress, at: datetime) -> None:
        for station, buttons in listening:
            if (action := action_for(buttons, found)) is not None:
                press(station, at, action)

    @callback
    def _on_zha_event(event: HassEvent[dict[str, Any]]) -> None:
        if (found := zha_press(event.data)) is not None:
            _dispatch(found, event.time_fired)

    unsubs = [hass.bus.async_listen(ZHA_EVENT, _on_zha_event)]
    topics = sorted({b.key for _, buttons in listening for b in buttons if b.source == SOURCE_MQTT})
    if topics and mqtt_ready(hass):
        suffixes = ("", ACTION_SUFFIX) + ((AVAILABILITY_SUFFIX,) if on_report else ())
        wanted = [topic + suffix for topic in topics for suffix in suffixes]
        unsubs += await _async_subscribe(
            hass, wanted, lambda found: _dispatch(found, dt_util.utcnow()), on_report
        )
    return unsubs


@dataclass(frozen=True, slots=True)
class Capture:
    """The first press heard while learning: a learned-button press or an event entity."""

    source: str  # zha, mqtt or entity
    key: str  # IEEE address, device topic or entity id
    gesture: str


async def async_capture_press(hass: HomeAssistant, base_topic: str) -> Capture | None:
    """Wait for the first press on any path; None after LEARN_TIMEOUT_S without one."""
    loop = hass.loop
    result: asyncio.Future[Capture] = loop.create_future()

    @callback
    def _found(capture: Capture) -> None:
        if not result.done():
            result.set_result(capture)

    @callback
    def _on_zha_event(event: HassEvent[dict[str, Any]]) -> None:
        if (press := zha_press(event.data)) is not None:
            _found(Capture(press.source, press.key, press.gesture))

    @callback
    def _on_state(event: HassEvent[EventStateChangedData]) -> None:
        entity_id, old, new = (
            event.data["entity_id"],
            event.data["old_state"],
            event.data["new_state"],
        )
        if not entity_id.startswith("event.") or not is_entity_press(old, new):
            return
        assert new is not None
        _found(Capture(SOURCE_ENTITY, entity_id, str(new.attributes.get("event_type", ""))))

    unsubs = [
        hass.bus.async_listen(ZHA_EVENT, _on_zha_event),
        hass.bus.async_listen(EVENT_STATE_CHANGED, _on_state),
    ]
    try:
        if mqtt_ready(hass):
            base = base_topic.strip("/")
            unsubs += await _async_subscribe(
                hass,
                (f"{base}/+", f"{base}/+{ACTION_SUFFIX}"),
                lambda press: _found(Capture(press.source, press.key, press.gesture)),
            )
        async with asyncio.timeout(LEARN_TIMEOUT_S):
            return await result
    except TimeoutError:
        return None
    finally:
        for unsub in unsubs:
            unsub()
