"""The stand-in's REST answers: GitHub-shaped JSON built from `State`, one function per operation.

`ROUTES` maps an OpenAPI operationId to its handler. Handlers take the state and a `Call` (path
parameters, query, decoded body, the calling installation) and return an `Answer`; errors are raised
as `Reply` with GitHub's status and message.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlencode

from .state import (
    ChangedFile,
    Commit,
    Installation,
    Issue,
    IssueComment,
    Repo,
    Review,
    ReviewComment,
    State,
    User,
    blob_sha,
    decode_b64,
    iso,
    node_id,
)

DOCS = "https://docs.github.com/rest"


@dataclass
class Call:
    method: str
    path: str  # raw request path
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    installation: Installation | None  # None for App (JWT) calls and user-token calls
    user: User | None = None  # the signed-in user, for calls made with a user access token


@dataclass
class Answer:
    status: int
    data: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class Reply(Exception):
    """An error answer (404, 409, 422) raised from inside a handler."""

    def __init__(self, status: int, message: str, errors: list | None = None) -> None:
        super().__init__(message)
        self.answer = Answer(
            status,
            {"message": message, "documentation_url": DOCS, "status": str(status)}
            | ({"errors": errors} if errors else {}),
        )


def not_found() -> Reply:
    return Reply(404, "Not Found")


# ---------------------------------------------------------------------------------------------- shapes
def user_json(state: State, user: User | None) -> dict | None:
    if user is None:
        return None
    if user.deleted:
        user = User(id=10137, login="ghost")  # GitHub's placeholder for deleted accounts
    api = f"{state.api_url}/users/{user.login}"
    return {
        "login": user.login,
        "id": user.id,
        "node_id": node_id("User", user.id),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user.id}?v=4",
        "gravatar_id": "",
        "url": api,
        "html_url": f"{state.html_url}/{user.login}",
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": user.type,
        "site_admin": False,
        "user_view_type": "public",
    }


def profile_json(state: State, user: User) -> dict:
    stamp = "2020-01-01T00:00:00Z"
    return user_json(state, user) | {
        "name": user.name,
        "company": user.company,
        "blog": "",
        "location": None,
        "email": user.email,
        "hireable": None,
        "bio": None,
        "twitter_username": None,
        "public_repos": 0,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": stamp,
        "updated_at": stamp,
    }


def _by_id(state: State, uid: int | None) -> dict | None:
    return None if uid is None else user_json(state, state.users.get(uid))


def repo_json(state: State, repo: Repo) -> dict:
    api = f"{state.api_url}/repos/{repo.full_name}"
    owner = state.user(repo.owner) or User(id=0, login=repo.owner, type="Organization")
    return {
        "id": repo.id,
        "node_id": node_id("Repository", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "private": repo.private,
        "owner": user_json(state, owner),
        "html_url": f"{state.html_url}/{repo.full_name}",
        "description": None,
        "fork": False,
        "url": api,
        "default_branch": repo.default_branch,
        "visibility": "private" if repo.private else "public",
        "archived": False,
        "disabled": False,
        "issues_url": f"{api}/issues{{/number}}",
        "pulls_url": f"{api}/pulls{{/number}}",
        "contents_url": f"{api}/contents/{{+path}}",
        "commits_url": f"{api}/commits{{/sha}}",
        "git_refs_url": f"{api}/git/refs{{/sha}}",
        "comments_url": f"{api}/comments{{/number}}",
        "issue_comment_url": f"{api}/issues/comments{{/number}}",
        "labels_url": f"{api}/labels{{/name}}",
    }


def issue_json(state: State, repo: Repo, issue: Issue) -> dict:
    api = f"{state.api_url}/repos/{repo.full_name}/issues/{issue.number}"
    kind = "pull" if issue.pull else "issues"
    data = {
        "id": issue.id,
        "node_id": node_id("Issue", issue.id),
        "url": api,
        "repository_url": f"{state.api_url}/repos/{repo.full_name}",
        "labels_url": f"{api}/labels{{/name}}",
        "comments_url": f"{api}/comments",
        "events_url": f"{api}/events",
        "html_url": f"{state.html_url}/{repo.full_name}/{kind}/{issue.number}",
        "number": issue.number,
        "state": issue.state,
        "state_reason": issue.state_reason,
        "title": issue.title,
        "body": issue.body,
        "user": _by_id(state, issue.user_id),
        "labels": [label_json(state, repo, n) for n in issue.labels],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": False,
        "active_lock_reason": None,
        "comments": len(issue.comments),
        "closed_at": iso(issue.closed_at),
        "created_at": iso(issue.created_at),
        "updated_at": iso(issue.updated_at),
        "author_association": "NONE",
        "closed_by": None,
    }
    if issue.pull:
        pulls = f"{state.api_url}/repos/{repo.full_name}/pulls/{issue.number}"
        data["pull_request"] = {
            "url": pulls,
            "html_url": data["html_url"],
            "diff_url": data["html_url"] + ".diff",
            "patch_url": data["html_url"] + ".patch",
            "merged_at": iso(issue.pull.merged_at),
        }
    return data


def label_json(state: State, repo: Repo, name: str) -> dict:
    lid = abs(hash((repo.id, name))) % 10**9
    return {
        "id": lid,
        "node_id": node_id("Label", lid),
        "url": f"{state.api_url}/repos/{repo.full_name}/labels/{name}",
        "name": name,
        "color": "ededed",
        "default": False,
        "description": None,
    }


def comment_json(state: State, repo: Repo, comment: IssueComment) -> dict:
    kind = "pull" if repo.issues[comment.issue_number].pull else "issues"
    return {
        "id": comment.id,
        "node_id": node_id("IssueComment", comment.id),
        "url": f"{state.api_url}/repos/{repo.full_name}/issues/comments/{comment.id}",
        "html_url": f"{state.html_url}/{repo.full_name}/{kind}/{comment.issue_number}#issuecomment-{comment.id}",
        "issue_url": f"{state.api_url}/repos/{repo.full_name}/issues/{comment.issue_number}",
        "body": comment.body,
        "user": _by_id(state, comment.user_id),
        "created_at": iso(comment.created_at),
        "updated_at": iso(comment.updated_at),
        "author_association": "NONE",
    }


def pull_json(state: State, repo: Repo, pr: Issue) -> dict:
    api = f"{state.api_url}/repos/{repo.full_name}/pulls/{pr.number}"
    html = f"{state.html_url}/{repo.full_name}/pull/{pr.number}"
    info = pr.pull
    head = repo.commit_for(info.head_ref)
    base = repo.commit_for(info.base_ref)
    files = state.pull_files(repo, pr)

    def branch(ref: str, commit: Commit | None) -> dict:
        return {
            "label": f"{repo.owner}:{ref}",
            "ref": ref,
            "sha": commit.sha if commit else "0" * 40,
            "user": user_json(state, state.user(repo.owner)),
            "repo": repo_json(state, repo),
        }

    merged = info.merged_at is not None
    return {
        "url": api,
        "id": pr.pull_id,
        "node_id": node_id("PullRequest", pr.pull_id),
        "html_url": html,
        "diff_url": html + ".diff",
        "patch_url": html + ".patch",
        "issue_url": f"{state.api_url}/repos/{repo.full_name}/issues/{pr.number}",
        "number": pr.number,
        "state": pr.state,
        "locked": False,
        "title": pr.title,
        "user": _by_id(state, pr.user_id),
        "body": pr.body,
        "labels": [label_json(state, repo, n) for n in pr.labels],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": iso(pr.created_at),
        "updated_at": iso(pr.updated_at),
        "closed_at": iso(pr.closed_at),
        "merged_at": iso(info.merged_at),
        "merge_commit_sha": info.merge_commit_sha,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "commits_url": f"{api}/commits",
        "review_comments_url": f"{api}/comments",
        "review_comment_url": f"{state.api_url}/repos/{repo.full_name}/pulls/comments{{/number}}",
        "comments_url": f"{state.api_url}/repos/{repo.full_name}/issues/{pr.number}/comments",
        "statuses_url": f"{state.api_url}/repos/{repo.full_name}/statuses/{head.sha if head else ''}",
        "head": branch(info.head_ref, head),
        "base": branch(info.base_ref, base),
        "author_association": "NONE",
        "auto_merge": None,
        "draft": info.draft,
        "merged": merged,
        "mergeable": None if merged else True,
        "merged_by": _by_id(state, info.merged_by_id),
        "comments": len(pr.comments),
        "review_comments": sum(len(r.comments) for r in info.reviews),
        "commits": 1,
        "additions": info.additions or sum(f.additions for f in files),
        "deletions": info.deletions or sum(f.deletions for f in files),
        "changed_files": len(files),
        "maintainer_can_modify": False,
        "_links": {"self": {"href": api}, "html": {"href": html}},
    }


def file_json(state: State, repo: Repo, f: ChangedFile) -> dict:
    return {
        "sha": "0" * 40,
        "filename": f.path,
        "status": f.status,
        "additions": f.additions,
        "deletions": f.deletions,
        "changes": f.additions + f.deletions,
        "blob_url": f"{state.html_url}/{repo.full_name}/blob/HEAD/{f.path}",
        "raw_url": f"{state.html_url}/{repo.full_name}/raw/HEAD/{f.path}",
        "contents_url": f"{state.api_url}/repos/{repo.full_name}/contents/{f.path}",
    }


def review_json(state: State, repo: Repo, review: Review) -> dict:
    html = f"{state.html_url}/{repo.full_name}/pull/{review.pull_number}#pullrequestreview-{review.id}"
    return {
        "id": review.id,
        "node_id": node_id("PullRequestReview", review.id),
        "user": _by_id(state, review.user_id),
        "body": review.body,
        "state": review.state,
        "html_url": html,
        "pull_request_url": f"{state.api_url}/repos/{repo.full_name}/pulls/{review.pull_number}",
        "submitted_at": iso(review.submitted_at),
        "commit_id": "0" * 40,
        "author_association": "NONE",
        "_links": {
            "html": {"href": html},
            "pull_request": {"href": f"{state.api_url}/repos/{repo.full_name}/pulls/{review.pull_number}"},
        },
    }


def review_comment_json(state: State, repo: Repo, c: ReviewComment) -> dict:
    api = f"{state.api_url}/repos/{repo.full_name}/pulls/comments/{c.id}"
    html = f"{state.html_url}/{repo.full_name}/pull/{c.pull_number}#discussion_r{c.id}"
    return {
        "id": c.id,
        "node_id": node_id("PullRequestReviewComment", c.id),
        "url": api,
        "pull_request_review_id": c.review_id,
        "path": c.path,
        "body": c.body,
        "user": _by_id(state, c.user_id),
        "created_at": iso(c.created_at),
        "updated_at": iso(c.created_at),
        "html_url": html,
        "pull_request_url": f"{state.api_url}/repos/{repo.full_name}/pulls/{c.pull_number}",
        "author_association": "NONE",
        "diff_hunk": "",
        "commit_id": "0" * 40,
        "original_commit_id": "0" * 40,
        "_links": {"self": {"href": api}, "html": {"href": html}, "pull_request": {"href": api}},
    }


def commit_json(state: State, repo: Repo, commit: Commit, *, with_files: bool = False) -> dict:
    api = f"{state.api_url}/repos/{repo.full_name}/commits/{commit.sha}"
    author = state.user(commit.author_login) if commit.author_login else None
    person = {
        "name": commit.author_login or "GitHub",
        "email": f"{commit.author_login or 'noreply'}@users.noreply.github.com",
        "date": iso(commit.date),
    }
    data = {
        "sha": commit.sha,
        "node_id": node_id("Commit", int(commit.sha[:8], 16)),
        "url": api,
        "html_url": f"{state.html_url}/{repo.full_name}/commit/{commit.sha}",
        "comments_url": f"{api}/comments",
        "commit": {
            "url": f"{state.api_url}/repos/{repo.full_name}/git/commits/{commit.sha}",
            "author": person,
            "committer": person,
            "message": commit.message,
            "comment_count": 0,
            "tree": {"sha": commit.sha, "url": f"{state.api_url}/repos/{repo.full_name}/git/trees/{commit.sha}"},
        },
        "author": user_json(state, author),
        "committer": user_json(state, author),
        "parents": [{"sha": p, "url": f"{state.api_url}/repos/{repo.full_name}/commits/{p}"} for p in commit.parents],
    }
    if with_files:
        base = commit.parents[0] if commit.parents else ""
        data["files"] = [file_json(state, repo, f) for f in state.diff(repo, base, commit.sha)]
    return data


def content_json(state: State, repo: Repo, path: str, data: bytes, ref: str) -> dict:
    api = f"{state.api_url}/repos/{repo.full_name}/contents/{path}?ref={ref}"
    sha = blob_sha(data)
    return {
        "type": "file",
        "encoding": "base64",
        "size": len(data),
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "content": base64.encodebytes(data).decode(),
        "sha": sha,
        "url": api,
        "git_url": f"{state.api_url}/repos/{repo.full_name}/git/blobs/{sha}",
        "html_url": f"{state.html_url}/{repo.full_name}/blob/{ref}/{path}",
        "download_url": f"https://raw.githubusercontent.com/{repo.full_name}/{ref}/{path}",
        "_links": {
            "self": api,
            "git": f"{state.api_url}/repos/{repo.full_name}/git/blobs/{sha}",
            "html": f"{state.html_url}/{repo.full_name}/blob/{ref}/{path}",
        },
    }


def installation_json(state: State, inst: Installation) -> dict:
    account = state.user(inst.account)
    return {
        "id": inst.id,
        "account": user_json(state, account),
        "app_id": state.app_id,
        "app_slug": state.app_slug,
        "target_id": account.id if account else 0,
        "target_type": inst.account_type,
        "repository_selection": "all" if inst.repositories is None else "selected",
        "access_tokens_url": f"{state.api_url}/app/installations/{inst.id}/access_tokens",
        "repositories_url": f"{state.api_url}/installation/repositories",
        "html_url": f"{state.html_url}/organizations/{inst.account}/settings/installations/{inst.id}",
        "permissions": {
            "contents": "write",
            "issues": "write",
            "pull_requests": "write",
            "members": "read",
            "metadata": "read",
        },
        "events": ["issue_comment", "issues", "pull_request", "pull_request_review", "push"],
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        "single_file_name": None,
        "suspended_at": None,
        "suspended_by": None,
    }


def ref_json(state: State, repo: Repo, branch: str) -> dict:
    sha = repo.branches[branch]
    return {
        "ref": f"refs/heads/{branch}",
        "node_id": node_id("Ref", abs(hash((repo.id, branch))) % 10**9),
        "url": f"{state.api_url}/repos/{repo.full_name}/git/refs/heads/{branch}",
        "object": {"sha": sha, "type": "commit", "url": f"{state.api_url}/repos/{repo.full_name}/git/commits/{sha}"},
    }


# ---------------------------------------------------------------------------------------------- helpers
def paginate(state: State, call: Call, items: list) -> Answer:
    """One page of `items` with GitHub's Link header (per_page default 30, at most 100)."""
    per_page = min(int(call.query.get("per_page", 30)), 100) or 30
    page = max(int(call.query.get("page", 1)), 1)
    last = max(math.ceil(len(items) / per_page), 1)
    chunk = items[(page - 1) * per_page : page * per_page]
    links = []

    def url(n: int) -> str:
        return f"{state.api_url}{call.path}?" + urlencode({**call.query, "page": n, "per_page": per_page})

    if page < last:
        links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
    if page > 1:
        links += [f'<{url(1)}>; rel="first"', f'<{url(page - 1)}>; rel="prev"']
    return Answer(200, chunk, {"link": ", ".join(links)} if links else {})


