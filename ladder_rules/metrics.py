"""Per-person activity series, built once from `Facts`, counted by scope and time window.

Layout (chosen for 10,000 people over 1,000,000 rows): pull requests get integer indexes; per-PR flags
(merged, substantial, repository) sit in compact arrays; each person has, per series, three parallel
arrays sorted by time — timestamps, PR indexes (or repository ids), and positions (which signal of the
PR, or which of the person's issues / comments) — so a window is two bisects, a scope is a byte mask
applied in C (`itertools.compress`), and evidence reuses the facts' URLs and datetimes, looked up only
for the items counted."""

from __future__ import annotations

import gc
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import datetime
from itertools import compress, islice
from operator import itemgetter, le

from ladder_rules.definitions import Definitions
from ladder_rules.facts import (
    APPROVE,
    COMMENT,
    LGTM,
    LGTM_CANCEL,
    REVIEW,
    REVIEW_COMMENT,
    Facts,
    Person,
    PullRequestFacts,
    Repository,
    Scope,
)

# Series codes. Each person has up to one series per code.
AUTHORED, MERGED_PRS, REVIEWED, PRIMARY, LGTMS, APPROVES, PR_COMMENTS, ISSUES, OTHER_COMMENTS = range(9)
N_SERIES = 9
REPO_SERIES = (ISSUES, OTHER_COMMENTS)  # keyed on a repository id, from Person.issues / Person.comments
# Evidence kind per series.
KIND = ("opened PR", "merged PR", "reviewed PR", "primary review", "/lgtm", "/approve", "comment", "issue", "comment")
OPENED, MERGED = -1, -2  # `pos` values that point at the PR itself rather than at one of its signals
_NEG_INF = float("-inf")


_DATE = itemgetter(2)  # an Evidence's date, for sorting evidence in C
# The newest counted items a count keeps as its evidence (a comment lists 30 of them and counts the rest;
# the count itself is exact): a busy person's thousands of items are neither built nor stored.
EVIDENCE_KEPT = 50


def metric_parts(metric: str, definitions: Definitions) -> tuple[tuple[int, bool], ...]:
    """The series a ladder metric adds up, each with whether only merged PRs count (the parts are disjoint)."""
    reviewed_merged = definitions.reviewed_requires_merged
    return {
        "merged_prs": ((MERGED_PRS, False),),
        "authored_prs": ((AUTHORED, False),),
        "reviewed_prs": ((REVIEWED, reviewed_merged),),
        "primary_reviews": ((PRIMARY, False),),
        # the person's own merged PRs and the PRs they reviewed: disjoint, as nobody reviews their own PR
        "reviewed_or_merged": ((MERGED_PRS, False), (REVIEWED, reviewed_merged)),
        "lgtms": ((LGTMS, False),),
        "approves": ((APPROVES, False),),
        "issues": ((ISSUES, False),),
        "comments": ((PR_COMMENTS, False), (OTHER_COMMENTS, False)),
        "contributions": (
            (AUTHORED, False),
            (REVIEWED, False),
            (PR_COMMENTS, False),
            (ISSUES, False),
            (OTHER_COMMENTS, False),
        ),
    }[metric]


# One counted item: (kind, url, date) — what it is, its link, and when it happened. A plain tuple, as an
# evaluation of everyone builds millions of them.
Evidence = tuple[str, str, datetime]


