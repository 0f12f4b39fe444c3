"""Home Assistant's own responders: phones with actions, SMS with replies, groups in order."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_mock_service

from custom_components.brave.const import DOMAIN
from custom_components.brave.core.sms import sms_length

from .conftest import BUTTON, PRESENCE, RunningServer, site_with_station, station_data
from .helpers import advance, device_id, setup_site, spoken_fixture, station_state

spoken = spoken_fixture

OPTIONS = {
    "first_responders": "Sam = notify.mobile_app_sam\nRiley = notify.sms:+15555550111\n",
    "staff": "Front desk = notify.desk_screen",
    "fallback": "Fallback = notify.sms:+15555550199",
    "health_contacts": "Tech = notify.sms:+15555550177",
}


@pytest.fixture
def phones(hass: HomeAssistant) -> dict[str, list[ServiceCall]]:
    return {
        "sam": async_mock_service(hass, "notify", "mobile_app_sam"),
        "sms": async_mock_service(hass, "notify", "sms"),
        "desk": async_mock_service(hass, "notify", "desk_screen"),
    }


def _sms_to(calls: list[ServiceCall], number: str) -> list[str]:
    return [str(c.data["message"]) for c in calls if c.data.get("target") == [number]]


async def _help(hass: HomeAssistant, server: RunningServer, **plan: object) -> None:
    data = station_data()
    data["rescue_plan"].update(plan)
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(hass, site_with_station(server, data, options=OPTIONS))
    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat())
    await hass.async_block_till_done()


async def test_phone_action_takes_the_alert_and_others_are_told(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    phones: dict[str, list[ServiceCall]],
    spoken: list[ServiceCall],
) -> None:
    await _help(hass, dispatch_server)
    [alert] = phones["sam"]
    assert "Room 1 needs a SAFETY CHECK (help button)" in alert.data["message"]
    # Past the release point (a help request shares details): where to go and how to get in.
    assert "12 Example Street" in alert.data["message"]
    assert "Access: Code 1234" in alert.data["message"]
    actions = alert.data["data"]["actions"]
    assert [a["title"] for a in actions] == ["On my way", "Occupant okay", "Space empty"]
    [riley] = _sms_to(phones["sms"], "+15555550111")
    assert riley.startswith("Room 1 needs a SAFETY CHECK")
    assert sms_length(riley)[0] <= sms_length(riley)[1]
    # Staff are not in this station's plan.
    assert phones["desk"] == []

    hass.bus.async_fire("mobile_app_notification_action", {"action": actions[0]["action"]})
    await hass.async_block_till_done()
    assert station_state(hass) == "responder_attending"
    assert spoken[-1].data["message"] == "Sam is on the way."
    assert _sms_to(phones["sms"], "+15555550111")[-1] == "Sam is attending Room 1. Thank you."

    hass.bus.async_fire("mobile_app_notification_action", {"action": actions[1]["action"]})
    await hass.async_block_till_done()
    assert station_state(hass) == "idle"
    [stored] = dispatch_server.store.alerts.values()
    assert stored.alert["outcome"] == "occupant_ok"
    # Unrelated actions are not ours.
    hass.bus.async_fire("mobile_app_notification_action", {"action": "OPEN_GARAGE"})
    await hass.async_block_till_done()


async def test_sms_reply_ok_then_outcome(
    hass: HomeAssistant, dispatch_server: RunningServer, phones: dict[str, list[ServiceCall]]
) -> None:
    await _help(hass, dispatch_server)
    hass.bus.async_fire("twilio_data_received", {"From": "+15555550111", "Body": " OK "})
    await hass.async_block_till_done()
    assert station_state(hass) == "responder_attending"
    # The one who took it is asked how it went, in one SMS.
    survey = _sms_to(phones["sms"], "+15555550111")[-1]
    assert survey.startswith("How did it go at Room 1?")
    assert sms_length(survey)[0] <= 160
    assert "Riley is attending Room 1" in phones["sam"][-1].data["message"]

    # Strangers and chatter change nothing.
    hass.bus.async_fire("twilio_data_received", {"From": "+15550000000", "Body": "ok"})
    hass.bus.async_fire("twilio_data_received", {"From": "+15555550111", "Body": "thanks"})
    await hass.async_block_till_done()
    assert station_state(hass) == "responder_attending"

    hass.bus.async_fire("twilio_data_received", {"From": "+15555550111", "Body": "6"})
    await hass.async_block_till_done()
    assert station_state(hass) == "idle"
    [stored] = dispatch_server.store.alerts.values()
    assert stored.alert["outcome"] == "safer_use"
    assert "closed (safer_use)" in phones["sam"][-1].data["message"]


async def test_reminders_fallback_and_final_go_to_the_plan_in_order(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    phones: dict[str, list[ServiceCall]],
) -> None:
    await _help(hass, dispatch_server, responder_groups=["staff", "first_responders"])
    assert "Room 1 needs a SAFETY CHECK" in phones["desk"][0].data["message"]
    await advance(hass, freezer, 120, 120)
    [fallback] = _sms_to(phones["sms"], "+15555550199")
    # The fallback group was not told before: past the release point it gets where to go.
    assert fallback.startswith(
        "Room 1 needs a SAFETY CHECK and nobody has answered yet. One final alert follows. "
        "Room 1, 12 Example Street, 1. Access: Code 1234."
    )
    await advance(hass, freezer, 120)
    assert _sms_to(phones["sms"], "+15555550199")[-1].startswith("FINAL alert: Room 1")
    riley = _sms_to(phones["sms"], "+15555550111")
    assert [m.split(":")[0] for m in riley[1:]] == ["Reminder", "Reminder", "FINAL alert"]


async def test_test_alerts_are_marked(
    hass: HomeAssistant, dispatch_server: RunningServer, phones: dict[str, list[ServiceCall]]
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data(), options=OPTIONS))
    await hass.services.async_call(
        DOMAIN, "test_alert", {"station": device_id(hass)}, blocking=True
    )
    await hass.async_block_till_done()
    assert phones["sam"][0].data["message"].startswith("[TEST] Room 1 needs a SAFETY CHECK (test)")
    # A test never carries where the person is.
    assert "12 Example Street" not in phones["sam"][0].data["message"]


async def test_health_contacts_hear_when_a_room_cannot_be_watched(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    phones: dict[str, list[ServiceCall]],
) -> None:
    hass.states.async_set(PRESENCE, "off")
    await setup_site(
        hass,
        site_with_station(dispatch_server, station_data(room_sensing=True), options=OPTIONS),
    )
    hass.states.async_set(PRESENCE, "on")
    await advance(hass, freezer, 3)
    hass.states.async_set(PRESENCE, "unavailable")
    await hass.async_block_till_done()
    notices = _sms_to(phones["sms"], "+15555550177")
    assert any(
        n.startswith(f"Room 1: {PRESENCE} stopped reporting during a visit.") for n in notices
    )
    # Device health tells them too (docs/devices.md, "Device health").
    assert f"Room 1: {PRESENCE} needs attention (unavailable)." in notices
    assert len(notices) == 2


async def test_a_bad_stored_target_does_not_stop_the_others(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    phones: dict[str, list[ServiceCall]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    options = {**OPTIONS, "first_responders": "Sam = notify.mobile_app_sam\nnonsense line"}
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(hass, site_with_station(dispatch_server, station_data(), options=options))
    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat())
    await hass.async_block_till_done()
    assert len(phones["sam"]) == 1
    assert "Ignoring the unreadable first_responders target on line 2" in caplog.text
    assert "nonsense" not in caplog.text


async def test_unreachable_notify_service_is_logged(
    hass: HomeAssistant, dispatch_server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    await _help(hass, dispatch_server)
    assert "via notify.mobile_app_sam" in caplog.text
    # Neither names nor numbers reach the log.
    assert "Sam" not in caplog.text
    assert "+15555550111" not in caplog.text
