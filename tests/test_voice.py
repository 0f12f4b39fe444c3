"""Answering by voice through Home Assistant's own conversation agent (Assist).

The sentences reach the station of the room the voice device is in; what the room would say
comes back as the voice device's answer instead of out of the room's speaker.
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import conversation
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import Context, HomeAssistant, ServiceCall
from homeassistant.helpers import area_registry as ar, device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.brave.const import DOMAIN

from .conftest import RunningServer, site_data, station_data
from .helpers import advance, setup_site, spoken_fixture

spoken = spoken_fixture

HELP_CALLED = "Help has been called and is on the way."


async def _converse(
    hass: HomeAssistant,
    text: str,
    *,
    device_id: str | None = None,
    satellite_id: str | None = None,
    language: str = "en",
) -> str:
    """Say something to Assist; its spoken answer."""
    result = await conversation.async_converse(
        hass,
        text,
        None,
        Context(),
        language,
        device_id=device_id,
        satellite_id=satellite_id,
    )
    await hass.async_block_till_done()
    speech: str = result.response.speech["plain"]["speech"]
    return speech


class House:
    """A site whose rooms each have a station, an area and a voice satellite."""

    def __init__(self, hass: HomeAssistant, server: RunningServer) -> None:
        self.hass = hass
        self.server = server
        self.areas: dict[str, str] = {}
        self.satellites: dict[str, str] = {}

    def state(self, room: int) -> str:
        entity = er.async_get(self.hass).async_get_entity_id(
            "sensor", DOMAIN, f"station{room:04d}_state"
        )
        assert entity is not None
        state = self.hass.states.get(entity)
        assert state is not None
        return state.state

    def deadline(self, room: int) -> str:
        entity = er.async_get(self.hass).async_get_entity_id(
            "sensor", DOMAIN, f"station{room:04d}_next_deadline"
        )
        assert entity is not None
        state = self.hass.states.get(entity)
        assert state is not None
        return state.state

    async def start(self, rooms: int = 1, **data: Any) -> None:
        areas, devices = ar.async_get(self.hass), dr.async_get(self.hass)
        voice = MockConfigEntry(domain="esphome", title="Voice satellites")
        voice.add_to_hass(self.hass)
        subentries = []
        for n in range(1, rooms + 1):
            area = areas.async_create(f"Bedroom {n}")
            self.areas[f"Room {n}"] = area.id
            satellite = devices.async_get_or_create(
                config_entry_id=voice.entry_id,
                identifiers={("esphome", f"satellite-{n}")},
                name=f"Voice {n}",
            )
            devices.async_update_device(satellite.id, area_id=area.id)
            self.satellites[f"Room {n}"] = satellite.id
            station = station_data(**data)
            station["area"] = area.id
            subentries.append(
                ConfigSubentryData(
                    data=station,
                    subentry_id=f"station{n:04d}",
                    subentry_type="station",
                    title=f"Room {n}",
                    unique_id=None,
                )
            )
        site = self.server.store.add_site({"name": "Home", "callback_url": None})
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="Brave reference dispatch",
            unique_id=self.server.url,
            data=site_data(self.server, site),
            subentries_data=subentries,
        )
        assert await async_setup_component(self.hass, "homeassistant", {})
        assert await async_setup_component(self.hass, "conversation", {})
        await setup_site(self.hass, entry)

    async def say(self, text: str, room: int = 1, *, language: str = "en") -> str:
        """Say something to the satellite in a room."""
        return await _converse(
            self.hass, text, device_id=self.satellites[f"Room {room}"], language=language
        )

    def alerts(self) -> list[dict[str, Any]]:
        return [a.request for a in self.server.store.alerts.values()]


@pytest.fixture
def house(hass: HomeAssistant, dispatch_server: RunningServer) -> House:
    return House(hass, dispatch_server)


def _said(spoken: list[ServiceCall]) -> list[str]:
    return [call.data["message"] for call in spoken]


# -- I'm okay ------------------------------------------------------------------------------------


async def test_im_okay_answers_a_prompt_from_the_room_s_satellite(
    hass: HomeAssistant, house: House, freezer: FrozenDateTimeFactory, spoken: list[ServiceCall]
) -> None:
    await house.start()
    assert await house.say("start a check-in") == (
        "Check-ins started. I'll check on you every 5 minutes."
    )
    await advance(hass, freezer, 300)
    assert house.state(1) == "prompting"

    assert await house.say("I'm okay") == "Thanks. Nobody is being called."
    assert house.state(1) == "check_in"
    # The room's speaker asked; the answer came from the satellite, not the speaker again.
    assert _said(spoken) == [
        (
            "Checking in. Are you okay? Answer with your okay button or say you are okay. "
            "Your help button calls for help."
        )
    ]
    await advance(hass, freezer, 120)
    assert house.alerts() == []


async def test_im_fine_outside_a_prompt_is_a_sign_of_life(
    hass: HomeAssistant, house: House, freezer: FrozenDateTimeFactory
) -> None:
    await house.start()
    assert await house.say("I'm fine") == "Thanks, noted that you're okay."
    await house.say("start a check-in")
    await advance(hass, freezer, 200)
    assert await house.say("I'm fine") == "Thanks. I'll check on you again in 5 minutes."
    # The next prompt is five minutes from the answer, not from the start.
    await advance(hass, freezer, 200)
    assert house.state(1) == "check_in"
    await advance(hass, freezer, 100)
    assert house.state(1) == "prompting"


async def test_im_okay_after_help_was_called_tells_the_responders(
    hass: HomeAssistant, house: House
) -> None:
    await house.start()
    await house.say("call for help")
    assert await house.say("I'm okay") == (
        "Thanks. Responders are told you're okay; someone may still come to check."
    )
    [stored] = house.server.store.alerts.values()
    assert [e["type"] for e in stored.events] == ["occupant_ok"]


# -- call for help -------------------------------------------------------------------------------


async def test_call_for_help_calls_for_help(hass: HomeAssistant, house: House) -> None:
    await house.start()
    assert await house.say("call for help") == HELP_CALLED
    assert house.state(1) == "alert"
    [alert] = house.alerts()
    assert alert["kind"] == "help_request"
    assert alert["station"]["label"] == "Room 1"


async def test_call_for_help_during_a_prompt_calls_rather_than_answers(
    hass: HomeAssistant, house: House, freezer: FrozenDateTimeFactory
) -> None:
    await house.start()
    await house.say("check on me every 2 minutes")
    await advance(hass, freezer, 120)
    assert house.state(1) == "prompting"
    assert await house.say("I need help") == HELP_CALLED
    [alert] = house.alerts()
    assert alert["kind"] == "help_request"


async def test_call_for_help_on_a_check_in_only_station(hass: HomeAssistant, house: House) -> None:
    """A station whose button only answers check-ins: asking for help in words still calls."""
    await house.start()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    data = station_data()
    data["modes"]["help_button"] = False
    data["area"] = house.areas["Room 1"]
    hass.config_entries.async_update_subentry(entry, entry.subentries["station0001"], data=data)
    await hass.async_block_till_done()
    assert await house.say("I'm not okay") == HELP_CALLED
    assert [a["kind"] for a in house.alerts()] == ["help_request"]


async def test_asking_again_tells_responders_again(hass: HomeAssistant, house: House) -> None:
    await house.start()
    await house.say("help")
    assert await house.say("help me") == (
        "Help is already called. Responders are told you asked again."
    )
    [stored] = house.server.store.alerts.values()
    assert stored.alert["urgency"] == "urgent"


# -- check-ins -----------------------------------------------------------------------------------


async def test_check_on_me_every_ten_minutes(
    hass: HomeAssistant, house: House, freezer: FrozenDateTimeFactory
) -> None:
    await house.start()
    asked = dt_util.utcnow()
    assert await house.say("check on me every ten minutes") == (
        "Check-ins started. I'll check on you every 10 minutes."
    )
    assert house.state(1) == "check_in"
    deadline = dt_util.parse_datetime(house.deadline(1))
    assert deadline is not None
    assert abs((deadline - asked).total_seconds() - 600) < 1
    await advance(hass, freezer, 599)
    assert house.state(1) == "check_in"
    await advance(hass, freezer, 1)
    assert house.state(1) == "prompting"


@pytest.mark.parametrize(
    ("sentence", "minutes"),
    [
        ("check on me every 25 minutes", 25),
        ("check on me every twenty-five minutes", 25),
        ("start a check-in every hour", 60),
        ("check in on me every half an hour", 30),
        ("check on me every two hours", 120),
        ("check on me every one hundred and twenty minutes", 120),
    ],
)
async def test_intervals_in_words_and_digits(
    hass: HomeAssistant, house: House, freezer: FrozenDateTimeFactory, sentence: str, minutes: int
) -> None:
    await house.start()
    assert await house.say(sentence) == (
        f"Check-ins started. I'll check on you every {minutes} minutes."
    )
    await advance(hass, freezer, minutes * 60 - 1)
    assert house.state(1) == "check_in"
    await advance(hass, freezer, 1)
    assert house.state(1) == "prompting"


async def test_a_new_interval_for_a_running_session(hass: HomeAssistant, house: House) -> None:
    await house.start()
    await house.say("start a check-in")
    assert await house.say("start a check-in") == "Check-ins are already on, every 5 minutes."
    assert await house.say("check on me every 3 minutes") == (
        "Okay. I'll check on you every 3 minutes from now."
    )
    assert await house.say("stop checking on me") == "Check-ins stopped."
    assert house.state(1) == "idle"
    assert await house.say("stop the check-in") == "There are no check-ins running."


async def test_a_check_in_asked_while_paused_resumes_monitoring(
    hass: HomeAssistant, house: House
) -> None:
    await house.start()
    await house.say("pause monitoring")
    assert await house.say("check on me") == (
        "Monitoring is back on. Check-ins started. I'll check on you every 5 minutes."
    )
    assert house.state(1) == "check_in"


async def test_a_check_in_asked_during_a_prompt_answers_it(
    hass: HomeAssistant, house: House, freezer: FrozenDateTimeFactory
) -> None:
    await house.start()
    await house.say("start a check-in")
    await advance(hass, freezer, 300)
    assert await house.say("check on me every 10 minutes") == (
        "Thanks. Nobody is being called. Okay. I'll check on you every 10 minutes from now."
    )
    assert house.state(1) == "check_in"


async def test_check_ins_turned_off_for_the_station(hass: HomeAssistant, house: House) -> None:
    await house.start()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    data = station_data()
    data["modes"]["check_in"] = False
    data["area"] = house.areas["Room 1"]
    hass.config_entries.async_update_subentry(entry, entry.subentries["station0001"], data=data)
    await hass.async_block_till_done()
    assert await house.say("start a check-in") == "Check-ins are turned off for Room 1."
    assert house.state(1) == "idle"


# -- pause and resume ----------------------------------------------------------------------------


async def test_pause_for_twenty_minutes_then_back_by_itself(
    hass: HomeAssistant, house: House, freezer: FrozenDateTimeFactory, spoken: list[ServiceCall]
) -> None:
    await house.start()
    assert await house.say("pause for twenty minutes") == (
        "Monitoring paused for 20 minutes. Press for help any time."
    )
    assert house.state(1) == "paused"
    assert _said(spoken) == []
    await advance(hass, freezer, 1199)
    assert house.state(1) == "paused"
    await advance(hass, freezer, 1)
    assert house.state(1) == "idle"
    # Nobody spoke this time: the room's speaker says it.
    assert _said(spoken) == ["Monitoring is back on."]


async def test_help_by_voice_while_paused_still_calls(hass: HomeAssistant, house: House) -> None:
    await house.start()
    await house.say("pause monitoring for an hour")
    assert house.state(1) == "paused"
    assert await house.say("call for help") == HELP_CALLED
    assert [a["kind"] for a in house.alerts()] == ["help_request"]


async def test_resume_by_voice(hass: HomeAssistant, house: House) -> None:
    await house.start()
    assert await house.say("resume monitoring") == "Monitoring is already on."
    await house.say("pause monitoring")
    assert await house.say("resume monitoring") == "Monitoring is back on."
    assert house.state(1) == "idle"


async def test_a_duration_out_of_range_is_asked_again(hass: HomeAssistant, house: House) -> None:
    await house.start()
    for sentence in ("pause for 500 minutes", "pause for zero minutes", "pause for many minutes"):
        assert await house.say(sentence) == "Please say a time from 1 to 120 minutes."
    assert house.state(1) == "idle"


# -- which room ----------------------------------------------------------------------------------


async def test_the_room_of_the_satellite_is_the_station(hass: HomeAssistant, house: House) -> None:
    await house.start(rooms=2)
    assert await house.say("call for help", room=2) == HELP_CALLED
    assert house.state(1) == "idle"
    assert house.state(2) == "alert"
    assert [a["station"]["label"] for a in house.alerts()] == ["Room 2"]


async def test_a_satellite_entity_s_own_area_counts(hass: HomeAssistant, house: House) -> None:
    await house.start(rooms=2)
    entity = er.async_get(hass).async_get_or_create(
        "assist_satellite", "esphome", "kitchen-satellite", suggested_object_id="kitchen"
    )
    er.async_get(hass).async_update_entity(entity.entity_id, area_id=house.areas["Room 2"])
    assert await _converse(hass, "pause monitoring", satellite_id=entity.entity_id) == (
        "Monitoring paused for 60 minutes. Press for help any time."
    )
    assert house.state(2) == "paused"


async def test_without_a_room_the_answer_asks_where(hass: HomeAssistant, house: House) -> None:
    await house.start(rooms=2)
    assert await _converse(hass, "call for help") == (
        "Which room are you in? Ask again with its name, like: call for help in Room 1."
    )
    assert house.alerts() == []
    assert await _converse(hass, "call for help in room two") == HELP_CALLED
    assert [a["station"]["label"] for a in house.alerts()] == ["Room 2"]


async def test_a_room_named_by_its_area(hass: HomeAssistant, house: House) -> None:
    await house.start(rooms=2)
    assert await _converse(hass, "pause for 5 minutes in the bedroom 1") == (
        "Monitoring paused for 5 minutes. Press for help any time."
    )
    assert house.state(1) == "paused"


async def test_an_unknown_room(hass: HomeAssistant, house: House) -> None:
    await house.start(rooms=2)
    assert await _converse(hass, "I'm okay in the attic") == (
        "I can't find a room called the attic. Ask again with its name, like: I'm okay in Room 1."
    )


async def test_the_only_station_needs_no_area(hass: HomeAssistant, house: House) -> None:
    await house.start()
    assert await _converse(hass, "call for help") == HELP_CALLED


async def test_no_station_yet(hass: HomeAssistant, dispatch_server: RunningServer) -> None:
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    site = dispatch_server.store.add_site({"name": "Home", "callback_url": None})
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=dispatch_server.url, data=site_data(dispatch_server, site)
    )
    await setup_site(hass, entry)
    assert await _converse(hass, "I'm okay") == "Brave has no station set up yet."


# -- in French and Spanish -----------------------------------------------------------------------

LANGUAGES = {
    "fr": [
        ("vérifie comment je vais toutes les dix minutes", "check_in", None),
        ("ça va", "check_in", "Merci. Prochaine vérification dans 10 minutes."),
        (
            "mets le suivi en pause pendant vingt minutes",
            "paused",
            "Suivi en pause pendant 20 minutes. Appuyez pour de l'aide à tout moment.",
        ),
        ("reprends le suivi", "check_in", "Le suivi a repris."),
        ("appelle de l'aide", "alert", "De l'aide a été appelée et arrive."),
    ],
    "es": [
        ("revísame cada diez minutos", "check_in", None),
        ("estoy bien", "check_in", "Gracias. La próxima revisión es en 10 minutos."),
        (
            "pausa la vigilancia por veinte minutos",
            "paused",
            "Monitoreo en pausa por 20 minutos. Presione para pedir ayuda en cualquier momento.",
        ),
        ("reanuda la vigilancia", "check_in", "El monitoreo está activo de nuevo."),
        ("pide ayuda", "alert", "Se pidió ayuda y ya viene en camino."),
    ],
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
async def test_in_the_site_s_language(
    hass: HomeAssistant, house: House, freezer: FrozenDateTimeFactory, language: str
) -> None:
    await hass.config.async_update(language=language)
    await house.start()
    for sentence, state, answer in LANGUAGES[language]:
        said = await house.say(sentence, language=language)
        if answer is not None:
            assert said == answer, sentence
        assert house.state(1) == state, sentence
    assert [a["kind"] for a in house.alerts()] == ["help_request"]


# The six requests, as people say them in each language, through the real agent.
SIX_REQUESTS = {
    "en": (
        "start a check-in",
        "I'm okay",
        "I'm fine",
        "check on me every ten minutes",
        "pause for twenty minutes",
        "call for help",
    ),
    "fr": (
        "commence une vérification",
        "je vais bien",
        "ça va",
        "vérifie comment je vais toutes les dix minutes",
        "pause pendant vingt minutes",
        "appelle de l'aide",
    ),
    "es": (
        "inicia un control",
        "estoy bien",
        "todo bien",
        "revísame cada diez minutos",
        "pausa por veinte minutos",
        "pide ayuda",
    ),
}


@pytest.mark.parametrize("language", sorted(SIX_REQUESTS))
async def test_the_six_requests_in_every_language(
    hass: HomeAssistant, house: House, language: str
) -> None:
    await hass.config.async_update(language=language)
    await house.start()
    start, okay, fine, every_ten, pause, help_ = SIX_REQUESTS[language]
    for sentence, state in [
        (start, "check_in"),
        (okay, "check_in"),
        (fine, "check_in"),
        (every_ten, "check_in"),
        (pause, "paused"),
        (help_, "alert"),
    ]:
        await house.say(sentence, language=language)
        assert house.state(1) == state, sentence
    assert [a["kind"] for a in house.alerts()] == ["help_request"]
