"""Stored deliveries whose payload a handler cannot use (issue 8 item 9, processing part): a wrong type is
kept as failed at once with its reason, a passing fault is still retried, and the users GitHub may send
as `null` (a deleted account) never fail a delivery."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from http import HTTPStatus

import gidgethub
import psycopg
import psycopg_pool
import pytest
from gidgethub import routing

from app.demo import sample
from app.server.failures import is_payload_error
from app.server.metrics import Metrics
from app.server.worker import Worker
from app.stand_in import webhooks
from app.store import deliveries
from tests.conftest_github import check_violations
from tests.payloads import load
from tests.stores import open_test_database
from tests.world import start_world, stop_world

COMMUNITY = sample.COMMUNITY_REPO


@pytest.mark.parametrize(
    "change, error",
    [
        (lambda p: p.update(pull_request="not an object"), "AttributeError"),
        (lambda p: p["pull_request"].update(number={"n": 1}), "TypeError"),
        (lambda p: p["repository"].update(id=[1]), "TypeError"),
        (lambda p: p["pull_request"].update(title={"t": 1}), "ProgrammingError"),
    ],
)
async def test_a_payload_of_the_wrong_shape_is_kept_as_failed_at_once_with_its_reason(service, change, error):
    payload = load("pull_request/opened")
    change(payload)
    assert (await service.deliver("pull_request", payload, delivery_id="wrong")).status == 202
    await service.settle()
    row = deliveries.get(service.db, "wrong")
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error.startswith(error)
    async with service.session.get(service.url("/healthz")) as resp:
        health = await resp.json()
    assert (health["failed_deliveries"], health["queue_depth"]) == (1, 0)
    # The queue goes on: the next delivery is processed.
    assert (await service.deliver("pull_request", load("pull_request/opened"), delivery_id="next")).status == 202
    await service.settle()
    assert deliveries.get(service.db, "next").status == "done"


@pytest.mark.parametrize(
    "error, payload_error",
    [
        (TypeError("'NoneType' object is not subscriptable"), True),
        (KeyError("user"), True),
        (UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"), True),
        (sqlite3.InterfaceError("Error binding parameter 1"), True),
        (RecursionError("maximum recursion depth exceeded"), True),
        (sqlite3.OperationalError("database is locked"), False),
        (sqlite3.OperationalError("disk I/O error"), False),
        (ConnectionResetError(), False),
        (TimeoutError(), False),
        (gidgethub.BadRequest(HTTPStatus(422)), False),
        (RuntimeError("GitHub answered 502"), False),
        # PostgreSQL (psycopg): the database passing by is retried, a value it refuses is not.
        (psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly"), False),
        (psycopg.errors.SerializationFailure("could not serialize access due to concurrent update"), False),
        (psycopg.errors.DeadlockDetected("deadlock detected"), False),
        (psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"), False),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), False),
        (psycopg.errors.AdminShutdown("terminating connection due to administrator command"), False),
        (psycopg_pool.PoolTimeout("couldn't get a connection after 30.00 sec"), False),
        (psycopg.errors.UniqueViolation("duplicate key value violates unique constraint"), False),
        (psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"), True),
        (psycopg.errors.NumericValueOutOfRange("value out of range for type bigint"), True),
        (psycopg.errors.NotNullViolation('null value in column "login" violates not-null constraint'), True),
        (psycopg.ProgrammingError("cannot adapt type 'dict' using placeholder '%s' (format: AUTO)"), True),
    ],
)
async def test_only_payload_errors_skip_the_retries(tmp_path, error, payload_error):
    assert is_payload_error(error) is payload_error
    db = open_test_database(tmp_path / "ladder.db")
    router = routing.Router()

    @router.register("pull_request")
    async def fail(event, ctx):
        raise error

    deliveries.enqueue(db, "d", "pull_request", b"{}", {})
    worker = Worker(db, router, lambda delivery_id: None, Metrics())
    assert await worker.step()
    row = deliveries.get(db, "d")
    assert (row.status, row.attempts) == (("failed", 1) if payload_error else ("pending", 1))
    assert row.last_error.startswith(type(error).__name__)


# ------------------------------------------------------------------------------------ nullable users
@pytest.fixture
async def world(tmp_path, app_key):
    w = await start_world(tmp_path, app_key)
    yield w
    await stop_world(w)
    check_violations(w.stand_in)


def _nulled(deliveries_: list, *paths: str) -> list:
    out = []
    for event, payload in deliveries_:
        for path in paths:
            target = payload
            *parents, last = path.split(".")
            for name in parents:
                target = target.get(name) or {}
            if last in target:
                target[last] = None
        out.append((event, payload))
    return out


async def test_users_github_sends_as_null_never_fail_a_delivery(world):
    """A deleted account comes as `"user": null` in comments, reviews, pull requests and as the sender.
    `world.deliver` fails the test if any delivery's handler raised."""
    act, state = world.act, world.state
    now = datetime.now(timezone.utc)
    await world.deliver([webhooks.installation_created(state, sample.INSTALLATION_ID, sender="maria")])
    number, opened = act.open_pull_request(sample.CODE_REPO, "alice", at=now)
    await world.deliver(_nulled(opened, "pull_request.user", "sender"))
    await world.deliver(_nulled(act.review(sample.CODE_REPO, number, "bob", at=now), "review.user", "comment.user"))
    for body in ("/ladder status", "/checkin: did reviews", "/lgtm", "+1"):
        comment = act.comment(COMMUNITY, sample.TRACKING_ISSUE, "alice", body)
        await world.deliver(_nulled(comment, "comment.user", "sender", "issue.user"))
    await world.deliver(
        _nulled(act.edit_issue_body(COMMUNITY, sample.TRACKING_ISSUE, "edited", by="omar"), "sender", "issue.user")
    )
    rows = world.db.execute("SELECT status, count(*) FROM deliveries GROUP BY status").fetchall()
    assert rows == [("done", len(world.delivered))]
    # Nobody was answered on behalf of a user who does not exist.
    assert [c for c in world.comments(COMMUNITY, sample.TRACKING_ISSUE) if "has not seen" in c.body] == []
