"""People acting on the stand-in, each act returning the deliveries GitHub would send for it.

The end-to-end tests and `ladder demo` both tell their story with these, so what the service receives
always matches what the stand-in answers when the service calls back.
"""

from __future__ import annotations

from datetime import datetime

from app.stand_in import State, webhooks

Delivery = tuple[str, dict]


class Actions:
    def __init__(self, state: State) -> None:
        self.state = state

    def open_pull_request(
        self,
        repo: str,
        author: str,
        *,
        at: datetime,
        lines: int = 40,
        paths: tuple[str, ...] = ("pkg/controller/controller.go",),
        title: str | None = None,
        labels: tuple[str, ...] = (),
    ) -> tuple[int, list[Delivery]]:
        pr = self.state.add_pull_request(
            repo,
            author=author,
            title=title or f"Improve {paths[0]}",
            created_at=at,
            additions=lines - lines // 4,
            deletions=lines // 4,
            files=list(paths),
            labels=list(labels),
        )
        return pr.number, [webhooks.pull_request(self.state, repo, pr.number, "opened")]

    def comment(self, repo: str, number: int, author: str, body: str, *, at: datetime | None = None) -> list[Delivery]:
        comment = self.state.add_comment(repo, number, author=author, body=body, at=at)
        return [webhooks.issue_comment(self.state, repo, comment)]

    def review(
        self,
        repo: str,
        number: int,
        author: str,
        *,
        state: str = "COMMENTED",
        at: datetime,
        comments: list[tuple[str, str]] | None = None,
    ) -> list[Delivery]:
        review = self.state.add_review(repo, number, author=author, state=state, at=at, comments=comments)
        return [
            *webhooks.review_comments(self.state, repo, number, review),
            webhooks.review(self.state, repo, number, review),
        ]

    def merge_history(self, repo: str, number: int, *, at: datetime, by: str) -> list[Delivery]:
        """Mark a pull request of the history (made without branches) as merged at `at`."""
        pr = self.state.repo(repo).issues[number]
        pr.pull.merged_at = at
        pr.pull.merged_by_id = self.state.ensure_user(by).id
        pr.state, pr.closed_at = "closed", at
        self.state.touch(self.state.repo(repo), pr, at)
        return [webhooks.pull_request(self.state, repo, number, "closed", sender=by)]

    def merge_branch(self, repo: str, number: int, *, by: str) -> list[Delivery]:
        """Merge a pull request made from a branch (Ladder's OWNERS pull request): the `closed` delivery
        and the `push` to the default branch."""
        push = self.state.merge_pull_request(repo, number, merged_by=by)
        return [webhooks.pull_request(self.state, repo, number, "closed", sender=by), ("push", push)]

    def edit_issue_body(self, repo: str, number: int, body: str, *, by: str) -> list[Delivery]:
        issue = self.state.repo(repo).issues[number]
        old = issue.body
        issue.body = body
        self.state.touch(self.state.repo(repo), issue)
        return [webhooks.issues(self.state, repo, number, "edited", sender=by, changes={"body": {"from": old}})]
