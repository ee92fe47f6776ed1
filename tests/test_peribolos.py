"""Peribolos org.yaml read in both layouts and edited one member line at a time, byte-exact, on real files:
kubernetes/org's (the org's mapping at the top level, sorted, items at column 0, a quoted numeric login) and
tektoncd/community's (``orgs:`` with two organisations, an unsorted list ending in a comment)."""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

import pytest

from ladder_rules.peribolos import (
    Layout,
    OrgRoster,
    PeribolosError,
    Team,
    add_member,
    peribolos_members,
    read_org,
    remove_member,
)

FIXTURES = Path(__file__).parent / "fixtures" / "peribolos"
KUBERNETES = (FIXTURES / "kubernetes__org__config__kubernetes__org.yaml").read_text(encoding="utf-8")
TEKTON = (FIXTURES / "tektoncd__community__org__org.yaml").read_text(encoding="utf-8")
K8S_PATH = "config/kubernetes/org.yaml"


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.ndiff(old.splitlines(), new.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


# --- reading -------------------------------------------------------------------------------------------


def test_kubernetes_org_layout_reads_members_admins_and_teams():
    roster = read_org(KUBERNETES, "kubernetes", K8S_PATH)
    assert roster.layout is Layout.ORG and roster.org == "kubernetes"
    assert len(roster.members) == 26 and len(roster.admins) == 10
    assert roster.members[:4] == ("08volt", "196Ikuchil", "249043822", "44past4")  # the quoted one is text
    assert roster.members[-3:] == ("zvonkok", "zwpaper", "zylxjtu")
    assert "MadhavJivrajani" in roster.admins
    assert roster.teams == {
        "api-approvers": Team("api-approvers", ("deads2k", "liggitt", "msau42", "smarterclayton", "thockin")),
        "bash-firefighters": Team(
            "bash-firefighters", ("BenTheElder", "cjwagner", "stevekuznetsov", "sttts"), ("cblecker",)
        ),
    }
    assert roster.role_of("@benTheElder") == "member" and roster.role_of("CBLECKER") == "admin"
    assert roster.role_of("deads2k") is None  # on a team, not in members: the file is not sorted out for them
    assert len(roster.everyone()) == 36
    # the org's name is not written in a one-org file: any name reads the same mapping
    assert read_org(KUBERNETES, None, K8S_PATH) == dataclasses.replace(roster, org=None)
    assert read_org(KUBERNETES, "other", K8S_PATH) == dataclasses.replace(roster, org="other")


def test_tektoncd_orgs_layout_reads_each_org():
    tekton = read_org(TEKTON, "tektoncd")
    assert tekton.layout is Layout.ORGS and tekton.org == "tektoncd"
    assert len(tekton.members) == 187 and len(tekton.admins) == 7
    assert tekton.members.count("PuneetPunamiya") == 2  # listed twice in the real file
    assert "sbwsg" not in tekton.everyone()  # only in a comment
    assert tekton.teams["governing-board"].members == ("wlynch", "jerop", "vdemeester", "afrittoli", "chitrangpatel")
    catalog = read_org(TEKTON, "TektonCD-Catalog")
    assert catalog.org == "tektoncd-catalog" and len(catalog.members) == 9 and len(catalog.admins) == 8
    assert catalog.teams["golang.maintainers"].members == ("vdemeester", "vinamra28")
    assert read_org(TEKTON, "knative") == OrgRoster("knative", Layout.ORGS)  # not required: nobody


def test_peribolos_members_reads_both_layouts():
    assert len(peribolos_members(TEKTON, "tektoncd")) == 193  # 7 admins + 187 lines, one login twice
    members = peribolos_members(KUBERNETES, "kubernetes")
    assert (
        len(members) == 36 and members["madhavjivrajani"] == "MadhavJivrajani" and members["249043822"] == "249043822"
    )
    assert peribolos_members(None, "kubernetes") == {}


@pytest.mark.parametrize(
    "text, message",
    [
        ("members: [a, b\n", "org.yaml, line 2: not valid YAML"),
        ("- a\n- b\n", "org.yaml, line 1: the file must be a mapping (members:, admins:, … or orgs:)."),
        ("members: alice\n", "org.yaml, line 1: members must be a list of logins."),
        ("admins:\n- [a]\n", "org.yaml, line 2: each entry of admins must be a login."),
        ("members:\n- a\nmembers:\n- b\n", "org.yaml, line 3: 'members' appears twice in the file (first on line 1)."),
        ("teams:\n  t:\n    members: x\n", "org.yaml, line 3: teams.t.members must be a list of logins."),
        ("teams: [a]\n", "org.yaml, line 1: teams must be a mapping of team names."),
        ("orgs:\n  o:\n    teams:\n      t: 1\n", "org.yaml, line 4: orgs.o.teams.t must be a mapping"),
        ("teams: &t\n  a:\n    teams: *t\n", "org.yaml, line 1: teams.a.teams.a.teams"),
        ("orgs:\n  a: {}\n  b: {}\n", "org.yaml: say which organisation: the file declares a, b."),
        ("[" * 3000, "org.yaml: not valid YAML: lists or mappings are nested too deeply."),
    ],
)
def test_bad_org_yaml_names_file_and_line(text, message):
    with pytest.raises(PeribolosError) as caught:
        read_org(text)
    assert str(caught.value).startswith(message)


# --- adding a member, byte-exact -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "login, after, line",
    [
        ("007bond", None, 18),  # before 08volt: the first line of the list
        ("2fast", '"249043822"', 21),  # plain: only what needs quotes is quoted
        ("abby", "aauren", 31),
        ("Bob", "BenTheElder", 40),
        ("zzz", "zylxjtu", 44),
    ],
)
def test_exact_output_kubernetes_sorted_positions(login, after, line):
    edit = add_member(KUBERNETES, login, org="kubernetes", path=K8S_PATH)
    if after is None:
        expected = KUBERNETES.replace("members:\n- 08volt\n", f"members:\n- {login}\n- 08volt\n")
    else:
        expected = KUBERNETES.replace(f"\n- {after}\n", f"\n- {after}\n- {login}\n", 1)
    assert edit.new_text == expected
    assert edit.message == f"Added {login} to members of {K8S_PATH} (line {line})."
    assert edit.line == line


