"""The local fallback: people in the building hear what the internet could not carry.

A site names its local fallback group in its options (LOCAL_FALLBACK): the Home Assistant
app's phones (local push works without the internet), a speaker in a staff room, a siren, a
light. They hear an alert whenever the dispatch service has not taken it (alerting.py), and any
message whose notify call to someone outside failed or did not return in time (a cloud
service while the internet is down): one Cover watches each message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

LOCAL_FALLBACK: Final = "local_fallback"
# Targets the local fallback may have besides notify: `tts.<engine>:media_player.<speaker>`
# speaks, `siren.<entity>` sounds, `light.<entity>` flashes.
LOCAL_DOMAINS: Final = ("tts", "siren", "light")
# A notify call that has not returned by then counts as failed: a cloud service whose host
# cannot be reached may hang for a minute before it says so.
LOCAL_AFTER: Final = 5.0  # seconds


class Cover:
    """Watches one message to people outside the building; the first failure calls the locals.

    `tell_local` runs at most once: on the first failed call, or when a call has not returned
    within LOCAL_AFTER.
    """

    def __init__(self, hass: HomeAssistant, calls: int, tell_local: Callable[[], None]) -> None:
        """Watch `calls` notify calls."""
        self._waiting = calls
        self._tell_local: Callable[[], None] | None = tell_local
        self._timer: CALLBACK_TYPE | None = async_call_later(hass, LOCAL_AFTER, self._late)

    @callback
    def delivered(self) -> None:
        """One call returned."""
        self._waiting -= 1
        if self._waiting == 0:
            self._stop()

    @callback
    def failed(self) -> None:
        """One call raised: the locals hear it now."""
        self._waiting -= 1
        self._cover()

    @callback
    def _late(self, _now: datetime) -> None:
        self._timer = None
        self._cover()

    @callback
    def _cover(self) -> None:
        self._stop()
        if (tell := self._tell_local) is not None:
            self._tell_local = None
            tell()

    @callback
    def _stop(self) -> None:
        if self._timer is not None:
            self._timer()
            self._timer = None
