"""Everyone is evaluated: for each person with counted activity, their next level and where.

PRODUCT.md §5 "Who is nominated": the next level is the one above the highest the person holds anywhere in
the organisation. An organisation-wide level (member) is evaluated in the organisation. For a level held
in an OWNERS folder the scope is the most specific OWNERS folder in which every automatic requirement is
met, never one where the person already holds the level; while no folder meets them, the OWNERS folder
holding most of their counted pull requests (the one they are working toward).

Why a search over the folder tree rather than one evaluation per folder: 10,000 people × 300 folders is
three million evaluations. Every count a requirement makes in a folder is a subset of what it counts in
the folder's parent (a pull request touching `pkg/a/b` touches `pkg/a`), and "contributing since" starts
no later in the parent, so a person who is not ready in a folder is not ready in any folder below it —
unless they hold a level somewhere below (tenure at a level and "since promotion" windows depend on
holdings). So the search starts at the organisation and at each of the person's holdings, and goes down
only from where they are ready: a person who is working costs two evaluations (the organisation, then the
folder holding most of their pull requests), one who is ready a few more. Nor does it enter a folder holding
fewer of the person's pull requests than the level needs (`pr_floor`: Kubernetes' reviewer needs 20 PRs in
the folder, so a busy contributor's many small folders are never evaluated); results are the same.

Pure: no I/O. Bots (a login ending in `[bot]`) are never evaluated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import chain

from ladder_rules.evaluate import Evaluation, State, evaluate, holds
from ladder_rules.facts import Holding, Person, Scope
from ladder_rules.format import Count, Group, Ladder, Requirement
from ladder_rules.matching import owners_folder
from ladder_rules.metrics import N_SERIES, REPO_SERIES, MetricsIndex, gc_paused

PR_SERIES = tuple(code for code in range(N_SERIES) if code not in REPO_SERIES)


def is_bot(login: str) -> bool:
    """GitHub Apps act as `name[bot]`; they are never evaluated (nor nominated)."""
    return login.lower().endswith("[bot]")


def level_anywhere(ladder: Ladder, holdings: Sequence[Holding]) -> str | None:
    """The level above the highest the person holds anywhere (None: at the top of the ladder)."""
    top = max((ladder.rank(h.level) for h in holdings), default=-1)
    return ladder.levels[top + 1].name if top + 1 < len(ladder.levels) else None


class Folders:
    """The organisation's OWNERS folders as a tree: {lower-cased owner/name: folders ("" the root)}.

    A repository with folders but no root OWNERS file still has its root as a node (it is where the
    search passes through), but only folders with an OWNERS file are ever chosen as a scope."""

    def __init__(self, org: str, by_repo: Mapping[str, Sequence[str]]) -> None:
        self.org = org
        self.by_repo = {repo.lower(): tuple(sorted(set(folders))) for repo, folders in by_repo.items()}
        self._pr_places: dict[int, tuple[Scope, ...]] = {}
        self._children: dict[Scope, list[Scope]] = {}  # the tree does not change while this object lives
        self._owners: dict[str, frozenset[Scope]] = {}  # repository name -> its OWNERS folders as scopes
        self._path_place: dict[tuple[str, str], Scope | None] = {}  # (repository name, file) -> its folder

    def is_owners(self, scope: Scope) -> bool:
        if scope.repo is None:
            return False
        return (scope.path or "") in self.by_repo.get(f"{scope.org}/{scope.repo}".lower(), ())

    def children(self, scope: Scope) -> list[Scope]:
        """The folders right below `scope` (the repositories below the organisation)."""
        found = self._children.get(scope)
        if found is None:
            found = self._children[scope] = self._find_children(scope)
        return found

    def _find_children(self, scope: Scope) -> list[Scope]:
        if scope.repo is None:
            return [Scope(self.org, repo.split("/", 1)[1]) for repo in sorted(self.by_repo)]
        folders = self.by_repo.get(f"{scope.org}/{scope.repo}".lower(), ())
        here = scope.path or ""
        below = [f for f in folders if f and (not here or f.startswith(here + "/")) and f != here]
        # the nearest: those with no other folder of `below` between them and `here`
        return [
            Scope(scope.org, scope.repo, f) for f in below if not any(o != f and f.startswith(o + "/") for o in below)
        ]

    def places_of_pull_request(self, index: MetricsIndex, idx: int) -> tuple[Scope, ...]:
        """The OWNERS folders holding pull request `idx` (the deepest one over each changed file)."""
        found = self._pr_places.get(idx)
        if found is None:
            pr = index.prs[idx]
            folders = self.by_repo.get(pr.repo.lower(), ())
            name = pr.repo.split("/", 1)[1]
            if not folders:
                found = ()
            elif not pr.paths:
                found = (Scope(self.org, name),) if "" in folders else ()
            else:
                owners, cache = self._all(name), self._path_place
                places = set()
                for path in pr.paths:
                    place = cache.get((name, path), False)
                    if place is False:
                        place = Scope(self.org, name, owners_folder(path, folders) or None)
                        place = cache[(name, path)] = place if place in owners else None
                    if place is not None:
                        places.add(place)
                found = tuple(places)
            self._pr_places[idx] = found
        return found

    def _all(self, repo: str) -> frozenset[Scope]:
        found = self._owners.get(repo)
        if found is None:
            folders = self.by_repo.get(f"{self.org}/{repo}".lower(), ())
            found = self._owners[repo] = frozenset(Scope(self.org, repo, f or None) for f in folders)
        return found

    def forget(self, idx: int) -> None:
        """A pull request changed (its files may have): its places are found again."""
        self._pr_places.pop(idx, None)


def places(index: MetricsIndex, person_id: int, folders: Folders) -> Counter[Scope]:
    """{OWNERS folder: how many of the person's counted pull requests (opened, merged, reviewed, commented
    on) it holds}."""
    per = index.series.get(person_id)
    if per is None:
        return Counter()
    prs: set[int] = set()
    for code in PR_SERIES:
        series = per[code]
        if series is not None:
            prs.update(series.key)
    known = folders._pr_places
    for idx in prs:
        if idx not in known:
            folders.places_of_pull_request(index, idx)
    return Counter(chain.from_iterable(map(known.__getitem__, prs)))  # counted in C


def working_toward(counted: Counter[Scope], held: Sequence[Holding], ladder: Ladder, level: str) -> Scope | None:
    """The OWNERS folder holding most of the person's counted pull requests where they do not hold `level`
    (ties: the more specific, then A to Z)."""
    best = [s for s, _ in counted.items() if not holds(ladder, held, level, s)]
    if not best:
        return None
    return min(best, key=lambda s: (-counted[s], -len(s.path or ""), str(s).lower()))


def _above(places: Counter[Scope]) -> Counter[tuple[str, str]]:
    """{(lower-cased repository, folder): how many of the person's counted pull requests lie in the OWNERS
    folders at or below it} for every folder that is one of `places` or above one ("" the root): one lookup
    tells whether a folder is worth searching. A pull request in two folders counts in both (an upper bound)."""
    out: Counter[tuple[str, str]] = Counter()
    for place, n in places.items():
        if place.repo is None:
            continue
        repo = place.repo.lower()
        out[(repo, "")] += n
        parts = (place.path or "").split("/") if place.path else []
        for k in range(1, len(parts) + 1):
            out[(repo, "/".join(parts[:k]))] += n
    return out


def _worth(scope: Scope, above: Counter[tuple[str, str]], floor: int = 1) -> bool:
    """At least `floor` of the person's counted pull requests lie in `scope` or below it."""
    return scope.repo is None or above.get((scope.repo.lower(), scope.path or ""), 0) >= floor


