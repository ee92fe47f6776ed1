"""How far a person is from a level: every requirement with have / need / met, evidence and dates.

`met` is three-valued: True, False, or None when only people can say (sponsors). A group is False when
its automatic part already fails, so the overall state is `working` when the root is False and `ready`
otherwise (automatic requirements met; sponsors and the checklist are left to people).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from ladder_rules.facts import Holding, Person, Scope
from ladder_rules.format import Count, Group, Ladder, Level, Requirement, SponsorRule, Sponsors, Tenure
from ladder_rules.metrics import Evidence, MetricsIndex, gc_paused


class State(str, Enum):
    WORKING = "working"  # some automatic requirement is not met
    READY = "ready"  # all automatic requirements met; waiting on sponsors / checklist
    APPROVED = "approved"  # set by the service from an authorised `/ladder approve`
    PROMOTED = "promoted"  # set by the service when the roster change is merged


@dataclass(slots=True)
class RequirementResult:
    name: str
    kind: str  # count | tenure | sponsors | all | any | at_least
    description: str
    have: int | None
    need: int | None
    met: bool | None  # None: for people to decide
    evidence: list[Evidence] = field(default_factory=list)
    met_on: datetime | None = None  # time requirements: when it is (or will be) met
    children: list[RequirementResult] = field(default_factory=list)
    sponsors: list[dict] = field(default_factory=list)  # sponsor requirements: the rule alternatives
    # Time requirements, so people read dates rather than day counts: when the time started counting (None:
    # not yet), in which level (None: since the first contribution) and for how long it must run.
    since: datetime | None = None
    of_level: str | None = None
    span: str | None = None

    def to_dict(self) -> dict:
        out = {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "have": self.have,
            "need": self.need,
            "met": self.met,
            "evidence": [{"kind": kind, "url": url, "date": date.isoformat()} for kind, url, date in self.evidence],
            "met_on": self.met_on.isoformat() if self.met_on else None,
        }
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        if self.sponsors:
            out["sponsors"] = self.sponsors
        if self.kind == "tenure":
            out["since"] = self.since.isoformat() if self.since else None
            out["of_level"] = self.of_level
            out["span"] = self.span
        return out


@dataclass(slots=True)
class Evaluation:
    person_id: int
    login: str
    ladder: str
    level: str
    scope: Scope
    evaluated_at: datetime
    state: State
    requirements: RequirementResult  # the root `all` group of the level
    checklist: list[dict] = field(default_factory=list)  # [{id, text}] for people to tick
    sponsors: list[dict] = field(default_factory=list)  # sponsor rule alternatives (any one suffices)
    decision: dict | None = None
    roster: dict | None = None

    def to_dict(self) -> dict:
        return {
            "person_id": self.person_id,
            "login": self.login,
            "ladder": self.ladder,
            "level": self.level,
            "scope": str(self.scope),
            "evaluated_at": self.evaluated_at.isoformat(),
            "state": self.state.value,
            "requirements": self.requirements.to_dict(),
            "checklist": self.checklist,
            "sponsors": self.sponsors,
            "decision": self.decision,
            "roster": self.roster,
        }


# --- scopes and holdings -----------------------------------------------------------------------------


def level_scope(level: Level, scope: Scope) -> Scope:
    """The evaluation scope cut to the finest scope the level is held at."""
    if level.scope == "org" or not scope.repo:
        return Scope(scope.org)
    if level.scope == "repository" or not scope.path:
        return Scope(scope.org, scope.repo)
    return scope


def _covers(outer: Scope, inner: Scope) -> bool:
    """True when `outer` is `inner` or one of its ancestors (org ⊃ repository ⊃ folder)."""
    if outer.org.lower() != inner.org.lower():
        return False
    if outer.repo is None:
        return True
    if inner.repo is None or outer.repo.lower() != inner.repo.lower():
        return False
    if not outer.path:
        return True
    return bool(inner.path) and (inner.path == outer.path or inner.path.startswith(outer.path + "/"))


def _overlaps(a: Scope, b: Scope) -> bool:
    return _covers(a, b) or _covers(b, a)


def holds(ladder: Ladder, holdings: Sequence[Holding], level: str, scope: Scope) -> list[Holding]:
    """The holdings that make the person hold `level` (or a higher one) over `scope`."""
    rank = ladder.rank(level)
    out = []
    for h in holdings:
        r = ladder.rank(h.level)
        if r < rank or r < 0:
            continue
        if _covers(h.scope, level_scope(ladder.levels[r], scope)) or (
            ladder.levels[r].scope == "org" and h.scope.org.lower() == scope.org.lower()
        ):
            out.append(h)
    return out


def next_level(ladder: Ladder, holdings: Sequence[Holding], scope: Scope) -> str | None:
    """The level the person is working toward in `scope`: the one above the highest they hold there."""
    top = -1
    for h in holdings:
        r = ladder.rank(h.level)
        if r > top and holds(ladder, [h], h.level, scope):
            top = r
    return ladder.levels[top + 1].name if top + 1 < len(ladder.levels) else None


# --- dates ---------------------------------------------------------------------------------------


def add_months(when: datetime, months: int) -> datetime:
    """Calendar months later (earlier when negative), the day clamped to the month's length."""
    month0 = when.month - 1 + months
    year, month = when.year + month0 // 12, month0 % 12 + 1
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))


