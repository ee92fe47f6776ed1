"""Evaluating people and storing the results, one row per person, level and scope.

One `MetricsIndex` per organisation is built from the ledger on first use and then kept current
incrementally: a delivery about one pull request updates that pull request and re-evaluates only the
people it touches. Reading someone's progress is then one lookup in the `evaluations` table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from app.store import evaluations as store
from app.store.database import Database
from app.store.facts import load_facts, load_person, load_pull_request
from app.store.holdings import owners_folders
from ladder_rules.definitions import Definitions
from ladder_rules.evaluate import Evaluation, State, evaluate, next_level
from ladder_rules.everyone import Folders, evaluate_person
from ladder_rules.facts import Scope
from ladder_rules.format import Ladder
from ladder_rules.metrics import MetricsIndex, build_index


@dataclass(frozen=True)
class Target:
    person_id: int
    level: str
    scope: Scope


@dataclass(frozen=True)
class Change:
    """A stored evaluation and what it was before (None: first evaluation)."""

    evaluation: dict  # Evaluation.to_dict()
    previous: dict | None

    @property
    def state(self) -> str:
        return self.evaluation["state"]

    @property
    def previous_state(self) -> str | None:
        return None if self.previous is None else self.previous["state"]

    @property
    def changed(self) -> bool:
        """Something a person would notice changed (the time of evaluation alone does not count)."""
        if self.previous is None:
            return True
        strip = lambda e: {k: v for k, v in e.items() if k != "evaluated_at"}  # noqa: E731
        return strip(self.evaluation) != strip(self.previous)


def member_level(ladder: Ladder) -> str | None:
    """The level that organisation membership is, if the ladder has one."""
    for level in ladder.levels:
        if level.roster is not None and level.roster.kind == "org_members":
            return level.name
    return None


class Evaluator:
    """The per-process cache of indexes, and the one way evaluations reach the store."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._indexes: dict[str, tuple[MetricsIndex, Definitions, str | None]] = {}
        self._folders: dict[str, Folders] = {}

    def index(self, org: str, ladder: Ladder, definitions: Definitions) -> MetricsIndex:
        key = org.lower()
        cached = self._indexes.get(key)
        level = member_level(ladder)
        if cached is None or cached[1] != definitions or cached[2] != level:
            facts = load_facts(
                self.db, org, member_level=level, review_acts_as_lgtm=definitions.review_acts_as_lgtm_repos
            )
            cached = (build_index(facts, definitions), definitions, level)
            self._indexes[key] = cached
        return cached[0]

    def folders(self, org: str) -> Folders:
        """The organisation's OWNERS folders as last read (kept with the index, dropped with it)."""
        key = org.lower()
        found = self._folders.get(key)
        if found is None:
            found = self._folders[key] = Folders(org, owners_folders(self.db, org))
        return found

    def has_index(self, org: str) -> bool:
        return org.lower() in self._indexes

    def forget(self, org: str | None = None) -> None:
        """Drop cached indexes (a roster or the configuration changed): the next use rebuilds them."""
        if org is None:
            self._indexes.clear()
            self._folders.clear()
        else:
            self._indexes.pop(org.lower(), None)
            self._folders.pop(org.lower(), None)

    def refresh_pull_request(self, org: str, repo_id: int, number: int) -> set[int]:
        """Bring one pull request up to date in a cached index; returns the people it touches."""
        cached = self._indexes.get(org.lower())
        if cached is None:
            return set()
        pr = load_pull_request(self.db, repo_id, number)
        if pr is None:
            return set()
        index = cached[0]
        affected = index.update_pull_request(pr)
        folders = self._folders.get(org.lower())
        if folders is not None:
            folders.forget(index.pr_index[pr.id])  # its changed files may be new
        for person_id in [p for p in affected if p not in index.people]:
            # A newcomer: read their person record (login, holdings) from the ledger.
            person = load_person(self.db, org, person_id, member_level=cached[2])
            if person is not None:
                index.update_person(person)
        return affected

    def refresh_person(self, org: str, person_id: int) -> set[int]:
        """Bring one person's issues and comments (outside pull requests) up to date in a cached index — they
        opened an issue, or wrote, edited or deleted a comment on one; returns {person_id}, or nothing when
        there is no index yet or they are no one to evaluate (a bot)."""
        cached = self._indexes.get(org.lower())
        if cached is None:
            return set()
        person = load_person(self.db, org, person_id, member_level=cached[2])
        return set() if person is None else cached[0].update_person(person)

    def evaluate(
        self,
        org: str,
        ladder: Ladder,
        definitions: Definitions,
        targets: list[Target],
        now: datetime | None = None,
    ) -> list[Change]:
        """Evaluate each target and store the result; returns every stored result with its predecessor."""
        now = now or datetime.now(timezone.utc)
        index = self.index(org, ladder, definitions)
        changes = []
        for target in targets:
            result = evaluate(index, ladder, target.person_id, target.level, target.scope, now)
            changes.append(self.store(org, result))
        return changes

    def evaluate_everyone(
        self,
        org: str,
        ladder: Ladder,
        definitions: Definitions,
        people: list[int] | None = None,
        now: datetime | None = None,
    ) -> list[Change]:
        """Evaluate each of `people` (default: everyone with counted activity) for their next level where
        ladder_rules/everyone.py says, store the result, and drop the person's older evaluations that are
        only numbers (working, no readiness row) for another level or scope: they moved on."""
        now = now or datetime.now(timezone.utc)
        index = self.index(org, ladder, definitions)
        folders = self.folders(org)
        changes = []
        for pid in index.series if people is None else people:
            if pid not in index.series:
                continue  # no counted activity
            result = evaluate_person(index, ladder, pid, folders, now)
            if result is None:
                continue
            change = self.store(org, result)
            store.drop_moved(self.db, pid, org, keep=(result.level, str(result.scope)))
            changes.append(change)
        return changes

    def store(self, org: str, result: Evaluation) -> Change:
        data = result.to_dict()
        scope = data["scope"]
        row = store.get(self.db, result.person_id, result.level, scope)
        previous = row.result if row else None
        state = data["state"]  # what the numbers say; people's decisions are the readiness row's
        ready = state != State.WORKING.value
        ready_since = (row.ready_since if row and row.ready_since else data["evaluated_at"]) if ready else None
        store.save(
            self.db,
            person_id=result.person_id,
            org=org,
            level=result.level,
            scope=scope,
            ladder=result.ladder,
            state=state,
            result=data,
            evaluated_at=data["evaluated_at"],
            ready_since=ready_since,
        )
        return Change(data, previous)


