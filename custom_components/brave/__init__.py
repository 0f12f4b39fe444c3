"""Brave: an overdose safety net built from Zigbee buttons and radar presence sensors."""

from __future__ import annotations

from aiohttp.hdrs import METH_POST
from homeassistant.components import webhook
from homeassistant.const import CONF_API_KEY, CONF_URL, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .adapters.dispatch_client import DispatchClient
from .adapters.shared_page import async_setup_shared_page
from .adapters.site import BraveSite
from .adapters.voice import async_setup_voice
from .adapters.webhook import handle_webhook
from .const import CONF_SITE_NAME, CONF_WEBHOOK_ID, DOMAIN
from .core.sites import clean_site_name, site_unique_id
from .frontend import async_register_dashboard
from .services import async_setup_services
from .types import BraveConfigEntry

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.NUMBER,
    Platform.SENSOR,
    Platform.SWITCH,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the services, the dashboard and its pages, and the voice sentences, once."""
    async_setup_services(hass)
    await async_register_dashboard(hass)
    async_setup_shared_page(hass)
    async_setup_voice(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: BraveConfigEntry) -> bool:
    """Set up a site and its stations.

    The dispatch service is deliberately not contacted here: monitoring must start even while
    the service is down.
    """
    client = DispatchClient(
        async_get_clientsession(hass), entry.data[CONF_URL], entry.data[CONF_API_KEY]
    )
    # The site's own device first: each station's device hangs off it.
    site_device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.title,
        manufacturer="Brave",
        model="Dispatch connection",
        entry_type=dr.DeviceEntryType.SERVICE,
    )
    site = BraveSite(hass, entry, client, site_device.id)
    entry.runtime_data = site
    await site.async_start()
    entry.async_on_unload(site.async_stop)
    webhook.async_register(
        hass,
        DOMAIN,
        f"Brave dispatch ({entry.title})",
        entry.data[CONF_WEBHOOK_ID],
        handle_webhook,
        allowed_methods=[METH_POST],
    )
    entry.async_on_unload(lambda: webhook.async_unregister(hass, entry.data[CONF_WEBHOOK_ID]))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # Stations added, changed or removed in the UI take effect through a reload, which keeps
    # every station's state and deadlines (they are saved on unload).
    entry.async_on_unload(entry.add_update_listener(_async_reload))
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: BraveConfigEntry) -> bool:
    """Bring a site's stored entry up to date."""
    if entry.version > 1:
        return False
    if entry.minor_version < 2:
        # One site per service until now, registered under Home Assistant's location name.
        name = clean_site_name(entry.data.get(CONF_SITE_NAME) or hass.config.location_name)
        hass.config_entries.async_update_entry(
            entry,
            data={**entry.data, CONF_SITE_NAME: name},
            unique_id=site_unique_id(entry.data[CONF_URL], name),
            minor_version=2,
        )
    return True


async def _async_reload(hass: HomeAssistant, entry: BraveConfigEntry) -> None:
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: BraveConfigEntry) -> bool:
    """Unload a site."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
