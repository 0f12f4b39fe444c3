"""Add the demo devices (scripts/develop adds them on the demo's first start)."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult

from . import DOMAIN


class DemoConfigFlow(ConfigFlow, domain=DOMAIN):
    """One set of demo devices, nothing to ask."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Confirm, then add."""
        if user_input is None:
            return self.async_show_form(step_id="user")
        return self.async_create_entry(title="Brave demo devices", data={})
