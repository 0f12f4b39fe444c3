"""Config flow: a site is created only after the dispatch service answers and accepts the key."""

from __future__ import annotations

import logging
from typing import Any
from unittest.mock import patch

from aiohttp import web
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from hypothesis import given
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.brave.adapters.dispatch_client import (
    InsecureServiceUrlError,
    InvalidServiceUrlError,
    normalize_service_url,
)
from custom_components.brave.const import CONF_SITE_ID, CONF_SITE_NAME, CONF_WEBHOOK_SECRET, DOMAIN
from dispatch_server.app import create_app
from dispatch_server.store import Store

from .conftest import RunningServer, Serve, site_data, site_with_station, station_data
from .fuzz.strategies import FUZZ, service_addresses
from .helpers import device_id, open_site_options, setup_site


async def _shown(hass: HomeAssistant, flow_id: str) -> Any:
    return await hass.config_entries.flow.async_configure(flow_id, None)


async def _start(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return result["flow_id"]


async def test_creates_site_when_service_answers(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {CONF_URL: f"{dispatch_server.url}/", CONF_API_KEY: dispatch_server.api_key},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # Named after Home Assistant's location when the form's site name is left empty.
    assert result["title"] == hass.config.location_name
    # Stored in canonical form: the trailing slash is dropped.
    data = result["data"]
    assert data[CONF_URL] == dispatch_server.url
    assert data[CONF_API_KEY] == dispatch_server.api_key
    # The installation registered itself as a site; the service knows its language and zone.
    site = dispatch_server.store.sites[data[CONF_SITE_ID]]
    assert site["webhook_secret"] == data[CONF_WEBHOOK_SECRET]
    assert site["language"] == "en"
    assert site["timezone"] == hass.config.time_zone
    assert site["name"] == data[CONF_SITE_NAME] == hass.config.location_name
    assert result["result"].unique_id == f"{dispatch_server.url}#test home"


async def test_wrong_key_shows_error_then_recovers(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_URL: dispatch_server.url, CONF_API_KEY: "not-the-key"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_URL: dispatch_server.url, CONF_API_KEY: dispatch_server.api_key}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_unreachable_service(hass: HomeAssistant, unused_url: str) -> None:
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_URL: unused_url, CONF_API_KEY: "key"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    # What the person typed is kept, so they only fix what is wrong.
    schema_keys = {str(key): key for key in result["data_schema"].schema}
    assert schema_keys[CONF_URL].description == {"suggested_value": unused_url}


async def test_service_failing_with_server_error(hass: HomeAssistant, serve: Serve) -> None:
    async def broken(request: web.Request) -> web.Response:
        return web.json_response({"error": "down", "message": "maintenance"}, status=503)

    app = web.Application()
    app.router.add_get("/v1/health", broken)
    url = await serve(app)
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_URL: url, CONF_API_KEY: "key"}
    )
    assert result["errors"] == {"base": "cannot_connect"}


async def test_address_of_something_else(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    """A wrong path on a live server is reported as not a dispatch service."""
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {CONF_URL: f"{dispatch_server.url}/not-dispatch", CONF_API_KEY: dispatch_server.api_key},
    )
    assert result["errors"] == {"base": "unexpected_response"}


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("dispatch.example.org", "invalid_url"),
        ("ftp://dispatch.example.org", "invalid_url"),
        ("https://", "invalid_url"),
        ("https://user:secret@dispatch.example.org", "invalid_url"),
        ("https://dispatch.example.org:99999", "invalid_url"),
        ("http://dispatch.example.org", "insecure_url"),
        ("http://192.168.1.20:8765", "insecure_url"),
    ],
)
async def test_unusable_address(hass: HomeAssistant, url: str, error: str) -> None:
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_URL: url, CONF_API_KEY: "key"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_URL: error}


async def test_unexpected_error_is_logged_not_shown(
    hass: HomeAssistant, dispatch_server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    flow_id = await _start(hass)
    with patch(
        "custom_components.brave.config_flow.DispatchClient.health",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_URL: dispatch_server.url, CONF_API_KEY: dispatch_server.api_key}
        )
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error checking the dispatch service" in caplog.text
    assert dispatch_server.api_key not in caplog.text


