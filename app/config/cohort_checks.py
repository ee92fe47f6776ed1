"""Is a cohort one that can work? The checks of PRODUCT.md §5 ("Validation"), as located problems.

Two kinds, both pure:
- `shape_problems`: what the file alone tells — more than 10 mentees, more than `mentees_per_mentor` + 1
  mentees per mentor, a term shorter than 1 month or longer than 6. `ladder.yml`'s reader calls it.
- `cohort_role_problems`: what needs the rosters — a mentor who does not hold the target level in the
  cohort's scope, a mentee who already holds it. The service calls it when it loads a configuration,
  `ladder check-config PATH --database DB` with the holdings stored there.

All of them are warnings: the cohort still runs (the guidance is the Kubernetes group-mentoring program's,
DOMAIN.md §1), and the organisers see each problem at its line. What makes a cohort unusable (no mentees,
an end before the start, a mentor who is also a mentee) is an error of the reader instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from ladder_rules.evaluate import add_months
from ladder_rules.format import Ladder
from ladder_rules.located_yaml import LocatedError

if TYPE_CHECKING:
    from app.config.schema import CohortScope, OrgConfig

MAX_MENTEES = 10  # "cohorts of 8-10" (kubernetes/community group-mentoring.md)
DEFAULT_MENTEES_PER_MENTOR = 3  # "one mentor to three mentees"
MIN_TERM_MONTHS, MAX_TERM_MONTHS = 1, 6  # the programs run 2-3 months; 1 is too short to climb a rung


def _add_months(day: date, months: int) -> date:
    return add_months(datetime(day.year, day.month, day.day), months).date()


def shape_problems(
    filename: str,
    label: str,
    *,
    mentors: int,
    mentees: int,
    mentees_line: int,
    mentees_per_mentor: int,
    capacity: int,
    capacity_line: int | None,
    start: date | None,
    end: date | None,
    end_line: int,
) -> list[LocatedError]:
    """Warnings about a cohort's size, mentor load and term; `label` is e.g. "Cohort `apps-2026`"."""
    out: list[LocatedError] = []

    def warn(line: int, message: str) -> None:
        out.append(LocatedError(filename, line, message, warning=True))

    if mentees > MAX_MENTEES:
        warn(
            mentees_line,
            f"{label} has {mentees} mentees: more than {MAX_MENTEES}, the most one group-mentoring cohort holds; "
            f"split it in two.",
        )
    if mentors and mentees > (mentees_per_mentor + 1) * mentors:
        warn(
            mentees_line,
            f"{label} has {mentees} mentees for {mentors} mentor{'s' if mentors != 1 else ''}: more than "
            f"{mentees_per_mentor + 1} per mentor (`mentees_per_mentor` is {mentees_per_mentor}, and one more "
            f"is tolerated).",
        )
    if capacity_line is not None and capacity > MAX_MENTEES:
        warn(
            capacity_line,
            f"`capacity` of {label[0].lower()}{label[1:]} is {capacity}: sign-ups could take it past {MAX_MENTEES} "
            f"mentees, the most one group-mentoring cohort holds.",
        )
    if capacity_line is not None and mentees > capacity:
        warn(
            capacity_line,
            f"{label} already lists {mentees} mentees, more than its `capacity` of {capacity}: every "
            f"`/ladder enroll` will go to the waitlist.",
        )
    if start is not None and end is not None and end > start:
        if end < _add_months(start, MIN_TERM_MONTHS):
            warn(
                end_line,
                f"{label} runs {(end - start).days} days ({start} to {end}): shorter than {MIN_TERM_MONTHS} month, "
                f"too short to reach a level (the programs run 2-3 months).",
            )
        elif end > _add_months(start, MAX_TERM_MONTHS):
            warn(
                end_line,
                f"{label} runs from {start} to {end}: longer than {MAX_TERM_MONTHS} months (the programs run "
                f"2-3 months, or one release cycle).",
            )
    return out


def cohort_role_problems(
    config: OrgConfig, ladder: Ladder, holds: Callable[[str, str, CohortScope], bool]
) -> list[LocatedError]:
    """Warnings for mentors who do not hold the cohort's target level (or a higher one) in its scope, and
    mentees who already do. `holds(login, level, scope)` answers from the rosters. Cohorts whose target is
    not a level of `ladder` are skipped (that is an error of its own)."""
    out: list[LocatedError] = []
    names = [level.name for level in ladder.levels]
    for cohort in config.cohorts:
        if cohort.target not in names:
            continue
        at_or_above = names[names.index(cohort.target) :]

        def has(login: str) -> bool:
            return any(holds(login, level, cohort.scope) for level in at_or_above)  # noqa: B023

        label = f"cohort `{cohort.name}`"
        for i, mentor in enumerate(cohort.mentors):
            if not has(mentor):
                out.append(
                    LocatedError(
                        cohort.source,
                        _line(cohort.mentor_lines, i, cohort.line),
                        f"`{mentor}`, a mentor of {label}, does not hold `{cohort.target}` (or a higher level) in "
                        f"{cohort.scope}: a mentor should hold the level the mentees work toward.",
                        warning=True,
                    )
                )
        for i, mentee in enumerate(cohort.mentees):
            if has(mentee):
                out.append(
                    LocatedError(
                        cohort.source,
                        _line(cohort.mentee_lines, i, cohort.line),
                        f"`{mentee}`, a mentee of {label}, already holds `{cohort.target}` (or a higher level) in "
                        f"{cohort.scope}: there is nothing left to mentor them toward.",
                        warning=True,
                    )
                )
    return out


def holds_over(org: str, rows: Iterable[tuple[str, str, str]]) -> Callable[[str, str, CohortScope], bool]:
    """`holds(login, level, scope)` for `cohort_role_problems`, over `rows` of (login, level, scope
    "org[/repo[/path]]"): a holding covers its folder and everything under it."""
    held: dict[tuple[str, str], list[str]] = {}
    for login, level, scope in rows:
        held.setdefault((login.lower(), level), []).append(scope.lower())

    def holds(login: str, level: str, scope: CohortScope) -> bool:
        scopes = held.get((login.lower(), level), [])
        if scope.repo is None:  # an org-wide cohort: held anywhere in the organisation
            return bool(scopes)
        want = f"{org}/{scope.repo}".lower() + (f"/{scope.path}".lower() if scope.path else "")
        return any(s == org.lower() or want == s or want.startswith(s + "/") for s in scopes)

    return holds


def _line(lines: tuple[int, ...], i: int, default: int) -> int:
    return lines[i] if i < len(lines) and lines[i] else max(default, 1)
