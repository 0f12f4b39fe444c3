"""The responder desk: sign-in, the alerts of one's sites, and the actions that answer them.

Each action changes the alert, lands in the audit log with who and when, and sends the site a
signed status update, exactly as a dispatch desk would.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aiohttp import hdrs, web
import jinja2

from .credentials import check_password, new_token, same
from .keys import BEHIND_PROXY, CLIENT, HASHING, STORE
from .protection import remote, same_origin, scheme
from .store import CLOSED, SESSION_LIFETIME, Responder, Session
from .views import OUTCOMES, alert_view, version
from .webhooks import deliver

SESSION_COOKIE = "dispatch_session"
# Before sign-in the form's CSRF token is checked against this cookie (double submit).
LOGIN_COOKIE = "dispatch_login"
LOGIN_PATH = "/responder/login"
ACTIONS = ("acknowledged", "en_route", "on_scene", "resolved")
ROLES = {
    "naloxone_nearby": "has naloxone nearby",
    "friend": "friend",
    "staff": "staff",
    "other": "other",
}
MAX_FIELD = 200

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _page(template: str, status: int = 200, **context: Any) -> web.Response:
    nonce = new_token()
    html = _TEMPLATES.get_template(template).render(nonce=nonce, **context)
    response = web.Response(text=html, content_type="text/html", status=status)
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}';"
        " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    return response


def _message(status: int, title: str, message: str) -> web.Response:
    return _page("message.html", status, title=title, message=message)


def _redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={hdrs.LOCATION: location})


def _secure(request: web.Request) -> bool:
    return scheme(request, request.app[BEHIND_PROXY]) == "https"


def _remote(request: web.Request) -> str | None:
    return remote(request, request.app[BEHIND_PROXY])


def _session(request: web.Request) -> Session | None:
    token = request.cookies.get(SESSION_COOKIE)
    return None if not token else request.app[STORE].session(token)


def _login_page(
    request: web.Request, status: int = 200, message: str = "", name: str = ""
) -> web.Response:
    """The sign-in form, with a fresh token for its double-submit cookie."""
    token = new_token()
    response = _page("login.html", status, csrf_token=token, message=message, name=name)
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        secure=_secure(request),
        path=LOGIN_PATH,
        max_age=3600,
    )
    return response


def _signed_in(request: web.Request, responder: Responder, how: str) -> web.Response:
    store = request.app[STORE]
    token = store.new_session(responder)
    store.audit(responder.name, "signed_in", detail=how, remote=_remote(request))
    response = _redirect("/responder")
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        secure=_secure(request),
        path="/",
        max_age=int(SESSION_LIFETIME.total_seconds()),
    )
    response.del_cookie(LOGIN_COOKIE, path=LOGIN_PATH)
    return response


_FOREIGN = "This form expired or came from another site. Go back, reload the page and try again."


async def show(request: web.Request) -> web.Response:
    """GET /responder: the open alerts of the responder's sites."""
    session = _session(request)
    if session is None:
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            # Arriving from another site (a sign-in link in webmail), a SameSite=Strict cookie
            # is held back; one hop from our own page sends it.
            return _page("hop.html")
        return _redirect(LOGIN_PATH)
    store = request.app[STORE]
    alerts = [alert_view(a) for a in store.visible_alerts(session.responder)]
    return _page(
        "responder.html",
        alerts=alerts,
        version=version(alerts),
        name=session.responder.name,
        csrf_token=session.csrf_token,
        outcomes=OUTCOMES,
        roles=ROLES,
    )


async def poll(request: web.Request) -> web.Response:
    """GET /responder/alerts.json: what the page shows, for its script to poll."""
    session = _session(request)
    if session is None:
        return web.json_response({"error": "signed_out", "message": "sign in again"}, status=401)
    alerts = [alert_view(a) for a in request.app[STORE].visible_alerts(session.responder)]
    return web.json_response({"version": version(alerts), "alerts": alerts})


async def login_form(request: web.Request) -> web.Response:
    """GET /responder/login."""
    return _login_page(request)


