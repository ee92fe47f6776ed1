"""A person's progress as plain text for a terminal: one line per requirement, have/need, a text bar.

Reads stored evaluations (`Evaluation.to_dict()`) only. No Markdown, no emoji: it must read well in any
terminal and in a log file.
"""

from __future__ import annotations

from reports.markdown import day, leaves
from reports.progress import level_title

BAR_WIDTH = 20
MARKS = {True: "[x]", False: "[ ]", None: "[?]"}


def text_bar(have: int | None, need: int | None, width: int = BAR_WIDTH) -> str:
    """'[############--------]' for 3 of 5; empty when there is nothing to measure."""
    if not need or have is None:
        return ""
    filled = min(width, round(width * min(max(have, 0), need) / need))
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def _amount(req: dict) -> str:
    have, need = req.get("have"), req.get("need")
    if have is None or need is None:
        return ""
    unit = " days" if req.get("kind") == "tenure" else ""
    return f"{have}/{need}{unit}"


def _note(req: dict) -> str:
    kind = req.get("kind")
    if kind == "tenure":
        if req.get("met"):
            return f"met on {day(req['met_on'])}" if req.get("met_on") else "met"
        if req.get("met_on"):
            return f"will be met on {day(req['met_on'])}"
        return "not started: the previous level is not held yet"
    if kind == "sponsors" or req.get("met") is None:
        return "for people to confirm"
    return ""


def requirement_lines(evaluation: dict, indent: str = "  ") -> list[str]:
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
                " ".join(x for x in (bar, _note(req)) if x),
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
    width = max((len(i) + len(d) for i, _, d, _, _ in rows), default=0)
    amount_width = max((len(a) for *_, a, _ in rows), default=0)
    out = []
    for ind, mark, description, amount, rest in rows:
        line = f"{ind}{mark} {description.ljust(width - len(ind))}  {amount.rjust(amount_width)}  {rest}"
        out.append(line.rstrip())
    return out


def progress_text(evaluation: dict, *, readiness: dict | None = None) -> list[str]:
    """The lines for one stored evaluation. `readiness`: its readiness row (status, url, promoted_at,
    pull_request_url), when there is one."""
    title = f"{level_title(evaluation)} in {evaluation['scope']} ({evaluation['ladder']} ladder)"
    state = evaluation["state"]
    if state == "promoted":
        when = f" on {day(readiness['promoted_at'])}" if readiness and readiness.get("promoted_at") else ""
        via = f" ({readiness['pull_request_url']})" if readiness and readiness.get("pull_request_url") else ""
        return [f"{title}: promoted{when}{via}"]
    lines = [f"{title}: {state}"]
    lines += requirement_lines(evaluation)
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
    return lines


def effect_lines(rows: list[dict]) -> list[str]:
    """Outbox effects (`reports.effects.effect_row`) as aligned lines: status, what, outcome."""
    if not rows:
        return ["  nothing yet"]
    status_width = max(len(r["status"]) for r in rows)
    what_width = max(len(r["what"]) for r in rows)
    return [
        f"  {r['status'].ljust(status_width)}  {r['what'].ljust(what_width)}  {r['outcome']}".rstrip() for r in rows
    ]
