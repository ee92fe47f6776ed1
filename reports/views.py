"""What each HTML page shows, as plain typed data: the pages are rendered from these and nothing else.

The dashboard's overview, the cohort page and the person page each take one value built from stored
data (the queries live elsewhere); tests build them by hand. All text here is shown as text: the
templates escape it, and a URL becomes a link only when it is an http(s) address (`app.user_text.web_url`).

- `OverviewPage`  — `GET /`: every cohort (with its funnel), everyone else evaluated, the outbox.
- `CohortPage`    — one cohort: its funnel, each mentee's requirements, cumulative activity per mentee
                    over the term, check-ins.
- `PersonPage`    — one person: each level with its requirements, cumulative activity per kind,
                    check-ins, what Ladder wrote about them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from app.markdown import day, leaves, tenure_words
from ladder_rules.evaluate import State

# The requirement kinds that are a have/need number (drawn as a bar); the others are for people
# (`sponsors`) or alternatives (`any`, `at_least`) and are shown as text.
MEASURED_KINDS = ("count", "tenure")
PAST_READY = (State.READY, State.APPROVED, State.PROMOTED)


@dataclass(frozen=True)
class Header:
    """Every page's header: what the page is, the organisation(s) it is about, when it was made."""

    title: str
    org: str | None
    generated_at: datetime
    signed_in: str | None = None  # the dashboard's signed-in visitor (a link to sign out goes with it)


@dataclass(frozen=True)
class Requirement:
    description: str
    kind: str  # a RequirementResult kind: count | tenure | sponsors | any | at_least
    have: int | None
    need: int | None
    met: bool | None  # None: for people to decide
    met_on: date | None = None  # tenure: the day it is (or will be) met
    words: str = ""  # tenure: since when and until when, in dates ("member since 6 Aug 2026 · met on …")

    @property
    def measured(self) -> bool:
        return self.kind in MEASURED_KINDS and self.have is not None and bool(self.need)

    @property
    def amount(self) -> str:
        """What the line says beside its bar: 'have/need', or for time its dates (never a day count)."""
        if self.kind == "tenure":
            return self.words
        return f"{self.have}/{self.need}" if self.have is not None and self.need else ""

    @property
    def short_amount(self) -> str:
        """The same in the few characters beside a chart's bar: 'met', or the day it will be met."""
        if self.kind != "tenure":
            return self.amount
        if self.met:
            return "met"
        return day(self.met_on) if self.met_on else ""


@dataclass(frozen=True)
class Person:
    """A person as one table row: the level they work toward now and its requirements."""

    login: str
    level: str | None  # None: no evaluation yet ("no activity seen yet")
    scope: str | None = None
    state: State | None = None
    requirements: tuple[Requirement, ...] = ()
    readiness_url: str | None = None
    promoted: tuple[str, ...] = ()  # levels already reached

    @property
    def requirements_met(self) -> tuple[int, int]:
        """(met, of): the automatic requirements met, of those there are (people decide the rest)."""
        automatic = [r for r in self.requirements if r.met is not None]
        return sum(1 for r in automatic if r.met), len(automatic)


@dataclass(frozen=True)
class Funnel:
    """A cohort's mentees by how far they got: every mentee is working, some reached ready (or
    beyond: approved, promoted), some were promoted to the cohort's target."""

    working: int
    ready: int
    promoted: int

    @classmethod
    def of(cls, mentees: Iterable[Person], graduated: Iterable[str]) -> Funnel:
        done = {login.lower() for login in graduated}
        people = list(mentees)
        ready = sum(1 for p in people if p.login.lower() in done or p.state in PAST_READY)
        return cls(len(people), ready, len(done & {p.login.lower() for p in people}))

    def stages(self) -> list[tuple[str, int]]:
        return [
            (State.WORKING.value, self.working),
            (State.READY.value, self.ready),
            (State.PROMOTED.value, self.promoted),
        ]


@dataclass(frozen=True)
class Cohort:
    name: str
    org: str
    target: str
    scope: str  # "org/repo/path"
    start: date
    end: date
    mentors: tuple[str, ...]
    mentees: tuple[Person, ...]
    funnel: Funnel  # `funnel.promoted` is the number graduated
    mentor_plan: tuple = ()  # reports.matching.Pairing, for cohorts whose term has not ended
    waitlist: tuple[str, ...] = ()  # sign-ups waiting for a place, in order


@dataclass(frozen=True)
class Series:
    """Dated events of one kind (or one mentee's): the activity chart draws their running count."""

    label: str
    dates: tuple[date, ...]  # one per event, any order; events outside the chart's range are not drawn


@dataclass(frozen=True)
class Checkin:
    login: str
    at: date
    accomplishments: str
    challenges: str
    url: str | None = None


@dataclass(frozen=True)
class Effect:
    """A write in the outbox: what it is, its status (planned | pending | done | failed), its outcome."""

    what: str
    status: str
    outcome: str
    url: str | None = None  # what it made on GitHub, once done


@dataclass(frozen=True)
class Level:
    """One level a person works toward or reached."""

    level: str
    scope: str
    state: State
    requirements: tuple[Requirement, ...]
    readiness_url: str | None = None
    promoted_on: date | None = None


@dataclass(frozen=True)
class OverviewPage:
    header: Header
    cohorts: tuple[Cohort, ...]
    others: tuple[Person, ...]  # people evaluated who are in no cohort
    effects: tuple[Effect, ...]


@dataclass(frozen=True)
class CohortPage:
    header: Header
    cohort: Cohort
    activity: tuple[Series, ...]  # one per mentee, drawn from cohort.start to cohort.end
    today: date
    checkins: tuple[Checkin, ...] = ()
    mentor_plan: tuple = ()  # reports.matching.Pairing: the proposed mentor per mentee, with the reasons
    waitlist: tuple[str, ...] = ()  # sign-ups waiting for a place, in order


@dataclass(frozen=True)
class PersonPage:
    header: Header
    login: str
    levels: tuple[Level, ...]
    activity: tuple[Series, ...]  # one per kind of activity (merged PRs, reviews, …)
    activity_start: date  # the range drawn: the cohort's term, or the person's first activity to today
    activity_end: date
    today: date
    cohorts: tuple[Cohort, ...] = field(default=())  # the cohorts they are a mentee of
    checkins: tuple[Checkin, ...] = ()
    effects: tuple[Effect, ...] = ()


def _date(value: str | None) -> date | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).date() if value else None


def requirements_of(evaluation: dict) -> tuple[Requirement, ...]:
    """A stored evaluation's requirements (`Evaluation.to_dict()`) as the lines people read."""
    return tuple(
        Requirement(
            description=r["description"],
            kind=r.get("kind") or "",
            have=r.get("have"),
            need=r.get("need"),
            met=r.get("met"),
            met_on=_date(r.get("met_on")),
            words=tenure_words(r, evaluation.get("evaluated_at")) if r.get("kind") == "tenure" else "",
        )
        for r in leaves(evaluation["requirements"])
    )
