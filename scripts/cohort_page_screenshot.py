"""Regenerate docs/cohort-page.png: the dashboard's cohort page of the demo's first cohort, with its charts,
as headless Chromium draws it.

    python scripts/cohort_page_screenshot.py [--out docs/cohort-page.png] [--width 1100] [--height 2300]

Runs `ladder demo`'s story into a temporary folder, serves the dashboard over its database as
`ladder serve --web-only` would (the real service, dry-run, dashboard public: the data is the sample's), and
has Debian's Chromium (`/usr/bin/chromium`, or CHROMIUM) take the screenshot of
/cohorts/sample-org/widgets-controller-reviewers. The window height is the page's: pass --height when the
page grows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402

from app.demo import sample  # noqa: E402
from app.demo.runner import Demo  # noqa: E402
from app.server.web import make_app  # noqa: E402
from app.settings import Settings  # noqa: E402

PAGE = f"/cohorts/{sample.ORG}/{sample.COHORT}"


async def screenshot(out: Path, width: int, height: int) -> None:
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Chromium is not installed (apt-get install -y chromium)")
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        await Demo(where / "demo", say=lambda *a: None).run()
        database = where / "demo" / "ladder.db"
        settings = Settings(database_path=database, host="127.0.0.1", webhook_secret="x", dashboard_public=True)
        runner = web.AppRunner(make_app(settings, processing="none"), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port = runner.addresses[0][1]
        try:
            proc = await asyncio.create_subprocess_exec(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={where / 'profile'}",
                f"--window-size={width},{height}",
                f"--screenshot={out.resolve()}",
                f"http://127.0.0.1:{port}{PAGE}",
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            _, err = await asyncio.wait_for(proc.communicate(), 120)
            if proc.returncode != 0 or not out.exists():
                raise SystemExit(err.decode(errors="replace")[-2000:])
        finally:
            await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "cohort-page.png")
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--height", type=int, default=2300)
    args = parser.parse_args()
    asyncio.run(screenshot(args.out, args.width, args.height))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
