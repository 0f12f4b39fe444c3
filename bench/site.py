"""A Brave site of N stations, in the shape the config flow saves, and its devices' entities.

Each station binds a radar (presence binary sensor with a distance attribute, and its movement
state sensor) and a button (an event entity: any change of its state is a press). The entities
are plain states set on Home Assistant's state machine, as a Zigbee integration would set them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntry, ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.brave.core.sites import site_unique_id

DOMAIN = "brave"


def station_id(n: int) -> str:
    """The subentry id of station n (opaque, as the config flow makes them)."""
    return f"bench{n:05d}"


@dataclass(frozen=True, slots=True)
class Radar:
    """The two entities one radar shows in Home Assistant."""

    presence: str
    movement: str


def radar(group: str, n: int) -> Radar:
    """Radar n of a group (b: bound to Brave's station n; others: not bound to anything)."""
    return Radar(
        presence=f"binary_sensor.{group}_radar_{n:05d}",
        movement=f"sensor.{group}_radar_{n:05d}_movement",
    )


def button(n: int) -> str:
    """Station n's help button."""
    return f"event.bench_button_{n:05d}"


def station_data(n: int, *, room_sensing: bool = True) -> dict[str, Any]:
    """Subentry data in the config flow's shape (tests/conftest.py `station_data`)."""
    r = radar("b", n)
    sensors: dict[str, Any] = {
        "buttons": [button(n)],
        "check_in_gesture": "long_press",
        "answer_gesture": "double",
    }
    if room_sensing:
        sensors["presence"] = r.presence
        sensors["motion"] = r.movement
    return {
        "modes": {
            "help_button": True,
            "check_in": True,
            "room_sensing": room_sensing,
            "release_on_help": True,
        },
        "sensors": sensors,
        "prompts": {"no_prompt_channel": True},
        "rescue_plan": {
            "responder_groups": ["dispatch", "first_responders"],
            "call_emergency_services": False,
            "plan_notes": "Friend in 4B has naloxone",
        },
        "release": {
            "location_label": f"Room {n}",
            "address": "12 Example Street",
            "unit": str(n),
            "access_notes": "Code 1234",
            "contacts": "Alex, +15555550123, naloxone_nearby",
        },
    }


def site_entry(
    url: str,
    api_key: str,
    site: dict[str, Any],
    stations: Iterable[int],
    *,
    webhook_id: str = "benchwebhook",
    **station_kw: Any,
) -> ConfigEntry:
    """The site's config entry with one subentry per station."""
    name = f"Bench site {webhook_id}"
    return ConfigEntry(
        data={
            "site_name": name,
            "url": url,
            "api_key": api_key,
            "site_id": site["site_id"],
            "webhook_secret": site["webhook_secret"],
            "webhook_id": webhook_id,
            "callback_url": None,
        },
        discovery_keys=MappingProxyType({}),
        domain=DOMAIN,
        minor_version=2,
        options={},
        source=SOURCE_USER,
        subentries_data=[
            ConfigSubentryData(
                data=station_data(n, **station_kw),
                # Accepted at run time, as the config flow gives it; not in the TypedDict.
                subentry_id=station_id(n),  # type: ignore[typeddict-unknown-key]
                subentry_type="station",
                title=f"Room {n}",
                unique_id=None,
            )
            for n in stations
        ],
        title=name,
        unique_id=site_unique_id(url, name),
        version=1,
    )


def iso_now() -> str:
    """An event entity's state: the time of its last event."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def set_devices(hass: HomeAssistant, stations: Iterable[int], groups: Iterable[str]) -> None:
    """Initial states: every radar empty and still, every button idle."""
    for n in stations:
        hass.states.async_set(button(n), iso_now(), {"event_type": "single"})
        for group in groups:
            r = radar(group, n)
            hass.states.async_set(
                r.presence,
                "off",
                {
                    "device_class": "occupancy",
                    "friendly_name": f"Radar {group} {n}",
                    "distance": 0.0,
                },
            )
            hass.states.async_set(r.movement, "none", {"options": ["none", "presence", "move"]})


def press(hass: HomeAssistant, n: int) -> None:
    """Press station n's button (a new event on its event entity)."""
    hass.states.async_set(button(n), iso_now(), {"event_type": "single"})


def station_device(hass: HomeAssistant, n: int) -> str:
    """Station n's device id (what Brave's services take as `station`)."""
    devices = dr.async_get(hass).async_get_devices(identifiers={(DOMAIN, station_id(n))})
    assert len(devices) == 1, devices
    return devices[0].id


def entity_counts(hass: HomeAssistant, entry_id: str) -> dict[str, int]:
    """The site's registered entities: all, enabled, the site's own, and per platform."""
    entries = er.async_entries_for_config_entry(er.async_get(hass), entry_id)
    counts = {
        "total": len(entries),
        "enabled": sum(1 for e in entries if not e.disabled),
        "site": sum(1 for e in entries if e.config_subentry_id is None),
        "station_enabled": sum(1 for e in entries if e.config_subentry_id and not e.disabled),
    }
    for e in entries:
        counts[e.domain] = counts.get(e.domain, 0) + 1
    return counts
