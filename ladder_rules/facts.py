"""The facts the evaluator works on: what people did, and which levels they hold.

These are plain, immutable values. The service (`app/`) builds them from the activity ledger;
`ladder_rules` never reads a database or the network, so tests and benchmarks build them by hand.

People are keyed on their GitHub user id (immutable); logins are only for display.
Times are timezone-aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Kinds of review signal on a pull request (PullRequestSignal.kind).
REVIEW = "review"  # a submitted review; `state` says which (APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED)
REVIEW_COMMENT = "review_comment"  # an inline comment on the diff
LGTM = "lgtm"  # a `/lgtm` comment (Prow's rule: alone on a line, newly created, not by the author)
LGTM_CANCEL = "lgtm_cancel"  # `/lgtm cancel` or `/remove-lgtm`
APPROVE = "approve"  # an `/approve` comment
APPROVE_CANCEL = "approve_cancel"  # `/approve cancel` or `/remove-approve`
COMMENT = "comment"  # any other conversation comment on the pull request

SIGNAL_KINDS = (REVIEW, REVIEW_COMMENT, LGTM, LGTM_CANCEL, APPROVE, APPROVE_CANCEL, COMMENT)


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a level is held: an organisation, one repository, or a folder of one repository."""

    org: str
    repo: str | None = None  # repository name without the owner
    path: str | None = None  # folder inside the repository, no leading or trailing slash

    def __str__(self) -> str:
        text = self.org if self.repo is None else f"{self.org}/{self.repo}"
        return text if not self.path else f"{text}/{self.path}"

    def contains(self, repo_full_name: str, file_path: str | None = None) -> bool:
        """True when a repository (``owner/name``), or a file in it, lies inside this scope."""
        owner, _, name = repo_full_name.partition("/")
        if owner.lower() != self.org.lower():
            return False
        if self.repo is None:
            return True
        if name.lower() != self.repo.lower():
            return False
        if not self.path:
            return True
        if file_path is None:
            return False
        return file_path == self.path or file_path.startswith(self.path + "/")


@dataclass(frozen=True, slots=True)
class PullRequestSignal:
    """One review-like act by one person on a pull request, in time order within the PR."""

    person_id: int
    at: datetime
    kind: str  # one of SIGNAL_KINDS
    url: str
    state: str | None = None  # upper-case review state, for kind == REVIEW


@dataclass(frozen=True, slots=True)
class PullRequestFacts:
    id: int  # GitHub's id of the pull request
    repo: str  # "owner/name"
    number: int
    url: str  # html URL
    author_id: int | None  # None when the author's account was deleted
    created_at: datetime
    merged_at: datetime | None
    additions: int = 0
    deletions: int = 0
    labels: tuple[str, ...] = ()
    paths: tuple[str, ...] | None = None  # changed files; None when not known
    signals: tuple[PullRequestSignal, ...] = ()  # sorted by `at`


@dataclass(frozen=True, slots=True)
class Contribution:
    """An issue opened or a comment written, for the `issues` and `comments` metrics."""

    repo: str  # "owner/name"
    number: int
    at: datetime
    url: str


@dataclass(frozen=True, slots=True)
class Holding:
    """A level a person holds in a scope, from a roster (org membership, OWNERS, an alias group)."""

    level: str
    scope: Scope
    since: datetime | None  # when the person entered the roster; None when unknown


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    login: str
    company: str | None = None  # from the public profile: unverified
    holdings: tuple[Holding, ...] = ()
    issues: tuple[Contribution, ...] = ()
    comments: tuple[Contribution, ...] = ()


@dataclass(frozen=True, slots=True)
class Repository:
    full_name: str  # "owner/name"
    created_at: datetime | None = None
    review_acts_as_lgtm: bool = False


@dataclass(slots=True)
class Facts:
    """Everything known, for one organisation (or several): the evaluator's whole input."""

    people: dict[int, Person] = field(default_factory=dict)
    pull_requests: dict[int, PullRequestFacts] = field(default_factory=dict)
    repositories: dict[str, Repository] = field(default_factory=dict)  # keyed on lower-cased full name
