"""The pure core: Brave's decisions, with no Home Assistant, no network, no clock and no I/O.

The safety engine (engine/), what to send and when to retry (outbox, payloads), what a status
from the dispatch service means (status), who hears which step (notices), words for people
(words/), SMS (sms), how Zigbee buttons and radars report (buttons, radar), the device-health
rules (health), stations' settings (stations) and stored data read back (records). Every module
here is checked by tests/test_purity.py; the adapters around it bring the world in and out.
"""
