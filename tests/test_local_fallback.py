"""The local fallback group: what its lines may name, and how the site's options take them.

What it hears while the internet is down is in tests/faults/test_internet_down.py.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.brave.adapters.responders import (
    InvalidTargetError,
    Target,
    parse_target,
    parse_targets,
)

from .helpers import open_site_options

LOCAL = (
    "Staff phone = notify.mobile_app_staff\n"
    "Staff room = tts.piper:media_player.staff_room\n"
    "siren.staff_room\n"
    "Office = light.office"
)


def test_local_lines() -> None:
    phone, speaker, siren, light = parse_targets(LOCAL, local=True)
    assert phone == Target("Staff phone", "notify.mobile_app_staff")
    assert speaker == Target("Staff room", "tts.piper", "media_player.staff_room")
    assert (siren.name, siren.service, siren.recipient) == ("Responder 3", "siren.staff_room", None)
    assert light.calls_only
    assert siren.calls_only
    assert not speaker.calls_only
    assert not speaker.sms
    assert Target("Desk", "notify.sms", "+15555550199").sms


@pytest.mark.parametrize(
    "line",
    [
        "tts.piper",  # a voice needs a speaker
        "tts.piper:+15555550123",
        "siren.staff_room:loud",
        "light.office:red",
        "switch.staff_room",
        "media_player.staff_room",
    ],
)
def test_local_lines_that_cannot_be_read(line: str) -> None:
    with pytest.raises(InvalidTargetError):
        parse_target(line, local=True)


@pytest.mark.parametrize(
    "line", ["siren.staff_room", "tts.piper:media_player.staff_room", "light.office"]
)
def test_other_groups_take_notify_only(line: str) -> None:
    with pytest.raises(InvalidTargetError):
        parse_target(line)


async def test_options_take_the_local_fallback(
    hass: HomeAssistant, site_entry: MockConfigEntry
) -> None:
    site_entry.add_to_hass(hass)
    result = await open_site_options(hass, site_entry, "responders")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"fallback": "siren.staff_room"}
    )
    assert result["errors"] == {"base": "invalid_targets"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"local_fallback": LOCAL}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert site_entry.options["local_fallback"] == LOCAL
