"""The readiness issue mentors work: evidence, the checklist, the sponsor rule, and what happens next.

Only words here; app/promotion/readiness.py gathers the values. Whatever people wrote (profile
companies, the reasons shown beside sponsors, checklist texts from a ladder file) goes through
`app.user_text`, so no value can carry a marker, a mention or raw HTML into the body.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.markdown import day, evidence_section, level_title, requirements_table, still_to_do
from app.promotion.lifecycle import Status
from app.user_text import markdown_link, user_text, web_url

MAX_LISTED = 12  # who-may lists in an issue body; beyond this the list says how many more


@dataclass(frozen=True)
class Sponsor:
    login: str
    eligible: bool
    reason: str | None = None  # why not, when not eligible
    company: str | None = None  # from the public profile: unverified
    url: str | None = None  # the comment that said +1
    same_company_as: str | None = None  # eligible, but an earlier sponsor has the same company
    company_unknown: bool = False  # eligible, but no company on the profile where distinct ones are asked


@dataclass
class ReadinessView:
    """Everything the issue shows besides the evaluation itself."""

    evaluation: dict
    login: str  # the person's login now
    ticked: frozenset[str] = frozenset()  # checklist item ids ticked on GitHub
    sponsors: list[Sponsor] = field(default_factory=list)
    may_sponsor: list[str] = field(default_factory=list)  # logins who qualify (for org-wide rules, some)
    approvers: list[str] = field(default_factory=list)  # who may /ladder approve
    status: Status = Status.OPEN
    below_since: str | None = None  # the automatic requirements stopped being met on this date
    held_by: str | None = None
    approved_by: str | None = None
    pull_request_url: str | None = None
    not_member_yet: bool = False
    membership_hidden: bool = False
    org: str = ""
    member_level: bool = False  # the level is org membership (kubernetes/org's request form)
    sponsors_met: bool = False  # the sponsor rule is met by the sponsors who count
    sponsors_have: int = 0
    sponsors_need: int = 0
    distinct_companies: bool = False
    owners_pr: str = "after_approval"  # never: approvers edit the roster themselves
    roster_note: str | None = None  # why Ladder does not edit the roster itself (a team line, a generated file)
    roster_kind: str = ""  # the level's roster kind (owners, owners_alias, codeowners, org_members)
    peribolos: str = ""  # in words, the org.yaml membership is written to ("" when none is configured)


def invitation(login: str, org: str) -> str:
    return (
        f"An org admin of {org} sends @{login} the invitation (no peribolos org.yaml is configured, so Ladder opens "
        f"no pull request). When @{login} joins, Ladder promotes them and closes this issue."
    )


def edited_by_people(login: str, where: str, repo: str) -> str:
    return (
        f"With `owners_pr: never` Ladder opens no pull request: an approver adds @{login} to {where} of {repo}. "
        "The push that does it promotes them, and this issue closes."
    )


def title(login: str, level: str, scope: str) -> str:
    return f"{login} is ready for {level} in {scope}"


def listed(logins: list[str], limit: int = MAX_LISTED) -> str:
    """'@a, @b, @c' — at most `limit` of them, then how many more."""
    shown = ", ".join(f"@{login}" for login in logins[:limit])
    more = len(logins) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def code(text: str) -> str:
    """`text` as inline code (a backtick or line break in it cannot end the span)."""
    return "`" + " ".join(str(text).replace("`", "'").split()) + "`"


def checklist_line(text: str) -> str:
    """A checklist item's text as the issue shows it (and as it is matched when read back)."""
    return user_text(text)


def sponsor_shortfall(have: int, need: int, distinct: bool) -> str:
    """What the sponsor rule still lacks, in words."""
    counted = "sponsors from different companies" if distinct else "sponsors"
    return f"the sponsor rule: {have} of {need} {counted} count so far"


