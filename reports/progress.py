"""The progress comment a mentee reads (and the answer to `/ladder status`)."""

from __future__ import annotations

from reports.markdown import day, evidence_section, requirements_table, still_to_do

STATE_WORDS = {
    "working": "Working toward it",
    "ready": "Ready: every automatic requirement is met",
    "approved": "Approved: the roster pull request is on its way",
    "promoted": "Promoted",
}


def level_title(evaluation: dict) -> str:
    return evaluation["level"].replace("_", " ").capitalize()


def progress_markdown(evaluation: dict, *, cohort: dict | None = None, readiness_url: str | None = None) -> str:
    """Markdown for one person's progress toward one level (the outbox adds its hidden marker)."""
    login = evaluation["login"]
    lines = []
    lines.append(f"### @{login} → {level_title(evaluation)} in `{evaluation['scope']}`")
    state = evaluation["state"]
    summary = f"**{STATE_WORDS.get(state, state)}.**"
    if cohort:
        summary += f" Cohort **{cohort['name']}**, {day(cohort.get('start'))} to {day(cohort.get('end'))}."
    lines += [summary, "", requirements_table(evaluation), ""]
    todo = still_to_do(evaluation)
    if todo:
        lines.append("**Still to do**")
        lines += [f"- {sentence}" for sentence in todo]
        lines.append("")
    elif state == "ready":
        lines.append(
            "Every automatic requirement is met. Mentors now check the rest"
            + (f" on the [readiness issue]({readiness_url})." if readiness_url else ".")
        )
        lines.append("")
    people_items = [c["text"] for c in evaluation.get("checklist") or []]
    if people_items and state == "working":
        lines.append("Also asked, for mentors to confirm: " + "; ".join(people_items) + ".")
        lines.append("")
    evidence = evidence_section(evaluation)
    if evidence:
        lines += [evidence, ""]
    lines.append(
        f"<sub>Ladder · {evaluation['ladder']} ladder · updated {day(evaluation['evaluated_at'])} · "
        "comment `/ladder status` anywhere for a fresh copy</sub>"
    )
    return "\n".join(lines)
