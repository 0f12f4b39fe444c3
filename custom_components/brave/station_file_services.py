"""Services that import and export a site's stations as one file (docs/organisations.md)."""

from __future__ import annotations

from functools import partial
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
import probatio

from .adapters.provisioning import (
    async_apply,
    async_plan,
    export,
    format_of,
    read_file,
    site_lock,
    write_file,
)
from .const import DOMAIN
from .core.provisioning import ImportPlan, guess_format
from .core.station_file import FileFormat
from .core.words import spoken_language
from .core.words.provisioning import problem_text, problems_text
from .types import BraveConfigEntry

_LOGGER = logging.getLogger(__name__)

ATTR_SITE = "site"
ATTR_TEXT = "text"
ATTR_PATH = "path"
ATTR_FORMAT = "format"
ATTR_DRY_RUN = "dry_run"
ATTR_PERSONAL = "personal"

_FORMAT = probatio.In([f.value for f in FileFormat])
IMPORT_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_SITE): cv.string,
        probatio.Exclusive(ATTR_TEXT, "file"): cv.string,
        probatio.Exclusive(ATTR_PATH, "file"): cv.string,
        probatio.Optional(ATTR_FORMAT): _FORMAT,
        probatio.Optional(ATTR_DRY_RUN, default=False): cv.boolean,
    }
)
EXPORT_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_SITE): cv.string,
        probatio.Optional(ATTR_PATH): cv.string,
        probatio.Optional(ATTR_FORMAT): _FORMAT,
        probatio.Optional(ATTR_PERSONAL, default=False): cv.boolean,
    }
)


def language(hass: HomeAssistant) -> str:
    """The language problems are told in."""
    return spoken_language(hass.config.language)


def loaded_site(hass: HomeAssistant, entry_id: str) -> BraveConfigEntry:
    """A running site, or the service's error."""
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="site_not_found",
            translation_placeholders={"site": entry_id},
        )
    return entry


def invalid_file(hass: HomeAssistant, plan: ImportPlan) -> ServiceValidationError:
    """The error that lists every problem of a file, nothing applied."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="invalid_station_file",
        translation_placeholders={
            "count": str(len(plan.problems)),
            "problems": problems_text(language(hass), plan.problems),
        },
    )


def summary(hass: HomeAssistant, plan: ImportPlan, *, applied: bool) -> dict[str, Any]:
    """What an import did (or would do): stations by key and name, never personal fields."""
    return {
        "applied": applied,
        "added": [{"station": s.key, "name": s.title} for s in plan.added],
        "changed": [
            {"station": s.key, "name": s.title, "fields": list(s.fields)} for s in plan.changed
        ],
        "unchanged": [{"station": s.key, "name": s.title} for s in plan.unchanged],
        "not_in_file": [{"station": s.key, "name": s.title} for s in plan.not_in_file],
        "warnings": [problem_text(language(hass), w) for w in plan.warnings],
    }


async def _import_stations(call: ServiceCall) -> ServiceResponse:
    hass = call.hass
    entry = loaded_site(hass, call.data[ATTR_SITE])
    chosen: str | None = call.data.get(ATTR_FORMAT)
    path: str | None = call.data.get(ATTR_PATH)
    pasted: str | None = call.data.get(ATTR_TEXT)
    if path is not None:
        text = await hass.async_add_executor_job(read_file, hass, path)
        file_format = FileFormat(chosen) if chosen else format_of(path)
    elif pasted is not None:
        text = pasted
        file_format = FileFormat(chosen) if chosen else guess_format(text)
    else:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="file_required")
    dry_run = call.data[ATTR_DRY_RUN]
    async with site_lock(hass, entry):
        plan = await async_plan(hass, entry, text, file_format)
        if not plan.valid:
            raise invalid_file(hass, plan)
        if not dry_run:
            await async_apply(hass, entry, plan)
            _LOGGER.info(
                "Stations of %s imported: %d added, %d changed",
                entry.title,
                len(plan.added),
                len(plan.changed),
            )
    return summary(hass, plan, applied=not dry_run and bool(plan.changes))


async def _export_stations(call: ServiceCall) -> ServiceResponse:
    hass = call.hass
    entry = loaded_site(hass, call.data[ATTR_SITE])
    path: str | None = call.data.get(ATTR_PATH)
    personal: bool = call.data[ATTR_PERSONAL]
    if path is None and not call.return_response:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="export_nowhere")
    chosen = call.data.get(ATTR_FORMAT)
    file_format = FileFormat(chosen) if chosen else format_of(path or "")
    text = export(hass, entry, file_format, personal=personal)
    if path is not None:
        await hass.async_add_executor_job(partial(write_file, hass, path, text, personal=personal))
    if not call.return_response:
        return None
    return {"text": text, "format": file_format.value, "personal": personal, "path": path}


@callback
def async_setup_station_file_services(hass: HomeAssistant) -> None:
    """Register brave.import_stations and brave.export_stations."""
    hass.services.async_register(
        DOMAIN,
        "import_stations",
        _import_stations,
        schema=IMPORT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        "export_stations",
        _export_stations,
        schema=EXPORT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
