"""Hand-built page data for the page and chart tests: a cohort of four mentees over a 91-day term,
with a hostile check-in and a `javascript:` link. Every number the tests assert is written here."""

from __future__ import annotations

from datetime import date, datetime, timezone

from ladder_rules.evaluate import State
from reports.views import (
    Checkin,
    Cohort,
    CohortPage,
    Effect,
    Funnel,
    Header,
    Level,
    OverviewPage,
    Person,
    PersonPage,
    Requirement,
    Series,
)

SCRIPT = "<script>alert(1)</script>"
GENERATED = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
START, END, TODAY = date(2026, 9, 1), date(2026, 11, 30), date(2026, 11, 20)
SCOPE = "sample-org/widgets/pkg/controller"

REVIEWED = "Reviewed at least 10 PRs to sample-org/widgets/pkg/controller"
PRIMARY = "Primary reviewer for at least 5 PRs to sample-org/widgets/pkg/controller"
TENURE = "Member for 3 months"
SPONSORS = "Sponsored by 2 approvers"


def alice_requirements() -> tuple[Requirement, ...]:
    return (
        Requirement(REVIEWED, "count", 7, 10, False),
        Requirement(PRIMARY, "count", 5, 5, True),
        Requirement(TENURE, "tenure", 92, 92, True, date(2026, 10, 1), "member since 1 Jul 2026 · met on 1 Oct 2026"),
        Requirement(SPONSORS, "sponsors", None, None, None),
    )


def mentees(readiness_url: str = "https://github.com/sample-org/community/issues/3") -> tuple[Person, ...]:
    return (
        Person("alice", "reviewer", SCOPE, State.WORKING, alice_requirements()),
        Person(
            "bob",
            "reviewer",
            SCOPE,
            State.READY,
            (
                Requirement(REVIEWED, "count", 12, 10, True),
                Requirement(PRIMARY, "count", 5, 5, True),
                Requirement(
                    TENURE,
                    "tenure",
                    40,
                    92,
                    False,
                    date(2027, 1, 22),
                    "member since 22 Oct 2026 · will be met on 22 Jan 2027",
                ),
            ),
            readiness_url=readiness_url,
        ),
        Person(
            "carol",
            "approver",
            SCOPE,
            State.WORKING,
            (Requirement("Reviewed at least 30 PRs to sample-org/widgets", "count", 12, 30, False),),
            promoted=("reviewer",),
        ),
        Person("dora", None),
    )


def cohort(name: str = "apps-reviewers-2026", readiness_url: str | None = None) -> Cohort:
    people = mentees(readiness_url) if readiness_url else mentees()
    return Cohort(
        name=name,
        org="sample-org",
        target="reviewer",
        scope=SCOPE,
        start=START,
        end=END,
        mentors=("omar", "lena"),
        mentees=people,
        funnel=Funnel.of(people, ["carol"]),
    )


# Dated events per mentee; alice's first is before the term and is not drawn.
ACTIVITY = (
    Series("alice", (date(2026, 8, 20), date(2026, 9, 3), date(2026, 9, 10), date(2026, 9, 3), date(2026, 10, 1))),
    Series("bob", (date(2026, 9, 15), date(2026, 11, 20))),
    Series("carol", (date(2026, 9, 2), date(2026, 9, 5), date(2026, 9, 9), date(2026, 9, 12), date(2026, 9, 20))),
    Series("dora", ()),
)

CHECKINS = (
    Checkin(
        "alice",
        date(2026, 11, 17),
        f"Reviewed two PRs {SCRIPT}",
        "none <!-- ladder:readiness:x --> @maria",
        "https://github.com/sample-org/community/issues/7#issuecomment-1",
    ),
    Checkin("bob", date(2026, 11, 18), "Wrote docs", "", "javascript:alert(1)"),
)


def cohort_page(name: str = "apps-reviewers-2026", readiness_url: str | None = None) -> CohortPage:
    return CohortPage(
        Header(f"Cohort {name}", "sample-org", GENERATED),
        cohort(name, readiness_url),
        ACTIVITY,
        TODAY,
        CHECKINS,
    )


EFFECTS = (
    Effect("comment on sample-org/community#7", "done", "https://github.com/sample-org/community/issues/7#c1",
           "https://github.com/sample-org/community/issues/7#c1"),
    Effect("comment on sample-org/community#8", "done", "javascript:alert(1)", "javascript:alert(1)"),
    Effect(f'issue "{SCRIPT}" in sample-org/community', "planned", "dry-run: recorded, not sent"),
)  # fmt: skip


def overview_page(name: str = "apps-reviewers-2026", readiness_url: str | None = None) -> OverviewPage:
    others = (Person("erin", "member", "sample-org", State.READY, (Requirement("Member", "count", 1, 1, True),)),)
    return OverviewPage(Header("Ladder", "sample-org", GENERATED), (cohort(name, readiness_url),), others, EFFECTS)


def person_page(readiness_url: str = "https://github.com/sample-org/community/issues/3") -> PersonPage:
    return PersonPage(
        Header("@alice", "sample-org", GENERATED),
        "alice",
        (
            Level("reviewer", SCOPE, State.WORKING, alice_requirements(), readiness_url),
            Level("member", "sample-org", State.PROMOTED, (), promoted_on=date(2026, 3, 1)),
        ),
        (
            Series("reviews", (date(2026, 9, 3), date(2026, 9, 10))),
            Series("primary reviews", (date(2026, 9, 10),)),
            Series("merged PRs", ()),
        ),
        START,
        END,
        TODAY,
        cohorts=(cohort(),),
        checkins=CHECKINS[:1],
        effects=EFFECTS,
    )
