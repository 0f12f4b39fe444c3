"""Find a station's radar in Home Assistant's registries and complete its bindings."""

from __future__ import annotations

from dataclasses import replace
import logging

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from ..core.radar import DeviceFacts, EntityFacts, find_movement_entity, movement_values_for
from ..core.stations import Bindings

_LOGGER = logging.getLogger(__name__)


def _entity_facts(entry: er.RegistryEntry) -> EntityFacts:
    return EntityFacts(
        entity_id=entry.entity_id,
        platform=entry.platform,
        unique_id=entry.unique_id,
        translation_key=entry.translation_key,
        original_name=entry.original_name,
        original_device_class=entry.original_device_class,
    )


def _device(devices: dr.DeviceRegistry, entry: er.RegistryEntry | None) -> dr.DeviceEntry | None:
    """The entity's device; child devices have no manufacturer or model to go by."""
    if entry is None or entry.device_id is None:
        return None
    return devices.async_get(entry.device_id, include_child_devices=False)


def _device_facts(device: dr.DeviceEntry | None) -> DeviceFacts | None:
    if device is None:
        return None
    return DeviceFacts(device.manufacturer, device.model, device.model_id)


@callback
def with_radar(hass: HomeAssistant, station_id: str, bindings: Bindings) -> Bindings:
    """The bindings with the radar's movement entity and what its states mean.

    A movement entity someone bound is kept, read through its device's profile. Without one,
    the movement entity of the presence sensor's device is used when its profile has one.
    """
    entities, devices = er.async_get(hass), dr.async_get(hass)
    if bindings.motion is not None:
        entry = entities.async_get(bindings.motion)
        values = movement_values_for(
            _device_facts(_device(devices, entry)), _entity_facts(entry) if entry else None
        )
        return replace(bindings, motion_values=values)
    if bindings.presence is None:
        return bindings
    entry = entities.async_get(bindings.presence)
    if entry is None or (device := _device(devices, entry)) is None:
        return bindings
    siblings = [
        _entity_facts(sibling)
        for sibling in er.async_entries_for_device(entities, device.id)
        if sibling.entity_id != entry.entity_id
    ]
    if (found := find_movement_entity(_device_facts(device), siblings)) is None:
        return bindings
    _LOGGER.info(
        "Station %s: reading movement from %s (%s)",
        station_id,
        found.entity_id,
        found.profile.name,
    )
    return replace(bindings, motion=found.entity_id, motion_values=found.values)
