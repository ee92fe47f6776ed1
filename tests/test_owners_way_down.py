"""The way down in OWNERS files: approvers to emeritus_approvers, reviewers removed, one line each, byte-exact;
in the alias group when the list names one; several people of one file gathered into one text. Real files
(tests/fixtures/owners); variants are edited copies."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from ladder_rules.owners import norm_login, parse_aliases, parse_owners
from ladder_rules.owners_edit import (
    EditError,
    Removal,
    add_to_alias,
    emeritus_group,
    move_to_emeritus,
    plan_removal,
    plan_way_down,
    remove_from_alias,
    remove_from_list,
)
from tests.test_owners_edit import assert_moved

FIXTURES = Path(__file__).parent / "fixtures" / "owners"
OWNERS_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.yaml") if "ALIASES" not in p.name)
ALIAS_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.yaml") if "ALIASES" in p.name)


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def is_sorted(names: list[str]) -> bool:
    return [norm_login(n) for n in names] == sorted(norm_login(n) for n in names)


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.ndiff(old.splitlines(), new.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


PROW = fixture("kubernetes-sigs__prow__OWNERS.yaml")
PLUGINS = fixture("kubernetes-sigs__prow__pkg__plugins__OWNERS.yaml")
CR = fixture("kubernetes-sigs__controller-runtime__OWNERS.yaml")
CR_ALIASES = fixture("kubernetes-sigs__controller-runtime__OWNERS_ALIASES.yaml")
KUEUE = fixture("kubernetes-sigs__kueue__OWNERS.yaml")
KUEUE_ALIASES = fixture("kubernetes-sigs__kueue__OWNERS_ALIASES.yaml")
COMMUNITY = fixture("kubernetes__community__OWNERS.yaml")
IMAGE_PUSHING = fixture("kubernetes__test-infra__config__jobs__image-pushing__OWNERS.yaml")


# --- one person, exact outputs ----------------------------------------------------------------------


def test_exact_output_an_approver_moves_to_emeritus_in_sorted_position():
    (edit,) = plan_removal(PROW, None, "approvers", "matthyx")
    assert edit.path == "OWNERS"
    assert edit.new_text == (
        "# See the OWNERS docs at https://go.k8s.io/owners\n"
        "\n"
        "approvers:\n"
        "  - cblecker\n"
        "  - petr-muller\n"
        "  - droslean\n"
        "  - krzyzacy\n"
        "  - smg247\n"
        "emeritus_approvers:\n"
        "  - alvaroaleman\n"
        "  - cjwagner\n"
        "  - matthyx\n"
        "  - stevekuznetsov\n"
        "  - timwangmusic\n"
    )
    assert edit.message == "Moved matthyx from approvers to emeritus_approvers of OWNERS (line 12)."


def test_exact_output_a_reviewer_is_removed_and_an_approver_of_the_same_file_moved():
    (reviewer,) = plan_removal(PLUGINS, None, "reviewers", "cjwagner", owners_path="pkg/plugins/OWNERS")
    assert reviewer.new_text == PLUGINS.replace("reviewers:\n- cjwagner\n", "reviewers:\n")
    assert reviewer.message == "Removed cjwagner from reviewers of pkg/plugins/OWNERS (line 4)."
    (approver,) = plan_removal(PLUGINS, None, "approvers", "cjwagner", owners_path="pkg/plugins/OWNERS")
    assert approver.new_text == PLUGINS.replace(
        "approvers:\n- cjwagner\n", "approvers:\nemeritus_approvers:\n- cjwagner\n"
    )


def test_exact_output_inside_a_filter_entry():
    (edit,) = plan_removal(COMMUNITY, None, "approvers", "nikhita")
    # community's emeritus list is unsorted: the move appends after its last entry
    assert edit.new_text == COMMUNITY.replace("      - nikhita\n", "", 1).replace(
        "      - spiffxp\n", "      - spiffxp\n      - nikhita\n"
    )
    assert edit.message == 'Moved nikhita from approvers to emeritus_approvers of filter ".*" of OWNERS (line 20).'
    (edit,) = plan_removal(COMMUNITY, None, "approvers", "committee-steering", filter_key="(?i)charter.md")
    assert edit.new_text == COMMUNITY.replace(
        "    approvers:\n      - committee-steering\n    labels:\n",
        "    approvers:\n    emeritus_approvers:\n      - committee-steering\n    labels:\n",
    )


def test_exact_output_an_alias_only_owners_file_edits_the_group():
    """kueue's OWNERS lists only alias groups: the approver leaves kueue-approvers in OWNERS_ALIASES."""
    (edit,) = plan_removal(KUEUE, KUEUE_ALIASES, "approvers", "MIMOWO")
    assert edit.path == "OWNERS_ALIASES"
    assert edit.new_text == KUEUE_ALIASES.replace(
        "  kueue-approvers:\n    - mimowo\n    - sohankunkerkar\n", "  kueue-approvers:\n    - sohankunkerkar\n"
    )
    assert edit.line == 3
    assert edit.message == (
        "Removed mimowo from alias group kueue-approvers in OWNERS_ALIASES. kueue-approvers is used only as approvers "
        'in filter ".*" of OWNERS. OWNERS_ALIASES keeps no emeritus list for kueue-approvers, so nothing records '
        "them as emeritus."
    )
    # still a reviewer through kueue-reviewers: that is a separate removal
    assert "mimowo" in parse_aliases(edit.new_text)["kueue-reviewers"]
    (edit,) = plan_removal(KUEUE, KUEUE_ALIASES, "approvers", "olekzabl", filter_key="_test\\.go$")
    assert edit.new_text == KUEUE_ALIASES.replace(
        "    - mbobrovskyi\n    - olekzabl\n    - pbundyra\n", "    - mbobrovskyi\n    - pbundyra\n"
    )


