"""Station files in Home Assistant: read a site's stations, apply an import, read and write files.

The decisions are in core/provisioning.py; this module gathers what they need (the site's
subentries and timers, the areas, the entities) and carries out a plan: every subentry added or
changed while the site is unloaded, then one set-up, then the timers.
"""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Final

from homeassistant.config_entries import ConfigEntry, ConfigEntryState, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import area_registry as ar, entity_registry as er
from homeassistant.util.file import WriteError, write_utf8_file_atomic
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN, SUBENTRY_STATION
from ..core.provisioning import (
    CurrentStation,
    ImportPlan,
    export_text,
    looks_like_export,
    plan_import,
)
from ..core.station_file import MAX_CHARACTERS, FileFormat
from ..core.stations import TIMER_FIELDS, StationSettings

SUFFIXES: Final = {".yaml": FileFormat.YAML, ".yml": FileFormat.YAML, ".csv": FileFormat.CSV}
# One import or export at a time per site: a plan is applied to the stations it was made from.
_LOCKS: HassKey[dict[str, asyncio.Lock]] = HassKey(f"{DOMAIN}_station_file_locks")


def site_lock(hass: HomeAssistant, entry: ConfigEntry) -> asyncio.Lock:
    """The lock that keeps a site's imports from overlapping."""
    return hass.data.setdefault(_LOCKS, {}).setdefault(entry.entry_id, asyncio.Lock())


@callback
def current_stations(entry: ConfigEntry) -> list[CurrentStation]:
    """The site's stations with their timers, in the order they were added."""
    drivers = entry.runtime_data.drivers if entry.state is ConfigEntryState.LOADED else {}
    return [
        CurrentStation(
            subentry.subentry_id,
            subentry.unique_id,
            subentry.title,
            subentry.data,
            driver.settings.as_dict() if (driver := drivers.get(subentry.subentry_id)) else {},
        )
        for subentry in entry.subentries.values()
        if subentry.subentry_type == SUBENTRY_STATION
    ]


@callback
def area_names(hass: HomeAssistant) -> dict[str, str]:
    """Home Assistant's areas: id to name."""
    return {area.id: area.name for area in ar.async_get(hass).async_list_areas()}


@callback
def known_entities(hass: HomeAssistant) -> frozenset[str]:
    """Every entity id Home Assistant has a state or a registry entry for."""
    return frozenset(hass.states.async_entity_ids()) | frozenset(er.async_get(hass).entities)


async def async_plan(
    hass: HomeAssistant, entry: ConfigEntry, text: str, file_format: FileFormat
) -> ImportPlan:
    """What importing the file would do (read away from the event loop: files can be big)."""
    known = known_entities(hass)
    return await hass.async_add_executor_job(
        partial(
            plan_import,
            text,
            file_format,
            current_stations(entry),
            area_names(hass),
            known.__contains__,
        )
    )


async def async_apply(hass: HomeAssistant, entry: ConfigEntry, plan: ImportPlan) -> None:
    """Carry out a valid plan on a loaded site: one reload, whatever the number of stations.

    Subentries are changed while the site is unloaded, so their update listener does not
    reload it once per station. Timers live with the running stations: set after the set-up.
    """
    if not plan.valid or not plan.changes:
        return
    if not await hass.config_entries.async_unload(entry.entry_id):
        # Still running as it was: changing its stations now would leave it half set up.
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="site_not_stopped",
            translation_placeholders={"site": entry.title},
        )
    timers: dict[str, dict[str, float]] = {}
    for new in plan.added:
        subentry = ConfigSubentry(
            data=MappingProxyType(new.data),
            subentry_type=SUBENTRY_STATION,
            title=new.title,
            unique_id=new.key,
        )
        hass.config_entries.async_add_subentry(entry, subentry)
        if new.timers:
            timers[subentry.subentry_id] = new.timers
    for change in plan.changed:
        hass.config_entries.async_update_subentry(
            entry, entry.subentries[change.subentry_id], data=change.data, title=change.title
        )
        if any(name in TIMER_FIELDS for name in change.fields):
            timers[change.subentry_id] = change.timers
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="site_setup_failed",
            translation_placeholders={"site": entry.title},
        )
    drivers = entry.runtime_data.drivers
    for station_id, values in timers.items():
        drivers[station_id].reconfigure(StationSettings.read(values))


def export(
    hass: HomeAssistant, entry: ConfigEntry, file_format: FileFormat, *, personal: bool
) -> str:
    """The site's stations as a file."""
    return export_text(
        current_stations(entry),
        file_format,
        personal=personal,
        areas=area_names(hass),
        site=entry.title,
    )


# -- files in the configuration folder -----------------------------------------------------


def _path_error(key: str, path: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders={"path": path}
    )


def config_file(hass: HomeAssistant, path: str) -> Path:
    """A station file's place: inside the configuration folder, a .yaml, .yml or .csv file.

    Resolves links, so it runs in the executor.
    """
    base = Path(hass.config.config_dir).resolve()
    target = (base / path).resolve()
    if not target.is_relative_to(base) or target == base:
        raise _path_error("path_not_allowed", path)
    if target.suffix.lower() not in SUFFIXES:
        raise _path_error("path_not_station_file", path)
    return target


def format_of(path: str) -> FileFormat:
    """A file's format by its name (YAML unless it ends in .csv)."""
    return SUFFIXES.get(Path(path).suffix.lower(), FileFormat.YAML)


def read_file(hass: HomeAssistant, path: str) -> str:
    """A station file's text (in the executor)."""
    target = config_file(hass, path)
    try:
        if target.stat().st_size > MAX_CHARACTERS * 4:
            raise _path_error("file_too_large", path)
        return target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise _path_error("file_unreadable", path) from err


def write_file(hass: HomeAssistant, path: str, text: str, *, personal: bool) -> None:
    """Write an export (in the executor); a file with personal fields is for its owner only.

    An existing file is replaced only when it is a station file itself: a mistyped path must
    not overwrite Home Assistant's own configuration.
    """
    target = config_file(hass, path)
    try:
        if target.exists():
            with target.open(encoding="utf-8", errors="replace") as existing:
                if not looks_like_export(existing.readline()):
                    raise _path_error("file_not_an_export", path)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_utf8_file_atomic(str(target), text, private=personal)
    except (OSError, WriteError) as err:
        raise _path_error("file_unwritable", path) from err
