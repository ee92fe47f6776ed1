"""The effects Ladder can have on GitHub, each a desired state with a stable key, and their markers.

Every body the app writes ends with a hidden marker, ``<!-- ladder:KEY -->`` (an HTML comment: GitHub's
Markdown does not show it), so the sender can find what it wrote before writing again.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

MAX_BODY = 65536  # GitHub refuses longer issue, comment and pull-request bodies
MAX_TITLE = 256
KEY_PATTERN = re.compile(r"[A-Za-z0-9_.:/#@+=,\[\]-]{1,200}")
REPO_PATTERN = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


class EffectError(ValueError):
    """An effect that could never be written (bad key, body too long, unknown kind): a caller's bug."""


def marker(key: str) -> str:
    return f"<!-- ladder:{key} -->"


def with_marker(body: str, key: str) -> str:
    """The body as written to GitHub: the text, a blank line, the marker."""
    return f"{body.rstrip()}\n\n{marker(key)}"


def has_marker(body: str | None, key: str) -> bool:
    return bool(body) and marker(key) in body


def check_key(key: str) -> str:
    # "--" would end the HTML comment early and show the rest of the marker on GitHub.
    if not KEY_PATTERN.fullmatch(key) or "--" in key:
        raise EffectError(
            f"outbox key {key!r} must be 1-200 characters of letters, digits and _.:/#@+=,[]- without '--'"
        )
    return key


def _check_repo(repo: str) -> None:
    if not REPO_PATTERN.fullmatch(repo):
        raise EffectError(f"repository {repo!r} must be written owner/name")


def _check_body(body: str, key: str, what: str) -> None:
    if len(with_marker(body, key)) > MAX_BODY:
        raise EffectError(f"the {what} for {key!r} is {len(body)} characters; GitHub takes at most {MAX_BODY}")


@dataclass(frozen=True, kw_only=True)
class Effect:
    """Fields every effect has. `installation_id` may be left out: the sender then asks GitHub which
    installation covers `repo`. `person_id` and `org` are for `ladder status` and the dashboard."""

    kind: ClassVar[str] = ""
    repo: str
    installation_id: int | None = None
    org: str | None = None
    person_id: int | None = None

    @property
    def key(self) -> str:
        raise NotImplementedError

    @property
    def grouping(self) -> str | None:
        return None

    def content(self) -> dict[str, Any]:
        """The desired state as plain JSON (identity and bookkeeping fields left out)."""
        data = asdict(self)
        for name in ("installation_id", "org", "person_id"):
            data.pop(name)
        return data

    def check(self) -> None:
        _check_repo(self.repo)
        check_key(self.key)


@dataclass(frozen=True, kw_only=True)
class Comment(Effect):
    """One comment in issue or pull request `number`, created once and then edited in place whenever
    `body` changes (the progress comment per mentee)."""

    kind: ClassVar[str] = "comment"
    name: str  # the key: e.g. "progress:kubernetes:12345"
    number: int
    body: str

    @property
    def key(self) -> str:
        return self.name

    def check(self) -> None:
        super().check()
        _check_body(self.body, self.key, "comment")


@dataclass(frozen=True, kw_only=True)
class Reply(Effect):
    """A one-off comment answering the comment `in_reply_to` (a command). Its key holds that comment's
    id, so a redelivered command never gets a second answer; once written it is never edited."""

    kind: ClassVar[str] = "reply"
    number: int
    in_reply_to: int
    body: str

    @property
    def key(self) -> str:
        return f"reply:{self.repo}#{self.number}:{self.in_reply_to}"

    def check(self) -> None:
        super().check()
        _check_body(self.body, self.key, "reply")


REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")


@dataclass(frozen=True, kw_only=True)
class Reaction(Effect):
    """A reaction (👍 unless said otherwise) on the issue comment `comment_id`, e.g. acknowledging a
    `/checkin`. GitHub keeps one reaction of each content per user and answers an existing one with 200,
    so adding it again (a retry, a redelivery) changes nothing; its key holds the comment's id."""

    kind: ClassVar[str] = "reaction"
    comment_id: int
    emoji: str = "+1"  # GitHub's `content` of a reaction

    @property
    def key(self) -> str:
        return f"reaction:{self.repo}:{self.comment_id}:{self.emoji}"

    def check(self) -> None:
        super().check()
        if self.emoji not in REACTIONS:
            raise EffectError(f"unknown reaction {self.emoji!r}; GitHub takes {', '.join(REACTIONS)}")


@dataclass(frozen=True, kw_only=True)
class Issue(Effect):
    """An issue found by its marker: created if missing, its title, body, labels and state kept as
    given (the readiness issue). `state="closed"` closes it; nothing is created just to be closed."""

    kind: ClassVar[str] = "issue"
    name: str
    title: str
    body: str
    labels: tuple[str, ...] = ()
    state: str = "open"
    state_reason: str | None = None  # "completed" or "not_planned" when closing

    @property
    def key(self) -> str:
        return self.name

    def content(self) -> dict[str, Any]:
        data = super().content()
        data["labels"] = list(self.labels)
        return data

    def check(self) -> None:
        super().check()
        _check_body(self.body, self.key, "issue body")
        if not self.title.strip() or len(self.title) > MAX_TITLE:
            raise EffectError(f"the issue title for {self.key!r} must be 1-{MAX_TITLE} characters")
        if self.state not in ("open", "closed"):
            raise EffectError(f"issue state must be 'open' or 'closed', not {self.state!r}")
        if self.state_reason not in (None, "completed", "not_planned", "reopened"):
            raise EffectError(f"unknown state_reason {self.state_reason!r}")