def sponsor_verdict(s: Sponsor) -> str:
    if not s.eligible:
        return f"❌ does not count: {user_text(s.reason)}"
    if s.same_company_as:
        return f"➖ holds the level, but does not add a company: the same company as @{s.same_company_as}"
    if s.company_unknown:
        return (
            "❔ holds the level, but the company is unknown (none on the public profile), so it is not counted "
            "as a different company; with a company on the profile, `/ladder recheck` reads it again"
        )
    return "✅ counts"


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
        phrases = " or ".join(code(p) for p in rule.get("phrases") or ["+1"])
        texts.append(f"{text}; they reply {phrases} alone on a line")
    return " — or — ".join(texts) + "."


def readiness_body(view: ReadinessView) -> str:
    ev = view.evaluation
    login, level, scope = view.login, level_title(ev), ev["scope"]
    pull = web_url(view.pull_request_url)
    lines: list[str] = []
    if view.status is Status.PROMOTED:
        lines += [f"🎉 @{login} is now **{level}** in `{scope}`. Thank you, and welcome!", ""]
    elif view.status is Status.WITHDRAWN:
        lines += [f"@{login} opted out of nominations (`/ladder optout`), so this issue is closed. `/ladder optin` "
                  "by them opens it again.", ""]  # fmt: skip
    elif view.status is Status.HELD:
        lines += [f"⏸️ On hold by @{view.held_by}. `/ladder unhold` lifts it.", ""]
    if view.below_since and view.status is not Status.PROMOTED:
        lines.append(
            f"⚠️ Since {day(view.below_since)}, @{login} no longer meets every automatic requirement "
            "(see below). The issue stays open; it is up to date again as soon as they do."
        )
        lines.append("")
    lines.append(
        f"@{login} meets every automatic requirement for **{level}** in `{scope}` "
        f"({user_text(ev['ladder'])} ladder), as evaluated on {day(ev['evaluated_at'])}."
        if not view.below_since
        else f"@{login} was ready for **{level}** in `{scope}` ({user_text(ev['ladder'])} ladder)."
    )
    lines += ["", "## Evidence", "", requirements_table(ev), ""]
    todo = still_to_do(ev)
    if todo:
        lines += ["**Not met any more**", *[f"- {t}" for t in todo], ""]
    evidence = evidence_section(ev)
    if evidence:
        lines += [evidence, ""]

    if view.member_level:
        lines += _membership_form(view)

    checklist = ev.get("checklist") or []
    if checklist:
        lines += ["## For mentors to confirm", ""]
        lines += [
            f"- [{'x' if item['id'] in view.ticked else ' '}] {checklist_line(item['text'])}" for item in checklist
        ]
        lines.append("")

    lines += ["## Sponsors", "", _sponsor_rule(ev), ""]
    if view.may_sponsor:
        lines += [f"Who qualifies: {listed(view.may_sponsor)}.", ""]
    if view.sponsors:
        for s in view.sponsors:
            company = f" · {user_text(s.company)} (from the public profile, unverified)" if s.company else ""
            status = sponsor_verdict(s)
            link = f" ({markdown_link('comment', s.url)})" if web_url(s.url) else ""
            lines.append(f"- @{s.login}: {status}{company}{link}")
        lines.append("")
    else:
        lines += ["No sponsor yet.", ""]
    if ev.get("sponsors"):
        short = sponsor_shortfall(view.sponsors_have, view.sponsors_need, view.distinct_companies)
        met = "**Sponsor rule: met.**"
        lines += [met if view.sponsors_met else f"**Sponsor rule: not met yet** ({short.split(': ', 1)[1]}).", ""]

    lines += ["## Next step", ""]
    if view.status is Status.PROMOTED and view.member_level and not pull:
        lines.append(f"Done: @{login} is a member of {view.org}.")
    elif view.status is Status.PROMOTED:
        lines.append(f"Done: the roster change was merged ({pull})." if pull else "Done: the roster change was merged.")
    elif pull:
        lines.append(f"The roster pull request is open: {pull} — approvers review and merge it.")
    elif view.not_member_yet:
        lines.append(
            f"@{login} is not a member of the {view.org} organisation yet. Prow ignores OWNERS entries "
            "of non-members, so the pull request waits until they are one."
        )
    elif view.membership_hidden:
        lines.append(
            f"Approved by @{view.approved_by}. GitHub does not show the App whether @{login} is a member of "
            f"{view.org}, so no pull request was opened: an org admin checks, then comments `/ladder recheck`."
        )
    elif view.roster_note:
        lines.append(f"Approved by @{view.approved_by}. {view.roster_note}")
    elif view.status is Status.APPROVED:
        lines.append(f"Approved by @{view.approved_by}: Ladder is opening the roster pull request.")
    else:
        who = listed(view.approvers) or "an approver of the scope"
        after = _after_approval(view)
        lines.append(
            f"When the checklist and sponsors are done, {who} (or a cohort mentor who holds at least "
            f"{level.lower()}) comments `/ladder approve`"
            + (f". {after}" if after else f", and Ladder opens the pull request that adds @{login} to the roster.")
        )
    lines += [
        "",
        "<sub>Commands: `/ladder approve` · `/ladder hold` · `/ladder unhold` · `/ladder recheck` · "
        "`+1` or `/sponsor` to sponsor · `/ladder help` for all. Opened by Ladder.</sub>",
    ]
    return "\n".join(lines)


