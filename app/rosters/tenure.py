"""When did a login enter a roster file: a binary search over the file's commit history.

    when = await entered_at(gh, "kubernetes/community", "OWNERS", "alice", list_name="reviewers")
    when = await entered_at(gh, "kubernetes/test-infra", "OWNERS_ALIASES", "bob", group="sig-testing-leads")

The commits that touched the file are listed once (one call per 100 commits); the file is then read at
only log2(n) of them. Membership is monotone in the common case (people are added and stay), so the
search keeps "absent at `lo`, present at `hi`" and narrows to the commit where the login appeared. It
leans to the newest entry: every probe that finds the login absent moves the search later, so after a
removal and a re-add the re-add is found whenever one probe lands in the gap. A gap shorter than the
distance between probes can go unseen; the date is then the earlier entry, which over-states tenure.

A file that does not parse at some commit counts as listing nobody there (Prow could not read it either).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from ladder_rules.owners import ROLES, norm_login, parse_aliases, parse_owners

from .files import Calls, FileCommit, file_commits, read_text


class Reader(Protocol):
    """Reads the members of one roster out of a file's text (None: the file is absent) as compared logins.

    Readers are hashable values, so a history caches what each one read at each commit."""

    def __call__(self, text: str | None, path: str) -> frozenset[str]: ...


@dataclass(frozen=True)
class OwnersList:
    """One list of an OWNERS file (the part a promotion edits: the top level or the ".*" filter entry).

    `list_name` None means reviewers or approvers. Entries are read as written: an alias group name is an
    entry like any login (its members are read from OWNERS_ALIASES with `AliasGroup`)."""

    list_name: str | None = None

    def __call__(self, text: str | None, path: str) -> frozenset[str]:
        if text is None:
            return frozenset()
        roster = parse_owners(text, path).roster()
        names = (self.list_name,) if self.list_name else ROLES
        return frozenset(norm_login(entry) for name in names for entry in roster.get(name))


@dataclass(frozen=True)
class AliasGroup:
    """The members of one OWNERS_ALIASES group (group names compare like logins)."""

    group: str

    def __call__(self, text: str | None, path: str) -> frozenset[str]:
        if text is None:
            return frozenset()
        wanted = norm_login(self.group)
        for name, members in parse_aliases(text, path).items():
            if norm_login(name) == wanted:
                return frozenset(norm_login(member) for member in members)
        return frozenset()


class FileHistory:
    """One file's commits on a branch and what a reader finds in it at each, every request made once.

    Several searches over the same file share the history, so the probes they have in common cost one
    request (a sync dating twenty people in one OWNERS file reads far fewer than twenty times log2(n)).
    """

    def __init__(self, gh, repo: str, path: str, *, ref: str | None = None, calls: Calls | None = None):
        self.gh = gh
        self.repo = repo
        self.path = path.strip("/")
        self.ref = ref
        self.calls = calls if calls is not None else Calls()
        self.warnings: list[str] = []
        self._commits: list[FileCommit] | None = None
        self._texts: dict[str, str | None] = {}
        self._members: dict[tuple[str, Reader], frozenset[str]] = {}

    async def commits(self) -> list[FileCommit]:
        """The commits that touched the file, oldest first (listed on first use)."""
        if self._commits is None:
            self._commits = await file_commits(self.gh, self.repo, self.path, ref=self.ref, calls=self.calls)
        return self._commits

    async def text_at(self, sha: str) -> str | None:
        if sha not in self._texts:
            self._texts[sha] = await read_text(self.gh, self.repo, self.path, ref=sha, calls=self.calls)
        return self._texts[sha]

    async def members_at(self, sha: str, reader: Reader) -> frozenset[str]:
        key = (sha, reader)
        if key not in self._members:
            text = await self.text_at(sha)
            try:
                self._members[key] = reader(text, self.path)
            except ValueError as exc:  # OwnersError, PeribolosError: a file Prow or peribolos could not read
                self.warnings.append(f"{self.repo}@{sha[:12]}: {exc}; counted as listing nobody.")
                self._members[key] = frozenset()
        return self._members[key]


@dataclass(frozen=True)
class Entry:
    """The commit at which a login (last) entered a roster."""

    login: str
    sha: str
    at: datetime
    probes: tuple[str, ...] = field(default=(), compare=False)  # shas read, in order


async def find_entry(history: FileHistory, login: str, reader: Reader, *, assume_present: bool = False) -> Entry | None:
    """The latest commit at which `login` appears in `reader`'s roster after being absent (or at the
    file's first commit). None when the login is not on the roster at the newest commit.

    `assume_present` skips reading the newest commit, for callers that just read the current file.
    """
    key = norm_login(login)
    commits = await history.commits()
    if not commits:
        return None
    probes: list[str] = []

    async def present(index: int) -> bool:
        probes.append(commits[index].sha)
        return key in await history.members_at(commits[index].sha, reader)

    hi = len(commits) - 1
    if not assume_present and not await present(hi):
        return None
    lo = -1  # "absent before the first commit": the file did not exist
    while hi - lo > 1:
        mid = (lo + hi + 1) // 2  # the upper middle: on a tie, look at the newer commit
        if await present(mid):
            hi = mid
        else:
            lo = mid
    return Entry(login, commits[hi].sha, commits[hi].at, tuple(probes))


async def entered_at(
    gh,
    repo: str,
    path: str,
    login: str,
    *,
    list_name: str | None = None,
    group: str | None = None,
    ref: str | None = None,
    calls: Calls | None = None,
) -> datetime | None:
    """When `login` entered `list_name` of the OWNERS file at `path` (reviewers or approvers when None),
    or alias `group` of the OWNERS_ALIASES file at `path`. None when the login is not on it now.

    `calls`, when given, is incremented with the requests made.
    """
    if list_name is not None and group is not None:
        raise ValueError("give list_name (an OWNERS file) or group (an OWNERS_ALIASES file), not both")
    reader: Reader = AliasGroup(group) if group is not None else OwnersList(list_name)
    entry = await find_entry(FileHistory(gh, repo, path, ref=ref, calls=calls), login, reader)
    return None if entry is None else entry.at
