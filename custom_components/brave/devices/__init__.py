"""What the integration knows about the devices people bind to a station.

`radar` is a table of radar presence sensors: how Home Assistant shows each model on ZHA
and on Zigbee2MQTT, which entity carries its movement state and what the values mean. It
has no Home Assistant imports; `lookup` reads Home Assistant's registries with it.
"""
