"""Where alerts leave Home Assistant.

They go to the dispatch service (through the outbox) and to the site's own responder groups, in
the order the occupant's rescue plan gives.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback

from .const import CONF_SITE_ID, DOMAIN
from .dispatch.client import DispatchClient
from .dispatch.outbox import Write, WriteKind
from .dispatch.payloads import AlertEvent, alert_request, event_request, idempotency_key
from .dispatch.sender import DispatchSender
from .dispatch.texts import ResponderMessage, responder_text
from .engine.config import Location
from .engine.effects import (
    AlertClosed,
    CannotMonitor,
    DoorOpened,
    Effect,
    Escalate,
    MonitoringRestored,
    MorePresses,
    OccupantOk,
    ResponderAttending,
    SendAlert,
    Step,
    Trigger,
)
from .responders import AnswerHandler, Responders
from .runtime import StationRuntime

DISPATCH = "dispatch"


def release_details(location: Location | None, contacts: list[str]) -> str:
    """Where to go and who to call, for responders past the release point."""
    if location is None:
        return ""
    place = ", ".join(p for p in (location.label, location.address, location.unit) if p)
    parts = [place]
    if location.access_notes:
        parts.append(f"Access: {location.access_notes}")
    parts += contacts
    return ". ".join(parts)


class Alerting:
    """Performs the effects that reach people outside the room."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: DispatchClient,
        language: str,
        on_answer: AnswerHandler,
    ) -> None:
        """Set up the outbox sender and the responder groups."""
        self.hass = hass
        self.entry = entry
        self.language = language
        self.site_id: str = entry.data[CONF_SITE_ID]
        self.sender = DispatchSender(hass, entry, client, self._on_dispatch_failure)
        self.responders = Responders(hass, entry, language, on_answer)

    def _text(self, message: ResponderMessage, alert_key: str, **values: str) -> str:
        info = self.responders.alerts.get(alert_key)
        return responder_text(
            self.language,
            message,
            test=bool(info and info.test),
            label=info.label if info else "",
            **values,
        )

    @callback
    def perform(self, runtime: StationRuntime, effect: Effect) -> None:
        """Send what the effect means to the dispatch service and the responders."""
        plan = runtime.engine.config.rescue_plan
        groups = [g for g in plan.groups if g != DISPATCH]
        uses_dispatch = DISPATCH in plan.groups
        match effect:
            case SendAlert():
                self._alert(runtime, effect, groups, uses_dispatch=uses_dispatch)
                return
            case CannotMonitor(sensor=sensor):
                self._cannot_monitor(runtime, sensor)
                return
            case MonitoringRestored(sensor=sensor):
                persistent_notification.async_dismiss(
                    self.hass, f"{DOMAIN}_{runtime.station_id}_{sensor}"
                )
                return
            case Escalate(step=Step.REMINDER):
                self._tell(groups, effect.alert_key, ResponderMessage.REMINDER)
            case Escalate(step=Step.FALLBACK):
                self._tell(["fallback"], effect.alert_key, ResponderMessage.FALLBACK)
            case Escalate(step=Step.FINAL):
                self._tell([*groups, "fallback"], effect.alert_key, ResponderMessage.FINAL)
            case MorePresses():
                self._tell(groups, effect.alert_key, ResponderMessage.URGENT)
            case ResponderAttending(responder=responder):
                self._attending(effect.alert_key, responder)
            case AlertClosed(outcome=outcome):
                told = self.responders.told(effect.alert_key)
                text = self._text(ResponderMessage.CLOSED, effect.alert_key, outcome=outcome.value)
                self.responders.send(told, text)
                self.responders.close_alert(effect.alert_key)
        if uses_dispatch and isinstance(
            effect, (Escalate, MorePresses, OccupantOk, DoorOpened, AlertClosed)
        ):
            self._dispatch_event(effect)

    @callback
    def _alert(
        self,
        runtime: StationRuntime,
        effect: SendAlert,
        groups: list[str],
        *,
        uses_dispatch: bool,
    ) -> None:
        body = alert_request(self.site_id, runtime.station_id, runtime.title, self.language, effect)
        self.responders.open_alert(
            effect.alert_key, runtime.title, test=effect.trigger is Trigger.TEST
        )
        contacts = [f"{c.name} ({c.role.value}) {c.phone}" for c in effect.contacts or ()]
        text = self._text(ResponderMessage.ALERT, effect.alert_key, kind=effect.trigger.value)
        self.responders.send(
            self.responders.targets(groups),
            text,
            alert_key=effect.alert_key,
            details=release_details(effect.location, contacts),
            actions=True,
        )
        if uses_dispatch:
            self._enqueue(effect.alert_key, WriteKind.ALERT, "alert", body, effect)

    @callback
    def _tell(self, groups: list[str], alert_key: str, message: ResponderMessage) -> None:
        targets = self.responders.targets(groups)
        self.responders.send(
            targets, self._text(message, alert_key), alert_key=alert_key, actions=True
        )

    @callback
    def _attending(self, alert_key: str, responder: str) -> None:
        told = self.responders.told(alert_key)
        others = [t for t in told if t.name != responder]
        self.responders.send(
            others, self._text(ResponderMessage.ATTENDING, alert_key, responder=responder)
        )
        mine = [t for t in told if t.name == responder]
        self.responders.send(
            mine, self._text(ResponderMessage.SURVEY, alert_key), alert_key=alert_key
        )

    @callback
    def _cannot_monitor(self, runtime: StationRuntime, sensor: str) -> None:
        persistent_notification.async_create(
            self.hass,
            f"{runtime.title} cannot watch the room: {sensor} is unavailable. "
            "Check on the person there and the sensor.",
            title="Brave: cannot monitor",
            notification_id=f"{DOMAIN}_{runtime.station_id}_{sensor}",
        )
        text = responder_text(
            self.language, ResponderMessage.CANNOT_MONITOR, label=runtime.title, sensor=sensor
        )
        self.responders.send(self.responders.targets(["health_contacts"]), text)

    @callback
    def _dispatch_event(self, effect: AlertEvent) -> None:
        step, body = event_request(effect)
        self._enqueue(effect.alert_key, WriteKind.EVENT, step, body, effect)

    @callback
    def _enqueue(
        self, alert_key: str, kind: WriteKind, step: str, body: dict[str, Any], effect: Effect
    ) -> None:
        key = idempotency_key(self.site_id, alert_key, step)
        self.sender.enqueue(Write(key, alert_key, kind, body, effect.at))

    @callback
    def dispatch_failed(self, alert_key: str) -> None:
        """The service says it could not send anyone: the fallback group is told now."""
        self._tell(["fallback"], alert_key, ResponderMessage.FALLBACK)

    @callback
    def _on_dispatch_failure(self, write: Write, reason: str) -> None:
        """Tell the fallback group directly when the service cannot take an alert.

        They get what the service would have received.
        """
        if write.kind is not WriteKind.ALERT:
            return
        location = write.body.get("location")
        details = ""
        if location is not None:
            details = release_details(
                Location(**location),
                [
                    f"{c['name']} ({c['role']}) {c['phone']}"
                    for c in write.body.get("contacts") or []
                ],
            )
        text = self._text(ResponderMessage.DISPATCH_DOWN, write.alert_key, kind=write.body["kind"])
        self.responders.send(
            self.responders.targets(["fallback"]),
            text,
            alert_key=write.alert_key,
            details=details,
            actions=True,
        )
