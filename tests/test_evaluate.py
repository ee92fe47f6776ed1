"""The evaluator on hand-worked Kubernetes cases (kubernetes/community community-membership.md).

Reviewer: member for at least 3 months; primary reviewer for at least 5 PRs; reviewed or merged at least
20 substantial PRs to the codebase. Every case below is built with exact dates and counted by hand.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from ladder_rules.builtin import builtin_ladder
from ladder_rules.definitions import Definitions
from ladder_rules.evaluate import State, check_sponsors, evaluate, evaluate_all, inactive_since, next_level
from ladder_rules.facts import APPROVE, COMMENT, LGTM, LGTM_CANCEL, REVIEW, REVIEW_COMMENT, Holding, Scope
from ladder_rules.metrics import build_index
from tests.ladder_builders import FactsBuilder, day

K8S = Scope("kubernetes")
CONTROLLER = Scope("kubernetes", "kubernetes", "pkg/controller")
NOW = day(200)  # 2026-07-20
ALICE, BOB, CAROL, DAVE = 1, 2, 3, 4


def reviewer_case(
    primary: int = 5, extra_reviews: int = 10, own_merged: int = 5, member_since: datetime | None = day(100)
) -> FactsBuilder:
    """Alice (member since 2026-04-11): first /lgtm on `primary` of Bob's PRs, a review comment after
    Carol's /lgtm on `extra_reviews` more, and `own_merged` merged PRs of her own; all 100 lines, all in
    pkg/controller, all merged."""
    b = FactsBuilder()
    b.person(ALICE, "alice", holdings=(("member", K8S, member_since),) if member_since else ())
    b.person(BOB, "bob")
    b.person(CAROL, "carol", holdings=(("member", K8S, day(0)), ("reviewer", CONTROLLER, day(0))))
    for i in range(primary):
        b.pr(BOB, day(110 + i), day(111 + i), signals=((ALICE, LGTM, day(110.5 + i)),))
    for i in range(extra_reviews):
        b.pr(
            BOB,
            day(130 + i),
            day(131 + i),
            signals=((CAROL, LGTM, day(130.2 + i)), (ALICE, REVIEW_COMMENT, day(130.5 + i))),
        )
    for i in range(own_merged):
        b.pr(ALICE, day(150 + i), day(151 + i))
    return b


def reviewer(b: FactsBuilder, definitions: Definitions | None = None, now: datetime = NOW):
    index = build_index(b.facts, definitions or Definitions())
    return evaluate(index, builtin_ladder("kubernetes"), ALICE, "reviewer", CONTROLLER, now)


def requirement(evaluation, name):
    return next(c for c in evaluation.requirements.children if c.name == name)


def test_reviewer_exactly_met_is_ready():
    ev = reviewer(reviewer_case())
    tenure, primary, rom = ev.requirements.children
    assert (tenure.description, tenure.have, tenure.need, tenure.met) == ("Member for 3 months", 100, 91, True)
    assert tenure.met_on == datetime(2026, 7, 11, tzinfo=UTC)
    assert primary.description == "Primary reviewer for at least 5 PRs to kubernetes/kubernetes/pkg/controller"
    assert (primary.have, primary.need, primary.met) == (5, 5, True)
    assert rom.description == "Reviewed or merged at least 20 substantial PRs to kubernetes/kubernetes/pkg/controller"
    assert (rom.have, rom.need, rom.met) == (20, 20, True)
    assert ev.state is State.READY
    assert ev.sponsors == [
        {
            "count": 1,
            "levels": ["approver"],
            "where": "scope",
            "distinct_companies": False,
            "phrases": ["+1", "/sponsor"],
        }
    ]
    assert ev.checklist == [{"id": "knowledgeable", "text": "Knowledgeable about the codebase"}]
    assert ev.roster == {"kind": "owners", "list": "reviewers"}


def test_nineteen_reviewed_or_merged_is_working():
    ev = reviewer(reviewer_case(extra_reviews=9))
    rom = requirement(ev, "reviewed_or_merged")
    assert (rom.have, rom.need, rom.met) == (19, 20, False)
    assert ev.state is State.WORKING


def test_primary_review_evidence_lists_each_lgtm_with_link_and_date():
    b = reviewer_case(primary=2)
    primary = requirement(reviewer(b), "primary_reviews")
    assert primary.evidence == [
        ("primary review", "https://github.com/kubernetes/kubernetes/pull/1001#lgtm-1-0", day(110.5)),
        ("primary review", "https://github.com/kubernetes/kubernetes/pull/1002#lgtm-1-0", day(111.5)),
    ]


def test_a_29_line_pr_is_not_substantial_but_still_a_primary_review():
    b = reviewer_case(extra_reviews=9)
    b.pr(BOB, day(160), day(161), lines=29, signals=((ALICE, LGTM, day(160.5)),))
    ev = reviewer(b)
    assert requirement(ev, "primary_reviews").have == 6  # no "substantial" on the reviewer's primary reviews
    assert requirement(ev, "reviewed_or_merged").have == 19  # 29 < 30 lines: not substantial
    # an organisation that sets substantial.min_lines: 20 counts it
    assert requirement(reviewer(b, Definitions(substantial_min_lines=20)), "reviewed_or_merged").have == 20


def test_an_excluded_label_makes_a_pr_not_substantial():
    b = reviewer_case(extra_reviews=9)
    b.pr(BOB, day(160), day(161), labels=("kind/cleanup",), signals=((ALICE, REVIEW, day(160.5), "COMMENTED"),))
    assert requirement(reviewer(b), "reviewed_or_merged").have == 20
    defs = Definitions(substantial_exclude_labels=("kind/cleanup",))
    assert requirement(reviewer(b, defs), "reviewed_or_merged").have == 19


def test_a_self_review_is_not_counted():
    b = reviewer_case(primary=4, own_merged=0)
    b.pr(ALICE, day(160), day(161), signals=((ALICE, REVIEW, day(160.2), "APPROVED"), (ALICE, LGTM, day(160.5))))
    ev = reviewer(b)
    assert requirement(ev, "primary_reviews").have == 4
    rom = requirement(ev, "reviewed_or_merged")
    assert rom.have == 15  # 4 + 10 reviewed, plus her own PR once (as merged, not as reviewed)
    assert [kind for kind, _, _ in rom.evidence].count("merged PR") == 1


def test_an_unmerged_pr_is_not_counted_as_reviewed():
    b = reviewer_case(primary=4, extra_reviews=9)
    b.pr(BOB, day(160), None, signals=((ALICE, LGTM, day(160.5)),))
    ev = reviewer(b)
    assert requirement(ev, "primary_reviews").have == 4
    assert requirement(ev, "reviewed_or_merged").have == 18
    # an organisation that counts reviews of unmerged PRs
    assert requirement(reviewer(b, Definitions(reviewed_requires_merged=False)), "reviewed_or_merged").have == 19


def test_the_second_lgtm_is_not_primary():
    b = reviewer_case(primary=4)
    b.pr(BOB, day(160), day(161), signals=((CAROL, LGTM, day(160.2)), (ALICE, LGTM, day(160.5))))
    ev = reviewer(b)
    assert requirement(ev, "primary_reviews").have == 4
    assert requirement(ev, "reviewed_or_merged").have == 20  # 4 + 10 + 5 + this one, reviewed


def test_a_pr_outside_the_path_is_not_counted():
    b = reviewer_case(primary=4, extra_reviews=9)
    b.pr(BOB, day(160), day(161), paths=("pkg/kubelet/kubelet.go",), signals=((ALICE, LGTM, day(160.5)),))
    b.pr(BOB, day(161), day(162), paths=("pkg/controllers/x.go",), signals=((ALICE, LGTM, day(161.5)),))
    b.pr(BOB, day(162), day(163), repo="kubernetes/website", signals=((ALICE, LGTM, day(162.5)),))
    b.pr(BOB, day(163), day(164), paths=None, signals=((ALICE, LGTM, day(163.5)),))
    ev = reviewer(b)
    assert requirement(ev, "primary_reviews").have == 4
    assert requirement(ev, "reviewed_or_merged").have == 18
    # one file in the folder is enough
    b.pr(
        BOB, day(164), day(165), paths=("pkg/kubelet/a.go", "pkg/controller/b.go"), signals=((ALICE, LGTM, day(164.5)),)
    )
    assert requirement(reviewer(b), "primary_reviews").have == 5


def test_lgtm_cancelled_by_its_giver_passes_primary_to_the_next_lgtm():
    """Decision (docs/ladder-format.md): the primary reviewer is the earliest /lgtm still standing at merge;
    only its giver's own `/lgtm cancel` withdraws it."""
    b = reviewer_case(primary=4)
    b.pr(
        BOB,
        day(160),
        day(161),
        signals=((CAROL, LGTM, day(160.1)), (CAROL, LGTM_CANCEL, day(160.2)), (ALICE, LGTM, day(160.5))),
    )
    assert requirement(reviewer(b), "primary_reviews").have == 5


