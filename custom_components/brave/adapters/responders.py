"""The people Home Assistant itself alerts: notify targets, phones with actions, SMS.

Each site names its responder groups in its options, one target per line:
`[Name =] notify.<service or entity>[:<recipient>]`. A recipient (such as a phone number for
an SMS service) makes the target an SMS target: its messages are cut to one segment. A target
on `notify.mobile_app_*` gets actions (on my way, occupant okay, space empty); SMS replies come
back through the core twilio integration's `twilio_data_received` event ("ok" or "8" takes
the alert, a number records the outcome). The local fallback group may also name speakers,
sirens and lights (local_fallback.py); it hears any message a target outside failed to take.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
import hashlib
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback

from ..const import DOMAIN
from ..core.engine.events import Outcome
from ..core.sms import one_segment, parse_sms_reply
from ..core.words import pick
from ..core.words.responders import ACTION_TITLES
from .local_fallback import LOCAL_DOMAINS, LOCAL_FALLBACK, Cover

_LOGGER = logging.getLogger(__name__)

GROUPS = ("first_responders", "staff", "fallback", LOCAL_FALLBACK, "health_contacts")
# How an unnamed responder of each group is called (numbered within the group).
_GROUP_NAMES = {
    "first_responders": "Responder",
    "staff": "Staff",
    "fallback": "Backup responder",
    LOCAL_FALLBACK: "Local responder",
    "health_contacts": "Device contact",
}
EVENT_MOBILE_ACTION = "mobile_app_notification_action"
EVENT_TWILIO = "twilio_data_received"
_ACTION_PREFIX = "BRAVE"
_ACTIONS = {"ACK": None, "OK": Outcome.OCCUPANT_OK, "EMPTY": Outcome.SPACE_EMPTY}

# (alert_key, responder name, outcome or None for an acknowledgement)
type AnswerHandler = Callable[[str, str, Outcome | None], None]


class InvalidTargetError(ValueError):
    """A target line could not be read."""


@dataclass(frozen=True, slots=True)
class Target:
    """One way to reach one responder."""

    name: str
    service: str
    recipient: str | None = None

    @property
    def rid(self) -> str:
        """Short stable id used in notification actions."""
        return hashlib.sha256(f"{self.service}:{self.recipient}".encode()).hexdigest()[:8]

    @property
    def domain(self) -> str:
        """notify, or a local fallback's tts, siren or light."""
        return self.service.partition(".")[0]

    @property
    def sms(self) -> bool:
        """Whether its messages go to a recipient of a notify service (SMS)."""
        return self.domain == "notify" and self.recipient is not None

    @property
    def calls_only(self) -> bool:
        """A siren or a light: it can call people to act, not tell them anything."""
        return self.domain in ("siren", "light")


def parse_target(line: str, fallback_name: str = "Responder", *, local: bool = False) -> Target:
    """Read one target line: `[Name =] notify.<service or entity>[:<recipient>]`.

    With `local` (the local fallback group) also `tts.<engine>:media_player.<speaker>`,
    `siren.<entity>` and `light.<entity>`. A line without a name gets `fallback_name`: never its
    phone number or address, which would then show in entities and diagnostics and be spoken
    in the room.
    """
    name, _, spec = line.strip().rpartition("=")
    service, colon, recipient = spec.strip().partition(":")
    domain, _, service_name = service.partition(".")
    speaker = domain == "tts" and recipient.strip().startswith("media_player.")
    if (
        not (domain == "notify" or (local and domain in LOCAL_DOMAINS))
        or not service_name
        or " " in service
        or (colon and not recipient.strip())
        or (domain == "tts") != speaker
        or (domain in ("siren", "light") and colon)
    ):
        raise InvalidTargetError(line)
    return Target(
        name=name.strip() or fallback_name,
        service=service,
        recipient=recipient.strip() or None,
    )


