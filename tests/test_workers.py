"""Issue 9: web replicas and workers apart, one active worker elected through the database.

Real processes (`python -m app serve --web-only`, `python -m app work`, cwd the repository), killed with
SIGKILL as an operator's machine would lose them; GitHub is the stand-in, on a port of this test process.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import aiohttp

from app.demo import sample, story
from app.demo.actions import Actions
from app.server.signature import expected_signature
from app.stand_in import start_stand_in, webhooks
from app.store import deliveries, open_database, workers
from tests import postgres
from tests.conftest import SECRET, start_service, stop_service
from tests.conftest_github import check_violations
from tests.service_health import health, health_until
from tests.test_cli_edges import ROOT, environment, free_port

TAKEOVER = 30.0  # seconds within which a standby must take over (PRODUCT.md §5)


class Process:
    """A `ladder` sub-command running in the background, its stderr in a file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], folder: Path) -> None:
        self.name = name
        self.log_path = folder / f"{name}.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app", *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self._log
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
        self._log.close()

    def lines(self) -> list[dict]:
        """Its JSON log lines (LOG_FORMAT=json)."""
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.startswith("{")]

    def text(self) -> str:
        return self.log_path.read_text()


async def wait_until(condition, what: str, timeout: float = 60.0, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        await asyncio.sleep(every)


def active_pid(db) -> int | None:
    """The pid of the active worker, from its fresh heartbeat."""
    beat = workers.active(db)
    return beat.pid if beat is not None and time.time() - beat.beat_at < 5 else None


# ---------------------------------------------------------------------------------------------- SQLite
async def test_two_workers_on_one_sqlite_file_elect_one_and_the_other_takes_over_after_kill_9(tmp_path):
    path = tmp_path / "ladder.db"
    db = open_database(path)
    env = environment(DATABASE_PATH=str(path), LOG_FORMAT="json", LOG_LEVEL="info")
    started = [Process(f"work-{i}", ["work"], env, tmp_path) for i in (1, 2)]
    try:
        first = await wait_until(lambda: active_pid(db), "a worker became active")
        standby = next(p for p in started if p.pid != first)
        await wait_until(lambda: len(workers.standing_by(db, since=time.time() - 5)) == 1, "the other stands by")
        assert workers.standing_by(db, since=time.time() - 5)[0].pid == standby.pid
        deliveries.enqueue(db, "before", "ping", b"{}", {})
        await wait_until(lambda: deliveries.get(db, "before").status == "done", "the active worker processed")

        killed_at = time.monotonic()
        next(p for p in started if p.pid == first).kill()
        await wait_until(lambda: active_pid(db) == standby.pid, "the standby took over", timeout=TAKEOVER)
        assert time.monotonic() - killed_at < TAKEOVER
        deliveries.enqueue(db, "after", "ping", b"{}", {})
        await wait_until(lambda: deliveries.get(db, "after").status == "done", "the new active worker processed")
        assert any(line["message"].startswith("this process is the active worker") for line in standby.lines())
        assert [(d.status, d.runs) for d in map(lambda i: deliveries.get(db, i), ("before", "after"))] == [
            ("done", 1),
            ("done", 1),
        ]
    finally:
        for process in started:
            process.stop()
        db.close()


# ---------------------------------------------------------------------------------------------- /healthz
async def test_a_web_replica_says_503_when_no_worker_has_been_heard_from_for_30_s(tmp_path):
    service = await start_service(tmp_path / "ladder.db", start_worker=False)  # `--web-only`
    base = service.url("")
    try:
        status, body = await health(service.session, base)
        assert status == 503 and body["workers"]["this_process"] == "web only"
        assert body["problems"] == [
            "no worker has been active on this database: start `ladder work` (or `ladder serve`)"
        ]

        def beat(age: float, services: dict) -> None:
            now = time.time()
            workers.beat(
                service.db,
                "elsewhere:4242:cafe",
                host="elsewhere",
                pid=4242,
                started_at=now - 600,
                now=now - age,
                active_since=now - 600,
                services=services,
            )

        running = {"state": "running", "running": True, "since": "2026-01-01T00:00:00+00:00"}
        beat(1.0, {"health": {"worker": running, "outbox": running, "backfill": running}, "metrics": []})
        status, body = await health(service.session, base)
        assert status == 200 and body["problems"] == []
        assert body["workers"]["active"]["id"] == "elsewhere:4242:cafe"

        failing = {**running, "state": "failing", "running": False, "last_error": "OperationalError: disk full"}
        beat(1.0, {"health": {"worker": running, "outbox": failing, "backfill": running}, "metrics": []})
        status, body = await health(service.session, base)
        assert status == 503
        assert body["problems"] == ["outbox is failing since 2026-01-01T00:00:00+00:00: OperationalError: disk full"]

        beat(31.0, {"health": {"worker": running, "outbox": running, "backfill": running}, "metrics": []})
        status, body = await health(service.session, base)
        assert status == 503
        assert body["problems"] == ["no active worker has been heard from for 31 s (the last was elsewhere:4242:cafe)"]
        assert body["worker"] == {"running": False, "state": "no worker"}
    finally:
        await stop_service(service)


# ---------------------------------------------------------------------------------------------- PostgreSQL
def signed(event: str, payload: dict, delivery_id: str) -> tuple[bytes, dict]:
    body = json.dumps(payload).encode()
    return body, {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery_id,
        "X-Hub-Signature-256": expected_signature(SECRET, body),
    }


async def test_two_web_replicas_and_two_workers_on_postgres_process_each_delivery_once_through_a_kill_9(
    tmp_path, app_key
):
    url = postgres.database_url()  # skips without PostgreSQL (fails with LADDER_REQUIRE_POSTGRES=1)
    db = postgres.close_at_end(open_database(url))
    stand_in = await start_stand_in(app_id=app_key.app_id, public_key=app_key.public_pem)
    now = datetime.now(timezone.utc)
    sample.seed(stand_in.state, now)
    env = environment(
        APP_ID=str(app_key.app_id),
        PRIVATE_KEY=app_key.private_pem,
        WEBHOOK_SECRET=SECRET,
        GITHUB_API_URL=stand_in.url,
        DATABASE_URL=url,
        LOG_FORMAT="json",
        LOG_LEVEL="info",
        HOST="127.0.0.1",
    )
    ports = [free_port(), free_port()]
    webs = [
        Process(f"web-{i}", ["serve", "--web-only"], {**env, "PORT": str(p)}, tmp_path) for i, p in enumerate(ports)
    ]
    work = [Process(f"work-{i}", ["work"], env, tmp_path) for i in (1, 2)]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    session = aiohttp.ClientSession()
    try:
        for base in bases:
            await health_until(session, base, lambda s, b: s == 200)  # listening, and a worker is active
        first = await wait_until(lambda: active_pid(db), "a worker became active")
        standby = next(p for p in work if p.pid != first)
        killed = next(p for p in work if p.pid == first)

        act = Actions(stand_in.state)
        story_deliveries = [webhooks.installation_created(stand_in.state, sample.INSTALLATION_ID, sender="maria")]
        story_deliveries += story.alice_history(act, now) + story.others_history(act, now)
        acknowledged: list[str] = []
        killed_at = None
        for i, (event, payload) in enumerate(story_deliveries):
            delivery_id = f"story-{i:04d}"
            body, headers = signed(event, payload, delivery_id)
            async with session.post(bases[i % 2] + "/api/github/webhooks", data=body, headers=headers) as resp:
                assert resp.status == 202, (delivery_id, resp.status, await resp.text())
            acknowledged.append(delivery_id)
            if i == len(story_deliveries) // 2:
                # The active worker dies in the middle of the burst, whatever it is doing.
                await wait_until(lambda: deliveries.stats(db).done > 0, "the first worker processed some")
                killed.kill()
                killed_at = time.monotonic()

        takeover = await wait_until(lambda: active_pid(db) == standby.pid, "the standby took over", timeout=TAKEOVER)
        assert takeover and time.monotonic() - killed_at < TAKEOVER

        def settled() -> bool:
            queue = deliveries.stats(db)
            pending = db.scalar("SELECT count(*) FROM outbox WHERE status = 'pending'")
            return queue.pending == 0 and pending == 0

        await wait_until(settled, "every delivery processed and every effect sent", timeout=240, every=0.5)

        # Every acknowledged delivery processed exactly once: done, one run that reached its outcome.
        rows = {r[0]: (r[1], r[2]) for r in db.query("SELECT id, status, runs FROM deliveries")}
        assert sorted(rows) == sorted(acknowledged)
        assert Counter(rows.values()) == {("done", 1): len(acknowledged)}
        # ... and the workers' own log lines agree: no delivery was processed to the end twice.
        processed = Counter(
            line["delivery_id"]
            for p in work
            for line in p.lines()
            if line["message"].startswith("delivery processed in")
        )
        assert max(processed.values()) == 1 and set(processed) <= set(acknowledged)
        assert not any("taken it over" in line["message"] for p in work for line in p.lines())
        assert any(line["message"].startswith("this process is the active worker") for line in standby.lines())

        # Every effect exists once on GitHub: the app's comments and issues, counted by their marker.
        bot = stand_in.state.user(f"{stand_in.state.app_slug}[bot]")
        written = Counter()
        for repo in stand_in.state.repos.values():
            for issue in repo.issues.values():
                bodies = [c.body for c in issue.comments if c.user_id == bot.id]
                if issue.user_id == bot.id:
                    bodies.append(issue.body)
                for text in bodies:
                    for key in [part.split(" -->")[0] for part in (text or "").split("<!-- ladder:")[1:]]:
                        written[key] += 1
        done = [r[0] for r in db.query("SELECT key FROM outbox WHERE status = 'done' AND kind IN ('comment', 'issue')")]
        assert done, "the story plans comments and issues"
        assert {key: written[key] for key in done} == {key: 1 for key in done}
        assert db.scalar("SELECT count(*) FROM outbox WHERE status != 'done'") == 0
        for base in bases:
            status, body = await health(session, base)
            assert status == 200 and body["workers"]["active"]["id"].split(":")[1] == str(standby.pid)
        for p in (*webs, *work):
            assert "Traceback" not in p.text() or p is killed
    finally:
        await session.close()
        for p in (*webs, *work):
            p.stop()
        await stand_in.close()
    check_violations(stand_in)