# Metrics that count a pull request at most once (its opening, its merge, one review of it, its first /lgtm).
_ONCE_PER_PR = frozenset(
    {"merged_prs", "authored_prs", "reviewed_prs", "primary_reviews", "reviewed_or_merged", "lgtms", "approves"}
)


def pr_floor(req: Requirement) -> int:
    """The fewest of the person's pull requests an OWNERS folder must hold for `req` to be met there, as a
    bound that prunes the search: a count, over the evaluated scope, of a metric that counts a pull request
    at most once needs `at_least` of them; all of a group needs its largest, any of it its smallest; other
    requirements (tenure, sponsors, comments, issues, wider scopes) need none."""
    if isinstance(req, Count):
        return req.at_least if req.scope == "level" and req.metric in _ONCE_PER_PR else 0
    if isinstance(req, Group):
        floors = [pr_floor(c) for c in req.children]
        if not floors:
            return 0
        return max(floors) if req.mode == "all" else min(floors)
    return 0


def evaluate_person(
    index: MetricsIndex, ladder: Ladder, person_id: int, folders: Folders, now: datetime
) -> Evaluation | None:
    """The person's evaluation for their next level, in the scope chosen as the module says (None: a bot,
    unknown, or at the top of the ladder)."""
    person = index.people.get(person_id)
    # Not among the people: the facts leave bots out (an App's pull requests still have its id as author:
    # Ladder's own OWNERS pull requests), and an account with no login is no one to nominate.
    if person is None or is_bot(person.login):
        return None
    level_name = level_anywhere(ladder, person.holdings)
    if level_name is None:
        return None
    level = ladder.level(level_name)
    org = Scope(folders.org)
    if level.scope == "org":
        return evaluate(index, ladder, person_id, level_name, org, now)
    with index.focus(person_id):
        return _search(index, ladder, person, level_name, folders, now)