async def test_the_same_site_twice_is_refused(
    hass: HomeAssistant, dispatch_server: RunningServer, site_entry: MockConfigEntry
) -> None:
    site_entry.add_to_hass(hass)
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        # Written differently, same service and same name.
        {
            CONF_URL: dispatch_server.url.upper() + "/",
            CONF_API_KEY: dispatch_server.api_key,
            CONF_SITE_NAME: "  home ",
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(dispatch_server.store.sites) == 1


async def test_another_site_on_the_same_service(
    hass: HomeAssistant, dispatch_server: RunningServer, site_entry: MockConfigEntry
) -> None:
    site_entry.add_to_hass(hass)
    flow_id = await _start(hass)
    schema_keys = {str(key): key for key in (await _shown(hass, flow_id))["data_schema"].schema}
    # The form suggests Home Assistant's own name.
    assert schema_keys[CONF_SITE_NAME].description == {"suggested_value": hass.config.location_name}
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            CONF_URL: dispatch_server.url,
            CONF_API_KEY: dispatch_server.api_key,
            CONF_SITE_NAME: " Maple   House ",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Maple House"
    data = result["data"]
    assert data[CONF_SITE_NAME] == "Maple House"
    # Registered as a site of its own, with its own secret and webhook.
    assert data[CONF_SITE_ID] != site_entry.data[CONF_SITE_ID]
    assert dispatch_server.store.sites[data[CONF_SITE_ID]]["name"] == "Maple House"
    assert data[CONF_WEBHOOK_SECRET] != site_entry.data[CONF_WEBHOOK_SECRET]
    assert data["webhook_id"] != site_entry.data["webhook_id"]


async def test_a_site_from_before_names_keeps_its_place(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    """A site set up when there was one per service gets a name and a unique id with it."""
    site = dispatch_server.store.add_site({"name": "test home", "callback_url": None})
    data = site_data(dispatch_server, site)
    del data[CONF_SITE_NAME]
    entry = MockConfigEntry(
        domain=DOMAIN, title="Brave reference dispatch", unique_id=dispatch_server.url, data=data
    )
    await setup_site(hass, entry)
    assert entry.minor_version == 2
    assert entry.data[CONF_SITE_NAME] == hass.config.location_name
    assert entry.unique_id == f"{dispatch_server.url}#test home"
    # Adding the same site again is refused; another name is a site of its own.
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_URL: dispatch_server.url, CONF_API_KEY: dispatch_server.api_key}
    )
    assert result["reason"] == "already_configured"


async def test_a_site_from_a_newer_version_is_not_loaded(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(domain=DOMAIN, version=2, data={})
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)


async def test_callback_url_when_home_assistant_is_reachable(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    hass.config.internal_url = "http://192.168.1.10:8123"
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_URL: dispatch_server.url, CONF_API_KEY: dispatch_server.api_key}
    )
    data = result["data"]
    assert data["callback_url"] == f"http://192.168.1.10:8123/api/webhook/{data['webhook_id']}"
    assert dispatch_server.store.sites[data[CONF_SITE_ID]]["callback_url"] == data["callback_url"]


async def test_reauth_with_a_new_key(
    hass: HomeAssistant, dispatch_server: RunningServer, site_entry: MockConfigEntry
) -> None:
    site_entry.add_to_hass(hass)
    result = await site_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    for key, error in (("wrong", "invalid_auth"),):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_API_KEY: key}
        )
        assert result["errors"] == {"base": error}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: dispatch_server.api_key}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"


async def test_reauth_errors(hass: HomeAssistant, unused_url: str, serve: Serve) -> None:
    async def not_dispatch(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_get("/v1/health", not_dispatch)
    odd_url = await serve(app)
    for url, error in ((unused_url, "cannot_connect"), (odd_url, "unexpected_response")):
        entry = MockConfigEntry(
            domain=DOMAIN, unique_id=url, data={CONF_URL: url, CONF_API_KEY: "k"}
        )
        entry.add_to_hass(hass)
        result = await entry.start_reauth_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_API_KEY: "new"}
        )
        assert result["errors"] == {"base": error}


async def test_responder_groups_inopen_site_options(
    hass: HomeAssistant, site_entry: MockConfigEntry
) -> None:
    site_entry.add_to_hass(hass)
    result = await open_site_options(hass, site_entry, "responders")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"first_responders": "Sam = sms +1555"}
    )
    assert result["errors"] == {"base": "invalid_targets"}
    groups = {
        "first_responders": "Sam = notify.mobile_app_sam\nRiley = notify.sms:+15555550111",
        "fallback": "notify.sms:+15555550199",
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], groups)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert site_entry.options == {
        **groups,
        "staff": "",
        "local_fallback": "",
        "health_contacts": "",
        "operating_hours": "",
    }


