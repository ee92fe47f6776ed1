"""A check-in edited or deleted on GitHub after Ladder kept it.

A mentee fixes a typo or adds a challenge by editing their `/checkin` comment; the kept check-in follows:
the text is read again (the latest edit wins, so a redelivered older edit changes nothing); an edit that
removes the `/checkin` line, or deleting the comment, withdraws it. Today's digest is edited in place when
it covers the check-in; a digest already posted for an earlier week stays as it was posted (a weekly
record, and replanning it would also restate that week's other sections as of today).
"""

from __future__ import annotations

from datetime import datetime

from app.context import Context
from app.markdown import parse_time
from app.promotion import checkin_parse, digest
from app.promotion.commands import COMMANDS
from app.promotion.setup import OrgSetup
from app.store import checkins


def edited(ctx: Context, setup: OrgSetup, kept: checkins.Checkin, comment: dict) -> bool:
    """The comment `kept` was read from, as edited: True when the kept check-in changed."""
    edited_at = comment.get("updated_at") or comment.get("created_at")
    command = next((c for c in COMMANDS.parse(comment.get("body")) if c.name == "checkin"), None)
    if command is None:
        changed = checkins.delete(ctx.db, kept.comment_id, edited_at)
    else:
        text = checkin_parse.parse(command.text)
        changed = checkins.edit(
            ctx.db, kept.comment_id, edited_at, comment.get("body") or "", text.accomplishments, text.challenges
        )
    if changed:
        _replan_digest(ctx, setup, kept, parse_time(edited_at))
    return changed


def deleted(ctx: Context, setup: OrgSetup, kept: checkins.Checkin, when: datetime) -> bool:
    """The comment `kept` was read from was deleted: True when a kept check-in was withdrawn."""
    changed = checkins.delete(ctx.db, kept.comment_id, when.isoformat().replace("+00:00", "Z"))
    if changed:
        _replan_digest(ctx, setup, kept, when)
    return changed


def _replan_digest(ctx: Context, setup: OrgSetup, kept: checkins.Checkin, now: datetime) -> None:
    cohort = next((c for c in setup.config.cohorts if c.name == kept.cohort), None)
    if cohort is not None:
        digest.replan_today(ctx, setup, cohort, now, covering=parse_time(kept.at))
