"""The words of the cohort's weekly digest and of its mid-term comment on the tracking issue.

Only words: what to say comes as values (app/promotion/digest.py gathers them). Mentees are named as code
(a weekly digest pings nobody); the mid-term comment mentions the mentors, who are asked to act on it.
Check-in text is people's text: each line through `user_text` (no markup, no marker, no mention).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.markdown import day
from app.user_text import markdown_link, user_text

NO_CHECKIN = "no check-in yet"


@dataclass(frozen=True)
class Link:
    label: str  # e.g. widgets#12
    url: str


@dataclass(frozen=True)
class Waiting:
    link: Link
    since: date  # opened on; no review since


@dataclass(frozen=True)
class MenteeWeek:
    """One mentee's section of a digest."""

    login: str
    target: str  # e.g. "Reviewer in `sample-org/widgets`" (already Markdown)
    progress: str  # one line: requirements met, what is left
    merged: tuple[Link, ...] = ()
    reviews: tuple[Link, ...] = ()
    primary: tuple[Link, ...] = ()
    accomplishments: str | None = None  # None: no check-in this week
    challenges: str | None = None
    checkin_url: str | None = None
    waiting: tuple[Waiting, ...] = ()  # own pull requests waiting more than 7 days for a review
    active: bool = True  # anything at all this week


@dataclass(frozen=True)
class Digest:
    cohort: str
    week: str  # ISO week, e.g. 2026-W49
    first: date  # the seven days covered
    last: date
    mentees: tuple[MenteeWeek, ...]


def _links(what: str, links: tuple[Link, ...]) -> str:
    n = len(links)
    words = what if n == 1 else what + "s"
    if not n:
        return f"0 {words}"
    return f"{n} {words} (" + ", ".join(markdown_link(k.label, k.url) for k in links) + ")"


def _quoted(label: str, text: str) -> list[str]:
    lines = [user_text(line) for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    return [f"> **{label}:** {lines[0]}", *[f"> {line}" for line in lines[1:]]]


def _stuck(m: MenteeWeek, last: date) -> list[str]:
    out = [
        f"{markdown_link(w.link.label, w.link.url)} has waited for a review since {day(w.since.isoformat())} "
        f"({(last - w.since).days} days)"
        for w in m.waiting
    ]
    if not m.active:
        out.append("no activity this week")
    return out


def mentee_section(m: MenteeWeek, last: date) -> str:
    lines = [f"### `{user_text(m.login)}` → {m.target}", "", f"**Progress:** {m.progress}", ""]
    lines.append(
        "**This week:** "
        + " · ".join((_links("merged PR", m.merged), _links("review", m.reviews), _links("primary review", m.primary)))
    )
    lines.append("")
    if m.accomplishments is None:
        lines += [f"**Check-in:** {NO_CHECKIN}", ""]
    else:
        where = f" ({markdown_link('comment', m.checkin_url)})" if m.checkin_url else ""
        body = _quoted("Accomplishments", m.accomplishments) + _quoted("Challenges", m.challenges or "")
        lines += [f"**Check-in**{where}:", "", *(body or ["> (empty)"]), ""]
    stuck = _stuck(m, last)
    lines.append("**Looks stuck:** " + ("; ".join(stuck) if stuck else "nothing"))
    return "\n".join(lines)


def digest_markdown(d: Digest) -> str:
    checked = sum(1 for m in d.mentees if m.accomplishments is not None)
    head = [
        f"## Weekly digest · {user_text(d.cohort)} · {d.week}",
        "",
        f"{day(d.first.isoformat())} to {day(d.last.isoformat())} · {len(d.mentees)} "
        f"{'mentee' if len(d.mentees) == 1 else 'mentees'} · check-ins: {checked} of {len(d.mentees)}",
    ]
    sections = [mentee_section(m, d.last) for m in d.mentees]
    foot = "<sub>Ladder · edited in place as check-ins arrive today · `/checkin` on this issue to check in</sub>"
    return "\n\n".join(["\n".join(head), *sections, foot])


@dataclass(frozen=True)
class MenteePace:
    login: str
    target: str  # Markdown
    on_track: bool
    behind: tuple[str, ...]  # the requirements behind pace, in words (already Markdown)


def midterm_markdown(
    cohort: str, on: date, share: float, mentors: tuple[str, ...], mentees: tuple[MenteePace, ...]
) -> str:
    ahead = sum(1 for m in mentees if m.on_track)
    lines = [
        f"## Mid-term · {user_text(cohort)}",
        "",
        f"{round(share * 100)} % of the term is gone ({day(on.isoformat())}): {ahead} of {len(mentees)} "
        f"{'mentee is' if len(mentees) == 1 else 'mentees are'} on track.",
        "",
        "| Mentee | Toward | Pace |",
        "|---|---|---|",
    ]
    for m in mentees:
        pace = "✅ on track" if m.on_track else "⚠️ at risk: " + "; ".join(m.behind)
        lines.append(f"| `{user_text(m.login)}` | {m.target} | {pace} |")
    lines.append("")
    lines.append(
        "On track: every count has at least the share of its need that the share of the term gone asks for, and "
        "every time requirement is met by the end of the term."
    )
    if mentors:
        lines += ["", "Mentors " + ", ".join(f"@{m}" for m in mentors) + ": please look at the mentees at risk."]
    return "\n".join(lines)