async def test_operating_hours_inopen_site_options(
    hass: HomeAssistant, site_entry: MockConfigEntry
) -> None:
    site_entry.add_to_hass(hass)
    result = await open_site_options(hass, site_entry, "responders")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"operating_hours": "9 to 5"}
    )
    assert result["errors"] == {"operating_hours": "invalid_operating_hours"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"operating_hours": " 08:00-20:00 "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert site_entry.options["operating_hours"] == "08:00-20:00"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://" + "\u00e9" * 70 + ".org", id="long-idna-label"),
        pytest.param("https://" + "a" * 64 + ".org", id="long-ascii-label"),
        pytest.param("https://" + "a." * 127 + "org", id="long-host-name"),
        pytest.param("https://exa\u202emple.org", id="right-to-left-override"),
        pytest.param("https://dispatch.example.org/\u202egro", id="rtl-override-in-path"),
        pytest.param("https://exa\x00mple.org", id="nul-in-host"),
        pytest.param("https://dispatch.example.org/a\x00b", id="nul-in-path"),
        pytest.param("https://exa\nmple.org", id="newline-in-host"),
        pytest.param("https://exa mple.org", id="space-in-host"),
        pytest.param("https://dispatch.example.org/my api", id="space-in-path"),
        pytest.param("https://ex\u00adample.org", id="soft-hyphen"),
        pytest.param("https://dispatch.example.org:65536", id="port-65536"),
        pytest.param("https://dispatch.example.org:0", id="port-0"),
        pytest.param("https://dispatch.example.org:-1", id="port-negative"),
        pytest.param("https://dispatch.example.org:\uff18\uff10", id="port-fullwidth"),
        pytest.param("http://[fe80::1%25eth0]:8765", id="ipv6-zone"),
        pytest.param("https://[fe80::1%25eth0]", id="ipv6-zone-https"),
        pytest.param("http://[::1%25lo]:8765", id="loopback-zone"),
        pytest.param("https://[::1", id="unclosed-bracket"),
        pytest.param("https://-dispatch.example.org", id="leading-hyphen"),
        pytest.param("https://dispatch..example.org", id="empty-label"),
        pytest.param("https://ex%41mple.org", id="percent-in-host"),
    ],
)
async def test_malformed_addresses_are_invalid_not_unknown(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture, url: str
) -> None:
    flow_id = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_URL: url, CONF_API_KEY: "key"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_URL: "invalid_url"}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def test_refused_addresses_are_named_in_the_form(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """Every address the check refuses gets the form error that says why, nothing else.

    Hypothesis draws the addresses (derandomized); the flow runs on Home Assistant's loop, so
    they are collected first and then submitted one by one.
    """
    refused: dict[str, str] = {}

    @FUZZ
    @given(service_addresses)
    def collect(raw: str) -> None:
        try:
            normalize_service_url(raw)
        except InsecureServiceUrlError:
            refused[raw] = "insecure_url"
        except InvalidServiceUrlError:
            refused[raw] = "invalid_url"

    collect()
    assert len(refused) > 100
    for raw, error in refused.items():
        flow_id = await _start(hass)
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_URL: raw, CONF_API_KEY: "key"}
        )
        assert result["errors"] == {CONF_URL: error}, raw
        hass.config_entries.flow.async_abort(flow_id)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def _reconfigure(hass: HomeAssistant, entry: MockConfigEntry, url: str, key: str) -> Any:
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: url, CONF_API_KEY: key}
    )


async def test_reconfigure_a_new_key(
    hass: HomeAssistant, dispatch_server: RunningServer, site_entry: MockConfigEntry
) -> None:
    await setup_site(hass, site_entry)
    site_id = site_entry.data[CONF_SITE_ID]
    result = await _reconfigure(hass, site_entry, dispatch_server.url, "wrong")
    assert result["errors"] == {"base": "invalid_auth"}
    result = await _reconfigure(hass, site_entry, dispatch_server.url, dispatch_server.api_key)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    # The same service: the site keeps its registration.
    assert site_entry.data[CONF_SITE_ID] == site_id


async def test_reconfigure_moves_the_site_to_another_service(
    hass: HomeAssistant, serve: Serve, dispatch_server: RunningServer, site_entry: MockConfigEntry
) -> None:
    other = Store()
    other_url = await serve(create_app("other-key", other))
    await setup_site(hass, site_entry)
    result = await _reconfigure(hass, site_entry, f"{other_url}/", "other-key")
    assert result["reason"] == "reconfigure_successful"
    assert site_entry.data[CONF_URL] == other_url
    assert site_entry.unique_id == f"{other_url}#home"
    assert other.sites[site_entry.data[CONF_SITE_ID]]["name"] == "Home"
    # Registered again there, with a secret of its own.
    assert site_entry.data[CONF_SITE_ID] in other.sites
    assert (
        site_entry.data[CONF_WEBHOOK_SECRET]
        == other.sites[site_entry.data[CONF_SITE_ID]]["webhook_secret"]
    )


async def test_a_site_with_an_open_alert_stays_with_its_service(
    hass: HomeAssistant, serve: Serve, dispatch_server: RunningServer
) -> None:
    entry = site_with_station(dispatch_server, station_data())
    await setup_site(hass, entry)
    await hass.services.async_call(
        DOMAIN, "test_alert", {"station": device_id(hass)}, blocking=True
    )
    other_url = await serve(create_app("other-key", Store()))
    result = await _reconfigure(hass, entry, other_url, "other-key")
    assert result["errors"] == {"base": "alerts_in_progress"}
    # A new key for the same service is fine.
    result = await _reconfigure(hass, entry, dispatch_server.url, dispatch_server.api_key)
    assert result["reason"] == "reconfigure_successful"


async def test_reconfigure_refuses_unusable_addresses(
    hass: HomeAssistant, dispatch_server: RunningServer, site_entry: MockConfigEntry
) -> None:
    await setup_site(hass, site_entry)
    for url, error in (("ftp://x", "invalid_url"), ("http://dispatch.example.org", "insecure_url")):
        result = await _reconfigure(hass, site_entry, url, "k")
        assert result["errors"] == {CONF_URL: error}