def test_exact_output_a_group_shared_with_reviewers_says_so_and_uses_the_emeritus_group():
    """controller-runtime keeps emeritus groups: a maintainer moves there, and the message says the group
    also grants reviewers."""
    (edit,) = plan_removal(CR, CR_ALIASES, "approvers", "vincepri")
    assert edit.path == "OWNERS_ALIASES"
    assert edit.new_text == (
        CR_ALIASES.replace("  - sbueringer\n  - vincepri\n", "  - sbueringer\n")
        .replace(
            "  controller-runtime-emeritus-maintainers:\n  - directxman12\n",
            "  controller-runtime-emeritus-maintainers:\n  - directxman12\n  - vincepri\n",
        )
        .replace("  - pwittrock\n", "  - pwittrock\n  - vincepri\n")
    )
    removed, added = changed_lines(CR_ALIASES, edit.new_text)
    assert removed == ["  - vincepri", "  - vincepri"] and added == ["  - vincepri", "  - vincepri"]
    assert edit.message == (
        "Removed vincepri from alias group controller-runtime-admins in OWNERS_ALIASES. controller-runtime-admins is "
        "also listed as reviewers in OWNERS: they leave those too. Added to controller-runtime-emeritus-admins, the "
        "group's emeritus list. Removed vincepri from alias group controller-runtime-maintainers in OWNERS_ALIASES. "
        "controller-runtime-maintainers is also listed as reviewers in OWNERS: they leave those too. Added to "
        "controller-runtime-emeritus-maintainers, the group's emeritus list."
    )
    (edit,) = plan_removal(CR, CR_ALIASES, "reviewers", "JoelSpeed")
    assert edit.new_text == CR_ALIASES.replace("  - JoelSpeed\n", "")
    assert edit.message == (
        "Removed JoelSpeed from alias group controller-runtime-reviewers in OWNERS_ALIASES. "
        "controller-runtime-reviewers is used only as reviewers in OWNERS."
    )


def test_already_in_the_emeritus_group_is_only_removed():
    # a derived copy where directxman12, already emeritus, is still listed among the maintainers
    aliases = CR_ALIASES.replace(
        "  - vincepri\n\n  # non-admin folks who can approve",
        "  - vincepri\n  - directxman12\n\n  # non-admin folks who can approve",
    )
    assert aliases != CR_ALIASES
    (edit,) = plan_removal(CR, aliases, "approvers", "directxman12")
    assert edit.new_text == CR_ALIASES
    assert edit.message.endswith("Already in controller-runtime-emeritus-maintainers, the group's emeritus list.")


def test_listed_directly_and_through_a_group_changes_both_files():
    owners = CR.replace("  - controller-runtime-reviewers\n", "  - controller-runtime-reviewers\n  - troy0820\n")
    edits = plan_removal(owners, CR_ALIASES, "reviewers", "troy0820")
    assert [edit.path for edit in edits] == ["OWNERS", "OWNERS_ALIASES"]
    assert edits[0].new_text == CR
    assert edits[1].new_text == CR_ALIASES.replace("  - troy0820\n", "")


