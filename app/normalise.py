"""From GitHub's JSON (webhook payloads, REST objects) to the ledger's records.

Deliveries and backfill both come through here, so a fact seen both ways becomes the same record with the
same GitHub id, and is stored once. Bots never become activity: their reviews and comments are dropped
(a pull request a bot opened is kept, because reviewing it is real review work).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Prow's own patterns (kubernetes-sigs/prow pkg/plugins/lgtm, approve). Go's \s is [\t\n\f\r ].
_S = r"[\t\n\f\r ]"
LGTM_RE = re.compile(rf"(?mi)^/lgtm(?: no-issue)?{_S}*$")
LGTM_CANCEL_RE = re.compile(rf"(?mi)^/(?:remove-lgtm|lgtm cancel){_S}*$")
COMMAND_RE = re.compile(r"(?m)^/([^\t\n\f\r ]+)[\t ]*([^\n\r]*)")


def lgtm_signal(body: str | None) -> int:
    """1 for `/lgtm`, -1 for `/lgtm cancel` or `/remove-lgtm`, 0 for neither; `/lgtm` wins, as in Prow."""
    if not body:
        return 0
    if LGTM_RE.search(body):
        return 1
    if LGTM_CANCEL_RE.search(body):
        return -1
    return 0


def approve_signal(body: str | None) -> int:
    """1 for `/approve`, -1 for `/approve cancel` or `/remove-approve`, 0 for neither; the last line wins."""
    result = 0
    for name, args in COMMAND_RE.findall(body or ""):
        name = name.upper()
        if name == "REMOVE-APPROVE" or (name == "APPROVE" and "cancel" in args.strip().lower()):
            result = -1
        elif name == "APPROVE":
            result = 1
    return result


@dataclass(frozen=True)
class PersonRecord:
    id: int
    login: str
    type: str = "User"


@dataclass(frozen=True)
class RepositoryRecord:
    id: int
    full_name: str
    installation_id: int | None = None
    default_branch: str | None = None
    private: bool | None = None
    created_at: str | None = None

    @property
    def owner(self) -> str:
        return self.full_name.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.full_name.split("/", 1)[1]


@dataclass(frozen=True)
class PullRequestRecord:
    id: int
    repo_id: int
    number: int
    author_id: int | None
    title: str | None
    html_url: str | None
    state: str | None
    draft: bool | None
    base_ref: str | None
    created_at: str | None
    updated_at: str | None
    closed_at: str | None
    merged_at: str | None
    additions: int | None = None  # None: not in this payload (keep what is stored)
    deletions: int | None = None
    changed_files: int | None = None
    labels: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ReviewRecord:
    id: int
    repo_id: int
    pr_number: int
    reviewer_id: int | None
    state: str
    submitted_at: str | None
    html_url: str | None


@dataclass(frozen=True)
class ReviewCommentRecord:
    id: int
    repo_id: int
    pr_number: int
    author_id: int | None
    review_id: int | None
    created_at: str | None
    html_url: str | None


@dataclass(frozen=True)
class IssueRecord:
    id: int
    repo_id: int
    number: int
    author_id: int | None
    title: str | None
    html_url: str | None
    state: str | None
    is_pull_request: bool
    created_at: str | None
    updated_at: str | None


@dataclass(frozen=True)
class IssueCommentRecord:
    id: int
    repo_id: int
    issue_number: int
    is_pull_request: bool
    author_id: int | None
    created_at: str | None
    html_url: str | None
    lgtm: int = 0
    approve: int = 0


@dataclass(frozen=True)
class OrgMemberRecord:
    org: str
    user_id: int
    since: str | None
    source: str
    removed: bool = False


@dataclass
class Activity:
    """Everything one payload (or one backfilled object) tells the ledger."""

    people: list[PersonRecord] = field(default_factory=list)
    repositories: list[RepositoryRecord] = field(default_factory=list)
    pull_requests: list[PullRequestRecord] = field(default_factory=list)
    reviews: list[ReviewRecord] = field(default_factory=list)
    review_comments: list[ReviewCommentRecord] = field(default_factory=list)
    issues: list[IssueRecord] = field(default_factory=list)
    issue_comments: list[IssueCommentRecord] = field(default_factory=list)
    org_members: list[OrgMemberRecord] = field(default_factory=list)
    deleted_review_comments: list[int] = field(default_factory=list)
    deleted_issue_comments: list[int] = field(default_factory=list)

    def extend(self, other: "Activity") -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))


def is_bot(user: dict | None) -> bool:
    return bool(user) and (user.get("type") == "Bot" or str(user.get("login", "")).endswith("[bot]"))


def person(user: dict | None) -> PersonRecord | None:
    if not user or user.get("id") is None or user.get("login") is None:
        return None  # a deleted account: GitHub sends `null` (or a user without a login)
    return PersonRecord(id=int(user["id"]), login=str(user["login"]), type=user.get("type") or "User")


def _user_id(user: dict | None) -> int | None:
    return int(user["id"]) if user and user.get("id") is not None else None


def repository(repo: dict, installation_id: int | None = None) -> RepositoryRecord:
    return RepositoryRecord(
        id=int(repo["id"]),
        full_name=repo["full_name"],
        installation_id=installation_id,
        default_branch=repo.get("default_branch"),
        private=repo.get("private"),
        created_at=_timestamp(repo.get("created_at")),
    )


def _timestamp(value) -> str | None:
    """GitHub sends ISO strings, except `push` payloads' repository, which has Unix times."""
    if value is None or isinstance(value, str):
        return value
    from datetime import datetime, timezone

    return datetime.fromtimestamp(int(value), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def pull_request(pr: dict, repo_id: int) -> PullRequestRecord:
    labels = pr.get("labels")
    return PullRequestRecord(
        id=int(pr["id"]),
        repo_id=repo_id,
        number=int(pr["number"]),
        author_id=_user_id(pr.get("user")),
        title=pr.get("title"),
        html_url=pr.get("html_url"),
        state=pr.get("state"),
        draft=pr.get("draft"),
        base_ref=(pr.get("base") or {}).get("ref"),
        created_at=pr.get("created_at"),
        updated_at=pr.get("updated_at"),
        closed_at=pr.get("closed_at"),
        merged_at=pr.get("merged_at"),
        additions=pr.get("additions"),
        deletions=pr.get("deletions"),
        changed_files=pr.get("changed_files"),
        labels=None if labels is None else tuple(label["name"] for label in labels),
    )


def review(data: dict, repo_id: int, pr_number: int) -> ReviewRecord:
    return ReviewRecord(
        id=int(data["id"]),
        repo_id=repo_id,
        pr_number=pr_number,
        reviewer_id=_user_id(data.get("user")),
        state=str(data.get("state") or "").upper(),  # webhooks say "approved", REST says "APPROVED"
        submitted_at=data.get("submitted_at"),
        html_url=data.get("html_url"),
    )


def review_comment(data: dict, repo_id: int, pr_number: int) -> ReviewCommentRecord:
    return ReviewCommentRecord(
        id=int(data["id"]),
        repo_id=repo_id,
        pr_number=pr_number,
        author_id=_user_id(data.get("user")),
        review_id=data.get("pull_request_review_id"),
        created_at=data.get("created_at"),
        html_url=data.get("html_url"),
    )


def issue(data: dict, repo_id: int) -> IssueRecord:
    return IssueRecord(
        id=int(data["id"]),
        repo_id=repo_id,
        number=int(data["number"]),
        author_id=_user_id(data.get("user")),
        title=data.get("title"),
        html_url=data.get("html_url"),
        state=data.get("state"),
        is_pull_request="pull_request" in data and data["pull_request"] is not None,
        created_at=data.get("created_at"),
        updated_at=data.get("updated_at"),
    )


def issue_comment(
    data: dict,
    repo_id: int,
    issue_number: int,
    *,
    is_pull_request: bool,
    issue_author_id: int | None,
    issue_open: bool,
    newly_created: bool,
) -> IssueCommentRecord:
    """A conversation comment, with the Prow commands it carries where Prow would act on them:
    a newly created comment (not an edit) on an open pull request, not by the pull request's author."""
    author_id = _user_id(data.get("user"))
    counts = is_pull_request and newly_created and issue_open and author_id != issue_author_id
    body = data.get("body")
    return IssueCommentRecord(
        id=int(data["id"]),
        repo_id=repo_id,
        issue_number=issue_number,
        is_pull_request=is_pull_request,
        author_id=author_id,
        created_at=data.get("created_at"),
        html_url=data.get("html_url"),
        lgtm=lgtm_signal(body) if counts else 0,
        approve=approve_signal(body) if counts else 0,
    )


# --- whole payloads -------------------------------------------------------------------------------


def _add_person(activity: Activity, user: dict | None) -> None:
    if (record := person(user)) is not None:
        activity.people.append(record)


def _base(payload: dict) -> tuple[Activity, int | None]:
    activity = Activity()
    installation_id = (payload.get("installation") or {}).get("id")
    repo = payload.get("repository")
    if repo:
        activity.repositories.append(repository(repo, installation_id))
    return activity, (int(repo["id"]) if repo else None)


def from_pull_request_event(payload: dict) -> Activity:
    return _with_pull_request(payload)[0]


def _with_pull_request(payload: dict) -> tuple[Activity, int, int]:
    """A payload about something on a pull request: the repository, the pull request (review payloads
    carry it without sizes; the ledger keeps what fuller payloads stored) and its author."""
    activity, repo_id = _base(payload)
    pr = payload["pull_request"]
    _add_person(activity, pr.get("user"))
    activity.pull_requests.append(pull_request(pr, repo_id))
    return activity, repo_id, int(pr["number"])


def from_review_event(payload: dict) -> Activity:
    activity, repo_id, number = _with_pull_request(payload)
    data = payload["review"]
    if not is_bot(data.get("user")) and payload.get("action") in ("submitted", "edited", "dismissed"):
        _add_person(activity, data.get("user"))
        activity.reviews.append(review(data, repo_id, number))
    return activity


def from_review_comment_event(payload: dict) -> Activity:
    activity, repo_id, number = _with_pull_request(payload)
    data = payload["comment"]
    if payload.get("action") == "deleted":
        activity.deleted_review_comments.append(int(data["id"]))
    elif not is_bot(data.get("user")):
        _add_person(activity, data.get("user"))
        activity.review_comments.append(review_comment(data, repo_id, number))
    return activity


def from_issue_comment_event(payload: dict) -> Activity:
    activity, repo_id = _base(payload)
    data, issue_data = payload["comment"], payload["issue"]
    record = issue(issue_data, repo_id)
    _add_person(activity, issue_data.get("user"))
    activity.issues.append(record)
    if payload.get("action") == "deleted":
        activity.deleted_issue_comments.append(int(data["id"]))
    elif not is_bot(data.get("user")):
        _add_person(activity, data.get("user"))
        activity.issue_comments.append(
            issue_comment(
                data,
                repo_id,
                record.number,
                is_pull_request=record.is_pull_request,
                issue_author_id=record.author_id,
                issue_open=record.state == "open",
                newly_created=payload.get("action") == "created",
            )
        )
    return activity


def from_issues_event(payload: dict) -> Activity:
    activity, repo_id = _base(payload)
    _add_person(activity, payload["issue"].get("user"))
    activity.issues.append(issue(payload["issue"], repo_id))
    return activity


def from_installation_event(payload: dict) -> Activity:
    activity = Activity()
    installation_id = payload["installation"]["id"]
    for repo in payload.get("repositories") or []:
        activity.repositories.append(_listed_repository(repo, installation_id, payload))
    for repo in payload.get("repositories_added") or []:
        activity.repositories.append(_listed_repository(repo, installation_id, payload))
    return activity


def _listed_repository(repo: dict, installation_id: int, payload: dict) -> RepositoryRecord:
    # Installation payloads list repositories without owner objects; full_name carries the owner.
    return RepositoryRecord(
        id=int(repo["id"]),
        full_name=repo["full_name"],
        installation_id=installation_id,
        private=repo.get("private"),
    )


def from_organization_event(payload: dict) -> Activity:
    activity = Activity()
    action = payload.get("action")
    membership = payload.get("membership") or {}
    user = membership.get("user")
    org = (payload.get("organization") or {}).get("login")
    if org and user and action in ("member_added", "member_removed"):
        _add_person(activity, user)
        activity.org_members.append(
            OrgMemberRecord(
                org=org,
                user_id=int(user["id"]),
                since=None,  # the ledger stamps the delivery's time: the payload carries none
                source="delivery",
                removed=action == "member_removed",
            )
        )
    return activity
