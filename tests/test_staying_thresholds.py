"""The staying rules of every built-in ladder, just above and just below each threshold (pure: hand-built
facts, no service). `check_stay` is what the service's daily pass asks of each holder."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ladder_rules.builtin import builtin_ladder, builtin_names
from ladder_rules.evaluate import add_months
from ladder_rules.facts import REVIEW_COMMENT, Scope
from ladder_rules.metrics import build_index
from ladder_rules.staying import check_stay, counted_activity, last_counted_activity
from tests.ladder_builders import FactsBuilder, day

ALICE, BOB = 1, 2
NOW = day(800)


def k8s_issues(n: int, *, level: str, first_age_days: float = 10):
    """Alice holds `level` in kubernetes/kubernetes and opened `n` issues, the oldest `first_age_days` ago."""
    b = FactsBuilder()
    scope = Scope("kubernetes", "kubernetes")
    at = [NOW - timedelta(days=first_age_days) + timedelta(hours=i) for i in range(n)]
    b.person(ALICE, "alice", holdings=((level, scope, day(0)),), issues=tuple(("kubernetes/kubernetes", t) for t in at))
    return build_index(b.facts), scope


@pytest.mark.parametrize("level", ["reviewer", "approver"])
@pytest.mark.parametrize(("issues", "below"), [(9, True), (10, False)])
def test_kubernetes_owners_levels_need_ten_contributions_a_year(level, issues, below):
    index, scope = k8s_issues(issues, level=level)
    check = check_stay(index, builtin_ladder("kubernetes"), ALICE, level, scope, NOW)
    assert check.below is below
    assert check.counted == issues
    assert check.action == ("emeritus" if level == "approver" else "remove")
    assert any(f"{issues} of 10" in line for line in check.lines), check.lines


def test_kubernetes_reviewer_ten_pr_comments_also_keep_the_level():
    b = FactsBuilder()
    scope = Scope("kubernetes", "kubernetes")
    b.person(
        ALICE,
        "alice",
        holdings=(("reviewer", scope, day(0)),),
        comments=tuple(("kubernetes/kubernetes", NOW - timedelta(days=5 + i)) for i in range(10)),
    )
    check = check_stay(build_index(b.facts), builtin_ladder("kubernetes"), ALICE, "reviewer", scope, NOW)
    assert check.below is False


@pytest.mark.parametrize(("age_days", "below"), [(364, False), (367, True)])
def test_kubernetes_member_is_inactive_after_twelve_months(age_days, below):
    b = FactsBuilder()
    b.person(
        ALICE,
        "alice",
        holdings=(("member", Scope("kubernetes"), day(0)),),
        issues=(("kubernetes/kubernetes", NOW - timedelta(days=age_days)),),
    )
    index = build_index(b.facts)
    check = check_stay(index, builtin_ladder("kubernetes"), ALICE, "member", Scope("kubernetes"), NOW)
    assert check.below is below
    assert (check.inactive_since is not None) is below
    assert check.window_months == 12 and check.action == "remove"


@pytest.mark.parametrize("level", ["member", "reviewer", "maintainer"])
@pytest.mark.parametrize(("age_days", "below"), [(115, False), (125, True)])
def test_tekton_levels_are_inactive_after_four_months(level, age_days, below):
    b = FactsBuilder()
    scope = Scope("tektoncd", "pipeline")
    b.person(ALICE, "alice", holdings=((level, scope, day(0)),))
    start = NOW - timedelta(days=age_days)
    # ten reviews (the reviewer's yearly minimum) all at least `age_days` old
    for i in range(10):
        b.pr(
            BOB,
            start - timedelta(days=i, hours=1),
            start - timedelta(days=i) + timedelta(minutes=30),
            repo="tektoncd/pipeline",
            signals=((ALICE, REVIEW_COMMENT, start - timedelta(days=i)),),
        )
    check = check_stay(build_index(b.facts), builtin_ladder("tekton"), ALICE, level, scope, NOW)
    assert check.below is below, check.lines
    assert check.window_months == 4
    assert check.action == ("emeritus" if level == "maintainer" else "remove")


@pytest.mark.parametrize(("reviews", "below"), [(9, True), (10, False)])
def test_tekton_reviewer_keeps_reviewing_ten_prs_a_year(reviews, below):
    b = FactsBuilder()
    scope = Scope("tektoncd", "pipeline")
    b.person(ALICE, "alice", holdings=(("reviewer", scope, day(0)),))
    for i in range(reviews):
        at = NOW - timedelta(days=20 + i)
        b.pr(
            BOB,
            at - timedelta(hours=1),
            at + timedelta(minutes=30),
            repo="tektoncd/pipeline",
            signals=((ALICE, REVIEW_COMMENT, at),),
        )
    check = check_stay(build_index(b.facts), builtin_ladder("tekton"), ALICE, "reviewer", scope, NOW)
    assert check.below is below


@pytest.mark.parametrize("name", sorted(set(builtin_names()) - {"kubernetes", "tekton"}))
def test_ladders_without_staying_rules_never_put_anyone_below(name):
    ladder = builtin_ladder(name)
    b = FactsBuilder()
    scope = Scope("o", "r")
    b.person(ALICE, "alice", holdings=tuple((lv.name, scope, day(0)) for lv in ladder.levels))
    index = build_index(b.facts)
    assert all(check_stay(index, ladder, ALICE, lv.name, scope, NOW) is None for lv in ladder.levels)


def test_one_definition_of_counted_activity():
    index, scope = k8s_issues(3, level="reviewer", first_age_days=400)
    assert len(counted_activity(index, ALICE, scope, add_months(NOW, -12), NOW)) == 0
    assert len(counted_activity(index, ALICE, scope, None, NOW)) == 3
    assert last_counted_activity(index, ALICE, scope, NOW) == NOW - timedelta(days=400) + timedelta(hours=2)
