"""Helpers for the zigpy quirk tests: a radio-less zigpy application and real device signatures.

The quirks are loaded the way ZHA loads them for a user: `zhaquirks.setup()` with
`custom_quirks_path` pointing at the folder that holds the two quirk files.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
import itertools
from pathlib import Path
import sys
from types import ModuleType
from typing import Any
from unittest.mock import AsyncMock, patch

import bellows.zigbee.application
from homeassistant.components import zha as zha_component
from homeassistant.components.zha import radio_manager as zha_radio_manager
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from zha.quirks import DEVICE_REGISTRY, QUIRK_REGISTRY_ENTRY_ATTR
import zhaquirks
from zigpy.application import ControllerApplication
import zigpy.config
import zigpy.device
import zigpy.endpoint
import zigpy.types as t
import zigpy.zdo.types as zdo_t

QUIRKS_DIR = Path(__file__).parents[2] / "custom_components" / "brave" / "quirks"
ZHA_PROFILE = 0x0104
COORDINATOR_IEEE = "00:15:8d:00:02:32:4f:32"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the suite-wide fixture: most quirk tests need no Home Assistant instance."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One endpoint of a device signature, as ZHA's "Zigbee device signature" shows it."""

    profile_id: int
    device_type: int
    input_clusters: tuple[int, ...]
    output_clusters: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Signature:
    """What a device reports when it joins: node descriptor, names and endpoints."""

    manufacturer: str
    model: str
    node_descriptor: zdo_t.NodeDescriptor
    endpoints: dict[int, Endpoint] = field(default_factory=dict)


def node_descriptor(*, router: bool, manufacturer_code: int) -> zdo_t.NodeDescriptor:
    """A Tuya node descriptor: a mains-powered router or a sleepy end device."""
    flags = zdo_t.NodeDescriptor.MACCapabilityFlags
    mac = flags.AllocateAddress
    if router:
        mac |= flags.FullFunctionDevice | flags.MainsPowered | flags.RxOnWhenIdle
    return zdo_t.NodeDescriptor(
        logical_type=(zdo_t.LogicalType.Router if router else zdo_t.LogicalType.EndDevice),
        complex_descriptor_available=0,
        user_descriptor_available=0,
        reserved=0,
        aps_flags=0,
        frequency_band=zdo_t.NodeDescriptor.FrequencyBand.Freq2400MHz,
        mac_capability_flags=mac,
        manufacturer_code=manufacturer_code,
        maximum_buffer_size=66,
        maximum_incoming_transfer_size=66,
        server_mask=10752,
        maximum_outgoing_transfer_size=66,
        descriptor_capability_field=zdo_t.NodeDescriptor.DescriptorCapability.NONE,
    )