def test_someone_elses_cancel_does_not_take_primary_away():
    b = reviewer_case(primary=4)
    b.pr(
        BOB,
        day(160),
        day(161),
        signals=((CAROL, LGTM, day(160.1)), (DAVE, LGTM_CANCEL, day(160.2)), (ALICE, LGTM, day(160.5))),
    )
    assert requirement(reviewer(b), "primary_reviews").have == 4


def test_approved_review_is_an_lgtm_only_where_the_repository_says_so():
    b = reviewer_case(primary=0, extra_reviews=0, own_merged=0)
    b.repo("kubernetes/test-infra", review_acts_as_lgtm=True)
    b.pr(
        BOB,
        day(160),
        day(161),
        repo="kubernetes/test-infra",
        paths=("config/a.yaml",),
        signals=((ALICE, REVIEW, day(160.5), "APPROVED"),),
    )
    b.pr(BOB, day(162), day(163), signals=((ALICE, REVIEW, day(162.5), "APPROVED"),))
    index = build_index(b.facts, Definitions())
    ladder = builtin_ladder("kubernetes")
    test_infra = evaluate(index, ladder, ALICE, "reviewer", Scope("kubernetes", "test-infra"), NOW)
    assert requirement(test_infra, "primary_reviews").have == 1
    kk = evaluate(index, ladder, ALICE, "reviewer", CONTROLLER, NOW)
    assert requirement(kk, "primary_reviews").have == 0
    assert requirement(kk, "reviewed_or_merged").have == 1
    # the same switch from the organisation's ladder.yml instead of the repository record
    defs = Definitions(review_acts_as_lgtm_repos=frozenset({"kubernetes/kubernetes"}))
    kk2 = evaluate(build_index(b.facts, defs), ladder, ALICE, "reviewer", CONTROLLER, NOW)
    assert requirement(kk2, "primary_reviews").have == 1


