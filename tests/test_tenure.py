"""Tenure: the date a login entered an OWNERS list or alias group, read from the file's history over real
HTTP against the GitHub stand-in, with few requests."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.rosters.files import Calls
from app.rosters.tenure import AliasGroup, FileHistory, OwnersList, entered_at, find_entry

FIXTURES = Path(__file__).parent / "fixtures" / "owners"
INSTALLATION = 77
BASE = datetime(2020, 1, 6, 9, 30, tzinfo=timezone.utc)
ENTRY = re.compile(r"^\s*- ")


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def growing(text: str) -> list[str]:
    """Versions of a real file: first with every list entry removed, then one entry added back per
    version, in file order, until the real file is whole again."""
    lines = text.splitlines(keepends=True)
    entries = [i for i, line in enumerate(lines) if ENTRY.match(line)]
    versions = []
    for k in range(len(entries) + 1):
        dropped = set(entries[k:])
        versions.append("".join(line for i, line in enumerate(lines) if i not in dropped))
    return versions


def day(k: int) -> datetime:
    return BASE + timedelta(days=k)


def commit_versions(state, repo: str, path: str, versions: list[str], *, first_day: int = 0) -> None:
    """Commit each version of `path` one day after the previous (the first creates the repository)."""
    for k, text in enumerate(versions):
        if k == 0 and first_day == 0:
            state.add_repo(repo, files={path: text}, at=day(0))
        else:
            state.commit(
                repo,
                "main",
                {path: text},
                message=f"{path}: revision {k}",
                author="k8s-ci-robot",
                at=day(first_day + k),
            )


def requests(stand_in) -> tuple[int, int]:
    return (
        len(stand_in.requests_to("GET", "/repos/*/commits")),
        len(stand_in.requests_to("GET", "/repos/*/contents/*")),
    )


@pytest.fixture
def aliases_history(stand_in):
    """kubernetes/test-infra OWNERS_ALIASES built up one entry per day: 264 commits."""
    stand_in.state.add_installation(INSTALLATION, "kubernetes")
    versions = growing(fixture("kubernetes__test-infra__OWNERS_ALIASES.yaml"))
    commit_versions(stand_in.state, "kubernetes/test-infra", "OWNERS_ALIASES", versions)
    return versions


def entry_position(text: str, group: str, login: str) -> int:
    """1-based position, among all entry lines of the file, of `login`'s line in `group`."""
    position, current = 0, None
    for line in text.splitlines():
        if ENTRY.match(line):
            position += 1
            if current == group and line.strip()[2:].strip() == login:
                return position
        elif line.strip().endswith(":") and not line.strip().startswith("#"):
            current = line.strip()[:-1]
    raise AssertionError(f"{login} not in {group}")


def test_growing_versions_end_with_the_real_file():
    text = fixture("kubernetes__test-infra__OWNERS_ALIASES.yaml")
    versions = growing(text)
    assert len(versions) == 264 and versions[-1] == text
    assert AliasGroup("sig-testing-leads")(versions[0], "OWNERS_ALIASES") == frozenset()
    # sig-contributor-experience-leads lists MadhavJivrajani as its first entry: position 31 of 263
    assert entry_position(text, "sig-contributor-experience-leads", "MadhavJivrajani") == 31


@pytest.mark.parametrize(
    "group, login",
    [
        ("sig-api-machinery-leads", "deads2k"),  # the very first entry
        ("sig-auth-leads", "deads2k"),  # the same person, entering a second group later
        ("sig-contributor-experience-leads", "MadhavJivrajani"),
        ("sig-contributor-experience-technical-leads", "madhavjivrajani"),  # compared lower-cased
    ],
)
async def test_entry_date_in_an_alias_group(stand_in, github_client, aliases_history, group, login):
    gh = await github_client.for_installation(INSTALLATION)
    position = entry_position(
        aliases_history[-1], group, login.replace("madhav", "Madhav").replace("jivrajani", "Jivrajani")
    )
    calls = Calls()
    when = await entered_at(gh, "kubernetes/test-infra", "OWNERS_ALIASES", login, group=group, calls=calls)
    assert when == day(position)
    # 264 commits: 3 pages of 100; the newest version plus ceil(log2(264)) = 9 probes
    assert (calls.list_calls, calls.content_calls) == requests(stand_in)
    assert calls.list_calls == 3
    assert calls.content_calls <= 1 + math.ceil(math.log2(264))


