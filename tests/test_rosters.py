"""Holdings from OWNERS rosters: Prow's reading of a scope's OWNERS files (inheritance, no_parent_owners,
aliases) mapped to ladder levels and written to `holdings`, each dated from the files' history. Real
OWNERS files (tests/fixtures/owners) in the GitHub stand-in, with made-up histories; real HTTP, real SQLite."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.rosters import sync_owners_scope
from app.rosters.files import Calls
from app.rosters.owners_sync import folder_chain, group_name
from app.store.facts import load_facts
from ladder_rules.builtin import builtin_ladder
from ladder_rules.facts import Holding, Scope
from ladder_rules.format import load_ladder
from ladder_rules.owners import OwnersError
from tests.stores import open_test_database

TESTS = Path(__file__).parent
INSTALLATION = 77
BASE = datetime(2021, 3, 1, 12, 0, tzinfo=timezone.utc)
NOW = "2024-01-01T00:00:00Z"


def owners(name: str) -> str:
    return (TESTS / "fixtures" / "owners" / name).read_text(encoding="utf-8")


def day(k: int) -> datetime:
    return BASE + timedelta(days=k)


def stamp(k: int) -> str:
    return day(k).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def db(tmp_path):
    return open_test_database(tmp_path / "ladder.db")


def holdings(db) -> list[tuple]:
    return db.execute("SELECT login, level, scope, since, source FROM holdings ORDER BY level, login").fetchall()


# --- kubernetes-sigs/prow: the root OWNERS and pkg/plugins/OWNERS, approvers added over time ----------

PROW_ROOT = owners("kubernetes-sigs__prow__OWNERS.yaml")
PROW_PLUGINS = owners("kubernetes-sigs__prow__pkg__plugins__OWNERS.yaml")
PROW = "kubernetes-sigs/prow"
ROOT_SOURCE = "OWNERS kubernetes-sigs/prow:OWNERS"
PLUGINS_SOURCE = "OWNERS kubernetes-sigs/prow:pkg/plugins/OWNERS"
PLUGINS_SCOPE = "kubernetes-sigs/prow/pkg/plugins"


@pytest.fixture
def prow(stand_in):
    state = stand_in.state
    state.add_installation(INSTALLATION, "kubernetes-sigs")
    first = PROW_ROOT.replace("  - droslean\n", "").replace("  - smg247\n", "")
    state.add_repo(PROW, files={"OWNERS": first, "README.md": "# Prow\n"}, at=day(0))
    state.commit(
        PROW,
        "main",
        {"pkg/plugins/OWNERS": PROW_PLUGINS, "pkg/plugins/plugins.go": "package plugins\n"},
        message="Add the plugins package",
        author="cjwagner",
        at=day(10),
    )
    state.commit(PROW, "main", {"OWNERS": PROW_ROOT.replace("  - smg247\n", "")}, message="Add droslean", at=day(20))
    state.commit(PROW, "main", {"OWNERS": PROW_ROOT}, message="Add smg247", at=day(30))
    state.commit(PROW, "main", {"README.md": "# Prow\n\nCI for Kubernetes.\n"}, at=day(35))
    return state


PROW_EXPECTED = [
    ("cblecker", "approver", PLUGINS_SCOPE, stamp(0), ROOT_SOURCE),
    ("cjwagner", "approver", PLUGINS_SCOPE, stamp(10), PLUGINS_SOURCE),
    ("droslean", "approver", PLUGINS_SCOPE, stamp(20), ROOT_SOURCE),
    ("krzyzacy", "approver", PLUGINS_SCOPE, stamp(0), ROOT_SOURCE),
    ("matthyx", "approver", PLUGINS_SCOPE, stamp(0), ROOT_SOURCE),
    ("petr-muller", "approver", PLUGINS_SCOPE, stamp(0), ROOT_SOURCE),
    ("smg247", "approver", PLUGINS_SCOPE, stamp(30), ROOT_SOURCE),
    ("cjwagner", "reviewer", PLUGINS_SCOPE, stamp(10), PLUGINS_SOURCE),
]


async def test_folder_scope_reads_its_owners_and_the_ones_above(stand_in, github_client, db, prow):
    gh = await github_client.for_installation(INSTALLATION)
    calls = Calls()
    rows = await sync_owners_scope(
        gh, db, builtin_ladder("kubernetes"), Scope("kubernetes-sigs", "prow", "pkg/plugins"), now=NOW, calls=calls
    )
    assert holdings(db) == PROW_EXPECTED
    assert len(rows) == 8 and {r.updated_at for r in rows} == {NOW} and {r.org for r in rows} == {"kubernetes-sigs"}
    # the required reviewers (MadhavJivrajani, Priyankasaggu11929) and emeritus approvers hold nothing
    assert not {"madhavjivrajani", "alvaroaleman"} & {r.login.lower() for r in rows}
    # reads: pkg/plugins/OWNERS, pkg/OWNERS (absent), OWNERS, OWNERS_ALIASES (absent); then two histories
    assert calls.list_calls == 2 == len(stand_in.requests_to("GET", "/repos/*/commits"))
    assert calls.content_calls == len(stand_in.requests_to("GET", "/repos/*/contents/*"))
    # 4 current reads, then the 3 root OWNERS commits probed twice in all (shared by 7 people); the
    # plugins OWNERS has one commit: nothing to search
    assert calls.content_calls == 4 + 2


async def test_a_second_sync_keeps_dates_and_searches_nothing(stand_in, github_client, db, prow):
    gh = await github_client.for_installation(INSTALLATION)
    scope = Scope("kubernetes-sigs", "prow", "pkg/plugins")
    await sync_owners_scope(gh, db, builtin_ladder("kubernetes"), scope, now=NOW)
    stand_in.requests.clear()
    calls = Calls()
    await sync_owners_scope(gh, db, builtin_ladder("kubernetes"), scope, now="2024-02-01T00:00:00Z", calls=calls)
    assert holdings(db) == PROW_EXPECTED
    assert (calls.list_calls, calls.content_calls) == (0, 4)
    assert stand_in.requests_to("GET", "/repos/*/commits") == []


async def test_removed_people_lose_the_row_and_new_ones_are_dated(stand_in, github_client, db, prow):
    gh = await github_client.for_installation(INSTALLATION)
    scope = Scope("kubernetes-sigs", "prow", "pkg/plugins")
    ladder = builtin_ladder("kubernetes")
    await sync_owners_scope(gh, db, ladder, scope, now=NOW)
    # krzyzacy goes emeritus and BenTheElder joins, in one commit
    moved = PROW_ROOT.replace("  - krzyzacy\n", "  - BenTheElder\n").replace(
        "emeritus_approvers:\n", "emeritus_approvers:\n  - krzyzacy\n"
    )
    prow.commit(PROW, "main", {"OWNERS": moved}, message="krzyzacy to emeritus; add BenTheElder", at=day(50))
    calls = Calls()
    await sync_owners_scope(gh, db, ladder, scope, now=NOW, calls=calls)
    expected = [row for row in PROW_EXPECTED if row[0] != "krzyzacy"]
    expected.insert(0, ("BenTheElder", "approver", PLUGINS_SCOPE, stamp(50), ROOT_SOURCE))
    assert holdings(db) == expected
    assert calls.list_calls == 1  # only the root OWNERS history, for BenTheElder


async def test_no_parent_owners_stops_inheritance(stand_in, github_client, db, prow):
    prow.commit(PROW, "main", {"pkg/plugins/OWNERS": PROW_PLUGINS + "options:\n  no_parent_owners: true\n"}, at=day(40))
    gh = await github_client.for_installation(INSTALLATION)
    await sync_owners_scope(
        gh, db, builtin_ladder("kubernetes"), Scope("kubernetes-sigs", "prow", "pkg/plugins"), now=NOW
    )
    assert holdings(db) == [
        ("cjwagner", "approver", PLUGINS_SCOPE, stamp(10), PLUGINS_SOURCE),
        ("cjwagner", "reviewer", PLUGINS_SCOPE, stamp(10), PLUGINS_SOURCE),
    ]
    # the root approvers still hold the level over the repository itself
    await sync_owners_scope(gh, db, builtin_ladder("kubernetes"), Scope("kubernetes-sigs", "prow"), now=NOW)
    assert [(r[0], r[3]) for r in holdings(db) if r[2] == "kubernetes-sigs/prow"] == [
        ("cblecker", stamp(0)),
        ("droslean", stamp(20)),
        ("krzyzacy", stamp(0)),
        ("matthyx", stamp(0)),
        ("petr-muller", stamp(0)),
        ("smg247", stamp(30)),
    ]


async def test_holdings_reach_the_evaluator_facts(stand_in, github_client, db, prow):
    db.execute("INSERT INTO people (id, login, type) VALUES (501, 'SMG247', 'User')")
    gh = await github_client.for_installation(INSTALLATION)
    rows = await sync_owners_scope(
        gh, db, builtin_ladder("kubernetes"), Scope("kubernetes-sigs", "prow", "pkg/plugins"), now=NOW
    )
    assert [r.person_id for r in rows if r.login == "smg247"] == [501]
    facts = load_facts(db, "kubernetes-sigs", member_level=None)
    assert facts.people[501].holdings == (
        Holding("approver", Scope("kubernetes-sigs", "prow", "pkg/plugins"), day(30)),
    )


# --- kubernetes-sigs/controller-runtime: OWNERS lists only alias groups ------------------------------

CR = "kubernetes-sigs/controller-runtime"
CR_OWNERS = owners("kubernetes-sigs__controller-runtime__OWNERS.yaml")
CR_ALIASES = owners("kubernetes-sigs__controller-runtime__OWNERS_ALIASES.yaml")


@pytest.fixture
def controller_runtime(stand_in):
    """The reviewers alias enters the OWNERS reviewers list on day 5; troy0820 enters it on day 12."""
    state = stand_in.state
    state.add_installation(INSTALLATION, "kubernetes-sigs")
    state.add_repo(
        CR,
        files={
            "OWNERS": CR_OWNERS.replace("  - controller-runtime-reviewers\n", ""),
            "OWNERS_ALIASES": CR_ALIASES.replace("  - troy0820\n", ""),
        },
        at=day(0),
    )
    state.commit(CR, "main", {"OWNERS": CR_OWNERS}, message="Reviewers alias reviews", at=day(5))
    state.commit(CR, "main", {"OWNERS_ALIASES": CR_ALIASES}, message="Add troy0820", at=day(12))
    return state


def alias_source(group: str) -> str:
    return f"OWNERS {CR}:OWNERS ({group} in OWNERS_ALIASES)"


async def test_aliases_expand_and_date_by_the_later_of_both_files(stand_in, github_client, db, controller_runtime):
    gh = await github_client.for_installation(INSTALLATION)
    await sync_owners_scope(
        gh, db, builtin_ladder("kubernetes"), Scope("kubernetes-sigs", "controller-runtime"), now=NOW
    )
    scope = "kubernetes-sigs/controller-runtime"
    admins = alias_source("controller-runtime-admins")
    reviewers = alias_source("controller-runtime-reviewers")
    assert holdings(db) == [
        ("alvaroaleman", "approver", scope, stamp(0), admins),
        ("joelanford", "approver", scope, stamp(0), admins),
        ("sbueringer", "approver", scope, stamp(0), admins),
        ("vincepri", "approver", scope, stamp(0), admins),
        ("alvaroaleman", "reviewer", scope, stamp(0), admins),
        ("inteon", "reviewer", scope, stamp(5), reviewers),
        ("joelanford", "reviewer", scope, stamp(0), admins),
        ("JoelSpeed", "reviewer", scope, stamp(5), reviewers),
        ("sbueringer", "reviewer", scope, stamp(0), admins),
        ("troy0820", "reviewer", scope, stamp(12), reviewers),
        ("varshaprasad96", "reviewer", scope, stamp(5), reviewers),
        ("vincepri", "reviewer", scope, stamp(0), admins),
    ]
    # emeritus groups are not in any OWNERS list: droot holds nothing
    assert db.execute("SELECT count(*) FROM holdings WHERE login = 'droot'").fetchone()[0] == 0


ARGO = load_ladder((TESTS / "fixtures" / "ladders" / "argo.yaml").read_text(encoding="utf-8"), "argo.yaml")


async def test_alias_group_roster(stand_in, github_client, db, controller_runtime):
    """Argo's reviewers are the `{repo}-reviewers` group: dated by OWNERS_ALIASES alone."""
    gh = await github_client.for_installation(INSTALLATION)
    rows = await sync_owners_scope(gh, db, ARGO, Scope("kubernetes-sigs", "controller-runtime", "pkg/client"), now=NOW)
    source = f"OWNERS_ALIASES {CR}:OWNERS_ALIASES (controller-runtime-reviewers)"
    scope = "kubernetes-sigs/controller-runtime"  # Argo's levels are held per repository
    assert holdings(db) == [
        ("inteon", "reviewer", scope, stamp(0), source),
        ("JoelSpeed", "reviewer", scope, stamp(0), source),
        ("troy0820", "reviewer", scope, stamp(12), source),
        ("varshaprasad96", "reviewer", scope, stamp(0), source),
    ]
    assert len(rows) == 4  # controller-runtime-approvers is empty: no approver rows