def _repo(state: State, call: Call) -> Repo:
    repo = state.find_repo(call.params["owner"], call.params["repo"])
    if repo is None or (call.installation is not None and not call.installation.covers(repo)):
        raise not_found()
    return repo


def _issue(repo: Repo, call: Call, key: str = "issue_number") -> Issue:
    issue = repo.issues.get(int(call.params[key]))
    if issue is None:
        raise not_found()
    return issue


def _pull(repo: Repo, call: Call) -> Issue:
    pr = _issue(repo, call, "pull_number")
    if pr.pull is None:
        raise not_found()
    return pr


def _author(state: State, call: Call) -> User:
    """Writes made with an installation token appear as the App's bot user."""
    return state.ensure_user(f"{state.app_slug}[bot]")


# ---------------------------------------------------------------------------------------------- app
def get_app(state: State, call: Call) -> Answer:
    owner = next(iter(state.installations.values()), None)
    return Answer(
        200,
        {
            "id": state.app_id,
            "slug": state.app_slug,
            "node_id": node_id("App", state.app_id),
            "name": state.app_slug,
            "owner": user_json(state, state.user(owner.account)) if owner else None,
            "description": "",
            "external_url": "https://example.invalid",
            "html_url": f"{state.html_url}/apps/{state.app_slug}",
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
            "permissions": {},
            "events": [],
        },
    )


