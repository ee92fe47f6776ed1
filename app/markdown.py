"""The words both Ladder's own writing on GitHub (app/promotion) and the reports (reports/) need: dates,
time requirements, requirement tables and the evidence counted. One module below both, so the two never
import each other and say the same thing the same way.

Everything here reads a stored evaluation (`Evaluation.to_dict()`), never the ledger or GitHub.
Descriptions come from an organisation's ladder file and URLs from stored data: each goes through
`app.user_text` (text shown as text; a link only to an http(s) address).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.user_text import markdown_link, user_text

EVIDENCE_SHOWN = 30  # links listed per requirement; the rest are counted

# Evidence kinds that need other words on GitHub; the evaluator's own words are used otherwise.
KIND_WORDS = {"primary review": "first /lgtm (primary review)"}


def parse_time(value: str | datetime) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value


def day(value: str | datetime | None) -> str:
    """'4 May 2026' — unambiguous in every locale."""
    if value is None:
        return ""
    when = parse_time(value)
    return f"{when.day} {when:%b %Y}"


def level_title(evaluation: dict) -> str:
    return evaluation["level"].replace("_", " ").capitalize()


def tenure_words(req: dict, evaluated_at: str | datetime | None = None, *, strong: bool = False) -> str:
    """A time requirement in months and dates, never in day counts:
    'member since 6 Aug 2026 · met on 6 Nov 2026', 'reviewer since 1 May 2026 · will be met on 1 Aug 2026',
    '3 months from the first day as member: 12 Jan 2027 at the earliest'. `strong`: the date to come in bold
    (Markdown)."""
    since, met_on, of_level, span = req.get("since"), req.get("met_on"), req.get("of_level"), req.get("span")
    mark = "**" if strong else ""
    if req.get("have") is None and req.get("need") is None:
        return "start date unknown: for people to check"
    if since:
        started = f"{of_level} since {day(since)}" if of_level else f"contributing since {day(since)}"
        if req.get("met"):
            return f"{started} · met on {day(met_on)}" if met_on else started
        return f"{started} · will be met on {mark}{day(met_on)}{mark}" if met_on else started
    if met_on:  # stored before the start was recorded
        return f"met on {day(met_on)}" if req.get("met") else f"will be met on {mark}{day(met_on)}{mark}"
    if req.get("met"):
        return "met"
    start = f"the first day as {of_level}" if of_level else "the first contribution"
    earliest = ""
    if evaluated_at is not None and req.get("need") is not None:
        earliest = f": {day(parse_time(evaluated_at) + timedelta(days=req['need']))} at the earliest"
    return f"{span} from {start}{earliest}" if span else f"counts from {start}{earliest}"


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


def progress_cell(req: dict, evaluated_at: str | None = None) -> str:
    kind, have, need = req.get("kind"), req.get("have"), req.get("need")
    if kind == "tenure":
        return tenure_words(req, evaluated_at, strong=True)
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
        cell = progress_cell(req, evaluation.get("evaluated_at"))
        rows.append(f"| {check(req.get('met'))} | {user_text(req['description'])} | {cell} |")
    return "\n".join(rows)


def still_to_do(evaluation: dict) -> list[str]:
    """One plain sentence per unmet automatic requirement."""
    out = []
    for req in leaves(evaluation["requirements"]):
        if req.get("met") is not False:
            continue
        have, need, words = req.get("have"), req.get("need"), req["description"]
        if req.get("kind") == "tenure":
            out.append(f"{user_text(words)}: {progress_cell(req, evaluation.get('evaluated_at'))}.")
        elif have is not None and need is not None and req.get("kind") == "count":
            out.append(f"{need - have} more: {user_text(words[:1].lower() + words[1:])}.")
        else:
            out.append(f"{user_text(words)}.")
    return out


def _evidence_link(item: dict) -> str:
    words = KIND_WORDS.get(item.get("kind"), item.get("kind") or "link")
    return markdown_link(words, item.get("url"))


def _counted(req: dict) -> int:
    """How many items a requirement counted: a count's `have` (its evidence keeps only the newest,
    ladder_rules/metrics.py), else its evidence's length (a tenure's one dated entry)."""
    evidence = req.get("evidence") or []
    if req.get("kind") == "count" and isinstance(req.get("have"), int):
        return max(req["have"], len(evidence))
    return len(evidence)


def evidence_section(evaluation: dict) -> str:
    """A collapsed list of the PRs and reviews counted, per requirement, with links and dates."""
    blocks = []
    for req in leaves(evaluation["requirements"]):
        items = list(req.get("evidence") or [])
        total = _counted(req)
        for child in req.get("children", []):
            items.extend(child.get("evidence") or [])
            total += _counted(child)
        if not items:
            continue
        items.sort(key=lambda e: e.get("date") or "", reverse=True)
        lines = [f"- {_evidence_link(e)} · {day(e.get('date'))}" for e in items[:EVIDENCE_SHOWN]]
        if total > EVIDENCE_SHOWN:
            lines.append(f"- … and {total - EVIDENCE_SHOWN} more")
        blocks.append(f"**{user_text(req['description'])}** ({total})\n\n" + "\n".join(lines))
    if not blocks:
        return ""
    return "<details><summary>Evidence: what was counted</summary>\n\n" + "\n\n".join(blocks) + "\n\n</details>"