def test_tenure_not_yet_met_gives_the_date_it_will_be():
    ev = reviewer(reviewer_case(member_since=day(150)))  # 2026-05-31
    tenure = requirement(ev, "tenure")
    assert (tenure.have, tenure.need, tenure.met) == (50, 92, False)
    assert tenure.met_on == datetime(2026, 8, 31, tzinfo=UTC)
    assert ev.state is State.WORKING
    # on that day it is met
    assert (
        requirement(reviewer(reviewer_case(member_since=day(150)), now=datetime(2026, 8, 31, tzinfo=UTC)), "tenure").met
        is True
    )


def test_tenure_without_the_level_is_unmet_and_with_an_unknown_date_is_for_people():
    ev = reviewer(reviewer_case(member_since=None))
    tenure = requirement(ev, "tenure")
    assert (tenure.have, tenure.met, tenure.met_on) == (0, False, None)
    b = reviewer_case()
    b.person(ALICE, "alice", holdings=(("member", K8S, None),))
    ev = reviewer(b)
    tenure = requirement(ev, "tenure")
    assert tenure.met is None and tenure.description == "Member for 3 months (start date unknown)"
    assert ev.state is State.READY


def test_approver_substantial_qualifies_primary_reviews_not_the_thirty():
    b = FactsBuilder()
    b.person(ALICE, "alice", holdings=(("member", K8S, day(0)), ("reviewer", CONTROLLER, day(90))))
    b.person(BOB, "bob")
    for i in range(10):  # 10 substantial primary reviews
        b.pr(BOB, day(100 + i), day(101 + i), signals=((ALICE, LGTM, day(100.5 + i)),))
    for i in range(20):  # 20 small reviewed PRs: count toward the 30
        b.pr(BOB, day(120 + i), day(121 + i), lines=5, signals=((ALICE, LGTM, day(120.5 + i)),))
    ev = evaluate(build_index(b.facts), builtin_ladder("kubernetes"), ALICE, "approver", CONTROLLER, NOW)
    tenure, primary, rom = ev.requirements.children
    assert (tenure.description, tenure.have, tenure.met_on) == (
        "Reviewer for 3 months",
        110,
        datetime(2026, 7, 1, tzinfo=UTC),
    )
    assert (
        primary.description
        == "Primary reviewer for at least 10 substantial PRs to kubernetes/kubernetes/pkg/controller"
    )
    assert (primary.have, primary.met) == (10, True)
    assert (rom.have, rom.need, rom.met) == (30, 30, True)
    assert ev.state is State.READY


