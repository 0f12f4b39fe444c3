"""The responder desk: sign-in, CSRF and Host checks, what responders see, what they do."""

from __future__ import annotations

from datetime import timedelta
import hashlib
import hmac
import json
import re
from typing import Any

import aiohttp
from aiohttp import web
from freezegun.api import FrozenDateTimeFactory
from yarl import URL

from dispatch_server.app import create_app
from dispatch_server.store import Store

from ..conftest import (
    ADDRESS,
    API_KEY,
    PHONE,
    RESPONDER,
    RESPONDER_PASSWORD,
    Serve,
    csrf_token,
    sign_in,
)
from .conftest import Desk, browser

AT = "2026-11-27T12:00:00+00:00"
RELEASED = {
    "type": "details_released",
    "at": "2026-11-27T12:05:00+00:00",
    "location": {
        "label": "Room 1",
        "address": ADDRESS,
        "unit": "4B",
        "access_notes": "Side door, code 1234",
        "latitude": 49.28,
        "longitude": -123.1,
    },
    "contacts": [{"name": "Alex", "phone": PHONE, "role": "naloxone_nearby"}],
    "notes": "Friend in 4B has naloxone",
}


async def _status(desk: Desk, alert_id: str) -> str:
    return str(desk.store.alerts[alert_id].alert["status"])


async def test_the_desk_needs_a_sign_in(desk: Desk) -> None:
    alert_id = await desk.alert(await desk.site())
    async with desk.http.get(f"{desk.url}/responder", allow_redirects=False) as resp:
        assert resp.status == 303
        assert resp.headers["Location"] == "/responder/login"
    async with desk.http.get(f"{desk.url}/responder/alerts.json") as resp:
        assert resp.status == 401
    # An action without a session changes nothing and offers the sign-in form.
    form = {"status": "acknowledged", "csrf_token": "guess"}
    async with desk.http.post(f"{desk.url}/responder/alerts/{alert_id}", data=form) as resp:
        assert resp.status == 401
        assert 'action="/responder/login"' in await resp.text()
    assert await _status(desk, alert_id) == "open"

    async with desk.http.get(f"{desk.url}/responder/login") as resp:
        token = csrf_token(await resp.text())
    login = f"{desk.url}/responder/login"
    for form, headers, status in (
        ({"name": RESPONDER, "password": "wrong password"}, {}, 401),
        ({"name": "Nobody", "password": RESPONDER_PASSWORD}, {}, 401),
        ({"name": "", "password": ""}, {}, 401),
        # The right password still needs the form's token and our own origin.
        ({"name": RESPONDER, "password": RESPONDER_PASSWORD, "csrf_token": ""}, {}, 403),
        (
            {"name": RESPONDER, "password": RESPONDER_PASSWORD},
            {"Origin": "https://evil.example"},
            403,
        ),
    ):
        form.setdefault("csrf_token", token)
        async with desk.http.post(login, data=form, headers=headers) as resp:
            assert resp.status == status, form
            page = await resp.text()
            token = csrf_token(page)
    assert "That name and password do not match." in page or "another site" in page
    async with desk.http.get(f"{desk.url}/responder", allow_redirects=False) as resp:
        assert resp.status == 303

    form = {"name": RESPONDER, "password": RESPONDER_PASSWORD, "csrf_token": token}
    async with desk.http.post(login, data=form, allow_redirects=False) as resp:
        assert resp.status == 303
        assert resp.headers["Location"] == "/responder"
        cookie = next(c for c in resp.headers.getall("Set-Cookie") if "dispatch_session=" in c)
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback
    assert "Room 1" in await desk.page()
    refused = [(e.actor, e.detail) for e in desk.store.audit_log() if e.action == "sign_in_refused"]
    assert refused == [(RESPONDER, "password"), ("Nobody", "password"), ("(no name)", "password")]


async def test_a_sign_in_link_from_another_site_still_lands_signed_in(desk: Desk) -> None:
    """Coming from webmail, the Strict cookie is held back once; one hop from our page fixes it."""
    headers = {"Sec-Fetch-Site": "cross-site"}
    async with desk.http.get(f"{desk.url}/responder", headers=headers) as resp:
        assert resp.status == 200
        assert '<meta http-equiv="refresh" content="0; url=/responder">' in await resp.text()