def _plus(when: datetime, duration) -> datetime:
    return add_months(when, duration.months) + timedelta(days=duration.days)


# --- the evaluator ---------------------------------------------------------------------------------

_PHRASE = {
    "merged_prs": ("At least {n} merged {sub}PR{s} to {scope}", ""),
    "authored_prs": ("Authored at least {n} {sub}PR{s} to {scope}", ""),
    "reviewed_prs": ("Reviewed at least {n} {sub}PR{s} to {scope}", ""),
    "primary_reviews": ("Primary reviewer for at least {n} {sub}PR{s} to {scope}", ""),
    "reviewed_or_merged": ("Reviewed or merged at least {n} {sub}PR{s} to {scope}", ""),
    "lgtms": ("/lgtm on at least {n} {sub}PR{s} to {scope}", ""),
    "approves": ("/approve on at least {n} {sub}PR{s} to {scope}", ""),
    "issues": ("Opened at least {n} issue{s} in {scope}", ""),
    "comments": ("At least {n} comment{s} in {scope}", ""),
    "contributions": ("At least {n} contribution{s} to {scope}", ""),
}


class _Context:
    """What one evaluation needs, looked up once."""

    __slots__ = (
        "index",
        "ladder",
        "level",
        "person",
        "scope",
        "now",
        "now_ts",
        "sponsors",
        "promoted_at",
        "evidence",
    )

    def __init__(
        self,
        index: MetricsIndex,
        ladder: Ladder,
        level: Level,
        person: Person,
        scope: Scope,
        now: datetime,
        sponsors: Sequence[Person] | None,
        evidence: bool = True,
    ):
        self.index, self.ladder, self.level, self.person = index, ladder, level, person
        self.evidence = evidence
        self.scope, self.now, self.now_ts, self.sponsors = scope, now, now.timestamp(), sponsors
        previous = ladder.previous(level.name)
        held = holds(ladder, person.holdings, previous.name, scope) if previous else []
        dates = [h.since for h in held if h.since is not None]
        self.promoted_at = min(dates) if dates else None


def _count(ctx: _Context, req: Count) -> RequirementResult:
    scope = level_scope(ctx.level, ctx.scope)
    if req.scope == "org":
        scope = Scope(scope.org)
    elif req.scope == "repository":
        scope = Scope(scope.org, scope.repo)
    start = None
    if req.window.kind == "months":
        start = add_months(ctx.now, -req.window.months).timestamp()
    elif req.window.kind == "since_promotion" and ctx.promoted_at is not None:
        start = ctx.promoted_at.timestamp()
    have, evidence = ctx.index.count(
        ctx.person.id, req.metric, scope, start, ctx.now_ts, req.substantial, req.merged, ctx.evidence
    )
    sub = ("substantial " if req.substantial else "") + (
        "merged " if req.merged and req.metric not in ("merged_prs",) else ""
    )
    text = _PHRASE[req.metric][0].format(n=req.at_least, sub=sub, s="" if req.at_least == 1 else "s", scope=scope)
    if str(req.window):
        text += f" {req.window}"
    return RequirementResult(req.name or req.metric, "count", text, have, req.at_least, have >= req.at_least, evidence)


