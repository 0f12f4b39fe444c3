"""Services for automations, dashboards and responders' tools, aimed at a station device."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
import probatio

from .adapters.site import BraveSite
from .adapters.station_driver import StationDriver
from .const import DOMAIN
from .core.engine.events import (
    Acknowledged,
    EndCheckIn,
    Event,
    ImOk,
    Outcome,
    PressAction,
    Pressed,
    Resolved,
    Resume,
    SendTest,
    StartCheckIn,
)
from .core.engine.state import Stage
from .program_services import async_setup_program_services
from .station_file_services import async_setup_station_file_services

ATTR_STATION = "station"
ATTR_ACTION = "action"
ATTR_RESPONDER = "responder"
ATTR_OUTCOME = "outcome"
ATTR_DURATION = "duration"

_STATION = {probatio.Required(ATTR_STATION): cv.string}


def _find(hass: HomeAssistant, device_id: str) -> StationDriver:
    device = dr.async_get(hass).async_get(device_id)
    station_ids = (
        {ident for domain, ident in device.identifiers if domain == DOMAIN} if device else set()
    )
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is not ConfigEntryState.LOADED:
            continue
        site: BraveSite = entry.runtime_data
        for station_id in station_ids:
            if (driver := site.drivers.get(station_id)) is not None:
                return driver
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="station_not_found",
        translation_placeholders={"station": device_id},
    )


type MakeEvent = Callable[[ServiceCall, StationDriver, datetime], Event]


def _simple(event: MakeEvent) -> Callable[[ServiceCall], None]:
    @callback
    def handle(call: ServiceCall) -> None:
        driver = _find(call.hass, call.data[ATTR_STATION])
        driver.feed_now(lambda now: event(call, driver, now))

    return handle


def _acknowledged(call: ServiceCall, driver: StationDriver, now: datetime) -> Event:
    ladder = driver.engine.state.ladder
    if ladder is None or ladder.stage is not Stage.ALERTED:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_open_alert")
    return Acknowledged(now, ladder.alert_key, call.data[ATTR_RESPONDER])


def _resolved(call: ServiceCall, driver: StationDriver, now: datetime) -> Event:
    open_alerts = driver.engine.state.open_alerts
    if not open_alerts:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_open_alert")
    # The newest alert: the one in progress, or the last one the occupant said okay to.
    return Resolved(now, open_alerts[-1], Outcome(call.data[ATTR_OUTCOME]))


def _test(call: ServiceCall, driver: StationDriver, now: datetime) -> Event:
    if driver.engine.state.ladder is not None:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="alert_in_progress")
    return SendTest(now)


@callback
def _pause(call: ServiceCall) -> None:
    driver = _find(call.hass, call.data[ATTR_STATION])
    duration: timedelta | None = call.data.get(ATTR_DURATION)
    driver.pause(duration)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register Brave's services."""
    station = probatio.Schema(_STATION)
    simple: dict[str, MakeEvent] = {
        "check_in": lambda call, driver, now: ImOk(now),
        "start_session": lambda call, driver, now: StartCheckIn(now),
        "end_session": lambda call, driver, now: EndCheckIn(now),
        "resume": lambda call, driver, now: Resume(now),
    }
    for name, event in simple.items():
        hass.services.async_register(DOMAIN, name, _simple(event), schema=station)
    hass.services.async_register(DOMAIN, "test_alert", _simple(_test), schema=station)
    hass.services.async_register(
        DOMAIN,
        "press",
        _simple(lambda call, driver, now: Pressed(now, PressAction(call.data[ATTR_ACTION]))),
        schema=probatio.Schema(
            {
                **_STATION,
                probatio.Optional(ATTR_ACTION, default=PressAction.HELP.value): probatio.In(
                    [a.value for a in PressAction]
                ),
            }
        ),
    )
    hass.services.async_register(
        DOMAIN,
        "acknowledge",
        _simple(_acknowledged),
        schema=probatio.Schema(
            {**_STATION, probatio.Optional(ATTR_RESPONDER, default="Responder"): cv.string}
        ),
    )
    hass.services.async_register(
        DOMAIN,
        "resolve",
        _simple(_resolved),
        schema=probatio.Schema(
            {**_STATION, probatio.Required(ATTR_OUTCOME): probatio.In([o.value for o in Outcome])}
        ),
    )
    async_setup_program_services(hass)
    hass.services.async_register(
        DOMAIN,
        "pause",
        _pause,
        schema=probatio.Schema(
            {**_STATION, probatio.Optional(ATTR_DURATION): cv.positive_time_period}
        ),
    )
    # Stations of a site from one file, and back (docs/organisations.md).
    async_setup_station_file_services(hass)
