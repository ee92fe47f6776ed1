"""Issue 13, what to review next: the open pull requests a mentee's progress comment and `/ladder status`
list (not their own, not reviewed by them, substantial when the requirement asks, in scope, open; fewest
reviews first, then oldest), a mentor's pin first, and a non-mentor's pin refused — through the real service
with the stand-in as GitHub — plus the pure choice in ladder_rules/review_next.py."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.demo import sample, story
from app.stand_in import webhooks
from ladder_rules.builtin import builtin_ladder
from ladder_rules.definitions import Definitions
from ladder_rules.facts import LGTM, REVIEW, PullRequestFacts, PullRequestSignal, Scope
from ladder_rules.review_next import Need, next_need, suggest
from tests.conftest_github import check_violations
from tests.world import start_world, stop_world

ORG = sample.ORG
CODE, COMMUNITY = sample.CODE_REPO, sample.COMMUNITY_REPO
CONTROLLER = "pkg/controller/controller.go"


@pytest.fixture
async def world(tmp_path, app_key):
    w = await start_world(tmp_path, app_key)
    yield w
    await stop_world(w)
    check_violations(w.stand_in)


async def say(world, repo: str, number: int, login: str, body: str) -> str:
    delivery = world.act.comment(repo, number, login, body)
    await world.deliver(delivery)
    marker = f"<!-- ladder:reply:{repo}#{number}:{delivery[0][1]['comment']['id']} -->"
    (reply,) = [c.body for c in world.comments(repo, number) if marker in c.body]
    return reply.removesuffix("\n\n" + marker)


def review_section(body: str) -> list[str]:
    """The lines of "What to review next" in a progress text."""
    if "**What to review next**" not in body:
        return []
    after = body.split("**What to review next**\n", 1)[1]
    return after.split("\n\n", 1)[0].splitlines()


def alice_comment(world) -> str:
    (body,) = [c.body for c in world.comments(COMMUNITY, sample.TRACKING_ISSUE) if c.body.startswith("### @alice →")]
    return body


async def open_pr(world, author: str, *, days_ago: int, lines: int = 60, path: str = CONTROLLER, title=None) -> int:
    number, deliveries = world.act.open_pull_request(
        CODE, author, at=datetime.now(timezone.utc) - timedelta(days=days_ago), lines=lines, paths=(path,), title=title
    )
    await world.deliver(deliveries)
    return number


async def test_progress_comment_lists_open_substantial_unreviewed_prs_in_scope_fewest_reviews_then_oldest(world):
    now = datetime.now(timezone.utc)
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    # Alice has her 5 primary reviews but 15 of the 20 substantial PRs reviewed or merged.
    await world.deliver(story.alice_history(world.act, now, primary=5, reviewed=10))
    assert review_section(alice_comment(world)) == []  # nothing open yet

    middle = await open_pr(world, "dev-priya", days_ago=3, title="Retry @omar's <b>sync</b>")
    reviewed_once = await open_pr(world, "dev-tomas", days_ago=6)
    await world.deliver(world.act.review(CODE, reviewed_once, "lena", state="COMMENTED", at=now))
    oldest = await open_pr(world, "dev-wen", days_ago=4)
    await open_pr(world, "alice", days_ago=8)  # her own
    hers = await open_pr(world, "dev-wen", days_ago=9)
    await world.deliver(world.act.review(CODE, hers, "alice", state="COMMENTED", at=now))  # she reviewed it
    await open_pr(world, "dev-priya", days_ago=10, lines=8)  # small: not substantial
    await open_pr(world, "dev-tomas", days_ago=10, path="docs/README.md")  # outside pkg/controller
    closed = await open_pr(world, "dev-tomas", days_ago=11)
    pr = world.state.repo(CODE).issues[closed]
    pr.state, pr.closed_at = "closed", now
    await world.deliver([webhooks.pull_request(world.state, CODE, closed, "closed", sender="dev-tomas")])

    web = world.state.html_url
    need = "counts toward 15 of 20 PRs reviewed or merged"
    expected = [
        f"- [{CODE}#{oldest}]({web}/{CODE}/pull/{oldest}) Improve pkg/controller/controller.go — {need}: no review "
        f"yet, 60 lines (substantial); open since {(now - timedelta(days=4)).date()}",
        f"- [{CODE}#{middle}]({web}/{CODE}/pull/{middle}) Retry @&#8203;omar's &lt;b&gt;sync&lt;/b&gt; — {need}: "
        f"no review yet, 60 lines (substantial); open since {(now - timedelta(days=3)).date()}",
        f"- [{CODE}#{reviewed_once}]({web}/{CODE}/pull/{reviewed_once}) Improve pkg/controller/controller.go — "
        f"{need}: 1 reviewer so far, 60 lines (substantial); open since {(now - timedelta(days=6)).date()}",
    ]
    assert review_section(alice_comment(world)) == expected
    # `/ladder status` answers with the same list.
    status = await say(world, CODE, middle, "dev-wen", "/ladder status @alice")
    assert review_section(status) == expected
    assert "<b>" not in alice_comment(world) and "@omar" not in alice_comment(world)

    # A mentor pins an issue first; the progress comment shows it at once.
    issue = world.state.add_issue(COMMUNITY, title="Write the controller's review guide", author="omar")
    await world.deliver([webhooks.issues(world.state, COMMUNITY, issue.number, "opened", sender="omar")])
    link = f"{web}/{COMMUNITY}/issues/{issue.number}"
    assert await say(world, CODE, middle, "lena", f"/ladder suggest @alice {link}") == (
        f"Pinned {COMMUNITY}#{issue.number} first in @alice's list of what to review next "
        "(their progress comment and `/ladder status`)."
    )
    lines = review_section(alice_comment(world))
    assert lines[0] == (
        f"- [{COMMUNITY}#{issue.number}]({link}) Write the controller's review guide — pinned by mentor `lena`"
    )
    assert lines[1:] == expected
    assert await say(world, CODE, middle, "lena", f"/ladder suggest @alice {COMMUNITY}#{issue.number}") == (
        f"{COMMUNITY}#{issue.number} is already pinned for @alice; it stays first in their list of what to review next."
    )

    # Someone who is not a mentor of alice's cohort is refused politely, and nothing is pinned.
    assert await say(world, CODE, middle, "mallory", f"/ladder suggest @alice {web}/{CODE}/pull/{middle}") == (
        "@mallory, `/ladder suggest @login <link>` can only be used by a mentor of the person's cohort, so nothing "
        "was changed. Who may: @lena, @omar."
    )
    assert world.db.execute("SELECT repo, number FROM review_pins").fetchall() == [(COMMUNITY, issue.number)]
    assert await say(world, CODE, middle, "omar", "/ladder suggest @alice https://example.com/x") == (
        f"`/ladder suggest @login <link>` needs a link to a pull request or issue of {ORG} "
        f"(`https://…/{ORG}/REPO/pull/N` or `{ORG}/REPO#N`), not https://example.com/x, so nothing was changed."
    )


# --- the pure choice --------------------------------------------------------------------------------------

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
ME, OTHER = 1, 2


def pr(number, *, author=OTHER, lines=40, days_ago=5, signals=(), merged=False, paths=("pkg/a/x.go",)):
    at = NOW - timedelta(days=days_ago)
    return (
        PullRequestFacts(
            id=number,
            repo="o/r",
            number=number,
            url=f"https://github.com/o/r/pull/{number}",
            author_id=author,
            created_at=at,
            merged_at=at if merged else None,
            additions=lines,
            paths=paths,
            signals=tuple(PullRequestSignal(p, at, kind, "", state) for p, kind, state in signals),
        ),
        f"PR {number}",
    )


def test_suggest_excludes_own_reviewed_small_merged_and_out_of_scope_and_orders_by_reviews_then_age():
    need = Need("reviewed_or_merged", "reviewed_or_merged", 3, 20, True, Scope("o", "r", "pkg/a"))
    pulls = [
        pr(1, author=ME),
        pr(2, signals=[(ME, REVIEW, "COMMENTED")]),
        pr(3, lines=5),
        pr(4, merged=True),
        pr(5, paths=("docs/x.md",)),
        pr(6, paths=None),  # files unknown: not known to be in the folder
        pr(7, days_ago=2),
        pr(8, days_ago=9, signals=[(3, REVIEW, "COMMENTED"), (4, LGTM, None)]),
        pr(9, days_ago=1),
        pr(10, days_ago=3, signals=[(3, REVIEW, "COMMENTED")]),
    ]
    got = suggest(pulls, ME, need, Definitions())
    assert [(s.pull.number, s.reviewers) for s in got] == [(7, 0), (9, 0), (10, 1), (8, 2)]
    assert [s.pull.number for s in suggest(pulls, ME, need, Definitions(), limit=2)] == [7, 9]
    # Without the substantial rule the small one counts; for primary reviews a PR with an /lgtm does not.
    small = Need("primary_reviews", "primary_reviews", 1, 5, False, Scope("o", "r", "pkg/a"))
    assert [s.pull.number for s in suggest(pulls, ME, small, Definitions())] == [3, 7, 9, 10]


def test_the_next_need_is_the_first_unmet_requirement_that_reviewing_moves():
    ladder = builtin_ladder("kubernetes")
    evaluation = {
        "level": "reviewer",
        "scope": "o/r/pkg/a",
        "requirements": {
            "name": "all",
            "kind": "all",
            "children": [
                {"name": "tenure", "kind": "tenure", "met": False},  # time: reviewing does not move it
                {"name": "primary_reviews", "kind": "count", "have": 5, "need": 5, "met": True},
                {"name": "reviewed_or_merged", "kind": "count", "have": 7, "need": 20, "met": False},
            ],
        },
    }
    assert next_need(ladder, evaluation) == Need(
        "reviewed_or_merged", "reviewed_or_merged", 7, 20, True, Scope("o", "r", "pkg/a")
    )
    evaluation["requirements"]["children"][2]["met"] = True
    assert next_need(ladder, evaluation) is None
