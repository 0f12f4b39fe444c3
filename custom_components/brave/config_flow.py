"""Config flow for Brave: one entry per site, tied to its volunteer dispatch service."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig, TextSelectorType
import probatio

from .const import DOMAIN
from .dispatch.client import (
    DispatchAuthError,
    DispatchClient,
    DispatchConnectionError,
    DispatchResponseError,
    InsecureServiceUrlError,
    InvalidServiceUrlError,
    normalize_service_url,
)

_LOGGER = logging.getLogger(__name__)

STEP_USER_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_URL): TextSelector(TextSelectorConfig(type=TextSelectorType.URL)),
        probatio.Required(CONF_API_KEY): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD)
        ),
    }
)


class BraveConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a site: check the dispatch service answers and accepts the key, then save it."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the dispatch service URL and API key."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                url = normalize_service_url(user_input[CONF_URL])
            except InsecureServiceUrlError:
                errors[CONF_URL] = "insecure_url"
            except InvalidServiceUrlError:
                errors[CONF_URL] = "invalid_url"
            else:
                await self.async_set_unique_id(url)
                self._abort_if_unique_id_configured()
                client = DispatchClient(
                    async_get_clientsession(self.hass), url, user_input[CONF_API_KEY]
                )
                try:
                    health = await client.health()
                except DispatchAuthError:
                    errors["base"] = "invalid_auth"
                except DispatchConnectionError:
                    errors["base"] = "cannot_connect"
                except DispatchResponseError:
                    errors["base"] = "unexpected_response"
                except Exception:
                    _LOGGER.exception("Unexpected error checking the dispatch service")
                    errors["base"] = "unknown"
                else:
                    return self.async_create_entry(
                        title=health.service,
                        data={CONF_URL: url, CONF_API_KEY: user_input[CONF_API_KEY]},
                    )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(STEP_USER_SCHEMA, user_input),
            errors=errors,
        )