@dataclass(frozen=True, kw_only=True)
class FileChange(Effect):
    """One change to one file, made as one commit on the app's branch for that file and offered in a
    pull request (the OWNERS pull request). Changes to the same file while that pull request is open
    gather on its branch as further commits, and its body lists each of them.

    The sender reads the file's text on the branch and passes it to the editor registered under
    `editor` (`register_file_editor`) with `edit`; the editor returns the new text (the same text when
    the change is already there, which is how a retried change makes no second commit)."""

    kind: ClassVar[str] = "pull_request"
    name: str
    path: str
    editor: str
    edit: dict[str, Any] = field(default_factory=dict)
    title: str  # the pull request's title while it holds this change alone
    body: str  # this change's section of the pull request body
    commit_message: str = ""
    branch: str = ""  # default: ladder/owners-<path>
    gathered_title: str = "Ladder: {count} changes to {path}"  # title once several changes gather

    @property
    def key(self) -> str:
        return self.name

    @property
    def grouping(self) -> str:
        return self.branch or default_branch_name(self.path)

    def content(self) -> dict[str, Any]:
        data = super().content()
        data["branch"] = self.grouping
        data["commit_message"] = self.commit_message or self.title
        return data

    def check(self) -> None:
        super().check()
        _check_body(self.body, self.key, "pull request section")
        if not self.path or self.path.startswith("/") or ".." in self.path.split("/"):
            raise EffectError(f"file path {self.path!r} must be relative to the repository root")
        if not self.title.strip() or len(self.title) > MAX_TITLE:
            raise EffectError(f"the pull request title for {self.key!r} must be 1-{MAX_TITLE} characters")
        if (
            not re.fullmatch(r"[A-Za-z0-9._/-]+", self.grouping)
            or ".." in self.grouping
            or self.grouping.endswith(("/", ".lock"))
        ):
            raise EffectError(f"branch name {self.grouping!r} is not a valid git branch name")


def default_branch_name(path: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-").lower() or "root"
    return f"ladder/owners-{slug}"


KINDS: dict[str, type[Effect]] = {cls.kind: cls for cls in (Comment, Reply, Reaction, Issue, FileChange)}


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def would_send(kind: str, key: str, content: dict[str, Any]) -> list[dict[str, Any]]:
    """The writes an effect makes on a GitHub where nothing of it exists yet (for dry-run): method, path
    and JSON body of each, after the marker lookups (GETs, not listed) found nothing."""
    repo = content["repo"]
    if kind in ("comment", "reply"):
        return [
            {
                "method": "POST",
                "path": f"/repos/{repo}/issues/{content['number']}/comments",
                "body": {"body": with_marker(content["body"], key)},
            }
        ]
    if kind == "reaction":
        return [
            {
                "method": "POST",
                "path": f"/repos/{repo}/issues/comments/{content['comment_id']}/reactions",
                "body": {"content": content["emoji"]},
            }
        ]
    if kind == "issue":
        if content["state"] == "closed":
            return []  # nothing is created only to be closed
        return [
            {
                "method": "POST",
                "path": f"/repos/{repo}/issues",
                "body": {
                    "title": content["title"],
                    "body": with_marker(content["body"], key),
                    "labels": content["labels"],
                },
            }
        ]
    if kind == "pull_request":
        branch = content["branch"]
        return [
            {
                "method": "POST",
                "path": f"/repos/{repo}/git/refs",
                "body": {"ref": f"refs/heads/{branch}", "sha": "<head of the default branch>"},
            },
            {
                "method": "PUT",
                "path": f"/repos/{repo}/contents/{content['path']}",
                "body": {
                    "message": content["commit_message"],
                    "branch": branch,
                    "sha": "<blob sha on the branch>",
                    "content": f"<{content['path']} after {content['editor']} {canonical(content['edit'])}>",
                },
            },
            {
                "method": "POST",
                "path": f"/repos/{repo}/pulls",
                "body": {
                    "title": content["title"],
                    "head": branch,
                    "base": "<default branch>",
                    "body": pull_body([(key, content["body"])], branch),
                },
            },
        ]
    raise EffectError(f"unknown effect kind {kind!r}")


def pull_body(sections: list[tuple[str, str]], branch: str) -> str:
    """A pull request body: each change's section with its own marker, then the branch's marker."""
    parts = [with_marker(text, key) for key, text in sections]
    return "\n\n---\n\n".join(parts) + "\n\n" + marker(f"branch:{branch}")


def pull_sections(body: str | None, branch: str) -> str:
    """The change sections of an existing pull request body (without the branch marker)."""
    return (body or "").replace(marker(f"branch:{branch}"), "").rstrip()


def add_section(body: str | None, key: str, text: str, branch: str) -> str:
    """The body with one more change's section (unchanged if that change is already listed)."""
    if has_marker(body, key):
        return body or ""
    existing = pull_sections(body, branch)
    new = with_marker(text, key)
    joined = f"{existing}\n\n---\n\n{new}" if existing else new
    return joined + "\n\n" + marker(f"branch:{branch}")


def count_sections(body: str | None) -> int:
    return len(re.findall(r"<!-- ladder:(?!branch:)\S+ -->", body or ""))
