"""Reading one file of a repository through the REST API: its text at a ref, and the commits that touched it.

These are the only GitHub reads the roster code makes; `Calls` counts them so callers (and tests) can see
that a history search stays logarithmic.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from datetime import datetime, timezone

import gidgethub

PER_PAGE = 100  # GitHub's maximum: one list call per 100 commits


@dataclass
class Calls:
    """How many API requests the roster code made, by kind."""

    list_calls: int = 0  # pages of GET /repos/{owner}/{repo}/commits
    content_calls: int = 0  # GET /repos/{owner}/{repo}/contents/{path}
    other_calls: int = 0  # user and membership look-ups

    @property
    def total(self) -> int:
        return self.list_calls + self.content_calls + self.other_calls


@dataclass(frozen=True, slots=True)
class FileCommit:
    """A commit that changed a file: its sha and when it landed on the branch (the committer date)."""

    sha: str
    at: datetime


def parse_github_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def split_repo(repo: str) -> tuple[str, str]:
    owner, _, name = repo.partition("/")
    if not owner or not name or "/" in name:
        raise ValueError(f"a repository is written owner/name, not {repo!r}")
    return owner, name


async def _get_or_none(gh, url: str, url_vars: dict, calls: Calls | None, *, missing=(404,)):
    """One counted read of a repository's contents; None when GitHub answers one of the `missing` statuses."""
    if calls is not None:
        calls.content_calls += 1
    try:
        return await gh.getitem(url, url_vars)
    except gidgethub.BadRequest as exc:
        if exc.status_code in missing:
            return None
        raise


async def read_text(gh, repo: str, path: str, *, ref: str | None = None, calls: Calls | None = None) -> str | None:
    """The text of `path` in `repo` at `ref` (default branch when None); None when there is no such file."""
    owner, name = split_repo(repo)
    data = await _get_or_none(
        gh,
        "/repos/{owner}/{repo}/contents/{+path}{?ref}",
        {"owner": owner, "repo": name, "path": path.strip("/"), "ref": ref},
        calls,
    )
    if not isinstance(data, dict) or data.get("type") != "file":
        return None  # a folder of that name is not the file
    raw = base64.b64decode(data.get("content") or "")
    return raw.decode("utf-8", errors="replace")


async def files_named(gh, repo: str, name: str, *, calls: Calls | None = None) -> tuple[list[str], bool]:
    """The paths of every file called `name` (e.g. OWNERS) on the default branch, from one recursive tree
    read, and whether GitHub truncated the listing (over 100,000 entries: the paths found are kept)."""
    owner, repo_name = split_repo(repo)
    data = await _get_or_none(
        gh,
        "/repos/{owner}/{repo}/git/trees/{tree_sha}{?recursive}",
        {"owner": owner, "repo": repo_name, "tree_sha": "HEAD", "recursive": "1"},
        calls,
        missing=(404, 409),  # no such repository, or an empty one
    )
    tree = data.get("tree") if isinstance(data, dict) else None
    paths = sorted(
        e["path"]
        for e in tree or ()
        if isinstance(e, dict) and e.get("type") == "blob" and str(e.get("path", "")).rsplit("/", 1)[-1] == name
    )
    return paths, bool(isinstance(data, dict) and data.get("truncated"))


async def file_commits(
    gh, repo: str, path: str, *, ref: str | None = None, calls: Calls | None = None
) -> list[FileCommit]:
    """Every commit on `ref` (default branch) that touched `path`, OLDEST first.

    One request per 100 commits. GitHub's `?path=` does not follow renames: history before a rename is
    not seen, so a login listed since before the rename is dated at the rename.
    """
    owner, name = split_repo(repo)
    found: list[FileCommit] = []
    async for item in gh.getiter(
        "/repos/{owner}/{repo}/commits{?path,sha,per_page}",
        {"owner": owner, "repo": name, "path": path.strip("/"), "sha": ref, "per_page": PER_PAGE},
    ):
        commit = item.get("commit") or {}
        stamp = (commit.get("committer") or {}).get("date") or (commit.get("author") or {}).get("date")
        found.append(FileCommit(item["sha"], parse_github_time(stamp)))
    if calls is not None:
        # gidgethub asks for one page after another by the Link header: exactly this many requests
        calls.list_calls += max(1, math.ceil(len(found) / PER_PAGE))
    found.reverse()
    return found
