"""The words of the way down: the `Inactivity notices` issue, each notice comment (and how it reads once
cancelled, kept, proposed or ended), the roster pull request's section per person, the org admin's issue,
and the replies to `/ladder keep`. Only words: app/promotion/way_down.py decides.

The person a notice is about is @-mentioned (the notice is for them); anyone else is named as code.
Reasons people give are user text (app/user_text.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.markdown import day
from app.user_text import markdown_link, user_text

NOTICES_TITLE = "Inactivity notices"

NOTICES_BODY = (
    "Ladder posts a comment here for each person who holds a level of this organisation's contributor ladder "
    "and falls below its staying rules (the yearly minimums, or the time without any counted activity).\n\n"
    "Each notice says what was counted, over which window, and the day Ladder will propose the change "
    "(the `grace_period` of `.github/ladder.yml`). Any counted activity by the person cancels it, and so does "
    "`/ladder keep @login <reason>` by an approver of the scope; the comment is then edited to say so.\n\n"
    "After the grace period Ladder opens one pull request per roster file (approvers to `emeritus_approvers`, "
    "reviewers removed) and, for organisation members, an issue for an org admin. Ladder never merges or "
    "removes anything itself."
)


def code(text: str) -> str:
    return f"`{text.replace('`', '')}`"


@dataclass(frozen=True)
class NoticeView:
    login: str
    level: str
    scope: str
    ladder: str
    status: str  # notice | cancelled | kept | proposed | ended
    noticed_at: str
    propose_at: str
    window_months: int
    lines: list[str]
    last_activity: str | None
    last_activity_url: str | None
    change: str  # "move @x from approvers to emeritus_approvers of `OWNERS`" …
    closed_at: str | None = None
    closed_by: str | None = None  # the keeper's login
    reason: str | None = None  # the keeper's words, or what the activity was
    reason_url: str | None = None
    pull_request_url: str | None = None


def change_words(login: str, action: str, roster: str, where: str | None) -> str:
    """What the change will be, as a phrase: 'moving @x from approvers to emeritus_approvers of `OWNERS`'."""
    place = f" of {code(where)}" if where else ""
    if roster == "org_members":
        return f"removing @{login} from the organisation's members (an org admin does it)"
    if action == "emeritus" and roster in ("approvers", "reviewers"):
        return f"moving @{login} from `{roster}` to `emeritus_{roster}`{place}"
    return f"removing @{login} from `{roster}`{place}"


def _status_line(v: NoticeView) -> str:
    if v.status == "cancelled":
        what = markdown_link(v.reason or "counted activity", v.reason_url) if v.reason_url else "counted activity"
        return f"**Cancelled on {day(v.closed_at)}:** {what} since the notice. Nothing will be proposed.\n\n"
    if v.status == "kept":
        return (
            f"**Kept on {day(v.closed_at)} by {code(v.closed_by or 'an approver')}:** {user_text(v.reason)}. "
            "Nothing will be proposed.\n\n"
        )
    if v.status == "proposed":
        where = markdown_link("the pull request", v.pull_request_url) if v.pull_request_url else "a change for people"
        return f"**Proposed on {day(v.closed_at)}** in {where}; people decide, Ladder never merges it.\n\n"
    if v.status == "ended":
        return f"**Closed on {day(v.closed_at)}:** no longer on the roster.\n\n"
    return ""


def notice_body(v: NoticeView) -> str:
    counted = "\n".join(f"- {user_text(line)}" for line in v.lines)
    latest = "none recorded"
    if v.last_activity:
        latest = day(v.last_activity)
        if v.last_activity_url:
            latest = markdown_link(latest, v.last_activity_url)
    return (
        f"### @{v.login}: inactivity notice for {v.level} in {code(v.scope)}\n\n"
        f"{_status_line(v)}"
        f"On {day(v.noticed_at)} the {v.ladder} ladder's staying rules for {v.level} were not met. Counted over "
        f"the last {v.window_months} months:\n\n{counted}\n\n"
        f"Latest counted activity: {latest}.\n\n"
        f"On **{day(v.propose_at)}** Ladder will propose {v.change}, unless there is counted activity "
        f"(a pull request, a review, a comment or an issue in {code(v.scope)}) before then, or an approver of "
        f"the scope writes `/ladder keep @{v.login} <reason>`."
    )


def pull_title(login: str, action: str, roster: str) -> str:
    if action == "emeritus" and roster in ("approvers", "reviewers"):
        return f"Move {login} to emeritus_{roster} (inactive)"
    return f"Remove {login} from {roster} (inactive)"


GATHERED_TITLE = "Ladder: {count} inactivity changes to {path}"


def pull_section(
    *, login: str, change: str, level: str, scope: str, noticed_at: str, grace_days: int, lines: list[str], latest: str
) -> str:
    counted = "\n".join(f"  - {user_text(line)}" for line in lines)
    return (
        f"**@{login}** ({level} in {code(scope)}): {change}.\n\n"
        f"- Noticed on {day(noticed_at)} in the organisation's `{NOTICES_TITLE}` issue; the grace period of "
        f"{grace_days} days passed with no counted activity and no `/ladder keep`.\n"
        f"- Counted:\n{counted}\n"
        f"- Latest counted activity: {latest}.\n\n"
        "Ladder never merges this pull request: an approver of the scope decides."
    )


def members_issue_title(count: int) -> str:
    return f"Inactive organisation members: {count} to review"


def members_issue_body(rows: list[tuple[str, str, list[str], str]]) -> str:
    """rows: (login, noticed on, counted lines, latest activity)."""
    if not rows:
        return "Nobody is waiting: every member listed here before was removed, returned or kept."
    items = "\n".join(
        f"- [ ] @{login}: noticed {day(noticed)}; {'; '.join(user_text(line) for line in lines)}; "
        f"latest counted activity {latest}"
        for login, noticed, lines, latest in rows
    )
    return (
        "These organisation members fell below the ladder's staying rules, were given a notice in the "
        f"`{NOTICES_TITLE}` issue, and the grace period passed. An org admin removes them (or keeps them: "
        "`/ladder keep @login <reason>`); Ladder removes nobody.\n\n" + items
    )


# --- replies to /ladder keep ----------------------------------------------------------------------------


def kept(author: str, login: str, count: int) -> str:
    what = "the inactivity notice for `{0}` is" if count == 1 else f"the {count} inactivity notices for `{{0}}` are"
    return f"@{author}, kept: {what.format(login)} cancelled and nothing will be proposed."


def nothing_to_keep(author: str, login: str) -> str:
    return f"@{author}, `{login}` has no open inactivity notice, so nothing was changed."


def reason_needed(author: str, login: str) -> str:
    return f"@{author}, `/ladder keep @{login} <reason>` needs a reason after the login, so nothing was changed."


def already_proposed(author: str, login: str, url: str | None) -> str:
    where = f" ({url})" if url else ""
    return (
        f"@{author}, the change for `{login}` is already proposed{where}; close that pull request to keep them. "
        "Nothing was changed."
    )


def when(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")
