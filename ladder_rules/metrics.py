"""Per-person activity series, built once from `Facts`, counted by scope and time window.

Layout (chosen for 10,000 people over 1,000,000 rows): pull requests get integer indexes; per-PR flags
(merged, substantial, repository) sit in compact arrays; each person has, per metric, three parallel
arrays sorted by time — timestamp, PR index (or repository id), and which signal of the PR it was — so a
window is two bisects and a scope is a byte lookup per item. Evidence refers back to the facts' own URLs
and datetimes instead of copying them.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from ladder_rules.definitions import Definitions
from ladder_rules.facts import (
    APPROVE, COMMENT, LGTM, LGTM_CANCEL, REVIEW, REVIEW_COMMENT, Facts, Person, PullRequestFacts,
    Repository, Scope,
)

# Series keyed on a pull request index.
PR_SERIES = ("authored_prs", "merged_prs", "reviewed_prs", "reviewed_any", "primary_reviews",
             "reviewed_or_merged", "lgtms", "approves", "pr_comments")
# Series keyed on a repository id (issues and comments the person wrote, from Person).
REPO_SERIES = ("issues", "other_comments")
# What each ladder metric adds up (the parts are disjoint, so counts add).
METRIC_PARTS = {
    "merged_prs": ("merged_prs",), "authored_prs": ("authored_prs",), "reviewed_prs": ("reviewed_prs",),
    "primary_reviews": ("primary_reviews",), "reviewed_or_merged": ("reviewed_or_merged",),
    "lgtms": ("lgtms",), "approves": ("approves",), "issues": ("issues",),
    "comments": ("pr_comments", "other_comments"),
    "contributions": ("authored_prs", "reviewed_any", "pr_comments", "issues", "other_comments"),
}
# Evidence kind per series.
KIND = {"authored_prs": "opened PR", "merged_prs": "merged PR", "reviewed_prs": "reviewed PR",
        "reviewed_any": "reviewed PR", "primary_reviews": "primary review", "reviewed_or_merged": "reviewed PR",
        "lgtms": "/lgtm", "approves": "/approve", "pr_comments": "comment", "issues": "issue",
        "other_comments": "comment"}
OPENED, MERGED = -1, -2  # `pos` values that point at the PR itself rather than at one of its signals
_NEG_INF = float("-inf")


class Evidence(NamedTuple):
    """One counted item: what it is, its link, and when it happened."""

    kind: str
    url: str
    date: datetime


class Series:
    """Time-sorted (timestamp, key, pos) triples for one person and one metric."""

    __slots__ = ("ts", "key", "pos")

    def __init__(self) -> None:
        self.ts = array("d")
        self.key = array("l")
        self.pos = array("l")

    def add(self, ts: float, key: int, pos: int) -> None:
        self.ts.append(ts)
        self.key.append(key)
        self.pos.append(pos)

    def sort(self) -> None:
        ts = self.ts.tolist()
        if sorted(ts) == ts:  # the common case: rows arrive in time order
            return
        order = sorted(range(len(ts)), key=ts.__getitem__)
        key, pos = self.key, self.pos
        self.ts = array("d", [ts[i] for i in order])
        self.key = array("l", [key[i] for i in order])
        self.pos = array("l", [pos[i] for i in order])

    def insert(self, ts: float, key: int, pos: int) -> None:
        i = bisect_right(self.ts, ts)
        self.ts.insert(i, ts)
        self.key.insert(i, key)
        self.pos.insert(i, pos)

    def remove_key(self, key: int) -> None:
        for i in range(len(self.key) - 1, -1, -1):
            if self.key[i] == key:
                del self.ts[i], self.key[i], self.pos[i]


def _scope_key(scope: Scope) -> tuple:
    return (scope.org.lower(), scope.repo.lower() if scope.repo else None, scope.path or None)


class MetricsIndex:
    """All activity, indexed for counting; update it incrementally with `update_pull_request` /
    `update_person`, which return the ids of the people whose numbers may have changed."""

    def __init__(self, definitions: Definitions):
        self.definitions = definitions
        self.people: dict[int, Person] = {}
        self.repositories: dict[str, Repository] = {}
        self.prs: list[PullRequestFacts] = []
        self.pr_index: dict[int, int] = {}
        self.pr_repo = array("l")
        self.merged = bytearray()
        self.substantial = bytearray()
        self.repo_ids: dict[str, int] = {}
        self.repo_names: list[str] = []
        self.repo_prs: list[list[int]] = []
        self.series: dict[int, dict[str, Series]] = {}
        self._pr_masks: dict[tuple, bytearray] = {}  # (scope key, substantial, merged) -> byte per PR
        self._repo_masks: dict[tuple, bytearray] = {}  # scope key -> byte per repository

    # --- building -------------------------------------------------------------------------------

    def repo_id(self, full_name: str) -> int:
        name = full_name.lower()
        rid = self.repo_ids.get(name)
        if rid is None:
            rid = self.repo_ids[name] = len(self.repo_names)
            self.repo_names.append(name)
            self.repo_prs.append([])
            for key, mask in self._repo_masks.items():
                mask.append(Scope(key[0], key[1]).contains(name))
        return rid

    def _series(self, person_id: int, name: str) -> Series:
        per = self.series.get(person_id)
        if per is None:
            per = self.series[person_id] = {}
        s = per.get(name)
        if s is None:
            s = per[name] = Series()
        return s

    def _pr_rows(self, idx: int, pr: PullRequestFacts) -> Iterable[tuple[int, str, float, int]]:
        """(person id, series, timestamp, pos) for everything this PR counts for."""
        d = self.definitions
        author = pr.author_id
        merged_at = pr.merged_at
        if author is not None:
            yield author, "authored_prs", pr.created_at.timestamp(), OPENED
            if merged_at is not None:
                merged_ts = merged_at.timestamp()
                yield author, "merged_prs", merged_ts, MERGED
                yield author, "reviewed_or_merged", merged_ts, MERGED
        if not pr.signals:
            return
        lgtm_repo = d.review_acts_as_lgtm(pr.repo, self.repositories.get(pr.repo.lower()))
        review_kinds = d.review_signal_kinds
        approve_review = d.approved_review_counts_as_approve
        counts_reviewed = merged_at is not None or not d.reviewed_requires_merged
        seen_review: set[int] = set()
        seen_lgtm: set[int] = set()
        seen_approve: set[int] = set()
        standing: dict[int, int] = {}  # person -> pos of their lgtm that still stands
        for pos, s in enumerate(pr.signals):
            p = s.person_id
            kind = s.kind
            if kind == COMMENT or kind == REVIEW_COMMENT:
                yield p, "pr_comments", s.at.timestamp(), pos
            if p == author:  # the author's own acts never count as reviewing
                continue
            approved = kind == REVIEW and s.state == "APPROVED"
            if kind in review_kinds and p not in seen_review:
                seen_review.add(p)
                ts = s.at.timestamp()
                yield p, "reviewed_any", ts, pos
                if counts_reviewed:
                    yield p, "reviewed_prs", ts, pos
                    yield p, "reviewed_or_merged", ts, pos
            is_lgtm = kind == LGTM or (approved and lgtm_repo)
            if is_lgtm and p not in seen_lgtm:
                seen_lgtm.add(p)
                yield p, "lgtms", s.at.timestamp(), pos
            if (kind == APPROVE or (approved and approve_review)) and p not in seen_approve:
                seen_approve.add(p)
                yield p, "approves", s.at.timestamp(), pos
            if merged_at is not None and s.at <= merged_at:
                # Primary reviewer: the earliest lgtm still standing at merge. Only the person's own
                # cancel withdraws it (another person's `/lgtm cancel` says nothing about who reviewed).
                if is_lgtm:
                    standing.setdefault(p, pos)
                elif kind == LGTM_CANCEL or (lgtm_repo and kind == REVIEW and s.state == "CHANGES_REQUESTED"):
                    standing.pop(p, None)
        if standing:
            first = min(standing.values())
            s = pr.signals[first]
            yield s.person_id, "primary_reviews", s.at.timestamp(), first

    def _set_pr(self, idx: int, pr: PullRequestFacts) -> None:
        rid = self.repo_id(pr.repo)
        if idx == len(self.prs):
            self.prs.append(pr)
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
            self.pr_repo[idx] = rid
            self.merged[idx] = pr.merged_at is not None
            self.substantial[idx] = self.definitions.is_substantial(pr)
        self.pr_index[pr.id] = idx

    def _set_person_contributions(self, person: Person) -> None:
        """The person's issues and the comments not already known as PR signals."""
        per = self.series.get(person.id, {})
        per.pop("issues", None)
        per.pop("other_comments", None)
        if person.issues:
            s = self._series(person.id, "issues")
            for i, c in enumerate(person.issues):
                s.add(c.at.timestamp(), self.repo_id(c.repo), i)
            s.sort()
        if person.comments:
            known = set()
            pr_comments = per.get("pr_comments")
            if pr_comments is not None:
                known = {self.prs[k].signals[p].url for k, p in zip(pr_comments.key, pr_comments.pos)}
            s = self._series(person.id, "other_comments")
            for i, c in enumerate(person.comments):
                if c.url not in known:
                    s.add(c.at.timestamp(), self.repo_id(c.repo), i)
            s.sort()

    def update_pull_request(self, pr: PullRequestFacts) -> set[int]:
        """Add or replace one pull request; the ids of the people whose numbers may have changed."""
        idx = self.pr_index.get(pr.id)
        affected: set[int] = set()
        if idx is not None:
            old = self.prs[idx]
            affected.update(s.person_id for s in old.signals)
            if old.author_id is not None:
                affected.add(old.author_id)
            for p in affected:
                for s in self.series.get(p, {}).values():
                    s.remove_key(idx)
        else:
            idx = len(self.prs)
        self._set_pr(idx, pr)
        for p, name, ts, pos in self._pr_rows(idx, pr):
            affected.add(p)
            self._series(p, name).insert(ts, idx, pos)
        for key, mask in self._pr_masks.items():
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

    def pr_mask(self, scope: Scope, substantial: bool = False, merged: bool = False) -> bytearray:
        """One byte per PR: 1 when it lies in `scope` (touches a file there) and has the qualifiers."""
        skey = _scope_key(scope)
        key = (skey, substantial, merged)
        mask = self._pr_masks.get(key)
        if mask is not None:
            return mask
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
            if skey[2]:
                for rid, flag in enumerate(repo_mask):
                    if flag:
                        for idx in self.repo_prs[rid]:
                            mask[idx] = self._pr_in_scope(idx, skey)
        self._pr_masks[key] = mask
        return mask

    # --- counting -------------------------------------------------------------------------------

    def count(self, person_id: int, metric: str, scope: Scope, start: float | None, end: float,
              substantial: bool = False, merged: bool = False) -> tuple[int, list[Evidence]]:
        """How many items of `metric` the person has in `scope` within [start, end], and the evidence."""
        per = self.series.get(person_id)
        if not per:
            return 0, []
        evidence: list[Evidence] = []
        lo = _NEG_INF if start is None else start
        for part in METRIC_PARTS[metric]:
            s = per.get(part)
            if s is None or not len(s.ts):
                continue
            i0 = bisect_left(s.ts, lo) if start is not None else 0
            i1 = bisect_right(s.ts, end)
            if i0 >= i1:
                continue
            keys = s.key
            kind = KIND[part]
            if part in REPO_SERIES:
                mask = self._repo_mask(_scope_key(scope))
                person = self.people.get(person_id)
                items = person.issues if part == "issues" else person.comments
                evidence.extend(Evidence(kind, items[p].url, items[p].at)
                                for k, p in zip(keys[i0:i1], s.pos[i0:i1]) if mask[k])
                continue
            mask = self.pr_mask(scope, substantial, merged)
            prs = self.prs
            for k, p in zip(keys[i0:i1], s.pos[i0:i1]):
                if mask[k]:
                    pr = prs[k]
                    if p >= 0:
                        sig = pr.signals[p]
                        evidence.append(Evidence(kind, sig.url, sig.at))
                    elif p == MERGED:
                        evidence.append(Evidence("merged PR", pr.url, pr.merged_at))
                    else:
                        evidence.append(Evidence("opened PR", pr.url, pr.created_at))
        if len(METRIC_PARTS[metric]) > 1:
            evidence.sort(key=lambda e: e.date)
        return len(evidence), evidence

    def first_contribution(self, person_id: int, scope: Scope) -> datetime | None:
        """When the person first contributed (opened a PR, reviewed, commented, opened an issue) in scope."""
        _, items = self.count(person_id, "contributions", scope, None, float("inf"))
        return items[0].date if items else None

    def project_created(self, scope: Scope) -> datetime | None:
        """The scope's repository's creation time, or the oldest repository of the org."""
        if scope.repo:
            repo = self.repositories.get(f"{scope.org}/{scope.repo}".lower())
            return repo.created_at if repo else None
        prefix = scope.org.lower() + "/"
        dates = [r.created_at for name, r in self.repositories.items()
                 if name.startswith(prefix) and r.created_at is not None]
        return min(dates) if dates else None


def build_index(facts: Facts, definitions: Definitions | None = None) -> MetricsIndex:
    """Index every pull request and person of `facts` (one pass; `definitions` default to DOMAIN.md §2)."""
    index = MetricsIndex(definitions or Definitions())
    index.people = dict(facts.people)
    index.repositories = {name.lower(): repo for name, repo in facts.repositories.items()}
    for pr in facts.pull_requests.values():
        idx = len(index.prs)
        index._set_pr(idx, pr)
        for p, name, ts, pos in index._pr_rows(idx, pr):
            index._series(p, name).add(ts, idx, pos)
    for per in index.series.values():
        for s in per.values():
            s.sort()
    for person in index.people.values():
        if person.issues or person.comments:
            index._set_person_contributions(person)
    return index