def _after_approval(view: ReadinessView) -> str | None:
    """What an approval then does, in words: never a pull request Ladder will not open."""
    login = view.login
    if view.member_level and not view.peribolos:
        return invitation(login, view.org)
    if view.owners_pr == "never":
        return (
            f"With `owners_pr: never` Ladder opens no pull request: an approver adds @{login} to the roster, and "
            "the push that does it promotes them."
        )
    if view.member_level:
        return f"Ladder then opens the pull request that adds @{login} to {view.peribolos}."
    if view.roster_kind == "codeowners":
        return (
            f"Ladder then opens the pull request that adds @{login} to the scope's CODEOWNERS line, or, where only "
            "a team owns that line or the file is generated, says here who makes the change."
        )
    return None


# kubernetes/org .github/ISSUE_TEMPLATE/membership.yml: the three checkboxes about sponsors (the other four,
# guidelines, 2FA, dev@ and active contribution, are the member level's checklist, ticked by people).
TWO_SPONSORS = "I have two sponsors that meet the sponsor requirements listed in the community membership guidelines"
DIFFERENT_COMPANIES = "My sponsors are from different member companies"
SPONSORS_HOLD = "My sponsors are reviewers or approvers in at least one OWNERS file"


def _membership_form(view: ReadinessView) -> list[str]:
    """The fields of kubernetes/org's membership request form (.github/ISSUE_TEMPLATE/membership.yml)."""
    ev = view.evaluation
    eligible = [s for s in view.sponsors if s.eligible and not s.same_company_as and not s.company_unknown]
    sponsor = lambda i: f"@{eligible[i].login}" if len(eligible) > i else "_(waiting)_"  # noqa: E731
    urls: list[str] = []
    for req in ev["requirements"].get("children", []) or [ev["requirements"]]:
        for item in (req.get("evidence") or [])[:10]:
            url = web_url(item.get("url"))
            if url and url not in urls:
                urls.append(url)
    contributions = [f"  - {url}" for url in urls]
    return [
        "## Membership request",
        "",
        f"- **GitHub handle:** @{view.login}",
        f"- **Organization(s):** {view.org or ev['scope'].split('/')[0]}",
        f"- **Sponsor 1:** {sponsor(0)}",
        f"- **Sponsor 2:** {sponsor(1)}",
        "- **List of contributions to the project:**",
        *(contributions or ["  - _(see Evidence above)_"]),
        "",
        "The form's sponsor boxes, ticked by Ladder from the sponsors below (the sponsor rule):",
        "",
        *[
            f"- [{'x' if done else ' '}] {box}"
            for box, done in (
                (TWO_SPONSORS, view.sponsors_met),
                (DIFFERENT_COMPANIES, view.sponsors_met),
                (SPONSORS_HOLD, len([s for s in view.sponsors if s.eligible]) >= max(view.sponsors_need, 1)),
            )
        ],
        "",
    ]