def list_installations(state: State, call: Call) -> Answer:
    return paginate(state, call, [installation_json(state, i) for i in state.installations.values()])


def _installation(state: State, call: Call) -> Installation:
    inst = state.installations.get(int(call.params["installation_id"]))
    if inst is None:
        raise not_found()
    return inst


def get_installation(state: State, call: Call) -> Answer:
    return Answer(200, installation_json(state, _installation(state, call)))


def create_access_token(state: State, call: Call) -> Answer:
    inst = _installation(state, call)
    if inst.suspended:
        raise Reply(403, "This installation has been suspended")
    token, expires_at = state.issue_token(inst.id)
    from .state import utc

    return Answer(
        201,
        {
            "token": token,
            "expires_at": iso(utc(expires_at)),
            "permissions": installation_json(state, inst)["permissions"],
            "repository_selection": "all" if inst.repositories is None else "selected",
        },
    )


def list_installation_repos(state: State, call: Call) -> Answer:
    repos = [repo_json(state, r) for r in state.repos.values() if call.installation.covers(r)]
    page = paginate(state, call, repos)
    page.data = {"total_count": len(repos), "repository_selection": "all", "repositories": page.data}
    return page


def get_repo_installation(state: State, call: Call) -> Answer:
    repo = state.find_repo(call.params["owner"], call.params["repo"])
    inst = repo and state.installation_for_repo(repo)
    if inst is None:
        raise not_found()
    return Answer(200, installation_json(state, inst))


