"""Tuya TS0215A SOS buttons and security remotes: the SOS press becomes a ZHA event.

Copy this file into ZHA's custom quirks folder (docs/quirks.md explains how).

What the device sends: on a press of the SOS key, the IAS ACE *client* cluster (0x0501, an
output cluster on endpoint 1) sends the IAS ACE `emergency` command (command id 0x02,
client to server, no payload) to the coordinator. Zigbee2MQTT reads the same command and
publishes `action: emergency` (zigbee-herdsman-converters: `fz.command_emergency` on
`ssIasAce`, models `TS0215A_sos` and `TS0215A_remote` in src/devices/tuya.ts).

What ZHA does without this quirk (zha 2.3.1): it turns the IAS ACE client cluster into an
alarm control panel entity; `emergency` only switches that panel to "triggered" and no
`zha_event` is fired, so automations and the Brave integration cannot see the press.

What this quirk changes:
- `emergency`, `panic` and `fire` commands fire a `zha_event` with `command` set to the
  command's name, `cluster_id` 0x0501 and `endpoint_id` 1.
- The device offers the trigger "remote_button_short_press" / "button", bound to `emergency`.
- On the one-button SOS models, the alarm control panel entity is not created (a panel stuck
  in "triggered" that needs a code to reset is of no use for a help button). The four-button
  security remotes keep it, since their arm and disarm keys drive it.

Zigpy already drops a frame that repeats an earlier one byte for byte within 10 seconds
(radio retries), while a new press carries a new ZCL sequence number and always gets through.
"""

from __future__ import annotations

from typing import Any, Final

from zhaquirks.builder import QuirkBuilder
from zhaquirks.clusters import CustomCluster
from zhaquirks.const import BUTTON, CLUSTER_ID, COMMAND, ENDPOINT_ID, SHORT_PRESS, ZHA_SEND_EVENT
from zigpy.zcl import ClusterType, foundation
from zigpy.zcl.clusters.security import IasAce

MODEL: Final = "TS0215A"

# Zigbee2MQTT model "TS0215A_sos" (one SOS key), zigbee-herdsman-converters src/devices/tuya.ts.
SOS_BUTTONS: Final = (
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

# Zigbee2MQTT model "TS0215A_remote" (arm, arm home, disarm and SOS keys), same file.
SECURITY_REMOTES: Final = (
    "_TZ3000_p6ju8myv",
    "_TZ3000_0zrccfgx",
    "_TZ3000_fsiepnrh",
    "_TZ3000_ug1vtuzn",
    "_TZ3000_eo3dttwe",
    "_TZ3000_jwcixnrz",
    "_TZ3000_u2bbagu4",
    "_TZ3000_8utxxtzr",
)

EMERGENCY: Final = IasAce.ServerCommandDefs.emergency.name

# Alarm commands without a payload; ZHA's alarm panel handles them without firing an event.
EVENT_COMMANDS: Final = frozenset(
    command.id
    for command in (
        IasAce.ServerCommandDefs.emergency,
        IasAce.ServerCommandDefs.fire,
        IasAce.ServerCommandDefs.panic,
    )
)

DEVICE_AUTOMATION_TRIGGERS: Final = {
    (SHORT_PRESS, BUTTON): {
        COMMAND: EMERGENCY,
        CLUSTER_ID: IasAce.cluster_id,
        ENDPOINT_ID: 1,
    },
}


class EmergencyIasAce(CustomCluster, IasAce):
    """IAS ACE client cluster that reports alarm key presses as ZHA events."""

    def handle_cluster_request(
        self,
        hdr: foundation.ZCLHeader,
        args: Any,
        *,
        dst_addressing: Any = None,
    ) -> None:
        """Fire a ZHA event for emergency, fire and panic, then answer as zigpy does."""
        if (
            hdr.direction == foundation.Direction.Client_to_Server
            and hdr.command_id in EVENT_COMMANDS
        ):
            command = self.server_commands[hdr.command_id]
            self.listener_event(ZHA_SEND_EVENT, command.name, args)
        super().handle_cluster_request(hdr, args, dst_addressing=dst_addressing)


def _register(manufacturers: tuple[str, ...], *, keep_alarm_panel: bool) -> None:
    """Register one v2 quirk for these TS0215A manufacturer ids."""
    builder = QuirkBuilder()
    for manufacturer in manufacturers:
        builder.applies_to(manufacturer, MODEL)
    builder.replaces(EmergencyIasAce, cluster_type=ClusterType.Client)
    builder.device_automation_triggers(DEVICE_AUTOMATION_TRIGGERS)
    if not keep_alarm_panel:
        builder.prevent_default_entity_creation(
            endpoint_id=1, cluster_id=IasAce.cluster_id, cluster_type=ClusterType.Client
        )
    builder.add_to_registry()


_register(SOS_BUTTONS, keep_alarm_panel=False)
_register(SECURITY_REMOTES, keep_alarm_panel=True)