def stored(db: Database, person_id: int, level: str | None = None) -> list[dict]:
    """A person's stored evaluations (all levels and scopes, or one level)."""
    return [e.as_dict() for e in store.of_person(db, person_id, level)]


def on_demand(
    db: Database, person_id: int, login: str, org: str | None = None, now: datetime | None = None
) -> list[dict]:
    """The person's evaluations computed from the ledger, for `ladder status` when none is stored yet:
    in each organisation with a configuration (or `org`) where they have counted activity, at their
    cohort's target if they are a mentee, else where ladder_rules/everyone.py says. Read-only: nothing is
    stored (the passes that evaluate store), so asking never changes what Ladder knows."""
    from app.store import orgs

    now = now or datetime.now(timezone.utc)
    out = []
    for name in orgs.known_orgs(db):
        if org is not None and name.lower() != org.lower():
            continue
        found = _stored_config(db, name)
        if found is None:
            continue
        config, ladder = found
        definitions = config.rule_definitions(name)
        facts = load_facts(
            db, name, member_level=member_level(ladder), review_acts_as_lgtm=definitions.review_acts_as_lgtm_repos
        )
        if person_id not in facts.people:
            continue
        index = build_index(facts, definitions)
        if person_id not in index.series:
            continue
        mentee = login.lower()
        cohorts = [c for c in config.cohorts if c.start <= now.date() and mentee in map(str.lower, c.mentees)]
        results = [
            evaluate(index, ladder, person_id, level, scope, now)
            for c in cohorts
            for scope in [Scope(name, c.scope.repo, c.scope.path or None)]
            for level in [next_level(ladder, index.people[person_id].holdings, scope)]
            if level is not None
        ]
        if not cohorts:
            results = [evaluate_person(index, ladder, person_id, Folders(name, owners_folders(db, name)), now)]
        out += [r.to_dict() for r in results if r is not None]
    return out


def _stored_config(db: Database, org: str):
    """(configuration, ladder) as last loaded for `org`, or None (none, or with errors)."""
    from app.config.loader import cached_config
    from app.config.schema import OrgConfig
    from app.store import orgs
    from ladder_rules.builtin import builtin_ladder

    try:
        loaded = cached_config(db, org)
    except KeyError:  # written by an older Ladder (the configuration alone): a built-in ladder still reads
        row = orgs.config(db, org)
        try:
            config = OrgConfig.from_dict(json.loads(row.text)["config"])
            return config, builtin_ladder(config.ladder)
        except (KeyError, TypeError, ValueError):
            return None
    if loaded is None or not loaded.ok or loaded.ladder is None or loaded.config is None:
        return None
    return loaded.config, loaded.ladder
