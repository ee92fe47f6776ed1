"""The commands people write in comments, and the help text for each (as Prow's plugins give it).

A command is recognised only at the start of a line, like Prow's; a comment may carry several.
`+1` and `/sponsor` must stand alone on their line (the readiness issue's sponsor confirmation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LADDER_RE = re.compile(r"(?mi)^/ladder[ \t]+(status|approve|hold|unhold|recheck)\b[ \t]*(@?[A-Za-z0-9-]*)[ \t]*$")
SPONSOR_RE = re.compile(r"(?m)^[ \t]*(?:\+1|/sponsor)[ \t]*$")
CHECKIN_RE = re.compile(r"(?mi)^/checkin\b")


@dataclass(frozen=True)
class Command:
    name: str  # status | approve | hold | unhold | recheck | sponsor | checkin
    argument: str | None = None  # a login for `/ladder status @login`


@dataclass(frozen=True)
class CommandHelp:
    usage: str
    description: str
    who: str  # who may use it


HELP: dict[str, CommandHelp] = {
    "status": CommandHelp(
        "/ladder status [@login]",
        "Replies with the person's progress toward their next level: what is done, what is "
        "left, by when, with links to the evidence.",
        "anyone",
    ),
    "approve": CommandHelp(
        "/ladder approve",
        "On a readiness issue: approves the promotion. Ladder then opens the pull request "
        "that adds the person to the roster (OWNERS or OWNERS_ALIASES).",
        "an approver of the scope, or a cohort mentor who holds at least the target level",
    ),
    "hold": CommandHelp(
        "/ladder hold",
        "On a readiness issue: pauses it; Ladder opens no pull request until `/ladder unhold`.",
        "an approver of the scope, or a cohort mentor who holds at least the target level",
    ),
    "unhold": CommandHelp(
        "/ladder unhold",
        "On a readiness issue: lifts a hold.",
        "an approver of the scope, or a cohort mentor who holds at least the target level",
    ),
    "recheck": CommandHelp(
        "/ladder recheck", "On a readiness issue: evaluates the person again now and updates the issue.", "anyone"
    ),
    "sponsor": CommandHelp(
        "+1 or /sponsor (alone on a line)",
        "On a readiness issue: sponsors the person. Ladder checks that the sponsor holds the "
        "level the ladder requires and updates the issue.",
        "anyone may say it; it counts when the sponsor qualifies",
    ),
    "checkin": CommandHelp(
        "/checkin",
        "On the cohort's tracking issue: a mentee's weekly check-in (accomplishments, "
        "challenges), gathered into the weekly digest.",
        "the cohort's mentees",
    ),
}


def parse_commands(body: str | None) -> list[Command]:
    """Every command in a comment, in order of appearance."""
    if not body:
        return []
    found: list[tuple[int, Command]] = []
    for match in LADDER_RE.finditer(body):
        argument = match.group(2).lstrip("@") or None
        found.append((match.start(), Command(match.group(1).lower(), argument)))
    for match in SPONSOR_RE.finditer(body):
        found.append((match.start(), Command("sponsor")))
    for match in CHECKIN_RE.finditer(body):
        found.append((match.start(), Command("checkin")))
    return [command for _, command in sorted(found, key=lambda item: item[0])]


def refusal(command: str, login: str) -> str:
    """The polite reply to someone who may not use a command."""
    info = HELP[command]
    return f"@{login}, `{info.usage}` can only be used by {info.who}, so nothing was changed. {info.description}"
