"""Webhook payloads for tests: the real examples in tests/fixtures/webhooks, and variants derived from
them by editing copies (the 2019 examples lack a merged PR, an approved review, a comment on a PR)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "webhooks"


def load(name: str) -> dict:
    """A real example, e.g. load("pull_request/opened")."""
    return json.loads((FIXTURES / f"{name}.json").read_text())


def user(login: str, user_id: int, *, bot: bool = False) -> dict:
    return {
        "login": login,
        "id": user_id,
        "type": "Bot" if bot else "User",
        "site_admin": False,
        "html_url": f"https://github.com/{login}",
    }


def merged_pull_request(
    *,
    number: int = 2,
    author: dict | None = None,
    pr_id: int | None = None,
    additions: int = 40,
    deletions: int = 5,
    merged_at: str = "2019-05-15T15:21:18Z",
    updated_at: str | None = None,
) -> dict:
    """`pull_request.closed` with the pull request merged (derived from the real `closed` example)."""
    payload = load("pull_request/closed")
    pr = payload["pull_request"]
    pr.update(
        merged=True,
        merged_at=merged_at,
        closed_at=merged_at,
        state="closed",
        number=number,
        additions=additions,
        deletions=deletions,
        updated_at=updated_at or merged_at,
        html_url=f"https://github.com/Codertocat/Hello-World/pull/{number}",
    )
    if pr_id is not None:
        pr["id"] = pr_id
    if author is not None:
        pr["user"] = author
        payload["sender"] = author
    payload["number"] = number
    return payload


def review(
    *,
    state: str = "approved",
    reviewer: dict | None = None,
    review_id: int = 237895671,
    number: int = 2,
    pr_author: dict | None = None,
    pr_id: int | None = None,
    submitted_at: str = "2019-05-15T15:20:38Z",
) -> dict:
    """`pull_request_review.submitted` (derived from the real example; its state is `commented`)."""
    payload = load("pull_request_review/submitted")
    payload["review"].update(state=state, id=review_id, submitted_at=submitted_at)
    if reviewer is not None:
        payload["review"]["user"] = reviewer
        payload["sender"] = reviewer
    payload["pull_request"]["number"] = number
    if pr_author is not None:
        payload["pull_request"]["user"] = pr_author
    if pr_id is not None:
        payload["pull_request"]["id"] = pr_id
    return payload


def comment_on_pull_request(
    body: str,
    *,
    commenter: dict,
    pr_author: dict | None = None,
    comment_id: int = 492700400,
    number: int = 2,
    action: str = "created",
    state: str = "open",
    created_at: str = "2019-05-15T15:20:21Z",
) -> dict:
    """`issue_comment` on a pull request (the real example is on a plain issue)."""
    payload = load("issue_comment/created" if action != "edited" else "issue_comment/edited")
    payload["action"] = action
    issue = payload["issue"]
    issue.update(number=number, state=state, html_url=f"https://github.com/Codertocat/Hello-World/pull/{number}")
    issue["pull_request"] = {
        "url": f"https://api.github.com/repos/Codertocat/Hello-World/pulls/{number}",
        "html_url": f"https://github.com/Codertocat/Hello-World/pull/{number}",
    }
    if pr_author is not None:
        issue["user"] = pr_author
    payload["comment"].update(
        id=comment_id,
        body=body,
        user=commenter,
        created_at=created_at,
        html_url=f"https://github.com/Codertocat/Hello-World/pull/{number}#issuecomment-{comment_id}",
    )
    payload["sender"] = commenter
    return payload


def with_changes(payload: dict, **changes) -> dict:
    result = copy.deepcopy(payload)
    result.update(changes)
    return result
