"""Run the reference dispatch server: python -m dispatch_server --api-key KEY [--port 8765]."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from aiohttp import web

from .app import create_app


async def serve(api_key: str, host: str, port: int) -> None:
    """Serve until cancelled; announce the address once listening (port 0 picks one)."""
    runner = web.AppRunner(create_app(api_key))
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound = runner.addresses[0][1]
    # The address line is what scripts and tests wait for.
    print(f"Reference dispatch server on http://{host}:{bound} /responder", flush=True)  # noqa: T201
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main() -> None:
    """Parse arguments and serve on loopback until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m dispatch_server", description=__doc__)
    parser.add_argument("--api-key", required=True, help="the key clients must send as Bearer")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.api_key, args.host, args.port))


if __name__ == "__main__":
    main()
