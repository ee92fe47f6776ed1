"""The dashboard in a real headless browser: Debian's Chromium loads the pages from a running server,
and the rendered DOM, the layout on a 390-pixel-wide phone and screenshots are checked.

Without Chromium these tests are skipped with one line saying so; with LADDER_REQUIRE_BROWSER=1
(as CI sets) a missing Chromium fails them instead."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import socket
import sys
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from app.server.web import make_app
from app.settings import Settings
from reports.cohort import add_months
from reports.pages import cohort_html
from tests.report_views import SCRIPT, cohort_page

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
# What the pages must live with once the service sends a Content-Security-Policy: no script at all,
# styles only from the page itself.
CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def chromium() -> str:
    if CHROMIUM is None:
        reason = "Chromium is not installed (apt-get install -y chromium): the pages are tested in a real browser"
        if os.environ.get("LADDER_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + ", and LADDER_REQUIRE_BROWSER=1 requires it")
        pytest.skip(reason)
    return CHROMIUM


def test_missing_chromium_skips_unless_required(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", None)
    monkeypatch.delenv("LADDER_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="^Chromium is not installed"):
        chromium()
    monkeypatch.setenv("LADDER_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="LADDER_REQUIRE_BROWSER=1 requires it"):
        chromium()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def serving(app: web.Application):
    """`app` on a real socket; yields its base URL."""
    port = free_port()
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        await runner.cleanup()


def dashboard_app(database: Path | str) -> web.Application:
    """The real service (dry-run: no App id) over `database`: a SQLite file, or a PostgreSQL URL; its
    dashboard shown to everyone (DASHBOARD_PUBLIC=true), as the demo's data is public. Web only (as
    `ladder serve --web-only`): no pass on the wall clock plans anything into the data it shows."""
    store = {"database_url": database} if isinstance(database, str) else {"database_path": database}
    settings = Settings(**store, host="127.0.0.1", port=0, webhook_secret="x", dashboard_public=True)
    return make_app(settings, processing="none")


def page_app(html: str) -> web.Application:
    """One page, served as the service will serve it: with a Content-Security-Policy and nosniff."""

    async def page(request: web.Request) -> web.Response:
        headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"}
        return web.Response(text=html, content_type="text/html", charset="utf-8", headers=headers)

    app = web.Application()
    app.router.add_get("/", page)
    return app


async def browse(url: str, tmp_path: Path, *args: str) -> bytes:
    """Run Chromium with `args` (--dump-dom, --screenshot=…) against `url`; its standard output."""
    proc = await asyncio.create_subprocess_exec(
        chromium(),
        *FLAGS,
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    return out


# What the phone page reports about itself, read through DevTools (not a script in the page: the
# pages carry none, and the Content-Security-Policy would refuse one).
LAYOUT = """JSON.stringify({
  width: innerWidth,
  scrollWidth: document.documentElement.scrollWidth,
  wider: [...document.querySelectorAll('main *')]
    .filter(e => !e.closest('thead') && e.getBoundingClientRect().right > innerWidth + 0.5)
    .map(e => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined ? '.' + e.className : '')),
  cellDisplay: document.querySelector('table.reflow td') && getComputedStyle(document.querySelector('table.reflow td')).display,
  scripts: document.scripts.length,
  dom: document.documentElement.outerHTML,
})"""


async def on_phone(url: str, tmp_path: Path, screenshot: Path) -> dict:
    """Load `url` in Chromium as a 390×844 phone and return LAYOUT; save a full-page screenshot.

    Headless Chromium will not make its window narrower than 500 pixels (`--window-size=390,844`
    gives a 500-pixel viewport), so the phone is DevTools' device emulation: a 390-pixel viewport
    that honours the viewport meta, as a phone's browser does — a page without it, or with content
    wider than the screen, is laid out wider and zoomed out, which `width` then shows."""
    proc = await asyncio.create_subprocess_exec(
        chromium(),
        *FLAGS,
        f"--user-data-dir={tmp_path / 'profile'}",
        "--remote-debugging-port=0",
        "--window-size=390,844",
        "--hide-scrollbars",
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        browser_ws = None
        while browser_ws is None:
            line = await asyncio.wait_for(proc.stderr.readline(), 60)
            assert line, "Chromium ended before it offered DevTools"
            found = re.search(rb"DevTools listening on (ws://\S+)", line)
            browser_ws = found and found.group(1).decode()
        drain = asyncio.create_task(proc.stderr.read())  # keep its pipe from filling
        port = re.search(r":(\d+)/", browser_ws).group(1)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/json/list") as resp:
                target = next(t for t in await resp.json() if t["type"] == "page")
            async with session.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                calls = iter(range(1, 1_000_000))

                async def call(method: str, **params) -> dict:
                    ident = next(calls)
                    await ws.send_json({"id": ident, "method": method, "params": params})
                    while True:
                        message = await ws.receive_json()
                        if message.get("id") == ident:
                            assert "error" not in message, message
                            return message["result"]

                async def loaded() -> None:
                    while (await ws.receive_json()).get("method") != "Page.loadEventFired":
                        pass

                await call("Page.enable")
                await call("Emulation.setDeviceMetricsOverride", **PHONE)
                await call("Page.navigate", url=url)
                await asyncio.wait_for(loaded(), 60)
                result = await call("Runtime.evaluate", expression=LAYOUT, returnByValue=True)
                layout = json.loads(result["result"]["value"])
                size = (await call("Page.getLayoutMetrics"))["cssContentSize"]
                shot = await call(
                    "Page.captureScreenshot",
                    format="png",
                    captureBeyondViewport=True,
                    clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
                )
                screenshot.write_bytes(base64.b64decode(shot["data"]))
            async with session.ws_connect(browser_ws) as ws:
                await ws.send_json({"id": 1, "method": "Browser.close"})
        await asyncio.wait_for(proc.wait(), 60)
        drain.cancel()
        return layout
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def assert_fits_a_phone(layout: dict, screenshot: Path) -> None:
    assert layout["width"] == 390, "the page is laid out wider than the phone (zoomed out)"
    assert layout["scrollWidth"] == 390
    assert layout["wider"] == []
    assert layout["cellDisplay"] == "block"  # the tables reflowed: the phone styles applied under the CSP
    assert layout["scripts"] == 0
    width, height = png_size(screenshot.read_bytes())
    assert width == 390 * PHONE["deviceScaleFactor"] and height > 844  # the whole page, no wider than the phone


def demo_cohort_progress(dom: str) -> list[tuple[str, str]]:
    """(have, need) of each requirement of the demo's first cohort, in page order. The demo's day is 80
    days after its cohort's start (app/demo/sample.py); bob is a member since 40 days before it, alice's
    member tenure has not started, and "3 months" in days depends on the dates."""
    start = date.fromisoformat(re.search(r'<time class="start" datetime="([\d-]+)">', dom).group(1))
    today = start + timedelta(days=80)
    bob_since = today - timedelta(days=40)
    alice_need = (add_months(today, 3) - today).days
    bob_need = (add_months(bob_since, 3) - bob_since).days
    return [
        ("0", str(alice_need)),
        ("5", "10"),
        ("20", "30"),
        ("40", str(bob_need)),
        ("4", "5"),
        ("7", "20"),
        ("0", str(alice_need)),
        ("0", "5"),
        ("3", "20"),
    ]


async def test_rendered_dom(demo_database, tmp_path):
    async with serving(dashboard_app(demo_database)) as url:
        dom = (await browse(url, tmp_path, "--dump-dom")).decode()
    assert dom.count('<section class="cohort" data-cohort="widgets-controller-reviewers">') == 1
    assert "1 of 3 graduated" in dom
    cohort = dom.split('<section class="cohort" data-cohort="widgets-controller-reviewers">')[1].split("</section>")[0]
    rows = re.findall(r'<tr class="person" data-login="(\w+)">.*?<span class="state (\w+)">', cohort, re.S)
    # carol is a member since the demo's scene 25 (issue 10), working toward the cohort's reviewer
    assert rows == [("alice", "working"), ("bob", "working"), ("carol", "working")]
    assert "promoted: reviewer" in dom
    # The first cohort's section (the demo's mentoring scene adds a second cohort after it).
    first = dom.split('<section class="cohort" data-cohort="widgets-spring-reviewers">')[0]
    bars = re.findall(r'role="progressbar" aria-valuenow="(\d+)" aria-valuemin="0" aria-valuemax="(\d+)"', first)
    # alice → approver (3 requirements), bob → reviewer (3), carol → reviewer (3: a member since today)
    assert bars == demo_cohort_progress(dom)
    funnel = re.findall(r'<g class="stage" data-stage="(\w+)" data-count="(\d+)">', first)
    assert funnel == [("working", "3"), ("ready", "1"), ("promoted", "1")]  # alice promoted (to the cohort's target)
    effects = re.findall(r'<tr class="effect" data-status="(\w+)">', dom)
    # 13 from the story and the member scene, 1 from the everyone scene (dev-priya's readiness issue), 9 from
    # the way-down scene (the notices issue, four notices, the
    # members issue, three roster changes), 11 from the mentoring scene (6 sign-up replies, 3 progress
    # comments, 2 suggest replies), 5 from the rhythm scene (the mid-term comment, the digest, three 👍
    # reactions to check-ins); every one sent (the demo waits for the outbox to drain)
    assert effects == ["done"] * 39
    # The roster pull request: the demo's only pull request by Ladder, linked with its address as text.
    assert re.search(r'<a href="https://github.com/sample-org/widgets/pull/(\d+)">sample-org/widgets/pull/\1</a>', dom)


async def test_screenshot(demo_database, tmp_path):
    shot = tmp_path / "dashboard.png"
    async with serving(dashboard_app(demo_database)) as url:
        await browse(url, tmp_path, f"--screenshot={shot}", "--window-size=1200,900", "--hide-scrollbars")
    data = shot.read_bytes()
    assert png_size(data) == (1200, 900)
    assert len(data) > 20_000  # a blank page compresses to a few kilobytes


async def test_dashboard_on_a_phone(demo_database, tmp_path):
    shot = tmp_path / "dashboard-phone.png"
    async with serving(dashboard_app(demo_database)) as url:
        layout = await on_phone(url, tmp_path, shot)
    assert_fits_a_phone(layout, shot)
    assert re.findall(r'data-stage="(\w+)" data-count="(\d+)"', layout["dom"])[:3] == [
        ("working", "3"),
        ("ready", "1"),
        ("promoted", "1"),
    ]


async def test_cohort_page_with_charts_on_a_phone(tmp_path):
    """The cohort page from hand-built data (tests/report_views.py), served with the CSP: every chart
    shows the values it was given, the page fits 390 pixels, and the hostile check-in is text."""
    shot = tmp_path / "cohort-phone.png"
    async with serving(page_app(cohort_html(cohort_page(readiness_url="javascript:alert(1)")))) as url:
        layout = await on_phone(url, tmp_path, shot)
    assert_fits_a_phone(layout, shot)
    dom = layout["dom"]
    assert re.findall(r'data-stage="(\w+)" data-count="(\d+)"', dom) == [
        ("working", "4"),
        ("ready", "2"),
        ("promoted", "1"),
    ]
    series = re.findall(r'<g class="series" data-label="(\w+)" data-total="(\d+)" data-points="([^"]*)">', dom)
    assert series == [
        ("alice", "4", "2026-09-03:2 2026-09-10:3 2026-10-01:4"),
        ("bob", "2", "2026-09-15:1 2026-11-20:2"),
        ("carol", "5", "2026-09-02:1 2026-09-05:2 2026-09-09:3 2026-09-12:4 2026-09-20:5"),
        ("dora", "0", ""),
    ]
    bars = re.findall(
        r'<g class="requirement" data-label="[^"]*" data-have="(\d+)" data-need="(\d+)" data-met="(\w+)">', dom
    )
    assert bars == [
        ("7", "10", "false"),
        ("5", "5", "true"),
        ("92", "92", "true"),
        ("12", "10", "true"),
        ("5", "5", "true"),
        ("40", "92", "false"),
        ("12", "30", "false"),
    ]
    assert dom.count('<svg class="chart ') == 2 + 3  # funnel, activity, progress for each mentee evaluated
    assert "Reviewed two PRs &lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert SCRIPT not in dom and "javascript:" not in dom


# --- the cohort and person pages, served from a real database ---------------------------------------------

DEMO_COHORT = "cohorts/sample-org/widgets-controller-reviewers"


async def test_the_served_cohort_page_of_the_demo_on_a_phone(demo_database, tmp_path):
    """The dashboard's cohort page of the demo's cohort (linked from the overview): its funnel, each
    mentee's progress per requirement as stored, its activity over the term, fitting 390 pixels."""
    shot = tmp_path / "cohort-page.png"
    async with serving(dashboard_app(demo_database)) as url:
        overview = (await browse(url, tmp_path, "--dump-dom")).decode()
        assert f'<a class="page" href="/{DEMO_COHORT}">widgets-controller-reviewers</a>' in overview
        layout = await on_phone(url + DEMO_COHORT, tmp_path, shot)
    assert_fits_a_phone(layout, shot)
    dom = layout["dom"]
    assert '<span class="org">sample-org</span>' in dom and '<time class="generated" datetime="' in dom
    assert re.findall(r'data-stage="(\w+)" data-count="(\d+)"', dom) == [
        ("working", "3"),
        ("ready", "1"),
        ("promoted", "1"),
    ]
    progress = re.findall(r'<g class="requirement" data-label="[^"]*" data-have="(\d+)" data-need="(\d+)"', dom)
    assert progress == demo_cohort_progress(dom)
    series = re.findall(r'<g class="series" data-label="(\w+)" data-total="(\d+)"', dom)
    assert [login for login, _ in series] == ["alice", "bob", "carol"]
    assert all(int(total) > 0 for _, total in series)  # each mentee was active during the term
    assert dom.count('<svg class="chart ') == 2 + 3  # funnel, activity, a progress chart per mentee