def test_exact_output_a_numeric_login_is_quoted_as_the_file_quotes():
    edit = add_member(KUBERNETES, "12345", path=K8S_PATH)
    assert edit.new_text == KUBERNETES.replace("- 08volt\n- 196Ikuchil\n", '- 08volt\n- "12345"\n- 196Ikuchil\n')
    # tektoncd quotes with single quotes (`company: ''`) and lists no quoted login
    edit = add_member(TEKTON, "2024", org="tektoncd")
    assert edit.new_text == TEKTON.replace("    - mathur07\n", "    - mathur07\n    - '2024'\n", 1)
    assert read_org(edit.new_text, "tektoncd").members[-1] == "2024"


def test_exact_output_tektoncd_unsorted_list_appends_before_the_alumni_comment():
    edit = add_member(TEKTON, "NewPerson", org="tektoncd")
    assert edit.new_text == TEKTON.replace(
        "    - mathur07\n    # alumni:\n", "    - mathur07\n    - NewPerson\n    # alumni:\n"
    )
    assert edit.message == "Added NewPerson to orgs.tektoncd.members of org.yaml (line 207)."


def test_exact_output_tektoncd_catalog_is_sorted_so_the_login_goes_in_place():
    edit = add_member(TEKTON, "newbie", org="tektoncd-catalog", path="org/org.yaml")
    assert edit.new_text == TEKTON.replace(
        "    - jjasghar\n    - piyush-garg\n", "    - jjasghar\n    - newbie\n    - piyush-garg\n"
    )
    assert edit.message == "Added newbie to orgs.tektoncd-catalog.members of org/org.yaml (line 243)."


def test_already_a_member_or_an_admin_is_no_change():
    edit = add_member(KUBERNETES, "@bentheelder", path=K8S_PATH)
    assert not edit.changed and edit.message == f"BenTheElder is already in members of {K8S_PATH}; nothing to change."
    edit = add_member(TEKTON, "VDEMEESTER", org="tektoncd")
    assert not edit.changed
    assert edit.message == "vdemeester is in orgs.tektoncd.admins of org.yaml (admins are members); nothing to change."


def test_windows_line_endings_and_no_final_newline_are_kept():
    crlf = KUBERNETES.replace("\n", "\r\n")
    assert add_member(crlf, "bob").new_text == crlf.replace("- BenTheElder\r\n", "- BenTheElder\r\n- bob\r\n", 1)
    flow = "admins: [a]\nmembers: [b, d]"
    assert add_member(flow, "c").new_text == "admins: [a]\nmembers: [b, c, d]"
    assert add_member("admins:\n- a\n", "b").new_text == "admins:\n- a\nmembers:\n- b\n"