def get_org_installation(state: State, call: Call) -> Answer:
    inst = next((i for i in state.installations.values() if i.account.lower() == call.params["org"].lower()), None)
    if inst is None:
        raise not_found()
    return Answer(200, installation_json(state, inst))


def rate_limit(state: State, call: Call) -> Answer:
    iid = call.installation.id
    resources = {}
    for name in ("core", "graphql"):
        b = state.budget("rest" if name == "core" else "graphql", iid)
        resources[name] = {
            "limit": b.limit,
            "used": b.used,
            "remaining": max(b.limit - b.used, 0),
            "reset": int(b.reset_at),
        }
    return Answer(200, {"resources": resources, "rate": resources["core"]})


# ---------------------------------------------------------------------------------------------- people
def get_user(state: State, call: Call) -> Answer:
    user = state.user(call.params["username"])
    if user is None:
        raise not_found()
    return Answer(200, profile_json(state, user))


def get_user_by_id(state: State, call: Call) -> Answer:
    user = state.users.get(int(call.params["account_id"]))
    if user is None or user.deleted:
        raise not_found()
    return Answer(200, profile_json(state, user))


def get_authenticated_user(state: State, call: Call) -> Answer:
    return Answer(200, profile_json(state, call.user))


def org_simple_json(state: State, login: str) -> dict:
    org = state.user(login)
    api = f"{state.api_url}/orgs/{login}"
    org_id = org.id if org else 0
    return {
        "login": login,
        "id": org_id,
        "node_id": node_id("Organization", org_id),
        "url": api,
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events",
        "hooks_url": f"{api}/hooks",
        "issues_url": f"{api}/issues",
        "members_url": f"{api}/members{{/member}}",
        "public_members_url": f"{api}/public_members{{/member}}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{org_id}?v=4",
        "description": None,
    }


