"""The daily reconciliation and the history service inside the running webhook service."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestServer

from app.backfill import jobs
from app.backfill.runner import HistoryRunner, Options, reconcile, run_jobs
from app.server import make_app
from app.settings import Settings
from tests.conftest import SECRET, Service
from tests.payloads import load
from tests.stores import settings_for
from tests.test_backfill import INSTALLATION, ago, count, db, graphql_bodies, schedule, seed  # noqa: F401


def record_repository(db, repo) -> None:
    db.execute(
        "INSERT INTO repositories (id, full_name, owner, name, installation_id) VALUES (?, ?, ?, ?, ?)",
        [repo.id, repo.full_name, repo.owner, repo.name, INSTALLATION],
    )


async def test_a_missed_delivery_is_repaired_by_the_next_pass(stand_in, github_client, db):
    state = stand_in.state
    repo = seed(stand_in)
    record_repository(db, repo)
    for i in range(30):
        state.add_pull_request("acme/widgets", author=f"dev{i}", created_at=ago(200 - i))
    old = state.add_pull_request("acme/widgets", author="alice", created_at=ago(100))
    schedule(db, repo)
    await run_jobs(db, github_client, options=Options(page_size=5))
    assert count(db, "pull_requests") == 31

    # Deliveries GitHub never made: a comment on an old pull request and a new pull request.
    state.add_comment("acme/widgets", old.number, author="bob", body="/lgtm")
    state.add_pull_request("acme/widgets", author="carol")
    calls = []
    seen = len(graphql_bodies(stand_in))

    report = await reconcile(
        db, github_client, options=Options(page_size=5), on_imported=lambda org, repo_ids: calls.append((org, repo_ids))
    )

    assert report.pull_requests == 2
    assert count(db, "pull_requests") == 32
    assert count(db, "issue_comments", "lgtm = 1 AND issue_number = ?", [old.number]) == 1
    assert calls == [("acme", [repo.id])]
    # Only what changed since the last import was read: one page, not the seven of the first import.
    pages = [b for b in graphql_bodies(stand_in)[seen:] if "BackfillPullRequests" in b["query"]]
    assert len(pages) == 1
    passes = db.execute(
        "SELECT repositories, pull_requests, finished_at IS NOT NULL, error FROM reconcile_passes"
    ).fetchall()
    assert passes == [(1, 2, 1, None)]


async def test_a_pass_imports_a_followed_repository_never_imported(stand_in, github_client, db):
    repo = seed(stand_in)
    record_repository(db, repo)
    stand_in.state.add_pull_request("acme/widgets", author="alice", created_at=ago(30))
    stand_in.state.add_pull_request("acme/widgets", author="alice", created_at=ago(500))  # older than a year

    report = await reconcile(db, github_client)

    assert report.pull_requests == 1
    assert jobs.get(db, repo.id).status == "done"


async def test_installing_the_app_imports_history_in_the_background(stand_in, github_client, tmp_path):
    state = stand_in.state
    repo = seed(stand_in)
    pr = state.add_pull_request("acme/widgets", author="alice", created_at=ago(10), merged_at=ago(9))
    state.add_review("acme/widgets", pr.number, author="bob", state="APPROVED", at=ago(9.5))
    settings = Settings(webhook_secret=SECRET, **settings_for(tmp_path / "ladder.db"))
    server = TestServer(make_app(settings, github=github_client, processing="inline"), host="127.0.0.1")
    await server.start_server()
    import aiohttp

    service = Service(server, aiohttp.ClientSession(), settings)
    try:
        runner = service.processing.service("backfill")
        assert isinstance(runner, HistoryRunner)
        payload = load("installation/created")
        payload["installation"]["id"] = INSTALLATION
        payload["installation"]["account"]["login"] = "acme"
        payload["repositories"] = [{"id": repo.id, "name": repo.name, "full_name": repo.full_name, "private": False}]
        assert (await service.deliver("installation", payload)).status == 202
        await service.settle()
        assert service.count("backfill_jobs", "status = 'pending' AND reason = 'install'") == 1
        runner.notify()
        for _ in range(500):
            if service.count("backfill_jobs", "status = 'done'") == 1:
                break
            await asyncio.sleep(0.01)
        assert service.count("pull_requests") == 1 and service.count("reviews") == 1

        async with service.session.get(service.url("/healthz")) as response:
            health = (await response.json())["backfill"]
        assert health["repositories"] == {"pending": 0, "running": 0, "done": 1, "failed": 0}
        assert health["pull_requests"] == 1 and health["points"] >= 1 and health["dry_run"] is False
        async with service.session.get(service.url("/metrics")) as response:
            text = await response.text()
        assert 'ladder_backfill_repositories{status="done"} 1' in text
        assert "ladder_backfill_pull_requests 1" in text
    finally:
        await service.session.close()
        await server.close()


async def test_the_service_in_dry_run_reports_the_importer_idle(service):
    async with service.session.get(service.url("/healthz")) as response:
        health = (await response.json())["backfill"]
    assert health["dry_run"] is True and health["repositories"]["pending"] == 0
