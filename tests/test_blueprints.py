"""The automation blueprints, instantiated from blueprints/automation/brave/ in real Home Assistant.

Each blueprint runs against a real Brave site (reference dispatch server on 127.0.0.1) and the
real Home Assistant parts a user would have: automation, mqtt on a mocked client,
input_button, persistent_notification. The lights, speakers and screens nobody has here are
mocked services, and the phone app's notify action is a stand-in (see PhoneApp).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
import json
from pathlib import Path
import re
import shutil
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import persistent_notification
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import importer, models
from homeassistant.components.blueprint.schemas import BLUEPRINT_SCHEMA
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import WEEKDAYS
from homeassistant.core import Context, HomeAssistant, ServiceCall
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
    template,
)
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util, yaml as yaml_util
import probatio
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    async_fire_mqtt_message,
    async_fire_time_changed,
    async_mock_service,
    mock_integration,
    mock_platform,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.brave.const import DOMAIN
from custom_components.brave.core.alert_steps import EVENT_TYPES

from .conftest import BUTTON, RunningServer, site_with_station, station_data
from .helpers import device_id, entity_id, move_ahead_to, setup_site, station_state

ROOT = Path(__file__).parent.parent
BLUEPRINTS = ROOT / "blueprints" / "automation" / "brave"
NAMES = sorted(path.stem for path in BLUEPRINTS.glob("*.yaml"))
REPOSITORY = "brave-home-assistant/brave"
FIXTURES = Path(__file__).parent / "fixtures" / "buttons"


@pytest.fixture(autouse=True)
async def stop_automations(hass: HomeAssistant) -> AsyncIterator[None]:
    """Turn the automations off after each test: their time triggers hold timers."""
    yield
    if "automation" in hass.config.components:
        await hass.services.async_call(
            "automation", "turn_off", {"entity_id": "all"}, blocking=True
        )


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """A config directory of its own, with the blueprints where Home Assistant looks for them."""
    shutil.copytree(BLUEPRINTS, Path(hass_tmp_config_dir, "blueprints", "automation", "brave"))
    return hass_tmp_config_dir


# Automation and script runs: they may stay parked in a delay or a wait for the whole test, so
# waiting for them (as async_block_till_done does) would never end.
PARKED = frozenset({"AutomationEntity._async_trigger_if_enabled", "Script.async_run"})


async def settle(hass: HomeAssistant) -> None:
    """Run until nothing is left to run now, without waiting for runs parked in a delay or wait.

    Done when no other task is busy (a service call, a request to the dispatch service) and
    the event loop has no callback ready: what remains waits for time or for an event.
    """
    while True:
        await asyncio.sleep(0)
        busy = [
            task
            for task in hass._tasks | hass._background_tasks
            if not task.done() and task.get_coro().__qualname__ not in PARKED  # type: ignore[union-attr]
        ]
        if busy:
            await asyncio.wait(busy)
        elif not hass.loop._ready:  # type: ignore[attr-defined]
            return


async def step(hass: HomeAssistant, freezer: FrozenDateTimeFactory, *seconds: float) -> None:
    """Let time pass in steps, firing the timers due at the end of each (as helpers.advance)."""
    for each in seconds:
        freezer.tick(timedelta(seconds=each))
        async_fire_time_changed(hass)
        await settle(hass)


async def _automations(hass: HomeAssistant, *instances: tuple[str, str, dict[str, Any]]) -> None:
    """Set up automations from blueprints: (automation id, blueprint, inputs) each."""
    config = [
        {
            "id": automation_id,
            "alias": automation_id,
            "use_blueprint": {"path": f"brave/{blueprint}.yaml", "input": inputs},
        }
        for automation_id, blueprint, inputs in instances
    ]
    assert await async_setup_component(hass, "automation", {"automation": config})
    await settle(hass)
    for automation_id, _, _ in instances:
        state = hass.states.get(f"automation.{automation_id}")
        assert state is not None
        # "unavailable" would mean the instance did not validate.
        assert state.state == "on", automation_id


async def _automation(hass: HomeAssistant, blueprint: str, **inputs: Any) -> None:
    await _automations(hass, (f"test_{blueprint}", blueprint, inputs))


def _messages(calls: list[ServiceCall], target: str) -> list[str]:
    return [str(c.data["message"]) for c in calls if target in c.data["entity_id"]]


def _zha_device(hass: HomeAssistant, ieee: str, name: str) -> str:
    """A ZHA device in the registries, as ZHA registers a button (the radio is not needed)."""
    entries = hass.config_entries.async_entries("zha")
    if entries:
        zha = entries[0]
    else:
        zha = MockConfigEntry(domain="zha")
        zha.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=zha.entry_id, identifiers={("zha", ieee)}, name=name
    )
    return device.id


def _zha_press(hass: HomeAssistant, device: str, ieee: str, command: str) -> None:
    """A zha_event as ZHA fires it for a button press (shape from tests/fixtures/buttons)."""
    hass.bus.async_fire(
        "zha_event",
        {
            "device_ieee": ieee,
            "device_id": device,
            "unique_id": f"{ieee}:1:0x0006",
            "endpoint_id": 1,
            "cluster_id": 6,
            "command": command,
            "args": [],
            "params": {},
        },
    )


def _press_entity(hass: HomeAssistant, entity: str, gesture: str, name: str) -> None:
    """An event entity's press: a new timestamp, the gesture as event type."""
    hass.states.async_set(
        entity, dt_util.utcnow().isoformat(), {"event_type": gesture, "friendly_name": name}
    )


