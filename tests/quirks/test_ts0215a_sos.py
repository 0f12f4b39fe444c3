"""TS0215A SOS button quirk: real signature matched, a real IAS ACE frame becomes an event."""

from __future__ import annotations

import asyncio
from types import ModuleType
from typing import Any
from unittest.mock import patch

from homeassistant.components.device_automation import (
    DeviceAutomationType,
    async_get_device_automations,
)
from homeassistant.components.zha.helpers import async_get_zha_device_proxy
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events, async_mock_service
from zigpy.zcl import foundation
import zigpy.zdo

from .conftest import (
    ZHA_PROFILE,
    Endpoint,
    FakeApp,
    Signature,
    frame,
    join,
    next_tsn,
    node_descriptor,
    quirk_file,
    zha_device_id,
)

IAS_ACE = 0x0501
IAS_ZONE = 0x0500
EMERGENCY = 0x02
ARM = 0x00
NWK = 0x6F3A
IEEE = "a4:c1:38:85:a8:b5:4c:d1"

# As a TS0215A reports itself (interview of a _TZ3000_4fsgukof, sprut/Hub issue 1002):
# endpoint 1 is an IAS Ancillary Control Equipment (0x0401) with Basic, Power Configuration,
# Identify and IAS Zone in, and Time, OTA and IAS ACE out; a battery end device.
SOS_ENDPOINTS = {
    1: Endpoint(
        profile_id=ZHA_PROFILE,
        device_type=0x0401,
        input_clusters=(0x0000, 0x0001, 0x0003, IAS_ZONE),
        output_clusters=(0x000A, 0x0019, IAS_ACE),
    )
}

SOS_IDS = (
    "_TZ3000_4fsgukof",
    "_TZ3000_wr2ucaj9",
    "_TZ3000_zsh6uat3",
    "_TZ3000_tj4pwzzm",
    "_TZ3000_2izubafb",
    "_TZ3000_pkfazisv",
    "_TZ3000_0dumfk2z",
    "_TZ3000_ssp0maqm",
    "_TZ3000_p3fph1go",
    "_TZ3000_9r5jaajv",
    "_TZ3000_nxdziqzc",
    "_TZ3000_irwuzilv",
)
REMOTE_IDS = (
    "_TZ3000_p6ju8myv",
    "_TZ3000_0zrccfgx",
    "_TZ3000_fsiepnrh",
    "_TZ3000_ug1vtuzn",
    "_TZ3000_eo3dttwe",
    "_TZ3000_jwcixnrz",
    "_TZ3000_u2bbagu4",
    "_TZ3000_8utxxtzr",
)


def signature(manufacturer: str) -> Signature:
    return Signature(
        manufacturer=manufacturer,
        model="TS0215A",
        node_descriptor=node_descriptor(router=False, manufacturer_code=4098),
        endpoints=SOS_ENDPOINTS,
    )


def ace_command(command_id: int, tsn: int, payload: bytes = b"") -> bytes:
    """An IAS ACE command as the button sends it: cluster specific, client to server."""
    return bytes([0x01, tsn, command_id]) + payload


