"""Webhook payloads for what happens in the stand-in, shaped as GitHub delivers them.

End-to-end tests and `ladder demo` act on the stand-in's state (a person comments, reviews, merges) and
deliver the matching payload to the service, so the ids and objects the service sees are the ones the
stand-in answers with when the service calls back.

    comment = state.add_comment("org/repo", 12, author="bob", body="/lgtm")
    event, payload = webhooks.issue_comment(state, "org/repo", comment)
"""

from __future__ import annotations

from .rest_api import (
    comment_json,
    installation_json,
    issue_json,
    pull_json,
    repo_json,
    review_comment_json,
    review_json,
    user_json,
)
from .state import IssueComment, Review, State, node_id


def _common(state: State, full_name: str, sender: str | None) -> dict:
    repo = state.repo(full_name)
    payload = {"repository": repo_json(state, repo)}
    if sender is not None:
        payload["sender"] = user_json(state, state.ensure_user(sender))
    inst = state.installation_for_repo(repo)
    if inst is not None:
        payload["installation"] = {"id": inst.id, "node_id": node_id("Installation", inst.id)}
    owner = state.user(repo.owner)
    if owner is not None and owner.type == "Organization":
        payload["organization"] = {"login": owner.login, "id": owner.id}
    return payload


def _login(state: State, user_id: int) -> str:
    return state.users[user_id].login


def pull_request(
    state: State, full_name: str, number: int, action: str, *, sender: str | None = None
) -> tuple[str, dict]:
    repo = state.repo(full_name)
    pr = repo.issues[number]
    payload = {"action": action, "number": number, "pull_request": pull_json(state, repo, pr)}
    payload |= _common(state, full_name, sender or _login(state, pr.user_id))
    return "pull_request", payload


def review(state: State, full_name: str, number: int, review: Review, *, action: str = "submitted") -> tuple[str, dict]:
    repo = state.repo(full_name)
    data = review_json(state, repo, review)
    data["state"] = review.state.lower()  # webhooks say "approved", REST says "APPROVED"
    payload = {"action": action, "review": data, "pull_request": pull_json(state, repo, repo.issues[number])}
    payload |= _common(state, full_name, _login(state, review.user_id))
    return "pull_request_review", payload


def review_comments(state: State, full_name: str, number: int, review: Review) -> list[tuple[str, dict]]:
    repo = state.repo(full_name)
    out = []
    for c in review.comments:
        payload = {
            "action": "created",
            "comment": review_comment_json(state, repo, c),
            "pull_request": pull_json(state, repo, repo.issues[number]),
        }
        payload |= _common(state, full_name, _login(state, c.user_id))
        out.append(("pull_request_review_comment", payload))
    return out


def issue_comment(state: State, full_name: str, comment: IssueComment, *, action: str = "created") -> tuple[str, dict]:
    repo = state.repo(full_name)
    issue = repo.issues[comment.issue_number]
    payload = {"action": action, "issue": issue_json(state, repo, issue), "comment": comment_json(state, repo, comment)}
    payload |= _common(state, full_name, _login(state, comment.user_id))
    return "issue_comment", payload


def issues(
    state: State, full_name: str, number: int, action: str, *, sender: str, changes: dict | None = None
) -> tuple[str, dict]:
    repo = state.repo(full_name)
    payload = {"action": action, "issue": issue_json(state, repo, repo.issues[number])}
    if changes is not None:
        payload["changes"] = changes
    payload |= _common(state, full_name, sender)
    return "issues", payload


def installation_created(state: State, installation_id: int, *, sender: str) -> tuple[str, dict]:
    inst = state.installations[installation_id]
    repos = [r for r in state.repos.values() if inst.covers(r)]
    payload = {
        "action": "created",
        "installation": installation_json(state, inst),
        "repositories": [
            {
                "id": r.id,
                "node_id": node_id("Repository", r.id),
                "name": r.name,
                "full_name": r.full_name,
                "private": r.private,
            }
            for r in repos
        ],
        "sender": user_json(state, state.ensure_user(sender)),
    }
    return "installation", payload


def member_removed(state: State, org: str, login: str, *, sender: str) -> tuple[str, dict]:
    event, payload = member_added(state, org, login, sender=sender)
    return event, {**payload, "action": "member_removed"}


def member_added(state: State, org: str, login: str, *, sender: str) -> tuple[str, dict]:
    owner = state.user(org)
    payload = {
        "action": "member_added",
        "membership": {
            "url": f"{state.api_url}/orgs/{org}/memberships/{login}",
            "state": "active",
            "role": "member",
            "organization_url": f"{state.api_url}/orgs/{org}",
            "user": user_json(state, state.ensure_user(login)),
        },
        "organization": {"login": org, "id": owner.id if owner else 0},
        "sender": user_json(state, state.ensure_user(sender)),
    }
    return "organization", payload