def test_the_emeritus_group_of_a_group():
    groups = ["sig-x-approvers", "sig-x-emeritus-approvers", "a-reviewers", "a-reviewers-emeritus", "emeritus-b"]
    assert emeritus_group("sig-x-approvers", groups) == "sig-x-emeritus-approvers"
    assert emeritus_group("A-Reviewers", groups) == "a-reviewers-emeritus"
    assert emeritus_group("b", groups) == "emeritus-b"
    assert emeritus_group("sig-y-approvers", groups) is None
    assert emeritus_group("controller-runtime-approvers", parse_aliases(CR_ALIASES)) is None


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: plan_removal(PROW, None, "approvers", "nobody"),
            "OWNERS: nobody is not in approvers of OWNERS, neither directly nor through an alias group.",
        ),
        (
            lambda: plan_removal(KUEUE, KUEUE_ALIASES, "reviewers", "Singularity23x0"),
            'OWNERS: Singularity23x0 is not in reviewers of filter ".*" of OWNERS, neither directly nor through an '
            "alias group.",
        ),
        (
            lambda: plan_removal(PROW, None, "labels", "x"),
            "OWNERS: the way down edits approvers or reviewers, not 'labels'.",
        ),
        (
            lambda: remove_from_alias(KUEUE_ALIASES, "kueue-approvers", "amy"),
            "OWNERS_ALIASES, line 3: amy is not in alias group kueue-approvers in OWNERS_ALIASES.",
        ),
        (
            lambda: remove_from_alias(KUEUE_ALIASES, "no-such-group", "amy"),
            "OWNERS_ALIASES: there is no alias group no-such-group in OWNERS_ALIASES.",
        ),
    ],
)
def test_refusals_say_why(call, message):
    with pytest.raises(EditError) as caught:
        call()
    assert str(caught.value) == message


# --- several people of one file: one text --------------------------------------------------------------


def test_exact_output_several_people_in_one_file_become_one_text():
    old = fixture("kubernetes__test-infra__config__tests__jobs__OWNERS.yaml")
    plan = plan_way_down(
        old,
        None,
        [Removal("aojea", "approvers"), Removal("dims", "reviewers"), Removal("upodroid", "approvers")],
    )
    assert plan.refused == ()
    (edit,) = plan.edits
    assert edit.path == "OWNERS" and edit.old_text == old
    assert edit.new_text == (
        "# these tests ensure that jobs are configured safely\n"
        "# these tests need to be as tightly approved as config/jobs/image-pushing\n"
        "options:\n"
        "  no_parent_owners: true\n"
        "approvers:\n"
        "# SIG K8s Infra / Testing leads with context\n"
        "- ameukam\n"
        "- bentheelder\n"
        "- dims\n"
        "emeritus_approvers:\n"
        "- aojea\n"
        "- upodroid\n"
        "# explicitly matching approvers\n"
        "reviewers:\n"
        "- ameukam\n"
        "- aojea\n"
        "- bentheelder\n"
        "- upodroid\n"
    )
    assert edit.message == (
        "Moved aojea from approvers to emeritus_approvers of OWNERS. Removed dims from reviewers of OWNERS. "
        "Moved upodroid from approvers to emeritus_approvers of OWNERS."
    )


def test_a_batch_over_owners_and_aliases_gives_one_text_per_file_and_reports_refusals():
    plan = plan_way_down(
        KUEUE,
        KUEUE_ALIASES,
        [
            Removal("mimowo", "approvers"),
            Removal("mimowo", "reviewers"),
            Removal("amy", "reviewers"),
            Removal("ghost", "reviewers"),
            Removal("pbundyra", "approvers", filter_key="_test\\.go$"),
        ],
    )
    (edit,) = plan.edits
    assert edit.path == "OWNERS_ALIASES"
    removed, added = changed_lines(KUEUE_ALIASES, edit.new_text)
    assert removed == ["    - mimowo", "    - mimowo", "    - amy", "    - pbundyra"] and added == []
    groups = parse_aliases(edit.new_text)
    assert groups["kueue-approvers"] == ["sohankunkerkar", "tenzen-y"]
    assert "amy" not in groups["kueue-reviewers"] and "amy" in groups["agent-reviewers"]
    assert groups["test-approvers"] == ["mbobrovskyi", "olekzabl"]
    assert [(removal.login, why) for removal, why in plan.refused] == [
        ("ghost", 'ghost is not in reviewers of filter ".*" of OWNERS, neither directly nor through an alias group.')
    ]


