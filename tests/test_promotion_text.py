"""The text Ladder writes on GitHub, exactly as people read it (issue 11's "text people read, corrected",
issue 9's links): through the real service with the stand-in as GitHub, plus the pieces on their own."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from app.demo import sample, story
from app.github.urls import web_url_for
from app.markdown import day, tenure_words
from app.promotion.commands import COMMANDS
from app.stand_in import webhooks
from ladder_rules.evaluate import add_months
from tests.conftest_github import check_violations
from tests.stores import cli_args
from tests.world import make_approvable, start_world, stop_world

ORG = sample.ORG
COMMUNITY, CODE = sample.COMMUNITY_REPO, sample.CODE_REPO
SCOPE = f"{ORG}/widgets/pkg/controller"


@pytest.fixture
async def world(tmp_path, app_key):
    w = await start_world(tmp_path, app_key)
    yield w
    await stop_world(w)
    check_violations(w.stand_in)


def reply_to(world, repo: str, number: int, delivery) -> str:
    marker = f"<!-- ladder:reply:{repo}#{number}:{delivery[0][1]['comment']['id']} -->"
    (body,) = [c.body for c in world.comments(repo, number) if marker in c.body]
    return body.removesuffix("\n\n" + marker)


async def say(world, repo: str, number: int, login: str, body: str):
    comment = world.act.comment(repo, number, login, body)
    await world.deliver(comment)
    return comment


def progress(world, login: str) -> str:
    (comment,) = [c for c in world.comments(COMMUNITY, sample.TRACKING_ISSUE) if c.body.startswith(f"### @{login} →")]
    return comment.body


def member_since(days_ago: int) -> datetime:
    """A `members_since` date of the sample (midnight UTC, `days_ago` days before today)."""
    return datetime.combine((datetime.now(timezone.utc) - timedelta(days=days_ago)).date(), time(0), timezone.utc)


def test_web_links_come_from_the_api_url():
    assert web_url_for("https://api.github.com") == "https://github.com"
    assert web_url_for("https://api.github.com/") == "https://github.com"
    assert web_url_for("https://ghe.example.com/api/v3") == "https://ghe.example.com"
    assert web_url_for("https://ghe.example.com/api/v3/") == "https://ghe.example.com"
    assert web_url_for("http://127.0.0.1:8123") == "http://127.0.0.1:8123"


def test_time_is_said_in_months_and_dates():
    since, met = "2026-08-06T00:00:00+00:00", "2026-11-06T00:00:00+00:00"
    req = {"kind": "tenure", "have": 92, "need": 92, "met": True, "met_on": met, "since": since}
    assert (
        tenure_words({**req, "of_level": "member", "span": "3 months"}) == "member since 6 Aug 2026 · met on 6 Nov 2026"
    )
    assert (
        tenure_words({**req, "have": 10, "met": False, "of_level": "reviewer", "span": "3 months"}, strong=True)
        == "reviewer since 6 Aug 2026 · will be met on **6 Nov 2026**"
    )
    assert (
        tenure_words({**req, "met": True, "of_level": None, "span": "1 month"})
        == "contributing since 6 Aug 2026 · met on 6 Nov 2026"
    )
    not_yet = {"kind": "tenure", "have": 0, "need": 92, "met": False, "met_on": None, "since": None}
    assert (
        tenure_words({**not_yet, "of_level": "member", "span": "3 months"}, "2026-10-12T09:00:00+00:00")
        == "3 months from the first day as member: 12 Jan 2027 at the earliest"
    )
    assert tenure_words({"kind": "tenure", "have": None, "need": None, "met": None}) == (
        "start date unknown: for people to check"
    )


async def test_what_people_read_on_the_way_to_a_promotion(world, capsys, monkeypatch):
    from app.cli import main as ladder

    web = web_url_for(world.service.settings.github_api_url)
    await world.deliver([webhooks.installation_created(world.state, sample.INSTALLATION_ID, sender="maria")])
    await world.deliver(story.alice_history(world.act, datetime.now(timezone.utc)))
    (issue,) = world.issues_by_app(COMMUNITY)
    link = f"{web}/{COMMUNITY}/issues/{issue.number}"

    # The progress comment: time in dates, a link to the readiness issue as soon as it exists.
    since = member_since(200)
    text = progress(world, "alice")
    assert f"| ✅ | Member for 3 months | member since {day(since)} · met on {day(add_months(since, 3))} |" in text
    assert f"Every automatic requirement is met. Mentors now check the rest on the [readiness issue]({link})." in text
    assert f"\nReadiness issue: {link}\n" in text

    # The sponsor replies, in a sentence for every reason.
    mallory = await say(world, COMMUNITY, issue.number, "mallory", "+1")
    assert reply_to(world, COMMUNITY, issue.number, mallory) == (
        "Thank you, @mallory. Your sponsorship is noted but does not count toward the rule: `mallory` does not "
        f"hold approver over {SCOPE}. Who qualifies: @maria, @omar."
    )
    alice = await say(world, COMMUNITY, issue.number, "alice", "/sponsor")
    assert reply_to(world, COMMUNITY, issue.number, alice) == (
        "Thank you, @alice. Your sponsorship is noted but does not count toward the rule: `alice` cannot sponsor "
        "themselves. Who qualifies: @maria, @omar."
    )
    # A refusal says who may in one sentence, without help text pasted after it.
    refused = await say(world, COMMUNITY, issue.number, "mallory", "/ladder approve")
    assert reply_to(world, COMMUNITY, issue.number, refused) == (
        "@mallory, `/ladder approve` can only be used by an approver of the scope or a cohort mentor who holds at "
        "least the target level, so nothing was changed. Who may: @lena, @maria, @omar."
    )
    wrong = await say(world, COMMUNITY, sample.TRACKING_ISSUE, "omar", "/ladder approve")
    assert reply_to(world, COMMUNITY, sample.TRACKING_ISSUE, wrong) == (
        "@omar, `/ladder approve` works only on a readiness issue that Ladder opened, and this is not one, so "
        "nothing was changed. `/ladder help` lists every command and where it works."
    )
    helped = await say(world, CODE, 3, "dev-wen", "/ladder help")
    assert reply_to(world, CODE, 3, helped) == "Ladder's commands:\n\n" + COMMANDS.help_markdown()

    await make_approvable(world, COMMUNITY, issue.number)
    await say(world, COMMUNITY, issue.number, "omar", "/ladder approve")
    (pr,) = world.pulls_by_app(CODE)
    text = progress(world, "alice")
    assert "**Approved: the roster pull request is open.**" in text
    assert f"\nReadiness issue: {link} · Roster pull request: https://github.com/{CODE}/pull/{pr.number}\n" in text
    assert f"Readiness and evidence: {link} · approved by @omar" in pr.body

    # Promoted: the comment moves on to the next level and says what was just reached, with the link.
    await world.deliver(world.act.merge_branch(CODE, pr.number, by="omar"))
    today = day(datetime.now(timezone.utc))
    text = progress(world, "alice")
    assert text.startswith(
        f"### @alice → Approver in `{SCOPE}`\n"
        f"🎉 Promoted to **Reviewer** in `{SCOPE}` on {today} ([readiness issue]({link})).\n\n"
        "**Working toward it.** Cohort **widgets-controller-reviewers**, "
    )
    owners_since = world.db.execute(
        "SELECT since FROM holdings WHERE login = 'alice' AND level = 'reviewer'"
    ).fetchone()[0]
    started = datetime.fromisoformat(owners_since.replace("Z", "+00:00"))
    assert (
        f"| ⬜ | Reviewer for 3 months | reviewer since {day(started)} · will be met on **{day(add_months(started, 3))}** |"
        in text
    )

    # `ladder status`: the readiness issue, closed, is said to be closed.
    assert ladder(["status", "alice", *cli_args(world.service.settings.database, monkeypatch)]) == 0
    out = capsys.readouterr().out
    assert f'issue "alice is ready for reviewer in {SCOPE}" in {COMMUNITY} (closed)' in out
    assert "(closing it)" not in out
