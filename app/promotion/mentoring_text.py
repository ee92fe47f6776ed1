"""The words of sign-up (`/ladder enroll`, `/ladder withdraw`) and pinning (`/ladder suggest`) replies.
Only words: app/promotion/mentoring.py decides what happened. Cohort names are user text (escaped)."""

from __future__ import annotations

from app.markdown import day
from app.user_text import user_text


def _cohort(name: str) -> str:
    return f"**{user_text(name)}**"


def _places(taken: int, capacity: int) -> str:
    return f"{taken} of {capacity} place{'s' if capacity != 1 else ''} taken"


def enrolled(
    login: str, cohort: str, taken: int, capacity: int, tracking: str | None, starts: str | None = None
) -> str:
    where = f" Your progress comment is on {tracking}." if tracking else ""
    if tracking and starts:
        where = f" Your progress comment will be on {tracking} from the start of the term, {day(starts)}."
    return f"@{login}, you are enrolled in cohort {_cohort(cohort)} ({_places(taken, capacity)}).{where}"


def waitlisted(login: str, cohort: str, capacity: int, position: int) -> str:
    return (
        f"@{login}, cohort {_cohort(cohort)} is full ({_places(capacity, capacity)}), so you are on its waitlist "
        f"at position {position}. You will be told here when a place opens; `/ladder withdraw` leaves the waitlist."
    )


def already_enrolled(login: str, cohort: str) -> str:
    return f"@{login}, you are already enrolled in cohort {_cohort(cohort)}; nothing changed."


def already_listed(login: str, cohort: str) -> str:
    return f"@{login}, you are already a mentee of cohort {_cohort(cohort)} (listed in `ladder.yml`); nothing changed."


def already_waiting(login: str, cohort: str, position: int) -> str:
    return f"@{login}, you are already on the waitlist of cohort {_cohort(cohort)}, at position {position}."


def not_eligible_level(login: str, cohort: str, below: str, target: str, scope: str) -> str:
    return (
        f"@{login}, cohort {_cohort(cohort)} is for contributors who hold **{below}** in `{scope}` (the level "
        f"below {target}), and Ladder does not see that you do, so you were not enrolled. "
        "`/ladder status` shows what is still to do."
    )


def holds_target(login: str, cohort: str, target: str, scope: str) -> str:
    return (
        f"@{login}, you already hold **{target}** in `{scope}`, the level cohort {_cohort(cohort)} works toward, "
        "so you were not enrolled."
    )


def in_other_cohort(login: str, cohort: str, other: str, end: str) -> str:
    return (
        f"@{login}, you are already a mentee of cohort {_cohort(other)} (until {day(end)}); one active cohort "
        f"at a time, so you were not enrolled in {_cohort(cohort)}."
    )


def closed(login: str, cohort: str, end: str) -> str:
    return f"@{login}, sign-up for cohort {_cohort(cohort)} is closed: its term ended on {day(end)}."


def left(login: str, cohort: str) -> str:
    return f"@{login}, you have left cohort {_cohort(cohort)}."


def left_waitlist(login: str, cohort: str) -> str:
    return f"@{login}, you have left the waitlist of cohort {_cohort(cohort)}."


def moved_up(login: str, cohort: str, tracking: str | None) -> str:
    where = f" Your progress comment is on {tracking}." if tracking else ""
    return f"@{login}, a place opened: you are now enrolled in cohort {_cohort(cohort)}.{where}"


def not_signed_up(login: str, cohort: str) -> str:
    return f"@{login}, you are not signed up for cohort {_cohort(cohort)}, so nothing changed."


def listed_cannot_withdraw(login: str, cohort: str) -> str:
    return (
        f"@{login}, you are listed as a mentee of cohort {_cohort(cohort)} in `ladder.yml`; the organisers "
        "remove you there, so nothing changed."
    )


# --- pins ---------------------------------------------------------------------------------------------


def pinned(login: str, label: str, again: bool) -> str:
    if again:
        return f"{label} is already pinned for @{login}; it stays first in their list of what to review next."
    return (
        f"Pinned {label} first in @{login}'s list of what to review next (their progress comment and `/ladder status`)."
    )


def bad_link(link: str, org: str) -> str:
    return (
        f"`/ladder suggest @login <link>` needs a link to a pull request or issue of {org} "
        f"(`https://…/{org}/REPO/pull/N` or `{org}/REPO#N`), not {user_text(link) or 'nothing'}, "
        "so nothing was changed."
    )


def not_open(label: str) -> str:
    return f"{label} is closed, so there is nothing to review there; nothing was pinned."
