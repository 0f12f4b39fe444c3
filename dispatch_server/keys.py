"""What the reference server's aiohttp application and requests hold."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import aiohttp
from aiohttp import web

from .store import KeyOwner, Session, Store

STORE: web.AppKey[Store] = web.AppKey("store", Store)
CLIENT: web.AppKey[aiohttp.ClientSession] = web.AppKey("client", aiohttp.ClientSession)
BEHIND_PROXY: web.AppKey[bool] = web.AppKey("behind_proxy", bool)
# Password hashing runs here, off the event loop.
HASHING: web.AppKey[ThreadPoolExecutor] = web.AppKey("hashing", ThreadPoolExecutor)

OWNER: web.RequestKey[KeyOwner] = web.RequestKey("owner", KeyOwner)
SESSION: web.RequestKey[Session] = web.RequestKey("session", Session)
