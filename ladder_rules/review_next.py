"""What to review next: open pull requests that would count toward a person's next unmet requirement.

The requirement is the first count requirement of the level, in the ladder's order, that is not met yet
and that reviewing moves (reviewed PRs, primary reviews, reviewed-or-merged, `/lgtm`, `/approve`, PR
comments, contributions). A pull request is suggested when it is open, in the requirement's scope, not the
person's own, not reviewed by them yet (no review, inline comment, `/lgtm` or `/approve` of theirs), and
substantial when the requirement asks for substantial PRs; for primary reviews, nobody may have given
the first `/lgtm` yet. Fewest reviewers first, then the oldest.

Pure: the service passes the open pull requests the ledger holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from ladder_rules.definitions import Definitions
from ladder_rules.evaluate import level_scope
from ladder_rules.facts import APPROVE, LGTM, REVIEW, PullRequestFacts, Scope
from ladder_rules.format import Count, Group, Ladder

LIMIT = 5
REVIEW_METRICS = {
    "reviewed_prs": "reviewed PRs",
    "primary_reviews": "primary reviews",
    "reviewed_or_merged": "PRs reviewed or merged",
    "lgtms": "/lgtm",
    "approves": "/approve",
    "comments": "comments",
    "contributions": "contributions",
}


@dataclass(frozen=True)
class Need:
    """The requirement a review would move: its name, how far along, and what counts."""

    name: str
    metric: str
    have: int
    need: int
    substantial: bool
    scope: Scope


@dataclass(frozen=True)
class Suggestion:
    pull: PullRequestFacts
    title: str  # user text
    reviewers: int  # people other than the author who reviewed it so far
    reason: str


def _counts(group: Group) -> Iterator[Count]:
    for child in group.children:
        if isinstance(child, Count):
            yield child
        elif isinstance(child, Group):
            yield from _counts(child)


def _results(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("children") or ():
        yield from _results(child)


def next_need(ladder: Ladder, evaluation: dict) -> Need | None:
    """The first unmet count requirement of the evaluation's level that reviewing moves, or None."""
    level = ladder.level(evaluation["level"])
    org, _, rest = evaluation["scope"].partition("/")
    repo, _, path = rest.partition("/")
    scope = level_scope(level, Scope(org, repo or None, path or None))
    results = {r["name"]: r for r in _results(evaluation["requirements"]) if r.get("kind") == "count"}
    for count in _counts(level.requires):
        result = results.get(count.name or count.metric)
        if result is None or result.get("met") or count.metric not in REVIEW_METRICS:
            continue
        where = scope
        if count.scope == "org":
            where = Scope(scope.org)
        elif count.scope == "repository":
            where = Scope(scope.org, scope.repo)
        return Need(
            count.name or count.metric,
            count.metric,
            result.get("have") or 0,
            result.get("need") or count.at_least,
            count.substantial,
            where,
        )
    return None


def _in_scope(pr: PullRequestFacts, scope: Scope, definitions: Definitions) -> bool:
    if not scope.path:
        return scope.contains(pr.repo)
    if pr.paths is None:
        return definitions.count_prs_with_unknown_paths and scope.contains(pr.repo)
    return any(scope.contains(pr.repo, p) for p in pr.paths)


def _reviewers(pr: PullRequestFacts, definitions: Definitions) -> set[int]:
    kinds = definitions.review_signal_kinds
    return {s.person_id for s in pr.signals if s.kind in kinds and s.person_id != pr.author_id}


def _has_first_lgtm(pr: PullRequestFacts) -> bool:
    return any(
        s.person_id != pr.author_id and (s.kind == LGTM or (s.kind == REVIEW and s.state == "APPROVED"))
        for s in pr.signals
    )


def suggest(
    pulls: Iterable[tuple[PullRequestFacts, str]],
    person_id: int,
    need: Need,
    definitions: Definitions,
    *,
    limit: int = LIMIT,
    skip: Iterable[tuple[str, int]] = (),
) -> list[Suggestion]:
    """Up to `limit` open pull requests (facts, title) that would count toward `need`; `skip`: (repo,
    number) already listed (a mentor's pins)."""
    skipped = {(r.lower(), n) for r, n in skip}
    found = []
    for pr, title in pulls:
        if pr.merged_at is not None or pr.author_id == person_id or (pr.repo.lower(), pr.number) in skipped:
            continue
        if need.substantial and not definitions.is_substantial(pr):
            continue
        if not _in_scope(pr, need.scope, definitions):
            continue
        reviewers = _reviewers(pr, definitions)
        kinds = (*definitions.review_signal_kinds, APPROVE)
        if person_id in reviewers or any(s.person_id == person_id and s.kind in kinds for s in pr.signals):
            continue
        if need.metric == "primary_reviews" and _has_first_lgtm(pr):
            continue
        found.append((len(reviewers), pr.created_at, pr.repo.lower(), pr.number, pr, title))
    found.sort(key=lambda x: x[:4])
    return [Suggestion(pr, title, n, reason(need, pr, n)) for n, _, _, _, pr, title in found[:limit]]


def reason(need: Need, pr: PullRequestFacts, reviewers: int) -> str:
    """Why this pull request: the requirement it counts toward, and what makes it a good one now."""
    progress = f"{need.have} of {need.need} {REVIEW_METRICS[need.metric]}"
    why = "no review yet" if reviewers == 0 else f"{reviewers} reviewer{'s' if reviewers != 1 else ''} so far"
    if need.metric == "primary_reviews":
        why += ", and nobody has given the first /lgtm: yours would be the primary review"
    size = pr.additions + pr.deletions
    extra = f", {size} lines (substantial)" if need.substantial else ""
    return f"counts toward {progress}: {why}{extra}; open since {_day(pr.created_at)}"


def _day(at: datetime) -> str:
    return at.date().isoformat()