async def test_two_hundred_commits_cost_two_list_calls_and_at_most_nine_reads(stand_in, github_client):
    stand_in.state.add_installation(INSTALLATION, "kubernetes")
    versions = growing(fixture("kubernetes__test-infra__OWNERS_ALIASES.yaml"))[:200]
    commit_versions(stand_in.state, "kubernetes/test-infra", "OWNERS_ALIASES", versions)
    gh = await github_client.for_installation(INSTALLATION)
    text = fixture("kubernetes__test-infra__OWNERS_ALIASES.yaml")
    cases = [
        ("sig-api-machinery-leads", "deads2k"),
        ("sig-contributor-experience-leads", "kaslin"),
        ("sig-node-leads", "mrunalp"),
    ]
    for group, login in cases:
        position = entry_position(text, group, login)
        assert position < 200
        before = requests(stand_in)
        history = FileHistory(gh, "kubernetes/test-infra", "OWNERS_ALIASES")
        entry = await find_entry(history, login, AliasGroup(group))
        after = requests(stand_in)
        assert entry.at == day(position)
        assert history.calls.list_calls == after[0] - before[0] == 2
        assert history.calls.content_calls == after[1] - before[1] <= 9
        assert len(entry.probes) == history.calls.content_calls


async def test_a_login_not_listed_now_costs_one_read(stand_in, github_client, aliases_history):
    gh = await github_client.for_installation(INSTALLATION)
    calls = Calls()
    assert (
        await entered_at(
            gh, "kubernetes/test-infra", "OWNERS_ALIASES", "nobody-here", group="sig-testing-leads", calls=calls
        )
        is None
    )
    assert (calls.list_calls, calls.content_calls) == (3, 1)
    # a real member, but of another group
    assert await entered_at(gh, "kubernetes/test-infra", "OWNERS_ALIASES", "deads2k", group="sig-testing-leads") is None


async def test_shared_history_reads_each_commit_once(stand_in, github_client, aliases_history):
    """Dating every lead of one file through one history: far fewer reads than one search each."""
    gh = await github_client.for_installation(INSTALLATION)
    history = FileHistory(gh, "kubernetes/test-infra", "OWNERS_ALIASES")
    text = aliases_history[-1]
    groups = ["sig-api-machinery-leads", "sig-apps-leads", "sig-architecture-leads", "sig-auth-leads"]
    dated = {}
    for group in groups:
        for login in AliasGroup(group)(text, "OWNERS_ALIASES"):
            entry = await find_entry(history, login, AliasGroup(group), assume_present=True)
            dated[(group, login)] = entry.at
    assert len(dated) == 15
    assert dated[("sig-apps-leads", "soltysh")] == day(7)
    assert dated[("sig-auth-leads", "ritazh")] == day(15)
    assert history.calls.list_calls == 3 == requests(stand_in)[0]
    # 15 people dated with 20 reads in all, where one search each could cost 15 x 9 = 135
    assert history.calls.content_calls == requests(stand_in)[1] == 20


OWNERS_V1 = "approvers:\n  - cblecker\nreviewers:\n  - cblecker\n"