def _search(
    index: MetricsIndex, ladder: Ladder, person: Person, level_name: str, folders: Folders, now: datetime
) -> Evaluation:
    """The scope search of `evaluate_person` for a level held in a folder or a repository."""
    person_id, level, org = person.id, ladder.level(level_name), Scope(folders.org)
    counted = places(index, person_id, folders)
    above = _above(counted)
    floor = max(1, pr_floor(level.requires)) if level.scope == "path" else 1
    best: Evaluation | None = None
    seen: set[Scope] = set()
    starts = [org] + [h.scope for h in person.holdings if h.scope.repo is not None]
    for start in starts:
        stack = [start]
        while stack:
            scope = stack.pop()
            if scope in seen:
                continue
            seen.add(scope)
            if holds(ladder, person.holdings, level_name, scope):
                continue  # held here, and so in every folder below
            result = None
            if scope.repo is None or folders.is_owners(scope) or level.scope == "repository" or scope == start:
                # the search needs states only: no evidence lists until the chosen scope (below)
                result = evaluate(index, ladder, person_id, level_name, scope, now, evidence=False)
                if result.state is State.WORKING:
                    continue  # nor below (see the module's docstring)
                if folders.is_owners(scope) and (best is None or _deeper(scope, best.scope)):
                    best, best_at = result, scope
            if level.scope == "repository" and scope.repo is not None:
                continue
            stack += [c for c in folders.children(scope) if _worth(c, above, floor)]
    if best is not None:
        return evaluate(index, ladder, person_id, level_name, best_at, now)
    toward = working_toward(counted, person.holdings, ladder, level_name)
    return evaluate(index, ladder, person_id, level_name, toward or org, now)


def _deeper(a: Scope, b: Scope) -> bool:
    return (a.repo is not None, len((a.path or "").split("/")) if a.path else 0) > (
        b.repo is not None,
        len((b.path or "").split("/")) if b.path else 0,
    )


def evaluate_everyone(
    index: MetricsIndex,
    ladder: Ladder,
    folders: Folders,
    now: datetime,
    people: Sequence[int] | None = None,
) -> dict[int, Evaluation]:
    """Everyone's (or `people`'s) evaluation for their next level, where the module says; bots and people
    at the top are left out."""
    out = {}
    with gc_paused():
        for pid in index.people if people is None else people:
            result = evaluate_person(index, ladder, pid, folders, now)
            if result is not None:
                out[pid] = result
    return out