async def test_actions_need_the_session_token_and_our_own_origin(desk: Desk) -> None:
    alert_id = await desk.alert(await desk.site())
    csrf = await desk.sign_in()
    url = f"{desk.url}/responder/alerts/{alert_id}"
    refused: list[tuple[dict[str, str], dict[str, str]]] = [
        ({"csrf_token": "not-the-token"}, {}),
        ({}, {}),
        ({"csrf_token": csrf}, {"Origin": "https://evil.example"}),
        ({"csrf_token": csrf}, {"Origin": "null"}),
        ({"csrf_token": csrf}, {"Referer": "https://evil.example/page"}),
        ({"csrf_token": csrf}, {"Referer": "http://[not a url"}),
    ]
    for form, headers in refused:
        data = {"status": "acknowledged", **form}
        async with desk.http.post(url, data=data, headers=headers) as resp:
            assert resp.status == 403, (form, headers)
    assert await _status(desk, alert_id) == "open"
    # Our own origin, by Origin or by Referer.
    for headers in ({"Origin": desk.url}, {"Referer": f"{desk.url}/responder"}):
        data = {"status": "acknowledged", "csrf_token": csrf}
        async with desk.http.post(url, data=data, headers=headers, allow_redirects=False) as resp:
            assert resp.status == 303
    assert await _status(desk, alert_id) == "acknowledged"


async def test_a_wrong_host_is_refused_before_anything_else(desk: Desk) -> None:
    for path in ("/responder", "/v1/health", "/nowhere"):
        async with desk.http.get(f"{desk.url}{path}", headers={"Host": "evil.example"}) as resp:
            assert resp.status == 421, path
    headers = {"Host": "evil.example:80", "Authorization": f"Bearer {API_KEY}"}
    site = {"name": "X", "callback_url": None, "language": "en", "timezone": "UTC"}
    async with desk.http.post(f"{desk.url}/v1/sites", json=site, headers=headers) as resp:
        assert resp.status == 421
    assert desk.store.sites == {}
    # Loopback names are ours (nothing elsewhere can make a browser send them).
    port = URL(desk.url).port
    for host in (f"localhost:{port}", f"[::1]:{port}", "localhost"):
        async with desk.http.get(f"{desk.url}/responder/login", headers={"Host": host}) as resp:
            assert resp.status == 200, host


async def test_the_page_shows_the_alert_as_it_unfolds(desk: Desk) -> None:
    site_id = await desk.site()
    alert_id = await desk.alert(site_id, kind="missed_check_in")
    await desk.sign_in()
    page = await desk.page()
    assert '<meta name="viewport"' in page
    for label in ("Acknowledge", "En route", "On scene", "Resolve"):
        assert f">{label}</button>" in page
    assert "Missed check-in" in page
    assert "not shared yet" in page
    assert "The occupant said they are okay" not in page
    async with desk.http.get(f"{desk.url}/responder/alerts.json") as resp:
        first = await resp.json()
    [shown] = first["alerts"]
    assert shown["details"] is None
    assert shown["occupant_ok"] is None
    # The page knows which version it shows, to reload when the JSON says otherwise.
    assert json.dumps(first["version"]) in page

    await desk.event(alert_id, {"type": "reminder", "at": AT, "note": "dispatch 1"})
    await desk.event(alert_id, {"type": "escalated", "at": AT, "note": "3 presses"})
    await desk.event(alert_id, {"type": "occupant_ok", "at": AT})
    page = await desk.page()
    assert ADDRESS not in page
    assert PHONE not in page
    assert re.search(r'class="ok"[^>]*>The occupant said they are okay', page)
    async with desk.http.get(f"{desk.url}/responder/alerts.json") as resp:
        second = await resp.json()
    assert second["version"] != first["version"]
    assert second["alerts"][0]["occupant_ok"]["at"] == AT

    await desk.event(alert_id, {"type": "door_opened", "at": AT})
    await desk.event(alert_id, RELEASED)
    page = await desk.page()
    assert f"{ADDRESS}, unit 4B" in page
    assert "Side door, code 1234" in page
    assert f'href="tel:{PHONE}"' in page
    assert "has naloxone nearby" in page
    assert "Friend in 4B has naloxone" in page
    assert 'href="geo:49.28,-123.1"' in page
    history = re.findall(r"<li class=\"(\w+)\"><time[^>]*>[^<]*</time> ([^<]*)</li>", page)
    assert history == [
        ("raised", "Alert raised: Missed check-in"),
        ("reminder", "Reminder: still waiting for a responder (dispatch 1)"),
        ("escalated", "Escalated: now urgent (3 presses)"),
        ("occupant_ok", "The occupant said they are okay"),
        ("door_opened", "The door opened"),
        ("details_released", "Location and contacts released"),
    ]
    assert "Urgent" in page


