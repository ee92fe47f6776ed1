"""Proposing a mentor for each mentee of a cohort: a minimum-cost assignment, never greedy first-fit.

Where people work is counted from their activity in a window (six months by default): each pull request
they authored or reviewed (a review, an inline comment, `/lgtm` or `/approve`) adds one to its repository
and to the OWNERS folder that owns each changed file (the deepest folder with an OWNERS file that Ladder
knows, else the repository's root). A mentor and a mentee share a place when both have activity there;
the pair's score is, over the places they share, the smaller of their two counts — three times for an
OWNERS folder, once for a repository — so "reviews where the mentee works" weighs most.

Each mentor offers `per_mentor` slots. The assignment of mentees to slots that maximises the total score is
found with the Hungarian method (Kuhn–Munkres, O(n²m)) on the mentee × slot cost matrix; a mentor's k-th
slot costs a little more than their first, so among plans of equal score the mentees are spread over the
mentors. A mentee is left without a mentor only when there are fewer slots than mentees.

Pure: no database, no network; the service reads the facts and prints what this proposes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ladder_rules.facts import APPROVE, LGTM, REVIEW, REVIEW_COMMENT, PullRequestFacts

FOLDER_WEIGHT = 3  # a shared OWNERS folder counts three times a shared repository
REVIEW_KINDS = (REVIEW, REVIEW_COMMENT, LGTM, APPROVE)


@dataclass(frozen=True)
class Place:
    """A repository (path None) or an OWNERS folder of one ("" is the repository's root OWNERS)."""

    repo: str
    path: str | None = None

    def __str__(self) -> str:
        if self.path is None:
            return self.repo
        return f"{self.repo}/{self.path}" if self.path else f"{self.repo} (root OWNERS)"


@dataclass(frozen=True)
class Activity:
    """How many pull requests a person worked on per place."""

    places: Mapping[Place, int] = field(default_factory=dict)


def owners_folder(path: str, folders: Iterable[str]) -> str:
    """The deepest of `folders` (paths without slashes at the ends, "" the root) that contains `path`."""
    best = ""
    for folder in folders:
        if folder and (path == folder or path.startswith(folder + "/")) and len(folder) > len(best):
            best = folder
    return best


def activity_of(
    pull_requests: Iterable[PullRequestFacts],
    since: datetime,
    owners_folders: Mapping[str, Sequence[str]],
    *,
    reviews_only: bool = False,
) -> dict[int, Activity]:
    """{person id: where they worked since `since`}: PRs reviewed (a review, an inline comment, `/lgtm` or
    `/approve` since then) and, unless `reviews_only` (how mentors are counted), PRs authored (opened since
    then). `owners_folders`: {lower-cased owner/name: folders with an OWNERS file}."""
    counts: dict[int, Counter] = {}
    for pr in pull_requests:
        people: set[int] = set()
        if not reviews_only and pr.author_id is not None and pr.created_at >= since:
            people.add(pr.author_id)
        people.update(
            s.person_id for s in pr.signals if s.kind in REVIEW_KINDS and s.at >= since and s.person_id != pr.author_id
        )
        if not people:
            continue
        repo = pr.repo
        places = {Place(repo)}
        folders = owners_folders.get(repo.lower(), ())
        for path in pr.paths or ():
            places.add(Place(repo, owners_folder(path, folders)))
        for person in people:
            counts.setdefault(person, Counter()).update(places)
    return {person: Activity(dict(c)) for person, c in counts.items()}


@dataclass(frozen=True)
class Shared:
    place: Place
    mentor: int  # the mentor's pull requests there
    mentee: int  # the mentee's


def shared_places(mentor: Activity, mentee: Activity) -> list[Shared]:
    """The places both worked in, folders first, most shared first."""
    out = [Shared(p, n, mentee.places[p]) for p, n in mentor.places.items() if mentee.places.get(p)]
    out.sort(key=lambda s: (s.place.path is None, -min(s.mentor, s.mentee), str(s.place)))
    return out


def score(mentor: Activity, mentee: Activity) -> int:
    return sum(
        min(s.mentor, s.mentee) * (1 if s.place.path is None else FOLDER_WEIGHT) for s in shared_places(mentor, mentee)
    )


# --- the assignment ----------------------------------------------------------------------------------


def hungarian(cost: Sequence[Sequence[int]]) -> list[int]:
    """For a rows × columns cost matrix with rows ≤ columns: the column of each row in an assignment of
    minimum total cost (each column used at most once). Kuhn–Munkres with potentials."""
    n = len(cost)
    if n == 0:
        return []
    m = len(cost[0])
    if m < n:
        raise ValueError("hungarian: more rows than columns")
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    p = [0] * (m + 1)  # p[j]: the row (1-based) assigned to column j, 0 for none
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    out = [0] * n
    for j in range(1, m + 1):
        if p[j]:
            out[p[j] - 1] = j - 1
    return out


@dataclass(frozen=True)
class Proposal:
    mentee: int
    mentor: int | None  # None: no mentor had a free slot
    score: int
    shared: tuple[Shared, ...]


def plan(
    mentees: Sequence[int],
    mentors: Sequence[int],
    per_mentor: int,
    activity: Mapping[int, Activity],
    mentor_activity: Mapping[int, Activity] | None = None,
) -> list[Proposal]:
    """A mentor for each mentee (in the order given), at most `per_mentor` each, maximising the total
    score; mentees beyond the slots get None (the lowest-scoring ones are left out). `mentor_activity`:
    where the mentors review (default: `activity`)."""
    empty = Activity()
    mentor_activity = activity if mentor_activity is None else mentor_activity
    slots = [(mentor, k) for mentor in mentors for k in range(per_mentor)]
    scores = {(e, m): score(mentor_activity.get(m, empty), activity.get(e, empty)) for e in mentees for m in mentors}
    # Columns: every slot, then one "no mentor" column per mentee, so rows ≤ columns always holds and a
    # mentee is left out only when the slots run out. Scores are scaled so the spreading penalty (the slot's
    # rank) never outweighs one point of score.
    scale = len(slots) + 2
    cost = []
    for e in mentees:
        row = [-scores[(e, m)] * scale + k for m, k in slots]
        row += [scale] * len(mentees)  # above any slot's cost: a slot is always better than none
        cost.append(row)
    chosen = hungarian(cost)
    out = []
    for e, column in zip(mentees, chosen):
        if column < len(slots):
            mentor = slots[column][0]
            out.append(
                Proposal(
                    e,
                    mentor,
                    scores[(e, mentor)],
                    tuple(shared_places(mentor_activity.get(mentor, empty), activity.get(e, empty))),
                )
            )
        else:
            out.append(Proposal(e, None, 0, ()))
    return out


def total(proposals: Iterable[Proposal]) -> int:
    return sum(p.score for p in proposals)
