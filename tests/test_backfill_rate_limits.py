"""The history import within GitHub's GraphQL budget: the reserved share, pauses until the reset, and
rate-limit errors that come with HTTP 200. Time is a fake clock that the fake sleep moves forward."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from app.backfill import jobs
from app.backfill.runner import Options, run_jobs
from app.github import GitHubClient, RetryPolicy
from tests.stores import open_test_database

INSTALLATION = 7


@dataclass
class Clock:
    """A clock that only moves when someone sleeps; records each sleep and the points used then."""

    now: float = field(default_factory=time.time)
    delays: list[float] = field(default_factory=list)
    used_at_pause: list[int] = field(default_factory=list)
    state: object = None

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.state is not None:
            self.used_at_pause.append(self.state.budget("graphql", INSTALLATION).used)
        self.now += seconds


@pytest.fixture
def clock(stand_in):
    c = Clock(state=stand_in.state)
    stand_in.state.clock = c
    return c


@pytest.fixture
def client(stand_in, app_key, clock, http_session):
    return GitHubClient(
        http_session,
        app_id=app_key.app_id,
        private_key=app_key.private_pem,
        api_url=stand_in.url,
        policy=RetryPolicy(sleep=clock.sleep, clock=clock),
        clock=clock,
    )


@pytest.fixture
def db(tmp_path):
    database = open_test_database(tmp_path / "ladder.db")
    yield database
    database.close()


def history(stand_in, clock, pull_requests: int):
    state = stand_in.state
    state.add_installation(INSTALLATION, "acme")
    repo = state.add_repo("acme/widgets")
    start = datetime.fromtimestamp(clock.now, timezone.utc).replace(microsecond=0)
    for i in range(pull_requests):
        state.add_pull_request("acme/widgets", author=f"dev{i}", created_at=start - timedelta(days=100 - i))
    since = jobs.iso(start - timedelta(days=365))
    return repo, since


def graphql_errors(stand_in) -> int:
    return sum(1 for r in stand_in.requests if r.path == "/graphql" and r.fault)


async def test_a_share_of_the_budget_is_left_for_live_work(stand_in, client, clock, db):
    stand_in.state.graphql_limit = 20
    repo, since = history(stand_in, clock, 30)
    jobs.schedule(db, [(repo.id, repo.full_name, INSTALLATION)], since=since, reason="cli")

    report = await run_jobs(db, client, options=Options(page_size=1, reserve=0.2, sleep=clock.sleep, clock=clock))

    assert report.pull_requests == 30
    assert db.execute("SELECT count(*) FROM pull_requests").fetchone()[0] == 30
    # One point a page: 16 spent, 4 (20%) left for the service, then a pause until the window resets.
    assert clock.used_at_pause == [16]
    assert len(clock.delays) == 1 and 3595 <= clock.delays[0] <= 3602
    assert not any(r.status != 200 for r in stand_in.requests if r.path == "/graphql")
    assert "RATE_LIMITED" not in str([r.body for r in stand_in.requests])


async def test_rate_limited_answers_with_http_200_pause_until_the_reset(stand_in, client, clock, db):
    repo, since = history(stand_in, clock, 5)
    jobs.schedule(db, [(repo.id, repo.full_name, INSTALLATION)], since=since, reason="cli")
    stand_in.state.graphql_rate_limited_next(2)

    report = await run_jobs(db, client, options=Options(page_size=2, sleep=clock.sleep, clock=clock))

    assert report.pull_requests == 5 and report.failed == []
    assert db.execute("SELECT count(*) FROM pull_requests").fetchone()[0] == 5
    assert len(clock.delays) == 2
    assert all(3595 <= d <= 3602 for d in clock.delays)
    assert jobs.get(db, repo.id).status == "done"


async def test_running_out_of_points_pauses_and_resumes(stand_in, client, clock, db):
    stand_in.state.graphql_limit = 3
    repo, since = history(stand_in, clock, 7)
    jobs.schedule(db, [(repo.id, repo.full_name, INSTALLATION)], since=since, reason="cli")

    report = await run_jobs(db, client, options=Options(page_size=1, reserve=0.0, sleep=clock.sleep, clock=clock))

    assert report.pull_requests == 7
    assert db.execute("SELECT count(*) FROM pull_requests").fetchone()[0] == 7
    assert clock.used_at_pause == [3, 3]  # every point of each window, none over
    assert jobs.get(db, repo.id).points == 7