def parse_targets(text: str, *, local: bool = False) -> tuple[Target, ...]:
    """Read one target per line (`local`: the local fallback group's forms too)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return tuple(
        parse_target(line, f"Responder {n}", local=local) for n, line in enumerate(lines, start=1)
    )


def _usable_targets(group: str, text: str) -> tuple[Target, ...]:
    """Like parse_targets, but a bad line never stops the others from being alerted."""
    targets: list[Target] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            name = f"{_GROUP_NAMES[group]} {len(targets) + 1}"
            targets.append(parse_target(line, name, local=group == LOCAL_FALLBACK))
        except InvalidTargetError:
            # The line number, not the line: it may hold a name or a phone number.
            _LOGGER.error("Ignoring the unreadable %s target on line %s", group, number)
    return tuple(targets)


@dataclass(slots=True)
class AlertRecipients:
    """Who was told about one alert."""

    label: str
    test: bool
    rids: set[str] = field(default_factory=set)
    # The alert's kind (help_request, stillness...); None in records from before it was kept.
    kind: str | None = None


class Responders:
    """Sends to the site's responder groups and turns their answers into engine inputs."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, language: str, on_answer: AnswerHandler
    ) -> None:
        """Read the groups from the site's options."""
        self.hass = hass
        self.entry = entry
        self.language = language
        self._on_answer = on_answer
        self.groups = {g: _usable_targets(g, entry.options.get(g, "")) for g in GROUPS}
        self._by_rid = {t.rid: t for targets in self.groups.values() for t in targets}
        self.alerts: dict[str, AlertRecipients] = {}
        # The newest alert each SMS target (by its id) was told about: what a reply refers to.
        self.latest: dict[str, str] = {}

    @callback
    def async_start(self, stored: dict[str, Any]) -> list[CALLBACK_TYPE]:
        """Restore who was told what (as site_records read it), and listen for answers."""
        for key, value in stored.get("alerts", {}).items():
            self.alerts[key] = AlertRecipients(
                value["label"], value["test"], set(value["rids"]), value.get("kind")
            )
        self.latest = dict(stored.get("latest", {}))
        return [
            self.hass.bus.async_listen(EVENT_MOBILE_ACTION, self._on_mobile_action),
            self.hass.bus.async_listen(EVENT_TWILIO, self._on_sms),
        ]

    @callback
    def dump(self) -> dict[str, Any]:
        """What must survive a restart."""
        return {
            "alerts": {
                key: {"label": a.label, "test": a.test, "rids": sorted(a.rids), "kind": a.kind}
                for key, a in self.alerts.items()
            },
            "latest": dict(self.latest),
        }

    @callback
    def open_alert(self, alert_key: str, label: str, kind: str, *, test: bool) -> None:
        """Start tracking who hears about an alert."""
        self.alerts.setdefault(alert_key, AlertRecipients(label, test, kind=kind))

    @callback
    def close_alert(self, alert_key: str) -> None:
        """Forget an alert once it is closed."""
        self.alerts.pop(alert_key, None)
        self.latest = {k: v for k, v in self.latest.items() if v != alert_key}

    def targets(self, groups: Iterable[str]) -> list[Target]:
        """The targets of some groups, in order, each once."""
        seen: dict[str, Target] = {}
        for group in groups:
            for target in self.groups.get(group, ()):
                seen.setdefault(target.rid, target)
        return list(seen.values())

    def told(self, alert_key: str) -> list[Target]:
        """Everyone told about an alert so far."""
        info = self.alerts.get(alert_key)
        return [self._by_rid[r] for r in sorted(info.rids) if r in self._by_rid] if info else []

    @callback
    def send(
        self,
        targets: Iterable[Target],
        text: str,
        *,
        alert_key: str | None = None,
        details: str = "",
        actions: bool = False,
    ) -> None:
        """Send text to targets.

        `details` (address, access notes) follows the text; SMS are cut to one segment from the
        end, so the text itself always fits. Sirens and lights only answer calls to act
        (`actions`), never a drill. If a target outside the local fallback group fails to
        take the message, that group hears it (local_fallback.py).
        """
        info = self.alerts.get(alert_key) if alert_key else None
        drill = info is not None and info.test
        targets = [t for t in targets if not t.calls_only or (actions and not drill)]
        local = {t.rid: t for t in self.groups[LOCAL_FALLBACK]}
        outside = [t for t in targets if t.rid not in local]
        to_cover = [t for rid, t in local.items() if rid not in {t.rid for t in targets}]
        cover = None
        if outside and to_cover:
            tell_local = partial(
                self.send, to_cover, text, alert_key=alert_key, details=details, actions=actions
            )
            cover = Cover(self.hass, len(outside), tell_local)
        for target in targets:
            if info is not None:
                info.rids.add(target.rid)
                if target.sms and alert_key is not None:
                    self.latest[target.rid] = alert_key
            self.entry.async_create_task(
                self.hass,
                self._send_one(
                    target,
                    text,
                    details,
                    alert_key if actions else None,
                    cover if target.rid not in local else None,
                ),
                f"{DOMAIN} notify {target.service}",
            )

    async def _send_one(
        self,
        target: Target,
        text: str,
        details: str,
        alert_key: str | None,
        cover: Cover | None,
    ) -> None:
        try:
            await self.hass.services.async_call(
                *self._call(target, text, details, alert_key), blocking=True
            )
        except Exception as err:  # noqa: BLE001 (whatever a notify platform raises, the locals hear)
            # The target's id, not its name or number: logs carry no personal details.
            _LOGGER.error(
                "Could not reach responder %s via %s: %s", target.rid, target.service, err
            )
            if cover is not None:
                cover.failed()
        else:
            if cover is not None:
                cover.delivered()

    def _call(
        self, target: Target, text: str, details: str, alert_key: str | None
    ) -> tuple[str, str, dict[str, Any]]:
        """The service call that reaches one target."""
        message = f"{text} {details}".strip()
        entity = {"entity_id": target.service}
        match target.domain:
            case "tts":
                # Spoken aloud in a shared room: the words, never the address or contacts.
                return (
                    "tts",
                    "speak",
                    {**entity, "media_player_entity_id": target.recipient, "message": text},
                )
            case "siren":
                return "siren", "turn_on", entity
            case "light":
                return "light", "turn_on", {**entity, "flash": "long"}
        domain, service = target.service.split(".", 1)
        data: dict[str, Any]
        if target.recipient is None and self.hass.states.get(target.service) is not None:
            domain, service = "notify", "send_message"
            data = {"entity_id": target.service, "title": "Brave", "message": message}
        else:
            data = {"title": "Brave", "message": message}
            if target.recipient is not None:
                data["message"] = one_segment(message)
                data["target"] = [target.recipient]
            if alert_key is not None and service.startswith("mobile_app_"):
                titles = pick(ACTION_TITLES, self.language)
                data["data"] = {
                    "tag": alert_key,
                    "actions": [
                        {
                            "action": f"{_ACTION_PREFIX}|{code}|{alert_key}|{target.rid}",
                            "title": title,
                        }
                        for code, title in titles.items()
                    ],
                }
        return domain, service, data

    @callback
    def _on_mobile_action(self, event: Event) -> None:
        parts = str(event.data.get("action", "")).split("|")
        if len(parts) != 4 or parts[0] != _ACTION_PREFIX or parts[1] not in _ACTIONS:
            return
        _, code, alert_key, rid = parts
        target = self._by_rid.get(rid)
        self._on_answer(alert_key, target.name if target else "A responder", _ACTIONS[code])

    @callback
    def _on_sms(self, event: Event) -> None:
        sender = str(event.data.get("From", "")).replace(" ", "")
        target = next(
            (t for t in self._by_rid.values() if (t.recipient or "").replace(" ", "") == sender),
            None,
        )
        if target is None or (alert_key := self.latest.get(target.rid)) is None:
            return
        if (reply := parse_sms_reply(event.data.get("Body"))) is not None:
            self._on_answer(alert_key, target.name, reply.outcome)