def test_a_removal_the_batch_already_covered_is_no_change():
    # vincepri holds approvers and reviewers through the same groups: leaving approvers empties both
    plan = plan_way_down(CR, CR_ALIASES, [Removal("vincepri", "approvers"), Removal("vincepri", "reviewers")])
    assert plan.refused == ()
    (edit,) = plan.edits
    assert edit.new_text == plan_removal(CR, CR_ALIASES, "approvers", "vincepri")[0].new_text


def test_nothing_to_do_is_no_edit():
    plan = plan_way_down(PROW, None, [Removal("nobody", "approvers")])
    assert plan.edits == () and len(plan.refused) == 1


# --- every real file ---------------------------------------------------------------------------------------


def roster_lists(name):
    owners = parse_owners(fixture(name), name)
    filter_key = None if owners.form == "simple" else ".*"
    return filter_key, owners.roster()


@pytest.mark.parametrize("name", OWNERS_FIXTURES)
def test_removing_every_direct_reviewer_of_a_real_file_changes_one_line(name):
    old = fixture(name)
    _, config = roster_lists(name)
    for login in config.reviewers:
        (edit,) = plan_removal(old, None, "reviewers", login)
        removed, added = changed_lines(old, edit.new_text)
        assert added == [] and [line.strip() for line in removed] == [f"- {login}"]
        assert edit.new_text == remove_from_list(old, "reviewers", login).new_text


@pytest.mark.parametrize("name", OWNERS_FIXTURES)
def test_moving_every_direct_approver_changes_two_lines_or_three_with_the_new_key(name):
    old = fixture(name)
    _, config = roster_lists(name)
    for login in config.approvers:
        (edit,) = plan_removal(old, None, "approvers", login)
        assert edit.new_text == move_to_emeritus(old, login).new_text
        # one line left approvers and one joined emeritus_approvers (plus the key when it was missing)
        assert_moved(old, edit, login, created=not config.emeritus_approvers)
        assert len(edit.new_text.splitlines()) == len(old.splitlines()) + (0 if config.emeritus_approvers else 1)


@pytest.mark.parametrize("name", OWNERS_FIXTURES)
def test_a_batch_of_every_approver_and_reviewer_equals_the_edits_one_after_another(name):
    old = fixture(name)
    _, config = roster_lists(name)
    removals = [Removal(login, "approvers") for login in config.approvers]
    removals += [Removal(login, "reviewers") for login in config.reviewers]
    plan = plan_way_down(old, None, removals)
    text = old
    for removal in removals:
        text = plan_removal(text, None, removal.list_name, removal.login)[0].new_text
    assert plan.refused == ()
    assert [edit.new_text for edit in plan.edits] == ([text] if text != old else [])


@pytest.mark.parametrize("name", ALIAS_FIXTURES)
def test_every_member_of_every_real_alias_group_leaves_with_one_line_and_comes_back_byte_exact(name):
    old = fixture(name)
    groups = parse_aliases(old, name)
    count = 0
    for group, members in groups.items():
        for member in members:
            edit = remove_from_alias(old, group, member, path=name)
            removed, added = changed_lines(old, edit.new_text)
            flow = old.splitlines()[edit.line - 1].rstrip().endswith("]")
            assert (len(removed), len(added)) == ((1, 1) if flow else (1, 0))
            assert parse_aliases(edit.new_text, name)[group] == [m for m in members if m != member]
            back = add_to_alias(edit.new_text, group, member, path=name).new_text
            remaining = [m for m in members if m != member]
            commented = "#" in old.splitlines()[edit.line - 1]  # an inline comment is not re-created
            if not commented and (is_sorted(members) or (not is_sorted(remaining) and member == members[-1])):
                assert back == old  # it goes back where it was: sorted position, or the end of an unsorted list
            count += 1
    assert (
        count
        == {
            "kubernetes-sigs__controller-runtime__OWNERS_ALIASES.yaml": 16,
            "kubernetes-sigs__kueue__OWNERS_ALIASES.yaml": 28,
            "kubernetes__test-infra__OWNERS_ALIASES.yaml": 263,
        }[name]
    )
