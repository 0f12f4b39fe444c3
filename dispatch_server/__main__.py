"""Run or administer the reference dispatch server.

Serve:   python -m dispatch_server [--db PATH] [--api-key KEY] [--host H] [--port P]
                                   [--allowed-host NAME[:PORT]]... [--behind-proxy]
                                   [--demo-responder NAME:PASSWORD]
Manage:  python -m dispatch_server [--db PATH] key add|list|revoke ...
         python -m dispatch_server [--db PATH] responder add|link|list|remove ...
         python -m dispatch_server [--db PATH] site list | audit | prune --days N
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
import getpass
import signal
import sys
from typing import NoReturn

from aiohttp import web

from .app import create_app
from .db import NewerSchemaError
from .protection import HostAllowlist
from .store import DEFAULT_TENANT, Store, now

MIN_PASSWORD = 8


def _say(*lines: str) -> None:
    print(*lines, sep="\n", flush=True)  # noqa: T201


def _fail(message: str) -> NoReturn:
    raise SystemExit(f"python -m dispatch_server: {message}")


async def serve(store: Store, args: argparse.Namespace) -> None:
    """Serve until SIGINT/SIGTERM; announce the address once listening (port 0 picks one)."""
    if args.api_key is not None and store.ensure_api_key(args.api_key) == "revoked":
        print("warning: the --api-key given was revoked; it stays refused", file=sys.stderr)  # noqa: T201
    hosts = HostAllowlist({h.lower() for h in args.allowed_host})
    app = create_app(None, store, allowed_hosts=hosts, behind_proxy=args.behind_proxy)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, args.host, args.port).start()
    bound = runner.addresses[0][1]
    hosts.allow_bound(args.host, bound)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    # The address line is what scripts and tests wait for.
    _say(f"Reference dispatch server on http://{args.host}:{bound} /responder")
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def _password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            _fail("the passwords differ")
    else:
        # Piped in (never on the command line, where other users could read it).
        first = sys.stdin.readline().rstrip("\r\n")
    if len(first) < MIN_PASSWORD:
        _fail(f"a password needs at least {MIN_PASSWORD} characters")
    return first


def _manage(store: Store, args: argparse.Namespace) -> None:  # noqa: PLR0912 (one branch per command)
    match args.command, getattr(args, "action", None):
        case "key", "add":
            key_id, key = store.add_api_key(args.tenant, args.label)
            _say(f"{key_id} for {args.tenant}: {key}", "Keep it now: it is not shown again.")
        case "key", "list":
            for k in store.api_keys():
                state = f"revoked {k.revoked_at}" if k.revoked_at else "active"
                _say(f"{k.key_id}\t{k.tenant}\t{state}\t{k.label}")
        case "key", "revoke":
            if not store.revoke_api_key(args.key_id):
                _fail(f"no active key {args.key_id}")
            _say(f"{args.key_id} revoked")
        case "responder", "add":
            password = None if args.no_password else _password()
            try:
                store.set_responder(args.name, password, args.tenant, args.site or None)
            except ValueError as err:
                _fail(str(err))
            _say(f"{args.name} saved")
        case "responder", "link":
            token = store.new_sign_in_link(args.name, timedelta(minutes=args.minutes))
            if token is None:
                _fail(f"no responder {args.name}")
            _say(
                f"{args.base_url.rstrip('/')}/responder/link/{token}",
                f"Works once, for {args.minutes} minutes.",
            )
        case "responder", "list":
            for r in store.responders():
                sites = "all sites" if r.sites is None else " ".join(r.sites)
                _say(f"{r.name}\t{r.tenant}\t{sites}")
        case "responder", "remove":
            if not store.remove_responder(args.name):
                _fail(f"no responder {args.name}")
            _say(f"{args.name} removed")
        case "site", _:
            for site in store.sites.values():
                _say(f"{site['site_id']}\t{site['tenant']}\t{site.get('name', '')}")
        case "audit", _:
            for e in store.audit_log(args.limit):
                where = f" {e.alert_id}" if e.alert_id else ""
                _say(f"{e.at}\t{e.actor}\t{e.action}{where}\t{e.detail or ''}\t{e.remote or ''}")
        case "prune", _:
            removed = store.prune(now() - timedelta(days=args.days))
            _say(f"{removed} closed alerts removed")


def _parser() -> argparse.ArgumentParser:
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="the SQLite file (default: dispatch.sqlite3 here; :memory: keeps nothing)",
    )
    parser = argparse.ArgumentParser(
        prog="python -m dispatch_server",
        description="Volunteer Dispatch API v1 server with a responder desk.",
        parents=[db],
    )
    parser.add_argument("--api-key", help="add this key for the default tenant if it is new")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8765, help="port (0: any free one)")
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME[:PORT]",
        help="a Host header to answer besides the listening address (repeatable)",
    )
    parser.add_argument(
        "--behind-proxy",
        action="store_true",
        help="trust X-Forwarded-Proto/-For from a TLS-terminating reverse proxy",
    )
    parser.add_argument(
        "--demo-responder",
        metavar="NAME:PASSWORD",
        help="demo only: create or update this responder (all default-tenant sites) at start",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    key = commands.add_parser("key", help="API keys", parents=[db]).add_subparsers(
        dest="action", required=True
    )
    add = key.add_parser("add", help="make a key and print it once", parents=[db])
    add.add_argument("--tenant", default=DEFAULT_TENANT, help="the organisation it belongs to")
    add.add_argument("--label", default="", help="a note to tell keys apart")
    key.add_parser("list", help="list keys (never the keys themselves)", parents=[db])
    key.add_parser("revoke", help="refuse a key from now on", parents=[db]).add_argument("key_id")

    responder = commands.add_parser("responder", help="responder accounts", parents=[db])
    actions = responder.add_subparsers(dest="action", required=True)
    add = actions.add_parser(
        "add", help="create or update; the password is read from stdin", parents=[db]
    )
    add.add_argument("name")
    add.add_argument("--tenant", default=DEFAULT_TENANT)
    add.add_argument(
        "--site", action="append", help="a site they see (repeatable; default: all of tenant's)"
    )
    add.add_argument("--no-password", action="store_true", help="no password: sign-in links only")
    link = actions.add_parser("link", help="print a one-time sign-in link", parents=[db])
    link.add_argument("name")
    link.add_argument("--minutes", type=int, default=60)
    link.add_argument(
        "--base-url", default="http://127.0.0.1:8765", help="how responders reach the server"
    )
    actions.add_parser("list", parents=[db])
    actions.add_parser("remove", help="delete, with their sessions", parents=[db]).add_argument(
        "name"
    )

    site = commands.add_parser("site", help="registered sites", parents=[db])
    site.add_subparsers(dest="action", required=True).add_parser("list", parents=[db])
    commands.add_parser("audit", help="the audit log", parents=[db]).add_argument(
        "--limit", type=int, default=100
    )
    commands.add_parser(
        "prune", help="forget closed alerts older than some days", parents=[db]
    ).add_argument("--days", type=int, required=True)
    return parser


def main() -> None:
    """Parse arguments; serve or run one command."""
    args = _parser().parse_args()
    try:
        store = Store(getattr(args, "db", "dispatch.sqlite3"))
    except NewerSchemaError as err:
        _fail(str(err))
    try:
        if args.command is not None:
            _manage(store, args)
            return
        if args.demo_responder:
            name, _, password = args.demo_responder.partition(":")
            if not (name and password):
                _fail("--demo-responder takes NAME:PASSWORD")
            store.set_responder(name, password)
        asyncio.run(serve(store, args))
    finally:
        store.close()


if __name__ == "__main__":
    main()
