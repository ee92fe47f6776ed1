"""The addresses reports link to: GitHub's own (`html_url`, as the outbox stored it) where Ladder has it,
else built on the GitHub web host that belongs to `GITHUB_API_URL` (`app.github.urls.web_url_for`)."""

from __future__ import annotations

from app.store.readiness import Issue


def readiness_issue_url(issue: Issue, web: str) -> str | None:
    """The readiness issue's address, or None while it does not exist yet (or in dry-run)."""
    stored = (issue.outbox_result or {}).get("url")
    if stored:
        return stored
    number = issue.number
    return f"{web.rstrip('/')}/{issue.readiness.community_repo}/issues/{number}" if number else None
