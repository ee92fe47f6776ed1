"""`ladder demo` shows the cohort's rhythm (issue 11): the mid-term comment and the weekly digest, each
written once on the tracking issue by the service's rhythm pass, check-ins acknowledged with a 👍 (a second
one in the week replacing the first), and every file it mentions written, with the cohort's numbers."""

from __future__ import annotations

import csv
import io
import json
import re

from app.cli.demo import summary
from app.demo import sample
from app.outbox import get_by_key
from app.store import checkins, open_database

DIGEST = "<!-- ladder:digest:sample-org:widgets-controller-reviewers:"
MIDTERM = "<!-- ladder:midterm:sample-org:widgets-controller-reviewers -->"


def tracking_comments(run):
    return run.demo.state.repo(sample.COMMUNITY_REPO).issues[sample.TRACKING_ISSUE].comments


def login(run, comment) -> str:
    return run.demo.state.users[comment.user_id].login


def shown(body: str) -> str:
    return body.split("\n\n<!-- ladder:")[0]


def test_the_midterm_and_the_digest_are_posted_once_and_printed(demo_run):
    said = "\n".join(demo_run.said)
    comments = tracking_comments(demo_run)
    (midterm,) = [c for c in comments if MIDTERM in c.body]
    (digest,) = [c for c in comments if DIGEST in c.body]
    assert login(demo_run, midterm) == login(demo_run, digest) == "ladder[bot]"
    week = re.search(DIGEST + r"(\d{4}-W\d\d) -->", digest.body).group(1)

    head = shown(midterm.body).splitlines()[:3]
    assert head[:2] == ["## Mid-term · widgets-controller-reviewers", ""]
    # half of the 90-day term; a day later (46 days: 51 %) when the half-term day is the checkin_day
    assert re.fullmatch(r"(50|51) % of the term is gone \(\d+ \w+ \d{4}\): 0 of 3 mentees are on track\.", head[2])
    assert "| `bob` | Reviewer in `sample-org/widgets/pkg/controller` | ⚠️ at risk: " in midterm.body
    assert midterm.body.count("⚠️ at risk") == 3
    assert "Mentors @omar, @lena: please look at the mentees at risk." in midterm.body

    text = shown(digest.body)
    assert text.startswith(f"## Weekly digest · widgets-controller-reviewers · {week}\n")
    assert "· 3 mentees · check-ins: 2 of 3" in text
    sections = dict(re.findall(r"### `(\w+)` → .*?\n(.*?)(?=\n### |\n<sub>)", text, re.S))
    assert sorted(sections) == ["alice", "bob", "carol"]
    assert "> **Accomplishments:** reviewed the queue refactor\n> **Challenges:** none this week" in sections["alice"]
    # bob's second check-in of the week, after the digest came out, replaced his first in the same comment
    assert "> **Accomplishments:** three reviews, one primary\n> **Challenges:** flaky e2e tests" in sections["bob"]
    assert "two reviews" not in text
    assert "**Check-in:** no check-in yet" in sections["carol"]

    # exactly once in the outbox too, each sent (the demo waits for the outbox to drain)
    db = open_database(demo_run.where, read_only=True)
    try:
        for key in (MIDTERM, f"{DIGEST}{week} -->"):
            row = get_by_key(db, key.removeprefix("<!-- ladder:").removesuffix(" -->"))
            assert row is not None and row.status == "done", key
    finally:
        db.close()

    # what the demo printed: both comments as a mentor reads them, indented under the scene
    assert "  " + shown(midterm.body).replace("\n", "\n  ") in said
    assert "  " + text.replace("\n", "\n  ") in said
    assert f"/sample-org/community/issues/1#issuecomment-{digest.id}), edited in place:" in said


def test_checkins_get_a_thumbs_up_and_a_second_one_replaces_the_first(demo_run):
    bot = demo_run.demo.state.user("ladder[bot]")
    mine = [c for c in tracking_comments(demo_run) if c.body.startswith("/checkin")]
    assert [login(demo_run, c) for c in mine] == ["alice", "bob", "bob"]
    assert [c.reactions for c in mine] == [[(bot.id, "+1")]] * 3
    week = re.search(DIGEST + r"(\d{4}-W\d\d) -->", "\n".join(c.body for c in tracking_comments(demo_run))).group(1)
    db = open_database(demo_run.where, read_only=True)
    try:
        kept = checkins.of_week(db, sample.ORG, sample.COHORT, week)
    finally:
        db.close()
    assert sorted((c.login, c.comment_id) for c in kept.values()) == [("alice", mine[0].id), ("bob", mine[2].id)]
    assert [c.challenges for c in sorted(kept.values(), key=lambda c: c.login)] == ["none this week", "flaky e2e tests"]