# -- every blueprint -----------------------------------------------------------------------


def _raw_url(name: str) -> str:
    return f"https://raw.githubusercontent.com/{REPOSITORY}/main/blueprints/automation/brave/{name}.yaml"


def _load(name: str) -> dict[str, Any]:
    data = yaml_util.load_yaml(BLUEPRINTS / f"{name}.yaml")
    assert isinstance(data, dict)
    return data


def _blueprint(name: str) -> models.Blueprint:
    return models.Blueprint(
        _load(name),
        expected_domain="automation",
        path=f"brave/{name}.yaml",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )


def _inputs(blueprint: models.Blueprint) -> dict[str, dict[str, Any]]:
    return {key: value or {} for key, value in blueprint.inputs.items()}


@pytest.mark.parametrize("name", NAMES)
def test_blueprint_is_valid_and_points_home(name: str) -> None:
    data = _load(name)
    # The generic schema (what an import checks) and the automation's own.
    BLUEPRINT_SCHEMA(data)
    blueprint = _blueprint(name)
    assert blueprint.validate() is None  # this Home Assistant is new enough
    meta = blueprint.metadata
    assert meta["name"].startswith("Brave: ")
    assert len(meta["description"]) > 100
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    assert meta["homeassistant"]["min_version"] == hacs["homeassistant"]
    # Re-importing from the UI follows source_url: it must lead back to this very file.
    assert importer._get_github_import_url(meta["source_url"]) == _raw_url(name)
    for key, spec in _inputs(blueprint).items():
        assert spec.get("name"), f"{name}: input {key} has no name"
        selector = spec.get("selector", {})
        # Brave inputs offer only Brave's entities and devices.
        for kind in ("entity", "device"):
            filters = (selector.get(kind) or {}).get("filter", [])
            if any(f.get("integration") == DOMAIN for f in filters):
                assert all(f.get("integration") == DOMAIN for f in filters)


def _raw_inputs(name: str) -> dict[str, dict[str, Any]]:
    """The inputs as written, sections flattened."""
    inputs: dict[str, dict[str, Any]] = {}
    for key, spec in _load(name)["blueprint"]["input"].items():
        inputs.update(spec.get("input", {key: spec}))
    return inputs


def test_station_inputs_are_brave_event_or_station_entities() -> None:
    selectors = {
        (name, key): spec["selector"] for name in NAMES for key, spec in _raw_inputs(name).items()
    }
    assert selectors[("in_room_check_in_prompt", "station_events")] == {
        "entity": {"filter": [{"integration": DOMAIN, "domain": "event"}]}
    }
    assert selectors[("responder_phone", "stations")] == {
        "entity": {"multiple": True, "filter": [{"integration": DOMAIN, "domain": "event"}]}
    }
    assert selectors[("zigbee_help_button", "station")] == {
        "device": {"filter": [{"integration": DOMAIN, "model": "Station"}]}
    }
    # The lifecycle steps the blueprints react to are ones the event entity fires.
    steps = {
        option["value"] for option in selectors[("responder_phone", "steps")]["select"]["options"]
    }
    assert steps <= set(EVENT_TYPES)
    actions = {
        option["value"]
        for option in selectors[("zigbee_help_button", "action")]["select"]["options"]
    }
    assert actions == {"help", "answer", "start_check_in"}


IMPORT_LINK = r"https://my\.home-assistant\.io/redirect/blueprint_import/\?[^)\s]+"


def _import_links() -> dict[str, str]:
    """Each blueprint's import link in docs/blueprints.md: blueprint name -> raw file URL."""
    text = (ROOT / "docs" / "blueprints.md").read_text(encoding="utf-8")
    links: dict[str, str] = {}
    for link in re.findall(IMPORT_LINK, text):
        parts = urlsplit(link)
        [url] = parse_qs(parts.query, strict_parsing=True)["blueprint_url"]
        # The raw URL goes url-encoded, whole, as my.home-assistant.io expects it.
        assert parts.query == f"blueprint_url={quote(url, safe='')}"
        links.setdefault(Path(urlsplit(url).path).stem, url)
    return links


