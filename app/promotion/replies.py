"""The sentences Ladder answers commands with, and the thanks on a promotion. Only words: the command
handlers (app/promotion/commands.py) decide what happened and call these to say it.

People are @-mentioned only when the reply is to them or about them as the one it concerns; anyone else
is named as code (a reply must not notify someone who did not ask).
"""

from __future__ import annotations

from app.commands import Spec, Where
from app.promotion.lifecycle import Blocked, Readiness
from app.promotion.readiness_text import listed
from app.user_text import user_text


def code(login: str) -> str:
    return f"`{login}`"


def refusal(spec: Spec, login: str, holders: list[str]) -> str:
    """To someone who may not use a command: who may, and that nothing changed."""
    who = f" Who may: {listed(holders)}." if holders else ""
    return f"@{login}, `{spec.usage}` can only be used by {spec.who_short}, so nothing was changed.{who}"


def wrong_place(spec: Spec, login: str) -> str:
    """A command used where it does not work."""
    if spec.where is Where.READINESS_ISSUE:
        place = "on a readiness issue that Ladder opened"
    else:
        place = f"on {spec.where.value}"
    return (
        f"@{login}, `{spec.usage}` works only {place}, and this is not one, so nothing was changed. "
        "`/ladder help` lists every command and where it works."
    )


def blocked(reason: Blocked, row: Readiness, *, login: str, held_by: str | None, approved_by: str | None) -> str:
    """Why a command on a readiness issue changed nothing."""
    if reason is Blocked.PROMOTED:
        return f"@{login} is already {row.level}; nothing to do."
    if reason is Blocked.WITHDRAWN:
        return f"@{login} opted out of nominations (`/ladder optout`): this readiness issue is closed; nothing to do."
    if reason is Blocked.HELD:
        return f"This readiness issue is on hold (by @{held_by}); `/ladder unhold` first."
    if reason is Blocked.NOT_HELD:
        return "This readiness issue is not on hold."
    if reason is Blocked.APPROVED:
        return f"Already approved by @{approved_by}."
    if reason is Blocked.PULL_REQUEST_OPEN:
        return f"The roster pull request is already open: {row.pull_request_url}"
    return "This readiness issue is not approved yet."


def already_held(held_by: str | None) -> str:
    return f"This readiness issue is already on hold (by @{held_by}); `/ladder unhold` lifts it."


HELD = "On hold. `/ladder unhold` lifts it."
UNHELD = "The hold is lifted."


# --- the roster change after an approval ----------------------------------------------------------------


def not_an_owners_roster(level: str) -> str:
    return (
        f"Approved. The {level} roster is not an OWNERS file, so an organisation admin makes the change; "
        "this issue stays open until then."
    )


def not_member_yet(login: str, org: str) -> str:
    return (
        f"Approved, but @{login} is not a member of {org} yet: Prow ignores OWNERS entries of non-members, "
        "so no pull request was opened. It opens once they are a member (`/ladder recheck`)."
    )


def membership_hidden(login: str, org: str) -> str:
    return (
        f"Approved, but GitHub does not show Ladder whether @{login} is a member of {org} (the App may not "
        "read the organisation's members), so no pull request was opened: Prow ignores OWNERS entries of "
        "non-members. An org admin can check, then comment `/ladder recheck`."
    )


def no_roster_file(path: str, repo: str) -> str:
    return f"Approved, but `{path}` does not exist in {repo}, so there is no roster to add to."


def by_hand(why: str) -> str:
    return (
        f"Approved. Ladder does not edit this roster: {user_text(why)} This issue stays open until the change is made."
    )


def opening(login: str, where: str) -> str:
    return f"Approved. Ladder is opening the pull request that adds @{login} to {where}."


def welcome_member(login: str, org: str) -> str:
    return (
        f"🎉 @{login} is now a member of {org}. Thank you for your contributions, and welcome! "
        "Your progress comment now shows the next level."
    )


def thanks(login: str, row: Readiness) -> str:
    return (
        f"🎉 @{login} is now **{row.level}** in `{row.scope}`: the roster change is merged. "
        "Thank you for your work, and welcome! Your progress comment now shows the next level."
    )


# --- sponsors -----------------------------------------------------------------------------------------


def sponsorship_not_counted(login: str, reason: str, qualifying: list[str]) -> str:
    """`reason` is a predicate about the sponsor ("does not hold approver over o/r")."""
    who = listed(qualifying) or "people who hold the level the rule names"
    return (
        f"Thank you, @{login}. Your sponsorship is noted but does not count toward the rule: "
        f"{code(login)} {user_text(reason)}. Who qualifies: {who}."
    )


def wrong_phrase(login: str, ladder: str, level: str, phrases: list[str]) -> str:
    said = " or ".join(f"`{p}`" for p in [*phrases, *(["/sponsor"] if "/sponsor" not in phrases else [])])
    return (
        f"@{login}, sponsors of {user_text(level)} in the {user_text(ladder)} ladder confirm with {said} alone on a "
        "line, so this was not recorded as a sponsorship."
    )


# --- approval -------------------------------------------------------------------------------------------


def approval_missing(login: str, missing: list[str]) -> str:
    """`/ladder approve` refused: every item still missing, and that nothing changed."""
    items = "\n".join(f"- {m}" for m in missing)
    return f"@{login}, this cannot be approved yet, so nothing was changed. Still missing:\n\n{items}"


# --- status -------------------------------------------------------------------------------------------


def never_seen(login: str, org: str) -> str:
    return f"Ladder has not seen any activity by {code(login)} in {org} yet."


def at_the_top(person: str, ladder: str) -> str:
    return f"{person} holds the top level of the {ladder} ladder."


def bot_not_evaluated(login: str) -> str:
    """`/ladder status @somebot[bot]`: bots are never evaluated (nor nominated)."""
    return f"{code(login.lstrip('@'))} is a bot: Ladder does not evaluate bots, so it has no progress to show."


def opted_out(login: str, closed: int) -> str:
    what = f" and closed {closed} open readiness issue{'s' if closed != 1 else ''}" if closed else ""
    return f"@{login}, Ladder will not nominate you any more{what}. `/ladder optin` undoes it."


def opted_in(login: str, reopened: int) -> str:
    what = f"; {reopened} readiness issue{'s' if reopened != 1 else ''} reopened" if reopened else ""
    return f"@{login}, Ladder nominates you again when you qualify{what}."
