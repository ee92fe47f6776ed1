"""The readiness issue mentors work: evidence, the checklist, the sponsor rule, and what happens next."""

from __future__ import annotations

from dataclasses import dataclass, field

from reports.markdown import day, evidence_section, requirements_table, still_to_do
from reports.progress import level_title


@dataclass
class Sponsor:
    login: str
    eligible: bool
    reason: str | None = None  # why not, when not eligible
    company: str | None = None  # from the public profile: unverified
    url: str | None = None  # the comment that said +1


@dataclass
class ReadinessView:
    """Everything the issue shows besides the evaluation itself."""

    evaluation: dict
    ticked: set[str] = field(default_factory=set)  # checklist item ids ticked on GitHub
    sponsors: list[Sponsor] = field(default_factory=list)
    may_sponsor: list[str] = field(default_factory=list)  # logins who qualify (not exhaustive for org-wide rules)
    approvers: list[str] = field(default_factory=list)  # who may /ladder approve
    status: str = "open"  # open | held | approved | pr_opened | promoted
    below_since: str | None = None  # the automatic requirements stopped being met on this date
    held_by: str | None = None
    approved_by: str | None = None
    pull_request_url: str | None = None
    not_member_yet: bool = False
    org: str = ""
    sponsor_rule_satisfied: bool = False
    notes: list[str] = field(default_factory=list)


def title(login: str, level: str, scope: str) -> str:
    return f"{login} is ready for {level} in {scope}"


def _sponsor_rule(evaluation: dict) -> str:
    rules = evaluation.get("sponsors") or []
    if not rules:
        return "This level needs no sponsor."
    texts = []
    for rule in rules:
        count = rule["count"]
        levels = " or ".join(rule["levels"])
        where = (
            f"anywhere in {evaluation['scope'].split('/')[0]}"
            if rule.get("where") == "org"
            else (f"of `{evaluation['scope']}`")
        )
        text = f"{count} sponsor{'s' if count != 1 else ''} who {'are' if count != 1 else 'is'} {levels} {where}"
        if rule.get("distinct_companies"):
            text += ", from different companies"
        phrases = " or ".join(f"`{p}`" for p in rule.get("phrases") or ["+1"])
        texts.append(f"{text}; they reply {phrases} alone on a line")
    return " — or — ".join(texts) + "."


def readiness_body(view: ReadinessView) -> str:
    ev = view.evaluation
    login, level, scope = ev["login"], level_title(ev), ev["scope"]
    lines: list[str] = []
    if view.status == "promoted":
        lines.append(f"🎉 @{login} is now **{level}** in `{scope}`. Thank you, and welcome!")
        lines.append("")
    elif view.status == "held":
        lines.append(f"⏸️ On hold by @{view.held_by}. `/ladder unhold` lifts it.")
        lines.append("")
    if view.below_since and view.status not in ("promoted",):
        lines.append(
            f"⚠️ Since {day(view.below_since)}, @{login} no longer meets every automatic requirement "
            "(see below). The issue stays open; it is up to date again as soon as they do."
        )
        lines.append("")
    lines.append(
        f"@{login} meets every automatic requirement for **{level}** in `{scope}` "
        f"({ev['ladder']} ladder), as evaluated on {day(ev['evaluated_at'])}."
        if not view.below_since
        else f"@{login} was ready for **{level}** in `{scope}` ({ev['ladder']} ladder)."
    )
    lines += ["", "## Evidence", "", requirements_table(ev), ""]
    todo = still_to_do(ev)
    if todo:
        lines += ["**Not met any more**", *[f"- {t}" for t in todo], ""]
    evidence = evidence_section(ev)
    if evidence:
        lines += [evidence, ""]

    if level.lower() == "member":
        lines += _membership_form(view)

    checklist = ev.get("checklist") or []
    if checklist:
        lines += ["## For mentors to confirm", ""]
        lines += [f"- [{'x' if item['id'] in view.ticked else ' '}] {item['text']}" for item in checklist]
        lines.append("")

    lines += ["## Sponsors", "", _sponsor_rule(ev), ""]
    if view.may_sponsor:
        lines.append("Who qualifies: " + ", ".join(f"@{s}" for s in view.may_sponsor) + ".")
        lines.append("")
    if view.sponsors:
        for s in view.sponsors:
            company = f" · {s.company} (from the public profile, unverified)" if s.company else ""
            status = "✅ counts" if s.eligible else f"❌ does not count: {s.reason}"
            link = f" ([comment]({s.url}))" if s.url else ""
            lines.append(f"- @{s.login}: {status}{company}{link}")
        lines.append("")
    else:
        lines += ["No sponsor yet.", ""]
    if view.notes:
        lines += [*[f"> {n}" for n in view.notes], ""]

    lines += ["## Next step", ""]
    if view.status == "promoted":
        lines.append(f"Done: the roster change was merged ({view.pull_request_url}).")
    elif view.pull_request_url:
        lines.append(f"The roster pull request is open: {view.pull_request_url} — approvers review and merge it.")
    elif view.not_member_yet:
        lines.append(
            f"@{login} is not a member of the {view.org} organisation yet. Prow ignores OWNERS entries "
            "of non-members, so the pull request waits until they are one."
        )
    else:
        who = ", ".join(f"@{a}" for a in view.approvers) or "an approver of the scope"
        lines.append(
            f"When the checklist and sponsors are done, {who} (or a cohort mentor who holds at least "
            f"{level.lower()}) comments `/ladder approve`, and Ladder opens the pull request that adds "
            f"@{login} to the roster."
        )
    lines += [
        "",
        "<sub>Commands: `/ladder approve` · `/ladder hold` · `/ladder unhold` · `/ladder recheck` · "
        "`+1` or `/sponsor` to sponsor. Opened by Ladder.</sub>",
    ]
    return "\n".join(lines)


def _membership_form(view: ReadinessView) -> list[str]:
    """The fields of kubernetes/org's membership request form (.github/ISSUE_TEMPLATE/membership.yml)."""
    ev = view.evaluation
    eligible = [s for s in view.sponsors if s.eligible]
    sponsor = lambda i: f"@{eligible[i].login}" if len(eligible) > i else "_(waiting)_"  # noqa: E731
    contributions = []
    for req in ev["requirements"].get("children", []) or [ev["requirements"]]:
        for item in (req.get("evidence") or [])[:10]:
            contributions.append(f"  - {item['url']}")
    return [
        "## Membership request",
        "",
        f"- **GitHub handle:** @{ev['login']}",
        f"- **Organization(s):** {view.org or ev['scope'].split('/')[0]}",
        f"- **Sponsor 1:** {sponsor(0)}",
        f"- **Sponsor 2:** {sponsor(1)}",
        "- **List of contributions to the project:**",
        *(contributions or ["  - _(see Evidence above)_"]),
        "",
    ]