def test_every_file_the_demo_mentions_is_written_with_the_cohorts_numbers(demo_run):
    out_dir = str(demo_run.result.out_dir)
    mentioned = [m for line in summary(demo_run.result) for m in re.findall(r"(?:^|\s)(/\S+)", line)]
    mentioned = [m for m in mentioned if m.startswith(out_dir)]
    names = sorted(m.removeprefix(out_dir + "/") for m in mentioned)
    expected = ["dashboard.html", "github.md"] + [f"cohort-{sample.COHORT}.{f}" for f in ("csv", "html", "json", "md")]
    if not isinstance(demo_run.where, str):
        expected.append("ladder.db")  # on PostgreSQL the database is its URL
    assert names == sorted(expected)
    report = {f: (demo_run.result.out_dir / f"cohort-{sample.COHORT}.{f}").read_text() for f in ("md", "csv", "json")}

    md = report["md"].splitlines()
    assert "- **Graduation rate:** 1 of 3 (33%)" in md
    assert "- **Check-ins:** 2" in md  # alice's and bob's second (his first was replaced)
    assert "- **Mentors:** omar, lena" in md

    rows = list(csv.DictReader(io.StringIO(report["csv"])))
    assert [(r["Mentee"], r["Check-ins"], r["Graduated"] != "no") for r in rows] == [
        ("alice", "1", True),
        ("bob", "1", False),
        ("carol", "0", False),
    ]

    data = json.loads(report["json"])
    assert (data["graduated"], data["checkins"], data["cohort"]["name"]) == (1, 2, sample.COHORT)
    assert [(m["login"], m["graduated"], m["checkins"]) for m in data["mentees"]] == [
        ("alice", True, 1),
        ("bob", False, 1),
        ("carol", False, 0),
    ]

    html = (demo_run.result.out_dir / f"cohort-{sample.COHORT}.html").read_text()
    assert html.startswith("<!DOCTYPE html>") or html.lower().startswith("<!doctype html>")
    assert sample.COHORT in html and "1 of 3 (33%)" in html


def test_the_scene_finds_its_days_whatever_the_weekday_the_demo_runs_on():
    """The scene's clock: the next checkin_day within the term, and a half-term moment that is due for the
    mid-term comment and is no digest day, for a demo run on each day of a week."""
    import importlib
    from datetime import date, datetime, time, timedelta, timezone

    from app.config.schema import parse_config
    from app.promotion import digest, rhythm

    scene = importlib.import_module("app.demo.scenes.45_rhythm")
    for offset in range(7):
        today = date(2026, 11, 30) + timedelta(days=offset)  # Monday … Sunday
        now = datetime.combine(today, time(10), timezone.utc)
        cohort = parse_config(sample.ladder_yml(now), "ladder.yml").cohorts[0]  # the demo's cohort that day
        day = scene.checkin_day(cohort, today)
        assert day.strftime("%A") == "Tuesday" and 1 <= (day.date() - today).days <= 7
        assert rhythm.digest_day(cohort, day) == day.date()
        half = scene.half_term(cohort)
        assert digest.midterm_due(cohort, half) and rhythm.digest_day(cohort, half) is None
        assert (half.date() - rhythm.midterm_day(cohort)).days == (1 if today.weekday() == 1 else 0)


def test_no_bot_and_no_bare_account_id_is_evaluated_in_the_demo(demo_run):
    """Ladder's own OWNERS pull requests carry its bot's id as their author; the bot is not among the
    people (bots never are), so it was evaluated under its bare id ("@100218 member … working")."""
    logins = [login for login, _level, _scope, _state in demo_run.result.progress]
    assert logins and all(not str(login).isdigit() and not str(login).endswith("[bot]") for login in logins)
    shown = "\n".join(summary(demo_run.result))
    assert "[bot]" not in shown.split("Progress:")[1].split("Readiness issues")[0]