def test_docs_link_every_blueprint_for_import() -> None:
    links = _import_links()
    assert sorted(links) == NAMES
    for name, url in links.items():
        assert url == _raw_url(name)
    docs = (ROOT / "docs" / "blueprints.md").read_text(encoding="utf-8")
    readme = docs.split("## README section")
    assert len(readme) == 2
    # The README section links each one too.
    for name in NAMES:
        assert quote(_raw_url(name), safe="") in readme[1]


async def test_import_links_bring_in_the_blueprints(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """What Home Assistant's own importer does with each link (GitHub served from here)."""
    for name, url in _import_links().items():
        aioclient_mock.get(url, text=(BLUEPRINTS / f"{name}.yaml").read_text(encoding="utf-8"))
        imported = await importer.fetch_blueprint_from_url(hass, url)
        assert imported.blueprint.domain == "automation"
        assert imported.suggested_filename == f"brave-home-assistant/{name}"
        assert imported.blueprint.metadata["source_url"] == url


# -- 1. in-room check-in prompt ------------------------------------------------------------

CHIME = {
    "media_content_id": "media-source://media_source/local/chime.mp3",
    "media_content_type": "audio/mpeg",
}


@pytest.fixture
def room(hass: HomeAssistant) -> dict[str, list[ServiceCall]]:
    """The room's light, speaker and screen (and the station's own speaker)."""
    return {
        "light": async_mock_service(hass, "light", "turn_on"),
        "notify": async_mock_service(hass, "notify", "send_message"),
        "media": async_mock_service(hass, "media_player", "play_media"),
        "tts": async_mock_service(hass, "tts", "speak"),
    }


async def _in_room(hass: HomeAssistant, server: RunningServer) -> None:
    await setup_site(hass, site_with_station(server, station_data()))
    await _automation(
        hass,
        "in_room_check_in_prompt",
        station_events=entity_id(hass, "event", "lifecycle"),
        speaker="media_player.hall_speaker",
        chime=CHIME,
        tts_engine="tts.speech",
        lights=["light.lamp"],
        notify_entities=["notify.room_screen"],
    )
    await hass.services.async_call(
        DOMAIN, "start_session", {"station": device_id(hass)}, blocking=True
    )


def _said(calls: list[ServiceCall]) -> list[str]:
    """What the blueprint said on its speaker (the station's own speaker is another)."""
    return [
        str(c.data["message"])
        for c in calls
        if c.data["media_player_entity_id"] == "media_player.hall_speaker"
    ]


async def test_in_room_prompt_flashes_until_answered(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    room: dict[str, list[ServiceCall]],
) -> None:
    await _in_room(hass, dispatch_server)
    await step(hass, freezer, 299)
    assert room["light"] == []
    await step(hass, freezer, 1)
    assert station_state(hass) == "prompting"
    prompt = "Checking in. Are you okay? Press your button to let us know."
    assert _messages(room["notify"], "notify.room_screen") == [prompt]
    [chime] = room["media"]
    assert chime.data == {
        "entity_id": ["media_player.hall_speaker"],
        "media": CHIME,
        "announce": True,
    }
    # Words follow the chime after the pause.
    assert _said(room["tts"]) == []
    await step(hass, freezer, 2)
    assert _said(room["tts"]) == [prompt]
    assert [c.data for c in room["light"]] == [{"entity_id": ["light.lamp"], "flash": "long"}]
    await step(hass, freezer, 8, 10, 10)
    assert len(room["light"]) == 4

    await hass.services.async_call(DOMAIN, "check_in", {"station": device_id(hass)}, blocking=True)
    await settle(hass)
    assert station_state(hass) == "check_in"
    answered = "Thanks. Nobody is being called."
    assert _messages(room["notify"], "notify.room_screen") == [prompt, answered]
    assert _said(room["tts"]) == [prompt, answered]
    # The answer stopped the flashing and the chime is not played again.
    await step(hass, freezer, 10, 10, 10)
    assert len(room["light"]) == 4
    assert len(room["media"]) == 1


async def test_in_room_countdown_then_help_called(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    room: dict[str, list[ServiceCall]],
) -> None:
    await _in_room(hass, dispatch_server)
    await step(hass, freezer, 300, 10, 10, 10, 10, 10, 10)
    assert station_state(hass) == "countdown"
    countdown = "No answer yet. Help will be called soon. Press your button to stop it."
    assert _messages(room["notify"], "notify.room_screen")[-1] == countdown
    assert len(room["media"]) == 2  # a chime for the prompt, one for the countdown
    flashes = len(room["light"])
    await step(hass, freezer, 10)
    assert len(room["light"]) == flashes + 1
    await step(hass, freezer, 10)
    assert station_state(hass) == "alert"
    assert _messages(room["notify"], "notify.room_screen")[-1] == (
        "Help has been called and is on the way."
    )
    # Help is called: the lights stop asking for an answer.
    flashes = len(room["light"])
    await step(hass, freezer, 10, 10)
    assert len(room["light"]) == flashes


async def test_in_room_ignores_restored_steps_and_other_steps(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    room: dict[str, list[ServiceCall]],
) -> None:
    await _in_room(hass, dispatch_server)
    await step(hass, freezer, 300)
    await hass.services.async_call(DOMAIN, "check_in", {"station": device_id(hass)}, blocking=True)
    await settle(hass)
    sent = len(room["notify"])
    # Reloading the site restores the event entity's last step ("answered"): not a new step.
    [entry] = hass.config_entries.async_entries(DOMAIN)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass)
    assert len(room["notify"]) == sent
    # A test alert is not announced in the room.
    await hass.services.async_call(
        DOMAIN, "end_session", {"station": device_id(hass)}, blocking=True
    )
    await hass.services.async_call(
        DOMAIN, "test_alert", {"station": device_id(hass)}, blocking=True
    )
    await settle(hass)
    assert hass.states.get(entity_id(hass, "event", "lifecycle")).attributes["trigger"] == "test"
    assert len(room["notify"]) == sent


