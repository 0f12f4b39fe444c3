"""The reference dispatch server: what it answers, and the command that starts it."""

from __future__ import annotations

import asyncio
import socket
import sys

import aiohttp

from ..conftest import RunningServer


async def test_health_needs_the_key(dispatch_server: RunningServer) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{dispatch_server.url}/v1/health") as resp:
            assert resp.status == 401
            assert (await resp.json())["error"] == "unauthorized"
        headers = {"Authorization": f"Bearer {dispatch_server.api_key}"}
        async with session.get(f"{dispatch_server.url}/v1/health", headers=headers) as resp:
            assert resp.status == 200
            assert await resp.json() == {
                "status": "ok",
                "service": "Brave reference dispatch",
                "version": "1.0.0",
            }


async def test_command_line_serves_on_loopback(socket_enabled: None) -> None:
    """`python -m dispatch_server`, as scripts/develop starts it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "dispatch_server",
        "--api-key",
        "k",
        "--port",
        str(port),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        # It announces itself once it listens.
        banner = await asyncio.wait_for(proc.stdout.readline(), timeout=30)
        assert f"127.0.0.1:{port}" in banner.decode()
        async with (
            aiohttp.ClientSession() as session,
            session.get(
                f"http://127.0.0.1:{port}/v1/health", headers={"Authorization": "Bearer k"}
            ) as resp,
        ):
            assert resp.status == 200
    finally:
        proc.terminate()
        await proc.wait()
