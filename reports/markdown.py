"""Markdown pieces shared by what Ladder writes on GitHub: requirement tables, evidence, dates.

Everything here reads a stored evaluation (`Evaluation.to_dict()`), never the ledger or GitHub.
Descriptions come from an organisation's ladder file and URLs from stored data: each goes through
`app.user_text` (text shown as text; a link only to an http(s) address).
"""

from __future__ import annotations

from datetime import datetime

from app.user_text import markdown_link, user_text

EVIDENCE_SHOWN = 30  # links listed per requirement; the rest are counted

# Evidence kinds that need other words on GitHub; the evaluator's own words are used otherwise.
KIND_WORDS = {"primary review": "first /lgtm (primary review)"}


def day(value: str | datetime | None) -> str:
    """'4 May 2026' — unambiguous in every locale."""
    if value is None:
        return ""
    when = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    return f"{when.day} {when:%b %Y}"


def bar(have: int | None, need: int | None, width: int = 10) -> str:
    if not need or have is None:
        return ""
    filled = min(width, round(width * min(have, need) / need))
    return "▰" * filled + "▱" * (width - filled)


def check(met: bool | None) -> str:
    return {True: "✅", False: "⬜", None: "👥"}[met]


def leaves(requirement: dict) -> list[dict]:
    """The requirements people read as lines: groups are flattened, except any-of / at-least groups,
    which stay one line ('one of: …') because their children are alternatives."""
    if requirement.get("kind") == "all":
        out = []
        for child in requirement.get("children", []):
            out.extend(leaves(child))
        return out
    return [requirement]


def progress_cell(req: dict) -> str:
    kind, have, need = req.get("kind"), req.get("have"), req.get("need")
    if kind == "tenure":
        if req.get("met"):
            return f"met on {day(req.get('met_on'))}" if req.get("met_on") else "met"
        if req.get("met_on"):
            return f"will be met on **{day(req['met_on'])}**"
        return "not started: the previous level is not held yet"
    if kind == "sponsors":
        return "for people to confirm"
    if kind in ("any", "at_least"):
        parts = [
            f"{check(c.get('met'))} {user_text(c['description'])} ({c.get('have')}/{c.get('need')})"
            for c in req.get("children", [])
        ]
        return "<br>".join(parts)
    if have is None or need is None:
        return ""
    return f"{have} / {need} {bar(have, need)}"


def requirements_table(evaluation: dict) -> str:
    rows = ["| | Requirement | Progress |", "|---|---|---|"]
    for req in leaves(evaluation["requirements"]):
        rows.append(f"| {check(req.get('met'))} | {user_text(req['description'])} | {progress_cell(req)} |")
    return "\n".join(rows)


def still_to_do(evaluation: dict) -> list[str]:
    """One plain sentence per unmet automatic requirement."""
    out = []
    for req in leaves(evaluation["requirements"]):
        if req.get("met") is not False:
            continue
        have, need, words = req.get("have"), req.get("need"), req["description"]
        if req.get("kind") == "tenure":
            out.append(f"{user_text(words)}: {progress_cell(req)}.")
        elif have is not None and need is not None and req.get("kind") == "count":
            out.append(f"{need - have} more: {user_text(words[:1].lower() + words[1:])}.")
        else:
            out.append(f"{user_text(words)}.")
    return out


def _evidence_link(item: dict) -> str:
    words = KIND_WORDS.get(item.get("kind"), item.get("kind") or "link")
    return markdown_link(words, item.get("url"))


def evidence_section(evaluation: dict) -> str:
    """A collapsed list of the PRs and reviews counted, per requirement, with links and dates."""
    blocks = []
    for req in leaves(evaluation["requirements"]):
        items = list(req.get("evidence") or [])
        for child in req.get("children", []):
            items.extend(child.get("evidence") or [])
        if not items:
            continue
        items.sort(key=lambda e: e.get("date") or "", reverse=True)
        lines = [f"- {_evidence_link(e)} · {day(e.get('date'))}" for e in items[:EVIDENCE_SHOWN]]
        if len(items) > EVIDENCE_SHOWN:
            lines.append(f"- … and {len(items) - EVIDENCE_SHOWN} more")
        blocks.append(f"**{user_text(req['description'])}** ({len(items)})\n\n" + "\n".join(lines))
    if not blocks:
        return ""
    return "<details><summary>Evidence: what was counted</summary>\n\n" + "\n\n".join(blocks) + "\n\n</details>"
