"""Nominating everyone who qualifies, through the real service and the stand-in: a contributor outside any
cohort gets a readiness issue; `nominate: cohorts` and `nobody` keep them out; `nominate_limit` holds the
rest back and the daily pass opens them in later weeks, oldest qualification first; only people active in
the last 90 days are nominated (and someone kept out who comes back is); `/ladder optout` closes the issue;
issues and comments on them count the moment they arrive."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.demo import sample, story
from tests.conftest_github import check_violations
from tests.world import start_world, stop_world

ORG = sample.ORG
COMMUNITY = sample.COMMUNITY_REPO


@pytest.fixture
async def world(tmp_path, app_key):
    w = await start_world(tmp_path, app_key)
    yield w
    await stop_world(w)
    check_violations(w.stand_in)


def configure(world, extra: str) -> None:
    yml = sample.ladder_yml(datetime.now(timezone.utc)).replace("ladder: kubernetes", "ladder: opentelemetry")
    world.state.commit(sample.CONFIG_REPO, "main", {".github/ladder.yml": extra + yml}, message="Ladder configuration")


async def story_played(world, extra: str = "") -> list[str]:
    from app.stand_in import webhooks

    configure(world, extra)
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    await world.deliver(story.alice_history(world.act, datetime.now(timezone.utc), primary=1, reviewed=0))
    return sorted(i.title for i in world.issues_by_app(COMMUNITY))


# alice is the cohort's mentee (her scope is the cohort's); dev-priya and omar are in no cohort, and with no
# CODEOWNERS file anywhere the organisation is the most specific scope they qualify in.
READY = [
    "alice is ready for reviewer in sample-org/widgets",
    "dev-priya is ready for reviewer in sample-org",
    "omar is ready for reviewer in sample-org",
]


async def test_a_contributor_outside_the_cohort_is_nominated_in_the_folder_where_she_qualifies(world):
    assert await story_played(world) == READY
    (priya,) = [i for i in world.issues_by_app(COMMUNITY) if i.title.startswith("dev-priya ")]
    assert priya.state == "open"


async def test_nominate_cohorts_nominates_only_mentees(world):
    assert await story_played(world, "nominate: cohorts\n") == READY[:1]


async def test_nominate_nobody_opens_no_readiness_issue_for_anyone_outside_a_cohort(world):
    titles = await story_played(world, "nominate: nobody\n")
    assert not [t for t in titles if t.startswith("dev-priya ")]


async def test_the_weekly_limit_holds_back_the_rest(world):
    titles = await story_played(world, "nominate_limit: 0\n")
    assert titles == READY[:1]
    assert world.db.execute("SELECT COUNT(*) FROM nominations WHERE week IS NULL").fetchone()[0] == 2


async def test_optout_closes_the_open_readiness_issue(world):
    await story_played(world)
    (priya,) = [i for i in world.issues_by_app(COMMUNITY) if i.title.startswith("dev-priya ")]
    await world.deliver(world.act.comment(COMMUNITY, priya.number, "dev-priya", "/ladder optout"))
    (priya,) = [i for i in world.issues_by_app(COMMUNITY) if i.title.startswith("dev-priya ")]
    assert priya.state == "closed"
    assert world.db.execute("SELECT COUNT(*) FROM opt_outs").fetchone()[0] == 1
    await world.deliver(world.act.comment(COMMUNITY, priya.number, "dev-priya", "/ladder optin"))
    assert world.db.execute("SELECT COUNT(*) FROM opt_outs").fetchone()[0] == 0
    (priya,) = [i for i in world.issues_by_app(COMMUNITY) if i.title.startswith("dev-priya ")]
    assert priya.state == "open"


async def test_a_waiting_nomination_is_opened_in_a_later_week_oldest_first(world):
    from datetime import timedelta

    from app.promotion import nomination
    from app.promotion.setup import org_setup
    from app.server.web import PROCESSING

    assert len(await story_played(world, "nominate_limit: 1\n")) == 2  # alice (the cohort's) and one more
    waiting = world.db.execute("SELECT person_id, qualified_at FROM nominations WHERE week IS NULL").fetchall()
    assert len(waiting) == 1
    ctx = world.service.server.app[PROCESSING].make_context("test")
    setup = await org_setup(ctx, ORG)
    assert nomination.release_waiting(ctx, setup) == []  # this week is full
    (released,) = nomination.release_waiting(ctx, setup, datetime.now(timezone.utc) + timedelta(days=7))
    assert released.person_id == waiting[0][0]
    await world.settle()
    assert sorted(i.title for i in world.issues_by_app(COMMUNITY)) == READY


# --- the weekly limit and the 90-day window, over weeks, through the daily pass's evaluation -------------


def titles(world) -> list[str]:
    return sorted(i.title for i in world.issues_by_app(COMMUNITY))


def ready(login: str) -> str:
    return f"{login} is ready for reviewer in {ORG}"


async def installed_with(world, extra: str) -> None:
    """OpenTelemetry's reviewer has no automatic numbers: a member who acts qualifies at once."""
    from app.stand_in import webhooks

    configure(world, extra)
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])


