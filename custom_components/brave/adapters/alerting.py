"""Where alerts leave Home Assistant: the dispatch service, responders, HA's notifications.

Who hears what is decided in dispatch/notices.py; here it is carried out.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback

from ..const import CONF_SITE_ID, DOMAIN
from ..core.engine.config import Contact, ContactRole, Location
from ..core.engine.effects import (
    AlertClosed,
    CannotMonitor,
    Effect,
    Escalate,
    MonitoringRestored,
    ResponderAttending,
    SendAlert,
    Trigger,
)
from ..core.notices import (
    FALLBACK,
    OTHERS,
    TAKER,
    TOLD,
    Notice,
    is_alert_event,
    notices,
    uses_dispatch,
)
from ..core.outbox import Write, WriteKind
from ..core.payloads import alert_request, event_request, idempotency_key
from ..core.words.home import help_called_notification
from ..core.words.responders import ResponderMessage, responder_text
from .dispatch_sender import DispatchSender
from .local_fallback import LOCAL_FALLBACK
from .responders import Responders, Target
from .station_driver import StationDriver

# The kind of an alert whose record lost it.
_UNKNOWN_KIND = "alert"


def release_details(
    location: Location | None, contacts: tuple[Contact, ...] | None, notes: str | None
) -> str:
    """Where to go, who to call and the occupant's notes, for people past the release point."""
    if location is None:
        return ""
    place = ", ".join(p for p in (location.label, location.address, location.unit) if p)
    parts = [place]
    if location.access_notes:
        parts.append(f"Access: {location.access_notes}")
    parts += [f"{c.name} ({c.role.value}) {c.phone}" for c in contacts or ()]
    if notes:
        parts.append(notes)
    return ". ".join(parts)


def _role(value: object) -> ContactRole:
    try:
        return ContactRole(str(value))
    except ValueError:
        return ContactRole.OTHER


def _stored_details(body: dict[str, Any]) -> str:
    """The released details of an alert as it was queued for the service."""
    location = body.get("location")
    if not isinstance(location, dict):
        return ""
    contacts = tuple(
        Contact(str(c.get("name", "")), str(c.get("phone", "")), _role(c.get("role")))
        for c in body.get("contacts") or ()
        if isinstance(c, dict)
    )
    place = Location(**{k: location[k] for k in Location.__dataclass_fields__ if k in location})
    return release_details(place, contacts, (body.get("rescue_plan") or {}).get("notes"))