# -- 2. responder phone --------------------------------------------------------------------


class PhoneApp:
    """Stands in for mobile_app's device action ("notify" on a phone), as the real one behaves.

    The real mobile_app cannot load in this test environment: it imports the cloud and voice
    assistant integrations, whose libraries (hassil, pymicro-vad...) are not installed. This
    renders message, title and data with the run's variables exactly as mobile_app does, and
    keeps what each phone would receive.
    """

    ACTION_SCHEMA = cv.DEVICE_ACTION_BASE_SCHEMA.extend(
        {
            probatio.Required("type"): "notify",
            probatio.Required("message"): cv.template,
            probatio.Optional("title"): cv.template,
            probatio.Optional("data"): cv.template_complex,
        }
    )

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    async def async_call_action_from_config(
        self,
        hass: HomeAssistant,
        config: dict[str, Any],
        variables: dict[str, Any],
        context: Context | None,
    ) -> None:
        sent = {
            key: template.render_complex(config[key], variables)
            for key in ("message", "title", "data")
            if key in config
        }
        self.received.append({"device_id": config["device_id"], **sent})


@pytest.fixture
def phones(hass: HomeAssistant) -> PhoneApp:
    """The Home Assistant app's notify action, and what the phones received."""
    app = PhoneApp()
    mock_integration(hass, MockModule("mobile_app"))
    mock_platform(hass, "mobile_app.device_action", app)  # type: ignore[arg-type]
    return app


def _phone(hass: HomeAssistant, name: str) -> str:
    """A phone registered by the Home Assistant app; returns its device id."""
    entry = MockConfigEntry(domain="mobile_app", title=name)
    entry.add_to_hass(hass)
    entry.mock_state(hass, ConfigEntryState.LOADED)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={("mobile_app", name)}, name=name
    )
    return device.id


def _to(app: PhoneApp, phone: str) -> list[dict[str, Any]]:
    return [sent for sent in app.received if sent["device_id"] == phone]


def _action(sent: dict[str, Any], title: str) -> str:
    return next(str(a["action"]) for a in sent["data"]["actions"] if a["title"] == title)


async def _responders(hass: HomeAssistant, server: RunningServer) -> tuple[str, str]:
    """A site, Sam's and Riley's phones, an automation each; returns the phones."""
    await setup_site(hass, site_with_station(server, station_data()))
    sam = _phone(hass, "Sam's phone")
    riley = _phone(hass, "Riley's phone")
    stations = [entity_id(hass, "event", "lifecycle")]
    await _automations(
        hass,
        ("sam", "responder_phone", {"stations": stations, "phone": sam, "responder": "Sam"}),
        ("riley", "responder_phone", {"stations": stations, "phone": riley}),
    )
    return sam, riley


