"""Services for the people who run a program: drills and the program's statistics."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Final

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonValueType
import probatio

from .adapters.program_stats import write_csv
from .adapters.site import BraveSite
from .const import DOMAIN
from .core.drills import MAX_WINDOW, MIN_WINDOW
from .station_file_services import loaded_site

ATTR_SITE: Final = "site"
ATTR_STATIONS: Final = "stations"
ATTR_WINDOW: Final = "window"
# Where brave.export_statistics writes, inside Home Assistant's configuration folder.
EXPORT_FOLDER: Final = "brave"


def _window(value: object) -> timedelta:
    window: timedelta = cv.positive_time_period(value)
    if not MIN_WINDOW <= window <= MAX_WINDOW:
        raise probatio.Invalid("between 1 minute and 4 hours")
    return window


def _sites(hass: HomeAssistant, entry_id: str | None) -> list[BraveSite]:
    """The loaded sites, or the one asked for."""
    if entry_id is not None:
        return [loaded_site(hass, entry_id).runtime_data]
    sites = [entry.runtime_data for entry in hass.config_entries.async_loaded_entries(DOMAIN)]
    if not sites:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="site_not_found",
            translation_placeholders={"site": "-"},
        )
    return sites


def _stations_by_site(
    hass: HomeAssistant, sites: list[BraveSite], device_ids: list[str]
) -> dict[BraveSite, list[str]]:
    """Station devices grouped by their site."""
    registry = dr.async_get(hass)
    found: dict[BraveSite, list[str]] = {}
    for device_id in device_ids:
        device = registry.async_get(device_id)
        idents = {i for d, i in device.identifiers if d == DOMAIN} if device else set()
        site = next((s for s in sites if idents & set(s.drivers)), None)
        if site is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="station_not_found",
                translation_placeholders={"station": device_id},
            )
        found.setdefault(site, []).extend(sorted(idents & set(site.drivers)))
    return found


async def _start_drill(call: ServiceCall) -> ServiceResponse:
    sites = _sites(call.hass, call.data.get(ATTR_SITE))
    device_ids: list[str] = call.data.get(ATTR_STATIONS) or []
    chosen = (
        _stations_by_site(call.hass, sites, device_ids)
        if device_ids
        else dict.fromkeys(sites, None)
    )
    if busy := [site.entry.title for site in chosen if site.drills.drill is not None]:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="drill_in_progress",
            translation_placeholders={"site": ", ".join(busy)},
        )
    started: list[JsonValueType] = []
    for site, stations in chosen.items():
        drill = await site.drills.async_start_drill(stations, call.data.get(ATTR_WINDOW))
        started.append(
            {
                "site": site.entry.entry_id,
                "number": drill.number,
                "ends_at": drill.ends_at.isoformat(),
                "stations": len(drill.stations),
            }
        )
    return {"drills": started}


@callback
def _drill_report(call: ServiceCall) -> ServiceResponse:
    return {
        "reports": [
            {
                "site": site.entry.entry_id,
                "running": site.drills.progress,
                "last": site.drills.last_report,
            }
            for site in _sites(call.hass, call.data.get(ATTR_SITE))
        ]
    }


async def _export_statistics(call: ServiceCall) -> ServiceResponse:
    hass = call.hass
    rows = [row for site in _sites(hass, call.data.get(ATTR_SITE)) for row in site.program.table()]
    stamp = dt_util.now().strftime("%Y%m%d-%H%M%S")
    path = Path(hass.config.path(EXPORT_FOLDER, f"statistics-{stamp}.csv"))
    await hass.async_add_executor_job(write_csv, path, rows)
    return {"path": str(path), "rows": len(rows)}


_SITE = {probatio.Optional(ATTR_SITE): cv.string}


@callback
def async_setup_program_services(hass: HomeAssistant) -> None:
    """Register the drill and statistics services."""
    hass.services.async_register(
        DOMAIN,
        "start_drill",
        _start_drill,
        schema=probatio.Schema(
            {
                **_SITE,
                probatio.Optional(ATTR_STATIONS): probatio.All(cv.ensure_list, [cv.string]),
                probatio.Optional(ATTR_WINDOW): _window,
            }
        ),
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        "drill_report",
        _drill_report,
        schema=probatio.Schema(_SITE),
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        "export_statistics",
        _export_statistics,
        schema=probatio.Schema(_SITE),
        supports_response=SupportsResponse.OPTIONAL,
    )
