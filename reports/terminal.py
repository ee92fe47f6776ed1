"""A person's progress as plain text for a terminal: one line per requirement, have/need, a text bar.

Reads stored evaluations (`Evaluation.to_dict()`) only. No Markdown, no emoji: it must read well in any
terminal and in a log file. Given a `width` (the terminal's, `terminal_width()`), lines are wrapped to it:
descriptions wrap inside their column, what does not fit goes on an indented line below, and a word
longer than the width (a URL) is kept whole so it can still be copied.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap

from app.markdown import day, leaves, level_title, tenure_words
from ladder_rules.evaluate import State

BAR_WIDTH = 20
MARKS = {True: "[x]", False: "[ ]", None: "[?]"}
MIN_WIDTH = 40  # narrower than this, wrapping makes things worse, not better
MIN_COLUMN = 16  # a description or effect column is never squeezed below this


def terminal_width() -> int | None:
    """Columns to fit the output to: the terminal's (or $COLUMNS), at least MIN_WIDTH. None when the
    output is neither a terminal nor given a width in $COLUMNS (a file or a pipe keeps whole lines)."""
    if "COLUMNS" not in os.environ and not sys.stdout.isatty():
        return None
    return max(MIN_WIDTH, shutil.get_terminal_size().columns)


def fit(line: str, width: int | None, hang: int | None = None) -> list[str]:
    """`line` wrapped to `width`; continuation lines are indented `hang` spaces (default: the line's own
    indentation plus 4). Words longer than the width are not broken."""
    if width is None or len(line) <= width:
        return [line]
    lead = len(line) - len(line.lstrip(" "))
    hang = lead + 4 if hang is None else hang
    return _wrap(line.strip(), width, " " * lead, " " * hang) or [line]


def _wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(
        text, width, initial_indent=first, subsequent_indent=rest, break_long_words=False, break_on_hyphens=False
    )


def text_bar(have: int | None, need: int | None, width: int = BAR_WIDTH) -> str:
    """'[############--------]' for 3 of 5; empty when there is nothing to measure."""
    if not need or have is None:
        return ""
    filled = min(width, round(width * min(max(have, 0), need) / need))
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def _amount(req: dict) -> str:
    have, need = req.get("have"), req.get("need")
    if have is None or need is None or req.get("kind") == "tenure":
        return ""  # time is said in months and dates (the note), not in days
    return f"{have}/{need}"


def _note(req: dict, evaluated_at: str | None = None) -> str:
    kind = req.get("kind")
    if kind == "tenure":
        return tenure_words(req, evaluated_at)
    if kind == "sponsors" or req.get("met") is None:
        return "for people to confirm"
    return ""


def requirement_lines(evaluation: dict, indent: str = "  ", width: int | None = None) -> list[str]:
    """One aligned line per requirement; the alternatives of an any-of group are indented under it."""
    rows: list[tuple[str, str, str, str, str]] = []  # indent, mark, description, amount, bar + note
    for req in leaves(evaluation["requirements"]):
        bar = text_bar(req.get("have"), req.get("need")) if req.get("kind") in ("count", "tenure") else ""
        rows.append(
            (
                indent,
                MARKS[req.get("met")],
                req["description"],
                _amount(req),
                " ".join(x for x in (bar, _note(req, evaluation.get("evaluated_at"))) if x),
            )
        )
        if req.get("kind") in ("any", "at_least"):
            for child in req.get("children", []):
                rows.append(
                    (
                        indent + "    ",
                        MARKS[child.get("met")],
                        child["description"],
                        _amount(child),
                        text_bar(child.get("have"), child.get("need")),
                    )
                )
    column = max((len(i) + len(d) for i, _, d, _, _ in rows), default=0)  # where descriptions end
    amount_width = max((len(a) for *_, a, _ in rows), default=0)
    out = []
    for ind, mark, description, amount, rest in rows:
        line = f"{ind}{mark} {description.ljust(column - len(ind))}  {amount.rjust(amount_width)}  {rest}"
        out.append(line.rstrip())
    if width is None or all(len(line) <= width for line in out):
        return out
    # Too wide: narrow the description column (descriptions wrap inside it), and put the bar and note on
    # a line of their own where they do not fit after the amount.
    deepest = max(len(i) for i, *_ in rows)
    column = max(min(column, width - 6 - amount_width), deepest + MIN_COLUMN)
    out = []
    for ind, mark, description, amount, rest in rows:
        pieces = _wrap(description, column - len(ind)) or [""]
        first = f"{ind}{mark} {pieces[0].ljust(column - len(ind))}  {amount.rjust(amount_width)}"
        if rest and len(first) + 2 + len(rest) <= width:
            first, rest = f"{first}  {rest}", ""
        out.append(first.rstrip())
        out += [f"{ind}    {piece}" for piece in pieces[1:]]
        if rest:
            out += fit(f"{ind}    {rest}", width)
    return out


def progress_text(evaluation: dict, *, readiness: dict | None = None, width: int | None = None) -> list[str]:
    """The lines for one stored evaluation. `readiness`: its readiness row (status, url, promoted_at,
    pull_request_url), when there is one. `width`: wrap to it (None: whole lines)."""
    title = f"{level_title(evaluation)} in {evaluation['scope']} ({evaluation['ladder']} ladder)"
    state = evaluation["state"]
    if state == State.PROMOTED.value:
        when = f" on {day(readiness['promoted_at'])}" if readiness and readiness.get("promoted_at") else ""
        via = f" ({readiness['pull_request_url']})" if readiness and readiness.get("pull_request_url") else ""
        return fit(f"{title}: promoted{when}{via}", width)
    lines = [f"{title}: {state}"]
    lines += requirement_lines(evaluation, width=width)
    checklist = [item["text"] for item in evaluation.get("checklist") or []]
    if checklist:
        lines.append("  For mentors to confirm: " + "; ".join(checklist))
    if readiness and readiness.get("url"):
        lines.append(f"  Readiness issue: {readiness['url']} ({readiness['status']})")
    elif readiness:
        lines.append(f"  Readiness issue: not opened on GitHub yet ({readiness['status']})")
    if readiness and readiness.get("pull_request_url"):
        lines.append(f"  Roster pull request: {readiness['pull_request_url']}")
    lines.append(f"  Evaluated {day(evaluation['evaluated_at'])}")
    return [piece for line in lines for piece in fit(line, width)]


def effect_lines(rows: list[dict], width: int | None = None) -> list[str]:
    """Outbox effects (`reports.effects.effect_row`) as aligned lines: status, what, outcome. Too wide for
    `width`, the "what" column wraps and an outcome that does not fit goes on the line below."""
    if not rows:
        return ["  nothing yet"]
    status_width = max(len(r["status"]) for r in rows)
    what_width = max(len(r["what"]) for r in rows)
    out = [f"  {r['status'].ljust(status_width)}  {r['what'].ljust(what_width)}  {r['outcome']}".rstrip() for r in rows]
    if width is None or all(len(line) <= width for line in out):
        return out
    lead = 2 + status_width + 2  # where "what" starts
    what_width = max(min(what_width, width - lead - 2 - MIN_COLUMN), MIN_COLUMN)
    out = []
    for r in rows:
        pieces = _wrap(r["what"], what_width) or [""]
        first = f"  {r['status'].ljust(status_width)}  {pieces[0].ljust(what_width)}"
        outcome = r["outcome"]
        if len(first) + 2 + len(outcome) <= width:
            first, outcome = f"{first}  {outcome}", ""
        out.append(first.rstrip())
        out += [" " * lead + piece for piece in pieces[1:]]
        if outcome:
            out += fit(" " * (lead + 2) + outcome, width)
    return out
