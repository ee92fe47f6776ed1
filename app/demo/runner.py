"""Running the demo: the real service and the local GitHub stand-in, each on its own port, and the
sample organisation's story delivered as signed webhooks over HTTP."""

from __future__ import annotations

import asyncio
import difflib
import json
import secrets
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import aiohttp
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.demo import sample, story
from app.demo.actions import Actions, Delivery
from app.demo.scenes import scenes
from app.outbox import Limits, Pacer
from app.promotion import lifecycle
from app.server import make_app
from app.server.processing import SERVICES
from app.server.signature import expected_signature
from app.server.web import DB
from app.settings import Settings
from app.stand_in import start_stand_in, webhooks
from app.store import activity, evaluations
from app.store.location import describe

APP_ID = 424242


@dataclass
class DemoResult:
    out_dir: Path
    deliveries: int = 0  # every delivery sent, the history's and the others
    history_deliveries: int = 0  # the recorded history ("Delivering N signed webhooks")
    activity: dict[str, int] = field(default_factory=dict)
    progress: list[tuple[str, str, str, str]] = field(default_factory=list)  # login, level, scope, state
    readiness: list[tuple[str, str, str]] = field(default_factory=list)  # title, url, state
    other_issues: list[tuple[str, str, str]] = field(default_factory=list)  # the way down's, as above
    owners_diffs: list[tuple[str, str]] = field(default_factory=list)  # pull request url, unified diff
    comments: int = 0
    files: dict[str, Path] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class Demo:
    def __init__(self, out_dir: Path, *, say=print, database_url: str | None = None) -> None:
        self.out_dir = out_dir
        # The demo's store is a fresh SQLite file in `out_dir`; tests may pass an empty PostgreSQL database.
        self.database_url = database_url
        self.say = say
        self.secret = secrets.token_hex(16)
        self.count = 0
        self.history_count = 0
        self.files: dict[str, Path] = {}
        self.write_ups: list[tuple[str, str]] = []  # (heading, text) sections added by scenes to github.md

    async def deliver(self, deliveries: list[Delivery]) -> None:
        for event, payload in deliveries:
            self.count += 1
            body = json.dumps(payload).encode()
            headers = {
                "Content-Type": "application/json",
                "X-GitHub-Event": event,
                "X-GitHub-Delivery": f"demo-{self.count:05d}",
                "User-Agent": "GitHub-Hookshot/demo",
                "X-Hub-Signature-256": expected_signature(self.secret, body),
            }
            async with self.client.post(self.hook_url, data=body, headers=headers) as resp:
                if resp.status != 202:
                    raise RuntimeError(f"the service answered {resp.status} to a {event} delivery")
        await self.quiet()

    async def quiet(self, timeout: float = 120.0) -> None:
        """Wait until every delivery is processed and every planned write is sent, and echo what GitHub
        sends back about the app's own pull requests (how Ladder learns their address)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            async with self.client.get(self.base + "/healthz") as resp:
                health = await resp.json()
            outbox = health.get("outbox", {})
            busy = health["queue_depth"] or outbox.get("pending", 0)
            echoes = self._echoes()
            if echoes:
                await self.deliver(echoes)
                continue
            if not busy:
                return
            await asyncio.sleep(0.05)
        raise RuntimeError("the service did not finish in time")

    def _echoes(self) -> list[Delivery]:
        out = []
        for request in self.stand_in.requests[self._seen :]:
            if request.method == "POST" and request.path.endswith("/pulls") and request.status == 201:
                repo = "/".join(request.path.split("/")[2:4])
                pr = max(
                    (
                        i
                        for i in self.state.repo(repo).issues.values()
                        if i.pull and i.pull.head_ref == request.body["head"]
                    ),
                    key=lambda i: i.number,
                )
                out.append(webhooks.pull_request(self.state, repo, pr.number, "opened", sender="ladder[bot]"))
        self._seen = len(self.stand_in.requests)
        return out

    async def run(self) -> DemoResult:
        now = datetime.now(timezone.utc)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        database = self.out_dir / "ladder.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        private, public = _key_pair()
        self.stand_in = await start_stand_in(app_id=APP_ID, public_key=public)
        self.state = self.stand_in.state
        self._seen = 0
        sample.seed(self.state, now)
        port = _free_port()
        settings = Settings(
            app_id=APP_ID,
            private_key=private,
            webhook_secret=self.secret,
            host="127.0.0.1",
            port=port,
            github_api_url=self.stand_in.url,
            database_path=database,
            database_url=self.database_url,
            dashboard_public=True,  # sample data on a local port, for as long as the demo runs
        )
        # As `ladder serve` runs: processing on its own thread, with its own GitHub client (to the
        # stand-in). GitHub's write pacing (1 s apart) protects real accounts; the local stand-in needs none.
        # Without the cohort's rhythm pass on the wall clock: scene 45 runs that pass on the demo's clock
        # (half the term, then the next checkin_day), and a second one would race it.
        app = make_app(
            settings,
            services=tuple(s for s in SERVICES if s != "rhythm"),
            outbox_options={
                "pacer": Pacer(limits=Limits(min_interval=0.0, per_minute=10**6, per_hour=10**6)),
                "idle_wait": 0.05,
            },
        )
        self.settings = settings  # for scenes that act as the service's worker does (its GitHub, its store)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        self.base = f"http://127.0.0.1:{port}"
        self.hook_url = self.base + settings.webhook_path
        self.client = aiohttp.ClientSession()
        try:
            return await self._story(app, now)
        finally:
            await self.client.close()
            await runner.cleanup()
            await self.stand_in.close()

    async def _story(self, app, now: datetime) -> DemoResult:
        act = Actions(self.state)
        say = self.say
        where = describe(self.database_url or self.out_dir / "ladder.db")
        say(f"GitHub stand-in on {self.stand_in.url}; Ladder on {self.base} (database {where})")
        await self.deliver([webhooks.installation_created(self.state, sample.INSTALLATION_ID, sender="maria")])
        history = story.alice_history(act, now) + story.others_history(act, now)
        self.history_count = len(history)
        say(f"Delivering {len(history)} signed webhooks: {sample.ORG}'s last 70 days ...")
        await self.deliver(history)

        db = app[DB]
        issue = self._readiness_issue("alice")
        if issue is not None:
            say(f"alice is ready. Mentors act on {sample.COMMUNITY_REPO}#{issue.number}:")
            for login, body in (
                ("mallory", "+1"),
                ("omar", "Great reviews all term.\n+1"),
                ("mallory", "/ladder approve"),
                ("omar", "tick"),  # approval waits for every checklist box (issue 10)
                ("omar", "/ladder approve"),
            ):
                if body == "tick":
                    say(f"  @{login} ticks the checklist")
                    text = self.state.repo(sample.COMMUNITY_REPO).issues[issue.number].body
                    ticked = text.replace("- [ ] ", "- [x] ")
                    await self.deliver(act.edit_issue_body(sample.COMMUNITY_REPO, issue.number, ticked, by=login))
                    continue
                say(f"  @{login}: {body.splitlines()[-1]}")
                await self.deliver(act.comment(sample.COMMUNITY_REPO, issue.number, login, body))
            pulls = [
                i
                for i in self.state.repo(sample.CODE_REPO).issues.values()
                if i.pull and i.pull.head_ref.startswith("ladder/") and i.state == "open"
            ]
            result_diffs = [(self._web(f"{sample.CODE_REPO}/pull/{p.number}"), self._diff(p)) for p in pulls]
            for pr in pulls:
                say(f"  @omar merges {sample.CODE_REPO}#{pr.number} ({pr.title})")
                await self.deliver(act.merge_branch(sample.CODE_REPO, pr.number, by="omar"))
        else:
            result_diffs = []
        self.db = db
        for scene in scenes():
            say("")
            say(f"== {scene.TITLE}")
            await scene.play(self, act, now)
        return self._summary(db, result_diffs)

    def write_up(self, heading: str, text: str) -> None:
        """Add a section to `github.md` (what a scene wrote on GitHub, as a reader sees it)."""
        self.write_ups.append((heading, text))

    def _web(self, path: str) -> str:
        """An address on the demo's GitHub (the stand-in): its web host, as in the `html_url`s it answers."""
        return f"{self.state.html_url}/{path}"

    def _readiness_issue(self, login: str):
        repo = self.state.repo(sample.COMMUNITY_REPO)
        return next((i for i in repo.issues.values() if i.title.startswith(f"{login} is ready for")), None)

    def _diff(self, pr) -> str:
        repo = self.state.repo(sample.CODE_REPO)
        out = []
        for f in self.state.diff(repo, pr.pull.base_ref, pr.pull.head_ref):
            before = (repo.file(f.path, pr.pull.base_ref) or b"").decode().splitlines(keepends=True)
            after = (repo.file(f.path, pr.pull.head_ref) or b"").decode().splitlines(keepends=True)
            out.append("".join(difflib.unified_diff(before, after, f"a/{f.path}", f"b/{f.path}")))
        return "".join(out)

    def _reports(self, db) -> dict[str, Path]:
        """The first cohort's report in each format `ladder report cohort` writes, from the same code."""
        from app.cli.report import FORMATS
        from reports.cohort import cohort_report
        from reports.formats import render

        report = cohort_report(db, sample.COHORT, org=sample.ORG)
        out = {}
        for fmt in FORMATS:
            path = self.out_dir / f"cohort-{sample.COHORT}.{fmt}"
            path.write_text(render(report, fmt), encoding="utf-8")
            out[f"report {fmt}"] = path
        return out

    def _summary(self, db, diffs) -> DemoResult:
        from reports.dashboard import dashboard_html

        result = DemoResult(
            self.out_dir, deliveries=self.count, history_deliveries=self.history_count, owners_diffs=diffs
        )
        result.activity.update(activity.totals(db))
        for stored in evaluations.by_scope(db):
            result.progress.append((stored.result["login"], stored.level, stored.scope, stored.shown_state))
        community = self.state.repo(sample.COMMUNITY_REPO)
        bot = self.state.user("ladder[bot]")
        for issue in community.issues.values():
            if bot is not None and issue.user_id == bot.id:
                shown = (issue.title, self._web(f"{sample.COMMUNITY_REPO}/issues/{issue.number}"), issue.state)
                is_readiness = lifecycle.for_issue(db, sample.COMMUNITY_REPO, issue.number) is not None
                (result.readiness if is_readiness else result.other_issues).append(shown)
        lines = ["# What Ladder wrote on GitHub in the demo", ""]
        tracking = community.issues[sample.TRACKING_ISSUE]
        for comment in tracking.comments:
            # the digest and the mid-term comment are scene 45's write-ups, under their own headings
            rhythm = any(f"<!-- ladder:{kind}:" in comment.body for kind in ("digest", "midterm"))
            if bot is not None and comment.user_id == bot.id and not rhythm:
                result.comments += 1
                lines += [
                    f"## Progress comment on {sample.COMMUNITY_REPO}#{sample.TRACKING_ISSUE}",
                    "",
                    comment.body,
                    "",
                ]
        for issue in community.issues.values():
            if bot is not None and issue.user_id == bot.id:
                lines += [f"## Issue: {issue.title} ({issue.state})", "", issue.body or "", ""]
                for comment in issue.comments:
                    author = self.state.users[comment.user_id].login
                    lines += [f"**@{author}:**", "", comment.body, ""]
        for url, diff in diffs:
            lines += [f"## OWNERS pull request {url}", "", "```diff", diff.rstrip(), "```", ""]
        for heading, text in self.write_ups:
            lines += [f"## {heading}", "", text.rstrip(), ""]
        (self.out_dir / "github.md").write_text("\n".join(lines))
        (self.out_dir / "dashboard.html").write_text(dashboard_html(db, web=self.state.html_url, links=False))
        result.files = {
            "dashboard": self.out_dir / "dashboard.html",
            "github": self.out_dir / "github.md",
            "database": self.database_url or self.out_dir / "ladder.db",
            **self._reports(db),
            **self.files,
        }
        return result
