"""What a `/checkin` says: the lines after the command read as accomplishments and challenges.

A section starts at a line `Accomplishments:` or `Challenges:` (text may follow the colon on the same
line) or at a heading `### Accomplishments` / `### Challenges` (any level, a colon optional); the words
in any case. Lines before the first section, and a check-in with no section at all, are accomplishments:
free text is never dropped. A section written twice is joined. Pure: text in, text out; the text is
stored as written and escaped where it is shown (app/user_text.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ACCOMPLISHMENTS, CHALLENGES = "accomplishments", "challenges"
_LABEL = re.compile(
    r"^[ \t]*(?:(?P<hashes>#{1,6})[ \t]*(?P<h>accomplishments|challenges)[ \t]*:?|"
    r"(?P<l>accomplishments|challenges)[ \t]*:)[ \t]*(?P<rest>.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CheckinText:
    accomplishments: str = ""
    challenges: str = ""


def section_of(line: str) -> tuple[str, str] | None:
    """(section, text after the label) when `line` starts a section, else None."""
    m = _LABEL.match(line)
    if m is None:
        return None
    return (m.group("h") or m.group("l")).lower(), m.group("rest").strip()


def parse(text: str) -> CheckinText:
    """The check-in in `text` (what follows `/checkin`); never fails."""
    parts: dict[str, list[str]] = {ACCOMPLISHMENTS: [], CHALLENGES: []}
    current = ACCOMPLISHMENTS
    for line in (text or "").splitlines():
        found = section_of(line)
        if found is not None:
            current, rest = found
            line = rest
        parts[current].append(line.rstrip())
    return CheckinText(_block(parts[ACCOMPLISHMENTS]), _block(parts[CHALLENGES]))


def _block(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n").strip()


def render(checkin: CheckinText) -> str:
    """The check-in written back in the format `parse` reads (parse(render(c)) == c)."""
    return f"Accomplishments:\n{checkin.accomplishments}\n\nChallenges:\n{checkin.challenges}\n"
