"""The outbox: the one path for every write Ladder makes to GitHub.

Callers *plan* effects; the sender (a background service) *sends* them.

    from app.outbox import Comment, Reply, Issue, FileChange, plan, register_file_editor

    plan(db, Comment(name=f"progress:{org}:{person_id}", repo="o/community", number=12, body=text,
                     person_id=person_id, org=org, installation_id=iid))
    plan(db, Reply(repo="o/r", number=7, in_reply_to=comment_id, body="Only approvers may ..."))
    plan(db, Issue(name=f"ready:{person_id}:reviewer:o/r", repo="o/community", title=..., body=...,
                   labels=("ladder",)))          # later: the same with state="closed"
    register_file_editor("owners", lambda text, edit: add_login(text, **edit))  # once, at import
    plan(db, FileChange(name=f"owners:{person_id}:reviewer:o/r", repo="o/r", path="OWNERS",
                        editor="owners", edit={"list": "reviewers", "login": "alice"},
                        title="Add alice to reviewers", body="Promotes @alice ... (#34)"))

Design
------
- An effect is a desired state with a stable key. `plan(db, effect, dry_run=False) -> id` runs in one
  transaction (or joins the caller's): the same key and content again is a no-op; new content replaces
  pending content, or makes a done effect pending again so the sender edits what it wrote (a reply,
  once written, is never edited). A key names one kind for good.
- Every body written carries `<!-- ladder:KEY -->`. Before creating, the sender looks for it: the
  issue's comments by the App's bot, the repository's issues created by the bot (state=all), the open
  pull request whose head is the app's branch. So a restart, a redelivery, two processes, or a write
  whose answer was lost never duplicates anything. The ids written are stored in the effect's `result`
  so later edits go straight to them (and fall back to the lookup if someone deleted the object).
  Lookups ask for each page by number (not gidgethub's Link-following `getiter`: with the ETag cache
  an unchanged first page returns its stale Link header and a newer page would be missed). An effect
  planned without `installation_id` gets the App's installation on the repository's owner.
- Kinds: `comment` (created once, edited in place), `reply` (one-off, keyed on the command's comment
  id), `reaction` (a 👍 on a comment, keyed on its id; GitHub keeps one per content and user),
  `issue` (create or update title/body/labels/state; labels people added are kept; nothing is
  created only to be closed), `pull_request` (FileChange: one commit per change through the contents
  API on branch `ladder/owners-<path>`, from the default branch; while the app's pull request for that
  branch is open further changes gather on it as commits and sections of its body; a branch left from a
  merged or closed pull request is reset to the default branch first; a change already on the default
  branch opens nothing). The file's text comes from the branch and goes through the editor the caller
  registered, so gathered changes build on each other and a retried change makes no second commit.
- Pacing (pacing.py): per installation, ≥ 1 s between writes, ≤ 80 creating writes a minute, ≤ 500 an
  hour. The sender runs several installations at once but one effect at a time per installation.
- Failures: rate limits (403/429) wait per `retry-after`, else `x-ratelimit-reset`, else back off from
  60 s (the client sleeps short waits itself); passing faults — 5xx, timeouts, dropped connections,
  409s — come back after 2 s, then 4 s, 8 s … (±25 % jitter, capped at 30 minutes: `RetryTiming` in
  pacing.py), the marker lookup making the retry safe; 404/422 and editor errors fail at once. After
  `max_attempts` (12: about an hour of passing faults) the effect is `failed` with its error, counted in
  /healthz and `metrics_lines()`; `retry_failed(db)` gives failed effects new attempts.
- Dry-run (no GitHub client, or `plan(..., dry_run=True)` for an org whose config says so): the effect
  is `planned` with the exact writes it would make (`requests`), nothing is sent.
- `list_effects(db, status=None, person_id=None, org=None)` is what `ladder status` and the dashboard
  show. Rows hold effect content, GitHub ids and error sentences only: never tokens (errors are
  scrubbed of anything token-like).
"""

from .effects import (
    Comment,
    Effect,
    EffectError,
    FileChange,
    Issue,
    Reaction,
    Reply,
    has_marker,
    marker,
    with_marker,
)
from .pacing import Limits, Pacer, RetryTiming
from .sender import OutboxSender, register_file_editor
from .store import (
    DONE,
    FAILED,
    PENDING,
    PLANNED,
    Entry,
    get,
    get_by_key,
    list_effects,
    plan,
    retry_failed,
    stats,
)

__all__ = [
    "Comment",
    "DONE",
    "Effect",
    "EffectError",
    "Entry",
    "FAILED",
    "FileChange",
    "Issue",
    "Limits",
    "OutboxSender",
    "PENDING",
    "PLANNED",
    "Pacer",
    "Reaction",
    "RetryTiming",
    "Reply",
    "get",
    "get_by_key",
    "has_marker",
    "list_effects",
    "marker",
    "plan",
    "register_file_editor",
    "retry_failed",
    "stats",
    "with_marker",
]