def _tenure(ctx: _Context, req: Tenure) -> RequirementResult:
    scope = level_scope(ctx.level, ctx.scope)
    need_text = str(req.at_least)
    if req.project_age_fraction is not None:
        need_text = f"the shorter of {need_text} and {req.project_age_fraction:.0%} of the project's age"
    if req.level is None:
        since = ctx.index.first_contribution(ctx.person.id, scope)
        text = f"Contributing to {scope} for {need_text}"
        evidence = []
    else:
        held = holds(ctx.ladder, ctx.person.holdings, req.level, ctx.scope)
        known = [h.since for h in held if h.since is not None]
        since = min(known) if known else None
        text = f"{req.level.capitalize()} for {need_text}"
        evidence = [(f"{h.level} in {h.scope}", "", h.since) for h in held if h.since is not None]
        if held and not known:  # on the roster, but nobody knows since when: people must check
            return RequirementResult(
                req.name or "tenure",
                "tenure",
                text + " (start date unknown)",
                None,
                None,
                None,
                of_level=req.level,
                span=str(req.at_least),
            )
    name = req.name or "tenure"
    words = {"of_level": req.level, "span": str(req.at_least)}
    if since is None:
        full_days = (_plus(ctx.now, req.at_least) - ctx.now).days
        return RequirementResult(name, "tenure", text, 0, full_days, False, **words)
    met_on = _plus(since, req.at_least)
    need = met_on - since
    if req.project_age_fraction is not None:
        created = ctx.index.project_created(scope)
        if created is not None:
            f = req.project_age_fraction
            # since + f × (t − created) <= t  ⇔  t >= (since − f·created) / (1 − f)
            by_age = datetime.fromtimestamp((since.timestamp() - f * created.timestamp()) / (1 - f), since.tzinfo)
            need = min(need, timedelta(seconds=f * max(0.0, (ctx.now - created).total_seconds())))
            met_on = min(met_on, max(by_age, since))
    have_days = max(0, (ctx.now - since).days)
    need_days = math.ceil(need.total_seconds() / 86400)
    return RequirementResult(
        name, "tenure", text, have_days, need_days, ctx.now >= met_on, evidence, met_on, since=since, **words
    )


def _sponsors(ctx: _Context, req: Sponsors) -> RequirementResult:
    rules = [r.to_dict() for r in req.alternatives]
    text = " or ".join(_sponsor_text(r) for r in req.alternatives)
    met = None
    have = None
    if ctx.sponsors is not None:
        check = check_sponsors(ctx.ladder, ctx.person, ctx.sponsors, ctx.scope, req.alternatives)
        have = check.best
        met = True if check.satisfied else None
    return RequirementResult(
        req.name or "sponsors", "sponsors", text, have, min(r.count for r in req.alternatives), met, sponsors=rules
    )


def _sponsor_text(rule: SponsorRule) -> str:
    levels = " or ".join(rule.levels)
    text = f"Endorsed by {rule.count} {levels}{'s' if rule.count != 1 else ''}"
    if rule.distinct_companies:
        text += " from different companies"
    return text


def _group(ctx: _Context, req: Group) -> RequirementResult:
    children = [_requirement(ctx, c) for c in req.children]
    true = sum(1 for c in children if c.met is True)
    open_ = sum(1 for c in children if c.met is None)
    need = len(children) if req.mode == "all" else 1 if req.mode == "any" else req.k
    if true >= need:
        met = True
    elif true + open_ >= need:
        met = None
    else:
        met = False
    words = {"all": "All of", "any": "Any one of", "at_least": f"At least {need} of"}
    return RequirementResult(req.name or req.mode, req.mode, words[req.mode], true, need, met, children=children)


