"""What the reference server's aiohttp application holds."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from .store import Store

API_KEY: web.AppKey[str] = web.AppKey("api_key", str)
STORE: web.AppKey[Store] = web.AppKey("store", Store)
SESSION: web.AppKey[aiohttp.ClientSession] = web.AppKey("session", aiohttp.ClientSession)
