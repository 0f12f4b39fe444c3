"""`python -m dispatch_server`: serving, and the commands an organisation runs it with."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import os
from pathlib import Path
import re
import sys

import aiohttp

from ..conftest import sign_in
from .conftest import SITE, browser

ROOT = Path(__file__).parent.parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


async def _run(cwd: Path, *args: str, stdin: str = "", ok: bool = True) -> str:
    """Run one command to its end; its output (stdout, then stderr)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "dispatch_server",
        *args,
        cwd=cwd,
        env=ENV,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(stdin.encode()), timeout=60)
    assert (proc.returncode == 0) == ok, (out, err)
    return out.decode() + err.decode()


@asynccontextmanager
async def _serving(cwd: Path, *args: str) -> AsyncIterator[str]:
    """The server started as scripts/develop does, on a port it picks; its URL."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "dispatch_server",
        "--port",
        "0",
        *args,
        cwd=cwd,
        env=ENV,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        # It announces itself once it listens.
        banner = (await asyncio.wait_for(proc.stdout.readline(), timeout=60)).decode()
        found = re.fullmatch(
            r"Reference dispatch server on (http://127\.0\.0\.1:\d+) /responder\n", banner
        )
        assert found is not None, banner
        yield found[1]
    finally:
        proc.terminate()
        # SIGTERM is a clean stop.
        assert await proc.wait() == 0


async def _get(url: str, key: str, host: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {key}"}
    if host is not None:
        headers["Host"] = host
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as resp:
        return resp.status


async def test_first_start_as_scripts_develop_does_it(tmp_path: Path, socket_enabled: None) -> None:
    """--api-key KEY on a fresh directory: the key works, the data is in ./dispatch.sqlite3."""
    async with _serving(tmp_path, "--api-key", "k") as url:
        assert await _get(f"{url}/v1/health", "k") == 200
        assert await _get(f"{url}/v1/health", "other") == 401
    assert (tmp_path / "dispatch.sqlite3").exists()
    # The key was stored, not just held: it works without --api-key after a restart.
    async with _serving(tmp_path) as url:
        assert await _get(f"{url}/v1/health", "k") == 200


async def test_an_organisation_sets_itself_up(tmp_path: Path, socket_enabled: None) -> None:
    db = ["--db", str(tmp_path / "org.sqlite3")]
    added = await _run(tmp_path, *db, "key", "add", "--tenant", "harbour", "--label", "desk")
    found = re.search(r"^(key-\w+) for harbour: (\S+)$", added, re.MULTILINE)
    assert found is not None, added
    key_id, key = found[1], found[2]
    # A password comes from stdin, never from the command line; too short is refused.
    await _run(
        tmp_path, *db, "responder", "add", "Alex", "--tenant", "harbour", stdin="short\n", ok=False
    )
    await _run(
        tmp_path, *db, "responder", "add", "Alex", "--tenant", "harbour", stdin="harbour lights 7\n"
    )
    await _run(tmp_path, *db, "responder", "add", "Bo", "--tenant", "harbour", "--no-password")
    assert "Alex\tharbour\tall sites" in await _run(tmp_path, *db, "responder", "list")
    link = (await _run(tmp_path, *db, "responder", "link", "Bo", "--minutes", "10")).split()[0]
    assert link.startswith("http://127.0.0.1:8765/responder/link/")
    await _run(tmp_path, *db, "responder", "link", "Nobody", ok=False)

    async with _serving(tmp_path, *db, "--allowed-host", "dispatch.example.org") as url:
        assert await _get(f"{url}/v1/health", key) == 200
        # The public name the proxy forwards is answered; any other name is not.
        assert await _get(f"{url}/v1/health", key, host="dispatch.example.org") == 200
        assert await _get(f"{url}/v1/health", key, host="evil.example") == 421
        status, site_id = await _register(url, key)
        assert status == 201
        async with browser() as http:
            await sign_in(http, url, "Alex", "harbour lights 7")
        async with (
            browser() as http,
            http.get(url + link.removeprefix("http://127.0.0.1:8765")) as resp,
        ):
            assert resp.url.path == "/responder"
            assert "Signed in as <strong>Bo</strong>" in await resp.text()
        # Revoked while the server runs: refused from the next request on.
        assert f"{key_id} revoked" in await _run(tmp_path, *db, "key", "revoke", key_id)
        assert await _get(f"{url}/v1/health", key) == 401
    await _run(tmp_path, *db, "key", "revoke", key_id, ok=False)

    listing = await _run(tmp_path, *db, "key", "list")
    assert key_id in listing
    assert "revoked" in listing
    assert key not in listing
    assert f"{site_id}\tharbour\tBuilding A" in await _run(tmp_path, *db, "site", "list")
    audit = await _run(tmp_path, *db, "audit")
    assert re.search(r"\tAlex\tsigned_in\tpassword\t127\.0\.0\.1", audit), audit
    assert "\tBo\tsigned_in\tlink\t" in audit
    assert f"\toperator\tapi_key_revoked\t{key_id}" in audit
    assert "0 closed alerts removed" in await _run(tmp_path, *db, "prune", "--days", "30")
    assert "Bo removed" in await _run(tmp_path, *db, "responder", "remove", "Bo")
    await _run(tmp_path, *db, "responder", "remove", "Bo", ok=False)
    await _run(
        tmp_path, *db, "responder", "add", "Cy", "--site", "site-nope", "--no-password", ok=False
    )


async def _register(url: str, key: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{url}/v1/sites", json=SITE, headers={"Authorization": f"Bearer {key}"}) as resp,
    ):
        return resp.status, (await resp.json())["site_id"]


async def test_demo_responder_and_a_revoked_start_key(tmp_path: Path, socket_enabled: None) -> None:
    db = ["--db", str(tmp_path / "demo.sqlite3")]
    demo = ("--api-key", "demo", "--demo-responder", "Demo:demo")
    async with _serving(tmp_path, *db, *demo) as url, browser() as http:
        await sign_in(http, url, "Demo", "demo")
    listing = await _run(tmp_path, *db, "key", "list")
    [key_id] = re.findall(r"^(key-\w+)\tdefault\tactive\tgiven at start$", listing, re.MULTILINE)
    await _run(tmp_path, *db, "key", "revoke", key_id)
    # Starting again with the revoked key does not bring it back.
    async with _serving(tmp_path, *db, "--api-key", "demo") as url:
        assert await _get(f"{url}/v1/health", "demo") == 401
    await _run(tmp_path, *db, "--demo-responder", "nopassword", ok=False)
