"""The stand-in's world: one in-memory model of GitHub that REST and GraphQL both read and write.

Tests seed it with plain calls (`add_user`, `add_repo`, `add_pull_request`, ...), inject faults
(`fail_next`, `delay_next`, `graphql_rate_limited_next`), and read it back (`repo(...).issues`,
`count_writes(...)`). Everything is keyed the way GitHub keys it: users by id (login is a label),
issues and pull requests by number per repository (they share the numbering), comments by id.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import itertools
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

PUBLIC_API_URL = "https://api.github.com"
PUBLIC_HTML_URL = "https://github.com"


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, timezone.utc).replace(microsecond=0)


def iso(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def blob_sha(content: bytes) -> str:
    """Git's blob id, so shas look and behave like GitHub's."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


@dataclass(slots=True)
class User:
    id: int
    login: str
    type: str = "User"  # or "Bot", "Organization"
    name: str | None = None
    company: str | None = None
    email: str | None = None
    deleted: bool = False  # GitHub shows deleted accounts as "ghost" (REST) or null (GraphQL)


@dataclass(slots=True)
class Commit:
    sha: str
    tree: dict[str, str]  # path -> blob sha (the whole tree: repositories here are small)
    parents: list[str]
    message: str
    author_login: str | None
    date: datetime


@dataclass(slots=True)
class IssueComment:
    id: int
    issue_number: int
    user_id: int
    body: str
    created_at: datetime
    updated_at: datetime
    reactions: list[tuple[int, str]] = field(default_factory=list)  # (user id, content), one of each per user


@dataclass(slots=True)
class ReviewComment:
    id: int
    review_id: int
    pull_number: int
    user_id: int
    body: str
    path: str
    created_at: datetime


@dataclass(slots=True)
class Review:
    id: int
    pull_number: int
    user_id: int
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
    body: str
    submitted_at: datetime
    comments: list[ReviewComment] = field(default_factory=list)


@dataclass(slots=True)
class ChangedFile:
    path: str
    additions: int = 1
    deletions: int = 0
    status: str = "modified"  # added, modified, removed


@dataclass(slots=True)
class PullInfo:
    head_ref: str
    base_ref: str
    head_owner: str
    draft: bool = False
    merged_at: datetime | None = None
    merged_by_id: int | None = None
    merge_commit_sha: str | None = None
    additions: int = 0
    deletions: int = 0
    files: list[ChangedFile] | None = None  # None: computed from the branches
    reviews: list[Review] = field(default_factory=list)


@dataclass(slots=True)
class Issue:
    """An issue, or a pull request (then `pull` is set): GitHub numbers both in one sequence."""

    id: int
    number: int
    title: str
    body: str | None
    user_id: int
    created_at: datetime
    updated_at: datetime
    state: str = "open"
    state_reason: str | None = None
    closed_at: datetime | None = None
    labels: list[str] = field(default_factory=list)
    comments: list[IssueComment] = field(default_factory=list)
    pull: PullInfo | None = None
    pull_id: int | None = None  # a pull request has its own id, distinct from its issue id


@dataclass
class Repo:
    id: int
    owner: str
    name: str
    default_branch: str
    private: bool = False
    branches: dict[str, str] = field(default_factory=dict)  # branch -> head commit sha
    commits: dict[str, Commit] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)
    comments: dict[int, IssueComment] = field(default_factory=dict)  # by id
    version: int = 0  # bumped on every change to issues/pulls (GraphQL caches sorted orders on it)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def next_number(self) -> int:
        return max(self.issues, default=0) + 1

    def pulls(self) -> list[Issue]:
        return [i for i in self.issues.values() if i.pull is not None]

    def file(self, path: str, ref: str | None = None) -> bytes | None:
        """Content of `path` on a branch (default branch) or at a commit sha; None if absent."""
        commit = self.commit_for(ref or self.default_branch)
        if commit is None or path not in commit.tree:
            return None
        return self.blobs[commit.tree[path]]

    def commit_for(self, ref: str) -> Commit | None:
        ref = ref.removeprefix("refs/heads/").removeprefix("heads/")
        sha = self.branches.get(ref, ref)
        return self.commits.get(sha)


@dataclass
class Installation:
    id: int
    account: str
    account_type: str = "Organization"
    repositories: list[str] | None = None  # full names; None = all of the account's repositories
    suspended: bool = False

    def covers(self, repo: Repo) -> bool:
        if self.repositories is None:
            return repo.owner.lower() == self.account.lower()
        return repo.full_name.lower() in {r.lower() for r in self.repositories}