class Series:
    """Time-sorted items of one person for one series, as three arrays of numbers: timestamps, keys (PR
    index or repository id) and positions (the signal's place in its PR's `signals`, OPENED / MERGED for the
    PR itself, or the place in the person's `issues` / `comments`).

    Numbers rather than references to the facts: the garbage collector walks every reference a container
    holds, and an index of a million fact references cost a 0.3 s collection after each build (and more in
    every full collection of a running service). Evidence looks the facts up when it is asked for.
    """

    __slots__ = ("ts", "key", "pos")

    def __init__(self, ts: Iterable[float] = (), key: Iterable[int] = (), pos: Iterable[int] = ()) -> None:
        self.ts = array("d", ts)
        self.key = array("l", key)
        self.pos = array("l", pos)

    @classmethod
    def sorted_from(cls, ts: list[float], key: Sequence[int], pos: Sequence[int]) -> Series:
        """From parallel lists in the order the items were made; sorted by time, ties kept in that order."""
        if all(map(le, ts, islice(ts, 1, None))):  # in time order already (checked in C)
            return cls(ts, key, pos)
        order = sorted(range(len(ts)), key=ts.__getitem__)  # stable: ties keep their order
        return cls(map(ts.__getitem__, order), map(key.__getitem__, order), map(pos.__getitem__, order))

    @classmethod
    def from_flat(cls, flat: list) -> Series:
        """From a row list of `new_rows`: [ts, key, pos, ts, key, pos, ...]."""
        return cls.sorted_from(flat[0::3], flat[1::3], flat[2::3])

    def insert(self, ts: float, key: int, pos: int) -> None:
        # ties in time are kept in PR order (then signal order), as a build from scratch leaves them
        i = bisect_left(self.ts, ts)
        while i < len(self.ts) and self.ts[i] == ts and (self.key[i], self.pos[i]) <= (key, pos):
            i += 1
        self.ts.insert(i, ts)
        self.key.insert(i, key)
        self.pos.insert(i, pos)

    def remove(self, ts: float, key: int, pos: int) -> None:
        """Remove the item (`key`, `pos`) at time `ts` (found by bisecting, not by scanning)."""
        i = bisect_left(self.ts, ts)
        while i < len(self.ts) and self.ts[i] == ts:
            if self.key[i] == key and self.pos[i] == pos:
                del self.ts[i], self.key[i], self.pos[i]
                return
            i += 1


def member(mask: bytearray | set[int]):
    """The C-level test "is this index in the mask" (a byte per index, or a set of indexes)."""
    return mask.__contains__ if isinstance(mask, set) else mask.__getitem__


def new_rows() -> list[defaultdict[int, list]]:
    """Rows being collected: per series code, person id -> [ts, key, pos, ts, key, pos, ...]."""
    return [defaultdict(list) for _ in range(N_SERIES)]


def _scope_key(scope: Scope) -> tuple:
    return (scope.org.lower(), scope.repo.lower() if scope.repo else None, scope.path or None)


def _windows(per: list, parts, start: float | None, end: float):
    """(code, part merged, series, first, past-last) of each of a metric's series with items in
    [start, end]: the slice of a person's series that a count walks."""
    for code, part_merged in parts:
        s = per[code]
        if s is None:
            continue
        i0 = 0 if start is None else bisect_left(s.ts, start)
        i1 = bisect_right(s.ts, end)
        if i0 < i1:
            yield code, part_merged, s, i0, i1


