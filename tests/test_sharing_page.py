"""The "what's shared" page through Home Assistant: what the Brave dashboard shows a person
about their station, in their language, and never the details themselves.

How the dashboard draws it is checked in a real browser (tests/browser).
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from .conftest import ADDRESS, PHONE, RunningServer, site_with_station, station_data
from .helpers import device_id, enable_before_setup, entity_id, setup_site

OPTIONS = {
    "first_responders": "Sam = notify.mobile_app_sam\nnotify.sms:+15555550177",
    "fallback": "Kim = notify.mobile_app_kim",
    "local_fallback": "Staff room = tts.piper:media_player.staff_room\nsiren.staff_room",
    "health_contacts": "Tech = notify.mobile_app_tech",
}

PAGE_EN = [
    {
        "heading": "What this station notices",
        "lines": [
            "Your button: each press calls for help.",
            (
                "Check-ins you start: whether you answer within 60 seconds. If not, a 20-second "
                "countdown starts, and you can stop it."
            ),
            "Voice: if you talk to a voice assistant, Brave only gets the request you said.",
        ],
    },
    {
        "heading": "While all is well",
        "lines": [
            "Nothing leaves this Home Assistant.",
            (
                "When an alert starts, the volunteer dispatch service and your first responders "
                "(2) learn only the room's name (Room 1), the kind of alert and the times."
            ),
        ],
    },
    {
        "heading": "When help is needed",
        "lines": [
            (
                "When you call for help, or if you don't answer and the countdown ends, the "
                "volunteer dispatch service and your first responders (2) also get your address "
                "and access notes, your contacts (1) and your notes for responders."
            ),
            (
                "If nobody answers, the backup group (1) hears it at reminder 2, with the same "
                "details."
            ),
        ],
    },
    {
        "heading": "If the internet or the dispatch service is down",
        "lines": [
            (
                "People in the building (2) hear the alert instead, with the same details. A "
                "speaker says only the room's name."
            ),
            "The alert waits here and reaches the dispatch service once it is back.",
        ],
    },
    {
        "heading": "Emergency services",
        "lines": ["Your plan says emergency services are never called."],
    },
    {
        "heading": "When you pause",
        "lines": [
            "Nothing is watched, but your button still calls for help.",
            "A pause ends by itself after 60 minutes.",
        ],
    },
    {
        "heading": "Device problems",
        "lines": [
            (
                "If a device needs attention (a low battery, say), the device contacts (1) learn "
                "which device, never anything about you."
            )
        ],
    },
]


async def _page(hass: HomeAssistant, ws: WebSocketGenerator, **fields: Any) -> dict[str, Any]:
    client = await ws()
    await client.send_json_auto_id({"type": "brave/what_is_shared", **fields})
    reply = await client.receive_json()
    assert reply["success"], reply
    result: dict[str, Any] = reply["result"]
    return result


async def test_the_page_says_what_goes_to_whom_and_when(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, dispatch_server: RunningServer
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data(), options=OPTIONS))

    page = await _page(hass, hass_ws_client, language="en")

    assert page["title"] == "What is shared, with whom, and when"
    assert page["stations"] == [{"device_id": device_id(hass), "sections": PAGE_EN}]
    # Kinds of details and numbers of people: never the details, nor who the people are.
    text = str(page)
    for private in (ADDRESS, "Code 1234", PHONE, "Alex", "naloxone", "Sam", "Kim", "Tech"):
        assert private not in text


async def test_the_page_in_the_readers_language(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, dispatch_server: RunningServer
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data(), options=OPTIONS))

    french = await _page(hass, hass_ws_client, language="fr-CA")
    spanish = await _page(hass, hass_ws_client, language="es", device_id=device_id(hass))

    assert french["title"] == "Ce qui est partagé, avec qui et quand"
    assert french["stations"][0]["sections"][2]["lines"][0] == (
        "Quand vous demandez de l'aide, ou si vous ne répondez pas et que le compte à rebours "
        "se termine, le service de répartition bénévole et vos premiers intervenants (2) "
        "reçoivent aussi votre adresse et vos consignes d'accès, vos contacts (1) et vos notes "
        "pour les intervenants."
    )
    assert spanish["title"] == "Qué se comparte, con quién y cuándo"
    assert spanish["stations"][0]["sections"][3]["lines"] == [
        (
            "Personas en el edificio (2) reciben la alerta en su lugar, con los mismos datos. Un "
            "altavoz solo dice el nombre del cuarto."
        ),
        "La alerta espera aquí y llega al servicio de despacho en cuanto vuelva.",
    ]


async def test_home_assistants_language_when_none_is_asked(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, dispatch_server: RunningServer
) -> None:
    """A language Brave does not speak reads English; no language reads Home Assistant's."""
    await hass.config.async_update(language="es")
    await setup_site(hass, site_with_station(dispatch_server, station_data()))

    assert (await _page(hass, hass_ws_client))["title"] == "Qué se comparte, con quién y cuándo"
    german = await _page(hass, hass_ws_client, language="de")
    assert german["title"] == "What is shared, with whom, and when"
    # A site without a local fallback says so, plainly.
    assert german["stations"][0]["sections"][3]["lines"][0] == (
        "Nobody in the building is set up to hear alerts while the internet is down."
    )


async def test_the_page_follows_the_stations_settings(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, dispatch_server: RunningServer
) -> None:
    """A changed setting (the number entity) shows on the page at once."""
    entry = site_with_station(dispatch_server, station_data())
    enable_before_setup(hass, entry, "number", "auto_resume")
    await setup_site(hass, entry)
    auto_resume = entity_id(hass, "number", "auto_resume")
    await hass.services.async_call(
        "number", "set_value", {"entity_id": auto_resume, "value": 30}, blocking=True
    )

    page = await _page(hass, hass_ws_client, language="en")

    assert page["stations"][0]["sections"][5]["lines"][1] == (
        "A pause ends by itself after 30 minutes."
    )


async def test_another_device_has_no_page(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, dispatch_server: RunningServer
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))

    page = await _page(hass, hass_ws_client, device_id="not-a-station")

    assert page["stations"] == []
