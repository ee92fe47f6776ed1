"""The sample organisation's recent history, as the deliveries GitHub sent.

Over the cohort's term: alice reviews steadily in pkg/controller and crosses the reviewer bar; bob is
halfway there; carol, not yet an org member, lands her first pull request and keeps contributing for
over a month (Kubernetes' member level asks for more than one drive-by pull request). Contributors dev-priya,
dev-tomas and dev-wen write the pull requests; lena and omar review and approve them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.demo.actions import Actions, Delivery
from app.demo.sample import CODE_REPO, SCOPE_PATH

AUTHORS = ["dev-priya", "dev-tomas", "dev-wen"]


def merged_pull_request(
    act: Actions,
    author: str,
    at: datetime,
    reviewers: list[tuple[str, str]],
    *,
    lines: int = 60,
    path: str = f"{SCOPE_PATH}/controller.go",
    merged_by: str = "omar",
) -> list[Delivery]:
    """One merged pull request: opened at `at`, then each (login, act) in order, merged two days later.
    An act is "lgtm", "approve", "review" (a COMMENTED review with an inline comment) or "comment"."""
    number, out = act.open_pull_request(CODE_REPO, author, at=at, lines=lines, paths=(path,))
    for i, (login, kind) in enumerate(reviewers):
        when = at + timedelta(hours=6 * (i + 1))
        if kind == "lgtm":
            out += act.comment(CODE_REPO, number, login, "Looks good, thank you.\n\n/lgtm", at=when)
        elif kind == "approve":
            out += act.comment(CODE_REPO, number, login, "/approve", at=when)
        elif kind == "review":
            out += act.review(
                CODE_REPO, number, login, state="COMMENTED", at=when, comments=[(path, "Could this loop return early?")]
            )
        else:
            out += act.comment(CODE_REPO, number, login, "Thanks for the fix!", at=when)
    out += act.merge_history(CODE_REPO, number, at=at + timedelta(days=2), by=merged_by)
    return out


def alice_history(act: Actions, now: datetime, *, primary: int = 5, reviewed: int = 15) -> list[Delivery]:
    """Alice is the first to /lgtm `primary` pull requests and reviews `reviewed` more after lena's
    /lgtm: with 20 substantial merged PRs reviewed she meets Kubernetes' reviewer bar."""
    out: list[Delivery] = []
    start = now - timedelta(days=70)
    for i in range(primary):
        out += merged_pull_request(
            act, AUTHORS[i % 3], start + timedelta(days=2 * i), [("alice", "lgtm"), ("omar", "approve")]
        )
    for i in range(reviewed):
        out += merged_pull_request(
            act,
            AUTHORS[i % 3],
            start + timedelta(days=2 * (primary + i)),
            [("lena", "lgtm"), ("alice", "review"), ("omar", "approve")],
        )
    return out


def others_history(act: Actions, now: datetime) -> list[Delivery]:
    """Bob reviews a little; carol (not an org member yet) gets her first pull request merged and goes on
    contributing: 2 more pull requests and 8 comments make the 10 contributions over more than a month that
    the member level asks; a small cleanup and a docs change show what does not count."""
    out: list[Delivery] = []
    start = now - timedelta(days=60)
    for i in range(3):
        out += merged_pull_request(
            act, AUTHORS[(i + 1) % 3], start + timedelta(days=3 * i), [("bob", "lgtm"), ("omar", "approve")]
        )
    for i in range(4):
        out += merged_pull_request(
            act,
            AUTHORS[i % 3],
            start + timedelta(days=3 * i + 1),
            [("lena", "lgtm"), ("bob", "review"), ("omar", "approve")],
        )
    for i in range(3):
        out += merged_pull_request(
            act, "carol", start + timedelta(days=20 + 12 * i), [("lena", "lgtm"), ("omar", "approve")]
        )
    for i in range(8):
        out += merged_pull_request(
            act, AUTHORS[i % 3], start + timedelta(days=22 + 4 * i), [("carol", "comment"), ("omar", "approve")]
        )
    out += merged_pull_request(
        act, "dev-wen", start + timedelta(days=25), [("bob", "lgtm"), ("omar", "approve")], lines=8
    )
    out += merged_pull_request(
        act, "dev-tomas", start + timedelta(days=26), [("bob", "lgtm"), ("maria", "approve")], path="docs/README.md"
    )
    return out
