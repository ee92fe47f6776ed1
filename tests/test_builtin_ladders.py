"""The built-in ladders: each cites its source and carries that document's numbers (DOMAIN.md §2), and
each is checked against hand-worked cases from its source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ladder_rules.builtin import builtin_ladder, builtin_names
from ladder_rules.evaluate import State, evaluate, evaluate_stay
from ladder_rules.facts import COMMENT, LGTM, REVIEW_COMMENT, Scope
from ladder_rules.format import Count, Group, Sponsors, Tenure, check_ladder_file
from ladder_rules.metrics import build_index
from tests.ladder_builders import FactsBuilder, day

ALICE, BOB = 1, 2
SOURCES = {
    "kubernetes": "https://github.com/kubernetes/community/blob/master/community-membership.md",
    "istio": "https://github.com/istio/community/blob/master/ROLES.md",
    "kubeflow": "https://github.com/kubeflow/community/blob/master/community-membership.md",
    "tekton": "https://github.com/tektoncd/community/blob/main/process/contributor-ladder.md",
    "opentelemetry": "https://github.com/open-telemetry/community/blob/main/community-membership.md",
}


def shape(req):
    """A requirement tree as plain data: the numbers a reader of the source document would check."""
    if isinstance(req, Group):
        return (
            (req.mode, req.k, [shape(c) for c in req.children])
            if req.mode == "at_least"
            else (req.mode, [shape(c) for c in req.children])
        )
    if isinstance(req, Count):
        window = "" if req.window.kind == "all" else str(req.window)
        return (
            (req.metric, req.at_least) + (("substantial",) if req.substantial else ()) + ((window,) if window else ())
        )
    if isinstance(req, Tenure):
        return ("tenure", req.level or "first contribution", str(req.at_least), req.project_age_fraction)
    if isinstance(req, Sponsors):
        return ("sponsors", [(r.count, r.levels, r.distinct_companies) for r in req.alternatives])
    raise AssertionError(req)


def levels(name):
    return {level.name: shape(level.requires)[1] for level in builtin_ladder(name).levels}


def test_the_five_built_in_ladders_load_and_cite_their_source():
    assert builtin_names() == ["istio", "kubeflow", "kubernetes", "opentelemetry", "tekton"]
    for name in builtin_names():
        ladder = builtin_ladder(name)
        assert ladder.source == SOURCES[name]
        assert check_ladder_file(f"ladder_rules/ladders/{name}.yaml") == []
    with pytest.raises(KeyError, match="built-in ladders: istio, kubeflow"):
        builtin_ladder("nope")


def test_kubernetes_numbers():
    assert levels("kubernetes") == {
        "member": [
            ("merged_prs", 1),
            ("contributions", 10, "in the last 6 months"),
            ("tenure", "first contribution", "1 month", None),
        ],
        "reviewer": [
            ("tenure", "member", "3 months", None),
            ("primary_reviews", 5),
            ("reviewed_or_merged", 20, "substantial"),
        ],
        "approver": [
            ("tenure", "reviewer", "3 months", None),
            ("primary_reviews", 10, "substantial"),
            ("reviewed_or_merged", 30),
        ],
    }
    ladder = builtin_ladder("kubernetes")
    member = ladder.level("member")
    (rule,) = member.sponsors
    assert (rule.count, rule.levels, rule.where, rule.distinct_companies, rule.phrases) == (
        2,
        ("reviewer", "approver"),
        "org",
        True,
        ("+1",),
    )
    assert {c.id for c in member.checklist} >= {"2fa", "dev-list"}
    assert member.roster.kind == "org_members" and member.roster.path == "config/{org}/org.yaml"
    assert (member.inactivity.months, member.inactivity.action) == (12, "remove")
    assert ladder.level("reviewer").roster.list == "reviewers"
    assert (ladder.level("approver").roster.list, ladder.level("approver").inactivity.action) == (
        "approvers",
        "emeritus",
    )
    assert shape(ladder.level("reviewer").stay) == (
        "all",
        [("any", [("contributions", 10, "in the last year"), ("comments", 10, "in the last year")])],
    )


def test_istio_kubeflow_tekton_opentelemetry_numbers():
    istio = levels("istio")
    assert istio["reviewer"] == levels("kubernetes")["reviewer"]
    assert istio["approver"] == levels("kubernetes")["approver"]
    assert istio["lead"] == [
        ("tenure", "approver", "3 months", None),
        ("tenure", "member", "1 year", None),
        ("primary_reviews", 20, "substantial"),
        ("reviewed_or_merged", 50),
    ]
    kubeflow = levels("kubeflow")
    assert kubeflow["reviewer"] == [
        ("tenure", "member", "3 months", None),
        ("primary_reviews", 5),
        ("reviewed_or_merged", 15, "substantial"),
    ]
    assert kubeflow["approver"] == levels("kubernetes")["approver"]
    tekton = levels("tekton")
    assert tekton["member"] == [
        ("contributions", 15, "in the last year"),
        ("any", [("reviewed_or_merged", 5), ("sponsors", [(2, ("member",), True)])]),
    ]
    assert tekton["reviewer"] == [
        ("tenure", "first contribution", "2 months", 0.5),
        ("reviewed_or_merged", 15),
        ("primary_reviews", 5),
    ]
    assert tekton["maintainer"] == [
        ("tenure", "reviewer", "3 months", 0.5),
        ("reviewed_or_merged", 30),
        ("primary_reviews", 10, "substantial"),
    ]
    t = builtin_ladder("tekton")
    assert shape(t.level("reviewer").stay) == ("all", [("reviewed_prs", 10, "in the last year")])
    assert {lv.name: lv.inactivity.months for lv in t.levels} == {"member": 4, "reviewer": 4, "maintainer": 4}
    otel = builtin_ladder("opentelemetry")
    (rule,) = otel.level("member").sponsors
    assert (rule.count, rule.levels, rule.phrases) == (2, ("approver", "maintainer"), ("I support",))
    assert levels("opentelemetry")["approver"] == [
        ("tenure", "reviewer", "1 month", None),
        ("reviewed_or_merged", 10, "substantial"),
    ]
    assert otel.level("approver").roster.kind == "codeowners"
    d = otel.level("maintainer").decision
    assert (d.by, d.approvals, d.objection_window_days, d.all_approve_skips_window) == (
        ("maintainer",),
        "majority",
        5,
        True,
    )


# --- Kubeflow: 15 substantial PRs where Kubernetes asks 20 -----------------------------------------


def test_kubeflow_reviewer_is_ready_with_15_where_kubernetes_needs_20():
    b = FactsBuilder()
    scope = Scope("kubeflow", "pipelines", "backend")
    b.person(ALICE, "alice", holdings=(("member", Scope("kubeflow"), day(0)),))
    for i in range(15):
        b.pr(
            BOB,
            day(100 + i),
            day(101 + i),
            repo="kubeflow/pipelines",
            paths=("backend/api.go",),
            signals=((ALICE, LGTM, day(100.5 + i)),),
        )
    index = build_index(b.facts)
    kubeflow = evaluate(index, builtin_ladder("kubeflow"), ALICE, "reviewer", scope, day(200))
    assert kubeflow.state is State.READY
    assert [(r.have, r.need) for r in kubeflow.requirements.children] == [(200, 90), (15, 5), (15, 15)]
    kubernetes = evaluate(index, builtin_ladder("kubernetes"), ALICE, "reviewer", scope, day(200))
    assert kubernetes.state is State.WORKING
    assert kubernetes.requirements.children[2].have == 15 and kubernetes.requirements.children[2].need == 20


# --- Istio lead --------------------------------------------------------------------------------------


def test_istio_lead_needs_a_year_of_membership_as_well():
    b = FactsBuilder()
    org, repo = Scope("istio"), Scope("istio", "istio")
    b.person(ALICE, "alice", holdings=(("member", org, day(0)), ("approver", repo, day(200))))
    for i in range(20):
        b.pr(BOB, day(210 + i), day(211 + i), repo="istio/istio", signals=((ALICE, LGTM, day(210.5 + i)),))
    for i in range(30):
        b.pr(ALICE, day(240 + i), day(241 + i), repo="istio/istio", lines=5)
    index = build_index(b.facts)
    ladder = builtin_ladder("istio")
    at_300 = evaluate(index, ladder, ALICE, "lead", repo, day(300))
    approver_tenure, member_tenure, primary, rom = at_300.requirements.children
    assert approver_tenure.met and (primary.have, rom.have) == (20, 50)
    assert (member_tenure.met, member_tenure.met_on) == (False, datetime(2027, 1, 1, tzinfo=UTC))
    assert at_300.state is State.WORKING
    assert evaluate(index, ladder, ALICE, "lead", repo, datetime(2027, 1, 1, tzinfo=UTC)).state is State.READY


# --- Tekton: the OR rule, 50% of the project's lifetime, the yearly minimum -------------------------

TEKTON = Scope("tektoncd")
PIPELINE = Scope("tektoncd", "pipeline")


def tekton_member(merged: int, comments: int, now=day(300)):
    b = FactsBuilder()
    b.person(ALICE, "alice", comments=tuple(("tektoncd/pipeline", day(200 + i)) for i in range(comments)))
    for i in range(merged):
        b.pr(ALICE, day(100 + i), day(101 + i), repo="tektoncd/pipeline")
    return b


def test_tekton_member_with_5_authored_prs_meets_the_or_rule_itself():
    b = tekton_member(merged=5, comments=10)
    ev = evaluate(build_index(b.facts), builtin_ladder("tekton"), ALICE, "member", PIPELINE, day(300))
    contributions, either = ev.requirements.children
    assert contributions.description == "At least 15 contributions to tektoncd in the last year"
    assert (contributions.have, contributions.met) == (15, True)
    authored, endorsed = either.children
    assert (authored.name, authored.have, authored.met) == ("authored_or_reviewed", 5, True)
    assert (endorsed.name, endorsed.met) == ("endorsed", None)
    assert endorsed.description == "Endorsed by 2 members from different companies"
    assert (either.met, ev.state) == (True, State.READY)


def test_tekton_member_with_3_prs_waits_on_two_endorsements_from_different_companies():
    b = tekton_member(merged=3, comments=12)
    m1 = b.person(10, "m1", "Red Hat", holdings=(("member", TEKTON, day(0)),))
    m2 = b.person(11, "m2", "red hat", holdings=(("member", TEKTON, day(0)),))
    m3 = b.person(12, "m3", "Google", holdings=(("maintainer", PIPELINE, day(0)),))
    index = build_index(b.facts)
    ladder = builtin_ladder("tekton")
    ev = evaluate(index, ladder, ALICE, "member", PIPELINE, day(300))
    either = ev.requirements.children[1]
    assert (either.children[0].have, either.children[0].met, either.met) == (3, False, None)
    assert ev.state is State.READY  # automatic part met; the endorsement is for people
    same_company = evaluate(index, ladder, ALICE, "member", PIPELINE, day(300), sponsors=[m1, m2])
    assert same_company.requirements.children[1].met is None
    assert same_company.requirements.children[1].children[1].have == 1
    endorsed = evaluate(index, ladder, ALICE, "member", PIPELINE, day(300), sponsors=[m1, m3])
    assert endorsed.requirements.children[1].met is True and endorsed.requirements.met is True


def test_tekton_member_with_14_contributions_is_working_and_old_ones_do_not_count():
    b = tekton_member(merged=3, comments=11)
    ev = evaluate(build_index(b.facts), builtin_ladder("tekton"), ALICE, "member", PIPELINE, day(300))
    assert (ev.requirements.children[0].have, ev.state) == (14, State.WORKING)
    # on 2027-07-21 the window starts 2026-07-21 (day 201): the 3 PRs and the comment of day 200 fall out
    later = evaluate(build_index(b.facts), builtin_ladder("tekton"), ALICE, "member", PIPELINE, day(566))
    assert later.requirements.children[0].have == 10


def tekton_reviewer(created: datetime, first_contribution: datetime, now: datetime):
    b = FactsBuilder()
    b.repo("tektoncd/pipeline", created_at=created)
    b.person(ALICE, "alice", holdings=(("member", TEKTON, first_contribution),))
    b.pr(ALICE, first_contribution, None, repo="tektoncd/pipeline")
    return evaluate(build_index(b.facts), builtin_ladder("tekton"), ALICE, "reviewer", PIPELINE, now)


def test_tekton_reviewer_in_a_two_month_old_project_needs_one_month():
    # pipeline created 2026-01-01; on 2026-03-01 it is 59 days old: half is 29.5 days, less than 2 months
    ev = tekton_reviewer(created=day(0), first_contribution=day(29), now=datetime(2026, 3, 1, tzinfo=UTC))
    tenure = ev.requirements.children[0]
    assert tenure.description == (
        "Contributing to tektoncd/pipeline for the shorter of 2 months and 50% of the project's age"
    )
    assert (tenure.have, tenure.need, tenure.met) == (30, 30, True)
    # met on the day the time contributing equals half the project's age: 2 × day 29 − day 0 = day 58
    assert tenure.met_on == datetime(2026, 2, 28, tzinfo=UTC)


def test_tekton_reviewer_tenure_not_yet_met_in_a_young_project():
    ev = tekton_reviewer(created=day(0), first_contribution=day(40), now=datetime(2026, 3, 1, tzinfo=UTC))
    tenure = ev.requirements.children[0]
    assert (tenure.have, tenure.need, tenure.met) == (19, 30, False)
    assert tenure.met_on == datetime(2026, 3, 22, tzinfo=UTC)  # day 80 = 2 × 40 − 0, before 2026-04-10


def test_tekton_reviewer_in_an_old_project_needs_two_months():
    ev = tekton_reviewer(
        created=datetime(2018, 8, 1, tzinfo=UTC), first_contribution=day(0), now=datetime(2026, 2, 15, tzinfo=UTC)
    )
    tenure = ev.requirements.children[0]
    assert (tenure.have, tenure.need, tenure.met, tenure.met_on) == (45, 59, False, datetime(2026, 3, 1, tzinfo=UTC))


def test_tekton_reviewer_keeps_reviewing_ten_prs_a_year():
    b = FactsBuilder()
    b.person(ALICE, "alice", holdings=(("reviewer", PIPELINE, day(0)),))
    for i in range(10):
        b.pr(
            BOB,
            day(100 + i),
            day(101 + i),
            repo="tektoncd/pipeline",
            signals=((ALICE, REVIEW_COMMENT, day(100.5 + i)),),
        )
    b.pr(BOB, day(120), None, repo="tektoncd/pipeline", signals=((ALICE, COMMENT, day(120.5)),))
    index = build_index(b.facts)
    ladder = builtin_ladder("tekton")
    stay = evaluate_stay(index, ladder, ALICE, "reviewer", PIPELINE, day(200))
    assert (stay.children[0].description, stay.children[0].have, stay.met) == (
        "Reviewed at least 10 PRs to tektoncd/pipeline in the last year",
        10,
        True,
    )
    # a year after the first of them, one has dropped out of the window
    assert evaluate_stay(index, ladder, ALICE, "reviewer", PIPELINE, day(465.6)).children[0].have == 9
    assert evaluate_stay(index, ladder, ALICE, "member", PIPELINE, day(200)) is None


# --- Kubernetes member: "multiple contributions … continuously active", as numbers ----------------------

K8S = Scope("kubernetes")
MEMBER_NOW = datetime(2026, 10, 15, tzinfo=UTC)
MONTH_AGO = datetime(2026, 9, 15, tzinfo=UTC)  # one calendar month before MEMBER_NOW
WINDOW_START = datetime(2026, 4, 15, tzinfo=UTC)  # six calendar months before MEMBER_NOW


def k8s_member(*, merged=1, comments=9, first=MONTH_AGO, old_comment=None):
    """Alice's activity in the kubernetes org: `merged` merged PRs (opened `first`), `comments` comments
    in the last weeks, optionally one more comment at `old_comment`; evaluated for member on MEMBER_NOW."""
    b = FactsBuilder()
    when = [first + (MEMBER_NOW - first) * (i + 1) / (comments + 1) for i in range(comments)]
    if old_comment is not None:
        when.append(old_comment)
    b.person(ALICE, "alice", comments=tuple(("kubernetes/website", at) for at in when))
    for _ in range(merged):
        b.pr(ALICE, first, first + (MEMBER_NOW - first) / 2, repo="kubernetes/website")
    if not merged:  # an open PR: still a contribution, not a merged one
        b.pr(ALICE, first, None, repo="kubernetes/website")
    ev = evaluate(build_index(b.facts), builtin_ladder("kubernetes"), ALICE, "member", K8S, MEMBER_NOW)
    return ev, {r.name: (r.have, r.need, r.met) for r in ev.requirements.children}


def test_kubernetes_member_just_at_every_threshold_is_ready():
    ev, got = k8s_member()  # 1 merged PR + 9 comments = 10 contributions, the first exactly a month ago
    assert got == {"merged_prs": (1, 1, True), "contributions": (10, 10, True), "tenure": (30, 30, True)}
    assert ev.state is State.READY


def test_kubernetes_member_one_drive_by_pull_request_is_not_enough():
    ev, got = k8s_member(comments=0)  # the drive-by contributor the old `merged_prs: 1` nominated
    assert got["merged_prs"] == (1, 1, True) and got["contributions"] == (1, 10, False)
    assert ev.state is State.WORKING


def test_kubernetes_member_just_below_each_threshold_is_working():
    ev, got = k8s_member(merged=0)  # ten contributions, none of them a merged PR
    assert (got["merged_prs"], got["contributions"], ev.state) == ((0, 1, False), (10, 10, True), State.WORKING)

    ev, got = k8s_member(comments=8)  # nine contributions
    assert (got["contributions"], ev.state) == ((9, 10, False), State.WORKING)

    ev, got = k8s_member(first=MONTH_AGO + timedelta(days=1))  # contributing for a day less than a month
    assert (got["tenure"][2], got["contributions"][2], ev.state) == (False, True, State.WORKING)


def test_kubernetes_member_contributions_older_than_six_months_do_not_count():
    ev, got = k8s_member(comments=8, old_comment=WINDOW_START)  # the window's first day: counts
    assert (got["contributions"], ev.state) == ((10, 10, True), State.READY)
    ev, got = k8s_member(comments=8, old_comment=WINDOW_START - timedelta(hours=1))
    assert (got["contributions"], ev.state) == ((9, 10, False), State.WORKING)