async def says(world, login: str, at: datetime | None = None) -> None:
    """A comment on the community repository's tracking issue: counted activity for `login`."""
    await world.deliver(world.act.comment(COMMUNITY, sample.TRACKING_ISSUE, login, "Thanks, this helps.", at=at))


async def daily_pass(world, at: datetime) -> None:
    """What the daily pass runs after its import (app/server/processing.py), on the day `at`."""
    from app.promotion.progress import after_import
    from app.server.web import PROCESSING

    await after_import(world.service.server.app[PROCESSING].make_context("daily"), ORG, now=at)
    await world.settle()


def next_monday(now: datetime) -> datetime:
    """Noon on the Monday that starts the ISO week after `now`'s."""
    from datetime import time, timedelta

    monday = now.date() + timedelta(days=7 - now.weekday())
    return datetime.combine(monday, time(12), timezone.utc)


async def test_limit_one_opens_one_a_week_oldest_qualification_first(world):
    from datetime import timedelta

    await installed_with(world, "nominate_limit: 1\n")
    await says(world, "omar")  # the first to qualify: this week's one
    assert titles(world) == [ready("omar")]
    for login in ("dev-wen", "dev-tomas", "dev-priya"):  # each qualifies with their first comment, in this order
        await says(world, login)
    assert titles(world) == [ready("omar")]
    waiting = world.db.execute("SELECT COUNT(*) FROM nominations WHERE week IS NULL").fetchone()[0]
    assert waiting == 3
    await daily_pass(world, datetime.now(timezone.utc))  # this week is full
    assert titles(world) == [ready("omar")]
    opened = ["omar"]
    week = next_monday(datetime.now(timezone.utc))
    for login in ("dev-wen", "dev-tomas", "dev-priya"):
        await daily_pass(world, week)  # a new week has room for one: the oldest qualification waiting
        await daily_pass(world, week + timedelta(days=2))  # and only one
        opened.append(login)
        assert titles(world) == sorted(ready(x) for x in opened)
        week += timedelta(days=7)
    assert world.db.execute("SELECT COUNT(*) FROM nominations WHERE week IS NULL").fetchone()[0] == 0


async def test_only_people_active_in_the_last_90_days_are_nominated(world):
    from datetime import timedelta

    await installed_with(world, "")
    now = datetime.now(timezone.utc)
    await says(world, "dev-wen", at=now - timedelta(days=91))  # qualifies on old work alone: not pinged
    await says(world, "dev-tomas", at=now - timedelta(days=89))
    assert titles(world) == sorted([ready("omar"), ready("dev-tomas")])
    stored = world.db.execute(
        "SELECT e.state FROM evaluations e JOIN people p ON p.id = e.person_id WHERE p.login = 'dev-wen'"
    ).fetchall()
    assert stored == [("ready",)]  # evaluated and shown as ready; only the issue is withheld
    await says(world, "dev-wen")  # back: nominated
    assert titles(world) == sorted([ready("omar"), ready("dev-wen"), ready("dev-tomas")])


async def test_a_waiting_nomination_is_dropped_when_its_person_is_no_longer_active(world):
    from datetime import timedelta

    await installed_with(world, "nominate_limit: 1\n")
    now = datetime.now(timezone.utc)
    await says(world, "dev-tomas", at=now - timedelta(days=80))  # active 80 days ago: waits behind omar
    await says(world, "dev-wen")  # waits behind dev-tomas
    assert world.db.execute("SELECT COUNT(*) FROM nominations WHERE week IS NULL").fetchone()[0] == 2
    # In the week that has room, dev-tomas's last activity is more than 90 days old: dropped, and dev-wen,
    # next in line, gets the week's readiness issue.
    await daily_pass(world, next_monday(now + timedelta(days=10)))
    assert titles(world) == sorted([ready("omar"), ready("dev-wen")])
    assert world.db.execute("SELECT COUNT(*) FROM nominations WHERE week IS NULL").fetchone()[0] == 0


