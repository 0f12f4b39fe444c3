"""Run the reference dispatch server: python -m dispatch_server --api-key KEY [--port 8765]."""

from __future__ import annotations

import argparse
import functools

from aiohttp import web

from .app import create_app


def main() -> None:
    """Serve on loopback until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m dispatch_server", description=__doc__)
    parser.add_argument("--api-key", required=True, help="the key clients must send as Bearer")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    web.run_app(
        create_app(args.api_key),
        host=args.host,
        port=args.port,
        print=functools.partial(print, flush=True),
    )


if __name__ == "__main__":
    main()
