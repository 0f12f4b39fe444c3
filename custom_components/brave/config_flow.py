"""Config flow for Brave: a site entry per dispatch service, and its stations as subentries."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import logging
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_API_KEY, CONF_NAME, CONF_URL
from homeassistant.core import callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.selector import (
    AreaSelector,
    BooleanSelector,
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
    TimeSelector,
)
import probatio

from .adapters import learned_buttons as learning
from .adapters.dispatch_client import (
    DispatchAuthError,
    DispatchClient,
    DispatchConnectionError,
    DispatchError,
    InsecureServiceUrlError,
    InvalidServiceUrlError,
    normalize_service_url,
)
from .adapters.drills import (
    CONF_DRILL_DAYS,
    CONF_DRILL_TARGETS,
    CONF_DRILL_TIME,
    CONF_DRILL_WINDOW,
    SECTION_DRILLS,
    drill_schedule,
    drill_targets,
)
from .adapters.local_fallback import LOCAL_FALLBACK
from .adapters.responders import GROUPS, InvalidTargetError, parse_targets
from .const import (
    CONF_ACCESS_NOTES,
    CONF_ADDRESS,
    CONF_ANSWER_GESTURE,
    CONF_AREA,
    CONF_BASE_TOPIC,
    CONF_BUTTONS,
    CONF_CALL_EMERGENCY,
    CONF_CALLBACK_URL,
    CONF_CHECK_IN,
    CONF_CHECK_IN_GESTURE,
    CONF_CONTACTS,
    CONF_DOOR,
    CONF_HELP_BUTTON,
    CONF_LEARN_BUTTON,
    CONF_LEARNED_BUTTONS,
    CONF_LIGHT,
    CONF_LOCATION_LABEL,
    CONF_MEDIA_PLAYER,
    CONF_MOTION,
    CONF_NO_PROMPT,
    CONF_NOTIFY,
    CONF_OPERATING_HOURS,
    CONF_PAUSE_GESTURE,
    CONF_PLAN_NOTES,
    CONF_PRESENCE,
    CONF_RELEASE_ON_HELP,
    CONF_RESPONDER_GROUPS,
    CONF_ROOM_SENSING,
    CONF_SITE_ID,
    CONF_SITE_NAME,
    CONF_TTS,
    CONF_UNIT,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_SECRET,
    DOMAIN,
    SECTION_MODES,
    SECTION_PROMPTS,
    SECTION_RELEASE,
    SECTION_RESCUE_PLAN,
    SECTION_SENSORS,
    SUBENTRY_STATION,
)
from .core.buttons import DEFAULT_BASE_TOPIC, LearnedButton, gesture_options
from .core.drills import WEEKDAYS, InvalidScheduleError
from .core.engine.config import RESPONDER_GROUPS, RescuePlan
from .core.health import InvalidHoursError, OperatingHours
from .core.sites import clean_site_name, site_unique_id
from .core.station_rules import station_problems
from .core.words import spoken_language
from .import_flow import StationImportSteps

_LOGGER = logging.getLogger(__name__)

STEP_REAUTH_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_API_KEY): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD)
        ),
    }
)
STEP_RECONFIGURE_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_URL): TextSelector(TextSelectorConfig(type=TextSelectorType.URL)),
        probatio.Required(CONF_API_KEY): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD)
        ),
    }
)
# A site is one building or program; several can share a dispatch service, each by its name.
STEP_USER_SCHEMA = STEP_RECONFIGURE_SCHEMA.extend(
    {probatio.Optional(CONF_SITE_NAME): TextSelector()}
)


def _entity(domain: str | list[str], *, multiple: bool = False) -> EntitySelector:
    return EntitySelector(EntitySelectorConfig(domain=domain, multiple=multiple))


_MULTILINE = TextSelector(TextSelectorConfig(multiline=True))

STATION_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_NAME): TextSelector(),
        probatio.Optional(CONF_AREA): AreaSelector(),
        probatio.Required(SECTION_MODES): section(
            probatio.Schema(
                {
                    probatio.Required(CONF_HELP_BUTTON, default=True): BooleanSelector(),
                    probatio.Required(CONF_CHECK_IN, default=True): BooleanSelector(),
                    probatio.Required(CONF_ROOM_SENSING, default=False): BooleanSelector(),
                    probatio.Required(CONF_RELEASE_ON_HELP, default=True): BooleanSelector(),
                }
            )
        ),
        probatio.Required(SECTION_SENSORS): section(
            probatio.Schema(
                {
                    probatio.Optional(CONF_PRESENCE): _entity("binary_sensor"),
                    probatio.Optional(CONF_MOTION): _entity(["sensor", "binary_sensor", "select"]),
                    probatio.Optional(CONF_DOOR): _entity("binary_sensor"),
                    probatio.Optional(CONF_BUTTONS): EntitySelector(
                        EntitySelectorConfig(multiple=True)
                    ),
                    probatio.Optional(CONF_CHECK_IN_GESTURE): TextSelector(),
                    probatio.Optional(CONF_ANSWER_GESTURE): TextSelector(),
                    probatio.Optional(CONF_PAUSE_GESTURE): TextSelector(),
                }
            )
        ),
        probatio.Required(SECTION_PROMPTS): section(
            probatio.Schema(
                {
                    probatio.Optional(CONF_TTS): _entity("tts"),
                    probatio.Optional(CONF_MEDIA_PLAYER): _entity("media_player"),
                    probatio.Optional(CONF_LIGHT): _entity("light"),
                    probatio.Optional(CONF_NOTIFY): _entity("notify"),
                    probatio.Optional(CONF_NO_PROMPT, default=False): BooleanSelector(),
                }
            ),
            {"collapsed": True},
        ),
        probatio.Required(SECTION_RESCUE_PLAN): section(
            probatio.Schema(
                {
                    probatio.Required(
                        CONF_RESPONDER_GROUPS, default=list(RescuePlan().groups)
                    ): SelectSelector(
                        SelectSelectorConfig(
                            options=list(RESPONDER_GROUPS),
                            multiple=True,
                            translation_key=CONF_RESPONDER_GROUPS,
                        )
                    ),
                    probatio.Required(CONF_CALL_EMERGENCY, default=False): BooleanSelector(),
                    probatio.Optional(CONF_PLAN_NOTES): _MULTILINE,
                }
            )
        ),
        probatio.Required(SECTION_RELEASE): section(
            probatio.Schema(
                {
                    probatio.Optional(CONF_LOCATION_LABEL): TextSelector(),
                    probatio.Optional(CONF_ADDRESS): TextSelector(),
                    probatio.Optional(CONF_UNIT): TextSelector(),
                    probatio.Optional(CONF_ACCESS_NOTES): _MULTILINE,
                    probatio.Optional(CONF_CONTACTS): _MULTILINE,
                }
            ),
            {"collapsed": True},
        ),
        # Not saved: whether to learn a button next, and where Zigbee2MQTT publishes.
        probatio.Optional(CONF_LEARN_BUTTON, default=False): BooleanSelector(),
        probatio.Optional(CONF_BASE_TOPIC, default=DEFAULT_BASE_TOPIC): TextSelector(),
    }
)
GESTURE_FIELDS = ("help", "answer", "start_check_in", "pause")
CONF_RETRY = "retry"
STEP_NO_PRESS_SCHEMA = probatio.Schema(
    {probatio.Required(CONF_RETRY, default=True): BooleanSelector()}
)


def _error_key(err: DispatchError) -> str:
    """The form error for a failed check of the dispatch service."""
    if isinstance(err, DispatchAuthError):
        return "invalid_auth"
    if isinstance(err, DispatchConnectionError):
        return "cannot_connect"
    return "unexpected_response"


def _station_errors(user_input: dict[str, Any]) -> dict[str, str]:
    """The form shows one problem at a time: the last the rules find (core/station_rules.py)."""
    problems = station_problems(user_input)
    return {"base": problems[-1].code} if problems else {}


def _site_name(entry: ConfigEntry) -> str:
    """The name the site registered with (its title, for a site from before names)."""
    return str(entry.data.get(CONF_SITE_NAME) or entry.title)


def _alerts_in_progress(entry: ConfigEntry) -> bool:
    """Whether the site has alerts open or writes queued at its dispatch service."""
    if entry.state is not ConfigEntryState.LOADED:
        return False
    site = entry.runtime_data
    return bool(len(site.sender.outbox)) or any(
        driver.engine.state.open_alerts for driver in site.drivers.values()
    )


class BraveConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a site: check the dispatch service answers and accepts the key, then save it."""

    VERSION = 1
    # 2: a site's unique id is its service and its name (several sites per service).
    MINOR_VERSION = 2

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Stations are subentries of a site."""
        return {SUBENTRY_STATION: StationSubentryFlow}

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the dispatch service URL, the API key and the site's name."""
        errors: dict[str, str] = {}
        if user_input is not None:
            # Left empty: Home Assistant's own name, as when there was one site per service.
            name = clean_site_name(user_input.get(CONF_SITE_NAME) or "") or clean_site_name(
                self.hass.config.location_name
            )
            try:
                url = normalize_service_url(user_input[CONF_URL])
            except InsecureServiceUrlError:
                errors[CONF_URL] = "insecure_url"
            except InvalidServiceUrlError:
                errors[CONF_URL] = "invalid_url"
            if not errors:
                await self.async_set_unique_id(site_unique_id(url, name))
                self._abort_if_unique_id_configured()
                webhook_id = webhook.async_generate_id()
                try:
                    callback_url: str | None = webhook.async_generate_url(self.hass, webhook_id)
                except NoURLAvailableError:
                    # Not reachable from the service: the integration polls instead.
                    callback_url = None
                try:
                    client = DispatchClient(
                        async_get_clientsession(self.hass), url, user_input[CONF_API_KEY]
                    )
                    await client.health()
                    site = await client.register_site(
                        name=name,
                        callback_url=callback_url,
                        language=spoken_language(self.hass.config.language),
                        timezone=self.hass.config.time_zone,
                    )
                except DispatchError as err:
                    errors["base"] = _error_key(err)
                except Exception:
                    _LOGGER.exception("Unexpected error checking the dispatch service")
                    errors["base"] = "unknown"
                else:
                    return self.async_create_entry(
                        title=name,
                        data={
                            CONF_SITE_NAME: name,
                            CONF_URL: url,
                            CONF_API_KEY: user_input[CONF_API_KEY],
                            CONF_SITE_ID: site.site_id,
                            CONF_WEBHOOK_SECRET: site.webhook_secret,
                            CONF_WEBHOOK_ID: webhook_id,
                            CONF_CALLBACK_URL: callback_url,
                        },
                    )
        suggested = user_input or {CONF_SITE_NAME: self.hass.config.location_name}
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(STEP_USER_SCHEMA, suggested),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the site's key, or move it to another dispatch service."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                url = normalize_service_url(user_input[CONF_URL])
            except InsecureServiceUrlError:
                errors[CONF_URL] = "insecure_url"
            except InvalidServiceUrlError:
                errors[CONF_URL] = "invalid_url"
            else:
                moving = url != entry.data[CONF_URL]
                if moving and _alerts_in_progress(entry):
                    # Open alerts live at the current service: moving now would strand them.
                    errors["base"] = "alerts_in_progress"
                else:
                    unique_id = site_unique_id(url, _site_name(entry))
                    if moving:
                        # The same building already set up at the new service.
                        await self.async_set_unique_id(unique_id)
                        self._abort_if_unique_id_configured()
                    errors, updates = await self._async_reconfigure_site(
                        entry, url, user_input[CONF_API_KEY], moving=moving
                    )
                    if not errors:
                        return self.async_update_reload_and_abort(
                            entry, unique_id=unique_id, data_updates=updates
                        )
        suggested = user_input or {CONF_URL: entry.data[CONF_URL]}
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(STEP_RECONFIGURE_SCHEMA, suggested),
            errors=errors,
        )

    async def _async_reconfigure_site(
        self, entry: ConfigEntry, url: str, api_key: str, *, moving: bool
    ) -> tuple[dict[str, str], dict[str, Any]]:
        """Check the service with the key; at a new service, register the site there.

        Returns the form's errors, and the entry data to change.
        """
        client = DispatchClient(async_get_clientsession(self.hass), url, api_key)
        updates: dict[str, Any] = {CONF_URL: url, CONF_API_KEY: api_key}
        try:
            await client.health()
            if moving:
                site = await client.register_site(
                    name=_site_name(entry),
                    callback_url=entry.data.get(CONF_CALLBACK_URL),
                    language=spoken_language(self.hass.config.language),
                    timezone=self.hass.config.time_zone,
                )
                updates |= {CONF_SITE_ID: site.site_id, CONF_WEBHOOK_SECRET: site.webhook_secret}
        except DispatchError as err:
            return {"base": _error_key(err)}, updates
        except Exception:
            _LOGGER.exception("Unexpected error checking the dispatch service")
            return {"base": "unknown"}, updates
        return {}, updates

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The service refused the API key."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new API key; alerts stay queued meanwhile."""
        errors: dict[str, str] = {}
        entry = self._get_reauth_entry()
        if user_input is not None:
            client = DispatchClient(
                async_get_clientsession(self.hass), entry.data[CONF_URL], user_input[CONF_API_KEY]
            )
            try:
                await client.health()
            except DispatchError as err:
                errors["base"] = _error_key(err)
            else:
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_API_KEY: user_input[CONF_API_KEY]}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=STEP_REAUTH_SCHEMA,
            description_placeholders={"url": entry.data[CONF_URL]},
            errors=errors,
        )

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> BraveOptionsFlow:
        """The site's responder groups, and its stations from a file."""
        return BraveOptionsFlow()