@dataclass(frozen=True)
class OAuthCode:
    user_id: int
    redirect_uri: str | None
    expires_at: float


@dataclass
class Fault:
    status: int
    remaining: int
    method: str | None
    path_glob: str
    headers: dict[str, str]
    message: str
    delay: float = 0.0
    apply: bool = False  # for delays: carry out the request, then answer late (the answer is lost)

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and fnmatch.fnmatchcase(path, self.path_glob)


@dataclass
class Budget:
    """A rate-limit window (per installation, per resource)."""

    limit: int
    used: int = 0
    reset_at: float = 0.0


class State:
    """All of the stand-in's data. Methods that seed data return the created object."""

    def __init__(
        self, *, app_id: int = 1, app_slug: str = "ladder", public_key: str | None = None, clock=time.time
    ) -> None:
        self.app_id = app_id
        self.app_slug = app_slug
        self.public_key = public_key  # PEM; JWTs on /app endpoints are verified with it
        self.clock = clock
        self.api_url = PUBLIC_API_URL  # the URLs written into answers, like GitHub's own
        self.html_url = PUBLIC_HTML_URL
        self.token_lifetime = 3600.0
        self.rest_limit = 5000
        self.graphql_limit = 5000
        self._ids = itertools.count(100_001)
        self.users: dict[int, User] = {}
        self._logins: dict[str, int] = {}
        self.org_members: dict[str, set[str]] = {}
        self.repos: dict[str, Repo] = {}
        self.installations: dict[int, Installation] = {}
        self.tokens: dict[str, tuple[int, float]] = {}  # token -> (installation id, expires at)
        self.faults: list[Fault] = []
        self.graphql_faults: list[Fault] = []
        self.budgets: dict[tuple[str, int], Budget] = {}
        self.writes: list[tuple[str, str]] = []  # (method, path) of every write that succeeded
        # The App's OAuth side (the dashboard's "sign in with GitHub"): its client id and secret, the
        # callback URLs registered in its settings, browsers signed in to the stand-in, codes, user tokens.
        self.oauth_client_id = "Iv1." + secrets.token_hex(8)
        self.oauth_client_secret = secrets.token_hex(20)
        self.oauth_callback_urls: list[str] = []
        self.browser_sessions: dict[str, int] = {}  # cookie value -> user id
        self.oauth_codes: dict[str, OAuthCode] = {}
        self.user_tokens: dict[str, tuple[int, float]] = {}  # token -> (user id, expires at)

    # ------------------------------------------------------------------ time and ids
    def now(self) -> datetime:
        return utc(self.clock())

    def new_id(self) -> int:
        return next(self._ids)

    # ------------------------------------------------------------------ people
    def add_user(
        self,
        login: str,
        *,
        id: int | None = None,
        type: str = "User",
        name: str | None = None,
        company: str | None = None,
        email: str | None = None,
    ) -> User:
        user = User(
            id=id if id is not None else self.new_id(), login=login, type=type, name=name, company=company, email=email
        )
        self.users[user.id] = user
        self._logins[login.lower()] = user.id
        return user

    def user(self, login: str) -> User | None:
        uid = self._logins.get(login.lower())
        return None if uid is None else self.users[uid]

    def ensure_user(self, login: str) -> User:
        return self.user(login) or self.add_user(login, type="Bot" if login.endswith("[bot]") else "User")

    def delete_user(self, login: str) -> None:
        """The account is gone: its activity stays, its author shows as ghost / null."""
        user = self.ensure_user(login)
        user.deleted = True
        self._logins.pop(login.lower(), None)

    def rename_user(self, old: str, new: str) -> User:
        """The account changes its login (GitHub keeps the id): what it did and holds stays its own."""
        user = self.users[self._logins.pop(old.lower())]
        user.login = new
        self._logins[new.lower()] = user.id
        for members in self.org_members.values():
            if old.lower() in members:
                members.discard(old.lower())
                members.add(new.lower())
        return user

    def add_org_member(self, org: str, *logins: str) -> None:
        for login in logins:
            self.ensure_user(login)
            self.org_members.setdefault(org.lower(), set()).add(login.lower())

    def is_org_member(self, org: str, login: str) -> bool:
        return login.lower() in self.org_members.get(org.lower(), set())

    # ------------------------------------------------------------------ installations and tokens
    def add_installation(
        self,
        installation_id: int,
        account: str,
        *,
        account_type: str = "Organization",
        repositories: list[str] | None = None,
    ) -> Installation:
        if self.user(account) is None:
            self.add_user(account, type=account_type)
        inst = Installation(installation_id, account, account_type, repositories)
        self.installations[installation_id] = inst
        return inst

    def issue_token(self, installation_id: int) -> tuple[str, float]:
        token = "ghs_" + secrets.token_urlsafe(27)
        expires_at = self.clock() + self.token_lifetime
        self.tokens[token] = (installation_id, expires_at)
        return token, expires_at

    # ------------------------------------------------------------------ OAuth (users signing in to the App)
    def sign_in_browser(self, login: str) -> str:
        """A browser session for `login` (what GitHub's login form sets up); returns the cookie value."""
        session = secrets.token_urlsafe(24)
        self.browser_sessions[session] = self.ensure_user(login).id
        return session

    def issue_code(self, user_id: int, redirect_uri: str | None) -> str:
        code = secrets.token_hex(10)
        self.oauth_codes[code] = OAuthCode(user_id, redirect_uri, self.clock() + 600)  # GitHub: 10 minutes
        return code

    def redeem_code(self, code: str) -> OAuthCode | None:
        """The code's grant, once: a code is good for one exchange within its ten minutes."""
        grant = self.oauth_codes.pop(code, None)
        return grant if grant is not None and grant.expires_at > self.clock() else None

    def issue_user_token(self, user_id: int) -> tuple[str, float]:
        token = "ghu_" + secrets.token_urlsafe(27)
        expires_at = self.clock() + 8 * 3600  # GitHub App user access tokens last eight hours
        self.user_tokens[token] = (user_id, expires_at)
        return token, expires_at

    def user_for_token(self, token: str) -> User | None:
        entry = self.user_tokens.get(token)
        if entry is None or entry[1] <= self.clock():
            return None
        user = self.users.get(entry[0])
        return None if user is None or user.deleted else user

    def orgs_of(self, login: str) -> list[str]:
        """The organisations a GitHub App's user token shows the user's membership of: those they are a member
        of that the App is installed on (a user token reaches only what both the user and the App can)."""
        installed = {
            i.account.lower(): i.account for i in self.installations.values() if i.account_type == "Organization"
        }
        return sorted(
            (
                installed[org]
                for org, members in self.org_members.items()
                if login.lower() in members and org in installed
            ),
            key=str.lower,
        )

    def installation_for_token(self, token: str) -> Installation | None:
        entry = self.tokens.get(token)
        if entry is None or entry[1] <= self.clock():
            return None
        return self.installations.get(entry[0])

    def installation_for_repo(self, repo: Repo) -> Installation | None:
        return next((i for i in self.installations.values() if i.covers(repo)), None)

    def spend(self, resource: str, installation_id: int, cost: int) -> Budget:
        """Charge `cost` to an installation's hourly budget; the caller checks `used <= limit` first."""
        key = (resource, installation_id)
        budget = self.budgets.get(key)
        now = self.clock()
        if budget is None or budget.reset_at <= now:
            limit = self.graphql_limit if resource == "graphql" else self.rest_limit
            budget = self.budgets[key] = Budget(limit=limit, reset_at=int(now) + 3600)
        budget.used += cost
        return budget

    def budget(self, resource: str, installation_id: int) -> Budget:
        return self.spend(resource, installation_id, 0)

    # ------------------------------------------------------------------ repositories, files, commits
    def add_repo(
        self,
        full_name: str,
        *,
        default_branch: str = "main",
        files: dict[str, str | bytes] | None = None,
        private: bool = False,
        id: int | None = None,
        at: datetime | None = None,
    ) -> Repo:
        owner, name = full_name.split("/")
        if self.user(owner) is None:
            self.add_user(owner, type="Organization")
        repo = Repo(
            id=id if id is not None else self.new_id(),
            owner=owner,
            name=name,
            default_branch=default_branch,
            private=private,
        )
        self.repos[full_name.lower()] = repo
        self.commit(full_name, default_branch, files or {}, message="Initial commit", at=at)
        return repo

    def repo(self, full_name: str) -> Repo:
        try:
            return self.repos[full_name.lower()]
        except KeyError:
            raise KeyError(f"the stand-in has no repository {full_name!r}") from None

    def find_repo(self, owner: str, name: str) -> Repo | None:
        return self.repos.get(f"{owner}/{name}".lower())

    def commit(
        self,
        full_name: str,
        branch: str,
        files: dict[str, str | bytes | None],
        *,
        message: str = "Update files",
        author: str | None = None,
        at: datetime | None = None,
    ) -> Commit:
        """Commit `files` (path -> new content, None deletes) on top of `branch` (created if new)."""
        repo = self.repo(full_name)
        parent = repo.commit_for(branch) if branch in repo.branches else None
        tree = dict(parent.tree) if parent else {}
        for path, content in files.items():
            if content is None:
                tree.pop(path, None)
                continue
            data = content.encode() if isinstance(content, str) else content
            sha = blob_sha(data)
            repo.blobs[sha] = data
            tree[path] = sha
        at = at or self.now()
        seed = f"{full_name}\n{branch}\n{parent.sha if parent else ''}\n{sorted(tree.items())}\n{message}\n{at}\n{self.new_id()}"  # noqa: E501
        commit = Commit(
            sha=hashlib.sha1(seed.encode()).hexdigest(),
            tree=tree,
            parents=[parent.sha] if parent else [],
            message=message,
            author_login=author,
            date=at,
        )
        repo.commits[commit.sha] = commit
        repo.branches[branch] = commit.sha
        return commit

    def history(self, repo: Repo, start: str, path: str | None = None) -> list[Commit]:
        """Commits reachable from `start` (first parents), newest first, touching `path` if given."""
        out = []
        commit = repo.commit_for(start)
        while commit is not None:
            parent = repo.commits.get(commit.parents[0]) if commit.parents else None
            if path is None:
                out.append(commit)
            else:
                before = parent.tree if parent else {}
                touched = any(
                    p == path or p.startswith(path.rstrip("/") + "/")
                    for p in set(commit.tree) | set(before)
                    if commit.tree.get(p) != before.get(p)
                )
                if touched:
                    out.append(commit)
            commit = parent
        return out

    def diff(self, repo: Repo, base: str, head: str) -> list[ChangedFile]:
        """Files that differ between two refs, with line counts like a unified diff would give."""
        old = repo.commit_for(base)
        new = repo.commit_for(head)
        old_tree = old.tree if old else {}
        new_tree = new.tree if new else {}
        files = []
        for path in sorted(set(old_tree) | set(new_tree)):
            if old_tree.get(path) == new_tree.get(path):
                continue
            before = repo.blobs[old_tree[path]].decode(errors="replace").splitlines() if path in old_tree else []
            after = repo.blobs[new_tree[path]].decode(errors="replace").splitlines() if path in new_tree else []
            status = "added" if path not in old_tree else "removed" if path not in new_tree else "modified"
            common = len(set(before) & set(after))
            files.append(
                ChangedFile(path, additions=len(after) - common, deletions=len(before) - common, status=status)
            )
        return files

    # ------------------------------------------------------------------ issues, pull requests, comments
    def touch(self, repo: Repo, issue: Issue, at: datetime | None = None) -> None:
        issue.updated_at = max(issue.updated_at, at or self.now())
        repo.version += 1

    def add_issue(
        self,
        full_name: str,
        *,
        title: str,
        author: str,
        body: str | None = None,
        labels: list[str] | None = None,
        at: datetime | None = None,
        number: int | None = None,
    ) -> Issue:
        repo = self.repo(full_name)
        at = at or self.now()
        issue = Issue(
            id=self.new_id(),
            number=number or repo.next_number(),
            title=title,
            body=body,
            user_id=self.ensure_user(author).id,
            created_at=at,
            updated_at=at,
            labels=list(labels or []),
        )
        repo.issues[issue.number] = issue
        repo.version += 1
        return issue

    def add_pull_request(
        self,
        full_name: str,
        *,
        author: str,
        title: str = "A change",
        body: str | None = None,
        number: int | None = None,
        id: int | None = None,
        created_at: datetime | None = None,
        updated_at: datetime | None = None,
        merged_at: datetime | None = None,
        closed_at: datetime | None = None,
        additions: int = 1,
        deletions: int = 0,
        labels: list[str] | None = None,
        files: list[str] | None = None,
        head_ref: str | None = None,
        base_ref: str | None = None,
        draft: bool = False,
    ) -> Issue:
        """A pull request with its facts given directly (history for backfill tests and benchmarks).

        `files` lists changed paths; without it the changed files are the diff of head and base branches."""
        repo = self.repo(full_name)
        created_at = created_at or self.now()
        number = number or repo.next_number()
        closed = merged_at or closed_at
        user = self.ensure_user(author)
        issue = Issue(
            id=self.new_id(),
            number=number,
            title=title,
            body=body,
            user_id=user.id,
            created_at=created_at,
            updated_at=updated_at or closed or created_at,
            labels=list(labels or []),
            state="closed" if closed else "open",
            closed_at=closed,
            pull=PullInfo(
                head_ref=head_ref or f"{author}-patch-{number}",
                base_ref=base_ref or repo.default_branch,
                head_owner=author,
                draft=draft,
                merged_at=merged_at,
                additions=additions,
                deletions=deletions,
                files=None if files is None else [ChangedFile(p, additions, deletions) for p in files],
            ),
            pull_id=id if id is not None else self.new_id(),
        )
        repo.issues[number] = issue
        repo.version += 1
        return issue

    def add_review(
        self,
        full_name: str,
        number: int,
        *,
        author: str,
        state: str = "APPROVED",
        body: str = "",
        at: datetime | None = None,
        comments: list[tuple[str, str]] | None = None,
        id: int | None = None,
    ) -> Review:
        """A submitted review; `comments` are (path, body) inline comments in it."""
        repo = self.repo(full_name)
        pr = repo.issues[number]
        at = at or self.now()
        user = self.ensure_user(author)
        review = Review(
            id=id if id is not None else self.new_id(),
            pull_number=number,
            user_id=user.id,
            state=state,
            body=body,
            submitted_at=at,
        )
        for path, text in comments or []:
            review.comments.append(ReviewComment(self.new_id(), review.id, number, user.id, text, path, at))
        pr.pull.reviews.append(review)
        self.touch(repo, pr, at)
        return review

    def add_comment(
        self, full_name: str, number: int, *, author: str, body: str, at: datetime | None = None, id: int | None = None
    ) -> IssueComment:
        repo = self.repo(full_name)
        issue = repo.issues[number]
        at = at or self.now()
        comment = IssueComment(
            id=id if id is not None else self.new_id(),
            issue_number=number,
            user_id=self.ensure_user(author).id,
            body=body,
            created_at=at,
            updated_at=at,
        )
        issue.comments.append(comment)
        repo.comments[comment.id] = comment
        self.touch(repo, issue, at)
        return comment

    def open_pull_request(
        self, full_name: str, *, head: str, base: str, title: str, body: str | None, author: str, draft: bool = False
    ) -> Issue:
        """What `POST /pulls` does: a pull request from branch `head` into `base`."""
        return self.add_pull_request(
            full_name,
            author=author,
            title=title,
            body=body,
            head_ref=head,
            base_ref=base,
            draft=draft,
            additions=0,
            deletions=0,
        )

    def pull_files(self, repo: Repo, pr: Issue) -> list[ChangedFile]:
        if pr.pull.files is not None:
            return pr.pull.files
        if pr.pull.merge_commit_sha:
            merged = repo.commits[pr.pull.merge_commit_sha]
            return self.diff(repo, merged.parents[0], merged.sha)
        return self.diff(repo, pr.pull.base_ref, pr.pull.head_ref)

    def merge_pull_request(
        self, full_name: str, number: int, *, merged_by: str | None = None, at: datetime | None = None
    ) -> dict:
        """Merge a pull request made from a branch: its files land on the base branch in one commit.

        Returns the `push` delivery payload GitHub would send for the base branch."""
        repo = self.repo(full_name)
        pr = repo.issues[number]
        if pr.pull is None or pr.state != "open":
            raise ValueError(f"{full_name}#{number} is not an open pull request")
        at = at or self.now()
        files = self.diff(repo, pr.pull.base_ref, pr.pull.head_ref)
        head = repo.commit_for(pr.pull.head_ref)
        before = repo.branches[pr.pull.base_ref]
        changes = {f.path: (None if f.status == "removed" else repo.blobs[head.tree[f.path]]) for f in files}
        merger = self.ensure_user(merged_by or pr.pull.head_owner)
        commit = self.commit(
            full_name,
            pr.pull.base_ref,
            changes,
            message=f"Merge pull request #{number}: {pr.title}",
            author=merger.login,
            at=at,
        )
        pr.pull.merged_at = at
        pr.pull.merged_by_id = merger.id
        pr.pull.merge_commit_sha = commit.sha
        pr.pull.additions = sum(f.additions for f in files)
        pr.pull.deletions = sum(f.deletions for f in files)
        pr.state, pr.closed_at = "closed", at
        self.touch(repo, pr, at)
        return self.push_payload(repo, pr.pull.base_ref, before, commit, files, merger)

    def push_payload(
        self, repo: Repo, branch: str, before: str, commit: Commit, files: list[ChangedFile], pusher: User
    ) -> dict:
        from .rest_api import repo_json, user_json  # the REST shapes; imported late (rest_api imports state)

        inst = self.installation_for_repo(repo)
        head = {
            "id": commit.sha,
            "tree_id": hashlib.sha1(str(sorted(commit.tree.items())).encode()).hexdigest(),
            "distinct": True,
            "message": commit.message,
            "timestamp": iso(commit.date),
            "url": f"{self.html_url}/{repo.full_name}/commit/{commit.sha}",
            "author": {
                "name": pusher.login,
                "email": f"{pusher.login}@users.noreply.github.com",
                "username": pusher.login,
            },
            "committer": {"name": "GitHub", "email": "noreply@github.com", "username": "web-flow"},
            "added": [f.path for f in files if f.status == "added"],
            "removed": [f.path for f in files if f.status == "removed"],
            "modified": [f.path for f in files if f.status == "modified"],
        }
        payload = {
            "ref": f"refs/heads/{branch}",
            "before": before,
            "after": commit.sha,
            "created": False,
            "deleted": False,
            "forced": False,
            "base_ref": None,
            "compare": f"{self.html_url}/{repo.full_name}/compare/{before[:12]}...{commit.sha[:12]}",
            "commits": [head],
            "head_commit": head,
            "repository": repo_json(self, repo),
            "pusher": {"name": pusher.login, "email": f"{pusher.login}@users.noreply.github.com"},
            "sender": user_json(self, pusher),
        }
        if inst is not None:
            payload["installation"] = {"id": inst.id, "node_id": node_id("Installation", inst.id)}
        return payload

    # ------------------------------------------------------------------ fault injection
    def fail_next(
        self,
        n: int = 1,
        *,
        status: int = 502,
        method: str | None = None,
        path_glob: str = "*",
        retry_after: float | None = None,
        headers: dict[str, str] | None = None,
        message: str | None = None,
    ) -> None:
        """The next `n` matching REST requests fail with `status` (502, 403, 429, ...).

        `retry_after` adds that header; a 403 without it names a secondary rate limit in its message,
        use `rate_limit_exhausted=True`-style headers (`x-ratelimit-remaining: 0`) through `headers`."""
        hdrs = dict(headers or {})
        if retry_after is not None:
            hdrs["retry-after"] = str(int(retry_after))
        if message is None:
            message = {
                403: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                429: "Too Many Requests",
            }.get(status, "Server Error")
        self.faults.append(Fault(status, n, method.upper() if method else None, path_glob, hdrs, message))

    def delay_next(
        self, n: int = 1, *, seconds: float, method: str | None = None, path_glob: str = "*", apply: bool = False
    ) -> None:
        """The next `n` matching REST requests answer after `seconds` (let the client time out).

        With `apply=True` the request is carried out first, as when GitHub did the work but the answer
        was lost; otherwise nothing happens and the late answer is a 504."""
        self.faults.append(
            Fault(504, n, method.upper() if method else None, path_glob, {}, "Timeout", delay=seconds, apply=apply)
        )

    def graphql_rate_limited_next(self, n: int = 1) -> None:
        """The next `n` GraphQL queries get HTTP 200 with a RATE_LIMITED error, like GitHub's."""
        self.graphql_faults.append(Fault(200, n, "POST", "/graphql", {}, "RATE_LIMITED"))

    def take_fault(self, faults: list[Fault], method: str, path: str) -> Fault | None:
        for fault in faults:
            if fault.remaining > 0 and fault.matches(method, path):
                fault.remaining -= 1
                return fault
        return None

    # ------------------------------------------------------------------ assertions
    def count_writes(self, method: str | None = None, path_glob: str = "*") -> int:
        """How many writes (non-GET requests made with an installation token that succeeded) match;
        for "exactly once" checks. Access-token requests are not writes."""
        return sum(
            1 for m, p in self.writes if (method is None or m == method.upper()) and fnmatch.fnmatchcase(p, path_glob)
        )


def node_id(kind: str, number: int) -> str:
    return base64.b64encode(f"0:{kind}{number}".encode()).decode().rstrip("=")


def decode_b64(text: str) -> bytes:
    return base64.b64decode(text.replace("\n", ""))