async def test_an_issue_or_a_comment_on_one_counts_as_soon_as_it_arrives(world):
    """After the first delivery has built the index, carol (no member yet) opens an issue and comments on it:
    the member level's contributions count both at once, without waiting for a rebuild."""
    from app.evaluations import stored
    from app.markdown import leaves
    from app.stand_in import webhooks

    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    await says(world, "carol")
    carol = world.state.user("carol").id

    def contributions() -> int:
        (evaluation,) = stored(world.db, carol, "member")
        (count,) = [r for r in leaves(evaluation["requirements"]) if r["name"] == "contributions"]
        return count["have"]

    assert contributions() == 1
    issue = world.state.add_issue(COMMUNITY, title="Docs: the setup page is out of date", author="carol")
    await world.deliver([webhooks.issues(world.state, COMMUNITY, issue.number, "opened", sender="carol")])
    assert contributions() == 2
    await world.deliver(world.act.comment(COMMUNITY, issue.number, "carol", "I can send a fix."))
    assert contributions() == 3


async def test_every_owners_folder_is_read_and_a_reviewer_is_nominated_in_the_most_specific_one(world):
    """Kubernetes' ladder: at installation Ladder reads every OWNERS file of the organisation's repositories
    (one tree read each), not only the cohort's; dev-priya, in no cohort, meets the reviewer bar with work
    under pkg/api, which has an OWNERS file of its own: she is nominated there."""
    from datetime import timedelta

    from app.stand_in import webhooks

    api_owners = "approvers:\n  - maria\nreviewers:\n  - maria\n"
    world.state.commit(sample.CODE_REPO, "main", {"pkg/api/OWNERS": api_owners}, message="Owners for pkg/api")
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    held = world.db.execute("SELECT login, level, scope FROM holdings ORDER BY scope, level, login").fetchall()
    code = f"{ORG}/widgets"
    assert [h for h in held if h[2] in (code, f"{code}/pkg/api")] == [
        ("maria", "approver", code),
        ("omar", "approver", code),
        ("lena", "reviewer", code),
        ("maria", "reviewer", code),
        ("omar", "reviewer", code),
        ("maria", "approver", f"{code}/pkg/api"),
        ("omar", "approver", f"{code}/pkg/api"),
        ("lena", "reviewer", f"{code}/pkg/api"),
        ("maria", "reviewer", f"{code}/pkg/api"),
        ("omar", "reviewer", f"{code}/pkg/api"),
    ]
    now = datetime.now(timezone.utc)
    deliveries = []
    for i in range(20):
        first = [("dev-priya", "lgtm")] if i < 5 else [("lena", "lgtm"), ("dev-priya", "review")]
        author, at = ("dev-tomas", "dev-wen")[i % 2], now - timedelta(days=60 - 2 * i)
        deliveries += story.merged_pull_request(
            world.act, author, at, [*first, ("maria", "approve")], path="pkg/api/types.go"
        )
    await world.deliver(deliveries)
    assert titles(world) == [f"dev-priya is ready for reviewer in {code}/pkg/api"]


async def test_an_owners_file_added_later_is_a_folder_from_its_push_on_and_deleted_is_none(world):
    from app.server.web import PROCESSING
    from app.stand_in import webhooks
    from tests.test_promotion_rules import human_push

    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    api = f"{ORG}/widgets/pkg/api"
    assert world.db.execute("SELECT COUNT(*) FROM holdings WHERE scope = ?", [api]).fetchone()[0] == 0
    owners = "approvers:\n  - maria\nreviewers:\n  - dev-tomas\n"
    await world.deliver(human_push(world, sample.CODE_REPO, {"pkg/api/OWNERS": owners}, by="maria"))
    held = world.db.execute("SELECT login, level FROM holdings WHERE scope = ? ORDER BY level, login", [api]).fetchall()
    # its own lists and, as Prow reads it, the root OWNERS above it
    assert held == [
        ("maria", "approver"),
        ("omar", "approver"),
        ("dev-tomas", "reviewer"),
        ("lena", "reviewer"),
        ("maria", "reviewer"),
        ("omar", "reviewer"),
    ]
    # The file is deleted: pkg/api is no longer a folder; dev-tomas, listed only there, is recorded as
    # taken off; the others still hold their levels through the root OWNERS.
    await world.deliver(human_push(world, sample.CODE_REPO, {"pkg/api/OWNERS": None}, by="maria"))
    assert world.db.execute("SELECT COUNT(*) FROM holdings WHERE scope = ?", [api]).fetchone()[0] == 0
    ends = world.db.execute("SELECT login, level, scope FROM holding_ends").fetchall()
    assert ends == [("dev-tomas", "reviewer", api)]
    assert "pkg/api" not in world.service.server.app[PROCESSING].make_context("t").evaluator.folders(ORG).by_repo.get(
        f"{ORG}/widgets", ()
    )