def test_member_counts_merged_prs_anywhere_in_the_org():
    b = FactsBuilder()
    b.person(ALICE, "alice")
    b.pr(ALICE, day(10), day(12), repo="kubernetes/website", paths=("content/en/a.md",), lines=3)
    b.pr(ALICE, day(20), None, repo="kubernetes/website")
    b.pr(ALICE, day(30), day(31), repo="other-org/x")
    ev = evaluate(build_index(b.facts), builtin_ladder("kubernetes"), ALICE, "member", CONTROLLER, NOW)
    merged = requirement(ev, "merged_prs")
    assert merged.description == "At least 1 merged PR to kubernetes"
    assert (merged.have, merged.met) == (1, True)
    assert merged.evidence == [("merged PR", "https://github.com/kubernetes/website/pull/1001", day(12))]
    # one merged PR is not "multiple contributions": of the 10 asked in the last 6 months (since 2026-01-20),
    # only the PR opened on day 20 counts (the merged one was opened on day 10, the third is in another org)
    contributions = requirement(ev, "contributions")
    assert (contributions.have, contributions.need, contributions.met) == (1, 10, False)
    assert ev.scope == K8S and ev.state is State.WORKING
    assert [c["id"] for c in ev.checklist] == ["2fa", "dev-list", "active", "guidelines"]
    assert ev.sponsors[0]["distinct_companies"] is True and ev.sponsors[0]["phrases"] == ["+1"]


def test_counts_ignore_activity_after_now():
    ev = reviewer(reviewer_case(), now=day(140))  # before her own PRs and half the extra reviews
    assert requirement(ev, "reviewed_or_merged").have == 5 + 10  # extra reviews on day 130.5..139.5
    assert requirement(reviewer(reviewer_case(), now=day(135)), "reviewed_or_merged").have == 5 + 5


def test_evaluation_is_json_serialisable():
    ev = reviewer(reviewer_case(primary=1))
    data = json.loads(json.dumps(ev.to_dict()))
    assert data["state"] == "working" and data["level"] == "reviewer"
    assert data["scope"] == "kubernetes/kubernetes/pkg/controller"
    primary = data["requirements"]["children"][1]
    assert primary == {
        "name": "primary_reviews",
        "kind": "count",
        "description": "Primary reviewer for at least 5 PRs to kubernetes/kubernetes/pkg/controller",
        "have": 1,
        "need": 5,
        "met": False,
        "met_on": None,
        "evidence": [
            {
                "kind": "primary review",
                "url": "https://github.com/kubernetes/kubernetes/pull/1001#lgtm-1-0",
                "date": "2026-04-21T12:00:00+00:00",
            }
        ],
    }
    assert data["requirements"]["children"][0]["met_on"] == "2026-07-11T00:00:00+00:00"


def test_next_level_follows_the_holdings_in_the_scope():
    ladder = builtin_ladder("kubernetes")
    assert next_level(ladder, (), CONTROLLER) == "member"
    member = Holding("member", K8S, day(0))
    assert next_level(ladder, (member,), CONTROLLER) == "reviewer"
    # a reviewer of a sub-folder still works toward reviewer of pkg/controller
    sub = Holding("reviewer", Scope("kubernetes", "kubernetes", "pkg/controller/job"), day(0))
    assert next_level(ladder, (member, sub), CONTROLLER) == "reviewer"
    # a reviewer of the whole repository is a reviewer of pkg/controller
    root = Holding("reviewer", Scope("kubernetes", "kubernetes"), day(0))
    assert next_level(ladder, (member, root), CONTROLLER) == "approver"
    assert next_level(ladder, (member, Holding("approver", CONTROLLER, day(0))), CONTROLLER) is None
    # membership of another org does not count
    assert next_level(ladder, (Holding("member", Scope("other"), day(0)),), CONTROLLER) == "member"