class FakeApp(ControllerApplication):
    """A zigpy application with no radio: sending succeeds and goes nowhere."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(
            {
                **(config or {}),
                zigpy.config.CONF_DATABASE: None,
                zigpy.config.CONF_DEVICE: {zigpy.config.CONF_DEVICE_PATH: "/dev/null"},
            }
        )
        self.sent: list[t.ZigbeePacket] = []
        self.state.node_info.nwk = t.NWK(0x0000)
        self.state.node_info.ieee = t.EUI64.convert(COORDINATOR_IEEE)
        self.state.network_info.pan_id = t.PanId(0x1234)
        self.state.network_info.extended_pan_id = self.state.node_info.ieee
        self.state.network_info.channel = 15
        self.state.network_info.network_key.key = t.KeyData(range(16))

    async def connect(self) -> None:
        """Nothing to connect to."""

    async def disconnect(self) -> None:
        """Nothing to disconnect."""

    async def start_network(self) -> None:
        """The network is up; like a radio library, register the coordinator device."""
        ieee = self.state.node_info.ieee
        if ieee in self.devices:
            return
        coordinator = self.add_device(ieee, self.state.node_info.nwk)
        coordinator.node_desc = zdo_t.NodeDescriptor(
            logical_type=zdo_t.LogicalType.Coordinator,
            complex_descriptor_available=0,
            user_descriptor_available=0,
            reserved=0,
            aps_flags=0,
            frequency_band=zdo_t.NodeDescriptor.FrequencyBand.Freq2400MHz,
            mac_capability_flags=zdo_t.NodeDescriptor.MACCapabilityFlags.AllocateAddress,
            manufacturer_code=0x1234,
            maximum_buffer_size=127,
            maximum_incoming_transfer_size=100,
            server_mask=0,
            maximum_outgoing_transfer_size=100,
            descriptor_capability_field=zdo_t.NodeDescriptor.DescriptorCapability.NONE,
        )
        endpoint = coordinator.add_endpoint(1)
        endpoint.profile_id = ZHA_PROFILE
        endpoint.device_type = 0x0005
        endpoint.status = zigpy.endpoint.Status.ZDO_INIT

    async def force_remove(self, dev: Any) -> None:
        """Nothing to remove."""

    async def add_endpoint(self, descriptor: Any) -> None:
        """Endpoints need no registration."""

    async def send_packet(self, packet: t.ZigbeePacket) -> None:
        """Record what would go on air."""
        self.sent.append(packet)

    async def permit_ncp(self, time_s: int = 60) -> None:
        """Joining is always allowed."""

    async def permit_with_link_key(self, *args: Any, **kwargs: Any) -> None:
        """Joining is always allowed."""

    async def write_network_info(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to write."""

    async def load_network_info(self, *, load_devices: bool = False) -> None:
        """The state set in __init__ is the network."""

    async def reset_network_info(self) -> None:
        """Nothing to reset."""

    async def _network_scan(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def _packet_capture(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def _packet_capture_change_channel(self, channel: int) -> None:
        raise NotImplementedError

    async def _subscribe_to_multicast_group(self, *args: Any, **kwargs: Any) -> None:
        """No multicast on a fake radio."""

    async def _unsubscribe_from_multicast_group(self, *args: Any, **kwargs: Any) -> None:
        """No multicast on a fake radio."""


def build_device(
    app: ControllerApplication, signature: Signature, ieee: str, nwk: int
) -> zigpy.device.Device:
    """An interviewed but not yet quirked zigpy device with this signature."""
    device = app.add_device(t.EUI64.convert(ieee), t.NWK(nwk))
    device.node_desc = signature.node_descriptor
    device.manufacturer = signature.manufacturer
    device.model = signature.model
    for endpoint_id, spec in signature.endpoints.items():
        endpoint = device.add_endpoint(endpoint_id)
        endpoint.profile_id = spec.profile_id
        endpoint.device_type = spec.device_type
        for cluster_id in spec.input_clusters:
            endpoint.add_input_cluster(cluster_id)
        for cluster_id in spec.output_clusters:
            endpoint.add_output_cluster(cluster_id)
        endpoint.status = zigpy.endpoint.Status.ZDO_INIT
    return device


def join(app: ControllerApplication, signature: Signature, ieee: str, nwk: int) -> Any:
    """Join a device the way zigpy finishes an interview: resolve it through the registry."""
    app.device_initialized(build_device(app, signature, ieee, nwk))
    return app.get_device(ieee=t.EUI64.convert(ieee))


def quirk_file(device: zigpy.device.Device) -> str | None:
    """The file of the quirk ZHA applied to `device`, if any."""
    entry = getattr(device, QUIRK_REGISTRY_ENTRY_ATTR, None)
    if entry is None or entry.source is None:
        return None
    return str(entry.source.file)


_tsn = itertools.count(0x20)


def next_tsn() -> int:
    """A fresh ZCL sequence number (each real frame carries a new one)."""
    return next(_tsn) % 256


def frame(nwk: int, cluster_id: int, data: bytes, *, endpoint: int = 1) -> t.ZigbeePacket:
    """A ZCL frame from the device at `nwk` to the coordinator, as the radio hands it over."""
    return t.ZigbeePacket(
        src=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=t.NWK(nwk)),
        src_ep=endpoint,
        dst=t.AddrModeAddress(addr_mode=t.AddrMode.NWK, address=t.NWK(0x0000)),
        dst_ep=1,
        profile_id=ZHA_PROFILE,
        cluster_id=cluster_id,
        data=t.SerializableBytes(data),
        lqi=255,
        rssi=-40,
    )


@pytest.fixture(scope="session")
def quirks() -> dict[str, ModuleType]:
    """ZHA's registry with the built-in quirks and this project's custom quirks folder.

    Loaded once, exactly as ZHA loads them (importing all of zhaquirks takes seconds). Tests
    only read the modules' file paths, which stay the same when ZHA reloads the folder.
    """
    zhaquirks.setup(custom_quirks_path=str(QUIRKS_DIR))
    return {name: sys.modules[name] for name in ("ts0215a_sos", "zy_m100_24g")}


@pytest.fixture
async def app(quirks: dict[str, ModuleType]) -> AsyncIterator[FakeApp]:
    """A radio-less zigpy application that resolves devices through ZHA's quirk registry."""
    application = FakeApp()
    application.register_device_resolver(DEVICE_REGISTRY.resolve)
    yield application
    await application.shutdown()


@pytest.fixture
async def zha(hass: HomeAssistant) -> AsyncIterator[FakeApp]:
    """Home Assistant's real ZHA integration on a radio-less zigpy application.

    configuration.yaml as the install guide has it: `zha: custom_quirks_path:` naming the
    folder with the quirk files. Returns the application ZHA runs, to join devices and
    inject frames.
    """
    apps: list[FakeApp] = []

    async def new(
        config: dict[str, Any],
        auto_form: bool = False,
        start_radio: bool = True,
        device_resolver: Any = None,
        uninitialized_packet_handler: Any = None,
    ) -> FakeApp:
        application = FakeApp(config)
        if device_resolver is not None:
            application.register_device_resolver(device_resolver)
        if uninitialized_packet_handler is not None:
            application.register_uninitialized_packet_handler(uninitialized_packet_handler)
        if start_radio:
            await application.startup(auto_form=auto_form)
        apps.append(application)
        return application

    entry = MockConfigEntry(
        domain="zha",
        version=5,
        minor_version=2,
        data={
            "device": {"path": "/dev/ttyFAKE0", "baudrate": 115200, "flow_control": None},
            "radio_type": "ezsp",
        },
    )
    entry.add_to_hass(hass)
    zigpy_config = {
        "watchdog_enabled": False,
        "topology_scan_enabled": False,
        "ota": {"enabled": False},
    }
    with (
        patch.object(bellows.zigbee.application.ControllerApplication, "new", new),
        # Every request "reaches" the device; nothing waits for replies that never come.
        patch("zigpy.device.Device.request", AsyncMock()),
        patch.object(zha_radio_manager, "CONNECT_DELAY_S", 0),
        # If setup failed, ZHA would probe the (absent) serial port for firmware.
        patch.object(zha_component, "warn_on_wrong_silabs_firmware", return_value=False),
    ):
        config = {"zha": {"custom_quirks_path": str(QUIRKS_DIR), "zigpy_config": zigpy_config}}
        assert await async_setup_component(hass, "zha", config)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED
        yield apps[-1]
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


def zha_device_id(hass: HomeAssistant, ieee: str) -> str:
    """The Home Assistant device id ZHA registered for this IEEE address."""
    [entry] = hass.config_entries.async_entries("zha")
    device = dr.async_get(hass).async_get_device_by_identifier(("zha", ieee), entry.entry_id)
    assert device is not None
    return device.id
