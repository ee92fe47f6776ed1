"""GraphQL pull request nodes → the ledger's records, through the same normalisation as deliveries.

Each node is rebuilt as the REST-shaped dict a delivery carries (`user`, `html_url`, `state` in REST's
spelling, `id` = GraphQL's `databaseId`) and handed to `app.normalise`, so Prow's /lgtm and /approve
rules, the bot rule and the GitHub ids are one code path: a fact seen both ways is stored once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from app import normalise
from app.normalise import Activity
from app.store import ledger
from app.store.database import Database

_TYPES = {"User": "User", "Bot": "Bot", "Organization": "Organization"}


@dataclass
class ImportStats:
    """What the import itself (normalising and writing, not the network) did and how long it took."""

    pull_requests: int = 0
    seconds: float = 0.0


def user(actor: dict | None) -> dict | None:
    """A GraphQL `Actor` as REST's user object; None for a deleted account (`author: null`)."""
    if not actor or actor.get("databaseId") is None:
        return None
    kind = _TYPES.get(actor.get("__typename") or "", "User")
    login = actor["login"]
    if kind == "Bot" and not login.endswith("[bot]"):
        login += "[bot]"  # GraphQL names bots without the suffix REST and webhooks use
    return {"id": int(actor["databaseId"]), "login": login, "type": kind}


def rest_pull_request(node: dict, labels: list[str]) -> dict:
    return {
        "id": node["databaseId"],
        "number": node["number"],
        "user": user(node.get("author")),
        "title": node.get("title"),
        "html_url": node.get("url"),
        "state": "open" if node.get("state") == "OPEN" else "closed",
        "draft": node.get("isDraft"),
        "base": {"ref": node.get("baseRefName")},
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "closed_at": node.get("closedAt"),
        "merged_at": node.get("mergedAt"),
        "additions": node.get("additions"),
        "deletions": node.get("deletions"),
        "changed_files": node.get("changedFiles"),
        "labels": [{"name": name} for name in labels],
    }


def _nodes(connection: dict | None) -> list[dict]:
    return [n for n in (connection or {}).get("nodes") or [] if n is not None]


def pull_request_activity(node: dict, repo_id: int) -> Activity:
    """Everything one complete pull request node tells the ledger (inner lists already fetched in full).

    `node["reviews"]["nodes"]` may carry each review's inline comments as `comments.nodes`."""
    activity = Activity()
    labels = [label["name"] for label in _nodes(node.get("labels"))]
    pr = rest_pull_request(node, labels)
    number = int(pr["number"])
    author = pr["user"]
    if (person := normalise.person(author)) is not None:
        activity.people.append(person)
    record = normalise.pull_request(pr, repo_id)
    activity.pull_requests.append(record)

    for review in _nodes(node.get("reviews")):
        reviewer = user(review.get("author"))
        if review.get("state") == "PENDING" or review.get("submittedAt") is None or normalise.is_bot(reviewer):
            continue  # a pending review is not submitted; bots are not reviewers
        if (person := normalise.person(reviewer)) is not None:
            activity.people.append(person)
        activity.reviews.append(
            normalise.review(
                {
                    "id": review["databaseId"],
                    "user": reviewer,
                    "state": review["state"],
                    "submitted_at": review["submittedAt"],
                    "html_url": review.get("url"),
                },
                repo_id,
                number,
            )
        )
        for comment in _nodes(review.get("comments")):
            commenter = user(comment.get("author"))
            if normalise.is_bot(commenter):
                continue
            if (person := normalise.person(commenter)) is not None:
                activity.people.append(person)
            activity.review_comments.append(
                normalise.review_comment(
                    {
                        "id": comment["databaseId"],
                        "user": commenter,
                        "pull_request_review_id": review["databaseId"],
                        "created_at": comment.get("createdAt"),
                        "html_url": comment.get("url"),
                    },
                    repo_id,
                    number,
                )
            )

    closed_at = pr["closed_at"]
    for comment in _nodes(node.get("comments")):
        commenter = user(comment.get("author"))
        if normalise.is_bot(commenter):
            continue
        if (person := normalise.person(commenter)) is not None:
            activity.people.append(person)
        created = comment.get("createdAt")
        # The delivery of this comment said whether the pull request was open when it was written.
        was_open = closed_at is None or (created is not None and created <= closed_at)
        activity.issue_comments.append(
            normalise.issue_comment(
                {
                    "id": comment["databaseId"],
                    "user": commenter,
                    "body": comment.get("body"),
                    "created_at": created,
                    "html_url": comment.get("url"),
                },
                repo_id,
                number,
                is_pull_request=True,
                issue_author_id=record.author_id,
                issue_open=was_open,
                newly_created=True,
            )
        )
    return activity


def write_page(
    db: Database,
    nodes: list[dict],
    repo_id: int,
    *,
    now: str,
    paths: dict[int, list[str]] | None = None,
    stats: ImportStats | None = None,
) -> None:
    """Normalise and write one page of pull requests; the caller holds the transaction."""
    started = time.perf_counter()
    page = Activity()
    for node in nodes:
        page.extend(pull_request_activity(node, repo_id))
    ledger.write(db, page, now)
    for pr_id, files in (paths or {}).items():
        ledger.record_paths(db, pr_id, files)
    if stats is not None:
        stats.pull_requests += len(nodes)
        stats.seconds += time.perf_counter() - started