async def test_details_sent_with_the_alert_show_at_once(desk: Desk) -> None:
    location = RELEASED["location"]
    await desk.alert(
        await desk.site(),
        location={"label": "Room 2"} | {"address": location["address"]},
        contacts=None,
        rescue_plan={"call_emergency_services": True, "notes": None},
    )
    await desk.sign_in()
    page = await desk.page()
    assert ADDRESS in page
    assert "allows calling emergency services" in page


async def _webhook_receiver(serve: Serve, secret: str) -> tuple[str, list[dict[str, Any]]]:
    """A site's webhook: checks the contract's signature, keeps what it accepts."""
    received: list[dict[str, Any]] = []

    async def hook(request: web.Request) -> web.Response:
        raw = await request.read()
        stamp = request.headers["X-Dispatch-Timestamp"]
        expected = hmac.new(secret.encode(), f"{stamp}.".encode() + raw, hashlib.sha256)
        if request.headers["X-Dispatch-Signature"] != f"sha256={expected.hexdigest()}":
            return web.Response(status=401)
        received.append(json.loads(raw))
        return web.Response(status=204)

    async def moved(request: web.Request) -> web.Response:
        return web.Response(status=307, headers={"Location": "/hook"})

    app = web.Application()
    app.router.add_post("/hook", hook)
    app.router.add_post("/moved", moved)
    return await serve(app), received


async def test_responder_actions_are_audited_shown_and_sent_to_the_site(
    desk: Desk, serve: Serve
) -> None:
    site_id = await desk.site()
    hook_url, received = await _webhook_receiver(serve, desk.store.sites[site_id]["webhook_secret"])
    desk.store.set_callback_url(site_id, f"{hook_url}/hook")
    alert_id = await desk.alert(site_id)
    csrf = await desk.sign_in()

    for status in ("acknowledged", "en_route", "on_scene"):
        assert (await desk.act(alert_id, csrf, status)).status == 303
    assert (await desk.act(alert_id, csrf, "resolved")).status == 400  # no outcome
    assert (await desk.act(alert_id, csrf, "resolved", outcome="safer_use")).status == 303
    assert [(u["status"], u["responder"], u["outcome"]) for u in received] == [
        ("acknowledged", {"display_name": RESPONDER, "eta_s": None}, None),
        ("en_route", {"display_name": RESPONDER, "eta_s": None}, None),
        ("on_scene", {"display_name": RESPONDER, "eta_s": None}, None),
        ("resolved", {"display_name": RESPONDER, "eta_s": None}, "safer_use"),
    ]
    assert [code for _, _, code in desk.store.webhooks] == [204] * 4
    # A closed alert takes no more actions, and leaves the page.
    assert (await desk.act(alert_id, csrf, "acknowledged")).status == 409
    assert "No open alerts." in await desk.page()

    actions = [e for e in desk.store.audit_log() if e.alert_id == alert_id]
    assert [(e.actor, e.action, e.detail, e.remote) for e in actions] == [
        (RESPONDER, "acknowledged", None, "127.0.0.1"),
        (RESPONDER, "en_route", None, "127.0.0.1"),
        (RESPONDER, "on_scene", None, "127.0.0.1"),
        (RESPONDER, "resolved", "safer_use", "127.0.0.1"),
    ]
    steps = desk.store.alerts[alert_id].history
    assert [(s.actor, s.body["type"]) for s in steps] == [
        (RESPONDER, "acknowledged"),
        (RESPONDER, "en_route"),
        (RESPONDER, "on_scene"),
        (RESPONDER, "resolved"),
    ]
    assert steps[0].at.tzinfo is not None

    # A redirect from the site is not followed: the update goes only where the site said.
    desk.store.set_callback_url(site_id, f"{hook_url}/moved")
    second = await desk.alert(site_id)
    assert (await desk.act(second, csrf, "acknowledged")).status == 303
    assert desk.store.webhooks[-1][2] == 307
    assert len(received) == 4
    # An unreachable site: the action still counts; the failed delivery is on record.
    desk.store.set_callback_url(site_id, "http://127.0.0.1:9/hook")
    assert (await desk.act(second, csrf, "en_route")).status == 303
    assert desk.store.webhooks[-1][2] is None
    async with desk.http.get(f"{desk.url}/responder/alerts.json") as resp:
        [shown] = (await resp.json())["alerts"]
    assert [line["text"] for line in shown["history"]][1:] == [
        f"{RESPONDER} acknowledged",
        f"{RESPONDER} is en route",
    ]