async def test_a_checkin_with_a_script_is_text_on_the_served_pages(tmp_path):
    """The hand-built database (tests/read_side_db.py) with a check-in carrying a script: the served
    cohort and person pages show it as text and run nothing, on a phone."""
    from tests.read_side_db import build
    from tests.stores import insert_rows, location, open_test_database

    build(tmp_path / "ladder.db")
    db = open_test_database(tmp_path / "ladder.db")
    checkin = {"org": "acme", "cohort": "api-reviewers", "person_id": 3, "login": "dora", "url": None}
    insert_rows(db, "checkins", [{**checkin, "comment_id": 9, "at": "2020-02-18T00:00:00Z", "body": SCRIPT}])
    async with serving(dashboard_app(location(tmp_path / "ladder.db"))) as url:
        cohort = await on_phone(url + "cohorts/acme/api-reviewers", tmp_path, tmp_path / "cohort.png")
        person = await on_phone(url + "people/dora", tmp_path, tmp_path / "person.png")
        missing = await browse(url + "people/nobody", tmp_path, "--dump-dom")
    for layout, shot in ((cohort, tmp_path / "cohort.png"), (person, tmp_path / "person.png")):
        assert_fits_a_phone(layout, shot)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in layout["dom"] and SCRIPT not in layout["dom"]
    assert re.findall(r'data-stage="(\w+)" data-count="(\d+)"', cohort["dom"]) == [
        ("working", "3"),
        ("ready", "2"),
        ("promoted", "1"),
    ]
    assert re.findall(r'<g class="series" data-label="(\w+)" data-total="(\d+)"', cohort["dom"]) == [
        ("alice", "0"),
        ("bob", "1"),
        ("dora", "0"),
    ]
    assert '<p class="cohort" data-cohort="api-reviewers">' in person["dom"]
    assert b"no one with the login 'nobody' is known to Ladder" in missing
