"""A site: its stations, storage, dispatch connection, responders and device health, together.

It builds each station's driver from its subentry and saved record, starts the adapters, and
turns responders' answers and the dispatch service's status updates into engine inputs.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
import logging
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import area_registry as ar, issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval

from ..const import CONF_AREA, CONF_CALLBACK_URL, DOMAIN
from ..core.engine.events import Acknowledged, Outcome, Resolved
from ..core.engine.state import Stage
from ..core.engine.station import Station
from ..core.outbox import Write, dump_outbox
from ..core.records import SiteRecords
from ..core.stations import StationSettings, bindings_from, station_config_from
from ..core.status import Reaction, display_name, meaning
from ..core.words import spoken_language
from .alerting import Alerting
from .clock import SiteClock
from .dispatch_client import DispatchClient, DispatchError
from .dispatch_sender import DispatchSender
from .drills import SiteDrills
from .health_watcher import HealthMonitor
from .program_stats import ProgramStatistics
from .radar_lookup import with_radar
from .responders import Responders
from .room import Room
from .sensing import Sensing
from .site_storage import SiteStorage
from .station_driver import SiteServices, StationDriver, StationInfo
from .webhook import SeenEvents

_LOGGER = logging.getLogger(__name__)

POLL_INTERVAL: Final = timedelta(seconds=5)
# With a callback URL, an open alert that has not heard a webhook for this long is polled:
# status must arrive whatever the network between the service and Home Assistant.
WEBHOOK_GRACE: Final = timedelta(seconds=30)
# Status changes found by polling that no webhook brought, before the user is told.
MISSED_WEBHOOKS_TO_REPORT: Final = 2
ISSUE_WEBHOOKS: Final = "webhooks_not_reaching"


class BraveSite:
    """Runs every station of one site."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, client: DispatchClient, device_id: str
    ) -> None:
        """Prepare; nothing runs until async_start. `device_id` is the site's own device."""
        self.hass = hass
        self.entry = entry
        self.client = client
        self.device_id = device_id
        self.language = spoken_language(hass.config.language)
        self.clock = SiteClock(hass, self._on_clock_step)
        self.storage = SiteStorage(hass, entry, self._snapshot)
        self.records = SiteRecords()
        self.drivers: dict[str, StationDriver] = {}
        self.responders = Responders(hass, entry, self.language, self.answer)
        self.sender = DispatchSender(
            hass,
            entry,
            client,
            self.records.outbox,
            now=self.clock.now,
            on_failure=self._on_dispatch_failure,
            save=self.storage.save_now,
            save_soon=self.storage.changed,
            durable=self.storage.durable,
        )
        self.alerting = Alerting(hass, entry, self.sender, self.responders, self.language)
        self.room = Room(hass, entry, self.language)
        self.health = HealthMonitor(hass, entry, self.responders, self.language)
        # Drills and program statistics (docs/drills-and-statistics.md) follow the drivers as built.
        self.drills = SiteDrills(hass, entry, self.drivers, self.room, self.responders)
        self.program = ProgramStatistics(hass, entry, self.drivers, self.health)
        self.seen = SeenEvents()
        # The last status seen per dispatch alert id, so each change is handled once.
        self._statuses: dict[str, str] = {}
        # When each open alert last heard from the service (webhook or poll).
        self._heard: dict[str, datetime] = {}
        self._missed_webhooks = 0
        # Alerts whose status is being asked.
        self._asking: set[str] = set()
        self._unsubs: list[CALLBACK_TYPE] = []

    # -- start and stop ------------------------------------------------------------------

    async def async_start(self) -> None:
        """Restore stations, listen to their devices and fire what came due while stopped."""
        titles = {sid: sub.title for sid, sub in self.entry.subentries.items()}
        self.records = records = await self.storage.async_load(titles)
        self.sender.outbox = records.outbox
        self._statuses = dict(records.statuses)
        self.seen = SeenEvents(dict(records.seen_webhooks))
        services = SiteServices(self.clock, self.storage, [self.room, self.alerting])
        for subentry in self.entry.subentries.values():
            record = records.stations.get(subentry.subentry_id)
            settings = StationSettings.read(record.settings if record else {})
            data = dict(subentry.data)
            # A radar's movement entity, when not bound, is found once here (docs/devices.md).
            bindings = with_radar(self.hass, subentry.subentry_id, bindings_from(data))
            config = station_config_from(
                subentry.subentry_id, subentry.title, data, settings, bindings
            )
            info = StationInfo(
                subentry.subentry_id, subentry.title, bindings, self._area_name(data)
            )
            engine = Station(config, record.state if record else None)
            self.drivers[info.station_id] = StationDriver(
                self.hass, info, engine, settings, services
            )
        self._unsubs += self.responders.async_start(records.responders)
        self.sender.async_start()
        sensing = Sensing(self.hass, self.drivers.values())
        self._unsubs += await sensing.async_listen(self.health.on_report)
        self._unsubs.append(async_track_time_interval(self.hass, self._poll, POLL_INTERVAL))
        # Device health (docs/devices.md): faults, repairs and the health contacts.
        self._unsubs += self.health.async_start(list(self.drivers.values()))
        # Home Assistant does not unload integrations when it stops: the last second of
        # changes is written as it shuts down.
        self._unsubs.append(
            self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_FINAL_WRITE, self._final_write)
        )
        await self.program.async_start()
        for driver in self.drivers.values():
            # Deadlines that passed while Home Assistant was stopped fire now, marked late.
            driver.start()
            self.alerting.restore(driver)
        sensing.sync_all(self.clock.now())
        await self.drills.async_start()

    async def async_stop(self) -> None:
        """Stop timers and listeners, and save everything now."""
        for unsub in self._unsubs:
            unsub()
        await self.drills.async_stop()
        await self.program.async_stop()
        for driver in self.drivers.values():
            driver.stop()
        await self.sender.async_stop()
        await self.storage.async_close()

    def _area_name(self, data: dict[str, Any]) -> str | None:
        """The name of the station's area, suggested for its device."""
        if (area_id := data.get(CONF_AREA)) and (
            area := ar.async_get(self.hass).async_get_area(area_id)
        ):
            return area.name
        return None

    async def _final_write(self, _event: Event) -> None:
        await self.storage.async_close()

    @callback
    def _snapshot(self, stations: set[str] | None) -> dict[str, Any]:
        return {
            "stations": {
                sid: d.snapshot()
                for sid, d in self.drivers.items()
                if stations is None or sid in stations
            },
            "outbox": dump_outbox(self.sender.outbox),
            "responders": self.responders.dump(),
            "statuses": self._statuses,
            "seen_webhooks": self.seen.seen,
            "quarantine": {
                "stations": self.records.bad_stations,
                "writes": self.records.bad_writes,
            },
        }

    @callback
    def _on_clock_step(self, step: timedelta) -> None:
        for driver in self.drivers.values():
            driver.shift(step)
        self.sender.shift(step)
        # When each open alert last heard from the service: left behind by a step back, it
        # would hold that alert's polling off for as long as the step.
        self._heard = {alert_id: at + step for alert_id, at in self._heard.items()}
        for driver in self.drivers.values():
            driver.reschedule()

    @callback
    def forget_set_aside(self, station_id: str | None) -> None:
        """A person has read the repair: drop what was set aside (a station, or the writes)."""
        if station_id is None:
            self.records.bad_writes = []
        else:
            self.records.bad_stations.pop(station_id, None)
        # What was set aside is not in the journal: the whole site is written.
        self.storage.write_now()

    # -- answers -------------------------------------------------------------------------

    def driver_for(self, alert_key: str) -> StationDriver | None:
        """The station an alert belongs to (alert keys are `<station id>-<number>`)."""
        return self.drivers.get(alert_key.rpartition("-")[0])

    @callback
    def answer(self, alert_key: str, responder: str, outcome: Outcome | None) -> None:
        """A responder took an alert (outcome None) or closed it with an outcome."""
        if (driver := self.driver_for(alert_key)) is None:
            return
        now = self.clock.now()
        ladder = driver.engine.state.ladder
        if ladder is not None and ladder.alert_key == alert_key and ladder.stage is Stage.ALERTED:
            driver.feed(Acknowledged(now, alert_key, responder))
        if outcome is not None:
            driver.feed(Resolved(now, alert_key, outcome))

    def alert_key_for(self, alert_id: str) -> str | None:
        """Which of this site's alerts the dispatch service calls alert_id."""
        return self.sender.alert_key_for(alert_id)

    @callback
    def dispatch_status(
        self,
        alert_id: str,
        status: str,
        responder: str | None,
        outcome: str | None,
        *,
        polled: bool = False,
    ) -> bool:
        """Apply a status from the dispatch service: a webhook's, or one found by polling.

        Returns False when the alert is unknown here.
        """
        alert_key = self.sender.alert_key_for(alert_id)
        if alert_key is None or (driver := self.driver_for(alert_key)) is None:
            return False
        self._heard[alert_id] = self.clock.now()
        if not polled:
            self._webhooks_arrive()
        if self._statuses.get(alert_id) == status:
            if not polled:
                # The webhook's replay record.
                self.storage.save_now()
            return True
        if polled and self.entry.data.get(CONF_CALLBACK_URL) is not None:
            self._webhook_missed()
        self._statuses[alert_id] = status
        # Asked before the status can close the alert: its last events are a test's too.
        test = driver.is_test(alert_key)
        found = meaning(status, outcome)
        who = display_name(responder)
        match found.reaction:
            case Reaction.ATTENDING:
                self.answer(alert_key, who, None)
            case Reaction.CLOSED:
                self.answer(alert_key, who, found.outcome)
            case Reaction.NOBODY_COMING if found.tell_fallback:
                self.alerting.dispatch_failed(driver, alert_key)
        if found.event is not None:
            attributes = {"alert_key": alert_key}
            if found.reaction is Reaction.ATTENDING:
                attributes["responder"] = who
            driver.fire_event(found.event, attributes, test=test)
        # What the service said (and whom it made us tell) is on disk before a crash could
        # make a poll or a replayed webhook tell them again.
        self.storage.save_now()
        return True

    @callback
    def _on_dispatch_failure(self, write: Write, reason: str) -> None:
        self.alerting.on_dispatch_failure(write, reason)

    # -- polling -------------------------------------------------------------------------

    def _open_alert_ids(self) -> list[str]:
        return [
            alert_id
            for driver in self.drivers.values()
            for alert_key in driver.engine.state.open_alerts
            if (alert_id := self.sender.alert_id_for(alert_key)) is not None
        ]

    async def _poll(self, _now: datetime) -> None:
        """Ask the service about open alerts it has not told us about in time.

        Without a callback URL every open alert is asked at each poll. With one, an alert is
        asked once it has heard nothing for WEBHOOK_GRACE: webhooks that never arrive (a
        private address the service cannot reach) cannot hide a responder's answer. Alerts
        are asked at once, each at most once at a time: one the service hangs on holds up no
        other.
        """
        now = self.clock.now()
        has_callback = self.entry.data.get(CONF_CALLBACK_URL) is not None
        open_ids = self._open_alert_ids()
        self._heard = {i: self._heard.get(i, now) for i in open_ids}
        due = [
            alert_id
            for alert_id in open_ids
            if alert_id not in self._asking
            and not (has_callback and now - self._heard[alert_id] < WEBHOOK_GRACE)
        ]
        await asyncio.gather(*(self._ask(alert_id) for alert_id in due))

    async def _ask(self, alert_id: str) -> None:
        self._asking.add(alert_id)
        try:
            alert = await self.client.get_alert(alert_id)
        except DispatchError as err:
            _LOGGER.debug("Polling alert %s failed: %s", alert_id, err)
            return
        finally:
            self._asking.discard(alert_id)
        self.dispatch_status(
            alert.alert_id, alert.status, alert.responder, alert.outcome, polled=True
        )

    @callback
    def _webhook_missed(self) -> None:
        self._missed_webhooks += 1
        if self._missed_webhooks == MISSED_WEBHOOKS_TO_REPORT:
            _LOGGER.warning(
                "Status updates from the dispatch service are not reaching Home Assistant's "
                "webhook; they are fetched by polling instead"
            )
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                f"{ISSUE_WEBHOOKS}_{self.entry.entry_id}",
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=ISSUE_WEBHOOKS,
                translation_placeholders={"site": self.entry.title},
            )

    @callback
    def _webhooks_arrive(self) -> None:
        if self._missed_webhooks:
            self._missed_webhooks = 0
            ir.async_delete_issue(self.hass, DOMAIN, f"{ISSUE_WEBHOOKS}_{self.entry.entry_id}")