async def test_removal_and_re_add_dates_the_last_entry(stand_in, github_client):
    """petr-muller is added, goes emeritus for a long stretch of commits, and comes back: tenure starts
    at the return, not at the first entry."""
    state = stand_in.state
    state.add_installation(INSTALLATION, "kubernetes-sigs")
    real = fixture("kubernetes-sigs__prow__OWNERS.yaml")
    without = real.replace("  - petr-muller\n", "")
    emeritus = without.replace("emeritus_approvers:\n", "emeritus_approvers:\n  - petr-muller\n")
    history = [without] * 3 + [real] * 7 + [emeritus] * 20 + [real] * 10  # 40 commits
    for k, text in enumerate(history):
        # each revision also changes a comment line, so every commit touches the file
        version = text.replace("# See the OWNERS docs", f"# revision {k}\n# See the OWNERS docs")
        if k == len(history) - 1:
            version = text
        if k == 0:
            state.add_repo("kubernetes-sigs/prow", files={"OWNERS": version}, at=day(0))
        else:
            state.commit("kubernetes-sigs/prow", "main", {"OWNERS": version}, at=day(k))
    gh = await github_client.for_installation(INSTALLATION)
    assert await entered_at(gh, "kubernetes-sigs/prow", "OWNERS", "petr-muller", list_name="approvers") == day(30)
    # cblecker has been an approver since the first commit: the date the file was created
    assert await entered_at(gh, "kubernetes-sigs/prow", "OWNERS", "cblecker", list_name="approvers") == day(0)
    # emeritus lists give no rights: the login is "absent" there
    assert await entered_at(gh, "kubernetes-sigs/prow", "OWNERS", "stevekuznetsov") is None


async def test_file_deleted_and_recreated(stand_in, github_client):
    state = stand_in.state
    state.add_installation(INSTALLATION, "kubernetes-sigs")
    plugins = fixture("kubernetes-sigs__prow__pkg__plugins__OWNERS.yaml")
    state.add_repo("kubernetes-sigs/prow", files={"README.md": "prow\n"}, at=day(0))
    state.commit("kubernetes-sigs/prow", "main", {"pkg/plugins/OWNERS": plugins}, at=day(1))
    state.commit("kubernetes-sigs/prow", "main", {"pkg/plugins/OWNERS": None}, at=day(2))
    state.commit("kubernetes-sigs/prow", "main", {"README.md": "prow!\n"}, at=day(3))  # not in the history
    state.commit("kubernetes-sigs/prow", "main", {"pkg/plugins/OWNERS": plugins}, at=day(4))
    gh = await github_client.for_installation(INSTALLATION)
    calls = Calls()
    assert await entered_at(
        gh, "kubernetes-sigs/prow", "pkg/plugins/OWNERS", "cjwagner", list_name="reviewers", calls=calls
    ) == day(4)
    assert calls.list_calls == 1 and calls.content_calls == 2  # the newest, then the deletion
    assert (
        await entered_at(gh, "kubernetes-sigs/prow", "pkg/plugins/OWNERS", "MadhavJivrajani", list_name="reviewers")
        is None
    )  # a required reviewer, not a reviewer


async def test_unreadable_revision_counts_as_nobody(stand_in, github_client):
    state = stand_in.state
    state.add_installation(INSTALLATION, "kubernetes")
    real = fixture("kubernetes__community__OWNERS.yaml")
    state.add_repo("kubernetes/community", files={"OWNERS": "approvers: [unclosed\n"}, at=day(0))
    state.commit("kubernetes/community", "main", {"OWNERS": real}, at=day(1))
    gh = await github_client.for_installation(INSTALLATION)
    history = FileHistory(gh, "kubernetes/community", "OWNERS")
    login = sorted(OwnersList("approvers")(real, "OWNERS"))[0]
    entry = await find_entry(history, login, OwnersList("approvers"))
    assert entry.at == day(1)
    assert len(history.warnings) == 1 and "OWNERS, line" in history.warnings[0]


def test_list_and_group_are_exclusive():
    with pytest.raises(ValueError, match="not both"):
        import asyncio

        asyncio.run(entered_at(None, "o/r", "OWNERS", "x", list_name="reviewers", group="g"))