async def test_responders_see_only_the_sites_they_are_allowed(desk: Desk) -> None:
    first, second = await desk.site(), await desk.site()
    theirs = desk.store.add_api_key("other-org")[1]
    elsewhere = await desk.site(key=theirs)
    at_first = await desk.alert(first, station={"id": "s1", "label": "First floor"})
    at_second = await desk.alert(second, station={"id": "s2", "label": "Second floor"})
    await desk.alert(elsewhere, key=theirs, station={"id": "s3", "label": "Their room"})
    desk.store.set_responder("Lee", "lee's password", sites=[first])

    csrf = await desk.sign_in()
    page = await desk.page()
    assert "First floor" in page
    assert "Second floor" in page
    assert "Their room" not in page

    async with browser() as http:
        csrf = await sign_in(http, desk.url, "Lee", "lee's password")
        async with http.get(f"{desk.url}/responder/alerts.json") as resp:
            shown = [a["station"] for a in (await resp.json())["alerts"]]
        assert shown == ["First floor"]
        form = {"status": "acknowledged", "csrf_token": csrf}
        async with http.post(f"{desk.url}/responder/alerts/{at_second}", data=form) as resp:
            assert resp.status == 404
        async with http.post(
            f"{desk.url}/responder/alerts/{at_first}", data=form, allow_redirects=False
        ) as resp:
            assert resp.status == 303
    assert desk.store.alerts[at_second].alert["status"] == "open"
    assert desk.store.alerts[at_first].alert["responder"]["display_name"] == "Lee"
    [lee] = [r for r in desk.store.responders() if r.name == "Lee"]
    assert lee.sites == (first,)


async def test_sign_in_links_work_once_and_expire(desk: Desk) -> None:
    token = desk.store.new_sign_in_link(RESPONDER, timedelta(minutes=10))
    assert token is not None
    expired = desk.store.new_sign_in_link(RESPONDER, timedelta(minutes=-1))
    assert expired is not None
    assert desk.store.new_sign_in_link("Nobody", timedelta(minutes=10)) is None
    async with desk.http.get(f"{desk.url}/responder/link/{token}", allow_redirects=False) as resp:
        assert resp.status == 303
        assert resp.headers["Location"] == "/responder"
    page = await desk.page()
    assert f"Signed in as <strong>{RESPONDER}</strong>" in page

    async with browser() as http:
        for used in (token, expired, "made-up"):
            async with http.get(f"{desk.url}/responder/link/{used}") as resp:
                assert resp.status == 403
                assert "expired or was already used" in await resp.text()

    # Signing out needs the token too, and ends the session.
    async with desk.http.post(f"{desk.url}/responder/logout", data={"csrf_token": "x"}) as resp:
        assert resp.status == 403
    data = {"csrf_token": csrf_token(page)}
    async with desk.http.post(
        f"{desk.url}/responder/logout", data=data, allow_redirects=False
    ) as resp:
        assert resp.status == 303
        assert resp.headers["Location"] == "/responder/login"
    async with desk.http.get(f"{desk.url}/responder", allow_redirects=False) as resp:
        assert resp.status == 303
    async with desk.http.post(f"{desk.url}/responder/logout", data=data) as resp:
        assert resp.status == 401
    audit = [(e.actor, e.action, e.detail) for e in desk.store.audit_log()]
    assert (RESPONDER, "signed_in", "link") in audit
    assert ("(unknown)", "sign_in_refused", "link") in audit
    assert (RESPONDER, "signed_out", None) in audit