def list_user_memberships(state: State, call: Call) -> Answer:
    """The signed-in user's organisation memberships (all active here: the stand-in has no invitations)."""
    if call.query.get("state", "active") != "active":
        return paginate(state, call, [])
    user = user_json(state, call.user)
    memberships = [
        {
            "url": f"{state.api_url}/orgs/{org}/memberships/{call.user.login}",
            "state": "active",
            "role": "member",
            "organization_url": f"{state.api_url}/orgs/{org}",
            "organization": org_simple_json(state, org),
            "user": user,
        }
        for org in state.orgs_of(call.user.login)
    ]
    return paginate(state, call, memberships)


def list_org_members(state: State, call: Call) -> Answer:
    logins = sorted(state.org_members.get(call.params["org"].lower(), set()))
    return paginate(state, call, [user_json(state, state.user(l)) for l in logins])


def check_org_member(state: State, call: Call) -> Answer:
    if state.is_org_member(call.params["org"], call.params["username"]):
        return Answer(204)
    raise Reply(404, "User does not exist or is not a member of the organization")


def list_org_repos(state: State, call: Call) -> Answer:
    org = call.params["org"].lower()
    return paginate(state, call, [repo_json(state, r) for r in state.repos.values() if r.owner.lower() == org])


# ---------------------------------------------------------------------------------------------- repositories
def get_repo(state: State, call: Call) -> Answer:
    return Answer(200, repo_json(state, _repo(state, call)))