async def test_responder_phone_on_my_way_then_occupant_okay(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    phones: PhoneApp,
) -> None:
    sam, riley = await _responders(hass, dispatch_server)
    await hass.services.async_call(DOMAIN, "press", {"station": device_id(hass)}, blocking=True)
    await settle(hass)
    assert station_state(hass) == "alert"
    [alert] = _to(phones, sam)
    assert alert["title"] == "Brave"
    assert alert["message"] == "Room 1 needs a safety check (help button)."
    key = alert["data"]["tag"]
    assert key == hass.states.get(entity_id(hass, "event", "lifecycle")).attributes["alert_key"]
    assert alert["data"]["priority"] == "high"
    assert alert["data"]["push"] == {"interruption-level": "time-sensitive"}
    assert [a["title"] for a in alert["data"]["actions"]] == [
        "On my way",
        "Occupant okay",
        "Space empty",
    ]
    # Riley is told the same, with actions of his own.
    [riley_alert] = _to(phones, riley)
    assert riley_alert["message"] == alert["message"]
    assert _action(riley_alert, "On my way") != _action(alert, "On my way")

    await step(hass, freezer, 120)
    assert _to(phones, sam)[-1]["message"] == "Reminder: Room 1 still needs a safety check."
    assert _to(phones, sam)[-1]["data"]["tag"] == key  # it replaces the first one

    hass.bus.async_fire("mobile_app_notification_action", {"action": _action(alert, "On my way")})
    await settle(hass)
    assert station_state(hass) == "responder_attending"
    lifecycle = hass.states.get(entity_id(hass, "event", "lifecycle"))
    assert lifecycle.attributes["event_type"] == "responder_attending"
    assert lifecycle.attributes["responder"] == "Sam"
    [stored] = dispatch_server.store.alerts.values()
    # Sam gets the outcome buttons; Riley hears someone is on it.
    sam_now = _to(phones, sam)[-1]
    assert sam_now["message"] == (
        "You are attending Room 1. When you are done, choose how it went."
    )
    assert [a["title"] for a in sam_now["data"]["actions"]] == ["Occupant okay", "Space empty"]
    riley_now = _to(phones, riley)[-1]
    assert riley_now["message"] == "Sam is attending Room 1. Thank you."
    assert riley_now["data"]["actions"] == []

    hass.bus.async_fire(
        "mobile_app_notification_action", {"action": _action(sam_now, "Occupant okay")}
    )
    await settle(hass)
    assert station_state(hass) == "idle"
    assert stored.alert["outcome"] == "occupant_ok"
    # Closed: the notification goes away on both phones.
    for phone in (sam, riley):
        last = _to(phones, phone)[-1]
        assert last["message"] == "clear_notification"
        assert last["data"] == {"tag": key}


async def test_responder_phone_tells_a_test_alert_as_a_test(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    phones: PhoneApp,
) -> None:
    """A test alert's own steps (`test_alert`, `test_resolved`) reach the phone as a test."""
    sam, _riley = await _responders(hass, dispatch_server)
    await hass.services.async_call(
        DOMAIN, "test_alert", {"station": device_id(hass)}, blocking=True
    )
    await settle(hass)
    assert hass.states.get(entity_id(hass, "event", "lifecycle")).attributes["event_type"] == (
        "test_alert"
    )
    [alert] = _to(phones, sam)
    assert alert["message"] == "Room 1 needs a safety check (test)."
    await hass.services.async_call(
        DOMAIN, "resolve", {"station": device_id(hass), "outcome": "test"}, blocking=True
    )
    await settle(hass)
    assert _to(phones, sam)[-1] == {
        "device_id": sam,
        "message": "clear_notification",
        "data": {"tag": alert["data"]["tag"]},
    }


async def test_responder_phone_answers_are_checked(
    hass: HomeAssistant, dispatch_server: RunningServer, phones: PhoneApp
) -> None:
    sam, riley = await _responders(hass, dispatch_server)
    await hass.services.async_call(DOMAIN, "press", {"station": device_id(hass)}, blocking=True)
    await settle(hass)
    [alert] = _to(phones, sam)
    ack = _action(alert, "On my way")
    # Brave's own action ids, someone else's, a station not covered and chatter change nothing.
    for action in (
        "BRAVE|ACK|x|y",
        ack.replace("|sam|", "|someone|"),
        ack.replace("event.room_1_alert_steps", "event.elsewhere"),
        "OPEN_GARAGE",
    ):
        hass.bus.async_fire("mobile_app_notification_action", {"action": action})
    await settle(hass)
    assert station_state(hass) == "alert"

    # Riley takes it (under his phone's name); Sam's "On my way" afterwards leaves it with him.
    hass.bus.async_fire(
        "mobile_app_notification_action", {"action": _action(_to(phones, riley)[0], "On my way")}
    )
    await settle(hass)
    lifecycle = entity_id(hass, "event", "lifecycle")
    assert hass.states.get(lifecycle).attributes["responder"] == "Riley's phone"
    assert _to(phones, sam)[-1]["message"] == "Riley's phone is attending Room 1. Thank you."
    hass.bus.async_fire("mobile_app_notification_action", {"action": ack})
    await settle(hass)
    assert hass.states.get(lifecycle).attributes["responder"] == "Riley's phone"

    hass.bus.async_fire(
        "mobile_app_notification_action",
        {"action": _action(_to(phones, riley)[-1], "Space empty")},
    )
    await settle(hass)
    [stored] = dispatch_server.store.alerts.values()
    assert stored.alert["outcome"] == "space_empty"
    # An answer to a closed alert is told so and changes nothing.
    hass.bus.async_fire(
        "mobile_app_notification_action", {"action": _action(alert, "Occupant okay")}
    )
    await settle(hass)
    assert _to(phones, sam)[-1]["message"] == "The alert at Room 1 is already closed."
    assert stored.alert["outcome"] == "space_empty"