async def test_sessions_end_after_twelve_hours_and_with_a_new_password(
    desk: Desk, freezer: FrozenDateTimeFactory
) -> None:
    await desk.sign_in()
    freezer.tick(timedelta(hours=11, minutes=59))
    await desk.page()
    freezer.tick(timedelta(minutes=2))
    async with desk.http.get(f"{desk.url}/responder", allow_redirects=False) as resp:
        assert resp.status == 303
    await desk.sign_in()
    desk.store.set_responder(RESPONDER, "a brand new password")
    async with desk.http.get(f"{desk.url}/responder", allow_redirects=False) as resp:
        assert resp.status == 303


async def test_behind_a_tls_proxy_cookies_are_secure(serve: Serve) -> None:
    store = Store()
    store.set_responder(RESPONDER, RESPONDER_PASSWORD)
    url = await serve(create_app(API_KEY, store, behind_proxy=True))
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7, 203.0.113.9"}
    host = URL(url).raw_authority
    # The browser speaks https to the proxy, so it sends Secure cookies: this client is told
    # which cookie to send, as aiohttp keeps Secure cookies off plain http.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def login(origin: str) -> aiohttp.ClientResponse:
            async with http.get(f"{url}/responder/login", headers=proxy) as resp:
                token = csrf_token(await resp.text())
                cookie = resp.cookies["dispatch_login"]
            assert cookie["secure"]
            form = {"name": RESPONDER, "password": RESPONDER_PASSWORD, "csrf_token": token}
            headers = proxy | {"Origin": origin, "Cookie": f"dispatch_login={cookie.value}"}
            async with http.post(
                f"{url}/responder/login", data=form, headers=headers, allow_redirects=False
            ) as resp:
                return resp

        # The browser's origin is https; http would be someone else.
        assert (await login(f"http://{host}")).status == 403
        signed_in = await login(f"https://{host}")
        assert signed_in.status == 303
        assert signed_in.cookies["dispatch_session"]["secure"]
    [entry] = [e for e in store.audit_log() if e.action == "signed_in"]
    # The proxy's own hop is the one to trust.
    assert entry.remote == "203.0.113.9"
    store.close()


async def test_pages_and_answers_carry_protective_headers(desk: Desk) -> None:
    async with desk.http.get(f"{desk.url}/responder/login") as resp:
        policy = resp.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy
        nonce = re.search(r"'nonce-([^']+)'", policy)
        assert nonce is not None
        assert f'nonce="{nonce[1]}"' in await resp.text()
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert resp.headers["Cache-Control"] == "no-store"
    async with desk.http.get(f"{desk.url}/v1/nothing-here") as resp:
        assert resp.status == 401
    async with desk.http.get(f"{desk.url}/", allow_redirects=False) as resp:
        assert resp.headers["Location"] == "/responder"
    async with desk.http.get(f"{desk.url}/nothing-here") as resp:
        assert resp.status == 404
        assert resp.headers["X-Content-Type-Options"] == "nosniff"


async def test_markup_in_alerts_is_shown_as_text(desk: Desk) -> None:
    await desk.alert(await desk.site(), station={"id": "s", "label": "<script>alert(1)</script>"})
    await desk.sign_in()
    page = await desk.page()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_an_unknown_time_zone_shows_utc(desk: Desk) -> None:
    status, site = await desk.api(
        "POST",
        "/v1/sites",
        {"name": "B", "callback_url": None, "language": "en", "timezone": "Mars/Olympus"},
    )
    assert status == 201
    await desk.alert(site["site_id"])
    await desk.sign_in()
    async with desk.http.get(f"{desk.url}/responder/alerts.json") as resp:
        [shown] = (await resp.json())["alerts"]
    assert shown["history"][0]["time"] == shown["history"][0]["at"][11:19]


async def test_a_site_in_its_own_time_zone(desk: Desk) -> None:
    status, site = await desk.api(
        "POST",
        "/v1/sites",
        {"name": "B", "callback_url": None, "language": "en", "timezone": "Asia/Tokyo"},
    )
    assert status == 201
    alert_id = await desk.alert(site["site_id"])
    await desk.event(alert_id, {"type": "occupant_ok", "at": "2026-11-27T20:00:00+00:00"})
    await desk.sign_in()
    async with desk.http.get(f"{desk.url}/responder/alerts.json") as resp:
        [shown] = (await resp.json())["alerts"]
    assert shown["occupant_ok"]["time"] == "05:00:00"
