"""Outbox effects in words: what Ladder wrote, is writing, would write (dry-run) or failed to write.

Shared by `ladder status`, the person report and the dashboard, so all three say the same thing.
"""

from __future__ import annotations

from typing import Any

STATUS_WORDS = {
    "planned": "dry-run: recorded, not sent",
    "pending": "waiting to be sent",
    "done": "done",
    "failed": "failed",
}


def describe(kind: str, repo: str, content: dict[str, Any], status: str | None = None) -> str:
    """'comment on o/community#1', 'issue "alice is ready …" in o/community (closed)', …"""
    number = content.get("number")
    if kind == "comment":
        return f"comment on {repo}#{number}"
    if kind == "reply":
        return f"reply on {repo}#{number}"
    if kind == "issue":
        closing = ""
        if content.get("state") == "closed":  # done: it is closed; else closing it is still to happen
            closing = " (closed)" if status == "done" else " (closing it)"
        return f'issue "{content.get("title", "")}" in {repo}{closing}'
    if kind == "pull_request":
        return f'pull request "{content.get("title", "")}" in {repo}'
    return f"{kind} in {repo}"


def outcome(status: str, result: dict[str, Any] | None, last_error: str | None, attempts: int = 0) -> str:
    """The URL of what exists on GitHub, the error, or what is still to happen."""
    url = (result or {}).get("url")
    if status == "done":
        return url or "done"
    if status == "failed":
        return "error: " + first_line(last_error or "unknown error")
    if status == "pending":
        tried = f" (tried {attempts} time{'s' if attempts != 1 else ''})" if attempts else ""
        return STATUS_WORDS["pending"] + tried + (f"; now at {url}" if url else "")
    return STATUS_WORDS.get(status, status)


def first_line(text: str, limit: int = 200) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def effect_row(entry) -> dict[str, Any]:
    """An `app.outbox.Entry` as the plain values every report shows."""
    return {
        "status": entry.status,
        "kind": entry.kind,
        "key": entry.key,
        "what": describe(entry.kind, entry.repo, entry.content, entry.status),
        "outcome": outcome(entry.status, entry.result, entry.last_error, entry.attempts),
        "url": (entry.result or {}).get("url"),
        "error": entry.last_error,
        "updated_at": entry.updated_at,
    }
