"""Org membership and since when: peribolos org.yaml (a real one, tektoncd/community's, with a made-up
history), `members_since`, deliveries, and the 204/404 membership check. Real HTTP against the GitHub
stand-in, a real SQLite file."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rosters.files import Calls
from app.rosters.membership import MemberRow, PeribolosError, is_org_member, peribolos_members, sync_membership
from app.store.facts import load_facts
from ladder_rules.facts import Holding, Scope
from tests.stores import open_test_database

ORG_YAML = (Path(__file__).parent / "fixtures" / "peribolos" / "tektoncd__community__org__org.yaml").read_text(
    encoding="utf-8"
)
REPO = "tektoncd/community"
INSTALLATION = 91
BASE = datetime(2022, 6, 1, 8, 0, tzinfo=timezone.utc)
NOW = "2024-01-01T00:00:00Z"
LATE = [
    "renzodavid9",
    "cugykw",
    "l-qing",
    "twoGiants",
    "brianwcook",
    "bkhizgiy",
    "mangelajo",
    "zakisk",
    "gbenhaim",
    "mathur07",
]  # the last ten members of the real list, added one a day in the history


def day(k: int) -> datetime:
    return BASE + timedelta(days=k)


def stamp(k: int) -> str:
    return day(k).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def db(tmp_path):
    return open_test_database(tmp_path / "ladder.db")


def without(text: str, *logins: str) -> str:
    for login in logins:
        text = text.replace(f"    - {login}\n", "", 1)
    return text


@pytest.fixture
def tekton(stand_in):
    """org.yaml: on day 0 without the last ten members and with sbwsg (now alumni); one member added a
    day on days 1-10; sbwsg removed on day 20. Every login but startx-lab has a GitHub account; all but
    thelinuxfoundation are (API-visible) members of the org."""
    state = stand_in.state
    state.add_installation(INSTALLATION, "tektoncd")
    first = without(ORG_YAML, *LATE).replace("    # alumni:\n", "    - sbwsg\n    # alumni:\n")
    state.add_repo(REPO, files={"org/org.yaml": first, "README.md": "# Tekton community\n"}, at=day(0))
    for k, login in enumerate(LATE, start=1):
        text = without(ORG_YAML, *LATE[k:]).replace("    # alumni:\n", "    - sbwsg\n    # alumni:\n")
        state.commit(REPO, "main", {"org/org.yaml": text}, message=f"Add {login} to the org", at=day(k))
    state.commit(REPO, "main", {"org/org.yaml": ORG_YAML}, message="sbwsg to alumni", at=day(20))
    logins = list(peribolos_members(first, "tektoncd").values()) + LATE + ["alice-new"]
    for n, login in enumerate(logins):
        if login != "startx-lab":
            state.add_user(login, id=10_000 + n)
    state.add_org_member("tektoncd", *[l for l in logins if l not in ("startx-lab", "thelinuxfoundation", "sbwsg")])
    return state


def user_id(state, login: str) -> int:
    return state.user(login).id


async def test_org_yaml_dates_with_deliveries_and_members_since(stand_in, github_client, db, tekton):
    # zakisk's member_added delivery was seen first-hand: that date wins over org.yaml's
    db.execute(
        "INSERT INTO org_members (org, user_id, since, source) VALUES ('tektoncd', ?, "
        "'2022-05-01T10:00:00Z', 'delivery')",
        [user_id(tekton, "zakisk")],
    )
    gh = await github_client.for_installation(INSTALLATION)
    result = await sync_membership(
        gh,
        db,
        "tektoncd",
        peribolos=(REPO, "org/org.yaml"),
        now=NOW,
        members_since={"mathur07": date(2020, 1, 1), "alice-new": date(2026, 5, 4), "bad": "soon"},
    )
    rows = {row.login: row for row in result.rows}
    assert len(rows) == 193 - 1 + 1  # org.yaml's 193 logins, less startx-lab (no account), plus alice-new
    assert rows["wlynch"] == MemberRow("wlynch", user_id(tekton, "wlynch"), day(0), "org.yaml")  # an admin
    assert rows["renzodavid9"].since == day(1)
    assert rows["gbenhaim"].since == day(9)
    assert rows["mathur07"] == MemberRow("mathur07", user_id(tekton, "mathur07"), day(10), "org.yaml")
    assert rows["zakisk"] == MemberRow(
        "zakisk", user_id(tekton, "zakisk"), datetime(2022, 5, 1, 10, tzinfo=timezone.utc), "delivery"
    )
    assert rows["alice-new"] == MemberRow(
        "alice-new", user_id(tekton, "alice-new"), datetime(2026, 5, 4, tzinfo=timezone.utc), "members_since"
    )
    assert rows["thelinuxfoundation"].since == day(0)  # found by GET /users, not in the members list
    assert "sbwsg" not in rows  # left org.yaml before this sync: never a member here
    assert result.unresolved == ["startx-lab"]
    assert result.warnings == ["members_since: bad: 'soon' is not a date; ignored."]
    # one current read, one history page over 12 commits, each commit read at most once
    assert result.calls.list_calls == 1 == len(stand_in.requests_to("GET", "/repos/*/commits"))
    assert result.calls.content_calls == len(stand_in.requests_to("GET", "/repos/*/contents/*")) <= 1 + 12
    # resolving logins: 2 pages of org members, then /users for the 2 the list does not show
    assert len(stand_in.requests_to("GET", "/orgs/tektoncd/members")) == 2
    assert sorted(r.path for r in stand_in.requests_to("GET", "/users/*")) == [
        "/users/startx-lab",
        "/users/thelinuxfoundation",
    ]


async def test_second_sync_searches_no_history_and_leavers_are_marked(stand_in, github_client, db, tekton):
    gh = await github_client.for_installation(INSTALLATION)
    await sync_membership(gh, db, "tektoncd", peribolos=(REPO, "org/org.yaml"), now=NOW)
    tekton.commit(REPO, "main", {"org/org.yaml": without(ORG_YAML, "gbenhaim")}, message="gbenhaim leaves", at=day(30))
    result = await sync_membership(gh, db, "tektoncd", peribolos=(REPO, "org/org.yaml"), now="2024-02-01T00:00:00Z")
    assert result.calls.list_calls == 0 and result.calls.content_calls == 1
    assert "gbenhaim" not in {row.login for row in result.rows} and len(result.rows) == 191
    assert db.execute(
        "SELECT removed_at, since FROM org_members WHERE user_id = ?", [user_id(tekton, "gbenhaim")]
    ).fetchone() == ("2024-02-01T00:00:00Z", stamp(9))


async def test_members_since_alone_and_the_member_level(db):
    db.execute("INSERT INTO people (id, login, type) VALUES (7, 'Alice', 'User')")
    result = await sync_membership(
        None, db, "example", members_since={"alice": "2026-05-04", "bob": "2026-06-01"}, now=NOW
    )
    assert result.rows == [MemberRow("alice", 7, datetime(2026, 5, 4, tzinfo=timezone.utc), "members_since")]
    assert result.unresolved == ["bob"]  # no ledger entry and no GitHub client to ask
    facts = load_facts(db, "example", member_level="member")
    assert facts.people[7].holdings == (Holding("member", Scope("example"), datetime(2026, 5, 4, tzinfo=timezone.utc)),)


async def test_missing_org_yaml_is_a_warning(stand_in, github_client, db, tekton):
    gh = await github_client.for_installation(INSTALLATION)
    result = await sync_membership(
        gh, db, "tektoncd", peribolos=(REPO, "config/{org}/org.yaml"), members_since={"wlynch": "2021-01-01"}, now=NOW
    )
    assert result.warnings == [
        "tektoncd/community:config/tektoncd/org.yaml does not exist; org membership dates come from elsewhere."
    ]
    assert [(r.login, r.source) for r in result.rows] == [("wlynch", "members_since")]


async def test_is_org_member(stand_in, github_client, tekton):
    gh = await github_client.for_installation(INSTALLATION)
    calls = Calls()
    assert await is_org_member(gh, "tektoncd", "vdemeester", calls=calls) is True
    assert await is_org_member(gh, "tektoncd", "thelinuxfoundation", calls=calls) is False
    assert await is_org_member(gh, "tektoncd", "VDEMEESTER", calls=calls) is True
    assert calls.other_calls == 3 == len(stand_in.requests_to("GET", "/orgs/tektoncd/members/*"))


# --- reading org.yaml --------------------------------------------------------------------------------


def test_real_org_yaml_members_and_admins():
    members = peribolos_members(ORG_YAML, "tektoncd")
    assert len(members) == 193  # 7 admins + 187 member lines, PuneetPunamiya listed twice
    assert members["puneetpunamiya"] == "PuneetPunamiya" and members["16yuki0702"] == "16yuki0702"
    assert "sbwsg" not in members  # only in a comment
    catalog = peribolos_members(ORG_YAML, "TektonCD-Catalog")
    assert len(catalog) == 17 and "dibyom" in catalog
    assert peribolos_members(ORG_YAML, "knative") == {}


@pytest.mark.parametrize(
    "text, message",
    [
        ("orgs:\n  tektoncd:\n    members: [a, b\n", "org.yaml, line 4: not valid YAML"),
        (
            "orgs:\n  tektoncd:\n    members: alice\n",
            "org.yaml, line 3: orgs.tektoncd.members must be a list of logins.",
        ),
        (
            "orgs:\n  tektoncd:\n    admins:\n    - {a: b}\n",
            "org.yaml, line 4: each entry of orgs.tektoncd.admins must be a login.",
        ),
        ("orgs:\n- tektoncd\n", "org.yaml, line 2: orgs must be a mapping of organisations."),
        ("orgs:\n  knative:\n    members: [a]\n", "org.yaml: there is no orgs.tektoncd in it."),
    ],
)
def test_bad_org_yaml_names_file_and_line(text, message):
    with pytest.raises(PeribolosError) as error:
        peribolos_members(text, "tektoncd", "org.yaml", required=True)
    assert str(error.value).startswith(message)


LOGIN = st.from_regex(r"\A[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,20}\Z")


@given(admins=st.lists(LOGIN, max_size=5), members=st.lists(LOGIN, max_size=20), flow=st.booleans())
def test_generated_org_yaml_round_trip(admins, members, flow):
    def block(key, logins):
        if flow:
            return f"    {key}: [{', '.join(repr(l) for l in logins)}]\n"
        return f"    {key}:\n" + "".join(f"    - '{l}'\n" for l in logins) if logins else f"    {key}: []\n"

    text = (
        "orgs:\n  tektoncd:\n"
        + block("admins", admins)
        + "    billing_email: x@example.org\n"
        + block("members", members)
    )
    assert set(peribolos_members(text, "tektoncd")) == {l.lower() for l in admins + members}
