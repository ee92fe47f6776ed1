"""The metrics index: incremental updates give exactly what a rebuild from scratch gives."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from ladder_rules.definitions import Definitions
from ladder_rules.facts import (
    APPROVE,
    COMMENT,
    LGTM,
    LGTM_CANCEL,
    REVIEW,
    REVIEW_COMMENT,
    Facts,
    Person,
    PullRequestFacts,
    PullRequestSignal,
    Scope,
)
from ladder_rules.format import METRICS
from ladder_rules.metrics import build_index
from tests.ladder_builders import FactsBuilder, day

PEOPLE = (1, 2, 3, 4)
SCOPES = (Scope("o"), Scope("o", "a"), Scope("o", "a", "pkg"), Scope("o", "b"))
KINDS = (REVIEW, REVIEW_COMMENT, LGTM, LGTM_CANCEL, APPROVE, COMMENT)


@st.composite
def pull_requests(draw, pr_id: int) -> PullRequestFacts:
    created = draw(st.integers(0, 100))
    merged = draw(st.one_of(st.none(), st.integers(created, 120)))
    times = sorted(draw(st.lists(st.integers(created, 130), max_size=5)))
    signals = tuple(
        PullRequestSignal(
            draw(st.sampled_from(PEOPLE)),
            day(t),
            kind,
            f"https://x/{pr_id}#{i}",
            draw(st.sampled_from(("APPROVED", "COMMENTED"))) if kind == REVIEW else None,
        )
        for i, (t, kind) in enumerate((t, draw(st.sampled_from(KINDS))) for t in times)
    )
    repo = draw(st.sampled_from(("o/a", "o/b")))
    paths = draw(st.sampled_from((("pkg/x.go",), ("cmd/y.go",), None)))
    return PullRequestFacts(
        pr_id,
        repo,
        pr_id,
        f"https://x/{pr_id}",
        draw(st.sampled_from(PEOPLE + (None,))),
        day(created),
        day(merged) if merged is not None else None,
        draw(st.integers(0, 60)),
        0,
        (),
        paths,
        signals,
    )


@st.composite
def histories(draw):
    n = draw(st.integers(1, 8))
    prs = [draw(pull_requests(i)) for i in range(n)]
    edits = [draw(pull_requests(draw(st.integers(0, n - 1)))) for _ in range(draw(st.integers(0, 3)))]
    return prs, edits


def snapshot(index):
    return {
        (p, m, str(s)): index.count(p, m, s, None, day(200).timestamp())
        for p in PEOPLE
        for m in METRICS
        for s in SCOPES
    }


@settings(max_examples=80, deadline=None)
@given(histories(), st.integers(0, 8))
def test_incremental_updates_equal_a_rebuild(history, split):
    prs, edits = history
    people = {p: Person(p, f"u{p}") for p in PEOPLE}
    index = build_index(Facts(dict(people), {pr.id: pr for pr in prs[:split]}), Definitions())
    for pr in prs[split:] + edits:
        index.update_pull_request(pr)
    final = {pr.id: pr for pr in prs}
    final.update({pr.id: pr for pr in edits})
    fresh = build_index(Facts(dict(people), final), Definitions())
    assert snapshot(index) == snapshot(fresh)


def test_update_returns_the_people_touched_by_the_old_and_new_versions():
    b = FactsBuilder()
    pr = b.pr(1, day(1), day(2), signals=((2, LGTM, day(1.5)),))
    index = build_index(b.facts)
    assert index.count(2, "primary_reviews", Scope("kubernetes"), None, day(9).timestamp())[0] == 1
    moved = replace(pr, signals=(PullRequestSignal(3, day(1.5), LGTM, "https://x/l"),))
    assert index.update_pull_request(moved) == {1, 2, 3}
    assert index.count(2, "primary_reviews", Scope("kubernetes"), None, day(9).timestamp())[0] == 0
    assert index.count(3, "primary_reviews", Scope("kubernetes"), None, day(9).timestamp())[0] == 1


def test_comments_known_as_pr_signals_are_counted_once_and_update_person_replaces_contributions():
    b = FactsBuilder()
    pr = b.pr(1, day(1), None, signals=((2, COMMENT, day(1.5)),))
    url = pr.signals[0].url
    person = b.person(2, "bob", issues=(("kubernetes/kubernetes", day(3)),))
    person = replace(
        person,
        comments=person.comments
        + (replace(b.person(9, "x", comments=(("kubernetes/kubernetes", day(1.5)),)).comments[0], url=url),),
    )
    b.facts.people[2] = person
    index = build_index(b.facts)
    org = Scope("kubernetes")
    assert index.count(2, "comments", org, None, day(9).timestamp()) == (1, [("comment", url, day(1.5))])
    assert index.count(2, "contributions", org, None, day(9).timestamp())[0] == 2  # the comment and the issue
    assert index.update_person(replace(person, issues=())) == {2}
    assert index.count(2, "issues", org, None, day(9).timestamp()) == (0, [])


def test_evidence_after_a_replacement_shows_the_new_version_of_the_pull_request():
    # The index keeps positions, not the signals themselves: evidence must come from the PR as it is now.
    b = FactsBuilder()
    pr = b.pr(1, day(1), day(2), signals=((2, COMMENT, day(1.5)), (2, COMMENT, day(1.5))))
    index = build_index(b.facts)
    org = Scope("kubernetes")
    assert index.count(2, "comments", org, None, day(9).timestamp()) == (
        2,
        [("comment", pr.signals[0].url, day(1.5)), ("comment", pr.signals[1].url, day(1.5))],
    )
    edited = replace(pr, signals=(PullRequestSignal(2, day(1.5), COMMENT, "https://x/only"),))
    assert index.update_pull_request(edited) == {1, 2}
    assert index.count(2, "comments", org, None, day(9).timestamp()) == (1, [("comment", "https://x/only", day(1.5))])
