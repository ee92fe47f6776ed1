"""Everyone is evaluated (ladder_rules/everyone.py): the next level, and for OWNERS levels the most
specific OWNERS folder where every automatic requirement is met — never one where the level is already
held — else the folder holding most of the person's counted pull requests."""

from __future__ import annotations

from ladder_rules.builtin import builtin_ladder
from ladder_rules.evaluate import State
from ladder_rules.everyone import Folders, evaluate_everyone, evaluate_person, is_bot
from ladder_rules.facts import LGTM, Scope
from ladder_rules.metrics import build_index
from tests.ladder_builders import FactsBuilder, day

ALICE, BOB, BOT = 1, 2, 3
K8S = Scope("kubernetes")
REPO = "kubernetes/kubernetes"
FOLDERS = Folders("kubernetes", {REPO: ["", "pkg", "pkg/controller", "pkg/controller/job", "pkg/controller/cron"]})
NOW = day(300)


def world(places: dict[str, int], *, holdings=(("member", K8S, day(0)),), login="alice"):
    """Alice, a member since day 0, is the first to /lgtm `n` of Bob's substantial merged PRs per folder."""
    b = FactsBuilder()
    b.person(ALICE, login, holdings=holdings)
    b.person(BOB, "bob", holdings=(("member", K8S, day(0)),))
    i = 0
    for folder, n in places.items():
        for _ in range(n):
            b.pr(
                BOB, day(100 + i), day(101 + i), paths=(f"{folder}/f{i}.go",), signals=((ALICE, LGTM, day(100.5 + i)),)
            )
            i += 1
    return build_index(b.facts)


def test_ready_in_the_most_specific_folder_that_meets_every_requirement():
    found = evaluate_person(world({"pkg/controller/job": 20}), builtin_ladder("kubernetes"), ALICE, FOLDERS, NOW)
    assert (found.level, str(found.scope), found.state) == ("reviewer", f"{REPO}/pkg/controller/job", State.READY)


def test_work_split_over_two_folders_is_ready_in_their_parent():
    index = world({"pkg/controller/job": 10, "pkg/controller/cron": 10})
    found = evaluate_person(index, builtin_ladder("kubernetes"), ALICE, FOLDERS, NOW)
    assert (found.level, str(found.scope), found.state) == ("reviewer", f"{REPO}/pkg/controller", State.READY)


def test_while_working_the_folder_holding_most_of_their_pull_requests():
    index = world({"pkg/controller/cron": 2, "pkg/controller/job": 3})
    found = evaluate_person(index, builtin_ladder("kubernetes"), ALICE, FOLDERS, NOW)
    assert (found.level, str(found.scope), found.state) == ("reviewer", f"{REPO}/pkg/controller/job", State.WORKING)
    primary = found.requirements.children[1]
    assert (primary.have, primary.need) == (3, 5)


def test_never_where_the_level_is_already_held():
    # a reviewer of pkg/controller/job is evaluated for approver; where she is not a reviewer (cron) the
    # approver's tenure as reviewer is not met, so cron is not chosen though it holds more of her work
    held = (("member", K8S, day(0)), ("reviewer", Scope("kubernetes", "kubernetes", "pkg/controller/job"), day(10)))
    index = world({"pkg/controller/job": 30, "pkg/controller/cron": 40}, holdings=held)
    found = evaluate_person(index, builtin_ladder("kubernetes"), ALICE, FOLDERS, NOW)
    assert (found.level, str(found.scope), found.state) == ("approver", f"{REPO}/pkg/controller/job", State.READY)


def test_someone_not_a_member_is_evaluated_for_member_in_the_organisation():
    found = evaluate_person(world({"pkg": 3}, holdings=()), builtin_ladder("kubernetes"), ALICE, FOLDERS, NOW)
    assert (found.level, str(found.scope)) == ("member", "kubernetes")


def test_bots_are_never_evaluated():
    assert is_bot("dependabot[bot]") and is_bot("Renovate[BOT]") and not is_bot("bot-lover")
    index = world({"pkg/controller/job": 20}, login="helper[bot]")
    assert evaluate_person(index, builtin_ladder("kubernetes"), ALICE, FOLDERS, NOW) is None
    assert set(evaluate_everyone(index, builtin_ladder("kubernetes"), FOLDERS, NOW)) == {BOB}


def test_the_search_skips_folders_holding_fewer_pull_requests_than_the_level_needs(monkeypatch):
    from ladder_rules import everyone

    kubernetes = builtin_ladder("kubernetes")
    assert everyone.pr_floor(kubernetes.level("reviewer").requires) == 20  # "at least 20 substantial PRs"
    assert everyone.pr_floor(kubernetes.level("member").requires) == 1  # "at least one merged PR"
    # 21 under job and 19 under cron: ready in pkg/controller and in job; cron is never evaluated
    index = world({"pkg/controller/job": 21, "pkg/controller/cron": 19})
    seen = []
    real = everyone.evaluate

    def counting(index, ladder, person_id, level, scope, now, **kw):
        seen.append(str(scope))
        return real(index, ladder, person_id, level, scope, now, **kw)

    monkeypatch.setattr(everyone, "evaluate", counting)
    found = evaluate_person(index, kubernetes, ALICE, FOLDERS, NOW)
    assert (found.level, str(found.scope), found.state) == ("reviewer", f"{REPO}/pkg/controller/job", State.READY)
    assert f"{REPO}/pkg/controller/cron" not in seen
    assert f"{REPO}/pkg/controller/job" in seen


def test_a_count_keeps_its_newest_50_items_as_evidence_and_the_text_says_how_many_there_are():
    from app.markdown import evidence_section
    from ladder_rules.metrics import EVIDENCE_KEPT

    found = evaluate_person(world({"pkg/controller/job": 60}), builtin_ladder("kubernetes"), ALICE, FOLDERS, NOW)
    reviewed = found.requirements.children[2]
    assert (reviewed.have, len(reviewed.evidence), EVIDENCE_KEPT) == (60, 50, 50)
    dates = [d for _, _, d in reviewed.evidence]
    assert dates == sorted(dates) and dates[0] == day(100.5 + 10)  # the oldest ten are counted, not listed
    text = evidence_section(found.to_dict())
    assert "**Reviewed or merged at least 20 substantial PRs to kubernetes/kubernetes/pkg/controller/job** (60)" in text
    assert "- … and 30 more" in text