async def login(request: web.Request) -> web.Response:
    """POST /responder/login: name and password."""
    form = await request.post()
    name = str(form.get("name", "")).strip()[:MAX_FIELD]
    password = str(form.get("password", ""))
    expected = request.cookies.get(LOGIN_COOKIE, "")
    given = str(form.get("csrf_token", ""))
    if not (expected and same(given, expected) and same_origin(request, request.app[BEHIND_PROXY])):
        return _login_page(request, 403, _FOREIGN, name)
    store = request.app[STORE]
    responder, hashed = store.sign_in_candidate(name)
    matches = await asyncio.get_running_loop().run_in_executor(
        request.app[HASHING], check_password, hashed, password
    )
    if responder is None or not matches:
        store.audit(
            name or "(no name)", "sign_in_refused", detail="password", remote=_remote(request)
        )
        return _login_page(request, 401, "That name and password do not match.", name)
    return _signed_in(request, responder, "password")


async def link(request: web.Request) -> web.Response:
    """GET /responder/link/{token}: a one-time sign-in link."""
    store = request.app[STORE]
    responder = store.use_sign_in_link(request.match_info["token"])
    if responder is None:
        store.audit("(unknown)", "sign_in_refused", detail="link", remote=_remote(request))
        return _login_page(
            request,
            403,
            "This sign-in link has expired or was already used. Ask for a new one, or sign in"
            " with your password.",
        )
    return _signed_in(request, responder, "link")


def _checked(request: web.Request, form: Any) -> Session | web.Response:
    """The session of a state-changing post, or the answer refusing it."""
    session = _session(request)
    if session is None:
        return _login_page(
            request, 401, "You are signed out. Sign in, then repeat what you were doing."
        )
    if not (
        same(str(form.get("csrf_token", "")), session.csrf_token)
        and same_origin(request, request.app[BEHIND_PROXY])
    ):
        return _message(403, "Not done", _FOREIGN)
    return session


async def logout(request: web.Request) -> web.Response:
    """POST /responder/logout."""
    session = _checked(request, await request.post())
    if isinstance(session, web.Response):
        return session
    store = request.app[STORE]
    store.end_session(request.cookies[SESSION_COOKIE])
    store.audit(session.responder.name, "signed_out", remote=_remote(request))
    response = _redirect(LOGIN_PATH)
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


async def act(request: web.Request) -> web.Response:
    """POST /responder/alerts/{alert_id}: change the status and tell the site."""
    form = await request.post()
    session = _checked(request, form)
    if isinstance(session, web.Response):
        return session
    status = str(form.get("status", ""))
    outcome = str(form.get("outcome", "")) if status == "resolved" else None
    if status not in ACTIONS or (outcome is not None and outcome not in OUTCOMES):
        return _message(400, "Not done", "Choose an action, and an outcome when resolving.")
    store = request.app[STORE]
    alert_id = request.match_info["alert_id"]
    stored = store.alert(alert_id)
    if stored is None or not store.may_see(session.responder, stored):
        return _message(404, "Not found", "There is no such alert among your sites.")
    if stored.alert["status"] in CLOSED:
        return _message(409, "Already closed", "This alert is closed; nothing was changed.")
    name = session.responder.name
    with store.transaction():
        update = store.set_status(alert_id, status, name, outcome)
        store.audit(name, status, alert_id=alert_id, detail=outcome, remote=_remote(request))
    site = store.site(stored.site_id)
    if site is not None and (url := site["callback_url"]):
        code = await deliver(request.app[CLIENT], url, site["webhook_secret"], update)
        store.record_delivery(alert_id, url, update, code)
    return _redirect(f"/responder#{alert_id}")


def add_routes(router: web.UrlDispatcher) -> None:
    """The responder desk's routes."""
    router.add_get("/responder", show)
    router.add_get("/responder/alerts.json", poll)
    router.add_get(LOGIN_PATH, login_form)
    router.add_post(LOGIN_PATH, login)
    router.add_get("/responder/link/{token}", link)
    router.add_post("/responder/logout", logout)
    router.add_post("/responder/alerts/{alert_id}", act)
