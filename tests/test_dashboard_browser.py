"""The dashboard in a real headless browser: Debian's Chromium loads GET / from the running service
(over a demo database), and the rendered DOM and a screenshot are checked."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
from pathlib import Path

import pytest
from aiohttp import web

from app.server.web import make_app
from app.settings import Settings

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


def chromium() -> str:
    if CHROMIUM is None:
        pytest.fail(
            "Chromium is not installed: the dashboard is tested in a real browser. "
            "Install it with `apt-get install -y chromium chromium-driver` (.ci/run does)."
        )
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def browse(database: Path | str, tmp_path: Path, *args: str) -> bytes:
    """Serve the real app (dry-run: no App id) on a socket and run Chromium with `args` against GET /."""
    browser = chromium()
    port = free_port()
    store = {"database_url": database} if isinstance(database, str) else {"database_path": database}
    app = make_app(Settings(**store, host="127.0.0.1", port=port, webhook_secret="x"))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        proc = await asyncio.create_subprocess_exec(
            browser,
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
            f"http://127.0.0.1:{port}/",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 120)
        assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
        return out
    finally:
        await runner.cleanup()


async def test_rendered_dom(demo_database, tmp_path):
    dom = (await browse(demo_database, tmp_path, "--dump-dom")).decode()
    assert dom.count('<section class="cohort" data-cohort="widgets-controller-reviewers">') == 1
    assert "1 of 3 graduated" in dom
    rows = re.findall(r'<tr class="person" data-login="(\w+)">.*?<span class="state (\w+)">', dom, re.S)
    assert rows == [("alice", "working"), ("bob", "working"), ("carol", "ready")]
    assert "promoted: reviewer" in dom
    bars = re.findall(r'role="progressbar" aria-valuenow="(\d+)" aria-valuemin="0" aria-valuemax="(\d+)"', dom)
    # alice → approver (3 requirements), bob → reviewer (3), carol → member (1)
    assert bars == [("0", "92"), ("5", "10"), ("20", "30"), ("40", "92"), ("4", "5"), ("7", "20"), ("1", "1")]
    effects = re.findall(r'<tr class="effect" data-status="(\w+)">', dom)
    assert effects == ["done"] * 10
    assert '<a href="https://github.com/sample-org/widgets/pull/31">sample-org/widgets/pull/31</a>' in dom
    assert '<a href="https://github.com/sample-org/community/issues/3">readiness issue</a>' in dom


async def test_screenshot(demo_database, tmp_path):
    shot = tmp_path / "dashboard.png"
    await browse(demo_database, tmp_path, f"--screenshot={shot}", "--window-size=1200,900", "--hide-scrollbars")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 900)
    assert len(data) > 20_000  # a blank page compresses to a few kilobytes
