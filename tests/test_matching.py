"""Issue 13, matching: a mentor per mentee by minimum-cost assignment (ladder_rules/matching.py), on
hand-built activity with a known best plan, and a case where greedy matching is worse."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from ladder_rules import matching
from ladder_rules.facts import LGTM, REVIEW, PullRequestFacts, PullRequestSignal
from ladder_rules.matching import Activity, Place, activity_of, hungarian, plan, total

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
A, B, C = 1, 2, 3  # mentees
X, Y, Z = 11, 12, 13  # mentors


def acts(**places) -> Activity:
    return Activity({Place(*key.split(":")) if ":" in key else Place(key): n for key, n in places.items()})


def pr(number, author, path, reviewers, *, days_ago=10, repo="o/widgets") -> PullRequestFacts:
    at = NOW - timedelta(days=days_ago)
    return PullRequestFacts(
        id=number,
        repo=repo,
        number=number,
        url=f"https://github.com/{repo}/pull/{number}",
        author_id=author,
        created_at=at,
        merged_at=None,
        additions=40,
        paths=(path,),
        signals=tuple(PullRequestSignal(r, at + timedelta(hours=1), kind, "") for r, kind in reviewers),
    )


def test_activity_counts_owners_folders_and_repositories_in_the_window():
    prs = [
        pr(1, A, "pkg/controller/a.go", [(X, LGTM)]),
        pr(2, A, "pkg/controller/deep/b.go", [(X, REVIEW)]),
        pr(3, B, "docs/readme.md", [(Y, LGTM), (A, REVIEW)]),
        pr(4, A, "pkg/controller/c.go", [(Y, LGTM)], days_ago=200),  # older than six months
    ]
    folders = {"o/widgets": ["pkg/controller", "pkg"]}
    since = NOW - timedelta(days=183)
    mentees = activity_of(prs, since, folders)
    mentors = activity_of(prs, since, folders, reviews_only=True)
    assert mentees[A].places == {
        Place("o/widgets"): 3,
        Place("o/widgets", "pkg/controller"): 2,
        Place("o/widgets", ""): 1,
    }
    assert mentors[X].places == {Place("o/widgets"): 2, Place("o/widgets", "pkg/controller"): 2}
    assert Y in mentors and B not in mentors  # authors are not counted as reviewers
    # Folder overlap weighs three times a repository's: X shares 2 PRs in the folder and 2 in the repo.
    assert matching.score(mentors[X], mentees[A]) == 2 * 3 + 2
    assert matching.score(mentors[Y], mentees[A]) == 1 * 3 + 1  # the root OWNERS and the repository


def test_a_known_best_plan_with_reasons():
    activity = {
        A: acts(**{"o/r": 10, "o/r:pkg/api": 8}),
        B: acts(**{"o/r": 6, "o/r:pkg/ui": 6}),
        C: acts(**{"o/s": 4}),
    }
    mentors = {
        X: acts(**{"o/r": 20, "o/r:pkg/api": 20}),
        Y: acts(**{"o/r": 5, "o/r:pkg/ui": 9}),
        Z: acts(**{"o/s": 3}),
    }
    proposals = plan([A, B, C], [X, Y, Z], 1, activity, mentors)
    assert [(p.mentee, p.mentor, p.score) for p in proposals] == [(A, X, 8 * 3 + 10), (B, Y, 6 * 3 + 5), (C, Z, 3)]
    assert [str(s.place) for s in proposals[0].shared] == ["o/r/pkg/api", "o/r"]
    assert proposals[0].shared[0].mentor == 20 and proposals[0].shared[0].mentee == 8


def greedy(mentees, mentors, per_mentor, activity, mentor_activity):
    """First-fit: each mentee in turn takes the best mentor with a free slot."""
    load = dict.fromkeys(mentors, 0)
    out = {}
    for e in mentees:
        free = [m for m in mentors if load[m] < per_mentor]
        best = max(free, key=lambda m: matching.score(mentor_activity[m], activity[e]))
        load[best] += 1
        out[e] = matching.score(mentor_activity[best], activity[e])
    return sum(out.values())


def test_greedy_first_fit_is_worse_and_the_assignment_is_not():
    # A is close to both mentors (X a little closer), B only to X: first-fit gives X to A and leaves B
    # with Y, who shares little with B.
    activity = {A: acts(**{"o/r": 5, "o/r:pkg/x": 1}), B: acts(**{"o/r": 4, "o/r:pkg/x": 4})}
    mentors = {X: acts(**{"o/r": 9, "o/r:pkg/x": 9}), Y: acts(**{"o/r": 5})}
    proposals = plan([A, B], [X, Y], 1, activity, mentors)
    assert [(p.mentee, p.mentor) for p in proposals] == [(A, Y), (B, X)]
    assert total(proposals) == 5 + (4 * 3 + 4)  # 21
    assert greedy([A, B], [X, Y], 1, activity, mentors) == (1 * 3 + 5) + 4  # 12


def test_capacity_spreads_mentees_and_leaves_out_only_beyond_the_slots():
    activity = {A: acts(**{"o/r": 1}), B: acts(**{"o/r": 1}), C: acts(**{"o/r": 1})}
    mentors = {X: acts(**{"o/r": 1}), Y: acts(**{"o/r": 1})}
    two_each = plan([A, B, C], [X, Y], 2, activity, mentors)
    assert sorted(p.mentor for p in two_each) == [X, X, Y] or sorted(p.mentor for p in two_each) == [X, Y, Y]
    one_each = plan([A, B, C], [X, Y], 1, activity, mentors)
    assert sorted(p.mentor for p in one_each if p.mentor) == [X, Y]
    assert [p.mentor for p in one_each].count(None) == 1
    # No shared activity at all: everyone still gets a mentor, spread evenly.
    nobody = plan([A, B], [X, Y], 3, {}, {})
    assert sorted(p.mentor for p in nobody) == [X, Y] and total(nobody) == 0


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 10**6))
def test_hungarian_finds_the_minimum_of_every_assignment(rows, extra, seed):
    rnd = random.Random(seed)
    cols = rows + extra - 1 if rows + extra - 1 >= rows else rows
    cost = [[rnd.randint(-20, 20) for _ in range(cols)] for _ in range(rows)]
    chosen = hungarian(cost)
    assert len(set(chosen)) == rows
    best = min(sum(cost[i][j] for i, j in enumerate(p)) for p in itertools.permutations(range(cols), rows))
    assert sum(cost[i][j] for i, j in enumerate(chosen)) == best