def test_check_sponsors_for_kubernetes_membership():
    b = FactsBuilder()
    cand = b.person(ALICE, "alice")
    r1 = b.person(10, "r1", "Google", holdings=(("reviewer", Scope("kubernetes", "test-infra", "prow"), day(0)),))
    r2 = b.person(11, "r2", "@google ", holdings=(("approver", Scope("kubernetes", "kubernetes"), day(0)),))
    r3 = b.person(12, "r3", "Red Hat", holdings=(("reviewer", Scope("kubernetes-sigs", "kind"), day(0)),))
    m = b.person(13, "m", "VMware", holdings=(("member", K8S, day(0)),))
    ladder = builtin_ladder("kubernetes")
    same_company = check_sponsors(ladder, cand, [r1, r2], K8S, level="member")
    assert same_company.eligible == [10, 11] and same_company.satisfied is False and same_company.best == 1
    other_org = check_sponsors(ladder, cand, [r1, r3, m, cand], K8S, level="member")
    assert other_org.eligible == [10] and not other_org.satisfied
    assert other_org.refused == {
        12: "does not hold reviewer or approver anywhere in kubernetes",
        13: "does not hold reviewer or approver anywhere in kubernetes",
        ALICE: "cannot sponsor themselves",
    }
    r4 = b.person(14, "r4", None, holdings=(("approver", CONTROLLER, day(0)),))
    unknown = check_sponsors(ladder, cand, [r1, r4], K8S, level="member")  # no company: never a distinct one
    assert not unknown.satisfied and unknown.notes == ["company unknown for: r4 (check by hand)"]
    assert unknown.unknown_company == [14] and unknown.counts(10) and not unknown.counts(14)
    assert same_company.same_company == {11: 10} and not same_company.counts(11)
    assert check_sponsors(ladder, cand, [r1, r2, r3, r4], K8S, level="member").satisfied is False
    third = b.person(15, "r5", "Red Hat", holdings=(("reviewer", CONTROLLER, day(0)),))
    assert check_sponsors(ladder, cand, [r1, r2, r4, third], K8S, level="member").satisfied
    # a reviewer's sponsor must be an approver over the scope
    assert check_sponsors(ladder, cand, [r2], CONTROLLER, level="reviewer").satisfied
    assert not check_sponsors(
        ladder, cand, [r4], Scope("kubernetes", "kubernetes", "pkg/kubelet"), level="reviewer"
    ).satisfied


def test_evaluate_all_and_an_incremental_update():
    b = reviewer_case(extra_reviews=9)
    index = build_index(b.facts)
    ladder = builtin_ladder("kubernetes")
    results = evaluate_all(index, ladder, CONTROLLER, NOW)
    assert {pid: (e.level, e.state) for pid, e in results.items()} == {
        ALICE: ("reviewer", State.WORKING),
        BOB: ("member", State.READY),
        CAROL: ("approver", State.WORKING),
    }
    pr = b.pr(BOB, day(170), day(171), signals=((ALICE, LGTM, day(170.5)), (BOB, COMMENT, day(170.6))))
    affected = index.update_pull_request(pr)
    assert affected == {ALICE, BOB}
    again = evaluate_all(index, ladder, CONTROLLER, NOW, people=sorted(affected))
    assert again[ALICE].state is State.READY
    assert requirement(again[ALICE], "reviewed_or_merged").have == 20
    assert requirement(again[BOB], "merged_prs").have == 15
    # the same facts built from scratch give the same result
    fresh = evaluate(build_index(b.facts), ladder, ALICE, "reviewer", CONTROLLER, NOW)
    assert fresh.to_dict() == again[ALICE].to_dict()


def test_inactivity_and_the_yearly_minimum():
    b = reviewer_case()
    index = build_index(b.facts)
    ladder = builtin_ladder("kubernetes")
    assert inactive_since(index, ladder, ALICE, "member", K8S, NOW) is None
    # a year after her last contribution (her last PR, opened on day 154) she is inactive since that day
    assert inactive_since(index, ladder, ALICE, "member", K8S, day(155 + 400)) == day(154)