def _requirement(ctx: _Context, req: Requirement) -> RequirementResult:
    if isinstance(req, Count):
        return _count(ctx, req)
    if isinstance(req, Tenure):
        return _tenure(ctx, req)
    if isinstance(req, Sponsors):
        return _sponsors(ctx, req)
    return _group(ctx, req)


def _person(index: MetricsIndex, person_id: int) -> Person:
    return index.people.get(person_id) or Person(person_id, str(person_id))


def evaluate(
    index: MetricsIndex,
    ladder: Ladder,
    person_id: int,
    target_level: str,
    scope: Scope,
    now: datetime,
    sponsors: Sequence[Person] | None = None,
    evidence: bool = True,
) -> Evaluation:
    """Evaluate one person against `target_level` of `ladder` in `scope` as of `now`.

    `evidence=False` gives the same numbers, states and dates with the counted items' evidence lists left
    empty: for a search that only needs to know where a person is ready (ladder_rules/everyone.py).

    `sponsors` (people who confirmed) resolves sponsor requirements inside the rules (Tekton's
    endorsement branch); the level's own sponsor rule is returned as data for `check_sponsors`.
    """
    level = ladder.level(target_level)
    person = _person(index, person_id)
    ctx = _Context(index, ladder, level, person, scope, now, sponsors, evidence)
    root = _group(ctx, level.requires)
    root.description = f"{level.title or level.name.capitalize()} in {level_scope(level, scope)}"
    state = State.WORKING if root.met is False else State.READY
    return Evaluation(
        person.id,
        person.login,
        ladder.name,
        level.name,
        level_scope(level, scope),
        now,
        state,
        root,
        [{"id": c.id, "text": c.text} for c in level.checklist],
        [r.to_dict() for r in level.sponsors],
        level.decision.to_dict() if level.decision else None,
        level.roster.to_dict() if level.roster else None,
    )


def evaluate_stay(
    index: MetricsIndex, ladder: Ladder, person_id: int, level: str, scope: Scope, now: datetime
) -> RequirementResult | None:
    """The yearly minimums to keep `level` (None when the level has none)."""
    lvl = ladder.level(level)
    if lvl.stay is None:
        return None
    ctx = _Context(index, ladder, lvl, _person(index, person_id), scope, now, None)
    root = _group(ctx, lvl.stay)
    root.description = f"To stay {lvl.name} in {level_scope(lvl, scope)}"
    return root


def inactive_since(
    index: MetricsIndex, ladder: Ladder, person_id: int, level: str, scope: Scope, now: datetime
) -> datetime | None:
    """The date since which the person counts as inactive at `level`, or None while active (or no rule)."""
    lvl = ladder.level(level)
    if lvl.inactivity is None:
        return None
    since = add_months(now, -lvl.inactivity.months)
    have, _ = index.count(
        person_id, lvl.inactivity.metric, level_scope(lvl, scope), since.timestamp(), now.timestamp(), evidence=False
    )
    if have:
        return None
    _, all_items = index.count(person_id, lvl.inactivity.metric, level_scope(lvl, scope), None, now.timestamp())
    return all_items[-1][2] if all_items else since


def evaluate_all(
    index: MetricsIndex, ladder: Ladder, scope: Scope, now: datetime, people: Sequence[int] | None = None
) -> dict[int, Evaluation]:
    """Evaluate everyone (or `people`) against their next level in `scope`; those at the top are left out."""
    out = {}
    with gc_paused():
        for pid in index.people if people is None else people:
            person = _person(index, pid)
            target = next_level(ladder, person.holdings, scope)
            if target is not None:
                out[pid] = evaluate(index, ladder, pid, target, scope, now)
    return out


# --- sponsors --------------------------------------------------------------------------------------


