"""A small page for responders: open alerts, with acknowledge, en route, on scene and resolve.

Each action changes the alert and sends the site a signed status update, exactly as a real
dispatch desk would. Loopback only, like the rest of the reference server.
"""

from __future__ import annotations

from html import escape

from aiohttp import web

from .keys import SESSION, STORE
from .store import Store
from .webhooks import deliver

OUTCOMES = (
    "overdose",
    "emergency",
    "medical",
    "occupant_ok",
    "space_empty",
    "safer_use",
    "conflict",
    "test",
    "technical_issue",
    "other",
)
ACTIONS = {"acknowledged", "en_route", "on_scene", "resolved"}


def render(store: Store) -> str:
    """The page listing open alerts."""
    rows = []
    for alert_id, stored in store.alerts.items():
        alert, request = stored.alert, stored.request
        if alert["status"] in ("resolved", "cancelled"):
            continue
        location = request.get("location") or {}
        where = escape(
            ", ".join(str(v) for v in (location.get("address"), location.get("unit")) if v)
        )
        options = "".join(f'<option value="{o}">{o.replace("_", " ")}</option>' for o in OUTCOMES)
        buttons = "".join(
            f'<button name="status" value="{s}">{s.replace("_", " ")}</button>'
            for s in ("acknowledged", "en_route", "on_scene")
        )
        rows.append(
            f"<tr><td>{escape(request['station']['label'])}</td><td>{escape(alert['kind'])}</td>"
            f"<td>{escape(alert['urgency'])}</td><td>{escape(alert['status'])}</td>"
            f"<td>{where or 'not shared yet'}</td><td>"
            f'<form method="post" action="/responder/alerts/{escape(alert_id)}">'
            f'<input name="responder" placeholder="Your name" required> {buttons} '
            f'<select name="outcome">{options}</select>'
            f'<button name="status" value="resolved">resolve</button></form></td></tr>'
        )
    body = "".join(rows) or '<tr><td colspan="6">No open alerts.</td></tr>'
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Responder desk</title>"
        "<h1>Open alerts</h1><table><tr><th>Station</th><th>Kind</th><th>Urgency</th>"
        f"<th>Status</th><th>Where</th><th>Act</th></tr>{body}</table></html>"
    )


async def show(request: web.Request) -> web.Response:
    """GET /responder."""
    return web.Response(text=render(request.app[STORE]), content_type="text/html")


async def act(request: web.Request) -> web.Response:
    """POST /responder/alerts/{alert_id}: change the status and tell the site."""
    store = request.app[STORE]
    alert_id = request.match_info["alert_id"]
    form = await request.post()
    status, responder = str(form.get("status", "")), str(form.get("responder", "")).strip()
    outcome = str(form.get("outcome", "")) if status == "resolved" else None
    if alert_id not in store.alerts:
        raise web.HTTPNotFound(text="unknown alert")
    if status not in ACTIONS or not responder or (outcome is not None and outcome not in OUTCOMES):
        raise web.HTTPBadRequest(text="choose an action, an outcome when resolving, and a name")
    update = store.set_status(alert_id, status, responder, outcome)
    site = store.sites[store.alerts[alert_id].site_id]
    if url := site.get("callback_url"):
        code = await deliver(request.app[SESSION], url, site["webhook_secret"], update)
        store.webhooks.append((url, update, code))
    raise web.HTTPSeeOther("/responder")