class EventListener:
    """Collects what ZHA would turn into zha_event (`zha_send_event` listener calls)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def zha_send_event(self, command: str, args: Any) -> None:
        self.events.append((command, args))


@pytest.fixture
def button(app: FakeApp) -> Any:
    """A joined _TZ3000_0dumfk2z SOS button with an event listener on its IAS ACE cluster."""
    device = join(app, signature("_TZ3000_0dumfk2z"), IEEE, NWK)
    device.listener = EventListener()
    device.endpoints[1].out_clusters[IAS_ACE].add_listener(device.listener)
    return device


@pytest.mark.parametrize("manufacturer", SOS_IDS + REMOTE_IDS)
async def test_quirk_applies_to_the_real_signature(
    app: FakeApp, quirks: dict[str, ModuleType], manufacturer: str
) -> None:
    device = join(app, signature(manufacturer), IEEE, NWK)

    assert quirk_file(device) == quirks["ts0215a_sos"].__file__
    assert type(device.endpoints[1].out_clusters[IAS_ACE]).__name__ == "EmergencyIasAce"
    # Everything else stays as the device reported it.
    assert sorted(device.endpoints[1].in_clusters) == [0x0000, 0x0001, 0x0003, IAS_ZONE]
    assert sorted(device.endpoints[1].out_clusters) == [0x000A, 0x0019, IAS_ACE]
    assert device.device_automation_triggers == {
        ("remote_button_short_press", "button"): {
            "command": "emergency",
            "cluster_id": IAS_ACE,
            "endpoint_id": 1,
        }
    }


async def test_other_manufacturers_are_left_alone(app: FakeApp) -> None:
    device = join(app, signature("_TZ3000_notabutton"), IEEE, NWK)

    assert quirk_file(device) is None
    assert type(device.endpoints[1].out_clusters[IAS_ACE]).__name__ == "IasAce"


async def test_press_fires_emergency_event_and_is_acknowledged(app: FakeApp, button: Any) -> None:
    tsn = next_tsn()
    app.packet_received(frame(NWK, IAS_ACE, ace_command(EMERGENCY, tsn)))
    await asyncio.sleep(0)

    assert [command for command, _ in button.listener.events] == ["emergency"]
    # The button gets its default response (status SUCCESS for command 0x02, same TSN).
    [reply] = [packet for packet in app.sent if packet.cluster_id == IAS_ACE]
    hdr, rest = foundation.ZCLHeader.deserialize(reply.data.serialize())
    assert hdr.tsn == tsn
    assert hdr.command_id == foundation.GeneralCommand.Default_Response
    assert rest == bytes([EMERGENCY, foundation.Status.SUCCESS])


async def test_radio_retry_is_one_press_but_a_second_press_counts(
    app: FakeApp, button: Any
) -> None:
    first = frame(NWK, IAS_ACE, ace_command(EMERGENCY, next_tsn()))
    app.packet_received(first)
    app.packet_received(first)  # the same frame again: a retry, not a press
    app.packet_received(frame(NWK, IAS_ACE, ace_command(EMERGENCY, next_tsn())))
    await asyncio.sleep(0)

    assert [command for command, _ in button.listener.events] == ["emergency", "emergency"]


@pytest.mark.parametrize(("command_id", "name"), [(0x03, "fire"), (0x04, "panic")])
async def test_other_alarm_keys_fire_events_too(
    app: FakeApp, button: Any, command_id: int, name: str
) -> None:
    app.packet_received(frame(NWK, IAS_ACE, ace_command(command_id, next_tsn())))
    await asyncio.sleep(0)

    assert [command for command, _ in button.listener.events] == [name]


async def test_arm_keys_are_left_to_zha(app: FakeApp, button: Any) -> None:
    # Arm all zones, empty code, zone 0: ZHA's alarm panel already reports these.
    arm = ace_command(ARM, next_tsn(), bytes([0x03, 0x00, 0x00]))
    app.packet_received(frame(NWK, IAS_ACE, arm))
    await asyncio.sleep(0)

    assert button.listener.events == []


async def test_press_reaches_home_assistant(hass: HomeAssistant, zha: FakeApp) -> None:
    """Real ZHA: the press is a zha_event and fires an automation on the device trigger."""
    bound: list[tuple[int, bool]] = []
    bind = zigpy.zdo.ZDO.bind

    async def record_bind(zdo: zigpy.zdo.ZDO, cluster: Any, **kwargs: Any) -> Any:
        bound.append((cluster.cluster_id, cluster.is_client))
        return await bind(zdo, cluster, **kwargs)

    with patch.object(zigpy.zdo.ZDO, "bind", record_bind):
        join(zha, signature("_TZ3000_0dumfk2z"), IEEE, NWK)
        await hass.async_block_till_done()
    # ZHA still binds the IAS ACE client cluster to the coordinator without the alarm panel.
    assert (IAS_ACE, True) in bound
    device_id = zha_device_id(hass, IEEE)
    zha_device = async_get_zha_device_proxy(hass, device_id).device
    assert zha_device.quirk_class == "ts0215a_sos:(_TZ3000_4fsgukof / TS0215A)"

    automations = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, [device_id]
    )
    assert {"type": "remote_button_short_press", "subtype": "button"} in [
        {"type": trigger["type"], "subtype": trigger["subtype"]}
        for trigger in automations[device_id]
        if trigger["domain"] == "zha"
    ]
    calls = async_mock_service(hass, "test", "pressed")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "triggers": {
                    "platform": "device",
                    "domain": "zha",
                    "device_id": device_id,
                    "type": "remote_button_short_press",
                    "subtype": "button",
                },
                "actions": {"action": "test.pressed"},
            }
        },
    )
    events = async_capture_events(hass, "zha_event")

    zha.packet_received(frame(NWK, IAS_ACE, ace_command(EMERGENCY, next_tsn())))
    await hass.async_block_till_done()

    [event] = events
    assert event.data["device_ieee"] == IEEE
    assert event.data["device_id"] == device_id
    assert event.data["command"] == "emergency"
    assert event.data["cluster_id"] == IAS_ACE
    assert event.data["endpoint_id"] == 1
    assert len(calls) == 1
    # No alarm control panel stuck in "triggered" for a one-button SOS device.
    entities = er.async_entries_for_device(er.async_get(hass), device_id)
    assert "alarm_control_panel" not in {entity.domain for entity in entities}


async def test_without_the_quirk_zha_fires_no_event(hass: HomeAssistant, zha: FakeApp) -> None:
    """Why the quirk exists: stock ZHA only turns its alarm panel to "triggered"."""
    join(zha, signature("_TZ3000_notinthelist"), IEEE, NWK)
    await hass.async_block_till_done()
    entities = er.async_entries_for_device(er.async_get(hass), zha_device_id(hass, IEEE))
    [panel] = [entity for entity in entities if entity.domain == "alarm_control_panel"]
    events = async_capture_events(hass, "zha_event")

    zha.packet_received(frame(NWK, IAS_ACE, ace_command(EMERGENCY, next_tsn())))
    await hass.async_block_till_done()

    assert events == []
    assert hass.states.get(panel.entity_id).state == "triggered"
