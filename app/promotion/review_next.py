"""What a mentee could review next, for their progress comment and `/ladder status`: a mentor's pins
first, then open pull requests that count toward their next unmet requirement (ladder_rules/review_next.py
chooses them). Read from the ledger only — deliveries and history import — so a progress comment costs no
call to GitHub."""

from __future__ import annotations

from dataclasses import dataclass

from app.context import Context
from app.promotion.setup import OrgSetup, current_login
from app.store import mentoring
from app.store.facts import item, open_pull_requests
from ladder_rules.evaluate import State
from ladder_rules.review_next import LIMIT, next_need, suggest


@dataclass(frozen=True)
class ReviewItem:
    """One line of "What to review next"."""

    label: str  # owner/repo#number
    url: str
    title: str  # user text: escaped where it is written
    reason: str  # Ladder's words (a pinning mentor's login is shown as code)


def review_list(
    ctx: Context, setup: OrgSetup, evaluation: dict, *, pulls: list | None = None
) -> tuple[ReviewItem, ...]:
    """Up to five things to review: pins (newest first, while open), then suggestions. `pulls`: the open
    pull requests (app.store.facts.open_pull_requests), when the caller read them for several mentees."""
    if evaluation.get("state") != State.WORKING.value:
        return ()
    pid = evaluation["person_id"]
    out: list[ReviewItem] = []
    pinned = []
    for p in mentoring.pins_of(ctx.db, setup.org, pid):
        found = item(ctx.db, p.repo, p.number)
        if found is not None and not found.open:
            continue  # closed or merged: nothing left to review
        repo = found.repo if found else p.repo
        url = (found.url if found else "") or f"{setup.web}/{repo}/issues/{p.number}"
        mentor = current_login(ctx, p.by_id, str(p.by_id))
        out.append(ReviewItem(f"{repo}#{p.number}", url, found.title if found else "", f"pinned by mentor `{mentor}`"))
        pinned.append((repo, p.number))
        if len(out) == LIMIT:
            return tuple(out)
    need = next_need(setup.ladder, evaluation)
    if need is None:
        return tuple(out)
    if pulls is None:
        pulls = open_pull_requests(ctx.db, setup.org)
    for s in suggest(
        [(o.facts, o.title) for o in pulls], pid, need, setup.definitions, limit=LIMIT - len(out), skip=pinned
    ):
        out.append(ReviewItem(f"{s.pull.repo}#{s.pull.number}", s.pull.url, s.title, s.reason))
    return tuple(out)
