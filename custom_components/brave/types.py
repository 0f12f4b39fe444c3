"""The site entry's type: a config entry whose runtime data is its running site."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry

from .adapters.site import BraveSite

type BraveConfigEntry = ConfigEntry[BraveSite]