@dataclass(slots=True)
class SponsorCheck:
    eligible: list[int]  # person ids who may sponsor
    refused: dict[int, str]  # person id -> why not, a predicate ("does not hold approver over o/r")
    satisfied: bool  # some rule alternative is met by the eligible sponsors
    best: int  # the most sponsors any alternative counts
    notes: list[str] = field(default_factory=list)
    need: int = 0  # how many the closest alternative asks
    # where an alternative asks for distinct companies: an eligible sponsor who adds no company
    same_company: dict[int, int] = field(default_factory=dict)  # person id -> the earlier sponsor's id
    unknown_company: list[int] = field(default_factory=list)  # no company on the profile: never distinct

    def to_dict(self) -> dict:
        return {
            "eligible": self.eligible,
            "refused": {str(k): v for k, v in self.refused.items()},
            "satisfied": self.satisfied,
            "best": self.best,
            "notes": self.notes,
        }

    def counts(self, person_id: int) -> bool:
        """Whether this sponsor counts toward the rule (eligible, and adding a company where one is asked)."""
        return (
            person_id in self.eligible and person_id not in self.same_company and person_id not in self.unknown_company
        )


def _company(person: Person) -> str | None:
    if not person.company:
        return None
    return person.company.strip().lstrip("@").strip().lower() or None


def check_sponsors(
    ladder: Ladder,
    candidate: Person,
    sponsors: Sequence[Person],
    scope: Scope,
    rules: Sequence[SponsorRule] | None = None,
    level: str | None = None,
) -> SponsorCheck:
    """Which of `sponsors` count for `candidate` under `rules` (or the sponsor rule of `level`).

    Companies come from public profiles (unverified): a sponsor without one is unknown, never a distinct
    company, and a note says so.
    """
    if rules is None:
        if level is None:
            raise ValueError("check_sponsors needs `rules` or `level`")
        rules = ladder.level(level).sponsors
    eligible: set[int] = set()
    refused: dict[int, str] = {}
    notes: list[str] = []
    best = 0
    satisfied = False
    need = 0
    same_company: dict[int, int] = {}
    unknown_company: list[int] = []
    unique = {p.id: p for p in sponsors}
    for rule in rules:
        counted = []
        for p in unique.values():
            if p.id == candidate.id:
                refused[p.id] = "cannot sponsor themselves"
                continue
            ok = False
            for name in rule.levels:
                found = (
                    holds(ladder, p.holdings, name, scope)
                    if rule.where == "scope"
                    else [
                        h
                        for h in p.holdings
                        if ladder.rank(h.level) >= ladder.rank(name) >= 0 and h.scope.org.lower() == scope.org.lower()
                    ]
                )
                if found:
                    ok = True
                    break
            if ok:
                counted.append(p)
                eligible.add(p.id)
                refused.pop(p.id, None)
            elif p.id not in eligible:
                where = "anywhere in " + scope.org if rule.where == "org" else f"over {scope}"
                refused[p.id] = f"does not hold {' or '.join(rule.levels)} {where}"
        n = len(counted)
        same: dict[int, int] = {}
        unknown: list[int] = []
        if rule.distinct_companies:
            # A company is what the public profile says (unverified); a sponsor without one is unknown and
            # never counted as a company of their own: someone checks by hand, or they fill in the profile.
            first: dict[str, Person] = {}
            for p in counted:
                company = _company(p)
                if company is None:
                    unknown.append(p.id)
                elif company in first:
                    same[p.id] = first[company].id
                else:
                    first[company] = p
            n = len(first)
            if unknown:
                who = ", ".join(p.login for p in counted if p.id in unknown)
                notes.append(f"company unknown for: {who} (check by hand)")
        if not satisfied and (n >= rule.count or n > best or need == 0):
            need = rule.count
            same_company, unknown_company = same, unknown
        best = max(best, min(n, rule.count) if n >= rule.count else n)
        satisfied = satisfied or n >= rule.count
    return SponsorCheck(sorted(eligible), refused, satisfied, best, notes, need, same_company, unknown_company)