class Alerting:
    """Performs the effects that reach people outside the room."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        sender: DispatchSender,
        responders: Responders,
        language: str,
    ) -> None:
        """Send through the site's dispatch sender and responder groups."""
        self.hass = hass
        self.entry = entry
        self.language = language
        self.site_id: str = entry.data[CONF_SITE_ID]
        self.sender = sender
        self.responders = responders

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
    def perform(self, driver: StationDriver, effect: Effect) -> None:
        """Send what the effect means to the dispatch service, the responders and HA."""
        groups = driver.engine.config.rescue_plan.groups
        match effect:
            case SendAlert():
                self.responders.open_alert(
                    effect.alert_key,
                    driver.title,
                    effect.trigger.value,
                    test=effect.trigger is Trigger.TEST,
                )
                self._notify_home(effect.alert_key, driver.title, effect.trigger.value)
            case CannotMonitor(sensor=sensor):
                persistent_notification.async_create(
                    self.hass,
                    f"{driver.title} cannot watch the room: {sensor} is unavailable. "
                    "Check on the person there and the sensor.",
                    title="Brave: cannot monitor",
                    notification_id=f"{DOMAIN}_{driver.station_id}_{sensor}",
                )
            case MonitoringRestored(sensor=sensor):
                persistent_notification.async_dismiss(
                    self.hass, f"{DOMAIN}_{driver.station_id}_{sensor}"
                )
            case AlertClosed():
                persistent_notification.async_dismiss(
                    self.hass, f"{DOMAIN}_{effect.alert_key}_help"
                )
        for notice in notices(effect, groups):
            self._tell(driver, effect, notice)
        if isinstance(effect, AlertClosed):
            self.responders.close_alert(effect.alert_key)
        if uses_dispatch(groups):
            if isinstance(effect, SendAlert):
                body = alert_request(
                    self.site_id, driver.station_id, driver.title, self.language, effect
                )
                self._enqueue(effect.alert_key, WriteKind.ALERT, "alert", body, effect)
            elif is_alert_event(effect):
                step, body = event_request(effect)
                self._enqueue(effect.alert_key, WriteKind.EVENT, step, body, effect)

    @callback
    def _notify_home(self, alert_key: str, label: str, kind: str) -> None:
        """Home Assistant itself shows that help was called, until the alert closes."""
        title, message = help_called_notification(
            self.language, label, kind, test=kind == Trigger.TEST
        )
        persistent_notification.async_create(
            self.hass, message, title=title, notification_id=f"{DOMAIN}_{alert_key}_help"
        )

    @callback
    def restore(self, driver: StationDriver) -> None:
        """Show again that help was called for each open alert of a station.

        Home Assistant keeps its notifications in memory only: after a restart they are gone
        while the alerts are not.
        """
        ladder = driver.engine.state.ladder
        for alert_key in driver.engine.state.open_alerts:
            info = self.responders.alerts.get(alert_key)
            kind = info.kind if info is not None else None
            if kind is None and ladder is not None and ladder.alert_key == alert_key:
                kind = ladder.trigger.value
            self._notify_home(alert_key, driver.title, kind or _UNKNOWN_KIND)

    @callback
    def _audience(self, audience: str, alert_key: str, responder: str | None) -> list[Target]:
        told = self.responders.told(alert_key)
        if audience == TOLD:
            return told
        if audience == OTHERS:
            return [t for t in told if t.name != responder]
        if audience == TAKER:
            return [t for t in told if t.name == responder]
        return self.responders.targets([audience])

    @callback
    def _tell(self, driver: StationDriver, effect: Effect, notice: Notice) -> None:
        alert_key: str | None = getattr(effect, "alert_key", None)
        responder: str | None = getattr(effect, "responder", None)
        targets: list[Target] = []
        for audience in notice.audiences:
            targets += [
                t for t in self._audience(audience, alert_key or "", responder) if t not in targets
            ]
        values: dict[str, str] = {}
        if isinstance(effect, SendAlert):
            values["kind"] = effect.trigger.value
        if isinstance(effect, ResponderAttending):
            values["responder"] = effect.responder
        if isinstance(effect, AlertClosed):
            values["outcome"] = effect.outcome.value
        if isinstance(effect, CannotMonitor):
            text = responder_text(
                self.language, notice.message, label=driver.title, sensor=effect.sensor
            )
        else:
            assert alert_key is not None
            text = self._text(notice.message, alert_key, **values)
        details = ""
        if notice.details and isinstance(effect, (SendAlert, Escalate)):
            details = release_details(effect.location, effect.contacts, effect.notes)
        self.responders.send(
            targets,
            text,
            alert_key=alert_key,
            details=details,
            actions=notice.actions,
        )

    @callback
    def _enqueue(
        self, alert_key: str, kind: WriteKind, step: str, body: dict[str, Any], effect: Effect
    ) -> None:
        key = idempotency_key(self.site_id, alert_key, step)
        self.sender.enqueue(Write(key, alert_key, kind, body, effect.at))

    @callback
    def dispatch_failed(self, driver: StationDriver, alert_key: str) -> None:
        """The service says it could not send anyone: the fallback group is told now.

        Past the release point, where to go and whom to call come with it.
        """
        ladder = driver.engine.state.ladder
        details = ""
        if ladder is not None and ladder.alert_key == alert_key and ladder.released:
            config = driver.engine.config
            details = release_details(
                config.release.location,
                config.release.contacts,
                config.rescue_plan.notes or None,
            )
        self.responders.send(
            self.responders.targets([FALLBACK]),
            self._text(ResponderMessage.FALLBACK, alert_key),
            alert_key=alert_key,
            details=details,
            actions=True,
        )

    @callback
    def on_dispatch_failure(self, write: Write, reason: str) -> None:
        """The service has not taken an alert: the fallback group hears what it would have.

        So do the people in the building (the local fallback): the service may be out of
        reach because the internet is, and with it every cloud notify service.
        """
        # The body is as it was queued (maybe before a restart): a lost field never silences.
        kind = str(write.body.get("kind") or _UNKNOWN_KIND)
        text = self._text(ResponderMessage.DISPATCH_DOWN, write.alert_key, kind=kind)
        self.responders.send(
            self.responders.targets([FALLBACK, LOCAL_FALLBACK]),
            text,
            alert_key=write.alert_key,
            details=_stored_details(write.body),
            actions=True,
        )