async def test_responder_phone_only_chosen_steps(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    phones: PhoneApp,
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    await _automation(
        hass,
        "responder_phone",
        stations=[entity_id(hass, "event", "lifecycle")],
        phone=_phone(hass, "Backup phone"),
        steps=["fallback", "final"],
    )
    await hass.services.async_call(DOMAIN, "press", {"station": device_id(hass)}, blocking=True)
    await step(hass, freezer, 120)
    assert phones.received == []
    await step(hass, freezer, 120)
    [fallback] = phones.received
    assert fallback["message"] == "Room 1 needs a safety check and nobody has answered yet."
    await step(hass, freezer, 120)
    assert phones.received[-1]["message"] == "Final alert: Room 1 needs a safety check now."


# -- 3. any Zigbee button as a help button -------------------------------------------------

HALL_IEEE = "a4:c1:38:2b:7e:11:90:02"


@pytest.fixture
async def mqtt(hass: HomeAssistant, mqtt_mock: Any) -> AsyncIterator[Any]:
    """Home Assistant's real mqtt integration on a mocked client, unloaded afterwards."""
    yield mqtt_mock
    for entry in hass.config_entries.async_entries(DOMAIN):
        assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.services.async_call("automation", "turn_off", {"entity_id": "all"}, blocking=True)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=10))
    await hass.async_block_till_done()
    for entry in hass.config_entries.async_entries("mqtt"):
        assert await hass.config_entries.async_unload(entry.entry_id)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=20))
    await hass.async_block_till_done()