# Scheduled drills (docs/drills-and-statistics.md, "Drills"): no days chosen means none.
DRILLS_SECTION = section(
    probatio.Schema(
        {
            probatio.Optional(CONF_DRILL_DAYS): SelectSelector(
                SelectSelectorConfig(
                    options=list(WEEKDAYS), multiple=True, translation_key="weekday"
                )
            ),
            probatio.Optional(CONF_DRILL_TIME): TimeSelector(),
            probatio.Optional(CONF_DRILL_WINDOW, default=15): NumberSelector(
                NumberSelectorConfig(
                    min=1, max=240, step=1, unit_of_measurement="min", mode=NumberSelectorMode.BOX
                )
            ),
            probatio.Optional(CONF_DRILL_TARGETS): _MULTILINE,
        }
    ),
    {"collapsed": True},
)


def _drill_errors(drills: dict[str, Any]) -> dict[str, str]:
    try:
        drill_schedule({SECTION_DRILLS: drills})
    except InvalidScheduleError:
        return {"base": "invalid_drill_schedule"}
    try:
        drill_targets(drills.get(CONF_DRILL_TARGETS, ""))
    except InvalidTargetError:
        return {"base": "invalid_targets"}
    return {}


class BraveOptionsFlow(StationImportSteps):
    """Name who Home Assistant itself alerts, group by group; import stations from a file."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Responder groups, or stations from a file (import_flow.py)."""
        return self.async_show_menu(step_id="init", menu_options=["responders", "import_stations"])

    async def async_step_responders(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """One target per line for each group."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                for group in GROUPS:
                    parse_targets(user_input.get(group, ""), local=group == LOCAL_FALLBACK)
            except InvalidTargetError:
                errors["base"] = "invalid_targets"
            try:
                OperatingHours.parse(user_input.get(CONF_OPERATING_HOURS, ""))
            except InvalidHoursError:
                errors[CONF_OPERATING_HOURS] = "invalid_operating_hours"
            drills = user_input.get(SECTION_DRILLS)
            if drills is not None:
                errors |= _drill_errors(drills)
            if not errors:
                return self.async_create_entry(
                    data={
                        **{group: user_input.get(group, "") for group in GROUPS},
                        CONF_OPERATING_HOURS: user_input.get(CONF_OPERATING_HOURS, "").strip(),
                        **({} if drills is None else {SECTION_DRILLS: drills}),
                    }
                )
        schema = probatio.Schema(
            {
                **{probatio.Optional(group): _MULTILINE for group in GROUPS},
                probatio.Optional(CONF_OPERATING_HOURS): TextSelector(),
                probatio.Optional(SECTION_DRILLS): DRILLS_SECTION,
            }
        )
        return self.async_show_form(
            step_id="responders",
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or dict(self.config_entry.options)
            ),
            errors=errors,
        )


class StationSubentryFlow(ConfigSubentryFlow):
    """Add or change a station: what it listens to, how it asks, and the rescue plan.

    Either form can go on to learn a button: the next press on any path (ZHA event,
    Zigbee2MQTT message, event entity) is captured and the person says what its gestures mean.
    """

    def __init__(self) -> None:
        """Nothing learned yet."""
        self._pending: dict[str, Any] = {}
        self._base_topic = DEFAULT_BASE_TOPIC
        self._capture_task: asyncio.Task[learning.Capture | None] | None = None
        self._captured: learning.Capture | None = None

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Add a station."""
        errors: dict[str, str] = {}
        if user_input is not None and not (errors := _station_errors(user_input)):
            return await self._async_submitted(user_input)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(STATION_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a station."""
        subentry = self._get_reconfigure_subentry()
        errors: dict[str, str] = {}
        if user_input is not None and not (errors := _station_errors(user_input)):
            # The form does not show learned buttons: they stay.
            learned = subentry.data.get(SECTION_SENSORS, {}).get(CONF_LEARNED_BUTTONS)
            if learned:
                user_input[SECTION_SENSORS] = {
                    **user_input[SECTION_SENSORS],
                    CONF_LEARNED_BUTTONS: list(learned),
                }
            return await self._async_submitted(user_input)
        suggested = user_input or {CONF_NAME: subentry.title, **subentry.data}
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(STATION_SCHEMA, suggested),
            errors=errors,
        )

    async def _async_submitted(self, user_input: dict[str, Any]) -> SubentryFlowResult:
        learn = user_input.pop(CONF_LEARN_BUTTON, False)
        self._base_topic = user_input.pop(CONF_BASE_TOPIC, None) or DEFAULT_BASE_TOPIC
        self._pending = user_input
        if learn:
            return await self.async_step_learn_button()
        return await self.async_step_finish()

    async def async_step_learn_button(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Wait up to 30 s for the button to be pressed."""
        if self._capture_task is None:
            self._capture_task = self.hass.async_create_task(
                learning.async_capture_press(self.hass, self._base_topic)
            )
        if not self._capture_task.done():
            return self.async_show_progress(
                step_id="learn_button",
                progress_action="learn_button",
                progress_task=self._capture_task,
            )
        self._captured = self._capture_task.result()
        self._capture_task = None
        if self._captured is None:
            return self.async_show_progress_done(next_step_id="no_press")
        if self._captured.source == learning.SOURCE_ENTITY:
            # An event entity is bound like one chosen in the form.
            sensors = self._pending[SECTION_SENSORS]
            buttons = list(sensors.get(CONF_BUTTONS) or ())
            if self._captured.key not in buttons:
                buttons.append(self._captured.key)
            self._pending[SECTION_SENSORS] = {**sensors, CONF_BUTTONS: buttons}
            return self.async_show_progress_done(next_step_id="finish")
        return self.async_show_progress_done(next_step_id="button_gestures")

    async def async_step_no_press(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Nothing was heard: try again, or save without a learned button."""
        if user_input is not None:
            if user_input[CONF_RETRY]:
                return await self.async_step_learn_button()
            return await self.async_step_finish()
        errors: dict[str, str] = {}
        errors["base"] = "no_press"
        return self.async_show_form(
            step_id="no_press", data_schema=STEP_NO_PRESS_SCHEMA, errors=errors
        )

    async def async_step_button_gestures(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Show what was heard and ask what its gestures mean."""
        captured = self._captured
        assert captured is not None
        if user_input is not None:
            learned = LearnedButton(
                source=captured.source,
                key=captured.key,
                **{name: tuple(user_input.get(name) or ()) for name in GESTURE_FIELDS},
            )
            sensors = self._pending[SECTION_SENSORS]
            kept = [
                item
                for item in sensors.get(CONF_LEARNED_BUTTONS) or ()
                if item.get("ieee", item.get("topic")) != captured.key
            ]
            self._pending[SECTION_SENSORS] = {
                **sensors,
                CONF_LEARNED_BUTTONS: [*kept, learned.as_dict()],
            }
            return await self.async_step_finish()
        options = gesture_options(captured.source, captured.gesture)
        select = SelectSelector(
            SelectSelectorConfig(options=options, multiple=True, custom_value=True)
        )
        schema = probatio.Schema(
            {
                probatio.Optional("help", default=[captured.gesture]): select,
                probatio.Optional("answer", default=[]): select,
                probatio.Optional("start_check_in", default=[]): select,
                probatio.Optional("pause", default=[]): select,
            }
        )
        return self.async_show_form(
            step_id="button_gestures",
            data_schema=schema,
            description_placeholders={
                "source": captured.source,
                "device": captured.key,
                "gesture": captured.gesture,
            },
        )

    async def async_step_finish(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Save the station."""
        data = self._pending
        name = data.pop(CONF_NAME)
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_and_abort(
                self._get_entry(), self._get_reconfigure_subentry(), title=name, data=data
            )
        return self.async_create_entry(title=name, data=data)

    @callback
    def async_remove(self) -> None:
        """The flow was closed: stop listening."""
        if self._capture_task is not None:
            self._capture_task.cancel()