def test_edit_refusals():
    with pytest.raises(PeribolosError) as caught:
        add_member(TEKTON, "x")
    assert str(caught.value) == "org.yaml: say which organisation: the file declares tektoncd, tektoncd-catalog."
    with pytest.raises(PeribolosError) as caught:
        add_member(TEKTON, "x", org="knative")
    assert str(caught.value) == "org.yaml: there is no orgs.knative in it."
    with pytest.raises(PeribolosError) as caught:
        add_member(KUBERNETES, "x\n- evil")
    assert "is not a GitHub login" in str(caught.value)
    with pytest.raises(PeribolosError) as caught:
        add_member("members: &m [a]\nadmins: *m\n", "b")
    assert str(caught.value) == (
        "org.yaml, line 1: members of org.yaml is reused elsewhere in the file through its YAML anchor &m; "
        "edit it by hand."
    )


# --- removing a member ------------------------------------------------------------------------------------


def test_exact_output_remove_a_member():
    edit = remove_member(KUBERNETES, "aojea", path=K8S_PATH)
    assert edit.new_text == KUBERNETES.replace("- aditigupta96\n- aojea\n", "- aditigupta96\n")
    assert edit.message == f"Removed aojea from members of {K8S_PATH} (line 38)."
    edit = remove_member(KUBERNETES, "249043822", path=K8S_PATH)
    assert edit.new_text == KUBERNETES.replace('- "249043822"\n', "")


def test_a_login_listed_twice_loses_both_lines():
    edit = remove_member(TEKTON, "puneetpunamiya", org="tektoncd")
    removed, added = changed_lines(TEKTON, edit.new_text)
    assert removed == ["    - PuneetPunamiya", "    - PuneetPunamiya"] and added == []
    assert (
        edit.message
        == "Removed PuneetPunamiya from orgs.tektoncd.members of org.yaml (line 45); it was listed 2 times."
    )
    assert "puneetpunamiya" not in {m.lower() for m in read_org(edit.new_text, "tektoncd").members}
    assert "PuneetPunamiya" in read_org(edit.new_text, "tektoncd-catalog").members  # the other org is untouched


def test_removal_refusals():
    with pytest.raises(PeribolosError) as caught:
        remove_member(KUBERNETES, "cblecker", path=K8S_PATH)
    assert str(caught.value) == (
        f"{K8S_PATH}: cblecker is not in members of {K8S_PATH}; they are in admins, which an org owner changes by hand."
    )
    with pytest.raises(PeribolosError) as caught:
        remove_member(TEKTON, "sbwsg", org="tektoncd")
    assert str(caught.value) == "org.yaml: sbwsg is not in orgs.tektoncd.members of org.yaml."


# --- every real list round-trips ---------------------------------------------------------------------------

CASES = [
    (KUBERNETES, None, "members"),
    (TEKTON, "tektoncd", "orgs.tektoncd.members"),
    (TEKTON, "tektoncd-catalog", "orgs.tektoncd-catalog.members"),
]


@pytest.mark.parametrize("text, org, where", CASES, ids=["kubernetes", "tektoncd", "tektoncd-catalog"])
def test_add_then_remove_gives_the_original_bytes(text, org, where):
    before = read_org(text, org)
    for login in ("0first", "aaa", "Middle-Person", "zzz-last", "31337", "NavidZZ"):
        added = add_member(text, login, org=org)
        removed, inserted = changed_lines(text, added.new_text)
        assert (
            removed == []
            and len(inserted) == 1
            and inserted[0].strip() in (f"- {login}", f'- "{login}"', f"- '{login}'")
        )
        after = read_org(added.new_text, org)
        assert sorted(after.members) == sorted(before.members + (login,)) and after.admins == before.admins
        assert remove_member(added.new_text, login, org=org).new_text == text


@pytest.mark.parametrize("text, org, where", CASES, ids=["kubernetes", "tektoncd", "tektoncd-catalog"])
def test_removing_each_member_changes_exactly_their_lines(text, org, where):
    before = read_org(text, org)
    for login in dict.fromkeys(before.members):
        edit = remove_member(text, login, org=org)
        removed, inserted = changed_lines(text, edit.new_text)
        assert inserted == [] and len(removed) == before.members.count(login)
        assert read_org(edit.new_text, org).members == tuple(m for m in before.members if m != login)