async def test_zha_button_calls_for_help(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    hall = _zha_device(hass, HALL_IEEE, "Hall button")
    other = _zha_device(hass, "a4:c1:38:2b:7e:11:90:03", "Kitchen remote")
    await _automation(
        hass,
        "zigbee_help_button",
        station=device_id(hass),
        zha_device=hall,
        gestures=["remote_button_short_press"],
    )
    # Another gesture, and the same gesture from another device, are not presses.
    _zha_press(hass, hall, HALL_IEEE, "remote_button_double_press")
    _zha_press(hass, other, "a4:c1:38:2b:7e:11:90:03", "remote_button_short_press")
    await settle(hass)
    assert station_state(hass) == "idle"

    _zha_press(hass, hall, HALL_IEEE, "remote_button_short_press")
    await settle(hass)
    assert station_state(hass) == "alert"
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["kind"] == "help_request"
    # A second press makes the request urgent, as with the station's own buttons.
    _zha_press(hass, hall, HALL_IEEE, "remote_button_short_press")
    await settle(hass)
    assert stored.alert["urgency"] == "urgent"


async def test_entity_buttons_start_a_check_in(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    hass.states.async_set("event.hall_button", "unknown", {"friendly_name": "Hall button"})
    hass.states.async_set("sensor.hall_remote_action", "")
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    await _automation(
        hass,
        "zigbee_help_button",
        station=device_id(hass),
        action="start_check_in",
        button_entities=["event.hall_button", "sensor.hall_remote_action"],
    )
    station = {"station": device_id(hass)}
    _press_entity(hass, "event.hall_button", "single", "Hall button")
    await settle(hass)
    assert station_state(hass) == "check_in"
    await hass.services.async_call(DOMAIN, "end_session", station, blocking=True)

    # An action sensor: its action is the press; clearing it, or an attribute, is none.
    hass.states.async_set("sensor.hall_remote_action", "", {"battery": 80})
    await settle(hass)
    assert station_state(hass) == "idle"
    hass.states.async_set("sensor.hall_remote_action", "single")
    await settle(hass)
    assert station_state(hass) == "check_in"
    await hass.services.async_call(DOMAIN, "end_session", station, blocking=True)
    hass.states.async_set("sensor.hall_remote_action", "")
    await settle(hass)
    assert station_state(hass) == "idle"
    # Going away and coming back is not a press either.
    hass.states.async_set("event.hall_button", "unavailable")
    await settle(hass)
    _press_entity(hass, "event.hall_button", "single", "Hall button")
    await settle(hass)
    assert station_state(hass) == "idle"
    assert dispatch_server.store.alerts == {}


async def test_zigbee2mqtt_button_answers_a_check_in(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    mqtt: Any,
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    await _automation(
        hass,
        "zigbee_help_button",
        station=device_id(hass),
        action="answer",
        z2m_topic="zigbee2mqtt/Hall button",
    )
    await hass.services.async_call(
        DOMAIN, "start_session", {"station": device_id(hass)}, blocking=True
    )
    await step(hass, freezer, 300)
    assert station_state(hass) == "prompting"
    # Zigbee2MQTT clears the action after a press: an empty action is no press.
    async_fire_mqtt_message(hass, "zigbee2mqtt/Hall button/action", "")
    await settle(hass)
    assert station_state(hass) == "prompting"
    async_fire_mqtt_message(hass, "zigbee2mqtt/Hall button/action", "single")
    await settle(hass)
    assert station_state(hass) == "check_in"
    assert dispatch_server.store.alerts == {}


@pytest.mark.parametrize("fixture", sorted(p.stem for p in FIXTURES.glob("*.json")))
async def test_help_button_reads_every_known_button(hass: HomeAssistant, fixture: str) -> None:
    """Captured ZHA presses of each button in tests/fixtures: the gesture the blueprint reads."""
    presses = async_mock_service(hass, DOMAIN, "press")
    zha = json.loads((FIXTURES / f"{fixture}.json").read_text(encoding="utf-8"))["zha"]
    device = zha[0]["data"]["device_id"]
    gestures = sorted({press["gesture"] for press in zha})
    counted = gestures[:-1] or gestures  # all but one, where there are several
    await _automation(
        hass, "zigbee_help_button", station="station-device", zha_device=device, gestures=counted
    )
    for press in zha:
        hass.bus.async_fire("zha_event", press["data"])
    await settle(hass)
    assert len(presses) == sum(press["gesture"] in counted for press in zha)
    assert all(call.data == {"station": "station-device", "action": "help"} for call in presses)


# -- 4. button drill -----------------------------------------------------------------------

KITCHEN = "sensor.kitchen_button_action"


async def _drill_site(hass: HomeAssistant) -> str:
    """Three buttons to drill: an event entity, an action sensor, a ZHA device."""
    assert await async_setup_component(hass, "persistent_notification", {})
    hass.states.async_set("event.hall_button", "unknown", {"friendly_name": "Hall button"})
    hass.states.async_set(KITCHEN, "", {"friendly_name": "Kitchen button"})
    return _zha_device(hass, HALL_IEEE, "Bedroom button")


async def test_drill_reports_the_silent_button(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, room: dict[str, list[ServiceCall]]
) -> None:
    sms = async_mock_service(hass, "notify", "sms")
    bedroom = await _drill_site(hass)
    assert await async_setup_component(
        hass, "input_button", {"input_button": {"drill": {"name": "Button drill"}}}
    )
    await _automation(
        hass,
        "button_drill",
        button_entities=["event.hall_button", KITCHEN],
        zha_devices=[bedroom],
        time_limit=10,
        start_buttons=["input_button.drill"],
        notify_entities=["notify.staff_screen"],
        speaker="media_player.hall_speaker",
        tts_engine="tts.speech",
        report_actions=[
            {"action": "notify.sms", "data": {"message": "{{ report }}", "target": "+15555550100"}}
        ],
    )
    await hass.services.async_call(
        "input_button", "press", {"entity_id": "input_button.drill"}, blocking=True
    )
    await settle(hass)
    ask = "Button drill: please press each of the 3 buttons once within 10 minutes."
    assert _messages(room["notify"], "notify.staff_screen") == [ask]
    assert [c.data["message"] for c in room["tts"]] == [ask]

    await step(hass, freezer, 60)
    _press_entity(hass, "event.hall_button", "single", "Hall button")
    await settle(hass)
    _zha_press(hass, bedroom, HALL_IEEE, "remote_button_short_press")
    await settle(hass)
    # A second press of the same button counts once; nothing is reported before the time limit.
    await step(hass, freezer, 1)
    _press_entity(hass, "event.hall_button", "single", "Hall button")
    await step(hass, freezer, 60 * 8)
    assert _messages(room["notify"], "notify.staff_screen") == [ask]
    assert persistent_notification._async_get_or_create_notifications(hass) == {}
    await step(hass, freezer, 59)
    report = "Button drill: 2 of 3 buttons were heard. No press from: Kitchen button."
    assert _messages(room["notify"], "notify.staff_screen")[-1] == report
    [notification] = persistent_notification._async_get_or_create_notifications(hass).values()
    assert notification["title"] == "Brave button drill"
    assert notification["message"] == report
    [sent] = sms
    assert sent.data == {"message": report, "target": "+15555550100"}


async def test_scheduled_drill_on_chosen_days_ends_when_all_are_heard(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, room: dict[str, list[ServiceCall]]
) -> None:
    await hass.config.async_set_time_zone("UTC")
    move_ahead_to(freezer, 9)
    tomorrow = WEEKDAYS[(dt_util.now() + timedelta(days=1)).weekday()]
    bedroom = await _drill_site(hass)
    await _automation(
        hass,
        "button_drill",
        button_entities=["event.hall_button", KITCHEN],
        zha_devices=[bedroom],
        gestures=["single", "remote_button_short_press"],
        scheduled=True,
        drill_time="10:00:00",
        weekdays=[tomorrow],
        notify_entities=["notify.staff_screen"],
    )
    await step(hass, freezer, 3600)  # 10:00 today: not a drill day
    assert room["notify"] == []
    await step(hass, freezer, 86400)
    assert len(room["notify"]) == 1
    # Only the chosen gestures count.
    hass.states.async_set(KITCHEN, "double")
    await settle(hass)
    _zha_press(hass, bedroom, HALL_IEEE, "remote_button_long_press")
    await settle(hass)
    await step(hass, freezer, 60)
    assert len(room["notify"]) == 1
    hass.states.async_set(KITCHEN, "single")
    await settle(hass)
    assert len(room["notify"]) == 1
    # Two presses in the same instant: an event entity's press is seen by its time.
    _press_entity(hass, "event.hall_button", "single", "Hall button")
    _zha_press(hass, bedroom, HALL_IEEE, "remote_button_short_press")
    await settle(hass)
    # All heard: the report comes at once, not at the time limit.
    assert _messages(room["notify"], "notify.staff_screen")[-1] == (
        "Button drill: all 3 buttons were heard."
    )
    [notification] = persistent_notification._async_get_or_create_notifications(hass).values()
    assert notification["message"] == "Button drill: all 3 buttons were heard."


# -- 5. daily device check -----------------------------------------------------------------


def _battery(hass: HomeAssistant, device: str, key: str, level: str) -> str:
    """A battery sensor on a device, as ZHA and Zigbee2MQTT show one."""
    entity = (
        er.async_get(hass)
        .async_get_or_create(
            "sensor",
            "zha",
            f"{key}-battery",
            device_id=device,
            original_device_class="battery",
            suggested_object_id=f"{key}_battery",
        )
        .entity_id
    )
    hass.states.async_set(entity, level, {"device_class": "battery", "unit_of_measurement": "%"})
    return entity


async def _digest_site(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, server: RunningServer
) -> dict[str, str]:
    await hass.config.async_set_time_zone("UTC")
    move_ahead_to(freezer, 8)
    devices = {
        name: _zha_device(hass, f"a4:c1:38:2b:7e:11:91:0{i}", label)
        for i, (name, label) in enumerate(
            (("hall", "Hall button"), ("spare", "Spare button"), ("door", "Back door"))
        )
    }
    _battery(hass, devices["hall"], "hall", "25")
    _battery(hass, devices["spare"], "spare", "80")
    door = (
        er.async_get(hass)
        .async_get_or_create(
            "binary_sensor",
            "zha",
            "door-battery",
            device_id=devices["door"],
            suggested_object_id="back_door_battery",
        )
        .entity_id
    )
    hass.states.async_set(door, "on", {"device_class": "battery"})
    hass.states.async_set("sensor.phone_battery", "12", {"device_class": "battery"})
    hass.states.async_set(BUTTON, "unknown", {"friendly_name": "Room button"})
    await setup_site(hass, site_with_station(server, station_data()))
    return devices


async def test_digest_lists_low_batteries_and_device_problems(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    room: dict[str, list[ServiceCall]],
) -> None:
    devices = await _digest_site(hass, freezer, dispatch_server)
    await _automation(
        hass,
        "battery_digest",
        devices=list(devices.values()),
        notify_entities=["notify.health_contact"],
    )
    # The station's button reports a low battery: Brave's device health shows it.
    hass.states.async_set(BUTTON, "unknown", {"battery": 12, "friendly_name": "Room button"})
    await settle(hass)
    await step(hass, freezer, 3599)
    assert room["notify"] == []
    await step(hass, freezer, 1)
    [message] = _messages(room["notify"], "notify.health_contact")
    assert message.splitlines() == [
        "Brave device check:",
        "- Hall button: 25 %",
        "- Back door: battery low",
        "- Room 1: Room button (battery low)",
    ]


async def test_digest_sends_nothing_when_all_is_fine_and_keeps_to_its_days(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    room: dict[str, list[ServiceCall]],
) -> None:
    await _digest_site(hass, freezer, dispatch_server)
    hass.states.async_set("binary_sensor.back_door_battery", "off", {"device_class": "battery"})
    today = WEEKDAYS[dt_util.now().weekday()]
    await _automation(
        hass,
        "battery_digest",
        threshold=10,
        include_health=False,
        weekdays=[today],
        report_time="09:00:00",
        notify_entities=["notify.health_contact"],
        send_actions=[{"action": "notify.sms", "data": {"message": "{{ message }}"}}],
    )
    sms = async_mock_service(hass, "notify", "sms")
    # Every battery in Home Assistant is over 10 % (the phone has 12 %): nothing to say.
    await step(hass, freezer, 3600)
    assert room["notify"] == []
    hass.states.async_set("sensor.phone_battery", "8", {"device_class": "battery"})
    # Tomorrow is not a chosen day.
    await step(hass, freezer, 86400)
    assert room["notify"] == []
    for _ in range(6):
        await step(hass, freezer, 86400)
    [message] = _messages(room["notify"], "notify.health_contact")
    assert message == "Brave device check:\n- phone battery: 8 %"
    assert [c.data["message"] for c in sms] == [message]