class MetricsIndex:
    """All activity, indexed for counting; update it incrementally with `update_pull_request` /
    `update_person`, which return the ids of the people whose numbers may have changed."""

    def __init__(self, definitions: Definitions):
        self.definitions = definitions
        self.people: dict[int, Person] = {}
        self.repositories: dict[str, Repository] = {}
        self.prs: list[PullRequestFacts] = []
        self.pr_signals: list[tuple] = []  # per PR index: its signals (evidence finds a signal in one step)
        self.pr_index: dict[int, int] = {}
        self.pr_repo = array("l")
        self.merged = bytearray()
        self.substantial = bytearray()
        self.repo_ids: dict[str, int] = {}
        self.repo_names: list[str] = []
        self.repo_prs: list[list[int]] = []
        self.lgtm_repo = bytearray()  # per repository id: an APPROVED review counts as /lgtm there
        self.series: dict[int, list[Series | None]] = {}  # person id -> one slot per series code
        self._pr_masks: dict[tuple, bytearray] = {}  # (scope key, substantial, merged) -> byte per PR
        self._repo_masks: dict[tuple, bytearray] = {}  # scope key -> byte per repository
        self._focus: tuple[int, dict[int, list[Series | None]]] | None = None  # see `focus`

    # --- building -------------------------------------------------------------------------------

    def repo_id(self, full_name: str) -> int:
        name = full_name.lower()
        rid = self.repo_ids.get(name)
        if rid is None:
            rid = self.repo_ids[name] = len(self.repo_names)
            self.repo_names.append(name)
            self.repo_prs.append([])
            self.lgtm_repo.append(self.definitions.review_acts_as_lgtm(name, self.repositories.get(name)))
            for key, mask in self._repo_masks.items():
                mask.append(Scope(key[0], key[1]).contains(name))
        return rid

    def _pr_rows(self, prs: Iterable[tuple[int, PullRequestFacts]], rows: list[defaultdict[int, list]]) -> None:
        """Append to `rows` (see `new_rows`) everything these (PR index, PR) pairs count for.

        A full build runs this once over a million rows, so it is one loop in one frame: no call per PR
        or per row, settings read once, each datetime made a timestamp once.
        """
        authored, merged_prs, reviewed, primary, lgtms, approves, pr_comments = rows[: PR_COMMENTS + 1]
        d = self.definitions
        review_kinds = frozenset(d.review_signal_kinds)
        approve_review = d.approved_review_counts_as_approve
        lgtm_repos, pr_repo = self.lgtm_repo, self.pr_repo
        for idx, pr in prs:
            author = pr.author_id
            merged_at = pr.merged_at
            if author is not None:
                authored[author].extend((pr.created_at.timestamp(), idx, OPENED))
                if merged_at is not None:
                    merged_prs[author].extend((merged_at.timestamp(), idx, MERGED))
            signals = pr.signals
            if not signals:
                continue
            lgtm_repo = lgtm_repos[pr_repo[idx]]
            merged_ts = merged_at.timestamp() if merged_at is not None else _NEG_INF
            seen_review: set[int] = set()
            seen_lgtm: set[int] = set()
            seen_approve: set[int] = set()
            standing: dict[int, int] = {}  # person -> position of their lgtm that still stands
            pos = -1
            for s in signals:
                pos += 1
                p = s.person_id
                kind = s.kind
                ts = s.at.timestamp()
                if kind == COMMENT or kind == REVIEW_COMMENT:
                    pr_comments[p].extend((ts, idx, pos))
                if p == author:  # the author's own acts never count as reviewing
                    continue
                if kind in review_kinds and p not in seen_review:
                    seen_review.add(p)
                    reviewed[p].extend((ts, idx, pos))
                approved = kind == REVIEW and s.state == "APPROVED"
                is_lgtm = kind == LGTM or (approved and lgtm_repo)
                if is_lgtm and p not in seen_lgtm:
                    seen_lgtm.add(p)
                    lgtms[p].extend((ts, idx, pos))
                if (kind == APPROVE or (approved and approve_review)) and p not in seen_approve:
                    seen_approve.add(p)
                    approves[p].extend((ts, idx, pos))
                if ts <= merged_ts:
                    # Primary reviewer: the earliest lgtm still standing at merge. Only the person's own
                    # cancel withdraws it (another person's `/lgtm cancel` says nothing about who reviewed).
                    if is_lgtm:
                        if p not in standing:
                            standing[p] = pos
                    elif kind == LGTM_CANCEL or (lgtm_repo and kind == REVIEW and s.state == "CHANGES_REQUESTED"):
                        standing.pop(p, None)
            if standing:
                pos = min(standing.values())
                s = signals[pos]
                primary[s.person_id].extend((s.at.timestamp(), idx, pos))

    def _set_pr(self, idx: int, pr: PullRequestFacts) -> None:
        rid = self.repo_id(pr.repo)
        if idx == len(self.prs):
            self.prs.append(pr)
            self.pr_signals.append(pr.signals)
            self.pr_repo.append(rid)
            self.merged.append(pr.merged_at is not None)
            self.substantial.append(self.definitions.is_substantial(pr))
            self.repo_prs[rid].append(idx)
        else:
            old_rid = self.pr_repo[idx]
            if old_rid != rid:
                self.repo_prs[old_rid].remove(idx)
                self.repo_prs[rid].append(idx)
            self.prs[idx] = pr
            self.pr_signals[idx] = pr.signals
            self.pr_repo[idx] = rid
            self.merged[idx] = pr.merged_at is not None
            self.substantial[idx] = self.definitions.is_substantial(pr)
        self.pr_index[pr.id] = idx

    def _slots(self, person_id: int) -> list[Series | None]:
        per = self.series.get(person_id)
        if per is None:
            per = self.series[person_id] = [None] * N_SERIES
        return per

    def _set_person_contributions(self, person: Person) -> None:
        """The person's issues, and their comments not already known as PR signals."""
        per = self._slots(person.id)
        per[ISSUES] = per[OTHER_COMMENTS] = None
        if person.issues:
            per[ISSUES] = Series.sorted_from(
                [c.at.timestamp() for c in person.issues],
                [self.repo_id(c.repo) for c in person.issues],
                range(len(person.issues)),
            )
        if person.comments:
            known = set()
            if per[PR_COMMENTS] is not None:
                prs = self.prs
                known = {prs[k].signals[i].url for k, i in zip(per[PR_COMMENTS].key, per[PR_COMMENTS].pos)}
            kept = [i for i, c in enumerate(person.comments) if c.url not in known]
            comments = person.comments
            per[OTHER_COMMENTS] = Series.sorted_from(
                [comments[i].at.timestamp() for i in kept], [self.repo_id(comments[i].repo) for i in kept], kept
            )

    def update_pull_request(self, pr: PullRequestFacts) -> set[int]:
        """Add or replace one pull request; the ids of the people whose numbers may have changed."""
        idx = self.pr_index.get(pr.id)
        affected: set[int] = set()
        if idx is not None:
            old = new_rows()
            self._pr_rows([(idx, self.prs[idx])], old)  # the old version's rows, found again by time
            for code, by_person in enumerate(old):
                for p, flat in by_person.items():
                    affected.add(p)
                    series = self.series[p][code]
                    for i in range(0, len(flat), 3):
                        series.remove(flat[i], flat[i + 1], flat[i + 2])
        else:
            idx = len(self.prs)
        self._set_pr(idx, pr)
        rows = new_rows()
        self._pr_rows([(idx, pr)], rows)
        for code, by_person in enumerate(rows):
            for p, flat in by_person.items():
                affected.add(p)
                per = self._slots(p)
                if per[code] is None:
                    per[code] = Series()
                series = per[code]
                for i in range(0, len(flat), 3):
                    series.insert(flat[i], flat[i + 1], flat[i + 2])
        repo = pr.repo.lower()
        for key, mask in self._pr_masks.items():
            if isinstance(mask, set):
                skey = key[0]
                if f"{skey[0]}/{skey[1]}" == repo and self._pr_in(idx, key):
                    mask.add(idx)
                else:
                    mask.discard(idx)  # not in scope, or another repository's (the PR may have moved)
                continue
            value = self._pr_in(idx, key)
            if idx == len(mask):
                mask.append(value)
            else:
                mask[idx] = value
        for p in affected:
            person = self.people.get(p)
            if person is not None and person.comments:
                self._set_person_contributions(person)
        return affected

    def update_person(self, person: Person) -> set[int]:
        """Replace one person's profile, holdings, issues and comments."""
        self.people[person.id] = person
        self._set_person_contributions(person)
        return {person.id}

    # --- scopes ---------------------------------------------------------------------------------

    def _repo_mask(self, key: tuple) -> bytearray:
        mask = self._repo_masks.get(key)
        if mask is None:
            scope = Scope(key[0], key[1])  # the repository part: folders are checked per PR
            mask = self._repo_masks[key] = bytearray(scope.contains(name) for name in self.repo_names)
        return mask

    def _pr_in(self, idx: int, key: tuple) -> bool:
        scope_key, substantial, merged = key
        if substantial and not self.substantial[idx]:
            return False
        if merged and not self.merged[idx]:
            return False
        return self._pr_in_scope(idx, scope_key)

    def _pr_in_scope(self, idx: int, scope_key: tuple) -> bool:
        if not self._repo_mask(scope_key)[self.pr_repo[idx]]:
            return False
        path = scope_key[2]
        if not path:
            return True
        paths = self.prs[idx].paths
        if paths is None:
            return self.definitions.count_prs_with_unknown_paths
        prefix = path + "/"
        return any(p == path or p.startswith(prefix) for p in paths)

    def pr_mask(self, scope: Scope, substantial: bool = False, merged: bool = False) -> bytearray | set[int]:
        """The pull requests in `scope` (touching a file there) with the qualifiers, as something whose
        `member(mask)` says yes or no for a PR index.

        Organisation-wide: one byte per PR. One repository or a folder of it: the set of those PR indexes,
        found among that repository's PRs — evaluating everyone touches a thousand such scopes (300 OWNERS
        folders, each plain, merged and substantial), and a byte per PR of the whole organisation for each
        was a Python loop over every PR and ~250 MB held (bench/bench_everyone.py)."""
        skey = _scope_key(scope)
        key = (skey, substantial, merged)
        mask = self._pr_masks.get(key)
        if mask is not None:
            return mask
        if skey[1] is not None:
            found = self._repo_pr_set(skey, substantial, merged)
            self._pr_masks[key] = found
            return found
        n = len(self.prs)
        if substantial or merged:
            mask = self.pr_mask(scope)
            ints = int.from_bytes(mask, "little")
            if substantial:
                ints &= int.from_bytes(self.substantial, "little")
            if merged:
                ints &= int.from_bytes(self.merged, "little")
            mask = bytearray(ints.to_bytes(n, "little"))
        else:
            repo_mask = self._repo_mask(skey)
            mask = bytearray(map(repo_mask.__getitem__, self.pr_repo))
        self._pr_masks[key] = mask
        return mask

    def _repo_pr_set(self, skey: tuple, substantial: bool, merged: bool) -> set[int]:
        """`pr_mask` of one repository or a folder of it: that repository's PRs in scope (as `_pr_in`)."""
        if substantial or merged:
            found = list(self.pr_mask(Scope(*skey)))
            if substantial:
                found = list(compress(found, map(self.substantial.__getitem__, found)))
            if merged:
                found = list(compress(found, map(self.merged.__getitem__, found)))
            return set(found)
        rid = self.repo_ids.get(f"{skey[0]}/{skey[1]}")
        if rid is None:
            return set()
        path = skey[2]
        if not path:
            return set(self.repo_prs[rid])
        prefix, prs, unknown = path + "/", self.prs, self.definitions.count_prs_with_unknown_paths
        found = set()
        inside: dict[str, bool] = {}  # file -> in the folder (files repeat from PR to PR)
        for idx in self.repo_prs[rid]:
            paths = prs[idx].paths
            if paths is None:
                if unknown:
                    found.add(idx)
                continue
            for p in paths:
                yes = inside.get(p)
                if yes is None:
                    yes = inside[p] = p == path or p.startswith(prefix)
                if yes:
                    found.add(idx)
                    break
        return found

    # --- one person in many scopes ---------------------------------------------------------------

    @contextmanager
    def focus(self, person_id: int):
        """While one person is evaluated in many repositories and folders (ladder_rules/everyone.py), count
        their items in a repository's scope from their series split by repository, made once on first
        use: a count then walks the items of that repository, not every item of the person (a busy
        person's 30,000 items once per repository was most of evaluating everyone). Not for use from two
        threads at once (nor is the rest of the index)."""
        self._focus = (person_id, {})
        try:
            yield
        finally:
            self._focus = None

    def _series_for(self, person_id: int, scope: Scope) -> list[Series | None] | None:
        per = self.series.get(person_id)
        focus = self._focus
        if per is None or focus is None or focus[0] != person_id or scope.repo is None:
            return per
        rid = self.repo_ids.get(f"{scope.org}/{scope.repo}".lower())
        if rid is None:
            return per
        split = focus[1]
        if not split:
            split[-1] = [None] * N_SERIES  # made (a person with no items in a repository finds this)
            pr_repo = self.pr_repo
            for code, s in enumerate(per):
                if s is None:
                    continue
                groups: defaultdict[int, list[int]] = defaultdict(list)
                for j, r in enumerate(s.key if code in REPO_SERIES else map(pr_repo.__getitem__, s.key)):
                    groups[r].append(j)
                for r, js in groups.items():
                    sub = split.get(r)
                    if sub is None:
                        sub = split[r] = [None] * N_SERIES
                    sub[code] = Series(
                        map(s.ts.__getitem__, js), map(s.key.__getitem__, js), map(s.pos.__getitem__, js)
                    )
        return split.get(rid, split[-1])

    # --- counting -------------------------------------------------------------------------------

    def count(
        self,
        person_id: int,
        metric: str,
        scope: Scope,
        start: float | None,
        end: float,
        substantial: bool = False,
        merged: bool = False,
        evidence: bool = True,
    ) -> tuple[int, list[Evidence]]:
        """How many items of `metric` the person has in `scope` within [start, end], and the evidence: the
        newest `EVIDENCE_KEPT` of them, oldest first (an empty list with `evidence=False`: counting alone is a
        sum in C, while the list makes a tuple per kept item)."""
        per = self._series_for(person_id, scope)
        if per is None:
            return 0, []
        if not evidence:
            return self._count_only(per, metric, scope, start, end, substantial, merged), []
        items: list[Evidence] = []
        total = 0
        parts = metric_parts(metric, self.definitions)
        prs, sigs = self.prs, self.pr_signals
        for code, part_merged, s, i0, i1 in _windows(per, parts, start, end):
            flags = map(self._in_scope(code, scope, substantial, merged or part_merged), s.key[i0:i1])
            chosen = list(compress(range(i0, i1), flags))
            total += len(chosen)
            chosen = chosen[-EVIDENCE_KEPT:]  # the series is in time order: the newest
            kind, keys, pos = KIND[code], s.key, s.pos
            if code == AUTHORED:
                items += [(kind, o.url, o.created_at) for o in (prs[keys[j]] for j in chosen)]
            elif code == MERGED_PRS:
                items += [(kind, o.url, o.merged_at) for o in (prs[keys[j]] for j in chosen)]
            elif code in REPO_SERIES:
                person = self.people[person_id]
                made = person.issues if code == ISSUES else person.comments
                items += [(kind, o.url, o.at) for o in (made[pos[j]] for j in chosen)]
            else:
                items += [(kind, o.url, o.at) for o in (sigs[keys[j]][pos[j]] for j in chosen)]
        if len(parts) > 1:
            items.sort(key=_DATE)
            items = items[-EVIDENCE_KEPT:]
        return total, items

    def _in_scope(self, code: int, scope: Scope, substantial: bool, merged: bool):
        """The membership test of series `code`'s keys in `scope` (see `member`)."""
        if code in REPO_SERIES:
            return member(self._repo_mask(_scope_key(scope)))
        return member(self.pr_mask(scope, substantial, merged))

    def _count_only(
        self, per: list, metric: str, scope: Scope, start: float | None, end: float, substantial: bool, merged: bool
    ) -> int:
        have = 0
        for code, part_merged, s, i0, i1 in _windows(per, metric_parts(metric, self.definitions), start, end):
            qualified = substantial or merged or part_merged
            if scope.repo is None and not qualified and all(self._repo_mask(_scope_key(scope))):
                have += i1 - i0  # every repository is in the organisation: every item counts
            else:
                have += sum(map(self._in_scope(code, scope, substantial, merged or part_merged), s.key[i0:i1]))
        return have

    def first_contribution(self, person_id: int, scope: Scope) -> datetime | None:
        """When the person first contributed (opened a PR, reviewed, commented, opened an issue) in scope:
        the earliest of each series' first item in scope (the series are in time order), no list made."""
        per = self._series_for(person_id, scope)
        if per is None:
            return None
        first = None
        for code, _ in metric_parts("contributions", self.definitions):
            s = per[code]
            if s is None:
                continue
            found = next(compress(zip(s.key, s.pos), map(self._in_scope(code, scope, False, False), s.key)), None)
            if found is not None:
                at = self._date(person_id, code, *found)
                if first is None or at < first:
                    first = at
        return first

    def _date(self, person_id: int, code: int, key: int, pos: int) -> datetime:
        """The date of one item of series `code` (what its evidence would say)."""
        if code == AUTHORED:
            return self.prs[key].created_at
        if code == MERGED_PRS:
            return self.prs[key].merged_at
        if code in REPO_SERIES:
            person = self.people[person_id]
            return (person.issues if code == ISSUES else person.comments)[pos].at
        return self.pr_signals[key][pos].at

    def project_created(self, scope: Scope) -> datetime | None:
        """The scope's repository's creation time, or the oldest repository of the org."""
        if scope.repo:
            repo = self.repositories.get(f"{scope.org}/{scope.repo}".lower())
            return repo.created_at if repo else None
        prefix = scope.org.lower() + "/"
        dates = [
            r.created_at
            for name, r in self.repositories.items()
            if name.startswith(prefix) and r.created_at is not None
        ]
        return min(dates) if dates else None


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while millions of acyclic containers are made.

    Building the index or evaluating everyone creates millions of tuples and lists, none in a cycle; each
    burst of allocations would otherwise start full collections that walk the whole heap (the facts too),
    which made a full evaluation grow faster than linearly with the data.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_index(facts: Facts, definitions: Definitions | None = None) -> MetricsIndex:
    """Index every pull request and person of `facts` (one pass; `definitions` default to DOMAIN.md §2)."""
    index = MetricsIndex(definitions or Definitions())
    index.people = dict(facts.people)
    index.repositories = {name.lower(): repo for name, repo in facts.repositories.items()}
    rows = new_rows()
    with gc_paused():
        for idx, pr in enumerate(facts.pull_requests.values()):
            index._set_pr(idx, pr)
        index._pr_rows(enumerate(index.prs), rows)
        series = index.series
        for code, by_person in enumerate(rows):
            for p, flat in by_person.items():
                per = series.get(p)
                if per is None:
                    per = series[p] = [None] * N_SERIES
                per[code] = Series.from_flat(flat)
            by_person.clear()  # let the row lists go as soon as their series exist
        for person in index.people.values():
            if person.issues or person.comments:
                index._set_person_contributions(person)
    return index