async def test_scope_without_a_repository_reads_nothing(db):
    assert await sync_owners_scope(None, db, builtin_ladder("kubernetes"), Scope("kubernetes-sigs"), now=NOW) == []
    assert holdings(db) == []


async def test_a_broken_owners_file_is_reported_with_its_line(stand_in, github_client, db):
    state = stand_in.state
    state.add_installation(INSTALLATION, "kubernetes-sigs")
    state.add_repo(PROW, files={"OWNERS": "approvers:\n  - cblecker\nreviewers: cblecker\n"}, at=day(0))
    gh = await github_client.for_installation(INSTALLATION)
    with pytest.raises(OwnersError) as error:
        await sync_owners_scope(gh, db, builtin_ladder("kubernetes"), Scope("kubernetes-sigs", "prow"), now=NOW)
    assert (
        str(error.value)
        == "kubernetes-sigs/prow:OWNERS, line 3: reviewers must be a list, but it is the single value 'cblecker'."
    )
    assert holdings(db) == []


def test_folder_chain_and_group_names():
    assert folder_chain("pkg/plugins/") == ["pkg/plugins", "pkg", ""]
    assert folder_chain(None) == [""]
    assert group_name("{repo}-reviewers", Scope("argoproj", "argo-cd")) == "argo-cd-reviewers"
    assert group_name("sig-docs-{scope}-reviews", Scope("kubernetes", "website", "content/ko")) == "sig-docs-ko-reviews"
