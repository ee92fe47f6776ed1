"""The progress comment a mentee reads in the cohort's tracking issue, and the answer to `/ladder status`.

Only words here: what to say comes as values (app/promotion/progress.py and the status command gather
them). People other than the one the text is about are named as code, never @-mentioned; the person is
mentioned only when `mention` says so (see app/promotion/commands.py's status command).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.markdown import day, evidence_section, level_title, requirements_table, still_to_do
from app.promotion.lifecycle import Status
from app.user_text import markdown_link, user_text
from ladder_rules.evaluate import State

STATE_WORDS = {
    State.WORKING.value: "Working toward it",
    State.READY.value: "Ready: every automatic requirement is met",
    State.APPROVED.value: "Approved: the roster pull request is on its way",
    State.PROMOTED.value: "Promoted",
}
STATUS_WORDS = {
    Status.HELD: "On hold: approval waits until `/ladder unhold`",
    Status.APPROVED: "Approved: the roster pull request is on its way",
    Status.PR_OPENED: "Approved: the roster pull request is open",
    Status.PROMOTED: "Promoted",
    Status.WITHDRAWN: "Not nominated: they opted out (`/ladder optin` undoes it)",
}


@dataclass(frozen=True)
class Promotion:
    """A level the person reached (shown at the top of the comment for the next level)."""

    level: str
    scope: str
    on: str | None
    issue_url: str | None


@dataclass(frozen=True)
class ProgressView:
    evaluation: dict
    login: str  # the person's login now
    mention: bool = True  # `@login` (notifies them) or `login` as code
    cohort: dict | None = None  # name, start, end
    status: Status | None = None  # of the readiness row for this level, when there is one
    readiness_url: str | None = None
    pull_request_url: str | None = None
    promoted: Promotion | None = None  # the latest promotion, when the evaluation is for another level
    review_next: tuple = ()  # app.promotion.review_next.ReviewItem: a mentor's pins, then suggestions
    on_the_way_to: str | None = None  # the cohort's target, when this level is below it (climbed through)


def person(login: str, mention: bool) -> str:
    return f"@{login}" if mention else f"`{login}`"


def review_next_lines(items) -> list[str]:
    """ "What to review next": each pull request or issue linked, its title (escaped) and why."""
    lines = ["**What to review next**"]
    for i in items:
        title = f" {user_text(i.title)}" if i.title else ""
        lines.append(f"- {markdown_link(i.label, i.url)}{title} — {i.reason}")
    return [*lines, ""]


def progress_markdown(view: ProgressView) -> str:
    """Markdown for one person's progress toward one level (the outbox adds its hidden marker)."""
    evaluation = view.evaluation
    lines = [f"### {person(view.login, view.mention)} → {level_title(evaluation)} in `{evaluation['scope']}`"]
    if view.promoted is not None:
        p = view.promoted
        where = f" ({markdown_link('readiness issue', p.issue_url)})" if p.issue_url else ""
        when = f" on {day(p.on)}" if p.on else ""
        lines += [f"🎉 Promoted to **{level_title({'level': p.level})}** in `{p.scope}`{when}{where}.", ""]
    state = evaluation["state"]
    words = STATUS_WORDS.get(view.status) if view.status is not None else None
    summary = f"**{words or STATE_WORDS.get(state, state)}.**"
    if view.cohort:
        c = view.cohort
        summary += f" Cohort **{user_text(c['name'])}**, {day(c.get('start'))} to {day(c.get('end'))}."
    if view.on_the_way_to:
        target = level_title({"level": view.on_the_way_to})
        summary += f" This level is on the way to the cohort's target, **{target}**."
    lines += [summary, "", requirements_table(evaluation), ""]
    todo = still_to_do(evaluation)
    if todo:
        lines.append("**Still to do**")
        lines += [f"- {sentence}" for sentence in todo]
        lines.append("")
    if view.review_next:
        lines += review_next_lines(view.review_next)
    if not todo and state == State.READY.value and view.status in (None, Status.OPEN):
        lines.append(
            "Every automatic requirement is met. Mentors now check the rest"
            + (f" on the {markdown_link('readiness issue', view.readiness_url)}." if view.readiness_url else ".")
        )
        lines.append("")
    links = []
    if view.readiness_url:
        links.append(f"Readiness issue: {view.readiness_url}")
    if view.pull_request_url:
        links.append(f"Roster pull request: {view.pull_request_url}")
    if links:
        lines += [" · ".join(links), ""]
    people_items = [user_text(c["text"]) for c in evaluation.get("checklist") or []]
    if people_items and state == State.WORKING.value:
        lines.append("Also asked, for mentors to confirm: " + "; ".join(people_items) + ".")
        lines.append("")
    evidence = evidence_section(evaluation)
    if evidence:
        lines += [evidence, ""]
    lines.append(
        f"<sub>Ladder · {user_text(evaluation['ladder'])} ladder · updated {day(evaluation['evaluated_at'])} · "
        "comment `/ladder status` anywhere for a fresh copy</sub>"
    )
    return "\n".join(lines)
