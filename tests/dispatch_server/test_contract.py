"""Property-based run of the OpenAPI contract against the reference server over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
import subprocess
import sys
import uuid

from hypothesis import HealthCheck, settings
import pytest
import requests
import schemathesis

from dispatch_server.app import MAX_KEY_LENGTH
from dispatch_server.contract import OPENAPI_PATH

KEY = "contract-key"
schema = schemathesis.openapi.from_path(OPENAPI_PATH)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m dispatch_server` on a loopback port it picks, with a fresh database file."""
    db = Path(tmp_path_factory.mktemp("contract")) / "dispatch.sqlite3"
    proc = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
        [
            sys.executable,
            "-m",
            "dispatch_server",
            "--api-key",
            KEY,
            "--port",
            "0",
            "--db",
            str(db),
        ],
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
        # Alerts belong to a registered site; a random id is (rightly) refused with 404.
        case.body["site_id"] = _site(live_server, headers)
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and 1 <= len(key) <= MAX_KEY_LENGTH:
        # Generated keys repeat across cases with other bodies, which is (rightly) refused
        # with 422 idempotency_key_reused; each case is a new write.
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    case.call_and_validate(base_url=live_server, headers=headers)


_SITES: dict[str, str] = {}


def _site(url: str, headers: dict[str, str]) -> str:
    if url not in _SITES:
        body = {"name": "Contract", "callback_url": None, "language": "en", "timezone": "UTC"}
        reply = requests.post(f"{url}/v1/sites", json=body, headers=headers, timeout=10)
        _SITES[url] = reply.json()["site_id"]
    return _SITES[url]