def get_content(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    ref = call.query.get("ref") or repo.default_branch
    commit = repo.commit_for(ref)
    if commit is None:
        raise Reply(404, f"No commit found for the ref {ref}")
    path = call.params["path"].strip("/")
    if path in commit.tree:
        return Answer(200, content_json(state, repo, path, repo.blobs[commit.tree[path]], ref))
    prefix = path + "/" if path else ""
    children = sorted({p[len(prefix) :].split("/", 1)[0] for p in commit.tree if p.startswith(prefix)})
    if not children:
        raise not_found()
    entries = []
    for name in children:
        full = prefix + name
        if full in commit.tree:
            entry = content_json(state, repo, full, repo.blobs[commit.tree[full]], ref)
            entry.pop("content"), entry.pop("encoding")
        else:
            entry = {"type": "dir", "name": name, "path": full, "sha": "0" * 40, "size": 0}
        entries.append(entry)
    return Answer(200, entries)


def get_tree(state: State, call: Call) -> Answer:
    """A commit's tree (`tree_sha` a commit sha, a branch name or HEAD, as GitHub accepts): its top level, or with
    `recursive` every file and folder. Folder entries carry a made-up sha (this state keeps no tree objects)."""
    repo = _repo(state, call)
    wanted = call.params["tree_sha"]
    commit = repo.commit_for(repo.default_branch if wanted == "HEAD" else wanted)
    if commit is None:
        raise not_found()
    recursive = call.query.get("recursive") not in (None, "", "0", "false")
    folders = sorted({"/".join(p.split("/")[:n]) for p in commit.tree for n in range(1, p.count("/") + 1)})
    entries = [
        {
            "path": f,
            "mode": "040000",
            "type": "tree",
            "sha": sha,
            "url": f"{state.api_url}/repos/{repo.full_name}/git/trees/{sha}",
        }
        for f, sha in ((f, blob_sha(f.encode())) for f in folders)
    ] + [
        {
            "path": path,
            "mode": "100644",
            "type": "blob",
            "sha": sha,
            "size": len(repo.blobs[sha]),
            "url": f"{state.api_url}/repos/{repo.full_name}/git/blobs/{sha}",
        }
        for path, sha in commit.tree.items()
    ]
    if not recursive:
        entries = [e for e in entries if "/" not in e["path"]]
    entries.sort(key=lambda e: e["path"])
    url = f"{state.api_url}/repos/{repo.full_name}/git/trees/{commit.sha}"
    return Answer(200, {"sha": commit.sha, "url": url, "tree": entries, "truncated": False})


def put_content(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    body = call.body
    branch = body.get("branch") or repo.default_branch
    if branch not in repo.branches:
        raise Reply(404, f"Branch {branch} not found")
    path = call.params["path"].strip("/")
    current = repo.file(path, branch)
    if current is not None:
        if "sha" not in body:
            raise Reply(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
        if body["sha"] != blob_sha(current):
            raise Reply(409, f"{path} does not match {body['sha']}")
    data = decode_b64(body["content"])
    commit = state.commit(
        repo.full_name, branch, {path: data}, message=body["message"], author=_author(state, call).login
    )
    return Answer(
        200 if current is not None else 201,
        {
            "content": content_json(state, repo, path, data, branch),
            "commit": commit_json(state, repo, commit)["commit"] | {"sha": commit.sha},
        },
    )


def get_ref(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    ref = call.params["ref"]
    branch = ref.removeprefix("heads/")
    if not ref.startswith("heads/") or branch not in repo.branches:
        raise not_found()
    return Answer(200, ref_json(state, repo, branch))


def create_ref(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    ref, sha = call.body["ref"], call.body["sha"]
    if not ref.startswith("refs/heads/") or ref.count("/") < 2:
        raise Reply(422, f"{ref} is not a valid ref name.")
    branch = ref.removeprefix("refs/heads/")
    if branch in repo.branches:
        raise Reply(422, "Reference already exists")
    if sha not in repo.commits:
        raise Reply(422, "Object does not exist")
    repo.branches[branch] = sha
    return Answer(201, ref_json(state, repo, branch))


def update_ref(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    branch = call.params["ref"].removeprefix("heads/")
    if branch not in repo.branches:
        raise Reply(422, "Reference does not exist")
    sha = call.body["sha"]
    if sha not in repo.commits:
        raise Reply(422, "Object does not exist")
    repo.branches[branch] = sha
    return Answer(200, ref_json(state, repo, branch))


def delete_ref(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    branch = call.params["ref"].removeprefix("heads/")
    if repo.branches.pop(branch, None) is None:
        raise Reply(422, "Reference does not exist")
    return Answer(204)


def list_commits(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    start = call.query.get("sha") or repo.default_branch
    if repo.commit_for(start) is None:
        raise Reply(404, f"No commit found for SHA: {start}")
    commits = state.history(repo, start, call.query.get("path") or None)
    if "author" in call.query:
        commits = [c for c in commits if (c.author_login or "").lower() == call.query["author"].lower()]
    return paginate(state, call, [commit_json(state, repo, c) for c in commits])


def get_commit(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    commit = repo.commit_for(call.params["ref"])
    if commit is None:
        raise Reply(422, f"No commit found for SHA: {call.params['ref']}")
    return Answer(200, commit_json(state, repo, commit, with_files=True))


# ---------------------------------------------------------------------------------------------- issues
def list_issues(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    q = call.query
    wanted_state = q.get("state", "open")
    issues = [i for i in repo.issues.values() if wanted_state == "all" or i.state == wanted_state]
    if q.get("creator"):
        issues = [i for i in issues if (state.users[i.user_id].login.lower() == q["creator"].lower())]
    if q.get("labels"):
        want = {l.strip() for l in q["labels"].split(",") if l.strip()}
        issues = [i for i in issues if want <= set(i.labels)]
    if q.get("since"):
        issues = [i for i in issues if iso(i.updated_at) >= q["since"]]
    key = {
        "created": lambda i: (i.created_at, i.number),
        "updated": lambda i: (i.updated_at, i.number),
        "comments": lambda i: (len(i.comments), i.number),
    }[q.get("sort", "created")]
    issues.sort(key=key, reverse=q.get("direction", "desc") == "desc")
    return paginate(state, call, [issue_json(state, repo, i) for i in issues])


def create_issue(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    b = call.body
    labels = [l if isinstance(l, str) else l.get("name", "") for l in b.get("labels") or []]
    issue = state.add_issue(
        repo.full_name, title=str(b["title"]), body=b.get("body"), labels=labels, author=_author(state, call).login
    )
    return Answer(201, issue_json(state, repo, issue))


def get_issue(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    return Answer(200, issue_json(state, repo, _issue(repo, call)))


def update_issue(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    issue = _issue(repo, call)
    b = call.body
    if "title" in b and b["title"] is not None:
        issue.title = str(b["title"])
    if "body" in b:
        issue.body = b["body"]
    if "labels" in b:
        issue.labels = [l if isinstance(l, str) else l.get("name", "") for l in b["labels"] or []]
    if b.get("state") in ("open", "closed") and b["state"] != issue.state:
        issue.state = b["state"]
        issue.closed_at = state.now() if issue.state == "closed" else None
        issue.state_reason = b.get("state_reason") or ("completed" if issue.state == "closed" else "reopened")
    state.touch(repo, issue)
    return Answer(200, issue_json(state, repo, issue))


def add_labels(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    issue = _issue(repo, call)
    b = call.body
    names = b if isinstance(b, list) else b.get("labels", [])
    for label in names:
        name = label if isinstance(label, str) else label.get("name", "")
        if name not in issue.labels:
            issue.labels.append(name)
    state.touch(repo, issue)
    return Answer(200, [label_json(state, repo, n) for n in issue.labels])


def list_comments(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    issue = _issue(repo, call)
    comments = issue.comments
    if call.query.get("since"):
        comments = [c for c in comments if iso(c.updated_at) >= call.query["since"]]
    return paginate(state, call, [comment_json(state, repo, c) for c in comments])


def list_repo_comments(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    comments = sorted(repo.comments.values(), key=lambda c: (c.created_at, c.id))
    if call.query.get("since"):
        comments = [c for c in comments if iso(c.updated_at) >= call.query["since"]]
    if call.query.get("direction") == "desc":
        comments.reverse()
    return paginate(state, call, [comment_json(state, repo, c) for c in comments])


def create_comment(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    issue = _issue(repo, call)
    comment = state.add_comment(repo.full_name, issue.number, author=_author(state, call).login, body=call.body["body"])
    return Answer(201, comment_json(state, repo, comment))


def _comment(repo: Repo, call: Call) -> IssueComment:
    comment = repo.comments.get(int(call.params["comment_id"]))
    if comment is None:
        raise not_found()
    return comment


def get_comment(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    return Answer(200, comment_json(state, repo, _comment(repo, call)))


def update_comment(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    comment = _comment(repo, call)
    comment.body = call.body["body"]
    comment.updated_at = state.now()
    state.touch(repo, repo.issues[comment.issue_number])
    return Answer(200, comment_json(state, repo, comment))


def _reaction_json(state: State, comment: IssueComment, user_id: int, content: str) -> dict:
    rid = abs(hash((comment.id, user_id, content))) % 10**9
    return {
        "id": rid,
        "node_id": node_id("Reaction", rid),
        "user": _by_id(state, user_id),
        "content": content,
        "created_at": iso(comment.updated_at),
    }


def list_comment_reactions(state: State, call: Call) -> Answer:
    comment = _comment(_repo(state, call), call)
    wanted = call.query.get("content")
    found = [(u, c) for u, c in comment.reactions if wanted is None or c == wanted]
    return paginate(state, call, [_reaction_json(state, comment, u, c) for u, c in found])


def create_comment_reaction(state: State, call: Call) -> Answer:
    """GitHub keeps one reaction of each content per user: 200 with the one there, else 201."""
    comment = _comment(_repo(state, call), call)
    me = _author(state, call).id
    content = call.body["content"]
    if (me, content) in comment.reactions:
        return Answer(200, _reaction_json(state, comment, me, content))
    comment.reactions.append((me, content))
    return Answer(201, _reaction_json(state, comment, me, content))


# ---------------------------------------------------------------------------------------------- pulls
def list_pulls(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    q = call.query
    wanted_state = q.get("state", "open")
    pulls = [p for p in repo.pulls() if wanted_state == "all" or p.state == wanted_state]
    if q.get("head"):
        owner, _, ref = q["head"].partition(":")
        pulls = [
            p
            for p in pulls
            if p.pull.head_ref == ref and p.pull.head_owner.lower() in (owner.lower(), repo.owner.lower())
        ]
    if q.get("base"):
        pulls = [p for p in pulls if p.pull.base_ref == q["base"]]
    key = {
        "created": lambda p: (p.created_at, p.number),
        "updated": lambda p: (p.updated_at, p.number),
        "popularity": lambda p: (len(p.comments), p.number),
        "long-running": lambda p: (p.created_at, p.number),
    }[q.get("sort", "created")]
    default_direction = "asc" if q.get("sort") == "long-running" else "desc"
    pulls.sort(key=key, reverse=q.get("direction", default_direction) == "desc")
    return paginate(state, call, [pull_json(state, repo, p) for p in pulls])


def create_pull(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    b = call.body
    head = b["head"].split(":", 1)[-1]
    base = b["base"]
    problems = []
    if head not in repo.branches:
        problems.append({"resource": "PullRequest", "field": "head", "code": "invalid"})
    if base not in repo.branches:
        problems.append({"resource": "PullRequest", "field": "base", "code": "invalid"})
    if problems:
        raise Reply(422, "Validation Failed", problems)
    if repo.branches[head] == repo.branches[base] or not state.diff(repo, base, head):
        raise Reply(
            422,
            "Validation Failed",
            [{"resource": "PullRequest", "code": "custom", "message": f"No commits between {base} and {head}"}],
        )
    if any(p.state == "open" and p.pull.head_ref == head and p.pull.base_ref == base for p in repo.pulls()):
        raise Reply(
            422,
            "Validation Failed",
            [
                {
                    "resource": "PullRequest",
                    "code": "custom",
                    "message": f"A pull request already exists for {repo.owner}:{head}.",
                }
            ],
        )
    pr = state.open_pull_request(
        repo.full_name,
        head=head,
        base=base,
        title=b.get("title") or head,
        body=b.get("body"),
        author=_author(state, call).login,
        draft=bool(b.get("draft")),
    )
    pr.pull.head_owner = repo.owner
    return Answer(201, pull_json(state, repo, pr))


def get_pull(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    return Answer(200, pull_json(state, repo, _pull(repo, call)))


def update_pull(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    pr = _pull(repo, call)
    b = call.body
    if b.get("title") is not None:
        pr.title = b["title"]
    if "body" in b:
        pr.body = b["body"]
    if b.get("state") in ("open", "closed") and pr.pull.merged_at is None:
        pr.state = b["state"]
        pr.closed_at = state.now() if pr.state == "closed" else None
    if b.get("base"):
        pr.pull.base_ref = b["base"]
    state.touch(repo, pr)
    return Answer(200, pull_json(state, repo, pr))


def list_pull_files(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    pr = _pull(repo, call)
    return paginate(state, call, [file_json(state, repo, f) for f in state.pull_files(repo, pr)])


def list_reviews(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    pr = _pull(repo, call)
    return paginate(state, call, [review_json(state, repo, r) for r in pr.pull.reviews])


def list_review_comments(state: State, call: Call) -> Answer:
    repo = _repo(state, call)
    pr = _pull(repo, call)
    comments = [c for r in pr.pull.reviews for c in r.comments]
    return paginate(state, call, [review_comment_json(state, repo, c) for c in comments])


ROUTES: dict[str, Callable[[State, Call], Answer]] = {
    "apps/get-authenticated": get_app,
    "apps/list-installations": list_installations,
    "apps/get-installation": get_installation,
    "apps/create-installation-access-token": create_access_token,
    "apps/list-repos-accessible-to-installation": list_installation_repos,
    "apps/get-repo-installation": get_repo_installation,
    "apps/get-org-installation": get_org_installation,
    "rate-limit/get": rate_limit,
    "users/get-by-username": get_user,
    "users/get-by-id": get_user_by_id,
    "users/get-authenticated": get_authenticated_user,
    "orgs/list-memberships-for-authenticated-user": list_user_memberships,
    "orgs/list-members": list_org_members,
    "orgs/check-membership-for-user": check_org_member,
    "repos/list-for-org": list_org_repos,
    "repos/get": get_repo,
    "repos/get-content": get_content,
    "repos/create-or-update-file-contents": put_content,
    "git/get-ref": get_ref,
    "git/get-tree": get_tree,
    "git/create-ref": create_ref,
    "git/update-ref": update_ref,
    "git/delete-ref": delete_ref,
    "repos/list-commits": list_commits,
    "repos/get-commit": get_commit,
    "issues/list-for-repo": list_issues,
    "issues/create": create_issue,
    "issues/get": get_issue,
    "issues/update": update_issue,
    "issues/add-labels": add_labels,
    "issues/list-comments": list_comments,
    "issues/list-comments-for-repo": list_repo_comments,
    "issues/create-comment": create_comment,
    "issues/get-comment": get_comment,
    "issues/update-comment": update_comment,
    "reactions/list-for-issue-comment": list_comment_reactions,
    "reactions/create-for-issue-comment": create_comment_reaction,
    "pulls/list": list_pulls,
    "pulls/create": create_pull,
    "pulls/get": get_pull,
    "pulls/update": update_pull,
    "pulls/list-files": list_pull_files,
    "pulls/list-reviews": list_reviews,
    "pulls/list-review-comments": list_review_comments,
}
