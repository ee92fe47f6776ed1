"""The way down, as rules: whether someone who holds a level still meets what staying asks.

A level may ask two things of those who hold it (ladder_rules/format.py): `stay`, yearly minimums
(Kubernetes: 10 contributions or 10 PR comments in 12 months), and `inactivity`, a time after which
someone with no counted activity at all is removed or moved to emeritus (Tekton: 4 months). A holder is
*below* when either is not met. `check_stay` says so, with what was counted, for the notice's words.

"Counted activity for staying" is one definition, `counted_activity`: the level's inactivity metric
(default `contributions`: PRs opened, reviews, PR comments, issues, other comments) in the level's scope.
The service cancels a notice with it and the cohort report's retention counts it, so "still active"
means the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ladder_rules.evaluate import RequirementResult, add_months, evaluate_stay, inactive_since, level_scope
from ladder_rules.facts import Scope
from ladder_rules.format import Ladder, Level
from ladder_rules.metrics import Evidence, MetricsIndex

STAYING_METRIC = "contributions"
DEFAULT_WINDOW_MONTHS = 12


def staying_metric(level: Level | None) -> str:
    return level.inactivity.metric if level is not None and level.inactivity is not None else STAYING_METRIC


def counted_activity(
    index: MetricsIndex, person_id: int, scope: Scope, start: datetime | None, end: datetime, level: Level | None = None
) -> list[Evidence]:
    """Every act that counts toward staying, in `scope`, within [start, end] (oldest first)."""
    _, items = index.count(
        person_id, staying_metric(level), scope, None if start is None else start.timestamp(), end.timestamp()
    )
    return items


def last_counted_activity(
    index: MetricsIndex, person_id: int, scope: Scope, until: datetime, level: Level | None = None
) -> datetime | None:
    items = counted_activity(index, person_id, scope, None, until, level)
    return items[-1][2] if items else None


def has_rules(level: Level) -> bool:
    return level.stay is not None or level.inactivity is not None


def window_months(level: Level) -> int:
    return level.inactivity.months if level.inactivity is not None else DEFAULT_WINDOW_MONTHS


def action(level: Level) -> str:
    """`emeritus` or `remove`: what the way down does for this level."""
    if level.inactivity is not None:
        return level.inactivity.action
    return "emeritus" if level.roster is not None and level.roster.list == "approvers" else "remove"


@dataclass(frozen=True)
class StayCheck:
    level: str
    scope: Scope  # the level's own scope (a repository level over a folder is checked at the repository)
    below: bool
    action: str  # emeritus | remove
    window_months: int
    counted: int  # counted activity within the window
    last_activity: datetime | None
    inactive_since: datetime | None  # set when the inactivity rule is not met
    lines: tuple[str, ...] = ()  # what was counted, one sentence each
    evidence: tuple[Evidence, ...] = field(default=(), compare=False)  # the latest counted items (at most 5)


def _minimum_lines(result: RequirementResult) -> list[str]:
    if result.children and result.kind in ("all", "any", "at_least"):
        words = {"all": "all of", "any": "one of", "at_least": f"at least {result.need} of"}[result.kind]
        inner = [line for child in result.children for line in _minimum_lines(child)]
        if len(inner) == 1:
            return inner
        return [f"{words}: " + "; ".join(inner)]
    return [f"{result.description}: {result.have} of {result.need}"]


def check_stay(
    index: MetricsIndex, ladder: Ladder, person_id: int, level: str, scope: Scope, now: datetime
) -> StayCheck | None:
    """Whether the holder of `level` over `scope` still meets its staying rules as of `now` (None: the
    level has none, so nobody is ever below it)."""
    lvl = ladder.level(level)
    if not has_rules(lvl):
        return None
    cut = level_scope(lvl, scope)
    months = window_months(lvl)
    window = counted_activity(index, person_id, cut, add_months(now, -months), now, lvl)
    last = last_counted_activity(index, person_id, cut, now, lvl)
    lines: list[str] = []
    below = False
    minimums = evaluate_stay(index, ladder, person_id, level, scope, now)
    if minimums is not None:
        lines += _minimum_lines(minimums)
        below = below or minimums.met is False
    since = inactive_since(index, ladder, person_id, level, scope, now)
    if lvl.inactivity is not None:
        lines.append(f"{staying_metric(lvl)} in the last {months} months: {len(window)} (at least 1 needed)")
        below = below or since is not None
    return StayCheck(
        level=level,
        scope=cut,
        below=below,
        action=action(lvl),
        window_months=months,
        counted=len(window),
        last_activity=last,
        inactive_since=since,
        lines=tuple(lines),
        evidence=tuple(window[-5:]),
    )
