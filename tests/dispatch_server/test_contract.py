"""Property-based run of the OpenAPI contract against the reference server over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
import subprocess
import sys

from hypothesis import HealthCheck, settings
import pytest
import requests
import schemathesis

from dispatch_server.contract import OPENAPI_PATH

KEY = "contract-key"
schema = schemathesis.openapi.from_path(OPENAPI_PATH)


@pytest.fixture(scope="module")
def live_server() -> Iterator[str]:
    """`python -m dispatch_server` on a loopback port it picks."""
    proc = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-m", "dispatch_server", "--api-key", KEY, "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    # It announces its address once it listens.
    yield proc.stdout.readline().split()[4]
    proc.terminate()
    proc.wait()


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_reference_server_follows_the_contract(
    case: schemathesis.Case, live_server: str, socket_enabled: None
) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    if isinstance(case.body, dict) and isinstance(case.body.get("site_id"), str):
        # Alerts belong to a registered site; a random id is (rightly) refused with 422.
        case.body["site_id"] = _site(live_server, headers)
    case.call_and_validate(base_url=live_server, headers=headers)


_SITES: dict[str, str] = {}


def _site(url: str, headers: dict[str, str]) -> str:
    if url not in _SITES:
        body = {"name": "Contract", "callback_url": None, "language": "en", "timezone": "UTC"}
        reply = requests.post(f"{url}/v1/sites", json=body, headers=headers, timeout=10)
        _SITES[url] = reply.json()["site_id"]
    return _SITES[url]
