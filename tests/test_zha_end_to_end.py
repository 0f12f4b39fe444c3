"""End to end through Home Assistant's real ZHA on a radio-less zigpy application.

A Tuya TS0041 one-button remote and a Tuya TS0601 radar (`_TZE204_ztc6ggyl`) join with their
real signatures; zha-quirks applies its own quirks; Zigbee frames injected as the radio would
hand them over become a `zha_event` (the remote) and an occupancy binary sensor (the radar),
which a Brave station, bound to them like a user would, acts on: a help request reaches the
reference dispatch server, and the radar's occupancy drives the station's room sensing.
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.zha.helpers import async_get_zha_device_proxy
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import zigpy.types as t

from custom_components.brave.const import DOMAIN

from .conftest import RunningServer, site_with_station, station_data
from .helpers import advance, setup_site, station_state
from .quirks.conftest import (
    ZHA_PROFILE,
    Endpoint,
    FakeApp,
    Signature,
    frame,
    join,
    next_tsn,
    node_descriptor,
    zha,
    zha_device_id,
)

__all__ = ["zha"]  # the fixture: Home Assistant's real ZHA on a radio-less application

ON_OFF = 0x0006
TUYA = 0xEF00

# TS0041 as it reports itself (the signature of zha-quirks' TuyaSmartRemote0041TO): a sleepy
# end device, endpoint 1 an on/off switch with Basic, Power configuration and On/Off in, OTA
# and Time out.
REMOTE_IEEE = "a4:c1:38:2b:7e:11:90:01"
REMOTE_NWK = 0x6A3B
REMOTE = Signature(
    manufacturer="_TZ3000_xkwalgne",
    model="TS0041",
    node_descriptor=node_descriptor(router=False, manufacturer_code=4417),
    endpoints={
        1: Endpoint(
            profile_id=ZHA_PROFILE,
            device_type=0x0000,
            input_clusters=(0x0000, 0x0001, ON_OFF),
            output_clusters=(0x0019, 0x000A),
        )
    },
)
# Tuya's "press type" command on On/Off (0xFD): 0 short, 1 double, 2 long press.
SHORT = 0x00

# The 5.8 GHz ZY-M100 radar (zha-quirks tuya_motion.py): a mains-powered Tuya router with
# the Tuya cluster on endpoint 1 and the Green Power endpoint 242. DP 1 is its presence.
RADAR_IEEE = "a4:c1:38:5c:1e:42:8f:07"
RADAR_NWK = 0x4C22
RADAR = Signature(
    manufacturer="_TZE204_ztc6ggyl",
    model="TS0601",
    node_descriptor=node_descriptor(router=True, manufacturer_code=4417),
    endpoints={
        1: Endpoint(
            profile_id=ZHA_PROFILE,
            device_type=0x0051,
            input_clusters=(0x0000, 0x0004, 0x0005, TUYA),
            output_clusters=(0x000A, 0x0019),
        ),
        242: Endpoint(
            profile_id=0xA1E0, device_type=0x0061, input_clusters=(), output_clusters=(0x0021,)
        ),
    },
)
DP_PRESENCE, DP_ENUM = 1, 0x04


def press(app: FakeApp, press_type: int, *, tsn: int | None = None) -> int:
    """The remote sends a press: a cluster-specific On/Off command 0xFD from endpoint 1."""
    tsn = next_tsn() if tsn is None else tsn
    app.packet_received(frame(REMOTE_NWK, ON_OFF, bytes([0x01, tsn, 0xFD, press_type])))
    return tsn


def presence(app: FakeApp, *, on: bool) -> None:
    """The radar reports DP 1 (Tuya data-point report, command 0x02)."""
    data = bytes([DP_PRESENCE, DP_ENUM, 0x00, 0x01, int(on)])
    payload = bytes([0x09, next_tsn(), 0x02, 0x00, next_tsn()]) + data
    app.packet_received(frame(RADAR_NWK, TUYA, payload))


def quirk_class(hass: HomeAssistant, ieee: str) -> str:
    """The quirk ZHA applied to the device with this IEEE address."""
    return async_get_zha_device_proxy(hass, zha_device_id(hass, ieee)).device.quirk_class


def occupancy_entity(hass: HomeAssistant) -> str:
    """The radar's occupancy binary sensor, as ZHA registered it."""
    entities = er.async_entries_for_device(er.async_get(hass), zha_device_id(hass, RADAR_IEEE))
    [occupancy] = [
        entity.entity_id
        for entity in entities
        if entity.platform == "zha" and entity.domain == Platform.BINARY_SENSOR
    ]
    return occupancy


async def test_zigbee_frames_drive_a_station(
    hass: HomeAssistant,
    zha: FakeApp,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    for signature, ieee, nwk in ((REMOTE, REMOTE_IEEE, REMOTE_NWK), (RADAR, RADAR_IEEE, RADAR_NWK)):
        # Seen just now: a device that joins has just talked (else ZHA reports it offline).
        join(zha, signature, ieee, nwk).last_seen = dt_util.utcnow()
    await hass.async_block_till_done()
    # zha-quirks' own quirks apply (the Tuya TS004x press-type cluster, the radar's DP map).
    assert [quirk_class(hass, ieee) for ieee in (REMOTE_IEEE, RADAR_IEEE)] == [
        "zhaquirks.tuya.ts0041:TuyaSmartRemote0041TO",
        # tuya_motion.py's entry for the ZY-M100 family, named by its first model.
        "zhaquirks.tuya.builder:(_TZE200_ar0slwnd / TS0601)",
    ]
    presence_entity = occupancy_entity(hass)
    events = []
    hass.bus.async_listen("zha_event", lambda event: events.append(event.data))

    data = station_data(room_sensing=True)
    data["sensors"] = {
        "presence": presence_entity,
        "learned_buttons": [
            {
                "source": "zha",
                "ieee": str(t.EUI64.convert(REMOTE_IEEE)),
                "help": ["remote_button_short_press"],
                "answer": [],
                "start_check_in": ["remote_button_double_press"],
            }
        ],
    }
    entry = site_with_station(dispatch_server, data)
    await setup_site(hass, entry)
    assert station_state(hass) == "idle"

    # Someone walks in: the radar's report turns its occupancy on; 3 s later a session.
    presence(zha, on=True)
    await hass.async_block_till_done()
    assert hass.states.get(presence_entity).state == "on"
    assert station_state(hass) == "idle"
    await advance(hass, freezer, 3)
    assert station_state(hass) == "occupied"
    # They leave (no door bound): the session ends.
    presence(zha, on=False)
    await hass.async_block_till_done()
    assert hass.states.get(presence_entity).state == "off"
    assert station_state(hass) == "idle"
    assert dispatch_server.store.alerts == {}

    # A short press on the remote calls for help; the device's repeat of the same frame
    # (same sequence number) is dropped by the quirk.
    tsn = press(zha, SHORT)
    press(zha, SHORT, tsn=tsn)
    await hass.async_block_till_done()
    assert [(e["device_ieee"], e["command"]) for e in events] == [
        (REMOTE_IEEE, "remote_button_short_press")
    ]
    assert station_state(hass) == "alert"
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["kind"] == "help_request"
    assert stored.request["station"]["label"] == "Room 1"

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert not hass.config_entries.async_loaded_entries(DOMAIN)
